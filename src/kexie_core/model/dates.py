"""Dates in the forms people type into ledgers."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any, cast

_EPOCH_1900 = datetime(1899, 12, 30)
_EPOCH_1904 = datetime(1904, 1, 1)
_MS_PER_DAY = 86_400_000
_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def parse_date(value: Any) -> date:
    """Parse ``2026-07-01``, ``2026/7/1``, ``2026.7.1``, ``2026年7月1日``, ``20260701``,
    an Excel serial number (``46204``), or a ``date``/``datetime``.

    Raises ``ValueError`` naming the accepted forms; ``2026-02-30`` is rejected as not a real date.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        serial = float(value)
        if 1 <= serial < 2958466 and serial.is_integer():
            return cast(datetime, from_serial(serial)).date()  # a whole serial is a datetime
        raise ValueError(f"{value!r} is not a date")
    text = str(value).strip()
    if text.endswith(("00:00:00", "T00:00:00")):
        text = text.split()[0].split("T")[0]
    if re.fullmatch(r"\d{5}(\.0)?", text):
        return parse_date(float(text))
    for pattern in _PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                return date(year, month, day)
            except ValueError:
                raise ValueError(f"{year:04d}-{month:02d}-{day:02d} is not a real date") from None
    raise ValueError(
        f"{text!r} is not a date; use 2026-07-01, 2026/7/1, 2026年7月1日 or an Excel date"
    )


def from_serial(
    value: float, *, date1904: bool = False, elapsed: bool = False
) -> datetime | time | timedelta | float:
    """An Excel serial as a ``datetime`` (``time`` below one day, ``timedelta`` if ``elapsed``).

    Rounded to the millisecond, as Excel shows it. In the 1900 system Excel counts a
    1900-02-29 that never was: serials below 60 are one day later than a plain count from
    1899-12-30. A serial outside the calendar is returned unchanged.
    """
    try:
        if elapsed:
            return timedelta(milliseconds=round(value * _MS_PER_DAY))
        days, fraction = divmod(value, 1)
        clock = timedelta(milliseconds=round(fraction * _MS_PER_DAY))
        if 0 <= value < 1 and clock.days == 0:
            return (datetime.min + clock).time()
        if not date1904 and 0 < value < 60:
            days += 1
        return (_EPOCH_1904 if date1904 else _EPOCH_1900) + timedelta(days=days) + clock
    except (OverflowError, ValueError):
        return value
