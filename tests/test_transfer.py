"""A salon's existing records come in from spreadsheets, all or nothing, and go out as
tables that come back in as the same salon."""

from __future__ import annotations

import importlib.util
import json
import shutil
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import Salon, run

DEMO = Path(__file__).resolve().parent.parent / "data"
TOOLS = DEMO.parent / "tools"
SURNAMES = "王李张刘陈杨黄赵吴周"


def _clients_xlsx(path: Path, count: int) -> list[str]:
    """A workbook as a salon keeps one: Chinese headers, phones typed as numbers."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "手机", "生日", "顾问", "会员卡号"])
    phones = []
    for n in range(count):
        phone = 13800000000 + n
        phones.append(str(phone))
        sheet.append([f"{SURNAMES[n % 10]}客{n}", phone, f"1990/{n % 12 + 1}/{n % 28 + 1}",
                      "小李" if n % 2 else "小陈", f"VIP{n}"])
    book.save(path)
    return phones


def test_a_workbook_of_clients_and_a_gb18030_csv_of_visits(salon: Salon, tmp_path: Path) -> None:
    workbook = tmp_path / "客户.xlsx"
    phones = _clients_xlsx(workbook, 500)
    tried = salon("import", "clients", str(workbook), "--dry-run")
    assert tried.code == 0 and "clients: 500 to add, 0 already here" in tried.err
    assert "ignored columns (map them with --map COLUMN=FIELD): 会员卡号" in tried.err
    assert json.loads(salon.ok("client", "list", "--format", "json")) == []  # a dry run
    salon.ok("import", "clients", str(workbook))
    listed = json.loads(salon.ok("client", "list", "--format", "json"))
    assert len(listed) == 500 and listed[0]["phone"] == phones[0]
    assert (listed[1]["name"], listed[1]["birthday"], listed[1]["consultant"]) == (
        "李客1", "1990-02-02", "小李")
    visits = tmp_path / "到店.csv"
    visits.write_bytes("日期,手机,项目,金额\n2026/11/21,13800000007,补水，按摩,￥298\n"
                       "2026-11-21,13800000008,清洁,1,280.00\n".encode("gb18030"))
    assert salon("import", "visits", str(visits), "--dry-run").code == 65  # 1,280.00: a column too many
    visits.write_bytes("日期,手机,项目,金额\n2026/11/21,13800000007,补水，按摩,￥298\n"
                       "2026-11-21,13800000008,清洁,\"1,280.00\"\n".encode("gb18030"))
    assert "visits: 2 to add" in salon("import", "visits", str(visits), "--dry-run").err
    salon.ok("import", "visits", str(visits))
    amounts = [(v["client"], v["services"], v["amount"])
               for v in json.loads(salon.ok("visit", "list", "--format", "json"))]
    assert amounts == [("c0008", ["补水", "按摩"], 298), ("c0009", ["清洁"], 1280)]
    due = salon.sheets("2026-11-24")["2026-11-24"]
    assert {"c0008", "c0009"} <= set(due)  # imported history drives the rules at once


def test_a_bad_row_and_nothing_is_written(salon: Salon, tmp_path: Path) -> None:
    source = tmp_path / "clients.csv"
    source.write_text("name,phone,birthday\n王芳,13800000001,1990-01-01\n李娜,13800000002,"
                      "1990-02-30\n张敏,,1990-03-01\n", encoding="utf-8-sig")
    refused = salon("import", "clients", str(source))
    assert refused.code == 65
    assert "clients.csv:3: birthday: not a birthday salonctl can read" in refused.err
    assert "1990-02-30" not in refused.err
    assert "clients.csv:4: phone: missing" in refused.err
    assert "nothing was imported" in refused.err
    assert json.loads(salon.ok("client", "list", "--format", "json")) == []


def test_a_phone_already_here_is_matched_not_doubled(salon: Salon, tmp_path: Path) -> None:
    salon.ok("client", "add", "王芳", "--phone", "138-0000-0001")
    source = tmp_path / "clients.csv"
    source.write_text("客户姓名,联系电话\n王芳,13800000001\n李娜,13800000002\n", encoding="utf-8")
    done = salon("import", "clients", str(source))
    assert done.code == 0 and "王芳 is c0001 (same phone)" in done.err
    assert [c["name"] for c in json.loads(salon.ok("client", "list", "--format", "json"))] == [
        "王芳", "李娜"]
    again = salon("import", "clients", str(source))
    assert "clients: 0 to add, 2 already here" in again.err


def test_map_names_a_column_it_cannot_guess(salon: Salon, tmp_path: Path) -> None:
    source = tmp_path / "clients.csv"
    source.write_text("称谓,号码\n王芳,13800000001\n", encoding="utf-8")
    assert salon("import", "clients", str(source)).code == 65
    salon.ok("import", "clients", str(source), "--map", "称谓=name", "--map", "号码=phone")
    assert json.loads(salon.ok("client", "show", "13800000001", "--format", "json"))["name"] == "王芳"
    wrong = salon("import", "clients", str(source), "--map", "称谓=nickname")
    assert wrong.code == 2 and "'nickname' is not a field of clients" in wrong.err


def _small_salon(folder: Path) -> None:
    """A generated salon a quarter of the demo's size (cards in use, catalogue sales too)."""
    spec = importlib.util.spec_from_file_location("make_salon", TOOLS / "make_salon.py")
    assert spec is not None and spec.loader is not None
    maker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(maker)
    maker.build(folder, 40, 5, date(2026, 11, 24), 8)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_gives_the_same_salon(tmp_path: Path, fmt: str) -> None:
    demo = tmp_path / "demo"
    if fmt == "csv":  # the demo as shipped; the workbook on a smaller salon, to keep CI short
        shutil.copytree(DEMO, demo, ignore=shutil.ignore_patterns(".cache", ".lock*"))
    else:
        _small_salon(demo)
    original = Salon(demo, "2026-11-24")
    held = json.loads(original.ok("card", "list", "--format", "json"))
    sessions = next(c["id"] for c in held if c["sessions"] is not None and c["status"] != "expired")
    original.ok("card", "top-up", sessions, "--sessions", "3", "--price", "450")
    out = tmp_path / "out"
    original.ok("export", "--format", fmt, "--out", str(out))
    copy = tmp_path / "copy"
    assert run("init", str(copy)).code == 0
    for settings in ("salon.yaml", "products.yaml"):  # settings and catalogue, not records
        shutil.copy(demo / settings, copy / settings)
    imported = Salon(copy, "2026-11-24")
    kinds = ("clients", "visits", "calls", "cards", "topups", "appointments", "courses",
             "complaints")
    if fmt == "xlsx":
        _split_workbook(out / "salon.xlsx", out, kinds)
    for kind in kinds:
        imported.ok("import", kind, str(out / f"{kind}.{fmt}"))
    brought = json.loads(imported.ok("client", "list", "--format", "json"))
    assert {c.pop("imported") for c in brought} == {"2026-11-24"}  # the day they came in
    assert brought == json.loads(original.ok("client", "list", "--format", "json"))
    for listing in ("visit", "call", "card", "appointment", "course", "complaint"):
        assert imported.ok(listing, "list", "--format", "json") == original.ok(
            listing, "list", "--format", "json"), listing
    assert imported.ok("card", "show", sessions, "--format", "json") == original.ok(
        "card", "show", sessions, "--format", "json")
    assert imported.ok("due", "--all", "--format", "json") == original.ok(
        "due", "--all", "--format", "json")
    assert imported("check").code == 0


def _split_workbook(path: Path, out: Path, kinds: tuple[str, ...]) -> None:
    """The export's one workbook as a workbook a sheet (import reads a file's first sheet)."""
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == list(kinds)
    assert book["clients"]["C2"].number_format == "@"  # phones are text in Excel
    assert _numbers_and_dates(book)
    for kind in kinds:
        single = openpyxl.Workbook()
        for row in book[kind].iter_rows(values_only=True):
            single.active.append(list(row))
        single.save(out / f"{kind}.xlsx")


def _numbers_and_dates(book: openpyxl.Workbook) -> bool:
    """An exported amount is a number Excel adds up; a day is a date cell."""
    header = [cell.value for cell in book["visits"][1]]
    amounts = [row[header.index("amount")] for row in book["visits"].iter_rows(min_row=2)]
    days = [row[header.index("date")] for row in book["visits"].iter_rows(min_row=2)]
    return any(isinstance(cell.value, int | float) for cell in amounts) and all(
        cell.is_date and cell.number_format == "yyyy-mm-dd" for cell in days)


def test_a_note_that_looks_like_a_formula_comes_back_exactly(tmp_path: Path) -> None:
    first = tmp_path / "first"
    assert run("init", str(first)).code == 0
    salon = Salon(first, "2026-11-24")
    salon.ok("client", "add", "王丽", "--phone", "13800138000", "--note", "=1+1 老客")
    salon.ok("export", "--format", "xlsx", "--out", str(tmp_path / "out"))
    copy = tmp_path / "copy"
    assert run("init", str(copy)).code == 0
    again = Salon(copy, "2026-11-24")
    again.ok("import", "clients", str(tmp_path / "out" / "salon.xlsx"))  # its first sheet
    assert json.loads(again.ok("client", "show", "王丽", "--format", "json"))["note"] == "=1+1 老客"

