"""`salonctl due` and `call next`: the call sheet, the calls missed, and working through it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer

from salonctl import i18n, lazy
from salonctl.cli.app import app
from salonctl.cli.common import (
    SheetFormatOption,
    State,
    WhenArg,
    arg,
    arg_date,
    parse_when,
    state,
)
from salonctl.engine import details, model
from salonctl.engine.ruleset import Rule
from salonctl.errors import UsageError
from salonctl.i18n import N_, _
from salonctl.service.day import (
    DaySheet,
    checked_scripts,
    day_engine,
    day_sheet,
    engine,
    product_areas,
    require_known_caller,
    unreadable,
)
from salonctl.words import render
from salonctl.words.phrases import say

if TYPE_CHECKING:
    from salonctl.engine import rules, schedule, worklist
    from salonctl.engine.anchors import SalonView
    from salonctl.words import sheet
else:  # the engine is loaded by the commands that run it, not by --help
    rules = lazy.module("salonctl.engine.rules")
    schedule = lazy.module("salonctl.engine.schedule")
    sheet = lazy.module("salonctl.words.sheet")
    worklist = lazy.module("salonctl.engine.worklist")
import sys
from collections.abc import Callable
from dataclasses import dataclass

from salonctl import lazy
from salonctl.cli.app import call_app
from salonctl.cli.common import log_call
from salonctl.words import spoken
from salonctl.words.phrases import channel


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
        view, rule_set = engine(run.reading(), day)
        start = arg_date(since, "--since", day) if since else day - timedelta(days=30)
        found = schedule.missed(view, rule_set, start, day)
        if consultant is not None:
            require_known_caller(run.salon(), consultant)
        _print_missed(run, view, rule_set, found, consultant, fmt, limit)
        return
    areas = product_areas(run.salon())
    if days == 1:
        salon = run.reading()
        work = day_engine(salon, day, None if show_all else limit or salon.settings().daily_limit)
        library = checked_scripts(run.salon(), work.rules)
        sheets = [day_sheet(work.view, work.rules, library, day, consultant, limit, show_all, work,
                            areas)]
        view = work.view
    else:
        view, rule_set = engine(run.reading())
        library = checked_scripts(run.salon(), rule_set)
        sheets = [day_sheet(view, rule_set, library, d, consultant, limit, show_all, areas=areas)
                  for d in (day + timedelta(days=n) for n in range(days))]
    if consultant is not None and not any(sheet.records for sheet in sheets):
        require_known_caller(run.salon(), consultant)
    if only_messages:
        for one in sheets:
            one.records, one.waiting = sheet.messages(one.records), {}
    sheets[0].unreadable = unreadable(run.salon(), view)
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
    render.emit(listing, fmt, run.console, run.bom, run.out)


def _held_when_missed(view: SalonView, rule_set: list[Rule],
                      found: list[tuple[model.Client, rules.Reason]], limit: int
                      ) -> dict[date | None, set[str]]:
    """For each last day of a window that closed untried: whose row the day's limit held."""
    days = {r.status.on for _, r in found if r.status.tries == 0 and r.status.on is not None}
    return {day: worklist.held_on(view.on(day), schedule.due_on(view, rule_set, day), limit)
            for day in sorted(d for d in days if d is not None)}


def _missed_why(reason: rules.Reason, held: bool) -> str:
    if held:
        return details.HELD_BY_LIMIT
    return reason.status.detail


# --- call next: work through today's sheet one call at a time ---

OUTCOME_KEYS = {"r": "reached", "n": "no-answer", "c": "not-convenient", "x": "refused",
                "w": "wrong-number"}
class Answers:
    """Where the answers come from: single keys on a terminal, else one answer a line."""

    def __init__(self, stream: TextIO, say: Callable[[str], None]) -> None:
        self.stream = stream
        self.say = say
        self.keys = stream.isatty()

    def key(self, prompt: str) -> str | None:
        """One answer, lower-cased; None at the end of the input."""
        self.say(prompt)
        if self.keys:
            pressed = typer.getchar()  # one key, POSIX and Windows alike
            self.say(pressed + "\n")
            return pressed.strip().lower() or None
        line = self.stream.readline()
        if not line:
            return None
        self.say(line.strip() + "\n")
        return line.strip().lower()

    def line(self, prompt: str) -> str | None:
        self.say(prompt)
        line = self.stream.readline() if not self.keys else input()
        if not self.keys:
            self.say(line.strip() + "\n")
        return line.strip() if line else None


@dataclass
class Tally:
    made: int = 0
    reached: int = 0


@call_app.command("next")
def call_next(
    ctx: typer.Context,
    consultant: Annotated[str | None, typer.Option(help="Only her calls.")] = None,
    by: Annotated[str | None, typer.Option("--by", help="Who is calling (logged).")] = None,
) -> None:
    """Work through today's sheet: each call's script, then its outcome with one key."""
    run = state(ctx)
    today = run.today()
    view, rule_set = engine(run.reading(), today)
    rows = sheet.calls(day_sheet(view, rule_set, checked_scripts(run.salon(), rule_set), today,
                                 consultant, areas=product_areas(run.salon())).records)
    called = {c.client for c in run.salon().history().calls if c.date == today}
    queue = [r for r in rows if r["client"] not in called]
    language = view.language
    answers = Answers(sys.stdin, lambda text: run.line(text, end=""))
    tally = Tally()
    for number, record in enumerate(queue, 1):
        _show(run, record, number, len(queue), language)
        if not _answer(run, answers, record, today, language, by, tally):
            break
    left = len(queue) - tally.made
    run.line(say(language, "next-done", tally.made, made=tally.made,
                               reached=tally.reached, left=left))


def _show(run: State, record: dict[str, Any], number: int, total: int, language: str) -> None:
    who = " · ".join(p for p in (record["name"], record["phone"],
                                 channel(language, record["channel"])) if p)
    run.line(f"\n[{number}/{total}] {who}", style="bold")
    for reason in record["reasons"]:
        run.line("  " + sheet.reason_line(reason, language, record["date"]))
    run.line("")
    run.line(record["script"] or "")


def _answer(run: State, answers: Answers, record: dict[str, Any], today: date, language: str,
            by: str | None, tally: Tally) -> bool:
    """Ask until the answer is one of the keys; log it. False: stop here."""
    while True:
        key = answers.key(say(language, "next-prompt"))
        if key in (None, "q"):
            return False
        if key == "s":
            return True
        if key in OUTCOME_KEYS:
            break
        print("salonctl: " + _("{key} is not one of r n c x w s q").format(key=repr(key)),
              file=sys.stderr)
    outcome = OUTCOME_KEYS[key]
    callback = None
    if outcome == "not-convenient":
        asked = _callback_day(answers, today, language)
        if asked is False:
            return False
        callback = asked if isinstance(asked, date) else None
    log_call(run, record["client"], today, outcome, callback=callback, by=by, quiet=True)
    tally.made += 1
    tally.reached += outcome == "reached"
    return True


def _callback_day(answers: Answers, today: date, language: str) -> date | bool | None:
    """The day she asked to be called back; None for no day (the next open day, as
    `call log` without --callback); False at the end of the input."""
    while True:
        text = answers.line(say(language, "next-when"))
        if text is None:
            return False
        if not text:
            return None
        try:
            day = arg(lambda v: spoken.parse_day(v, today), text, "callback")
        except UsageError as error:
            print(f"salonctl: {error}", file=sys.stderr)
            continue
        if day > today:
            return day
        print("salonctl: " + _("callback: {day} is not after today ({today})").format(
            day=day, today=today), file=sys.stderr)
