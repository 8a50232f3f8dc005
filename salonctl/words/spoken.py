"""Days as people say them, and read them: 明天, 周六（12月5日）, on Saturday 5 December, +3d.

A script is read aloud, so it never says 2026-12-05: it says the day relative to the call.
Staff answer "when shall we call back?" the same way, and `parse_day` reads what they type.
Pure: the day of the call is always given.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from salonctl.engine import model
from salonctl.files import parsing
from salonctl.i18n import _

_ZH_WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
_EN_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")
_ZH_NEAR = {-2: "前天", -1: "昨天", 0: "今天", 1: "明天", 2: "后天"}
_EN_NEAR = {-1: "yesterday", 0: "today", 1: "tomorrow"}
WEEK = 6  # within this many days a day is named by its weekday too




def say_day(day: date, today: date, language: str) -> str:
    """明天 / 周六（12月5日）/ 11月20日 / 2025年11月20日; tomorrow / on Saturday 5 December /
    on 20 November / on 20 November 2025 (English carries its "on", so a script can say
    "your facial {visit_date}" whichever it is)."""
    offset = (day - today).days
    if language == "zh-CN":
        if offset in _ZH_NEAR:
            return _ZH_NEAR[offset]
        dated = f"{day.month}月{day.day}日" if day.year == today.year else \
            f"{day.year}年{day.month}月{day.day}日"
        return f"{_ZH_WEEKDAYS[day.weekday()]}（{dated}）" if abs(offset) <= WEEK else dated
    if offset in _EN_NEAR:
        return _EN_NEAR[offset]
    dated = f"{day.day} {_EN_MONTHS[day.month - 1]}"
    if day.year != today.year:
        dated += f" {day.year}"
    return f"on {_EN_WEEKDAYS[day.weekday()]} {dated}" if abs(offset) <= WEEK else f"on {dated}"


def say_deadline(day: date, today: date, language: str) -> str:
    """A reply promised by the end of a day: 后天下班前 / by the end of the day tomorrow."""
    if language == "zh-CN":
        return f"{say_day(day, today, language)}下班前"
    return f"by the end of the day {say_day(day, today, language)}"


def say_days(count: int, language: str) -> str:
    """A span of days: 3 (a script says 用了{days_since}天) / "1 day", "3 days"."""
    if language == "zh-CN":
        return str(count)
    return f"{count} day" if count == 1 else f"{count} days"


_ZH_NAMED = {"前天": -2, "昨天": -1, "今天": 0, "明天": 1, "后天": 2, "大后天": 3}
_EN_NAMED = {"yesterday": -1, "today": 0, "tomorrow": 1}
_ZH_WEEKDAY_NAMES = {**{w: i for i, w in enumerate(_ZH_WEEKDAYS)},
                     **{f"星期{c}": i for i, c in enumerate("一二三四五六日")}, "星期天": 6, "周天": 6}
_SHIFT = re.compile(r"([+-])(\d{1,4})\s*(d|day|days|天|w|week|weeks|周)?", re.IGNORECASE)
_CLOCK = re.compile(r"(\d{1,2})[:：](\d{2})")


def parse_day(text: str, today: date) -> date:
    """The one reading of a day on the command line: YYYY-MM-DD; today, tomorrow,
    yesterday, 今天, 明天, 后天, 昨天, 前天; +3d, -2w (天, 周 too); a weekday, meaning the next
    one after today (friday, fri, 周五, 星期五)."""
    word = text.strip()
    lowered = word.lower()
    if word in _ZH_NAMED or lowered in _EN_NAMED:
        return _within(today + timedelta(days=_ZH_NAMED.get(word, _EN_NAMED.get(lowered, 0))))
    shift = _SHIFT.fullmatch(lowered)
    if shift:
        sign, count, unit = shift.group(1), int(shift.group(2)), (shift.group(3) or "d")[0]
        days = count * (7 if unit in "w周" else 1)
        return _within(today + timedelta(days=days if sign == "+" else -days))
    weekday = _weekday(lowered)
    if weekday is not None:
        return _within(today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1))
    if _looks_iso(word):
        return parsing.parse_date(word)  # its own message: the month must be 01-12, ...
    raise parsing.InvalidValue(_(
        "{text} is not a day; give YYYY-MM-DD, today, tomorrow, 明天, +3d, -2w or a weekday "
        "(friday, 周五)").format(text=repr(text)))


def parse_moment(text: str, today: date) -> tuple[date, str]:
    """A day and a time of day: "2026-11-26 9:00", "明天 14:30", "friday 10:00"; a time
    alone is today. The time is written back as HH:MM."""
    day_text, _sep, clock_text = text.strip().rpartition(" ")
    if not day_text and _CLOCK.fullmatch(clock_text.strip()):
        return today, parse_clock(clock_text)
    if not day_text:
        raise parsing.InvalidValue(_(
            "{text} is not a day and time; give e.g. '2026-11-26 9:00' or '明天 14:30'").format(
            text=repr(text)))
    return parse_day(day_text, today), parse_clock(clock_text)


def parse_clock(text: str) -> str:
    """9:00, 09:00 or 9：00 as HH:MM, 00:00-23:59."""
    found = _CLOCK.fullmatch(text.strip())
    if not found or int(found[1]) > 23 or int(found[2]) > 59:
        raise parsing.InvalidValue(_("{text} is not a time; give H:MM on a 24-hour clock, e.g. "
                                    "9:00 or 14:30").format(text=repr(text)))
    return f"{int(found[1]):02d}:{found[2]}"


def _within(day: date) -> date:
    return parsing.in_range(day)


def _looks_iso(word: str) -> bool:
    return len(word) == 10 and word[4] == "-" and word[7] == "-"


def _weekday(lowered: str) -> int | None:
    if lowered in _ZH_WEEKDAY_NAMES:
        return _ZH_WEEKDAY_NAMES[lowered]
    for number, name in enumerate(model.WEEKDAYS):
        if len(lowered) >= 3 and name.startswith(lowered):
            return number
    return None
