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
# 下周三, 这周五, 本星期一: a weekday of next week or of this one
_WEEK_OF = re.compile(r"(下下|下|这|本)(?:个)?(周|星期|礼拜)([一二三四五六日天])")
# 12月3日, 12月3号, 12-03 (no year: the one nearest today), 2026年12月3日, 3号 (this month's
# or the nearest month's)
_MONTH_DAY = re.compile(r"(?:(\d{4})\s*[年/.-]\s*)?(\d{1,2})\s*(?:月|/|-)\s*(\d{1,2})\s*[日号]?")
_DAY_OF_MONTH = re.compile(r"(\d{1,2})\s*[日号]")
# 下午3点, 上午10:30, 15点半, 3点15分, 晚上7点
_SPOKEN_CLOCK = re.compile(
    r"(上午|早上|早晨|中午|下午|傍晚|晚上)?\s*(\d{1,2})\s*(?:[:：](\d{2})|点\s*(?:(半)|(\d{1,2})\s*分?)?)")
_AFTERNOON = ("下午", "傍晚", "晚上")


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
    spoken = _spoken_day(word, today)
    if spoken is not None:
        return _within(spoken)
    raise parsing.InvalidValue(_(
        "{text} is not a day; give YYYY-MM-DD, today, tomorrow, 明天, +3d, -2w, a weekday "
        "(friday, 周五, 下周三), 12月3日 or 3号").format(text=repr(text)))


def _spoken_day(word: str, today: date) -> date | None:
    """下周三, 12月3日, 2026年12月3日, 12-03, 3号; None for anything else. A day without its
    year (or month) is the one nearest today: a callback is soon, a visit was recent."""
    week = _WEEK_OF.fullmatch(word)
    if week:
        weeks = {"下下": 2, "下": 1}.get(week[1], 0)
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=weeks)
        return monday + timedelta(days="一二三四五六日天".index(week[3]) if week[3] != "天" else 6)
    found = _MONTH_DAY.fullmatch(word)
    if found:
        year, month, day = found[1], int(found[2]), int(found[3])
        if year:
            return _real_day(int(year), month, day, word)
        return _nearest(today, [(today.year + shift, month) for shift in (-1, 0, 1)], day, word)
    of_month = _DAY_OF_MONTH.fullmatch(word)
    if of_month:
        months = [((today.year * 12 + today.month - 1 + shift) // 12,
                   (today.month - 1 + shift) % 12 + 1) for shift in (-1, 0, 1)]
        return _nearest(today, months, int(of_month[1]), word)
    return None


def _nearest(today: date, months: list[tuple[int, int]], day: int, word: str) -> date:
    real = [d for year, month in months if (d := _day_or_none(year, month, day)) is not None]
    if not real:
        return _real_day(today.year, months[1][1], day, word)  # names why it is no day
    return min(real, key=lambda d: (abs((d - today).days), d < today))


def _day_or_none(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _real_day(year: int, month: int, day: int, word: str) -> date:
    found = _day_or_none(year, month, day)
    if found is None:
        raise parsing.InvalidValue(_("{text} is not a real date (the month must be 01-12 and "
                                     "the day in that month)").format(text=repr(word)))
    return found


def parse_moment(text: str, today: date) -> tuple[date, str]:
    """A day and a time of day: "2026-11-26 9:00", "明天 14:30", "friday 10:00",
    "12月10日 下午3点", "下周三上午10点半"; a time alone is today. The time is written back as
    HH:MM."""
    day_text, _sep, clock_text = text.strip().rpartition(" ")
    if not day_text:
        joined = re.fullmatch(r"(.*?[天日号一二三四五六])\s*(" + _SPOKEN_CLOCK.pattern + ")",
                              text.strip())
        if joined:  # 明天下午3点: the day and the time with no space between
            day_text, clock_text = joined[1], joined[2]
    if not day_text and _SPOKEN_CLOCK.fullmatch(clock_text.strip()):
        return today, parse_clock(clock_text)
    if not day_text and _CLOCK.fullmatch(clock_text.strip()):
        return today, parse_clock(clock_text)
    if not day_text:
        raise parsing.InvalidValue(_(
            "{text} is not a day and time; give e.g. '2026-11-26 9:00' or '明天 14:30'").format(
            text=repr(text)))
    return parse_day(day_text, today), parse_clock(clock_text)


def parse_clock(text: str) -> str:
    """9:00, 09:00 or 9：00 as HH:MM, 00:00-23:59; or as the desk says it: 下午3点 (15:00),
    上午10:30, 15点半, 3点15分, 晚上7点."""
    found = _SPOKEN_CLOCK.fullmatch(text.strip())
    if found:
        part, hour = found[1], int(found[2])
        minute = 30 if found[4] else int(found[3] or found[5] or 0)
        if (part in _AFTERNOON and hour < 12) or (part == "中午" and hour < 6):
            hour += 12
        if hour <= 23 and minute <= 59:
            return f"{hour:02d}:{minute:02d}"
    raise parsing.InvalidValue(_("{text} is not a time; give H:MM on a 24-hour clock, e.g. "
                                 "9:00 or 14:30, or 下午3点").format(text=repr(text)))


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
