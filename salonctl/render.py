"""One listing model rendered as a terminal table, CSV or JSON.

A listing is the records (what JSON and CSV carry, every field, a stable interface) plus
the few columns a person wants to see in a terminal. Client text goes into cells as
`Text`, so a name like "[VIP] 王丽" is shown as written and never parsed as markup.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # rich is imported by the output that needs it, not by every run
    from rich.console import Console
    from rich.table import Table

FORMATS = ("table", "json", "csv")


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
        return "yes" if value else ""
    if isinstance(value, list | tuple):
        return "; ".join(cell_text(item) for item in value)
    if isinstance(value, dict):
        return " ".join(f"{cell_text(v)}" for v in value.values())
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def to_csv(records: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    if not records:
        return ""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(records[0].keys())
    for record in records:
        writer.writerow(_csv_safe(cell_text(value)) for value in record.values())
    return out.getvalue()


def _csv_safe(text: str) -> str:
    # A cell starting with = + - @ is run as a formula by spreadsheets; a phone like
    # +8613800138000 must stay text, and a note must never become a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def table(listing: Listing) -> Table:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    grid = Table(title=listing.title, box=box.SIMPLE_HEAD, title_justify="left",
                 show_edge=False, pad_edge=False)
    for column in listing.columns:
        grid.add_column(
            column.header, justify=column.justify,  # type: ignore[arg-type]
            no_wrap=not column.wrap, overflow="fold" if column.wrap else "ellipsis",
        )
    for record in listing.records:
        grid.add_row(*(Text(cell_text(c.value(record))) for c in listing.columns))
    return grid


def emit(listing: Listing, fmt: str, console: Console) -> None:
    """Print a listing in the chosen format; data only, on the console given (stdout)."""
    if fmt == "json":
        console.file.write(to_json(listing.records))
    elif fmt == "csv":
        console.file.write(to_csv(listing.records))
    elif not listing.records:
        from rich.text import Text

        console.print(Text(listing.empty), style="dim")
    else:
        console.print(table(listing))


def to_markdown(records: list[dict[str, Any]], columns: Sequence[Column],
                header: Sequence[str] = ()) -> str:
    """A Markdown table (for pasting into a report); cell text is escaped, never markup."""
    def cell(value: Any) -> str:
        return _md_escape(cell_text(value)).replace("\n", "<br>")

    lines = [f"{line}  " for line in header] + ([""] if header else [])
    lines.append("| " + " | ".join(c.header for c in columns) + " |")
    lines.append("|" + "|".join("---:" if c.justify == "right" else "---" for c in columns) + "|")
    lines += ["| " + " | ".join(cell(c.value(r)) for c in columns) + " |" for r in records]
    return "\n".join(lines) + "\n"


def _md_escape(text: str) -> str:
    return "".join("\\" + c if c in "\\`*_[]<>|" else c for c in text)
