"""One conversation per client: the script a row reads, in words a person would say."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from conftest import Salon, run
from test_rules import clients, history

from salonctl.words import spoken

WANG = """
- {id: wang, name: 王丽, phone: '13800000001', gender: female, category: member, consultant: 小李}
"""


def _script(salon: Salon, day: str, client: str = "wang") -> str:
    rows = json.loads(salon.ok("due", day, "--all", "--format", "json"))
    return next(r["script"] for r in rows if r["client"] == client)


def test_every_rule_on_one_sale_asks_its_own_question_once(salon: Salon) -> None:
    clients(salon, WANG)
    history(salon, "visits", """
        - {id: v-20261117-1, client: wang, date: 2026-11-17, products: [{name: 熏蒸包, category: supplement}]}
    """)
    salon.only("purchase-1-3-7", "supplement-product")
    row = json.loads(salon.ok("due", "2026-11-24", "--format", "json"))[0]
    assert [r["rule"] for r in row["reasons"]] == ["purchase-1-3-7", "supplement-product"]
    lines = row["script"].splitlines()
    # One paragraph: day 7's question, then the supplement's daily use, each said once.
    assert lines[1:4] == ["熏蒸包用了7天了。", "效果您还满意吗？最近皮肤有没有新的需要？",
                          "熏蒸包每天都按时用了吗？感觉怎么样？坚持下来效果会更明显。"]


def test_a_treatment_with_a_treatment_product_keeps_both_questions(salon: Salon) -> None:
    clients(salon, WANG)
    history(salon, "visits", """
        - {id: v-20260815-1, client: wang, date: 2026-08-15, products: [{name: 防晒乳, category: care}]}
    """)
    history(salon, "visits", "- {id: v-20261121-1, client: wang, date: 2026-11-21, "
                             "services: [面部补水护理], products: [{name: 祛痘精华, category: "
                             "treatment}, {name: 防晒乳, category: care}]}")
    salon.only("purchase-1-3-7", "member-new-product", "treatment-product", "after-service")
    row = json.loads(salon.ok("due", "2026-11-24", "--format", "json"))[0]
    assert {r["rule"] for r in row["reasons"]} == {
        "purchase-1-3-7", "member-new-product", "treatment-product", "after-service"}
    script = row["script"]
    assert "这是您第一次用祛痘精华" in script and "第一次用祛痘精华和防晒乳" not in script
    assert "祛痘精华用了3天了，用的地方有没有什么变化？有没有发红" in script  # no catalogue area
    assert "身体" not in script
    assert "做完面部补水护理这几天，皮肤感觉怎么样？" in script
    assert script.count("祛痘精华和防晒乳") == 1  # the lead names what she took home


def test_a_face_product_is_asked_about_her_skin_not_her_body(salon: Salon) -> None:
    clients(salon, WANG)
    salon.ok("product", "add", "焕颜精华", "--category", "treatment", "--area", "face")
    history(salon, "visits", "- {id: v-20261121-1, client: wang, date: 2026-11-21, "
                             "products: [{name: 焕颜精华, category: treatment}]}")
    salon.only("treatment-product")
    script = _script(salon, "2026-11-24")
    assert "焕颜精华用了3天了，脸上的皮肤有没有什么变化？" in script and "身体" not in script


def test_no_booking_offer_when_she_has_booked(salon: Salon) -> None:
    clients(salon, WANG)
    history(salon, "visits", """
        - {id: v-20261117-1, client: wang, date: 2026-11-17, products: [{name: 精华, category: care}]}
    """)
    salon.only("purchase-1-3-7")
    assert "我先帮您约上" in _script(salon, "2026-11-24")
    salon.ok("appointment", "add", "wang", "--at", "2026-12-02 10:00", "--service", "补水")
    script = _script(salon, "2026-11-24")
    assert "约" not in script.split("\n", 1)[1] and "精华用了7天了" in script


def test_an_open_complaint_holds_off_offers_and_sales(salon: Salon) -> None:
    clients(salon, WANG)
    history(salon, "visits", """
        - {id: v-20261120-1, client: wang, date: 2026-11-20, services: [补水]}
    """)
    salon.only("after-service", "complaint-reply")
    row = json.loads(salon.ok("due", "2026-11-23", "--format", "json"))[0]
    assert [r["rule"] for r in row["reasons"]] == ["after-service"]
    complaint = salon.ok("complaint", "add", "wang", "--text", "等了很久", "--date", "2026-11-23")
    row = json.loads(salon.ok("due", "2026-11-23", "--format", "json"))[0]
    assert [r["rule"] for r in row["reasons"]] == ["complaint-reply"]
    assert "护理" not in row["script"] and "预约" not in row["script"]
    why = json.loads(salon.ok("why", "wang", "--date", "2026-11-23", "--format", "json"))
    after = next(r for r in why if r["rule"] == "after-service")["occurrences"][-1]
    assert after["state"] == "waiting" and "complaint" in after["detail"]
    salon.ok("complaint", "close", complaint.strip(), today="2026-11-24")
    assert json.loads(salon.ok("due", "2026-11-24", "--format", "json")) == []  # closed today
    row = json.loads(salon.ok("due", "2026-11-25", "--format", "json"))[0]
    assert [r["rule"] for r in row["reasons"]] == ["after-service"]  # back the day after


def test_beyond_three_topics_the_rest_are_one_line(salon: Salon) -> None:
    clients(salon, WANG.replace("member,", "member, birthday: 1990-11-27,"))
    history(salon, "visits", """
        - {id: v-20261117-1, client: wang, date: 2026-11-17, products: [{name: 面膜, category: care}]}
        - {id: v-20261121-1, client: wang, date: 2026-11-21, products: [{name: 口服液, category: supplement}]}
        - {id: v-20261123-1, client: wang, date: 2026-11-23, products: [{name: 精华, category: care}]}
    """)
    salon.ok("appointment", "add", "wang", "--at", "2026-11-25 15:00", "--service", "眼部护理")
    salon.only("purchase-1-3-7", "supplement-product", "birthday-card", "appointment-reminder")
    row = json.loads(salon.ok("due", "2026-11-24", "--format", "json"))[0]
    assert len(row["reasons"]) == 6
    lines = row["script"].splitlines()
    assert "生日" in lines[1]  # the wish opens the call
    assert lines[2] == "您昨天带回去的精华开始用了吗？"  # then the newest visit
    assert "口服液每天都按时用了吗？感觉怎么样？坚持下来效果会更明显。" in lines
    also = [line for line in lines if line.startswith("另外：")]
    assert also == ["另外：售后1-3-7回访"]  # the oldest visit gave way, and is named
    assert "面膜" not in row["script"]
    assert "明天15:00约了眼部护理" in row["script"]  # the must-call reminder stays


def test_a_reminder_moved_off_a_closed_day_names_the_real_day(salon: Salon) -> None:
    clients(salon, WANG)
    salon.write("salon.yaml", salon.read("salon.yaml").replace(
        "closed_weekdays: []", "closed_weekdays: [sunday]"))
    salon.ok("appointment", "add", "wang", "--at", "2026-11-30 10:00", "--service", "补水")
    salon.only("appointment-reminder")
    due = salon.due_days("wang", "2026-11-27", 4)
    assert list(due) == ["2026-11-28"]  # Sunday is closed: Saturday, two days before
    script = _script(salon, "2026-11-28")
    assert "后天10:00约了补水" in script and "明天" not in script


@pytest.mark.parametrize(("day", "today", "zh", "en"), [
    ("2026-11-25", "2026-11-24", "明天", "tomorrow"),
    ("2026-11-26", "2026-11-24", "后天", "on Thursday 26 November"),
    ("2026-11-28", "2026-11-24", "周六（11月28日）", "on Saturday 28 November"),
    ("2026-11-20", "2026-11-24", "周五（11月20日）", "on Friday 20 November"),
    ("2026-11-02", "2026-11-24", "11月2日", "on 2 November"),
    ("2025-12-20", "2026-01-05", "2025年12月20日", "on 20 December 2025"),
    ("2025-12-30", "2026-01-02", "周二（2025年12月30日）", "on Tuesday 30 December 2025"),
])
def test_days_are_said_as_people_say_them(day: str, today: str, zh: str, en: str) -> None:
    said = date.fromisoformat(day), date.fromisoformat(today)
    assert spoken.say_day(*said, "zh-CN") == zh
    assert spoken.say_day(*said, "en") == en


def _english(tmp_path: Path) -> Salon:
    root = tmp_path / "belle"
    assert run("init", str(root), "--name", "Belle Salon", "--lang", "en").code == 0
    return Salon(root)


@pytest.mark.parametrize(("name", "gender", "salutation", "expected"), [
    ("Sophie van der Berg", "female", None, "Hello Ms. van der Berg,"),
    ("王丽", "female", None, "Hello Ms. Wang,"),
    ("曾志伟", "male", None, "Hello Mr. Zeng,"),
    ("Alex Kim", None, None, "Hello Alex Kim,"),
    ("Anna Müller", "female", "Dr. Müller", "Hello Dr. Müller,"),
])
def test_names_are_said_right_in_english(tmp_path: Path, name: str, gender: str | None,
                                         salutation: str | None, expected: str) -> None:
    salon = _english(tmp_path)
    extra = [*(["--gender", gender] if gender else []),
             *(["--salutation", salutation] if salutation else [])]
    salon.ok("client", "add", name, "--phone", "0698765432", *extra)
    salon.ok("visit", "add", "c0001", "--date", "2026-11-23", "--product", "Serum=care")
    salon.only("purchase-1-3-7")
    assert _script(salon, "2026-11-24", "c0001").startswith(expected)


def test_salutation_can_be_set_later_and_plurals_are_right(tmp_path: Path) -> None:
    salon = _english(tmp_path)
    salon.ok("client", "add", "Wang Li", "--phone", "0698765432", "--gender", "female")
    salon.ok("visit", "add", "c0001", "--date", "2026-11-23", "--product", "Serum=brand")
    salon.only("new-client-1-3-7")
    salon.ok("client", "edit", "c0001", "--set", "salutation=Li")
    script = _script(salon, "2026-11-24", "c0001")
    assert script.startswith("Hello Li,")
    assert "for your first visit yesterday" in script
    salon.ok("client", "add", "Bo", "--phone", "0698765400", "--referred-by", "c0001")
    salon.ok("visit", "add", "c0002", "--date", "2026-11-23", "--service", "facial")
    salon.only("referral-thanks", "new-client-1-3-7")
    script = _script(salon, "2026-11-26", "c0001")
    assert "take good care of your guest" in script
    assert "It has been 3 days since your treatment" in script
    assert spoken.say_days(1, "en") == "1 day" and spoken.say_days(2, "en") == "2 days"


def test_every_interface_word_is_in_both_languages() -> None:
    from salonctl.words.phrases import JOINERS, WORDS, say

    assert set(JOINERS["zh-CN"]) == set(JOINERS["en"])
    values = {"salon": "S", "day": "2026-11-24", "caller": "Li", "title": "T", "rank": 3,
              "deadline": "d", "notes": "n", "topics": "t", "name": "N", "phone": "P",
              "made": 2, "reached": 1, "left": 0, "who": "W", "where": "f:1", "reasons": "R",
              "how": "H"}
    for language in ("zh-CN", "en"):
        for key in [*WORDS, *JOINERS[language]]:
            assert "{" not in say(language, key, 2, **values), (language, key)
    assert say("zh-CN", "nothing-due", title="T") != say("en", "nothing-due", title="T")
    assert say("en", "waiting", 1, caller="Li").startswith("Li: 1 more call waits")
    assert say("en", "overdue", 1) == "1 day overdue" and say("en", "tries", 2).startswith("2 tries")
