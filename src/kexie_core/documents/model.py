"""The report payload (报告数据): everything a unit-period report shows, ready to write.

A ``ReportData`` is built once by ``documents.assemble`` and then handed to every writer (docx,
xlsx, html, md, json, or a plug-in's own exporter). Writers only lay it out: they never query the
database, so every format shows the same figures, and a plug-in author can build one by hand in a
test. Labels are already in the report's language; keys stay English.

Rates (覆盖率, 完成率) are fractions (0.25 means 25 %) with ``percent=True``; writers format them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from ..model.period import Period

Number = int | float


@dataclass(frozen=True)
class UnitInfo:
    """A unit as a report names it (no contact person or phone: reports never need them)."""

    code: str
    name: str
    kind: str
    kind_label: str


@dataclass(frozen=True)
class MetricRow:
    """One metric of one unit for the period.

    ``value`` is the whole subtree's figure (合计, rolled up by the metric's rule); ``own`` the
    unit's own (本级); ``achievement`` is value ÷ target (完成率), None without a target.
    """

    key: str
    label: str
    measure: str
    value: Number | None
    own: Number | None = None
    target: Number | None = None
    achievement: float | None = None
    percent: bool = False


@dataclass(frozen=True)
class Section:
    """One area of work (clauses 1–8) or requirement (R1–R3) with its metrics."""

    area: str
    title: str
    metrics: tuple[MetricRow, ...] = ()
    work_items: int = 0


@dataclass(frozen=True)
class CoverageRow:
    """R3 coverage for one host category: hosts with an active association ÷ all hosts."""

    category: str
    label: str
    hosts: int
    covered: int
    rate: float | None


@dataclass(frozen=True)
class Column:
    """A column of the children's comparison table: a metric's key, label and measure."""

    key: str
    label: str
    measure: str = ""
    percent: bool = False


@dataclass(frozen=True)
class ChildRow:
    """One child unit (a county, a society…) with its figures, aligned with the table's columns."""

    unit: UnitInfo
    values: tuple[Number | None, ...]


@dataclass(frozen=True)
class ChildTable:
    """Each child unit in one row (下级单位对比)."""

    columns: tuple[Column, ...] = ()
    rows: tuple[ChildRow, ...] = ()

    def column_values(self, key: str) -> list[Number | None]:
        index = [c.key for c in self.columns].index(key)
        return [row.values[index] for row in self.rows]


@dataclass(frozen=True)
class WorkItemRow:
    """A notable work item (重点工作) of the period."""

    started_on: date
    title: str
    kind_label: str
    area: str
    unit_name: str
    participants: int


@dataclass(frozen=True)
class TrendPoint:
    period: str
    label: str
    value: Number | None


@dataclass(frozen=True)
class TrendSeries:
    """One metric over the report's period and the ones before it (趋势)."""

    key: str
    label: str
    measure: str
    percent: bool
    points: tuple[TrendPoint, ...]


@dataclass(frozen=True)
class ReportData:
    """A unit's report for one period (单位期间工作报告), in one language (``lang``)."""

    unit: UnitInfo
    period: Period
    period_label: str
    lang: str
    title: str
    generated_at: datetime
    headline: tuple[MetricRow, ...] = ()
    sections: tuple[Section, ...] = ()
    coverage: tuple[CoverageRow, ...] = ()
    children: ChildTable = field(default_factory=ChildTable)
    work_items: tuple[WorkItemRow, ...] = ()
    trend: tuple[TrendSeries, ...] = ()
    narrative: str | None = None
    narrative_status: str | None = None
    generator: str = ""

    def section(self, area: str) -> Section:
        return next(s for s in self.sections if s.area == area)

    def metric(self, key: str) -> MetricRow:
        """The row of metric ``key`` (headline first, then every section)."""
        for row in self.all_metrics():
            if row.key == key:
                return row
        raise KeyError(f"metric {key!r} is not in this report")

    def all_metrics(self) -> Sequence[MetricRow]:
        return [*self.headline, *(m for s in self.sections for m in s.metrics)]
