"""Lunar dates and festivals for real years, and the stated policies."""

from __future__ import annotations

from datetime import date

import pytest

from salonctl.engine import calendar, model


@pytest.mark.parametrize(("year", "spring_festival"), [
    (2026, date(2026, 2, 17)), (2027, date(2027, 2, 6)), (2028, date(2028, 1, 26)),
    (2020, date(2020, 1, 25)), (2033, date(2033, 1, 31)),
])
def test_spring_festival(year: int, spring_festival: date) -> None:
    assert calendar.HOLIDAYS["spring-festival"].on(year) == spring_festival


@pytest.mark.parametrize(("year", "mid_autumn"), [
    (2026, date(2026, 9, 25)), (2027, date(2027, 9, 15)), (2025, date(2025, 10, 6)),
])
def test_mid_autumn(year: int, mid_autumn: date) -> None:
    assert calendar.HOLIDAYS["mid-autumn"].on(year) == mid_autumn


def test_mothers_day_is_the_second_sunday_of_may() -> None:
    assert [calendar.HOLIDAYS["mothers-day"].on(y) for y in (2026, 2027, 2028)] == [
        date(2026, 5, 10), date(2027, 5, 9), date(2028, 5, 14)]


def _lunar(month: int, day: int, leap: bool = False) -> model.Client:
    return model.Client("c", "王丽", "1", lunar_birthday=model.LunarBirthday(month, day, leap))


def test_a_leap_month_birthday_is_kept_in_the_regular_month_other_years() -> None:
    # 2025 has a leap sixth month; 2026 has none.
    born_in_leap = _lunar(6, 10, leap=True)
    assert calendar.birthday_in(born_in_leap, 2025) == date(2025, 8, 3)  # 闰六月初十
    assert calendar.birthday_in(_lunar(6, 10), 2025) == date(2025, 7, 4)  # 六月初十
    assert calendar.birthday_in(born_in_leap, 2026) == calendar.birthday_in(_lunar(6, 10), 2026)
    assert calendar.birthday_in(born_in_leap, 2026) == date(2026, 7, 23)


def test_lunar_day_30_in_a_29_day_month_falls_on_day_29() -> None:
    # The second month has 29 days in 2026 and 30 in 2027.
    assert calendar.birthday_in(_lunar(2, 30), 2026) == calendar.lunar_to_solar(2026, 2, 29)
    assert calendar.birthday_in(_lunar(2, 30), 2027) == calendar.lunar_to_solar(2027, 2, 30)


def test_a_late_lunar_birthday_can_fall_in_january() -> None:
    # 腊月 (12th month) birthdays of lunar year 2026 fall in early 2027.
    assert calendar.birthday_in(_lunar(12, 20), 2027) == date(2027, 1, 27)


def test_a_29_february_birthday_falls_on_28_february_in_common_years() -> None:
    client = model.Client("c", "Anna", "1", birthday=date(1992, 2, 29))
    assert calendar.birthday_in(client, 2027) == date(2027, 2, 28)
    assert calendar.birthday_in(client, 2028) == date(2028, 2, 29)


def test_season_starts_follow_the_solar_terms() -> None:
    assert [d for _, _, d in calendar.season_starts(2026)] == [
        date(2026, 2, 4), date(2026, 5, 5), date(2026, 8, 7), date(2026, 11, 7)]


def test_open_days_and_public_holidays() -> None:
    opening = model.Opening(closed_weekdays=("monday",), closed_dates=(date(2026, 12, 24),),
                            public_holidays="CN")
    days = calendar.OpenDays(opening)
    assert not days.is_open(date(2026, 11, 23))  # a Monday
    assert not days.is_open(date(2026, 12, 24))
    assert not days.is_open(date(2027, 2, 6))  # Spring Festival, a public holiday in CN
    assert days.is_open(date(2026, 11, 24))
    assert days.next_open(date(2026, 11, 23)) == date(2026, 11, 24)
