"""What a logged call does to the sheet, closed days, channels, and `why`."""

from __future__ import annotations

import json

import pytest
from conftest import Salon
from test_rules import WANG, clients, history


@pytest.fixture
def sold(salon: Salon) -> Salon:
    """王丽, a member, bought a serum on 2026-11-02; only the 1-3-7 rule is on."""
    clients(salon, WANG)
    history(salon, "visits", """
        - {id: v-20261102-1, client: wang, date: 2026-11-02, products: [{name: 精华, category: care}]}
    """)
    salon.only("purchase-1-3-7")
    return salon


def test_no_answer_is_due_again_the_next_open_day_then_missed(sold: Salon) -> None:
    sold.set_rule("purchase-1-3-7", window={"late": 0})
    sold.ok("call", "log", "wang", "--outcome", "no-answer", "--date", "2026-11-03")
    assert sold.due_days("wang", "2026-11-04", 1) == {"2026-11-04": ["purchase-1-3-7"]}
    sold.ok("call", "log", "wang", "--outcome", "no-answer", "--date", "2026-11-04")
    row = json.loads(sold.ok("due", "2026-11-05", "--format", "json"))[0]
    assert [(r["rule"], r["offset"], r["tries"]) for r in row["reasons"]] == [
        ("purchase-1-3-7", 1, 2), ("purchase-1-3-7", 3, 0)]
    sold.ok("call", "log", "wang", "--outcome", "no-answer", "--date", "2026-11-05")
    row = json.loads(sold.ok("due", "2026-11-06", "--format", "json"))[0]
    assert [(r["offset"], r["tries"]) for r in row["reasons"]] == [(3, 1)]  # day 1 gave up
    missed = json.loads(sold.ok("due", "2026-11-06", "--missed", "--format", "json"))
    assert [(m["offset"], m["missed_on"], m["why"]) for m in missed] == [
        (1, "2026-11-05", "no answer 3 times")]


def test_reached_closes_every_reason_of_that_call_but_not_later_ones(sold: Salon) -> None:
    sold.only("purchase-1-3-7", "care-product")
    assert sold.due_days("wang", "2026-11-03", 1) == {"2026-11-03": ["purchase-1-3-7",
                                                                      "care-product"]}
    sold.ok("call", "log", "wang", "--outcome", "reached", "--date", "2026-11-03")
    assert sold.due_days("wang", "2026-11-03", 4) == {"2026-11-05": ["purchase-1-3-7"],
                                                       "2026-11-06": ["purchase-1-3-7"]}


def test_a_call_for_one_rule_leaves_the_others_due(sold: Salon) -> None:
    sold.only("purchase-1-3-7", "care-product")
    sold.ok("call", "log", "wang", "--outcome", "reached", "--rule", "care-product",
            "--date", "2026-11-03")
    assert sold.due_days("wang", "2026-11-03", 1) == {"2026-11-03": ["purchase-1-3-7"]}
    unknown = sold("call", "log", "wang", "--outcome", "reached", "--rule", "nope")
    assert unknown.err == "salonctl: --rule: no rule 'nope'; `salonctl rules list` shows them\n"


def test_not_convenient_comes_back_on_the_callback_day(sold: Salon) -> None:
    sold.ok("call", "log", "wang", "--outcome", "not-convenient", "--callback", "2026-11-04",
            "--date", "2026-11-03")
    assert sold.due_days("wang", "2026-11-03", 1) == {}
    assert sold.due_days("wang", "2026-11-04", 1) == {"2026-11-04": ["purchase-1-3-7"]}
    sold.ok("call", "log", "wang", "--outcome", "not-convenient", "--date", "2026-11-04")
    assert sold.due_days("wang", "2026-11-05", 1)["2026-11-05"] == ["purchase-1-3-7",
                                                                    "purchase-1-3-7"]


def test_refused_ends_every_call_on_that_sale(sold: Salon) -> None:
    sold.ok("call", "log", "wang", "--outcome", "refused", "--date", "2026-11-03")
    assert sold.due_days("wang", "2026-11-03", 10) == {}
    why = json.loads(sold.ok("why", "wang", "--date", "2026-11-10", "--format", "json"))
    states = [(o["due"], o["state"], o["detail"]) for r in why if r["rule"] == "purchase-1-3-7"
              for o in r["occurrences"]]
    assert states == [("2026-11-03", "done", "refused"),
                      ("2026-11-05", "suppressed", "she declined on 2026-11-03"),
                      ("2026-11-09", "suppressed", "she declined on 2026-11-03")]


def test_wrong_number_stops_calls_until_her_phone_changes(sold: Salon) -> None:
    sold.ok("call", "log", "wang", "--outcome", "wrong-number", "--date", "2026-11-03")
    assert sold.due_days("wang", "2026-11-03", 10) == {}
    check = sold("check")
    assert check.code == 65
    assert "client wang: her phone number was logged as wrong on 2026-11-03" in check.err
    sold.ok("client", "edit", "wang", "--set", "phone=13900000001")
    assert sold.due_days("wang", "2026-11-05", 1) == {"2026-11-05": ["purchase-1-3-7"]}
    assert sold("check").code == 0


def test_do_not_contact_is_never_due(sold: Salon) -> None:
    sold.ok("client", "edit", "wang", "--set", "do_not_contact=true")
    sold.only(*[r["id"] for r in json.loads(sold.ok("rules", "list", "--format", "json"))])
    assert sold.sheets("2026-11-01", 60) == {}


def test_a_closed_day_moves_a_call_later_and_a_reminder_earlier(salon: Salon) -> None:
    salon.write("salon.yaml", salon.read("salon.yaml").replace(
        "closed_weekdays: []", "closed_weekdays: [thursday]"))
    clients(salon, WANG + "  birthday: 1990-11-29\n")  # card due 11-26, a Thursday
    history(salon, "visits", """
        - {id: v-20261104-1, client: wang, date: 2026-11-04, products: [{name: 精华, category: care}]}
    """)  # day 1 is Thursday 11-05
    salon.only("purchase-1-3-7", "birthday-card")
    due = salon.due_days("wang", "2026-11-01", 30)
    assert due["2026-11-06"] == ["purchase-1-3-7"] and "2026-11-05" not in due
    assert due["2026-11-25"] == ["birthday-card"] and "2026-11-26" not in due
    closed = salon("due", "2026-11-26")
    assert closed.code == 0 and "没有要打的电话（今天店休）" in closed.out


def test_a_client_who_takes_sms_only_gets_an_sms_row(salon: Salon) -> None:
    clients(salon, WANG + "  channel: sms\n- {id: li, name: 李娜, phone: '13800000002'}\n")
    history(salon, "visits", """
        - {id: v-20261102-1, client: wang, date: 2026-11-02, products: [{name: 精华, category: care}]}
        - {id: v-20261102-2, client: li, date: 2026-11-02, products: [{name: 精华, category: care}]}
    """)
    salon.only("purchase-1-3-7")
    rows = {r["client"]: r for r in json.loads(salon.ok("due", "2026-11-03", "--format", "json"))}
    assert (rows["wang"]["channel"], rows["li"]["channel"]) == ("sms", "phone")
    assert rows["wang"]["script"].startswith("王女士您好，我是美丽人生美容院的前台。\n")
    assert "现在说话方便吗" in rows["li"]["script"]


def test_why_explains_every_rule(sold: Salon) -> None:
    sold.ok("client", "edit", "wang", "--set", "birthday=1990-12-01")
    sold.only("purchase-1-3-7", "birthday-card", "holiday-mothers-day")
    sold.set_rule("holiday-mothers-day", when={"gender": "male"})
    why = {r["rule"]: r for r in json.loads(sold.ok("why", "wang", "--date", "2026-11-04",
                                                    "--format", "json"))}
    assert [(o["due"], o["state"]) for o in why["purchase-1-3-7"]["occurrences"]] == [
        ("2026-11-03", "due"), ("2026-11-05", "upcoming"), ("2026-11-09", "upcoming")]
    assert [o["due"] for o in why["birthday-card"]["occurrences"]] == ["2026-11-28"]
    assert why["holiday-mothers-day"]["because"] == "it is for male clients"
    assert why["win-back"]["because"] == "the rule is disabled"
    table = sold.ok("why", "wang", "--date", "2026-11-04")
    assert "2026-11-02 → 2026-11-03: due" in table
    assert "not applicable: the rule is disabled" in table


def test_check_points_at_bad_rules_and_scripts(salon: Salon) -> None:
    salon.set_rule("win-back", offsets=["soon"])
    salon.set_rule("season-care", script="no-such-script")
    salon.write("templates/zh-CN/first-visit.txt", "您好{salutation}，{client.phone}\n{skin}\n")
    salon.write("templates/zh-CN/birthday-card.txt", "{appointment_time}到店\n")
    problems = salon("check").err.splitlines()
    root = salon.root
    lines = salon.read("rules.yaml").splitlines()
    season = lines.index("- id: season-care") + 1
    offsets = lines.index("  offsets:", lines.index("- id: win-back")) + 2  # the list item
    assert [p.replace(str(root), "") for p in problems] == [
        f"/rules.yaml:{offsets}:3: offsets: must be a whole number from -400 to 400",
        f"/rules.yaml:{season}:3: script 'no-such-script' does not exist; add "
        "templates/<language>/no-such-script.txt",
        "/templates/zh-CN/birthday-card.txt:1:1: unknown field {appointment_time}; this script "
        "may use: allergies, birthday, caller, days_since_visit, hobbies, last_visit, name, "
        "note, preferences, salon, salon_phone, salutation, skin_type, speaker",
        "/templates/zh-CN/first-visit.txt:1:16: {client.phone} is not a field: a slot is a plain "
        "name like {salutation}",
        "/templates/zh-CN/first-visit.txt:2:1: unknown field {skin}; this script may use: "
        "allergies, area, caller, days_since, days_since_visit, hobbies, last_visit, name, note, "
        "preferences, product_pronoun, products, salon, salon_phone, salutation, services, "
        "skin_type, speaker, visit, visit_date",
    ]
    due = salon("due")
    assert due.code == 65
