"""What every command shares (and no command of its own): the salon, today, the console,
argument parsing, the options the record commands take, one entry written, listings."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import io
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TextIO, TypeVar

import typer

from salonctl import clock, lazy
from salonctl.engine import model
from salonctl.errors import SalonError, UsageError
from salonctl.files import parsing, schema, store
from salonctl.i18n import _
from salonctl.index import sync
from salonctl.service.lookup import find_client
from salonctl.words import render, spoken

if TYPE_CHECKING:
    from rich.console import Console

    from salonctl.engine import anchors
else:  # the engine is loaded by the commands that run it
    anchors = lazy.module("salonctl.engine.anchors")

T = TypeVar("T")


@dataclass
class State:
    """The global options, resolved once per run."""

    data: str | None = None
    today_text: str | None = None
    debug: bool = False
    bom: bool = False  # CSV for Excel: starts with a byte-order mark
    encoding: str = "utf-8"  # of data written to stdout (CSV, JSON), whatever the console's
    no_pager: bool = False
    _console: Console | None = None
    _salon: store.Salon | None = None

    @property
    def console(self) -> Console:
        """Where tables go; made on first use (rich is imported only by output that needs it)."""
        if self._console is None:
            self._console = make_console()
        return self._console

    @property
    def out(self) -> TextIO:
        """Where data goes (JSON, CSV, calendars): stdout, in the data's encoding (UTF-8
        unless --encoding says otherwise), not the console's: a Chinese Windows console's
        GBK can hold neither every name nor an emoji, and a file must read back whole."""
        stdout = sys.stdout
        buffer = getattr(stdout, "buffer", None)
        if buffer is None or _same_codec(getattr(stdout, "encoding", None), self.encoding):
            return stdout
        return DataOut(stdout, buffer, self.encoding)  # type: ignore[return-value]  # writes text

    def line(self, text: str, style: str = "", soft_wrap: bool = False, end: str = "\n") -> None:
        """One line on the console, shown as written (client data is never read as markup)."""
        from rich.text import Text

        self.console.print(Text(text, style=style), soft_wrap=soft_wrap, end=end)

    @contextlib.contextmanager
    def paged(self, table: bool = True) -> Iterator[None]:
        """A long table through the pager ($PAGER, else less) when a person reads it at a
        terminal; piped, redirected or with --no-pager it is printed as it is. less is told
        to quit at once when the table fits the screen."""
        if not table or self.no_pager or not sys.stdout.isatty():
            yield
            return
        os.environ.setdefault("LESS", "-FRX")
        with self.console.pager(styles=True):
            yield

    def salon(self) -> store.Salon:
        if self._salon is None:
            root = store.find_salon(self.data, os.environ.get("SALONCTL_DATA"), Path.cwd())
            self._salon = store.Salon(root)
            self._salon.known_digest = functools.partial(sync.recorded_digest, root)
            self._salon.settle_interrupted()
        return self._salon

    def reading(self) -> store.Salon:
        """The salon for a command that only reads it (a sheet, a plan): a bad record costs
        its client, not the whole sheet; `main` names what was passed over and exits 65."""
        salon = self.salon()
        salon.lenient = True
        return salon

    def passed_over(self) -> list[str]:
        """What lenient reading passed over, each problem once, as PATH:LINE:COL lines."""
        if self._salon is None:
            return []
        return [str(p) for p in sorted(set(self._salon.passed_over))]

    def today(self) -> date:
        if self.today_text is not None:
            return arg_date(self.today_text, "--today", clock.local_today())
        env = os.environ.get("SALONCTL_TODAY")
        if env:
            return arg_date(env, "SALONCTL_TODAY", clock.local_today())
        return clock.local_today()




















def _same_codec(one: str | None, other: str) -> bool:
    import codecs

    try:
        return one is not None and codecs.lookup(one).name == codecs.lookup(other).name
    except LookupError:
        return False


class DataOut(io.TextIOBase):
    """Text written as bytes in one encoding under a stream of another (stdout's own
    buffered text flushed first, so the two keep their order)."""

    def __init__(self, stream: TextIO, buffer: Any, encoding: str) -> None:
        self.stream, self.buffer, self.data_encoding = stream, buffer, encoding

    def write(self, text: str) -> int:
        self.stream.flush()
        self.buffer.write(text.encode(self.data_encoding, "replace"))
        self.buffer.flush()
        return len(text)


def make_console() -> Console:
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            # rich exits 1 when the reader goes away; `salonctl due | head -1` got what it
            # wanted: `main` ends quietly with 0, as for any other closed pipe.
            raise BrokenPipeError

    return _Console(file=sys.stdout, highlight=False, soft_wrap=False, emoji=False)


def state(ctx: typer.Context) -> State:
    found = ctx.find_root().obj
    assert isinstance(found, State)
    return found


def arg(parse: Callable[[str], T], value: str, name: str) -> T:
    """Parse a command-line value; a bad one names its argument and what is expected."""
    try:
        return parse(value)
    except parsing.InvalidValue as error:
        raise UsageError(f"{name}: {error}") from None


def arg_date(value: str | None, name: str, today: date) -> date:
    """A date option, read the one way every date option is (`spoken.parse_day`): an ISO
    date, a named day, +3d/-2w or a weekday, counted from `today`; absent, `today`."""
    return today if value is None else arg(lambda text: spoken.parse_day(text, today), value, name)


def not_in_future(day: date, today: date, name: str, what: str) -> date:
    if day > today:
        raise UsageError(_("{name}: {day} is after today ({today}); a {what} is recorded once it "
                           "has happened").format(name=name, day=day, today=today, what=_(what)))
    return day


# Each command's formats are a type, so what --help lists is what the command accepts.
ListFormat = Literal["table", "json", "csv"]
RecordFormat = Literal["table", "json"]
PlanFormat = Literal["table", "json", "csv", "markdown"]
SheetFormat = Literal["table", "json", "csv", "markdown", "ics"]


def format_option(what: str = "Output format.") -> Any:
    return typer.Option("--format", "-f", case_sensitive=False, help=what)


FormatOption = Annotated[ListFormat, format_option()]
RecordFormatOption = Annotated[RecordFormat, format_option()]
PlanFormatOption = Annotated[PlanFormat, format_option()]
SheetFormatOption = Annotated[SheetFormat, format_option(
    "Output format (ics: a calendar file).")]










def echo_warnings(salon: store.Salon) -> None:
    for warning in salon.warnings:
        print(warning, file=sys.stderr)
    salon.warnings.clear()


def records_sorted(records: list[dict[str, Any]], *keys: str) -> list[dict[str, Any]]:
    return sorted(records, key=lambda r: tuple(str(r.get(k) or "") for k in keys))


def parse_when(text: str, today: date) -> date:
    """A day as the sheet's commands take it: 2026-11-26, tomorrow, 明天, +3d, friday, 周五."""
    return spoken.parse_day(text, today)


# --- what the record commands share: arguments, options, one entry written, listings ---

E = TypeVar("E", model.Visit, model.Call, model.Card, model.Course)


# --- Tab completion: what the salon holds, offered as the desk types it -------------------


def _completion_salon(ctx: typer.Context) -> store.Salon | None:
    """The salon a half-typed command line names (--data, $SALONCTL_DATA, or here); None
    when there is none: Tab then offers nothing rather than an error."""
    try:
        given = ctx.find_root().params.get("data")
        root = store.find_salon(given, os.environ.get("SALONCTL_DATA"), Path.cwd())
        return store.Salon(root, lenient=True)
    except (SalonError, OSError):
        return None


def complete_client(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Her id (with her name beside it) or her name (with her id)."""
    salon = _completion_salon(ctx)
    if salon is None:
        return []
    try:
        clients = salon.clients()
    except (SalonError, OSError):
        return []
    word = incomplete.casefold()
    return [*((c.id, c.name) for c in clients if c.id.startswith(incomplete)),
            *((c.name, c.id) for c in clients if c.name.casefold().startswith(word))][:200]


def complete_staff(ctx: typer.Context, incomplete: str) -> list[str]:
    """The consultants the salon's clients name."""
    salon = _completion_salon(ctx)
    try:
        names = {c.consultant for c in salon.clients() if c.consultant} if salon else set()
    except (SalonError, OSError):
        return []
    return sorted(name for name in names if name.startswith(incomplete))


def complete_listed(what: str) -> Callable[[typer.Context, str], list[str]]:
    """Tab for a rule (its id or its R number), a product or a service on the salon's list."""
    def complete(ctx: typer.Context, incomplete: str) -> list[str]:
        from salonctl.files import catalogfile

        salon = _completion_salon(ctx)
        try:
            if salon is None:
                return []
            if what == "rule":
                names = [w for rule in salon.rules() for w in (rule.id, rule.ref)]
            elif what == "product":
                names = [item.name for item in catalogfile.load(salon.root)[0]]
            else:
                names = [service.name for service in catalogfile.load_services(salon.root)[0]]
        except (SalonError, OSError):
            return []
        return sorted({name for name in names if name.startswith(incomplete)})

    return complete


def complete_outcome(incomplete: str) -> list[str]:
    """The outcomes, as salonctl writes them and as the desk says them."""
    words = [*model.OUTCOMES, *(w for w, v in parsing.SPELLINGS["outcome"].items()
                                if not w.isascii())]
    return [word for word in words if word.startswith(incomplete)]


ClientArg = Annotated[str, typer.Argument(
    metavar="CLIENT", help="Id, phone number or exact name.", autocompletion=complete_client)]


OneClientArg = Annotated[
    str | None, typer.Argument(metavar="[CLIENT]", help="Only this client's records.",
                               autocompletion=complete_client)]


FromOption = Annotated[str | None, typer.Option(
    "--from", help="From this day: YYYY-MM-DD, yesterday, -30d, -2w.")]


ToOption = Annotated[str | None, typer.Option(
    "--to", help="Up to this day: YYYY-MM-DD, today, +7d.")]


ByOption = Annotated[str | None, typer.Option("--by", "-b", help="The staff member.",
                                              autocompletion=complete_staff)]


DateOption = Annotated[str | None, typer.Option(
    "--date", help="The day: YYYY-MM-DD, yesterday, 昨天, -2d; default today.")]


def record_entry(
    run: State, command: str, client: str, make: Callable[[model.Client, str], Any],
    then: Callable[[model.Client], None] | None = None, quiet: bool = False,
) -> Any:
    """Resolve the client and append one entry, all under the lock; print the entry's id."""
    salon = run.salon()
    # One write needs no intent; an entry and what follows it (a card, then membership)
    # are written together or not at all, even if the process is killed between them.
    together = salon.all_or_nothing(command) if then is not None else contextlib.nullcontext()
    with salon.lock(command), together:
        found = find_client(salon, client)
        entry = salon.append(lambda entry_id: make(found, entry_id))
        if then is not None:
            then(found)
    echo_warnings(salon)
    if not quiet:
        print(entry.id)
    return entry


def window_of(run: State, start: str | None, end: str | None) -> tuple[date | None, date | None]:
    today = run.today()
    low = arg_date(start, "--from", today) if start else None
    high = arg_date(end, "--to", today) if end else None
    if low and high and high < low:
        raise UsageError(_("--to: {high} is before --from {low}").format(high=high, low=low))
    return low, high


def within(day: date, low: date | None, high: date | None) -> bool:
    return (low is None or day >= low) and (high is None or day <= high)


def selected(
    run: State, entries: Sequence[E], client: str | None, start: str | None, end: str | None
) -> list[E]:
    """The entries of one client (if named) between --from and --to."""
    low, high = window_of(run, start, end)
    wanted = find_client(run.salon(), client).id if client else None
    return [e for e in entries if within(e.date, low, high) and wanted in (None, e.client)]


def client_names(run: State) -> dict[str, str]:
    return {c.id: c.name for c in run.salon().clients()}


def emit_listing(run: State, fmt: str, records: list[dict[str, Any]], columns: Iterable[render.Column],
          empty: str, fields: Sequence[str]) -> None:
    listing = render.Listing(records, tuple(columns), empty=empty, fields=fields)
    with run.paged(fmt == "table"):
        render.emit(listing, fmt, run.console, run.bom, run.out)
    echo_warnings(run.salon())


VISIT_FIELDS = ("id", "client", "name", "date", "services", "products", "amount", "by", "card")


CALL_FIELDS = (*(f.name for f in dataclasses.fields(model.Call)), "name")


def log_call(run: State, client: str, when: date, outcome: str, answered: tuple[str, ...] = (),
             callback: date | None = None, note: str | None = None, by: str | None = None,
             quiet: bool = False) -> model.Call:
    """One line in the callback log, under the lock; a wrong number keeps the number dialled."""
    call: model.Call = record_entry(run, "call log", client, lambda c, entry_id: model.Call(
        entry_id, c.id, when, outcome, answered, callback, note, by,  # type: ignore[arg-type]
        c.phone if outcome == "wrong-number" else None), quiet=quiet)
    return call


def client_record(client: model.Client) -> dict[str, Any]:
    return schema.client_fields(client)


CLIENT_FIELDS = tuple(schema.client_fields(model.Client("", "", "")))


WhenArg = Annotated[str, typer.Argument(
    metavar="[DAY]", help="The day of the sheet (default today): YYYY-MM-DD, tomorrow, 明天, "
                          "+3d, friday, 周五.")]


