"""Spreadsheet files in and out: CSV (UTF-8, UTF-8 with BOM, GB18030 as Chinese Excel saves
it) and XLSX (openpyxl, loaded only for .xlsx files).

A table is a header row and rows of cells; a CSV written here starts with a byte-order mark
and keeps phone numbers as text, so Excel on a Chinese Windows opens it as written.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from salonctl import fsutil, render
from salonctl.errors import UsageError
from salonctl.i18n import _
from salonctl.importing import EXTRA

Table = tuple[list[str], list[dict[str, Any]]]  # headers, rows (header -> cell)



def read_table(path: Path) -> Table:
    """The first sheet of an .xlsx, or a .csv in whichever encoding it was saved."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if path.suffix.lower() not in (".csv", ".txt"):
        raise UsageError(_("FILE: {path} is neither .csv nor .xlsx; save it as one of those")
                         .format(path=path))
    return _read_csv(fsutil.read_bytes(path), path)


def _read_csv(data: bytes, path: Path) -> Table:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        reader = csv.reader(io.StringIO(text, newline=""))
        lines = [row for row in reader]
        return _table(lines)
    raise UsageError(_("FILE: {path} is neither UTF-8 nor GB18030 text; save it as CSV UTF-8")
                     .format(path=path))


def _read_xlsx(path: Path) -> Table:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise UsageError(_("FILE: {path} cannot be read as an Excel workbook ({error})").format(
            path=path, error=error)) from None
    try:
        lines = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()
    return _table(lines)


def _table(lines: Sequence[Sequence[Any]]) -> Table:
    if not lines:
        return [], []
    headers = [str(cell).strip() if cell is not None else "" for cell in lines[0]]
    rows = []
    for line in lines[1:]:
        row = {header: line[index] if index < len(line) else None
               for index, header in enumerate(headers) if header}
        extra = [cell for cell in line[len(headers):] if cell not in (None, "")]
        if extra:
            row[EXTRA] = extra
        rows.append(row)
    return [h for h in headers if h], rows


def write_csv(path: Path, fields: Sequence[str], records: list[dict[str, Any]]) -> None:
    fsutil.write_atomic(path, render.to_csv(records, fields, bom=True).encode("utf-8"))


def write_xlsx(path: Path,
               sheets: Mapping[str, tuple[Sequence[str], list[dict[str, Any]]]]) -> None:
    """One workbook, a sheet a table; every cell text (a phone stays 0612345670)."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, (fields, records) in sheets.items():
        sheet = book.create_sheet(title)
        sheet.append(list(fields))
        for record in records:
            sheet.append([render.csv_cell(record.get(name)) for name in fields])
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.number_format = "@"  # text: Excel must not turn a phone into 6.1E+8
                if isinstance(cell.value, str):
                    # A text cell, never a formula: a client's name "=WEBSERVICE(...)" opened
                    # in Excel must not send anything anywhere (openpyxl would store it as one).
                    cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    fsutil.write_atomic(path, out.getvalue())
