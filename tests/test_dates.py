"""One reading of days and times for every date option: what the desk types is what it gets."""

from __future__ import annotations

import json
from datetime import date

import pytest

from salonctl.files import parsing
from salonctl.words import spoken
from tests.conftest import Salon

TUESDAY = date(2026, 11, 24)


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-12-01", date(2026, 12, 1)),
    ("today", TUESDAY), ("Tomorrow", date(2026, 11, 25)), ("yesterday", date(2026, 11, 23)),
    ("今天", TUESDAY), ("明天", date(2026, 11, 25)), ("后天", date(2026, 11, 26)),
    ("昨天", date(2026, 11, 23)), ("前天", date(2026, 11, 22)),
    ("+3d", date(2026, 11, 27)), ("+3", date(2026, 11, 27)), ("-2w", date(2026, 11, 10)),
    ("+1 week", date(2026, 12, 1)), ("+10天", date(2026, 12, 4)), ("-1周", date(2026, 11, 17)),
    ("friday", date(2026, 11, 27)), ("fri", date(2026, 11, 27)), ("周五", date(2026, 11, 27)),
    ("星期二", date(2026, 12, 1)), ("tuesday", date(2026, 12, 1)),  # the next one, not today
    ("周日", date(2026, 11, 29)), ("星期天", date(2026, 11, 29)),
])
def test_every_way_the_desk_writes_a_day(text: str, expected: date) -> None:
    assert spoken.parse_day(text, TUESDAY) == expected


@pytest.mark.parametrize(("text", "says"), [
    ("2026-13-01", "the month must be 01-12"), ("2026-02-30", "that month has fewer days"),
    ("someday", "is not a day"), ("26-11-2026", "is not a day"), ("+99999d", "is not a day"),
])
def test_what_is_not_a_day_says_what_is(text: str, says: str) -> None:
    with pytest.raises(parsing.InvalidValue, match=says):
        spoken.parse_day(text, TUESDAY)


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-11-26 9:00", (date(2026, 11, 26), "09:00")),
    ("2026-11-26 09:30", (date(2026, 11, 26), "09:30")),
    ("明天 14:30", (date(2026, 11, 25), "14:30")), ("friday 10：00", (date(2026, 11, 27), "10:00")),
    ("16:00", (TUESDAY, "16:00")),
])
def test_a_day_and_a_time(text: str, expected: tuple[date, str]) -> None:
    assert spoken.parse_moment(text, TUESDAY) == expected


@pytest.mark.parametrize("text", ["2026-11-26 25:00", "2026-11-26 9", "明天", "9:60"])
def test_a_moment_without_a_real_time_is_refused(text: str) -> None:
    with pytest.raises(parsing.InvalidValue):
        spoken.parse_moment(text, TUESDAY)


def test_the_commands_read_days_the_same_way(salon: Salon) -> None:
    salon.ok("client", "add", "王芳", "--phone", "13800000001")
    salon.ok("visit", "add", "c0001", "--service", "补水", "--date", "昨天")
    salon.ok("call", "log", "c0001", "--outcome", "not-convenient", "--callback", "明天")
    salon.ok("appointment", "add", "c0001", "--at", "2026-11-26 9:00")
    visits = json.loads(salon.ok("visit", "list", "--from", "-7d", "--format", "json"))
    assert [v["date"] for v in visits] == ["2026-11-23"]
    calls = json.loads(salon.ok("call", "list", "--format", "json"))
    assert calls[0]["callback"] == "2026-11-25"
    booked = json.loads(salon.ok("appointment", "list", "--format", "json"))
    assert (booked[0]["date"], booked[0]["time"]) == ("2026-11-26", "09:00")
    assert salon.ok("appointment", "cancel", "c0001", "--at", "后天 09:00").strip()
    tomorrow = json.loads(salon.ok("due", "明天", "--format", "json"))
    assert {row["date"] for row in tomorrow} <= {"2026-11-25"}


def test_a_bad_day_names_its_option(salon: Salon) -> None:
    salon.ok("client", "add", "王芳", "--phone", "13800000001")
    bad = salon("visit", "list", "--from", "last week")
    assert bad.code == 2 and bad.err.startswith("salonctl: --from: 'last week' is not a day")
    late = salon("appointment", "add", "c0001", "--at", "明天 9")
    assert late.code == 2 and "--at:" in late.err


@pytest.mark.parametrize(("text", "expected"), [
    ("下周三", date(2026, 12, 2)), ("下星期一", date(2026, 11, 30)), ("这周五", date(2026, 11, 27)),
    ("本周一", date(2026, 11, 23)), ("下下周一", date(2026, 12, 7)),
    ("12月3日", date(2026, 12, 3)), ("12月3号", date(2026, 12, 3)), ("2027年1月5日", date(2027, 1, 5)),
    ("11月20日", date(2026, 11, 20)), ("1月3日", date(2027, 1, 3)),  # the one nearest today
    ("12-03", date(2026, 12, 3)), ("3号", date(2026, 12, 3)), ("20号", date(2026, 11, 20)),
])
def test_the_desks_own_days(text: str, expected: date) -> None:
    assert spoken.parse_day(text, TUESDAY) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("下午3点", "15:00"), ("上午10:30", "10:30"), ("15点半", "15:30"), ("3点15分", "03:15"),
    ("晚上7点", "19:00"), ("中午12点", "12:00"), ("中午1点", "13:00"), ("9：05", "09:05"),
])
def test_the_desks_own_times(text: str, expected: str) -> None:
    assert spoken.parse_clock(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("12月10日 下午3点", (date(2026, 12, 10), "15:00")),
    ("明天下午3点", (date(2026, 11, 25), "15:00")),
    ("下周三上午10点半", (date(2026, 12, 2), "10:30")),
])
def test_a_day_and_a_time_as_the_desk_says_them(text: str, expected: tuple[date, str]) -> None:
    assert spoken.parse_moment(text, TUESDAY) == expected


@pytest.mark.parametrize("text", ["2月30日", "13月1日", "32号", "下周八"])
def test_a_spoken_day_that_is_no_day_is_refused(text: str) -> None:
    with pytest.raises(parsing.InvalidValue):
        spoken.parse_day(text, TUESDAY)


def test_staff_words_on_the_command_line(salon: Salon) -> None:
    salon.ok("client", "add", "王丽", "--phone", "13800138000", "--gender", "女",
             "--category", "会员")
    shown = json.loads(salon.ok("client", "show", "王丽", "--format", "json"))
    assert (shown["gender"], shown["category"]) == ("female", "member")
    salon.ok("call", "log", "王丽", "--outcome", "未接")
    salon.ok("call", "log", "王丽", "--outcome", "接通")
    calls = json.loads(salon.ok("call", "list", "--format", "json"))
    assert [c["outcome"] for c in calls] == ["no-answer", "reached"]
    salon.ok("appointment", "add", "王丽", "--at", "12月10日 下午3点", "--service", "补水")
    booked = json.loads(salon.ok("appointment", "list", "--format", "json"))
    assert (booked[0]["date"], booked[0]["time"]) == ("2026-12-10", "15:00")
    salon.ok("visit", "add", "王丽", "--product", "玫瑰水=护肤品")
    assert salon.ok("due", "下周三", "--format", "json")  # a sheet of that day, not an error
    refused = salon("call", "log", "王丽", "--outcome", "聊了")
    assert refused.code == 2 and "接通" in refused.err  # the message lists the desk's words
