"""CSV that a spreadsheet opens as the salon wrote it: Chinese intact (with --bom), phones
as typed, a header even when nothing matches, yes/no as true/false."""

from __future__ import annotations

import csv
import io

from tests.conftest import Salon


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_phones_and_notes_are_kept_and_no_formula_gets_through(salon: Salon) -> None:
    salon.ok("client", "add", "王芳", "--phone", "+86 138-0013-8000", "--note", "=HYPERLINK(1)")
    salon.ok("client", "add", "李娜", "--phone", "0612345670", "--note", "-不要周末打")
    rows = _rows(salon.ok("client", "list", "--format", "csv"))
    assert [r["phone"] for r in rows] == ["+86 138-0013-8000", "0612345670"]
    listed = salon.ok("client", "list", "--format", "csv")
    assert "'=HYPERLINK(1)" in listed and "'-不要周末打" in listed


def test_an_empty_result_still_has_its_header(salon: Salon) -> None:
    salon.ok("client", "add", "王芳", "--phone", "13800000001")
    visits = salon.ok("visit", "list", "--format", "csv")
    assert visits.splitlines()[0].split(",")[:2] == ["id", "client"] and len(visits.splitlines()) == 1
    sheet = salon.ok("due", "--format", "csv")
    assert sheet.splitlines() == [
        "date,client,name,phone,channel,consultant,caller,rank,held,overdue_days,rules,refs,"
        "titles,script,kind"]


def test_bom_on_request_and_booleans_read_back(salon: Salon) -> None:
    salon.ok("client", "add", "王芳", "--phone", "13800000001")
    salon.ok("visit", "add", "c0001", "--service", "补水", "--date", "2026-11-23")
    plain = salon.ok("due", "--all", "--format", "csv")
    assert not plain.startswith("\ufeff")
    marked = salon.ok("--bom", "due", "--all", "--format", "csv")
    assert marked.startswith("\ufeff") and "\r\n" in marked
    assert marked.removeprefix("\ufeff").replace("\r\n", "\n") == plain
    rows = _rows(marked)
    assert rows and {r["held"] for r in rows} <= {"true", "false"} and rows[0]["name"] == "王芳"
