"""Festival dates, lunar birthdays and ages: the date arithmetic under the care calendar."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lunar_python import Solar

from kexie_core.people.ages import age_on, birthday_in, latest_birth_date
from kexie_core.people.festivals import (
    LunarDate,
    birthdays_between,
    festival_date,
    festivals_between,
    lunar_birthday,
    lunar_to_solar,
)
from kexie_core.people.occasions import Festival


def test_spring_festival_2027_falls_on_6_february() -> None:
    assert festival_date(Festival.SPRING_FESTIVAL, 2027) == date(2027, 2, 6)
    assert festival_date(Festival.SPRING_FESTIVAL, 2026) == date(2026, 2, 17)


def test_statutory_festivals_agree_with_the_lunar_calendar() -> None:
    for year in range(2010, 2036):
        assert festival_date(Festival.SPRING_FESTIVAL, year) == lunar_to_solar(year, 1, 1)
        assert festival_date(Festival.MID_AUTUMN, year) == lunar_to_solar(year, 8, 15)
        assert festival_date(Festival.NATIONAL_DAY, year) == date(year, 10, 1)


def test_mid_autumn_before_it_was_a_holiday_comes_from_the_lunar_calendar() -> None:
    # not a statutory holiday before 2008: holidays has no entry, lunar-python gives 八月十五
    assert festival_date(Festival.MID_AUTUMN, 2000) == date(2000, 9, 12)


def test_30_may_and_double_ninth() -> None:
    assert festival_date(Festival.ST_WORKERS_DAY, 2031) == date(2031, 5, 30)
    assert festival_date(Festival.DOUBLE_NINTH, 2026) == date(2026, 10, 18)


def test_30_may_is_in_every_window_that_contains_it() -> None:
    for year in (2026, 2027, 2030):
        days = dict(festivals_between(date(year, 5, 30), date(year, 5, 30)))
        assert days == {Festival.ST_WORKERS_DAY: date(year, 5, 30)}


def test_festivals_between_is_in_date_order_and_inclusive() -> None:
    found = list(festivals_between(date(2026, 9, 25), date(2026, 10, 18)))
    assert [f for f, _ in found] == [
        Festival.MID_AUTUMN,
        Festival.NATIONAL_DAY,
        Festival.DOUBLE_NINTH,
    ]


def test_lunar_birthday_eighth_month_fifteenth_lands_on_25_september_2026() -> None:
    born = date(1950, 9, 26)  # 一九五〇年八月十五
    assert LunarDate.of(born) == LunarDate(1950, 8, 15)
    (birthday,) = birthdays_between(born, True, date(2026, 1, 1), date(2026, 12, 31))
    assert birthday.on == date(2026, 9, 25)
    assert birthday.age == 76
    assert birthday.lunar is not None and birthday.lunar.label_zh() == "八月十五"


def test_a_leap_month_birthday_is_kept_in_the_ordinary_month() -> None:
    born = date(2023, 3, 25)  # 闰二月初四 of 2023
    assert LunarDate.of(born) == LunarDate(2023, 2, 4, leap=True)
    day, kept, shifted = lunar_birthday(LunarDate.of(born), 2026)
    assert kept == LunarDate(2026, 2, 4) and not shifted
    assert day == lunar_to_solar(2026, 2, 4) == date(2026, 3, 22)


def test_a_thirtieth_in_a_short_month_falls_on_the_twenty_ninth() -> None:
    # Find a birth on the 30th of a month and a later year in which that month has 29 days.
    born = date(1960, 1, 1)
    while LunarDate.of(born).day != 30:
        born += timedelta(days=1)
    birth = LunarDate.of(born)
    for year in range(2025, 2040):
        day, kept, shifted = lunar_birthday(birth, year)
        solar = Solar.fromYmd(day.year, day.month, day.day).getLunar()
        assert abs(solar.getMonth()) == birth.month  # never spills into the next month
        if shifted:
            assert kept.day == 29 and solar.getDay() == 29
            break
    else:
        pytest.fail("no short month found for the 30th in 15 years")


def test_gregorian_birthdays_with_ages_and_29_february() -> None:
    found = birthdays_between(date(1956, 2, 29), False, date(2026, 1, 1), date(2028, 12, 31))
    assert [(b.on, b.age) for b in found] == [
        (date(2026, 3, 1), 70),
        (date(2027, 3, 1), 71),
        (date(2028, 2, 29), 72),
    ]


def test_age_on_counts_the_birthday_itself() -> None:
    born = date(1994, 6, 30)
    assert age_on(born, date(2026, 6, 29)) == 31
    assert age_on(born, date(2026, 6, 30)) == 32
    assert age_on(date(2000, 2, 29), date(2001, 2, 28)) == 0
    assert age_on(date(2000, 2, 29), date(2001, 3, 1)) == 1


dates = st.dates(min_value=date(1901, 1, 1), max_value=date(2099, 12, 31))


@settings(max_examples=300, deadline=None)
@given(birth=dates, on=dates, years=st.integers(min_value=0, max_value=100))
def test_age_threshold_agrees_with_age_on(birth: date, on: date, years: int) -> None:
    """The SQL form of an age rule (birth date vs one threshold) equals the arithmetic."""
    if on.year - years < 1:
        return
    assert (age_on(birth, on) >= years) == (birth <= latest_birth_date(on, years))


@settings(max_examples=200, deadline=None)
@given(birth=dates, year=st.integers(min_value=1902, max_value=2099))
def test_a_person_has_reached_the_age_on_the_birthday(birth: date, year: int) -> None:
    if year <= birth.year:
        return
    day = birthday_in(birth, year)
    assert age_on(birth, day) == year - birth.year
    assert age_on(birth, day - timedelta(days=1)) == year - birth.year - 1


@settings(max_examples=30, deadline=None)
@given(birth=st.dates(min_value=date(1930, 1, 1), max_value=date(2000, 12, 31)))
def test_lunar_birthdays_keep_the_lunar_month_and_day(birth: date) -> None:
    lunar = LunarDate.of(birth)
    for b in birthdays_between(birth, True, date(2026, 1, 1), date(2027, 12, 31)):
        assert b.lunar is not None
        kept = Solar.fromYmd(b.on.year, b.on.month, b.on.day).getLunar()
        assert (abs(kept.getMonth()), kept.getDay()) == (lunar.month, b.lunar.day)
        assert kept.getMonth() > 0  # always the ordinary month, never a leap one
        assert b.lunar.day == lunar.day or (lunar.day == 30 and b.lunar.day == 29)
