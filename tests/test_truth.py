"""Every word on the sheet true of a salon's real history: greetings sent as messages to
everyone, complaints first, imported regulars treated as regulars, a past day's sheet as the
desk saw it that morning."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from conftest import Salon, run
from test_rules import clients, history

FESTIVAL = "2027-02-06"  # Spring Festival 2027
MEMBERS = """
- {id: wang, name: 王丽, phone: '13800000001', gender: female, category: member, consultant: 小李}
- {id: li, name: 李娜, phone: '13800000002', gender: female, category: member, consultant: 小李}
- {id: zhao, name: 赵敏, phone: '13800000003', gender: female, category: member, consultant: 小李,
   channel: wechat}
- {id: sun, name: 孙悦, phone: '13800000004', gender: female, category: member, consultant: 小周}
- {id: quiet, name: 周静, phone: '13800000005', gender: female, category: member, consultant: 小李,
   do_not_contact: true}
"""


def _rows(salon: Salon, *args: str, today: str | None = None) -> list[dict[str, object]]:
    return list(json.loads(salon.ok("due", *args, "--format", "json", today=today)))


def test_every_member_gets_her_festival_greeting_whatever_the_limit(salon: Salon) -> None:
    clients(salon, MEMBERS)
    history(salon, "visits", """
        - {id: v-20270205-1, client: wang, date: 2027-02-05, products: [{name: 精华, category: care}]}
        - {id: v-20270205-2, client: li, date: 2027-02-05, products: [{name: 面霜, category: care}]}
    """)
    salon.only("holiday-spring-festival", "purchase-1-3-7")
    salon.set_rule("purchase-1-3-7", must=False)  # so that the day's limit can hold one
    rows = _rows(salon, FESTIVAL, "--all", "--limit", "1", today=FESTIVAL)
    greeted = {r["client"] for r in rows if not r["held"]
               and any(x["ref"] == "R6" for x in r["reasons"])}
    assert greeted == {"wang", "li", "zhao", "sun"}  # never the one who asked not to be contacted
    calls = [r for r in rows if r["kind"] == "call"]
    assert [(r["client"], r["held"]) for r in calls] == [("li", False), ("wang", True)]
    # the call on the sheet opens with the wish; the held one's wish went out as a message
    li = next(r for r in calls if r["client"] == "li")
    lines = str(li["script"]).splitlines()
    assert "打扰您几分钟" in lines[0] and "拜个年" in lines[1] and "面霜" in lines[2]
    assert [x["ref"] for x in next(r for r in calls if r["client"] == "wang")["reasons"]] == ["R1"]
    messages = {r["client"]: r for r in rows if r["kind"] == "message"}
    assert set(messages) == {"wang", "zhao", "sun"}
    assert all(not r["held"] and "打扰" not in str(r["script"]) for r in messages.values())
    assert (messages["zhao"]["channel"], messages["wang"]["channel"]) == ("wechat", "sms")
    table = salon.ok("due", FESTIVAL, "--limit", "1", today=FESTIVAL)
    assert "小李 · 2 messages to send (no call needed)" not in table  # the salon speaks Chinese
    assert "小李 · 要发的消息 2条（不占回访名额）" in table and "【称呼】您好" in table
    assert "回访表 · 1个 · 3条消息" in table.splitlines()[0]  # one call on the sheet, one held


def test_messages_alone_and_as_csv_for_a_bulk_sms_tool(salon: Salon) -> None:
    clients(salon, MEMBERS)
    salon.only("holiday-spring-festival")
    text = salon.ok("due", FESTIVAL, "--messages", "--format", "csv", today=FESTIVAL)
    table = list(csv.DictReader(io.StringIO(text)))
    assert list(table[0]) == ["phone", "channel", "name", "text"]
    assert {(r["name"], r["channel"]) for r in table} == {
        ("王丽", "sms"), ("李娜", "sms"), ("赵敏", "wechat"), ("孙悦", "sms")}
    assert all(r["text"].startswith(r["name"][0] + "女士您好") for r in table)
    assert salon("due", FESTIVAL, "--messages", "--format", "ics", today=FESTIVAL).code == 2
    # a message is sent with the sheet of its day: the next day it is neither due nor missed
    assert _rows(salon, "2027-02-08", today="2027-02-08") == []
    assert json.loads(salon.ok("due", "--missed", "--format", "json", today="2027-02-08")) == []


def test_a_complaint_row_carries_only_the_complaint_and_says_how_late(salon: Salon) -> None:
    clients(salon, MEMBERS)
    history(salon, "visits", "- {id: v-20261120-1, client: wang, date: 2026-11-20, "
                             "services: [补水], products: [{name: 精华, category: care}]}")
    salon.ok("appointment", "add", "wang", "--at", "2026-11-25 15:00", "--service", "补水",
             today="2026-11-20")
    salon.ok("complaint", "add", "wang", "--text", "等了很久", "--date", "2026-11-21")
    rows = [r for r in _rows(salon, "2026-11-24") if r["client"] == "wang"]
    assert [[x["ref"] for x in r["reasons"]] for r in rows] == [["R19", "R4"]]
    reply = rows[0]["reasons"][0]
    assert (reply["deadline"], reply["overdue_days"]) == ("2026-11-23", 1)
    assert "R19 投诉48小时内答复（逾期1天未答复）" in salon.ok("due", "2026-11-24")
    assert "Any discomfort" not in str(rows[0]["script"]) and "满意" not in str(rows[0]["script"])


def test_an_imported_salon_has_no_first_visit_calls_and_its_cards_make_members(
        salon: Salon, tmp_path: Path) -> None:
    people = tmp_path / "客户.csv"
    people.write_bytes("姓名,手机,性别,首次到店\n刘芳,13912345670,女,\n王丽,13800000001,女,2026-11-21\n"
                       .encode("gb18030"))
    visits = tmp_path / "到店.csv"
    visits.write_bytes("手机,日期,项目,金额\n13912345670,2016-05-01,补水,300\n"
                       "13912345670,2026-11-21,补水,300\n13800000001,2026-11-21,补水,280\n"
                       .encode("gb18030"))
    salon.ok("import", "clients", str(people))
    salon.ok("import", "visits", str(visits))
    rows = {r["name"]: [x["ref"] for x in r["reasons"]] for r in _rows(salon, "2026-11-24")}
    assert "R3" not in rows.get("刘芳", []) and "R14" not in rows.get("刘芳", [])  # ten years
    assert "R3" in rows["王丽"]  # the file says she first came on 2026-11-21
    cards = tmp_path / "卡.csv"
    cards.write_text("手机,日期,卡类型,次数,有效期,实收\n13912345670,2026-11-24,十次卡,10,"
                     "2027-11-24,1980\n", encoding="utf-8")
    result = salon("import", "cards", str(cards))
    assert result.code == 0 and "1 client is now a member" in result.err
    by_hand = {c["name"]: c["category"] for c in
               json.loads(salon.ok("client", "list", "--format", "json"))}
    assert by_hand["刘芳"] == "member"
    report = json.loads(salon.ok("report", "day", "2026-11-24", "--format", "json"))
    assert (report["new_members"], str(report["card_sales"]), report["new_clients"]) == (1, "1980", 0)
    salon.ok("card", "add", "王丽", "--type", "十次卡", "--sessions", "10", "--price", "1980")
    report = json.loads(salon.ok("report", "day", "2026-11-24", "--format", "json"))
    assert (report["new_members"], str(report["card_sales"])) == (2, "3960")  # the same effects


def test_a_client_with_no_visit_yet_is_new_not_lapsed(salon: Salon) -> None:
    salon.ok("client", "add", "陈静", "--phone", "13700000000")
    listed = json.loads(salon.ok("client", "list", "--sort", "value", "--format", "json"))
    assert listed[0]["tier"] == "new"
    salon.ok("visit", "add", "陈静", "--service", "补水", "--date", "2025-06-01")
    listed = json.loads(salon.ok("client", "list", "--sort", "value", "--format", "json"))
    assert listed[0]["tier"] == "lapsed"


DEMO = Path(__file__).resolve().parents[1] / "data"


@pytest.mark.parametrize("files_only", [False, True])
def test_a_past_days_sheet_is_what_the_desk_saw_that_morning(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files_only: bool) -> None:
    shutil.copytree(DEMO, tmp_path / "demo", ignore=shutil.ignore_patterns(".cache", ".lock*"))
    demo = Salon(tmp_path / "demo", "2026-11-24")
    if files_only:
        monkeypatch.setenv("SALONCTL_NO_DERIVED", "1")
    before = demo.ok("due", "2026-11-20", "--all", "--format", "json")
    later = demo.ok("due", "2026-11-23", "--all", "--format", "json")
    rows = json.loads(before)
    assert rows
    for row in rows[:6]:  # she came, and was called, after that morning
        demo.ok("visit", "add", row["client"], "--service", "补水", "--date", "2026-11-22")
        demo.ok("call", "log", row["client"], "--outcome", "reached", "--date", "2026-11-23")
    demo.ok("appointment", "add", rows[6]["client"], "--at", "2026-11-21 10:00")
    assert demo.ok("due", "2026-11-20", "--all", "--format", "json") == before
    assert demo.ok("due", "2026-11-23", "--all", "--format", "json") != later  # they count later


def test_nothing_is_missed_before_she_was_on_file(salon: Salon) -> None:
    salon.ok("client", "add", "陈静", "--phone", "13700000000", "--birthday", "1990-11-10",
             "--gender", "female", "--category", "member")
    missed = json.loads(salon.ok("due", "--missed", "--since", "2026-10-01", "--format", "json"))
    assert missed == []  # her birthday and the festivals before 2026-11-24 were not ours to call
    salon.ok("client", "add", "王丽", "--phone", "13700000001", "--birthday", "1990-11-10",
             "--gender", "female", "--category", "member", today="2026-10-01")
    missed = json.loads(salon.ok("due", "--missed", "--since", "2026-10-01", "--format", "json"))
    assert {m["name"] for m in missed} == {"王丽"}


def test_english_lists_and_the_consultant_in_the_greeting(tmp_path: Path) -> None:
    root = tmp_path / "belle"
    assert run("init", str(root), "--name", "Belle Salon", "--lang", "en").code == 0
    salon = Salon(root)
    salon.ok("client", "add", "Mary Jones", "--phone", "0698765432", "--gender", "female",
             "--consultant", "Lily")
    salon.ok("visit", "add", "c0001", "--date", "2026-11-23", "--product", "rose toner=care",
             "--product", "night balm=care")
    salon.only("purchase-1-3-7")
    script = _rows(salon, "2026-11-24")[0]["script"]
    assert str(script).startswith("Hello Ms. Jones, this is Lily from Belle Salon.")
    assert "the rose toner and the night balm you took home yesterday?" in str(script)
    assert "using them is unclear" in str(script)
