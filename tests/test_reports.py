"""`report`: calls made, reached, and turned into bookings within 7 days; money counted once;
checked against a salon built by hand."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Salon


@pytest.fixture
def week(salon: Salon) -> Salon:
    """The week of Monday 2026-11-23, by hand."""
    for name, phone, consultant in (("王芳", "13800000001", "小李"), ("李娜", "13800000002", "小李"),
                                    ("张敏", "13800000003", "小陈")):
        salon.ok("client", "add", name, "--phone", phone, "--consultant", consultant,
                 today="2026-11-01")
    salon.ok("call", "log", "c0001", "--outcome", "reached", "--by", "小李", today="2026-11-20")
    salon.ok("call", "log", "c0001", "--outcome", "reached", "--by", "小李", today="2026-11-23")
    salon.ok("call", "log", "c0002", "--outcome", "no-answer", "--by", "小李", today="2026-11-24")
    salon.ok("call", "log", "c0003", "--outcome", "reached", "--by", "小陈", today="2026-11-24")
    # 王芳 books two days after the call that reached her; 张敏 only eleven days after hers
    salon.ok("appointment", "add", "c0001", "--at", "2026-11-30 10:00", today="2026-11-25")
    salon.ok("appointment", "add", "c0003", "--at", "2026-12-08 10:00", today="2026-12-05")
    salon.ok("card", "add", "c0002", "--type", "10次卡", "--sessions", "10", "--price", "1000",
             today="2026-11-24")
    salon.ok("visit", "add", "c0002", "--service", "补水", "--use-card", "--amount", "100",
             "--by", "小李", today="2026-11-25")
    salon.ok("visit", "add", "c0003", "--service", "清洁", "--amount", "200", "--by", "小陈",
             today="2026-11-26")
    return salon


def test_the_week_by_consultant(week: Salon) -> None:
    record = json.loads(week.ok("report", "week", "2026-11-26", "--by", "consultant",
                                "--format", "json", today="2026-11-27"))
    assert (record["from"], record["to"]) == ("2026-11-23", "2026-11-29")
    rows = {r["consultant"]: r for r in record["rows"]}
    assert {name: (r["calls"], r["reached"], r["no_answer"], r["bookings_after_calls"])
            for name, r in rows.items()} == {"小李": (2, 1, 1, 1), "小陈": (1, 1, 0, 0)}
    assert (rows["小李"]["card_use"], rows["小李"]["revenue"]) == (100, 0)
    assert rows["小陈"]["revenue"] == 200


def test_the_week_in_total_counts_money_once(week: Salon) -> None:
    record = json.loads(week.ok("report", "week", "2026-11-26", "--format", "json",
                                today="2026-11-27"))
    assert (record["calls"], record["reached"], record["bookings_after_calls"]) == (3, 2, 1)
    assert (record["visits_paid"], record["card_sales"], record["card_use"]) == (200, 1000, 100)
    assert record["revenue"] == 1200  # the card once, the visit paid with it not again
    assert (record["new_members"], record["new_clients"]) == (1, 0)
    day = json.loads(week.ok("report", "day", "2026-11-24", "--format", "json",
                             today="2026-11-27"))
    assert (day["calls"], day["reached"], day["no_answer"]) == (2, 1, 1)
    table = week.ok("report", "month", "2026-11-26", today="2026-11-27")
    assert "booked within 7 days of a reached call" in table


def test_by_service_and_product(week: Salon) -> None:
    rows = json.loads(week.ok("report", "week", "2026-11-26", "--by", "service", "--format",
                              "json", today="2026-11-27"))["rows"]
    assert {r["service"]: r["visits"] for r in rows} == {"补水": 1, "清洁": 1}
    csv = week.ok("report", "week", "2026-11-26", "--by", "service", "--format", "csv",
                  today="2026-11-27")
    assert csv.splitlines()[0].startswith("service,calls,reached")


def test_client_value_and_tier(week: Salon) -> None:
    listed = json.loads(week.ok("client", "list", "--sort", "value", "--format", "json",
                                today="2026-11-27"))
    assert [(c["id"], c["spend_12m"], c["visits_12m"], c["tier"]) for c in listed] == [
        ("c0002", 1000, 1, "occasional"), ("c0003", 200, 1, "occasional"),
        ("c0001", 0, 0, "new")]  # never came yet: new, not lapsed
    week.ok("client", "edit", "c0001", "--set", "key=true")
    shown = json.loads(week.ok("client", "show", "c0001", "--format", "json", today="2026-11-27"))
    assert shown["tier"] == "key"


def test_the_days_notes_are_kept_and_reported(week: Salon) -> None:
    week.ok("report", "day", "2026-11-24", "--note", "空调坏了，已报修", "--who", "小李",
            today="2026-11-24")
    assert "空调坏了" in week.read("journal/notes/2026-11.yaml")
    record = json.loads(week.ok("report", "week", "2026-11-26", "--format", "json",
                                today="2026-11-27"))
    assert record["notes"] == [{"date": "2026-11-24", "note": "空调坏了，已报修", "by": "小李"}]
    assert "空调坏了，已报修 (小李)" in week.ok("report", "day", "2026-11-24", today="2026-11-27")
    assert json.loads(week.ok("report", "day", "2026-11-25", "--format", "json",
                              today="2026-11-27"))["notes"] == []
    refused = week("report", "week", "--note", "x")
    assert refused.code == 2 and "a note belongs to a day" in refused.err
    assert week("check", today="2026-11-27").code == 0
