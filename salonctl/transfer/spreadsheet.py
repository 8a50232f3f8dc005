"""Spreadsheet files in and out: CSV (UTF-8, UTF-8 with BOM, GB18030 as Chinese Excel saves
it) and XLSX (openpyxl, loaded only for .xlsx files).

A table is a header row and rows of cells; a CSV written here starts with a byte-order mark
and keeps phone numbers as text, so Excel on a Chinese Windows opens it as written.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from salonctl.disk import fsutil
from salonctl.errors import UsageError
from salonctl.i18n import _
from salonctl.transfer.importing import EXTRA
from salonctl.words import render


@dataclass
class Table:
    headers: list[str]
    rows: list[dict[str, Any]]  # header -> cell
    first_row: int = 2  # the spreadsheet's number of the first row under the headers



# What Excel and other programs save a Chinese or Japanese CSV as, besides UTF-8: the
# mainland's GB18030 (GBK), Taiwan's and Hong Kong's Big5, Japan's Shift-JIS.
LEGACY_ENCODINGS = ("gb18030", "big5", "shift_jis")
HEADER_LINES = 10  # a sheet's header is within its first lines (a title may stand above it)


def read_table(path: Path, known: Collection[str] = ()) -> Table:
    """The first sheet of an .xlsx, or a .csv in whichever encoding it was saved. `known`
    are the header words of the columns expected, which tell the legacy encodings apart."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _table(_read_xlsx(path), known)
    if path.suffix.lower() not in (".csv", ".txt"):
        raise UsageError(_("FILE: {path} is neither .csv nor .xlsx; save it as one of those")
                         .format(path=path))
    return _table(_rows(decoded_csv(fsutil.read_bytes(path), path, known)), known)


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def decoded_csv(data: bytes, path: Path, known: Collection[str] = ()) -> str:
    """The text of a CSV: UTF-8 (with or without a byte-order mark) when it reads so, else
    the one legacy encoding it reads in, or the one whose first lines name known columns.
    Bytes that read as two different texts with nothing to tell them apart are refused:
    garbled names must never come in without a word."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    texts: dict[str, str] = {}
    for encoding in LEGACY_ENCODINGS:
        with contextlib.suppress(UnicodeDecodeError):
            texts[encoding] = data.decode(encoding)
    if len(set(texts.values())) == 1:
        return next(iter(texts.values()))
    folded = {word.strip().casefold() for word in known}
    scores = {encoding: _known_cells(text, folded) for encoding, text in texts.items()}
    best = max(scores.values(), default=0)
    winners = {texts[encoding] for encoding, score in scores.items() if score == best}
    if best > 0 and len(winners) == 1:
        return winners.pop()
    names = ", ".join(texts) or "none"
    raise UsageError(_("FILE: {path} is not UTF-8, and salonctl cannot tell for certain which "
                       "encoding it is (it reads as: {names}); save it as CSV UTF-8 (Excel: "
                       "Save As, \"CSV UTF-8\") and import that").format(path=path, names=names))


def _known_cells(text: str, known: set[str]) -> int:
    """How many cells of the first lines are known column names."""
    lines = _rows("\n".join(text.splitlines()[:HEADER_LINES]))
    return sum(1 for line in lines for cell in line if cell.strip().casefold() in known)


def _read_xlsx(path: Path) -> list[list[Any]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise UsageError(_("FILE: {path} cannot be read as an Excel workbook ({error})").format(
            path=path, error=error)) from None
    try:
        return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def header_row(lines: Sequence[Sequence[Any]], known: Collection[str]) -> int:
    """Where the headers are: the first of the first lines that names at least two known
    columns (a title such as 会员资料导出 may stand above them), else the first line."""
    wanted = {word.casefold() for word in known}
    for index, line in enumerate(lines[:HEADER_LINES]):
        if sum(1 for cell in line if str(cell or "").strip().casefold() in wanted) >= 2:
            return index
    return 0


def _table(lines: Sequence[Sequence[Any]], known: Collection[str]) -> Table:
    if not lines:
        return Table([], [])
    top = header_row(lines, known)
    headers = [str(cell).strip() if cell is not None else "" for cell in lines[top]]
    rows = []
    for line in lines[top + 1:]:
        row = {header: line[index] if index < len(line) else None
               for index, header in enumerate(headers) if header}
        extra = [cell for cell in line[len(headers):] if cell not in (None, "")]
        if extra:
            row[EXTRA] = extra
        rows.append(row)
    return Table([h for h in headers if h], rows, top + 2)


def _xlsx_value(value: Any) -> Any:
    """A number as a number, a day as a date, the rest as the text CSV would hold."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    return render.csv_cell(value)


def write_csv(path: Path, fields: Sequence[str], records: list[dict[str, Any]]) -> None:
    fsutil.write_atomic(path, render.to_csv(records, fields, bom=True).encode("utf-8"))


def write_xlsx(path: Path,
               sheets: Mapping[str, tuple[Sequence[str], list[dict[str, Any]]]]) -> None:
    """One workbook, a sheet a table: amounts and counts as numbers (a SUM adds them up),
    days as dates, and everything else as text (a phone stays 0612345670)."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, (fields, records) in sheets.items():
        sheet = book.create_sheet(title)
        sheet.append(list(fields))
        for record in records:
            sheet.append([_xlsx_value(record.get(name)) for name in fields])
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(cell.value, str):
                    cell.number_format = "@"  # text: Excel must not turn a phone into 6.1E+8
                    # A text cell, never a formula: a client's name "=WEBSERVICE(...)" opened
                    # in Excel must not send anything anywhere (openpyxl would store it as one).
                    cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    fsutil.write_atomic(path, out.getvalue())
