"""Ages in completed years (周岁), defined once for the calendar, the awards and the cohorts.

A person's age on a day is the number of birthdays reached by that day, **the birthday itself
counting as reached**: on the 32nd birthday a person is 32, so no longer "under 32". A 29 February
birthday is reached on 1 March in common years (only then has a full year passed since 28 Feb).

Age rules are evaluated in SQL, so each age condition is turned into a comparison of the birth date
with one threshold date: ``age_on(b, d) >= n`` exactly when ``b <= latest_birth_date(d, n)``.
"""

from __future__ import annotations

from datetime import date


def age_on(birth: date, on: date) -> int:
    """Completed years on ``on`` (negative before birth is not meaningful and not guarded)."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def latest_birth_date(on: date, years: int) -> date:
    """The latest birth date of someone who has reached ``years`` on ``on``.

    ``age_on(b, on) >= years`` ⇔ ``b <= latest_birth_date(on, years)``.
    """
    if years < 0:
        raise ValueError(f"years must not be negative, got {years}")
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # on is 29 Feb and that year is common: 28 Feb births have reached it
        return date(on.year - years, 2, 28)


def birthday_in(birth: date, year: int) -> date:
    """The Gregorian birthday in ``year`` (29 February → 1 March in common years)."""
    try:
        return birth.replace(year=year)
    except ValueError:
        return date(year, 3, 1)


__all__ = ["age_on", "birthday_in", "latest_birth_date"]
