"""`salonctl why CLIENT`: every rule against one client, and where her row stands."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Annotated, Any

import typer

from salonctl import i18n, lazy
from salonctl.cli.app import app
from salonctl.cli.common import RecordFormatOption, State, arg, parse_when, state
from salonctl.engine import details, model
from salonctl.engine.ruleset import Rule
from salonctl.errors import DataError
from salonctl.i18n import N_, _, ngettext
from salonctl.service.day import DayWork, day_engine, known_results
from salonctl.service.lookup import client_in_files, client_in_store, derived_store, partial_view
from salonctl.words import render

if TYPE_CHECKING:
    from salonctl.engine import rules, worklist
    from salonctl.engine.anchors import SalonView
else:  # the engine is loaded by the commands that run it, not by --help
    rules = lazy.module("salonctl.engine.rules")
    worklist = lazy.module("salonctl.engine.worklist")


@app.command("why")
def why(
    ctx: typer.Context,
    client: Annotated[str, typer.Argument(metavar="CLIENT", help="Id, phone number or exact name.")],
    on: Annotated[str | None, typer.Option("--date", help="The day to ask about (default today).")
                  ] = None,
    fmt: RecordFormatOption = "table",
) -> None:
    """Every rule against one client: when it fires and where it stands."""
    run = state(ctx)
    day = arg(lambda v: parse_when(v, run.today()), on, "--date") if on else run.today()
    work = day_engine(run.reading(), day, run.reading().settings().daily_limit)
    day_view, rule_set = work.view, work.rules
    affected = run.salon().affected
    if client in affected:  # her own record does not read: say where, not "no such client"
        raise DataError([affected[client]], hint=_("{id}'s record must be fixed first").format(
            id=client))
    view, found = _view_of(run, day_view, client)
    records = _explain(found, view, rule_set, day)
    if fmt == "json":
        run.out.write(render.to_json(records))
        return
    language = i18n.active()
    state_column = render.Column("state", lambda r: _state_text(r, day, language), wrap=True)
    columns = (*render.columns("rule", "ref"), state_column)
    title = _("{name} ({id}) on {day}").format(name=found.name, id=found.id, day=day)
    render.emit(render.Listing(records, columns, title=title), "table", run.console, run.bom, run.out)
    run.line(_place_text(run, work, found, day))


def _view_of(run: State, day_view: SalonView, wanted: str) -> tuple[SalonView, model.Client]:
    """The client `wanted` names, and a view holding her (and her guests): the day's own
    view when it was read from the files, else hers from the derived store."""
    found = derived_store(run.salon())
    if found is None or found[1]:
        return day_view, client_in_files(run.reading(), wanted)
    client = client_in_store(found[0], wanted)
    return partial_view(found[0], day_view.settings, [client.id]), client


def _place_text(run: State, work: DayWork, client: model.Client, day: date) -> str:
    """Where her row stands in her caller's day, and why there."""
    settings = work.view.settings
    standing = _standing(run, work, client, day)
    if isinstance(standing, str):
        return _("sheet: a message to send her with the sheet of {day} (no call)").format(day=day)
    if standing is None:
        return _("sheet: she is not on the sheet of {day}").format(day=day)
    caller, rank, count, held, terms = standing
    why = [_("a must-call") if terms.must else _("not a must-call"),
           _("priority {priority}").format(priority=terms.priority)]
    if terms.lapsed_days is not None:
        why.append(ngettext("lapsed {days} day (fewer ranks higher)",
                            "lapsed {days} days (fewer ranks higher)",
                            terms.lapsed_days).format(days=terms.lapsed_days))
    why.append(_("spent {amount} in the last 12 months").format(amount=f"{terms.spent:,}"))
    place = _("rank {rank} of {count} on {caller}'s sheet of {day}").format(
        rank=rank, count=count, caller=caller, day=day)
    if held:
        place += _(", held: beyond the {limit} calls a day; she stays due while her window "
                   "lasts").format(limit=settings.daily_limit)
    return _("sheet: {place} ({why})").format(place=place, why=_("; ").join(why))


Standing = tuple[str, int, int, bool, "worklist.RankTerms"]


def _standing(run: State, work: DayWork, client: model.Client,
              day: date) -> Standing | str | None:
    """Her caller, rank, the caller's count of calls, held or not, and her terms ("message"
    when all she is owed that day is a message): from the store when it placed the day (only
    the rows on the sheet were read back), else from every row."""
    limit = work.view.settings.daily_limit
    found = derived_store(run.reading()) if work.held is not None else None
    if found is not None and found[0].orderable(day):
        place = found[0].standing(day, client.id, limit)
        mine = known_results(found[0], day, [client.id], work.rules).get(client.id)
        if place is None:
            return "message" if mine is not None and mine.row.kind == "message" else None
        if mine is not None:
            return (*place, mine.terms)
    if work.held is not None:  # every row, then
        work = day_engine(run.reading(), day)
    placed = worklist.place_ranked(((r.row, r.terms) for r in work.results),
                                   work.view.settings, limit)
    calls = worklist.calls(placed)
    row = next((p for p in calls if p.row.client.id == client.id), None)
    if row is None:
        return "message" if any(p.row.client.id == client.id for p in placed) else None
    return row.caller, row.rank, sum(p.caller == row.caller for p in calls), row.held, row.terms


def _explain(client: model.Client, view: SalonView, rule_set: list[Rule],
             day: date) -> list[dict[str, Any]]:
    low, high = day - timedelta(days=60), day + timedelta(days=366)
    statuses = rules.client_statuses(client, rule_set, view.on(day), day, low, high)
    records = []
    for rule in rule_set:
        record: dict[str, Any] = {"rule": rule.id, "ref": rule.ref, "title": rule.title,
                                  "anchor": rule.anchor, "applies": True, "because": None,
                                  "occurrences": []}
        reason = rules.applies(rule, client)
        if reason is not None:
            record.update(applies=False, because=reason)
        else:
            record["occurrences"] = [_occurrence_record(r) for r in statuses
                                     if r.occurrence.rule.id == rule.id]
        records.append(record)
    return records


def _occurrence_record(reason: rules.Reason) -> dict[str, Any]:
    occurrence, status = reason.occurrence, reason.status
    return {
        "anchor_date": occurrence.event.date, "due": occurrence.due,
        "window": [occurrence.earliest, occurrence.latest], "state": status.state,
        "on": status.on, "detail": status.detail, "tries": status.tries,
    }


def _worth_showing(occurrences: list[dict[str, Any]], day: date) -> list[dict[str, Any]]:
    """The occurrences due on the day, whatever their age; the two before; the next one."""
    due = [o for o in occurrences if o["state"] == "due"]
    others = sorted((o for o in occurrences if o["state"] != "due"), key=lambda o: o["due"])
    before = [o for o in others if o["due"] <= day][-2:]
    after = [o for o in others if o["due"] > day][:1]
    return sorted(due + before + after, key=lambda o: (o["due"], o["anchor_date"]))


_STATE_WORDS = {
    "due": N_("due"), "done": N_("done on {on} ({detail})"),
    "missed": N_("missed on {on}: {detail}"), "suppressed": N_("suppressed: {detail}"),
    "upcoming": N_("fires on {on}"), "waiting": N_("due again on {on}"),
    "held": N_("held: {detail}"),
}


# The events a rule counts from, as `why` names them (rules.yaml keeps the English names).
ANCHOR_WORDS = (
    N_("anchor|purchase"), N_("anchor|visit"), N_("anchor|first-visit"), N_("anchor|appointment"),
    N_("anchor|birthday"), N_("anchor|holiday"), N_("anchor|season"), N_("anchor|yearly"),
    N_("anchor|last-visit"), N_("anchor|last-contact"), N_("anchor|course-day"),
    N_("anchor|course-end"), N_("anchor|complaint"), N_("anchor|guest-visit"),
    N_("anchor|card-expiry"), N_("anchor|complaint-closed"), N_("anchor|card-low"),
    N_("anchor|product-use"),
)


def _state_text(record: dict[str, Any], day: date, language: str) -> str:
    if not record["applies"]:
        return _("not applicable: {because}").format(
            because=details.spoken(record["because"], language))
    if not record["occurrences"]:
        return _("no {anchor} event from 60 days ago to a year ahead").format(
            anchor=i18n.word("anchor", record["anchor"]))
    lines = []
    for occurrence in _worth_showing(record["occurrences"], day):
        shown = {**occurrence, "detail": details.spoken(occurrence["detail"], language)}
        held = occurrence["state"] == "waiting" and occurrence["on"] is None
        words = _(_STATE_WORDS["held" if held else occurrence["state"]]).format(**shown)
        lines.append(f"{occurrence['anchor_date']} → {occurrence['due']}: {words}")
    return "\n".join(lines)
