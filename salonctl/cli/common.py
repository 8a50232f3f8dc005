"""What every command shares: the salon, today, the console, argument parsing, lookups."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TextIO, TypeVar

import typer

from salonctl import clock, lazy
from salonctl.engine import model
from salonctl.errors import DataError, NotFoundError, UsageError
from salonctl.files import schema, store
from salonctl.i18n import _
from salonctl.index import derived
from salonctl.words import spoken

if TYPE_CHECKING:
    from rich.console import Console

    from salonctl.engine import anchors
    from salonctl.engine.anchors import SalonView
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
        """Where data goes (JSON, CSV, calendars): stdout as it is when written."""
        return sys.stdout

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


def derived_store(salon: store.Salon) -> tuple[derived.Derived, bool] | None:
    """The salon's derived store, up to date, and whether it was just rebuilt; None when it
    cannot serve (the files are read instead), or when `SALONCTL_NO_DERIVED=1` asks for the
    files, as a check on the store."""
    if os.environ.get("SALONCTL_NO_DERIVED"):
        return None
    return derived.synced(salon, _say_rebuilding)


LONG_WORK_BYTES = 8_000_000  # about 20,000 clients with a year of history


def _say_rebuilding(size: int) -> None:
    say_long_work(size, _("reading the whole salon once to index it in .cache/ "
                          "(the next runs are quick)..."))


def say_long_work(size: int, message: str) -> None:
    """At a terminal, a word before a large salon is read in full (minutes at 100,000
    clients); a small one is read before anyone would wonder, and cron hears nothing."""
    if size > LONG_WORK_BYTES and sys.stderr.isatty():
        print(f"salonctl: {message}", file=sys.stderr, flush=True)


def partial_view(indexed: derived.Derived, settings: model.Settings, ids: list[str],
                 as_of: date | None = None) -> SalonView:
    """These clients as the engine sees them, from the derived store: with their guests and
    every entry that bears on them (as it stood on `as_of`, when given)."""
    guests = indexed.guests_of(ids)
    return anchors.SalonView(settings, indexed.clients(ids),
                             indexed.history([*ids, *(guest.id for guest in guests)]),
                             settings.follow_up.max_tries, others=guests, as_of=as_of)


def find_client(salon: store.Salon, wanted: str, name: str = "CLIENT") -> model.Client:
    """`resolve_client` over the whole salon: through the derived store's index when it can
    serve, else over every client file. The store is brought up to date by a lenient reading,
    so a bad record elsewhere fails this command no sooner than reading the files would."""
    indexed = derived_store(store.Salon(salon.root, lenient=True))
    if indexed is None:
        return client_in_files(salon, wanted, name)
    return client_in_store(indexed[0], wanted, name)


def client_in_store(indexed: derived.Derived, wanted: str, name: str = "CLIENT") -> model.Client:
    """`resolve_client` through the derived store's index."""
    return resolve_client(indexed.lookup(wanted), wanted, name, indexed.client)


def client_in_files(salon: store.Salon, wanted: str, name: str = "CLIENT") -> model.Client:
    """`resolve_client` over every client file (merged records found by their old id or phone).
    A client whose own record does not read is named with the place to mend it."""
    records, kept = every_record(salon)
    if wanted in salon.affected and not any(c.id == wanted for c in records):
        raise DataError([salon.affected[wanted]], hint=_(
            "{id}'s record must be mended first (the other clients are as they were)").format(
            id=wanted))
    return resolve_client(records, wanted, name, kept)


def every_record(salon: store.Salon) -> tuple[list[model.Client], Callable[[str], model.Client]]:
    """Every client record, merged ones too, and how to read a kept client by her id."""
    clients = salon.clients()
    return [*clients, *salon.merged_clients()], {client.id: client for client in clients}.__getitem__


def make_console() -> Console:
    from rich.console import Console

    return Console(file=sys.stdout, highlight=False, soft_wrap=False, emoji=False)


def state(ctx: typer.Context) -> State:
    found = ctx.find_root().obj
    assert isinstance(found, State)
    return found


def arg(parse: Callable[[str], T], value: str, name: str) -> T:
    """Parse a command-line value; a bad one names its argument and what is expected."""
    try:
        return parse(value)
    except schema.InvalidValue as error:
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


def masked_phone(phone: str) -> str:
    digits = schema.phone_digits(phone)
    return f"…{digits[-4:]}" if len(digits) > 4 else digits


def resolve_client(clients: list[model.Client], wanted: str, name: str = "CLIENT",
                   kept: Callable[[str], model.Client] | None = None) -> model.Client:
    """An id, a phone number, or a name that matches exactly one client. A record merged
    into another (`client merge`) stands for the client it was merged into, read by `kept`."""
    by_id = [c for c in clients if c.id == wanted]
    if by_id:
        if by_id[0].merged_into and kept is not None:
            found = kept(by_id[0].merged_into)
            print(_("note: {id} was merged into {kept} ({name})").format(
                id=wanted, kept=found.id, name=found.name), file=sys.stderr)
            return found
        return by_id[0]
    digits = schema.phone_digits(wanted)
    matches = [c for c in clients if len(digits) >= 5 and schema.phone_digits(c.phone) == digits]
    if not matches:
        matches = [c for c in clients if c.name.casefold() == wanted.strip().casefold()]
    if kept is not None:
        matches = as_kept(matches, kept)
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise NotFoundError(_("{name}: {wanted} matches {count} clients; give the id "
                              "instead:").format(name=name, wanted=repr(wanted), count=len(matches))
                            + f"\n{_candidates(matches)}")
    close = [c for c in clients if wanted.strip().casefold() in c.name.casefold()
             and not c.merged_into][:10]
    hint = _("; did you mean:") + f"\n{_candidates(close)}" if close else \
        _("; `salonctl client find TEXT` searches names, phones and notes")
    raise NotFoundError(_("{name}: no client {wanted}").format(name=name, wanted=repr(wanted))
                        + hint)


def as_kept(clients: list[model.Client], kept: Callable[[str], model.Client]) -> list[model.Client]:
    """Each client once, a merged record as the client it was merged into (her two records
    are one client)."""
    distinct: dict[str, model.Client] = {}
    for client in clients:
        seen = kept(client.merged_into) if client.merged_into else client
        distinct.setdefault(seen.id, seen)
    return list(distinct.values())


def _candidates(clients: list[model.Client]) -> str:
    return "\n".join(f"  {c.id}  {c.name}  {_('phone')} {masked_phone(c.phone)}" for c in clients)


def echo_warnings(salon: store.Salon) -> None:
    for warning in salon.warnings:
        print(warning, file=sys.stderr)
    salon.warnings.clear()


def records_sorted(records: list[dict[str, Any]], *keys: str) -> list[dict[str, Any]]:
    return sorted(records, key=lambda r: tuple(str(r.get(k) or "") for k in keys))
