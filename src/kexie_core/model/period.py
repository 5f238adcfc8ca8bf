"""Reporting periods (统计/报告期) as an immutable value type.

A :class:`Period` is a calendar year (年度), half-year (半年), quarter (季度) or month (月).
Canonical text forms are ``2026``, ``2026H1``, ``2026Q3`` and ``2026-07``; the Chinese
labels are ``2026年``, ``2026年上半年``, ``2026年第三季度`` and ``2026年7月``.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from pydantic_core import core_schema

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler

__all__ = ["PERIOD_KINDS", "Period", "PeriodKind"]

PeriodKind = Literal["year", "half", "quarter", "month"]
PERIOD_KINDS: tuple[PeriodKind, ...] = ("year", "half", "quarter", "month")

# Number of months in one period of each kind.
_MONTHS: dict[str, int] = {"year": 12, "half": 6, "quarter": 3, "month": 1}
_ZH_DIGITS = "一二三四"
_ZH_VALUE = {c: i + 1 for i, c in enumerate(_ZH_DIGITS)}

_ACCEPTED = (
    "2026, 2026H1, 2026Q3, 2026-07, 2026-7, 2026年, 2026年上半年, 2026年下半年, "
    "2026年第三季度, 2026年第3季度, 2026年7月"
)

_RE_YEAR = re.compile(r"([0-9]{4})(?:年度?)?")
_RE_HALF = re.compile(r"([0-9]{4})[Hh]([12])")
_RE_HALF_ZH = re.compile(r"([0-9]{4})年([上下])半年")
_RE_QUARTER = re.compile(r"([0-9]{4})[Qq]([1-4])")
_RE_QUARTER_ZH = re.compile(r"([0-9]{4})年第([1-4一二三四])季度")
_RE_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})")
_RE_MONTH_ZH = re.compile(r"([0-9]{4})年([0-9]{1,2})月")


@dataclass(frozen=True)
class Period:
    """A reporting period: ``kind`` plus ``year`` and ``index`` within the year.

    ``index`` is 1 for a year, 1-2 for halves, 1-4 for quarters and 1-12 for months.

    Periods sort chronologically by start date; periods starting on the same day sort
    shorter first (``2026-01 < 2026Q1 < 2026H1 < 2026``), i.e. by ``(start, end)``.
    """

    kind: PeriodKind
    year: int
    index: int = 1

    def __post_init__(self) -> None:
        if self.kind not in _MONTHS:
            raise ValueError(f"kind must be one of {', '.join(PERIOD_KINDS)}, got {self.kind!r}")
        if isinstance(self.year, bool) or not isinstance(self.year, int):
            raise TypeError(f"year must be an int, got {type(self.year).__name__}")
        if isinstance(self.index, bool) or not isinstance(self.index, int):
            raise TypeError(f"index must be an int, got {type(self.index).__name__}")
        if not 1 <= self.year <= 9999:
            raise ValueError(f"year must be 1-9999, got {self.year}")
        count = 12 // _MONTHS[self.kind]
        if not 1 <= self.index <= count:
            raise ValueError(f"index for a {self.kind} must be 1-{count}, got {self.index}")

    # ------------------------------------------------------------------ constructors

    @classmethod
    def year_of(cls, year: int) -> Period:
        """The calendar year ``year`` as a period."""
        return cls("year", year, 1)

    @classmethod
    def containing(cls, d: date, kind: PeriodKind) -> Period:
        """The period of the given kind that contains the date ``d``."""
        if kind not in _MONTHS:
            raise ValueError(f"kind must be one of {', '.join(PERIOD_KINDS)}, got {kind!r}")
        return cls(kind, d.year, (d.month - 1) // _MONTHS[kind] + 1)

    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse a period from its canonical or Chinese form.

        Accepted: ``2026``, ``2026H1``, ``2026Q3``, ``2026-07``, ``2026-7``, ``2026年``,
        ``2026年上半年`` / ``2026年下半年``, ``2026年第三季度`` / ``2026年第3季度`` and
        ``2026年7月``. Surrounding whitespace and full-width digits are tolerated.
        """
        if not isinstance(text, str):
            raise TypeError(f"period text must be a str, got {type(text).__name__}")
        s = unicodedata.normalize("NFKC", text).strip()
        try:
            period = cls._parse(s)
        except ValueError:
            period = None
        if period is None:
            raise ValueError(f"not a reporting period: {text!r}; accepted forms: {_ACCEPTED}")
        return period

    @classmethod
    def _parse(cls, s: str) -> Period | None:
        if m := _RE_YEAR.fullmatch(s):
            return cls("year", int(m.group(1)), 1)
        if m := _RE_HALF.fullmatch(s):
            return cls("half", int(m.group(1)), int(m.group(2)))
        if m := _RE_HALF_ZH.fullmatch(s):
            return cls("half", int(m.group(1)), 1 if m.group(2) == "上" else 2)
        if m := _RE_QUARTER.fullmatch(s):
            return cls("quarter", int(m.group(1)), int(m.group(2)))
        if m := _RE_QUARTER_ZH.fullmatch(s):
            q = m.group(2)
            return cls("quarter", int(m.group(1)), _ZH_VALUE.get(q) or int(q))
        if m := _RE_MONTH.fullmatch(s) or _RE_MONTH_ZH.fullmatch(s):
            return cls("month", int(m.group(1)), int(m.group(2)))
        return None

    @classmethod
    def ensure(cls, value: Period | str) -> Period:
        """Return ``value`` if it is a period, otherwise parse it."""
        if isinstance(value, Period):
            return value
        return cls.parse(value)

    # ------------------------------------------------------------------- text forms

    def __str__(self) -> str:
        if self.kind == "year":
            return f"{self.year:04d}"
        if self.kind == "half":
            return f"{self.year:04d}H{self.index}"
        if self.kind == "quarter":
            return f"{self.year:04d}Q{self.index}"
        return f"{self.year:04d}-{self.index:02d}"

    @property
    def label_zh(self) -> str:
        """Chinese label: ``2026年``, ``2026年上半年``, ``2026年第三季度``, ``2026年7月``."""
        year = f"{self.year:04d}"  # four digits, like str(); "26年" would be ambiguous
        if self.kind == "year":
            return f"{year}年"
        if self.kind == "half":
            return f"{year}年{'上' if self.index == 1 else '下'}半年"
        if self.kind == "quarter":
            return f"{year}年第{_ZH_DIGITS[self.index - 1]}季度"
        return f"{year}年{self.index}月"

    # ---------------------------------------------------------------------- ranges

    @property
    def first_month(self) -> int:
        """Number (1-12) of the first month in the period."""
        return (self.index - 1) * _MONTHS[self.kind] + 1

    @property
    def last_month(self) -> int:
        """Number (1-12) of the last month in the period."""
        return self.index * _MONTHS[self.kind]

    @property
    def start(self) -> date:
        """First day of the period."""
        return date(self.year, self.first_month, 1)

    @property
    def end(self) -> date:
        """Last day of the period (inclusive)."""
        month = self.last_month
        return date(self.year, month, calendar.monthrange(self.year, month)[1])

    @property
    def days(self) -> int:
        """Number of days in the period."""
        return (self.end - self.start).days + 1

    def contains(self, d: date) -> bool:
        """Whether the date ``d`` falls within the period (both ends included)."""
        return self.start <= d <= self.end

    # ------------------------------------------------------------------- navigation

    def children(self) -> tuple[Period, ...]:
        """Next level down: year and half → quarters, quarter → months, month → ()."""
        if self.kind == "month":
            return ()
        child: PeriodKind = "month" if self.kind == "quarter" else "quarter"
        size = _MONTHS[child]
        first = (self.first_month - 1) // size + 1
        last = self.last_month // size
        return tuple(Period(child, self.year, i) for i in range(first, last + 1))

    def months(self) -> tuple[Period, ...]:
        """All months inside the period, in order."""
        return tuple(
            Period("month", self.year, m) for m in range(self.first_month, self.last_month + 1)
        )

    @property
    def parent_year(self) -> Period:
        """The calendar year containing the period."""
        return Period("year", self.year, 1)

    def next(self) -> Period:
        """The following period of the same kind."""
        count = 12 // _MONTHS[self.kind]
        if self.index < count:
            return Period(self.kind, self.year, self.index + 1)
        return Period(self.kind, self.year + 1, 1)

    def previous(self) -> Period:
        """The preceding period of the same kind."""
        if self.index > 1:
            return Period(self.kind, self.year, self.index - 1)
        return Period(self.kind, self.year - 1, 12 // _MONTHS[self.kind])

    # --------------------------------------------------------------------- ordering

    def _key(self) -> tuple[int, int, int]:
        # (start, end) without building dates: same year, so months suffice.
        return (self.year, self.first_month, self.last_month)

    def __lt__(self, other: Period) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._key() < other._key()

    def __le__(self, other: Period) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._key() <= other._key()

    def __gt__(self, other: Period) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._key() > other._key()

    def __ge__(self, other: Period) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._key() >= other._key()

    # --------------------------------------------------------------------- pydantic

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        """Validate from ``str`` (or a ``Period``); serialise to the canonical string in JSON."""
        from_str = core_schema.no_info_after_validator_function(cls.parse, core_schema.str_schema())
        return core_schema.json_or_python_schema(
            json_schema=from_str,
            python_schema=core_schema.union_schema([core_schema.is_instance_schema(cls), from_str]),
            # str() in JSON mode; Python mode keeps the Period object (a plain function
            # serializer would let pydantic turn the dataclass into a dict there).
            serialization=core_schema.to_string_ser_schema(when_used="json"),
        )
