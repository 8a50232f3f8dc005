"""A salon moves in from its own spreadsheet in one go: a title row above the headers, lunar
birthdays written as the desk writes them, +86 phones, a row entered twice, and the card,
balance, sessions, expiry and last-visit columns of one client list."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from salonctl.files import parsing
from tests.conftest import Salon

SHEET = [
    ["会员资料导出（2026-11-20）", "", "", "", "", "", "", "", ""],
    ["姓名", "手机", "生日", "卡类型", "余额", "次数", "有效期", "最后到店", "备注"],
    ["刘芳", "+86 139 1234 5670", "农历八月十五", "10次卡", "", "6", "2027-06-30", "2026-11-02", ""],
    ["陈静", "13700001111", "1988-05-07", "储值卡", "1,200", "", "2027-03-31", "2026-10-15", ""],
    ["王丽", "0086 138 0000 2222", "闰四月初八", "", "", "", "", "2026-09-01", "老客"],
    ["刘芳", "13912345670", "农历八月十五", "10次卡", "", "6", "2027-06-30", "2026-11-02", ""],
]


def _write_csv(path: Path, encoding: str) -> Path:
    text = "\n".join(",".join(f'"{cell}"' if "," in cell else cell for cell in row)
                     for row in SHEET) + "\n"
    path.write_bytes(text.encode(encoding))
    return path


def _write_xlsx(path: Path) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in SHEET:
        sheet.append(row)
    book.save(path)
    return path


@pytest.mark.parametrize(("lunar", "expected"), [
    ("农历八月十五", (8, 15, False)), ("八月初三", (8, 3, False)), ("闰四月初八", (4, 8, True)),
    ("农历08-15", (8, 15, False)), ("腊月廿三", (12, 23, False)), ("正月初一", (1, 1, False)),
    ("农历十一月三十", (11, 30, False)),
])
def test_lunar_birthdays_as_the_desk_writes_them(lunar: str, expected: tuple[int, int, bool]
                                                  ) -> None:
    assert parsing.chinese_lunar(lunar) == expected


@pytest.mark.parametrize("text", ["1988-05-07", "八月", "农历十三月初一", "hello"])
def test_what_is_no_lunar_birthday(text: str) -> None:
    assert parsing.chinese_lunar(text) is None


@pytest.mark.parametrize("kind", ["gb18030", "xlsx"])
def test_one_spreadsheet_one_import(salon: Salon, tmp_path: Path, kind: str) -> None:
    sheet = _write_xlsx(tmp_path / "会员.xlsx") if kind == "xlsx" else \
        _write_csv(tmp_path / "会员.csv", kind)
    done = salon("import", "clients", str(sheet))
    assert done.code == 0, done.err
    assert ":6: 刘芳 is c0001 (same phone)" in done.err  # the row entered twice, named
    clients = json.loads(salon.ok("client", "list", "--format", "json"))
    assert [c["name"] for c in clients] == ["刘芳", "陈静", "王丽"]
    liu = json.loads(salon.ok("client", "show", "c0001", "--format", "json"))
    assert (liu["lunar_birthday"], liu["birthday"]) == ("08-15", None)
    wang = json.loads(salon.ok("client", "show", "王丽", "--format", "json"))
    assert (wang["lunar_birthday"], wang["lunar_leap"]) == ("04-08", True)
    cards = {c["client"]: c for c in json.loads(salon.ok("card", "list", "--format", "json"))}
    assert set(cards) == {"c0001", "c0002"}  # a row without a card makes no card
    assert (cards["c0001"]["sessions_left"], cards["c0001"]["until"]) == (6, "2027-06-30")
    assert cards["c0002"]["balance_left"] in ("1200", "1200.00", 1200)
    assert liu["category"] == "member"  # a real card makes her a member, as card add does
    visits = json.loads(salon.ok("visit", "list", "--format", "json"))
    assert sorted((v["client"], v["date"]) for v in visits) == [
        ("c0001", "2026-11-02"), ("c0002", "2026-10-15"), ("c0003", "2026-09-01")]
    # The next morning: no first-visit call to anyone who came in with her history.
    sheet_rows = json.loads(salon.ok("due", "--all", "--format", "json", today="2026-11-25"))
    reasons = {r["rule"] for row in sheet_rows for r in row["reasons"]}
    assert not reasons & {"first-visit", "new-client-1-3-7", "new-client-season"}


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_import_help_names_every_field_map_takes(lang: str) -> None:
    from salonctl.transfer import importing
    from tests.conftest import run

    for kind, fields in importing.FIELDS.items():
        shown = " ".join(run("--lang", lang, "import", kind, "--help").out.split())
        listed = set(re.findall(r"[a-z_]+(?=[,.。])", shown.split("╭")[0]))
        assert {spec.name for spec in fields} <= listed, (lang, kind)


def test_a_problem_names_the_row_as_the_spreadsheet_numbers_it(salon: Salon, tmp_path: Path
                                                               ) -> None:
    sheet = tmp_path / "list.csv"
    sheet.write_text("客户名单\n姓名,手机,生日\n刘芳,13912345670,1988-02-30\n"
                     "陈静,13700001111,2099-01-01x\n", encoding="utf-8")
    done = salon("import", "clients", str(sheet))
    assert done.code == 65
    assert "list.csv:3: 生日:" in done.err and "list.csv:4: 生日:" in done.err
    assert salon.ok("client", "list", "--format", "csv").count("\n") == 1  # nothing imported


def test_a_last_visit_after_today_is_refused(salon: Salon, tmp_path: Path) -> None:
    sheet = tmp_path / "list.csv"
    sheet.write_text("姓名,手机,最后到店\n刘芳,13912345670,2027-01-01\n", encoding="utf-8")
    done = salon("import", "clients", str(sheet))
    assert done.code == 65 and "list.csv:2: last_visit 2027-01-01 is after today" in done.err


@pytest.mark.parametrize("typed", ["5月7日", "05-07", "5/7"])
def test_a_birthday_without_its_year_drives_the_birthday_rules(salon: Salon, tmp_path: Path,
                                                               typed: str) -> None:
    sheet = tmp_path / "list.csv"
    sheet.write_text(f"姓名,手机,生日\n刘芳,13912345670,{typed}\n", encoding="utf-8")
    assert salon("import", "clients", str(sheet)).code == 0
    liu = json.loads(salon.ok("client", "show", "刘芳", "--format", "json"))
    assert (liu["birthday"], liu["birthday_month_day"]) == (None, "05-07")
    for day, rule in (("2027-05-04", "birthday-card"), ("2027-05-07", "birthday-greeting")):
        rows = json.loads(salon.ok("due", "--all", "--format", "json", today=day))
        assert rule in {r["rule"] for row in rows for r in row["reasons"]}, day


def test_client_add_takes_a_birthday_without_its_year(salon: Salon) -> None:
    salon.ok("client", "add", "王丽", "--phone", "13800138000", "--birthday", "02-29")
    wang = json.loads(salon.ok("client", "show", "王丽", "--format", "json"))
    assert (wang["birthday"], wang["birthday_month_day"]) == (None, "02-29")
    rows = json.loads(salon.ok("due", "--all", "--format", "json", today="2027-02-28"))
    assert "birthday-greeting" in {r["rule"] for row in rows for r in row["reasons"]}
    assert salon("client", "add", "赵敏", "--phone", "13700000000", "--birthday", "13-01").code == 2
    salon.write("clients/0000.yaml", salon.read("clients/0000.yaml").replace(
        "birthday_month_day: 02-29", "birthday_month_day: 02-30"))
    checked = salon("check")
    assert checked.code == 65 and "birthday_month_day" in checked.err and "02-30" not in checked.err
