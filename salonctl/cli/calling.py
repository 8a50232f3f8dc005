"""`salonctl call next`: work through today's sheet one call at a time.

It shows the top row of today's sheet that has no call logged today, with its script, and
takes the outcome as one key; each answer is logged as `call log` logs it, and the next row
comes up. On a terminal it reads single keys; from a pipe one answer a line, so a session
can be scripted: `printf 'r\\nn\\nq\\n' | salonctl call next`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer

from salonctl import lazy
from salonctl.cli.common import State, arg, state
from salonctl.cli.due import checked_scripts, day_sheet, engine, product_areas
from salonctl.cli.records import call_app, log_call
from salonctl.errors import UsageError
from salonctl.i18n import _
from salonctl.words import spoken
from salonctl.words.phrases import channel, say

if TYPE_CHECKING:
    from salonctl.words import sheet
else:  # loaded by the command that runs them, not by --help
    sheet = lazy.module("salonctl.words.sheet")

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
    view, rule_set = engine(run, today)
    rows = sheet.calls(day_sheet(view, rule_set, checked_scripts(run, rule_set), today,
                                 consultant, areas=product_areas(run)).records)
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
