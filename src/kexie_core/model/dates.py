"""Dates in the forms people type into ledgers."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

_EXCEL_EPOCH = date(1899, 12, 30)
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
            return _EXCEL_EPOCH + timedelta(days=int(serial))
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
