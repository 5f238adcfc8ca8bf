"""A hand-made ``ReportData`` for writers' tests and plug-in authors (no database needed).

>>> from kexie_core.documents.sample import sample_report
>>> report = sample_report()
>>> report.unit.name
'沂水县科协'
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from ..model.enums import Area
from ..model.period import Period
from .model import (
    ChildRow,
    ChildTable,
    Column,
    CoverageRow,
    MetricRow,
    ReportData,
    Section,
    TrendPoint,
    TrendSeries,
    UnitInfo,
    WorkItemRow,
)


def sample_report(*, empty: bool = False, lang: str = "zh") -> ReportData:
    """沂水县科协's report for 2026Q3 with made-up figures (``empty``: the same with no data)."""
    period = Period.parse("2026Q3")
    unit = UnitInfo("371323", "沂水县科协", "county", "县区科协")
    members = MetricRow(
        "members",
        "会员人数",
        "人",
        0 if empty else 1280,
        0 if empty else 35,
        1200,
        0.0 if empty else 1280 / 1200,
    )
    work = MetricRow("work_items", "工作事项数", "项", 0 if empty else 46, 0 if empty else 12)
    rate = MetricRow(
        "coverage_rate",
        "组织覆盖率",
        "%",
        0.0 if empty else 0.625,
        None,
        0.8,
        0.0 if empty else 0.625 / 0.8,
        percent=True,
    )
    sections = tuple(
        Section(
            area.value,
            area.label(lang),
            (rate,) if area is Area.COVERAGE else (work,) if area is Area.THEORY else (),
            0 if empty else 3 + i,
        )
        for i, area in enumerate(Area)
    )
    coverage = (
        CoverageRow(
            "university", "高校", 0 if empty else 2, 0 if empty else 2, None if empty else 1.0
        ),
        CoverageRow(
            "industrial_above_size",
            "规模以上工业企业",
            0 if empty else 40,
            0 if empty else 18,
            None if empty else 0.45,
        ),
        CoverageRow("hospital", "医疗卫生机构", 0, 0, None),
    )
    columns = (
        Column("members", "会员人数", "人"),
        Column("coverage_rate", "组织覆盖率", "%", True),
    )
    children = ChildTable(
        columns,
        ()
        if empty
        else (
            ChildRow(
                UnitInfo("371323-YC", "沂城街道科协", "township", "乡镇（街道）科协"), (420, 0.5)
            ),
            ChildRow(
                UnitInfo("E-YS01", "沂水某机械有限公司科协", "enterprise", "企业科协"), (65, None)
            ),
        ),
    )
    items = (
        ()
        if empty
        else (
            WorkItemRow(
                date(2026, 7, 12), "科技工作者学习强国专题学习会", "学习会", "1", "沂水县科协", 80
            ),
            WorkItemRow(
                date(2026, 9, 3),
                "院士专家工作站建站",
                "院士专家工作站",
                "5",
                "沂水某机械有限公司科协",
                12,
            ),
        )
    )
    trend = (
        TrendSeries(
            "members",
            "会员人数",
            "人",
            False,
            tuple(
                TrendPoint(str(p), p.label_zh, 0 if empty else v)
                for p, v in zip(
                    (Period.parse(x) for x in ("2025Q4", "2026Q1", "2026Q2", "2026Q3")),
                    (1100, 1150, 1210, 1280),
                    strict=True,
                )
            ),
        ),
    )
    return ReportData(
        unit=unit,
        period=period,
        period_label=period.label_zh,
        lang=lang,
        title=f"{unit.name}{period.label_zh}工作报告",
        generated_at=datetime(2026, 10, 8, 9, 30, tzinfo=UTC),
        headline=(members, work, rate),
        sections=sections,
        coverage=coverage,
        children=children,
        work_items=items,
        trend=trend,
        narrative=None
        if empty
        else "本季度，沂水县科协围绕科技工作者思想政治引领开展工作。\n"
        "一是组织专题学习；二是推进院士专家工作站建设。",
        generator="kexie-core sample",
    )
