"""`salonctl due` and `rules`: the call sheet and the rules behind it."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Annotated, Any

import typer

from salonctl import i18n, lazy
from salonctl.cli.app import app
from salonctl.cli.common import (
    FormatOption,
    RecordFormatOption,
    SheetFormatOption,
    State,
    arg,
    arg_date,
    derived_store,
    partial_view,
    state,
)
from salonctl.engine import catalogue, details, model, scripts
from salonctl.engine.ruleset import Rule
from salonctl.errors import NotFoundError, UsageError
from salonctl.files import catalogfile, rulebook, store
from salonctl.i18n import N_, _
from salonctl.index import derived
from salonctl.words import render, spoken
from salonctl.words.phrases import say

if TYPE_CHECKING:
    from salonctl.engine import anchors, rules, worklist
    from salonctl.engine.anchors import SalonView
    from salonctl.index import daymemo
    from salonctl.index.daymemo import DayResult
    from salonctl.words import compose, sheet
else:  # the engine is loaded by the commands that run it, not by --help
    anchors = lazy.module("salonctl.engine.anchors")
    compose = lazy.module("salonctl.words.compose")
    daymemo = lazy.module("salonctl.index.daymemo")
    rules = lazy.module("salonctl.engine.rules")
    sheet = lazy.module("salonctl.words.sheet")
    worklist = lazy.module("salonctl.engine.worklist")

WhenArg = Annotated[str, typer.Argument(
    metavar="[DAY]", help="The day of the sheet (default today): YYYY-MM-DD, tomorrow, 明天, "
                          "+3d, friday, 周五.")]


def parse_when(text: str, today: date) -> date:
    return spoken.parse_day(text, today)


def engine(run: State, as_of: date | None = None) -> tuple[SalonView, list[Rule]]:
    """The whole salon as the engine sees it (as it stood on `as_of`, when given)."""
    salon = run.reading()
    settings = salon.settings()
    view = anchors.SalonView(settings, salon.clients(), salon.history(), settings.follow_up.max_tries,
                             as_of=as_of)
    return view, salon.rules()


@dataclass
class DayWork:
    """One day's due rows with their rank terms and circumstances, and the view they were
    found in. Read from the derived store for a sheet at a limit, only the rows that make the
    sheet are read back (`held` then counts, per caller, the rows beyond it)."""

    view: SalonView
    rules: list[Rule]
    results: list[DayResult]
    held: dict[str, int] | None = None  # None: `results` holds every due row


def day_engine(run: State, day: date, limit: int | None = None) -> DayWork:
    """The day's work: through the derived store when it can serve (only the clients who
    may be due are read, and only those not evaluated on that day yet are evaluated), else
    from the files. With `limit`, only the rows on the sheet at that limit need be read back.
    `SALONCTL_NO_DERIVED=1` reads the files, as a check on the store."""
    salon = run.reading()
    settings, rule_set = salon.settings(), salon.rules()
    found = derived_store(salon)
    if found is None:
        view, _ = engine(run, day)
        return DayWork(view, rule_set, day_results(view, rules.due_on(view, rule_set, day), day))
    store, rebuilt = found
    unsettled = [] if rebuilt else store.unsettled(day)
    evaluated = store.evaluated(day, unsettled)
    view = engine(run, day)[0] if rebuilt else partial_view(
        store, settings, [i for i in unsettled if i not in evaluated], day)
    due_rows, quiet = rules.due_and_quiet(view, rule_set, day)
    fresh = {r.row.client.id: r for r in day_results(view, due_rows, day)}
    store.remember(day, quiet, {i: _kept(r, settings) for i, r in fresh.items()})
    placed = store.placed(day, limit) if limit is not None else None
    wanted = [i for i in (placed[0] if placed else evaluated) if i not in fresh]
    known = known_results(store, day, wanted, rule_set)
    if len(known) < len(wanted):  # kept results that no longer read: evaluate them again
        store.forget(set(wanted) - set(known))
        return day_engine(run, day, limit)
    return DayWork(view, rule_set, [*known.values(), *fresh.values()] if placed is None else
                   [known[i] if i in known else fresh[i] for i in placed[0]],
                   None if placed is None else placed[1])


def _kept(result: DayResult, settings: model.Settings) -> derived.Result:
    """A result as the store keeps it: its text and the terms that place it."""
    terms = result.terms
    cents = terms.spent * 100
    row = result.row
    return (daymemo.encode(result), worklist.caller_of(row.client, settings),
            int(terms.must), terms.priority, -1 if terms.lapsed_days is None else terms.lapsed_days,
            int(cents) if cents == cents.to_integral_value() else None,
            int(row.kind == "call"), int(row.part("message") is not None))


def known_results(store: derived.Derived, day: date, ids: list[str],
                   rule_set: list[Rule]) -> dict[str, DayResult]:
    """The results of clients already evaluated on `day` whose records have not changed
    (one that does not read back is left out)."""
    texts = store.results(day, ids)
    by_rule = {rule.id: rule for rule in rule_set}
    known = {}
    for client in store.clients(texts):
        with contextlib.suppress(KeyError, ValueError, TypeError):
            known[client.id] = daymemo.decode(texts[client.id], client, day, by_rule)
    return known


def day_results(view: SalonView, due_rows: list[rules.DueRow], day: date) -> list[DayResult]:
    """Each due row with what ranks it and what its script must not contradict."""
    return [daymemo.DayResult(row, worklist.rank_terms(row, view),
                      compose.circumstances_of(view, row.client.id, day)) for row in due_rows]


@dataclass
class DaySheet:
    """One day's sheet: its records (held ones too when asked for) and, per caller, how many
    rows the day's limit held back."""

    day: date
    records: list[dict[str, Any]]
    waiting: dict[str, int]
    unreadable: list[str] = field(default_factory=list)  # clients a bad record left out


def unreadable(run: State, view: SalonView) -> list[str]:
    """One line per client a bad record touches: who, and the file and line to fix."""
    names = {c.id: c.name for c in view.clients}
    return [say(view.language, "unreadable", who=f"{names[cid]} ({cid})" if cid in names else cid,
                where=f"{problem.path}:{problem.line}")
            for cid, problem in sorted(run.salon().affected.items())]


def checked_scripts(run: State, rule_set: list[Rule]) -> dict[str, scripts.Template]:
    """The salon's scripts, once every one a rule needs is known to exist and fill."""
    salon = run.salon()
    library = salon.scripts()
    shown = salon.rel(salon.root / rulebook.RULES_FILE)
    rulebook.require(rulebook.script_problems(rule_set, library, shown))
    return library


def day_sheet(view: SalonView, rule_set: list[Rule], library: dict[str, scripts.Template],
              day: date, consultant: str | None = None, limit: int | None = None,
              include_held: bool = False, work: DayWork | None = None,
              areas: dict[str, str] | None = None) -> DaySheet:
    """The sheet of `day`: each caller's calls at the day's limit (the held ones too with
    `include_held`), then the messages she sends, each with its script."""
    if work is None:
        view = view.on(day)
        work = DayWork(view, rule_set, day_results(view, rules.due_on(view, rule_set, day), day))
    placed = worklist.place_ranked(((r.row, r.terms) for r in work.results), view.settings,
                                   limit or view.settings.daily_limit)
    held = worklist.waiting(placed) if work.held is None else work.held
    if consultant is not None:
        placed = [p for p in placed if consultant in (p.caller, p.row.client.consultant)]
        held = {caller: n for caller, n in held.items() if caller == consultant}
    circumstances = {r.row.client.id: r.circumstances for r in work.results}
    language = view.language
    records = [
        sheet.row_record(p, compose.compose(p.row, view.settings, library,
                                            circumstances[p.row.client.id], areas),
                         scripts.salutation(p.row.client, language))
        for p in placed if include_held or not p.held
    ]
    return DaySheet(day, records, {} if include_held else held)


def product_areas(run: State) -> dict[str, str]:
    """Where each catalogue product acts, for the scripts (a catalogue with a problem gives
    what reads of it: `check` names the problem)."""
    return catalogue.areas(catalogfile.load(run.salon().root)[0])


def require_known_caller(run: State, name: str) -> None:
    """A name no client's file gives (nor the front desk) is a typo, not a quiet day:
    refused with the names there are."""
    salon = run.salon()
    settings = salon.settings()
    indexed = derived_store(store.Salon(salon.root, lenient=True))
    known = indexed[0].consultants() if indexed else \
        {c.consultant for c in salon.clients() if c.consultant}
    known |= {worklist.front_desk(settings)}
    if name not in known:
        raise UsageError(_("--consultant: no client has {name} as her consultant; the salon's "
                           "are: {known}").format(name=repr(name), known=", ".join(sorted(known))))


@app.command("due")
def due(
    ctx: typer.Context,
    when: WhenArg = "today",
    days: Annotated[int, typer.Option(help="The sheets of N days from that day.", min=1,
                                      max=366)] = 1,
    consultant: Annotated[str | None, typer.Option(help="Only her clients.")] = None,
    limit: Annotated[int | None, typer.Option(
        help="Rows per caller today (default: calls_per_day in salon.yaml, else 20).",
        min=1, max=10_000)] = None,
    show_all: Annotated[bool, typer.Option(
        "--all", help="Every row due, the ones beyond the day's limit too (held: true).")] = False,
    show_missed: Annotated[bool, typer.Option(
        "--missed", help="Calls whose window closed without a call, instead.")] = False,
    since: Annotated[str | None, typer.Option(
        help="With --missed: from this day (default 30 days before).")] = None,
    only_messages: Annotated[bool, typer.Option(
        "--messages", help="Only the messages to send (greetings, season tips); with "
                           "--format csv: phone,channel,name,text for a bulk-SMS tool.")] = False,
    fmt: SheetFormatOption = "table",
) -> None:
    """The call sheet: who to call on a day, why, and what to say, in the order to call;
    then the messages to send."""
    run = state(ctx)
    if (show_missed or only_messages) and fmt == "ics":
        raise UsageError(_("--format: only calls go in a calendar; give table, json, csv or "
                           "markdown with --missed or --messages"))
    if show_missed and only_messages:
        raise UsageError(_("--messages: a message is sent with its day's sheet and never "
                           "missed; give --missed or --messages"))
    day = arg(lambda v: parse_when(v, run.today()), when, "WHEN")
    if show_missed:
        view, rule_set = engine(run, day)
        start = arg_date(since, "--since", day) if since else day - timedelta(days=30)
        found = rules.missed(view, rule_set, start, day)
        if consultant is not None:
            require_known_caller(run, consultant)
        _print_missed(run, view, rule_set, found, consultant, fmt, limit)
        return
    areas = product_areas(run)
    if days == 1:
        work = day_engine(run, day, None if show_all else limit or run.salon().settings().daily_limit)
        library = checked_scripts(run, work.rules)
        sheets = [day_sheet(work.view, work.rules, library, day, consultant, limit, show_all, work,
                            areas)]
        view = work.view
    else:
        view, rule_set = engine(run)
        library = checked_scripts(run, rule_set)
        sheets = [day_sheet(view, rule_set, library, d, consultant, limit, show_all, areas=areas)
                  for d in (day + timedelta(days=n) for n in range(days))]
    if consultant is not None and not any(sheet.records for sheet in sheets):
        require_known_caller(run, consultant)
    if only_messages:
        for one in sheets:
            one.records, one.waiting = sheet.messages(one.records), {}
    sheets[0].unreadable = unreadable(run, view)
    _print_sheets(run, view, sheets, fmt, only_messages)


def _print_sheets(run: State, view: SalonView, sheets: list[DaySheet], fmt: str,
                  only_messages: bool = False) -> None:
    records = [r for one in sheets for r in one.records]
    out = run.out
    if fmt == "ics":
        shown = [r for r in records if not r["held"]]
        out.write(sheet.sheet_ics(shown, view.settings.name, view.language,
                                  sheets[0].day).decode("utf-8"))
    elif fmt == "json":
        out.write(render.to_json(records))
    elif fmt == "csv" and only_messages:
        out.write(render.to_csv([sheet.message_csv_record(r) for r in records],
                                sheet.MESSAGE_CSV_FIELDS, run.bom))
    elif fmt == "csv":
        out.write(render.to_csv([sheet.csv_record(r) for r in records], sheet.CSV_FIELDS,
                                run.bom))
    else:
        with run.paged(fmt == "table"):
            for line in sheets[0].unreadable:  # unwrapped: the path is copied from here
                run.line(line, style="bold", soft_wrap=True)
            for one in sheets:
                _print_day(run, view, one, fmt)


def _print_day(run: State, view: SalonView, one: DaySheet, fmt: str) -> None:
    language = view.language
    title = sheet.sheet_title(view.settings, one.day, one.records)
    waiting = [sheet.waiting_line(c, n, language) for c, n in one.waiting.items()]
    if fmt == "markdown":
        text = sheet.sheet_markdown(one.records, language, title)
        run.out.write(text + "".join(f"\n{line}\n" for line in waiting) + "\n")
        return
    if not one.records:
        shut = "" if view.open_days.is_open(one.day) else say(language, "closed")
        run.line(say(language, "nothing-due", title=title) + shut, style="dim")
    else:
        run.line(title, style="bold")
    for caller, rows in sheet.by_caller(one.records):
        if sheet.calls(rows):
            run.line(sheet.caller_heading(caller, rows, language), style="bold")
            run.console.print(sheet.sheet_table(sheet.calls(rows), language))
        if sheet.messages(rows):
            run.line(sheet.messages_heading(caller, rows, language), style="bold")
            run.console.print(sheet.messages_list(rows, language))
    for line in waiting:
        run.line(line)


def _print_missed(run: State, view: SalonView, rule_set: list[Rule],
                  found: list[tuple[model.Client, rules.Reason]], consultant: str | None,
                  fmt: str, limit: int | None) -> None:
    found = [(c, r) for c, r in found
             if consultant in (None, c.consultant, worklist.caller_of(c, view.settings))]
    held = _held_when_missed(view, rule_set, found, limit or view.settings.daily_limit)
    records = [
        {"client": client.id, "name": client.name, "phone": client.phone,
         **sheet.reason_record(reason), "missed_on": reason.status.on,
         "why": _missed_why(reason, client.id in held.get(reason.status.on, set())),
         "held": client.id in held.get(reason.status.on, set())}
        for client, reason in found
    ]
    language = i18n.active()
    columns = (*render.columns("missed_on", "name", "ref", "title", "due", wrap=("title",)),
               render.Column("why", lambda r: details.spoken(r["why"], language), wrap=True))
    if fmt == "markdown":
        run.out.write(render.to_markdown(records, columns))
        return
    fields = ("client", "name", "phone", *sheet.REASON_FIELDS, "missed_on", "why", "held")
    listing = render.Listing(records, columns, empty=N_("no missed calls"), fields=fields)
    render.emit(listing, fmt, run.console, run.bom)


def _held_when_missed(view: SalonView, rule_set: list[Rule],
                      found: list[tuple[model.Client, rules.Reason]], limit: int
                      ) -> dict[date | None, set[str]]:
    """For each last day of a window that closed untried: whose row the day's limit held."""
    days = {r.status.on for _, r in found if r.status.tries == 0 and r.status.on is not None}
    return {day: worklist.held_on(view.on(day), rules.due_on(view, rule_set, day), limit)
            for day in sorted(d for d in days if d is not None)}


def _missed_why(reason: rules.Reason, held: bool) -> str:
    if held:
        return details.HELD_BY_LIMIT
    return reason.status.detail


rules_app = typer.Typer(help="The salon's follow-up rules.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")


def _rule_record(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id, "ref": rule.ref, "title": rule.title, "anchor": rule.anchor,
        "offsets": list(rule.offsets), "unit": rule.unit,
        "window": {"early": rule.early, "late": rule.late}, "kind": rule.kind,
        "channel": rule.kind,  # its older name
        "priority": rule.priority, "script": rule.script, "enabled": rule.enabled,
        "must": rule.must, "sales": rule.sales, "topic": rule.topic,
    }


@rules_app.command("list")
def rules_list(ctx: typer.Context, fmt: FormatOption = "table") -> None:
    """Every rule, with the row of DOMAIN.md it implements."""
    run = state(ctx)
    records = [_rule_record(r) for r in run.salon().rules()]
    columns = render.columns("id", "ref", "title", "offsets", "enabled", wrap=("title",))
    render.emit(render.Listing(records, columns, empty=N_("no rules")), fmt, run.console, run.bom)


@rules_app.command("show")
def rules_show(
    ctx: typer.Context,
    rule_id: Annotated[str, typer.Argument(metavar="RULE", help="The rule's id.")],
    fmt: RecordFormatOption = "table",
) -> None:
    """One rule and the scripts it reads."""
    run = state(ctx)
    rule_set = run.salon().rules()
    rule = next((r for r in rule_set if r.id == rule_id), None)
    if rule is None:
        raise NotFoundError(_("RULE: no rule {id}; `salonctl rules list` shows them").format(
            id=repr(rule_id)))
    library = run.salon().scripts()
    record = _rule_record(rule)
    record["scripts"] = {name: library[name].text.strip() if name in library else None
                         for name in rule.script_names()}
    if fmt == "json":
        run.out.write(render.to_json(record))
        return
    for key, value in record.items():
        run.line(f"{key}: {render.cell_text(value)}")


def known_rule_ids(run: State, given: tuple[str, ...]) -> tuple[str, ...]:
    """`call log --rule` ids must name rules of the salon."""
    ids = {r.id for r in run.salon().rules()}
    unknown = [g for g in given if g not in ids]
    if unknown:
        raise UsageError(_("--rule: no rule {id}; `salonctl rules list` shows them").format(
            id=repr(unknown[0])))
    return given
