from __future__ import annotations

import json

import pytest
from conftest import Salon


@pytest.fixture
def wang(salon: Salon) -> Salon:
    salon.ok("client", "add", "王丽", "--phone", "0612345670")
    return salon


def _json(salon: Salon, *args: str) -> list[dict]:
    return json.loads(salon.ok(*args, "--format", "json"))


def test_visit_add_and_list(wang: Salon) -> None:
    assert wang.ok("visit", "add", "王丽", "--date", "2026-11-02", "--service", "面部护理",
                   "--product", "玻尿酸精华=care", "--product", "Serum = brand",
                   "--amount", "380", "--by", "小李") == "v-20261102-1\n"
    assert wang.ok("visit", "add", "c0001", "--product", "维C片=supplement") == "v-20261124-1\n"
    visits = _json(wang, "visit", "list")
    assert visits[0] == {
        "id": "v-20261102-1", "client": "c0001", "name": "王丽", "date": "2026-11-02",
        "services": ["面部护理"],
        "products": [{"name": "玻尿酸精华", "category": "care"},
                     {"name": "Serum", "category": "brand"}],
        "amount": 380, "by": "小李", "card": None,
    }
    assert [v["date"] for v in _json(wang, "visit", "list", "--from", "2026-11-10")] == ["2026-11-24"]
    assert [v["id"] for v in _json(wang, "visit", "list", "c0001", "--to", "2026-11-02")] == [
        "v-20261102-1"]
    assert "- {id: v-20261102-1, client: c0001, date: 2026-11-02" in wang.read(
        "journal/visits/2026-11.yaml")


def test_visit_add_refuses_bad_input_with_the_argument_named(wang: Salon) -> None:
    cases = {
        ("--date", "2026-13-01"): "--date: '2026-13-01' is not a real date (the month must be 01-12)",
        ("--date", "24/11/2026"): ("--date: '24/11/2026' is not a day; give YYYY-MM-DD, today, "
                                   "tomorrow, 明天, +3d, -2w, a weekday (friday, 周五, 下周三), "
                                   "12月3日 or 3号"),
        ("--date", "2026-11-25"): (
            "--date: 2026-11-25 is after today (2026-11-24); a visit is recorded once it has happened"),
        ("--product", "面膜"): ("--product: '面膜' is not in the catalogue; give NAME=CATEGORY, "
                               "e.g. 玻尿酸精华=care, or add it with salonctl product add"),
        ("--product", "面膜=food"): (
            "--product: 'food' is not one of: treatment, brand, supplement, care "
            "(or 院护, 品牌, 保健品, 护肤品)"),
        ("--amount", "lots"): "--amount: 'lots' is not an amount; expected a number like 380 or 99.5, "
                               "at most 2 decimals",
    }
    for (flag, value), message in cases.items():
        result = wang("visit", "add", "王丽", flag, value)
        assert (result.code, result.err) == (2, f"salonctl: {message}\n")
    assert _json(wang, "visit", "list") == []


def test_appointments_are_booked_listed_and_cancelled(wang: Salon) -> None:
    wang.ok("appointment", "add", "王丽", "--at", "2026-12-10 14:00", "--service", "补水")
    wang.ok("appointment", "add", "王丽", "--at", "2026-12-01 10:30")
    listed = _json(wang, "appointment", "list")
    assert [(a["date"], a["time"], a["status"]) for a in listed] == [
        ("2026-12-01", "10:30", "booked"), ("2026-12-10", "14:00", "booked")]
    again = wang("appointment", "add", "王丽", "--at", "2026-12-10 14:00")
    assert again.code == 2 and "already booked at 2026-12-10 14:00" in again.err
    wrong = wang("appointment", "cancel", "王丽", "--at", "2026-12-10 15:00")
    assert wrong.code == 2
    assert wrong.err == (
        "salonctl: --at: 王丽 has no appointment at 2026-12-10 15:00; her appointments:\n"
        "  2026-12-01 10:30\n  2026-12-10 14:00\n"
    )
    wang.ok("appointment", "cancel", "王丽", "--at", "2026-12-10 14:00")
    assert [a["time"] for a in _json(wang, "appointment", "list")] == ["10:30"]
    everything = _json(wang, "appointment", "list", "--cancelled")
    assert [a["status"] for a in everything] == ["booked", "cancelled"]
    assert "time: '14:00'" in wang.read("journal/appointments/2026-12.yaml")
    bad = wang("appointment", "add", "王丽", "--at", "2026-12-10 25:00")
    assert bad.err.startswith("salonctl: --at: '25:00' is not a time; give H:MM on a 24-hour clock")


def test_a_card_makes_a_new_client_a_member_unless_it_is_a_trial(wang: Salon) -> None:
    wang.ok("client", "add", "Anna", "--phone", "0698765432")
    wang.ok("card", "add", "Anna", "--type", "体验卡", "--trial", "--until", "2026-12-24")
    result = wang("card", "add", "王丽", "--type", "年卡", "--balance", "5000")
    assert result.code == 0 and result.err == "note: 王丽 is now a member\n"
    categories = {c["name"]: c["category"] for c in _json(wang, "client", "list")}
    assert categories == {"王丽": "member", "Anna": "new"}
    both = wang("card", "add", "王丽", "--type", "次卡", "--sessions", "10", "--balance", "1")
    assert both.code == 2


def test_course_add_checks_its_dates_and_days(wang: Salon) -> None:
    wang.ok("course", "add", "王丽", "--name", "祛斑疗程", "--start", "2026-11-01",
            "--end", "2027-01-31", "--check-days", "15,30")
    courses = json.loads(wang.ok("client", "show", "c0001", "--format", "json"))["courses"]
    assert courses == [{"id": "course-20261101-1", "date": "2026-11-01", "name": "祛斑疗程",
                        "start": "2026-11-01", "end": "2027-01-31", "check_days": [15, 30]}]
    backwards = wang("course", "add", "王丽", "--name", "x", "--start", "2026-11-01",
                     "--end", "2026-10-01")
    assert backwards.err == "salonctl: --end: 2026-10-01 is before --start 2026-11-01\n"
    days = wang("course", "add", "王丽", "--name", "x", "--start", "2026-11-01",
                "--end", "2026-12-01", "--check-days", "0,40")
    assert days.err == "salonctl: --check-days: '0,40': days of the month are 1-31\n"


def test_call_log_records_the_outcome(wang: Salon) -> None:
    assert wang.ok("call", "log", "王丽", "--outcome", "not-convenient", "--callback",
                   "2026-11-26", "--rule", "purchase-1-3-7", "--note", "在开会",
                   "--by", "小李") == "call-20261124-1\n"
    calls = json.loads(wang.ok("client", "show", "c0001", "--format", "json"))["calls"]
    assert calls == [{"id": "call-20261124-1", "date": "2026-11-24", "outcome": "not-convenient",
                      "rules": ["purchase-1-3-7"], "callback": "2026-11-26", "note": "在开会",
                      "by": "小李", "phone": None}]
    bad = wang("call", "log", "王丽", "--outcome", "maybe")
    assert bad.err == ("salonctl: --outcome: 'maybe' is not one of: reached, no-answer, "
                       "not-convenient, refused, wrong-number (or 接通, 未接, 不方便, 拒绝, "
                       "号码错)\n")
    late = wang("call", "log", "王丽", "--outcome", "reached", "--date", "2026-11-30")
    assert late.code == 2 and "a call is recorded once it has happened" in late.err


def test_complaints_open_close_and_list(wang: Salon) -> None:
    complaint = wang.ok("complaint", "add", "王丽", "--text", "面膜过敏").strip()
    assert complaint == "cp-20261124-1"
    assert [c["status"] for c in _json(wang, "complaint", "list", "--open")] == ["open"]
    wang.ok("complaint", "close", complaint, "--note", "已道歉并退款", today="2026-11-25")
    assert _json(wang, "complaint", "list", "--open") == []
    closed = _json(wang, "complaint", "list")[0]
    assert (closed["status"], closed["closed"]) == ("closed", "2026-11-25")
    twice = wang("complaint", "close", complaint)
    assert twice.err == "salonctl: ID: complaint cp-20261124-1 is already closed\n"
    unknown = wang("complaint", "close", "cp-1")
    assert unknown.err == "salonctl: ID: no complaint 'cp-1'; open complaints: none\n"


def test_every_listing_prints_a_json_list(wang: Salon) -> None:
    for command in (["client", "list"], ["client", "find", "王"], ["visit", "list"],
                    ["appointment", "list"], ["call", "list"], ["complaint", "list"]):
        assert isinstance(_json(wang, *command), list), command


def test_table_output_shows_client_text_literally(salon: Salon) -> None:
    salon.ok("client", "add", "[bold]Anna[/bold] [VIP]", "--phone", "0698765432")
    assert "[bold]Anna[/bold] [VIP]" in salon.ok("client", "list")


def test_short_options_for_the_desks_daily_commands(salon: Salon) -> None:
    salon.ok("client", "add", "王丽", "--phone", "13800138000")
    salon.ok("visit", "add", "王丽", "-s", "面部补水护理", "-p", "玫瑰水=care", "-a", "300",
             "-b", "小李")
    visit = json.loads(salon.ok("visit", "list", "--format", "json"))[0]
    assert (visit["services"], visit["amount"], visit["by"]) == (["面部补水护理"], 300, "小李")
    salon.ok("call", "log", "王丽", "-o", "接通", "-n", "很满意", "-b", "小李")
    call = json.loads(salon.ok("call", "list", "--format", "json"))[0]
    assert (call["outcome"], call["note"], call["by"]) == ("reached", "很满意", "小李")


def test_the_same_visit_twice_in_a_day_is_asked_about_first(salon: Salon) -> None:
    salon.ok("client", "add", "王丽", "--phone", "13800138000")
    first = salon.ok("visit", "add", "王丽", "-s", "面部补水护理", "-a", "300").strip()
    twice = salon("visit", "add", "王丽", "-s", "面部补水护理", "-a", "300")
    assert twice.code == 2 and first in twice.err and "--again" in twice.err
    assert len(json.loads(salon.ok("visit", "list", "--format", "json"))) == 1
    salon.ok("visit", "add", "王丽", "-s", "面部补水护理", "-a", "300", "--again")
    salon.ok("visit", "add", "王丽", "-s", "肩颈护理", "-a", "300")  # another visit: no question
    salon.ok("visit", "add", "王丽", "-s", "面部补水护理", "-a", "300", "--date", "yesterday")
    assert len(json.loads(salon.ok("visit", "list", "--format", "json"))) == 4
