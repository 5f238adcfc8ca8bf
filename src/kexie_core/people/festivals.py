"""Festival dates and lunar birthdays, from libraries only (never a hand-typed table).

* Statutory holidays (Spring Festival 春节, Mid-Autumn 中秋节, National Day 国庆节) come from the
  ``holidays`` package's calendar of China, pinned to its English names so that a translation
  change cannot break the lookup. Mid-Autumn has been a statutory holiday only since 2008; for
  earlier years its date comes from ``lunar-python`` (八月十五), as the Double Ninth always does.
* Double Ninth (重阳节) is 九月初九 of the lunar year, converted with ``lunar-python``.
* National S&T Workers' Day (全国科技工作者日) is 30 May, fixed when it was established (2016).

Lunar birthdays: an expert who keeps a lunar birthday (``member.lunar_birthday``) has the Gregorian
``birth_date`` of the day they were born, like everyone else; that day's lunar month and day are
the birthday kept every lunar year. Two cases need a convention:

* **Born in a leap month (闰月)**: the birthday is kept in the ordinary month of the same number
  (闰四月初八 → 四月初八), which exists every year — the common practice.
* **Born on the 30th (三十) of a month that is short (29 days, 小月) in a given year**: the
  birthday falls on the 29th, the month's last day, that year.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache

import holidays
from lunar_python import Lunar, LunarMonth, Solar

from .ages import birthday_in
from .occasions import Festival

ST_WORKERS_DAY = (5, 30)
# English names in the holidays package's calendar of China (pinned language: en_US).
_STATUTORY_NAMES = {
    Festival.SPRING_FESTIVAL: "Spring Festival",
    Festival.MID_AUTUMN: "Mid-Autumn Festival",
    Festival.NATIONAL_DAY: "National Day",
}


@cache
def _china(year: int) -> holidays.HolidayBase:
    return holidays.China(years=year, language="en_US")


def _first_statutory(festival: Festival, year: int) -> date | None:
    """The first day of a statutory holiday in ``year`` (not an observed or swapped day)."""
    calendar = _china(year)
    wanted = _STATUTORY_NAMES[festival]
    for day in sorted(calendar.get_named(wanted)):
        if any(wanted in name and "observed" not in name for name in calendar.get_list(day)):
            return day
    return None


def lunar_to_solar(year: int, month: int, day: int) -> date:
    """The Gregorian date of a lunar date (month negative for a leap month, as lunar-python)."""
    solar = Lunar.fromYmd(year, month, day).getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


@cache
def festival_date(festival: Festival, year: int) -> date:
    """The date of ``festival`` in Gregorian ``year``."""
    if festival is Festival.ST_WORKERS_DAY:
        return date(year, *ST_WORKERS_DAY)
    if festival is Festival.DOUBLE_NINTH:
        return lunar_to_solar(year, 9, 9)
    found = _first_statutory(festival, year)
    if found is not None:
        return found
    if festival is Festival.MID_AUTUMN:  # not a statutory holiday before 2008
        return lunar_to_solar(year, 8, 15)
    raise ValueError(f"the holidays calendar of China has no {festival.label_en} in {year}")


def festivals_between(
    start: date, end: date, festivals: tuple[Festival, ...] = tuple(Festival)
) -> Iterator[tuple[Festival, date]]:
    """Every festival day in ``start``..``end`` (both included), in date order."""
    found = [
        (festival, day)
        for year in range(start.year, end.year + 1)
        for festival in festivals
        if start <= (day := festival_date(festival, year)) <= end
    ]
    yield from sorted(found, key=lambda pair: pair[1])


@dataclass(frozen=True)
class LunarDate:
    """A lunar birth date: year, month (1–12), day, and whether the month was a leap month."""

    year: int
    month: int
    day: int
    leap: bool = False

    @classmethod
    def of(cls, day: date) -> LunarDate:
        lunar = Solar.fromYmd(day.year, day.month, day.day).getLunar()
        month = lunar.getMonth()
        return cls(lunar.getYear(), abs(month), lunar.getDay(), month < 0)

    def label_zh(self) -> str:
        """``八月十五``, ``闰四月初八``, ``正月三十``."""
        lunar = Lunar.fromYmd(self.year, -self.month if self.leap else self.month, self.day)
        return f"{'闰' if self.leap else ''}{lunar.getMonthInChinese()}月{lunar.getDayInChinese()}"


@dataclass(frozen=True)
class Birthday:
    """One birthday in a calendar window."""

    on: date
    age: int
    lunar: LunarDate | None = None  # the lunar date kept that year, for a lunar birthday
    shifted: bool = False  # a 30th kept on the 29th of a short month


def lunar_birthday(birth: LunarDate, lunar_year: int) -> tuple[date, LunarDate, bool]:
    """The Gregorian date of the lunar birthday in ``lunar_year`` (see the module's conventions).

    Returns the date, the lunar date kept, and whether the day was moved to the month's last day.
    """
    days = LunarMonth.fromYm(lunar_year, birth.month).getDayCount()
    day = min(birth.day, days)
    kept = LunarDate(lunar_year, birth.month, day)
    return lunar_to_solar(lunar_year, birth.month, day), kept, day != birth.day


def birthdays_between(birth: date, lunar: bool, start: date, end: date) -> list[Birthday]:
    """Birthdays (from the first) that fall in ``start``..``end``, with the age reached.

    For a lunar birthday the age is the number of lunar years since the lunar year of birth, so
    that it agrees with the Gregorian age on the day (周岁, not 虚岁).
    """
    found: list[Birthday] = []
    if not lunar:
        for year in range(max(start.year, birth.year + 1), end.year + 1):
            day = birthday_in(birth, year)
            if start <= day <= end:
                found.append(Birthday(day, year - birth.year))
        return found
    born = LunarDate.of(birth)
    # A lunar year starts in January or February, so a window's days lie in the lunar years that
    # start in the window's first Gregorian year minus one up to its last.
    for lunar_year in range(max(start.year - 1, born.year + 1), end.year + 1):
        day, kept, shifted = lunar_birthday(born, lunar_year)
        if start <= day <= end:
            found.append(Birthday(day, lunar_year - born.year, kept, shifted))
    return found


__all__ = [
    "ST_WORKERS_DAY",
    "Birthday",
    "LunarDate",
    "birthdays_between",
    "festival_date",
    "festivals_between",
    "lunar_birthday",
    "lunar_to_solar",
]
