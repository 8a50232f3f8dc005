"""Dates the salon's year turns on: lunar birthdays, festivals, season changes, open days.

Lunar conversion is borax's (MIT, correct 1900-2100, strict about leap months); solar
terms too. Public holidays, when a salon closes on them, come from the `holidays` package.
Everything here is pure: it takes years and dates, never reads the clock.

Policies, stated once:
- A lunar birthday in a leap month is kept in the regular month of that number in years
  that have no such leap month (most years).
- Lunar day 30 in a month of 29 days falls on day 29 that year.
- A Gregorian birthday on 29 February falls on 28 February in common years.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from borax.calendars.lunardate import LCalendars, LunarDate, TermUtils
from dateutil.relativedelta import SU, relativedelta

from salonctl.engine import model

FIRST_YEAR, LAST_YEAR = 1901, 2099


@functools.lru_cache(maxsize=65536)
def lunar_to_solar(year: int, month: int, day: int, leap: bool = False) -> date:
    """The Gregorian date of a lunar month/day in lunar year `year`, with the policies above."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"lunar dates are supported from {FIRST_YEAR} to {LAST_YEAR}")
    leap = leap and LCalendars.leap_month(year) == month
    last_day = LCalendars.ndays(year, month, leap=int(leap))
    solar: date = LunarDate(year, month, min(day, last_day), int(leap)).to_solar_date()
    return solar


def birthday_in(client: model.Client, year: int) -> date | None:
    """The day she celebrates her birthday in Gregorian year `year` (lunar ones converted).

    A lunar birthday late in the lunar year (the 11th or 12th month) can fall in January
    of the next Gregorian year; the one whose date lies in `year` is returned.
    """
    if client.lunar_birthday is not None:
        lunar = client.lunar_birthday
        for lunar_year in (year, year - 1):
            if FIRST_YEAR <= lunar_year <= LAST_YEAR:
                day = lunar_to_solar(lunar_year, lunar.month, lunar.day, lunar.leap)
                if day.year == year:
                    return day
        return None
    if client.birthday is not None:
        month, of_month = client.birthday.month, client.birthday.day
    elif client.birthday_month_day is not None:  # given without its year: the same each year
        month, of_month = (int(part) for part in client.birthday_month_day.split("-"))
    else:
        return None
    if month == 2 and of_month == 29 and not _is_leap(year):
        return date(year, 2, 28)
    return date(year, month, of_month)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


@dataclass(frozen=True)
class Holiday:
    id: str
    name_zh: str
    name_en: str
    on: Callable[[int], date]

    def name(self, language: str) -> str:
        return self.name_zh if language == "zh-CN" else self.name_en


def _lunar(month: int, day: int) -> Callable[[int], date]:
    return lambda year: lunar_to_solar(year, month, day)


def _fixed(month: int, day: int) -> Callable[[int], date]:
    return lambda year: date(year, month, day)


def _mothers_day(year: int) -> date:
    return date(year, 5, 1) + relativedelta(weekday=SU(2))  # the second Sunday of May


HOLIDAYS: dict[str, Holiday] = {h.id: h for h in (
    Holiday("new-year", "元旦", "New Year's Day", _fixed(1, 1)),
    Holiday("spring-festival", "春节", "Spring Festival", _lunar(1, 1)),
    Holiday("lantern", "元宵节", "the Lantern Festival", _lunar(1, 15)),
    Holiday("womens-day", "妇女节", "Women's Day", _fixed(3, 8)),
    Holiday("mothers-day", "母亲节", "Mother's Day", _mothers_day),
    Holiday("dragon-boat", "端午节", "the Dragon Boat Festival", _lunar(5, 5)),
    Holiday("qixi", "七夕", "Qixi", _lunar(7, 7)),
    Holiday("mid-autumn", "中秋节", "Mid-Autumn Festival", _lunar(8, 15)),
    Holiday("double-ninth", "重阳节", "the Double Ninth Festival", _lunar(9, 9)),
    Holiday("christmas", "圣诞节", "Christmas", _fixed(12, 25)),
)}


# The four "beginnings" of the seasons in the solar terms salons go by.
SEASONS: tuple[tuple[str, str, str], ...] = (
    ("立春", "spring", "the start of spring"), ("立夏", "summer", "the start of summer"),
    ("立秋", "autumn", "the start of autumn"), ("立冬", "winter", "the start of winter"),
)


@functools.cache
def season_starts(year: int) -> tuple[tuple[str, str, date], ...]:
    """(season id, term name, date) for each season that begins in `year`."""
    return tuple(
        (season, term, TermUtils.nth_term_day(year, term_name=term)) for term, season, _ in SEASONS
    )


def season_name(season: str, language: str) -> str:
    for term, sid, english in SEASONS:
        if sid == season:
            return term if language == "zh-CN" else english
    raise KeyError(season)


class OpenDays:
    """Which days the salon is open: every day, less weekly days off, closed dates and,
    if it says so, its region's public holidays."""

    def __init__(self, opening: model.Opening) -> None:
        self._weekdays = {model.WEEKDAYS.index(w) for w in opening.closed_weekdays}
        self._dates = set(opening.closed_dates)
        self._region = opening.public_holidays
        self._public: dict[int, set[date]] = {}

    def is_open(self, day: date) -> bool:
        return (
            day.weekday() not in self._weekdays
            and day not in self._dates
            and day not in self._public_holidays(day.year)
        )

    def _public_holidays(self, year: int) -> set[date]:
        if self._region is None:
            return set()
        if year not in self._public:
            import holidays  # loaded only by salons that close on public holidays

            self._public[year] = set(holidays.country_holidays(self._region, years=year))
        return self._public[year]

    def next_open(self, day: date) -> date:
        """The first open day on or after `day` (a salon open no day at all: `day`)."""
        for step in range(366):
            candidate = day + timedelta(days=step)
            if self.is_open(candidate):
                return candidate
        return day

    def place(self, planned: date, earliest: date, latest: date | None, earlier: bool) -> date:
        """Move a call off a closed day to the nearest open day inside its window: earlier
        for a call that must come before its event, later otherwise; the other way if the
        preferred one has no open day; failing both, the next open day after."""
        if self.is_open(planned):
            return planned
        before = [planned - timedelta(days=n) for n in range(1, (planned - earliest).days + 1)]
        horizon = (latest - planned).days if latest else 31
        after = [planned + timedelta(days=n) for n in range(1, horizon + 1)]
        for candidates in ((before, after) if earlier else (after, before)):
            for candidate in candidates:
                if self.is_open(candidate):
                    return candidate
        return self.next_open(planned)


def check_region(region: str) -> str | None:
    """None if the `holidays` package knows the region code, else what is wrong."""
    import holidays

    try:
        holidays.country_holidays(region)
    except NotImplementedError:
        return f"{region!r} is not a region the holidays package knows (e.g. CN, HK, TW, SG)"
    return None
