"""One small salon per follow-up rule of DOMAIN.md (R1-R22), and the sheets it gives on
named days, including the day before and the day after each window."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from conftest import Salon


def clients(salon: Salon, text: str) -> None:
    salon.write("clients/0000.yaml", text)


def history(salon: Salon, kind: str, text: str) -> None:
    """Journal lines, each filed in the month file its date belongs to."""
    by_month: dict[str, list[str]] = {}
    for line in text.strip().splitlines():
        month = re.search(r"date: (\d{4}-\d{2})", line)
        assert month, line
        by_month.setdefault(month[1], []).append(line.strip())
    for month, lines in by_month.items():
        path = salon.root / "journal" / kind / f"{month}.yaml"
        with path.open("a", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")


WANG = """
- id: wang
  name: 王丽
  phone: '13800000001'
  gender: female
  category: member
"""


def test_r1_done_when_each_call_is_reached_on_its_day(salon: Salon) -> None:
    """A care product sold 2026-11-02 to a fresh client, each call reached on its day."""
    client = salon.ok("client", "add", "王丽", "--phone", "13800000001").strip()
    salon.ok("visit", "add", client, "--date", "2026-11-02", "--product", "玻尿酸精华=care")
    due_on = []
    for number in range(1, 15):  # the desk, morning by morning
        day = f"2026-11-{number:02d}"
        rules = salon.due_days(client, day, 1).get(day)
        if rules:
            due_on.append(day)
            assert "purchase-1-3-7" in rules
            salon.ok("call", "log", client, "--outcome", "reached", "--date", day)
            assert salon.due_days(client, day, 1) == {}  # reached: gone from today's sheet
    assert due_on == ["2026-11-03", "2026-11-05", "2026-11-09"]


def test_r1_windows_carry_a_day_then_are_missed(salon: Salon) -> None:
    clients(salon, WANG)
    history(salon, "visits", """
        - {id: v-20261102-1, client: wang, date: 2026-11-02, products: [{name: 修护面霜, category: brand}]}
    """)
    salon.only("purchase-1-3-7")
    due = salon.due_days("wang", "2026-11-01", 12)
    assert due == {
        "2026-11-03": ["purchase-1-3-7"], "2026-11-04": ["purchase-1-3-7"],
        "2026-11-05": ["purchase-1-3-7"], "2026-11-06": ["purchase-1-3-7"],
        "2026-11-09": ["purchase-1-3-7"], "2026-11-10": ["purchase-1-3-7"],
    }
    rows = salon.ok("due", "2026-11-12", "--missed", "--since", "2026-11-01", "--format", "json")
    assert '"missed_on": "2026-11-04"' in rows and '"missed_on": "2026-11-10"' in rows


def test_r2_a_member_trying_a_product_for_the_first_time(salon: Salon) -> None:
    clients(salon, WANG)
    history(salon, "visits", """
        - {id: v-20260901-1, client: wang, date: 2026-09-01, products: [{name: 修护面霜, category: care}]}
        - {id: v-20261102-1, client: wang, date: 2026-11-02, products: [{name: 修护面霜, category: care}]}
        - {id: v-20261110-1, client: wang, date: 2026-11-10, products: [{name: 防晒乳, category: care}]}
    """)
    salon.only("member-new-product")
    assert salon.due_days("wang", "2026-09-01", 90) == {
        "2026-09-04": ["member-new-product"], "2026-09-05": ["member-new-product"],
        "2026-09-06": ["member-new-product"],  # her first 修护面霜; the second is not new
        "2026-11-13": ["member-new-product"], "2026-11-14": ["member-new-product"],
        "2026-11-15": ["member-new-product"],
    }


def test_r3_three_days_after_a_first_visit(salon: Salon) -> None:
    clients(salon, WANG)
    history(salon, "visits", """
        - {id: v-20261102-1, client: wang, date: 2026-11-02, services: [面部补水护理]}
        - {id: v-20261120-1, client: wang, date: 2026-11-20, services: [面部补水护理]}
    """)
    salon.only("first-visit")
    due = salon.due_days("wang", "2026-11-01", 25)
    assert due == {"2026-11-05": ["first-visit"], "2026-11-06": ["first-visit"],
                   "2026-11-07": ["first-visit"]}


def test_r4_appointment_reminder_and_confirmation(salon: Salon) -> None:
    clients(salon, WANG)
    salon.ok("appointment", "add", "wang", "--at", "2026-12-10 14:00", "--service", "补水")
    salon.ok("appointment", "add", "wang", "--at", "2026-12-20 10:00")
    salon.ok("appointment", "cancel", "wang", "--at", "2026-12-20 10:00")
    salon.only("appointment-reminder", "appointment-confirm")
    due = salon.due_days("wang", "2026-12-07", 16)
    assert due == {"2026-12-09": ["appointment-reminder"], "2026-12-10": ["appointment-confirm"]}
    row = salon.ok("due", "2026-12-09", "--format", "json")
    assert "明天14:00约了补水" in row


def test_r5_birthday_card_and_greeting(salon: Salon) -> None:
    clients(salon, WANG + "  birthday: 1990-11-26\n")
    salon.only("birthday-card", "birthday-greeting")
    due = salon.due_days("wang", "2026-11-21", 8)
    # Messages: each goes out once, with the first sheet it is on.
    assert due == {"2026-11-23": ["birthday-card"], "2026-11-26": ["birthday-greeting"]}


def test_r5_lunar_birthday_falls_on_its_date_that_year(salon: Salon) -> None:
    clients(salon, WANG + "  lunar_birthday: 08-15\n")  # Mid-Autumn: 2026-09-25
    salon.only("birthday-card", "birthday-greeting", "holiday-mid-autumn")
    due = salon.due_days("wang", "2026-09-21", 6)
    assert due["2026-09-22"] == ["birthday-card"]
    assert due["2026-09-25"] == ["birthday-greeting", "holiday-mid-autumn"]


def test_r6_spring_festival_and_mid_autumn_for_every_member(salon: Salon) -> None:
    clients(salon, WANG + """
- id: li
  name: 李娜
  phone: '13800000002'
  category: member
- id: quiet
  name: 赵敏
  phone: '13800000003'
  category: member
  do_not_contact: true
""")
    salon.only(*(f"holiday-{h}" for h in ("new-year", "spring-festival", "mothers-day",
                                          "mid-autumn")))
    festival = salon.sheets("2027-02-06")["2027-02-06"]
    assert festival == {"wang": ["holiday-spring-festival"], "li": ["holiday-spring-festival"]}
    assert salon.sheets("2027-09-15")["2027-09-15"] == {
        "wang": ["holiday-mid-autumn"], "li": ["holiday-mid-autumn"]}
    assert salon.sheets("2027-02-05") == {}
    mothers = salon.sheets("2027-05-09")["2027-05-09"]  # second Sunday of May, women only
    assert mothers == {"wang": ["holiday-mothers-day"]}
    assert set(salon.sheets("2027-01-01")["2027-01-01"]) == {"wang", "li"}


def test_r7_r8_are_present_but_off_and_can_be_switched_on(salon: Salon) -> None:
    clients(salon, WANG)
    history(salon, "visits", """
        - {id: v-20261102-1, client: wang, date: 2026-11-02, products: [{name: 面膜, category: care}]}
    """)
    rules = salon.ok("rules", "list", "--format", "json")
    assert '"id": "product-day-2"' in rules and '"enabled": false' in rules
    assert "product-day-2" not in salon.due_days("wang", "2026-11-04", 1)["2026-11-04"]
    salon.only("product-day-2", "product-day-5")
    assert salon.due_days("wang", "2026-11-01", 10) == {
        "2026-11-04": ["product-day-2"], "2026-11-05": ["product-day-2"],
        "2026-11-07": ["product-day-5"], "2026-11-08": ["product-day-5"],
    }


@pytest.mark.parametrize(("category", "rule", "days"), [
    ("treatment", "treatment-product", ["11-05", "11-06", "11-07", "11-16", "11-17", "11-18",
                                        "12-02", "12-03", "12-04"]),
    ("brand", "brand-product", ["11-03", "11-04", "11-05", "11-06", "11-07", "11-08", "11-09",
                                "12-02", "12-03", "12-04", "12-05", "12-06", "12-07", "12-08"]),
    ("supplement", "supplement-product", ["11-03", "11-04", "11-05", "11-06", "11-07", "11-08",
                                          "11-09", "12-02", "12-03", "12-04", "12-05", "12-06",
                                          "12-07", "12-08"]),
    ("care", "care-product", ["11-03", "11-04", "11-05", "11-06", "11-07", "11-08", "11-09"]),
])
def test_r9_to_r12_calls_by_product_category(salon: Salon, category: str, rule: str,
                                             days: list[str]) -> None:
    clients(salon, WANG)
    history(salon, "visits", f"""
        - {{id: v-20261102-1, client: wang, date: 2026-11-02, products: [{{name: X, category: {category}}}]}}
    """)
    salon.only(rule)
    due = salon.due_days("wang", "2026-11-01", 40)
    assert sorted(d[5:] for d in due) == days


def test_r13_after_a_treatment_until_she_books(salon: Salon) -> None:
    clients(salon, WANG)
    history(salon, "visits", """
        - {id: v-20260901-1, client: wang, date: 2026-09-01, services: [补水]}
        - {id: v-20261102-1, client: wang, date: 2026-11-02, services: [补水]}
    """)
    salon.only("after-service")
    assert salon.due_days("wang", "2026-11-04", 5) == {
        "2026-11-05": ["after-service"], "2026-11-06": ["after-service"],
        "2026-11-07": ["after-service"], "2026-11-08": ["after-service"]}
    salon.ok("appointment", "add", "wang", "--at", "2026-11-20 10:00", today="2026-11-06")
    assert "2026-11-07" not in salon.due_days("wang", "2026-11-07", 2)


def test_r14_new_client_1_3_7_and_trial_card(salon: Salon) -> None:
    clients(salon, """
- id: anna
  name: Anna
  phone: '0698765432'
  category: new
""")
    history(salon, "visits", """
        - {id: v-20261102-1, client: anna, date: 2026-11-02, services: [补水]}
    """)
    history(salon, "cards", """
        - {id: card-20261102-1, client: anna, date: 2026-11-02, type: 体验卡, until: 2026-12-02, trial: true}
    """)
    salon.only("new-client-1-3-7", "first-visit", "trial-card-expiring")
    due = salon.due_days("anna", "2026-11-01", 35)
    assert {d for d, r in due.items() if "new-client-1-3-7" in r} == {
        "2026-11-03", "2026-11-04", "2026-11-05", "2026-11-06", "2026-11-09", "2026-11-10"}
    assert due["2026-11-05"] == ["first-visit", "new-client-1-3-7"]
    assert {d for d, r in due.items() if "trial-card-expiring" in r} == {
        "2026-11-29", "2026-11-30", "2026-12-01"}


def test_r15_win_back_tried_at_90_180_and_365_days_two_weeks_each(salon: Salon) -> None:
    clients(salon, WANG)
    history(salon, "visits", """
        - {id: v-20260801-1, client: wang, date: 2026-08-01, services: [补水]}
    """)
    salon.only("win-back")
    # 90 days after her last visit (2026-10-30), open for 14 days, then missed
    due = salon.due_days("wang", "2026-10-29", 20)
    assert list(due) == [f"2026-{d}" for d in (
        "10-30", "10-31", "11-01", "11-02", "11-03", "11-04", "11-05", "11-06", "11-07", "11-08",
        "11-09", "11-10", "11-11", "11-12")]
    # lapsed 120 days with no call: not due, and listed as missed, never silently away
    assert salon.due_days("wang", "2026-11-29", 1) == {}
    missed = json.loads(salon.ok("due", "2026-11-29", "--missed", "--format", "json"))
    assert [(m["client"], m["rule"], m["missed_on"]) for m in missed] == [
        ("wang", "win-back", "2026-11-12")]
    # the next try at 180 days; reached then, the try at 365 is void
    assert salon.due_days("wang", "2027-01-28", 1) == {"2027-01-28": ["win-back"]}
    salon.ok("call", "log", "wang", "--outcome", "reached", "--date", "2027-01-28",
             today="2027-01-28")
    assert salon.due_days("wang", "2027-08-01", 20) == {}
    why = json.loads(salon.ok("why", "wang", "--date", "2027-08-02", "--format", "json",
                              today="2027-08-02"))
    win_back = next(r for r in why if r["rule"] == "win-back")
    assert win_back["occurrences"][-1]["state"] == "suppressed"
    assert "reached on 2027-01-28" in win_back["occurrences"][-1]["detail"]
    # she comes back, and lapses anew 90 days after the new visit
    salon.ok("visit", "add", "wang", "--date", "2027-02-10", "--service", "补水", today="2027-02-10")
    assert salon.due_days("wang", "2027-05-11", 1) == {"2027-05-11": ["win-back"]}


def test_r16_check_ins_count_from_the_last_contact(salon: Salon) -> None:
    clients(salon, WANG + "  key: true\n")
    history(salon, "visits", """
        - {id: v-20260501-1, client: wang, date: 2026-05-01, services: [补水]}
    """)
    salon.only("key-client-check-in", "yearly-check-in")
    assert salon.due_days("wang", "2026-10-31", 2) == {"2026-11-01": ["key-client-check-in"]}
    salon.ok("call", "log", "wang", "--outcome", "reached", "--date", "2026-11-02")
    assert salon.due_days("wang", "2026-11-03", 1) == {}
    assert salon.due_days("wang", "2027-05-02", 1) == {"2027-05-02": ["key-client-check-in"]}
    assert "yearly-check-in" in salon.due_days("wang", "2027-11-02", 1)["2027-11-02"]


def test_r17_course_check_ins_on_fixed_days_month_end_clamped(salon: Salon) -> None:
    clients(salon, WANG)
    salon.ok("course", "add", "wang", "--name", "祛斑疗程", "--start", "2027-01-05",
             "--end", "2027-03-31", "--check-days", "15,30")
    salon.only("course-check-in")
    due = salon.due_days("wang", "2027-01-01", 95)
    starts = [d for d in sorted(due) if str(date.fromisoformat(d) - timedelta(days=1)) not in due]
    # the 30th clamps to February's last day; windows are the day and two more
    assert starts == ["2027-01-15", "2027-01-30", "2027-02-15", "2027-02-28", "2027-03-15",
                      "2027-03-30"]
    assert "2027-01-18" not in due


def test_r18_before_the_course_ends_and_aftercare(salon: Salon) -> None:
    clients(salon, WANG)
    salon.ok("course", "add", "wang", "--name", "纤体疗程", "--start", "2026-10-01",
             "--end", "2026-12-12", "--check-days", "1")
    salon.only("course-ending", "course-aftercare")
    due = salon.due_days("wang", "2026-12-08", 8)
    assert due == {"2026-12-09": ["course-ending"], "2026-12-10": ["course-ending"],
                   "2026-12-13": ["course-aftercare"], "2026-12-14": ["course-aftercare"],
                   "2026-12-15": ["course-aftercare"]}


def test_r19_complaint_due_the_same_day_until_closed(salon: Salon) -> None:
    clients(salon, WANG)
    complaint = salon.ok("complaint", "add", "wang", "--text", "等太久", "--date",
                         "2026-11-20").strip()
    salon.only("complaint-reply", "complaint-satisfaction")
    assert salon.due_days("wang", "2026-11-19", 1) == {}
    assert list(salon.due_days("wang", "2026-11-20", 4)) == [
        "2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23"]
    row = json.loads(salon.ok("due", "2026-11-22", "--format", "json"))[0]
    assert row["reasons"][0]["deadline"] == "2026-11-22"
    # before the deadline the script promises a reply by then, said as a day
    first = json.loads(salon.ok("due", "2026-11-20", "--format", "json"))[0]["script"]
    assert "后天下班前给您一个答复" in first
    # after the deadline, unanswered: an apology for the delay, no promise in the past
    late = json.loads(salon.ok("due", "2026-11-23", "--format", "json"))[0]["script"]
    assert "来晚了" in late and "答复。" not in late and "下班前" not in late
    # reached: followed up every three days, with a follow-up script, until closed
    salon.ok("call", "log", "wang", "--outcome", "reached", "--date", "2026-11-23")
    follow = salon.due_days("wang", "2026-11-23", 7)
    assert list(follow) == ["2026-11-26", "2026-11-27", "2026-11-28", "2026-11-29"]
    again = json.loads(salon.ok("due", "2026-11-26", "--format", "json", today="2026-11-26"))
    assert "一直在跟进" in again[0]["script"]
    salon.ok("call", "log", "wang", "--outcome", "reached", today="2026-11-26")
    assert list(salon.due_days("wang", "2026-11-27", 4, )) == ["2026-11-29", "2026-11-30"]
    salon.ok("complaint", "close", complaint, today="2026-11-27")
    # closed: one satisfaction call seven days later
    after = salon.due_days("wang", "2026-11-27", 14)
    assert list(after) == ["2026-12-04", "2026-12-05", "2026-12-06", "2026-12-07"]
    assert after["2026-12-04"] == ["complaint-satisfaction"]


def test_r20_thank_the_referrer_when_her_guest_comes(salon: Salon) -> None:
    clients(salon, WANG + """
- id: guest
  name: 林晓
  phone: '13800000005'
  category: guest
  referred_by: wang
""")
    history(salon, "visits", """
        - {id: v-20261110-1, client: guest, date: 2026-11-10, services: [补水]}
    """)
    salon.only("referral-thanks")
    due = salon.due_days("wang", "2026-11-10", 6)
    assert due == {d: ["referral-thanks"] for d in
                   ("2026-11-11", "2026-11-12", "2026-11-13", "2026-11-14")}
    assert "谢谢您介绍林晓来我们店" in salon.ok("due", "2026-11-11", "--format", "json")


def test_r21_season_change_for_members(salon: Salon) -> None:
    clients(salon, WANG)
    salon.only("season-care")
    due = salon.due_days("wang", "2026-11-06", 6)  # 立冬 2026-11-07
    assert due == {"2026-11-07": ["season-care"]}  # a message: sent once, on its day
    salon.write("salon.yaml", salon.read("salon.yaml").replace(
        "closed_weekdays: []", "closed_weekdays: [saturday]"))  # 2026-11-07 is a Saturday
    assert salon.due_days("wang", "2026-11-06", 6) == {"2026-11-08": ["season-care"]}


def test_r22_yearly_maintenance_window_until_she_visits(salon: Salon) -> None:
    clients(salon, WANG)
    salon.only("maintenance-window")
    due = salon.due_days("wang", "2026-09-30", 3)
    assert due == {"2026-10-01": ["maintenance-window"], "2026-10-02": ["maintenance-window"]}
    # a finite window: the last day is 10-30, then it is missed
    assert list(salon.due_days("wang", "2026-10-29", 3)) == ["2026-10-29", "2026-10-30"]
    salon.ok("visit", "add", "wang", "--date", "2026-10-10", "--service", "补水")
    assert "maintenance-window" not in salon.due_days("wang", "2026-10-11", 1).get(
        "2026-10-11", [])


def test_rules_show_by_the_r_number_the_sheet_shows(salon: Salon) -> None:
    one = salon.ok("rules", "show", "R1")
    assert "id: purchase-1-3-7" in one and "ref: R1" in one
    assert json.loads(salon.ok("rules", "show", "purchase-1-3-7", "--format", "json"))["ref"] == "R1"
    row = json.loads(salon.ok("rules", "show", "r18", "--format", "json"))
    assert len(row) >= 2 and {rule["ref"] for rule in row} == {"R18"}
    unknown = salon("rules", "show", "R99")
    assert unknown.code == 2 and "R99" in unknown.err
