"""`salonctl import` and `salonctl export`: a salon's records in from spreadsheets, and out
as tables a spreadsheet opens. An export imported into a new salon gives the same salon."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from salonctl.cli.app import app, import_app
from salonctl.cli.common import (
    CALL_FIELDS,
    CLIENT_FIELDS,
    VISIT_FIELDS,
    State,
    client_record,
    echo_warnings,
    state,
)
from salonctl.engine import model
from salonctl.errors import DataError, UsageError
from salonctl.files import codec, parsing, schema, store
from salonctl.files.clientfiles import next_client_id
from salonctl.i18n import _, ngettext
from salonctl.service.lookup import every_record
from salonctl.transfer import importing, spreadsheet
from salonctl.words import render

FileArg = Annotated[Path, typer.Argument(metavar="FILE", help="A .csv or .xlsx file.")]
MapOption = Annotated[list[str] | None, typer.Option(
    "--map", help="COLUMN=FIELD for a column whose header is not recognised (repeatable).")]
DryRunOption = Annotated[bool, typer.Option(
    "--dry-run", help="Show what would be added and every problem; write nothing.")]


def _register(kind: str) -> None:
    fields = ", ".join(spec.name for spec in importing.FIELDS[kind])
    extra = ", ".join(importing.CLIENT_KEYS) + ", " if kind != "clients" else ""
    # The fields are named as the files name them, in either language.
    @import_app.command(kind, help=f"Import {kind} from a spreadsheet: all rows or none. "
                                   f"The fields --map takes: {extra}{fields}.")
    def command(ctx: typer.Context, path: FileArg, mapping: MapOption = None,
                dry_run: DryRunOption = False) -> None:
        _import(state(ctx), kind, path, _pairs(mapping or []), dry_run)


def _pairs(given: list[str]) -> dict[str, str]:
    pairs = {}
    for text in given:
        column, equals, name = text.partition("=")
        if not equals or not column.strip() or not name.strip():
            raise UsageError(_("--map: {text} is not COLUMN=FIELD, e.g. --map 会员卡号=id").format(
                text=repr(text)))
        pairs[column.strip()] = name.strip()
    return pairs


def _import(run: State, kind: str, path: Path, given: dict[str, str], dry_run: bool) -> None:
    table = spreadsheet.read_table(path, importing.known_headers(kind, given))
    headers, rows = table.headers, table.rows
    mapping = importing.column_map(kind, headers, given)
    unknown = [f for f in given.values() if f not in mapping.values()]
    if unknown:
        raise UsageError(_("--map: {field} is not a field of {kind}; they are: {fields}").format(
            field=repr(unknown[0]), kind=kind,
            fields=", ".join(s.name for s in importing.FIELDS[kind])))
    if kind != "clients":  # an entry's id is given anew, in the salon's own numbering
        mapping = {header: name for header, name in mapping.items() if name != "id"}
    where = path.name
    reading = importing.read_rows(kind, rows, mapping, where, table.first_row)
    closures = _closures(rows, headers, table.first_row) if kind == "complaints" else {}
    salon = run.salon()
    with salon.lock(f"import {kind}"):
        plan = _clients_plan(salon, reading, where, run.today()) if kind == "clients" else \
            _entries_plan(salon, kind, reading, where, closures, run.today())
        _report(run, kind, path, headers, mapping, reading.problems + plan.problems, plan)
        if reading.problems or plan.problems:
            raise DataError([], hint=_("nothing was imported: fix the rows above in {file} (or "
                                       "map their columns with --map) and run again").format(
                file=path.name))
        if not dry_run:
            if len(plan.new) > 1000 and sys.stderr.isatty():
                print("salonctl: " + _("writing {count} records...").format(count=len(plan.new)),
                      file=sys.stderr, flush=True)
            with salon.all_or_nothing(f"import {kind}"):
                plan.write(salon)
    echo_warnings(salon)


class _Plan:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.new: list[Any] = []
        self.matched: list[str] = []  # what matched a record here, said row by row
        self.here = 0  # rows that are in the salon already

    def write(self, salon: store.Salon) -> None:
        raise NotImplementedError


class _ClientsPlan(_Plan):
    known: set[str]

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[model.Entry] = []  # her card and her last visit, from her row

    def write(self, salon: store.Salon) -> None:
        salon.add_clients(self.new, self.known)
        if self.entries:
            salon.append_many([_with_id(entry) for entry in self.entries])


class _EntriesPlan(_Plan):
    def __init__(self) -> None:
        super().__init__()
        self.closes: dict[int, tuple[str, str | None]] = {}  # complaint's place -> close
        self.members: list[model.Client] = []  # a real card makes her a member, as `card add`

    def write(self, salon: store.Salon) -> None:
        """Every entry, each journal file written once, and what follows (closures, members):
        all of it or none, even if the process is killed midway."""
        written = salon.append_many([_with_id(entry) for entry in self.new])
        closures = [_closure(written[index], day, note)
                    for index, (day, note) in sorted(self.closes.items())]
        if closures:
            salon.append_many(closures)
        if self.members:
            salon.replace_clients(self.members)
            print(ngettext("{count} client is now a member", "{count} clients are now members",
                           len(self.members)).format(count=len(self.members)), file=sys.stderr)


def _closure(complaint: model.Entry, day: str, note: str | None) -> Callable[[str], model.Entry]:
    closed_on = parsing.parse_date(day)
    return lambda new_id: model.ComplaintClosed(new_id, complaint.client, closed_on,
                                                complaint.id, note)


def _with_id(entry: model.Entry) -> Callable[[str], model.Entry]:
    return lambda new_id: replace(entry, id=new_id)


def _clients_plan(salon: store.Salon, reading: importing.Reading, where: str,
                  today: date) -> _ClientsPlan:
    plan = _ClientsPlan()
    existing = salon.clients()
    plan.known = used = set(salon.used_client_ids())
    numbers = _ClientNumbers(used, salon.desk())
    region = salon.phone_region()
    by_phone = {parsing.phone_key(c.phone, region): c.id for c in existing}
    for second in salon.merged_clients():  # her second record's phone is hers too
        by_phone.setdefault(parsing.phone_key(second.phone, region), str(second.merged_into))
    for parsed in reading.rows:
        values = dict(parsed.values)
        extras = {spec.name: values.pop(spec.name, None) for spec in importing.CLIENT_EXTRAS}
        digits = parsing.phone_key(values["phone"], region)
        if digits in by_phone:
            plan.matched.append(f"{where}:{parsed.row}: " + _(
                "{name} is {id} (same phone); left as she is").format(
                name=values["name"], id=by_phone[digits]))
            continue
        if extras["last_visit"] is not None and extras["last_visit"] > today:
            plan.problems.append(f"{where}:{parsed.row}: " + _(
                "last_visit {day} is after today; a visit is history once it has happened")
                .format(day=extras["last_visit"]))
            continue
        given = values.get("id")
        if given in used:
            plan.problems.append(f"{where}:{parsed.row}: " + _(
                "id {id} is or was a client's id").format(id=repr(given)))
            continue
        values["id"] = given or numbers.next()
        values.setdefault("since", None)
        values["imported"] = today  # her history is older than this salon's files
        has_card = extras["card_type"] or extras["card_balance"] is not None \
            or extras["card_sessions"] is not None
        if has_card and values.get("category", "new") == "new":
            values["category"] = "member"  # a card makes her a member, as `card add` does
        try:
            client = schema.build_client(values)
        except parsing.InvalidValue as error:
            plan.problems.append(f"{where}:{parsed.row}: {error}")
            continue
        used.add(client.id)
        by_phone[digits] = client.id
        plan.new.append(client)
        plan.entries += _row_entries(client, extras, today)
    known = plan.known | {c.id for c in plan.new}
    plan.problems += [f"{where}: {c.name}: " + _("referred_by {id} is not a client").format(
                          id=repr(c.referred_by))
                      for c in plan.new if c.referred_by and c.referred_by not in known]
    return plan


def _row_entries(client: model.Client, extras: dict[str, Any], today: date) -> list[model.Entry]:
    """A client row's card (what is left on it, as of the import) and last visit; a row
    without a card makes no card. Ids are given when they are written."""
    made: list[model.Entry] = []
    if extras["card_type"] or extras["card_balance"] is not None \
            or extras["card_sessions"] is not None:
        made.append(model.Card("", client.id, today, extras["card_type"] or _("card"),
                               extras["card_until"], extras["card_sessions"],
                               extras["card_balance"]))
    if extras["last_visit"] is not None:
        made.append(model.Visit("", client.id, extras["last_visit"]))
    return made


class _ClientNumbers:
    """New client ids for an import, one past the highest ever used (`next_client_id`),
    counted once rather than once a row."""

    def __init__(self, used: set[str], desk: str) -> None:
        self.last = int(next_client_id(used)[1:]) - 1  # the highest number ever used
        self.desk = desk

    def next(self) -> str:
        self.last += 1
        return f"c{self.last:04d}{self.desk}"


_ENTRY_CLASS: dict[str, type[Any]] = {
    "visits": model.Visit, "calls": model.Call, "cards": model.Card,
    "appointments": model.Appointment, "courses": model.Course, "complaints": model.Complaint,
    "topups": model.CardTopUp,
}


def _entries_plan(salon: store.Salon, kind: str, reading: importing.Reading, where: str,
                  closures: dict[int, tuple[str, str | None]], today: date) -> _EntriesPlan:
    plan = _EntriesPlan()
    # A merged record's phone finds her.
    index = importing.ClientIndex(*every_record(salon), salon.phone_region())
    here = _already_here(salon, _ENTRY_CLASS[kind])
    members: set[str] = set()
    for parsed in reading.rows:
        found = index.match(parsed.client_keys)
        if isinstance(found, str):
            plan.problems.append(f"{where}:{parsed.row}: " + _(
                "{reason}; import the clients first").format(reason=found))
            continue
        values = {k: v for k, v in parsed.values.items() if k not in ("id", "client")}
        entry = _ENTRY_CLASS[kind](id="", client=found.id, **values)
        if kind != "appointments" and entry.date > today:
            plan.problems.append(f"{where}:{parsed.row}: " + _(
                "dated {day}, after today: what has not happened yet is not history").format(
                day=entry.date))
            continue
        if here[_same(entry)] > 0:  # in the salon already (an import run twice)
            here[_same(entry)] -= 1
            plan.here += 1
            continue
        plan.new.append(entry)
        if kind == "cards" and not values.get("trial") and found.category != "member" \
                and found.id not in members:
            members.add(found.id)
            plan.members.append(replace(found, category="member"))
        if parsed.row in closures:
            plan.closes[len(plan.new) - 1] = closures[parsed.row]
    return plan


def _same(entry: model.Entry) -> str:
    """An entry as a comparison sees it: everything but its id."""
    return codec.journal_line(replace(entry, id=""))


def _already_here(salon: store.Salon, kind: type[Any]) -> Counter[str]:
    """The salon's entries of this kind as `_same` sees them, counted: a second import of
    one file adds nothing, and two like visits of one day in it stay two."""
    return Counter(_same(entry) for entry, _where, _line in salon.journals.entries()
                   if type(entry) is kind)


def _closures(rows: list[dict[str, Any]], headers: list[str], first_row: int
              ) -> dict[int, tuple[str, str | None]]:
    """A complaint row's closing day and note (the `closed` and `closed_note` columns an
    export writes), by row number."""
    if "closed" not in headers:
        return {}
    return {number: (str(row["closed"])[:10], row.get("closed_note") or None)
            for number, row in enumerate(rows, start=first_row) if row.get("closed")}


def _report(run: State, kind: str, path: Path, headers: list[str], mapping: dict[str, str],
            problems: list[str], plan: _Plan) -> None:
    ignored = [h for h in headers if h not in mapping]
    say = sys.stderr
    print(_("{file}: columns {columns}").format(
        file=path.name, columns=", ".join(f"{h} -> {f}" for h, f in mapping.items())), file=say)
    if ignored:
        print(_("{file}: ignored columns (map them with --map COLUMN=FIELD): {columns}").format(
            file=path.name, columns=", ".join(ignored)), file=say)
    for line in [*problems, *plan.matched]:
        print(line, file=say)
    print(_("{kind}: {new} to add, {matched} already here").format(
        kind=kind, new=len(plan.new), matched=len(plan.matched) + plan.here), file=say)


for _kind in importing.KINDS:
    _register(_kind)


# --- export -------------------------------------------------------------------------------

ExportFormat = Literal["csv", "xlsx", "json"]


@app.command("export")
def export(
    ctx: typer.Context,
    fmt: Annotated[ExportFormat, typer.Option(
        "--format", "-f", case_sensitive=False,
        help="csv (a file a table, for Excel), xlsx (one workbook) or json.")] = "csv",
    out: Annotated[Path, typer.Option("--out", help="The folder to write into.")] = Path("export"),
) -> None:
    """Every client and journal as tables a spreadsheet opens; `import` reads them back."""
    run = state(ctx)
    tables = _tables(run.salon())
    from salonctl.disk import fsutil

    fsutil.ensure_dir(out)
    if fmt == "xlsx":
        spreadsheet.write_xlsx(out / "salon.xlsx", tables)
    elif fmt == "json":
        for name, (_fields, records) in tables.items():
            fsutil.write_atomic(out / f"{name}.json", render.to_json(records).encode("utf-8"))
    else:
        for name, (fields, records) in tables.items():
            spreadsheet.write_csv(out / f"{name}.csv", fields, records)
    print(out)


def _tables(salon: store.Salon) -> dict[str, tuple[tuple[str, ...], list[dict[str, Any]]]]:
    history = salon.history()
    names = {c.id: c.name for c in salon.clients()}
    closed = {closure.closes: closure for closure in history.closures}

    def rows(entries: Any, fields: tuple[str, ...]) -> list[dict[str, Any]]:
        return [{name: _cell(entry, name, names, closed) for name in fields} for entry in entries]

    return {
        "clients": (CLIENT_FIELDS, [client_record(c) for c in salon.clients()]),
        "visits": (VISIT_FIELDS, rows(history.visits, VISIT_FIELDS)),
        "calls": (CALL_FIELDS, rows(history.calls, CALL_FIELDS)),
        "cards": (_CARD_FIELDS, rows(history.cards, _CARD_FIELDS)),
        "topups": (_TOPUP_FIELDS, rows(history.topups, _TOPUP_FIELDS)),
        "appointments": (_APPOINTMENT_FIELDS, rows(history.live_appointments(),
                                                   _APPOINTMENT_FIELDS)),
        "courses": (_COURSE_FIELDS, rows(history.courses, _COURSE_FIELDS)),
        "complaints": (_COMPLAINT_FIELDS, rows(history.complaints, _COMPLAINT_FIELDS)),
    }


_CARD_FIELDS = ("id", "client", "name", "date", "type", "until", "sessions", "balance", "trial",
                "price")
_TOPUP_FIELDS = ("id", "client", "name", "date", "tops_up", "amount", "sessions", "price", "by")
_APPOINTMENT_FIELDS = ("id", "client", "name", "date", "time", "service", "booked", "by")
_COURSE_FIELDS = ("id", "client", "name", "date", "course", "start", "end", "check_days")
_COMPLAINT_FIELDS = ("id", "client", "name", "date", "text", "closed", "closed_note")


def _cell(entry: Any, name: str, names: dict[str, str], closed: dict[str, Any]) -> Any:
    if name in ("closed", "closed_note"):
        closure = closed.get(entry.id)
        return None if closure is None else closure.date if name == "closed" else closure.note
    if name == "name":
        return names.get(entry.client)
    if name == "course":
        return entry.name
    if name == "products":
        return "; ".join(f"{p.name}={p.category}" + (f"={p.days}" if p.days else "")
                         for p in entry.products)
    value = getattr(entry, name, None)
    return list(value) if isinstance(value, tuple) else value

