"""One listing model rendered as a terminal table, CSV or JSON.

A listing is the records (what JSON and CSV carry, every field, a stable interface) plus
the few columns a person wants to see in a terminal. Client text goes into cells as
`Text`, so a name like "[VIP] 王丽" is shown as written and never parsed as markup.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TextIO

from salonctl import i18n
from salonctl.i18n import N_, _

if TYPE_CHECKING:  # rich is imported by the output that needs it, not by every run
    from rich.console import Console
    from rich.table import Table

FORMATS = ("table", "json", "csv")

# The column headers tables show (JSON and CSV keep the field names as they are).
HEADERS = (
    N_("amount"), N_("appointments"), N_("approach"), N_("balance"), N_("birthdays"), N_("by"),
    N_("callback"), N_("calls"), N_("cards"), N_("category"), N_("check_days"), N_("closed"),
    N_("complaints"), N_("consultant"), N_("course"), N_("courses"), N_("date"), N_("demand"),
    N_("due"), N_("enabled"), N_("end"), N_("from"), N_("holidays"), N_("id"),
    N_("last year"), N_("left"), N_("lunar"), N_("missed_on"), N_("month"), N_("name"),
    N_("note"), N_("offsets"), N_("outcome"), N_("phone"), N_("products"), N_("ref"),
    N_("rule"), N_("rules"), N_("service"), N_("services"), N_("sessions"), N_("start"),
    N_("state"), N_("status"), N_("target"), N_("text"), N_("time"), N_("title"), N_("to"),
    N_("trial"), N_("type"), N_("until"), N_("weeks"), N_("why"), N_("visits"), N_("sales"),
    N_("uses"), N_("topups"), N_("taken_in"), N_("sold"), N_("on_hand"), N_("unit"),
    N_("price"), N_("days"), N_("low_at"), N_("offers"), N_("figure"), N_("value"),
    N_("booked"), N_("card_use"), N_("revenue"), N_("service"), N_("product"),
    N_("spend_12m"), N_("visits_12m"), N_("tier"),
    # a client's fields, as `client show` labels them
    N_("gender"), N_("birthday"), N_("birthday_month_day"), N_("lunar_birthday"),
    N_("lunar_leap"), N_("key"),
    N_("referred_by"), N_("source"), N_("channel"), N_("email"), N_("do_not_contact"),
    N_("skin_type"), N_("allergies"), N_("preferences"), N_("hobbies"), N_("since"),
    N_("salutation"), N_("merged"),
)


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[dict[str, Any]], Any]
    justify: str = "left"
    wrap: bool = False  # only free text wraps; ids, phones and dates stay on one line


def columns(*names: str, wrap: tuple[str, ...] = ()) -> tuple[Column, ...]:
    """Columns that show the record fields of these names, as they are."""
    return tuple(Column(name, _field(name), wrap=name in wrap) for name in names)


def _field(name: str) -> Callable[[dict[str, Any]], Any]:
    return lambda record: record[name]


@dataclass(frozen=True)
class Listing:
    records: list[dict[str, Any]]
    columns: Sequence[Column]
    title: str | None = None
    empty: str = "nothing to list"
    extra: dict[str, Any] = field(default_factory=dict)
    fields: Sequence[str] = ()  # the records' keys, for a CSV header when there are none

    def field_names(self) -> Sequence[str]:
        return self.fields or [column.header for column in self.columns]


def _json_default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"{type(value).__name__} is not JSON data")


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=_json_default) + "\n"


def cell_text(value: Any) -> str:
    """How one value reads in a table or CSV cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else ""
    if isinstance(value, list | tuple):
        return "; ".join(cell_text(item) for item in value)
    if isinstance(value, dict):
        return " ".join(f"{cell_text(v)}" for v in value.values())
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


BOM = "\ufeff"  # how Excel on a Chinese Windows knows a CSV is UTF-8, not GBK


def to_csv(records: list[dict[str, Any]], fields: Sequence[str] = (), bom: bool = False) -> str:
    """CSV with a header row (the field names, even when there are no records); `bom` starts
    it with the byte-order mark Excel needs to read Chinese right."""
    out = io.StringIO()
    out.write(BOM if bom else "")
    writer = csv.writer(out, lineterminator="\r\n" if bom else "\n")
    header = list(records[0].keys()) if records else list(fields)
    if header:
        writer.writerow(header)
    for record in records:
        writer.writerow(_csv_safe(csv_cell(value)) for value in record.values())
    return out.getvalue()


def csv_cell(value: Any) -> str:
    """A cell as a spreadsheet reads it back: yes/no as true/false, not "yes" and blank."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return cell_text(value)


_NUMBER_LIKE = re.compile(r"[+-]?[0-9][0-9 ().-]*")


def _csv_safe(text: str) -> str:
    # A cell starting with = + - @ is run as a formula by spreadsheets, so a note must never
    # start with one; a phone (+8613800138000) or a number (-5) cannot run anything and is
    # kept exactly as it is.
    if text[:1] in ("=", "+", "-", "@") and not _NUMBER_LIKE.fullmatch(text):
        return "'" + text
    return text


def table(listing: Listing) -> Table:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    grid = Table(title=_(listing.title) if listing.title else None, box=box.SIMPLE_HEAD, title_justify="left",
                 show_edge=False, pad_edge=False)
    cells = [[_spoken_cell(c.header, cell_text(c.value(record))) for c in listing.columns]
             for record in listing.records]
    for index, column in enumerate(listing.columns):
        grid.add_column(
            _(column.header), justify=column.justify,  # type: ignore[arg-type]
            no_wrap=not column.wrap, overflow="fold" if column.wrap else "ellipsis",
            min_width=None if column.wrap else _kept_width(column.header, cells, index),
        )
    for row in cells:
        grid.add_row(*(Text(cell) for cell in row))
    return grid


# Columns whose values are salonctl's own words, shown in the interface's language in tables
# (JSON and CSV keep them as they are: they are an interface for scripts).
_WORD_COLUMNS = ("outcome", "category", "gender")
STATUS_WORDS = (N_("status|booked"), N_("status|cancelled"), N_("status|open"),
                N_("status|closed"), N_("status|over"), N_("status|ahead"),
                N_("status|under way"))


def _spoken_cell(header: str, text: str) -> str:
    if header in ("status", "channel"):
        return i18n.word(header, text)
    return _(text) if header in _WORD_COLUMNS and text else text


KEPT_WIDTH = 18  # ids, dates, amounts and short names are never cut; longer text may be


def _kept_width(header: str, cells: list[list[str]], index: int) -> int:
    from rich.cells import cell_len

    widest = max((cell_len(row[index]) for row in cells), default=0)
    return min(max(widest, cell_len(header)), KEPT_WIDTH)


def emit(listing: Listing, fmt: str, console: Console, bom: bool = False,
         out: TextIO | None = None) -> None:
    """Print a listing in the chosen format: a table on the console, data (JSON, CSV) on
    `out` (else the console's file)."""
    data = out or console.file
    if fmt == "json":
        data.write(to_json(listing.records))
    elif fmt == "csv":
        data.write(to_csv(listing.records, listing.field_names(), bom))
    elif not listing.records:
        from rich.text import Text

        console.print(Text(_(listing.empty)), style="dim")
    else:
        console.print(table(listing))


def to_markdown(records: list[dict[str, Any]], columns: Sequence[Column],
                header: Sequence[str] = ()) -> str:
    """A Markdown table (for pasting into a report); cell text is escaped, never markup."""
    def cell(value: Any) -> str:
        return _md_escape(cell_text(value)).replace("\n", "<br>")

    lines = [f"{line}  " for line in header] + ([""] if header else [])
    lines.append("| " + " | ".join(_(c.header) for c in columns) + " |")
    lines.append("|" + "|".join("---:" if c.justify == "right" else "---" for c in columns) + "|")
    lines += ["| " + " | ".join(cell(c.value(r)) for c in columns) + " |" for r in records]
    return "\n".join(lines) + "\n"


def _md_escape(text: str) -> str:
    return "".join("\\" + c if c in "\\`*_[]<>|" else c for c in text)
