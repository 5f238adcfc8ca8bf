"""Built-in metrics on organisation (R3 扩大组织覆盖) and standing platforms (阵地).

Coverage rate (组织覆盖率) of a host category in a territory: hosts of that category located in the
territory's subtree whose association is active at the period's end ÷ all such hosts. It is a
ratio: a city's rate is Σ covered ÷ Σ hosts over its counties, never the mean of their rates.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from ...model.enums import Area, HostCategory, PlatformKind, UnitKind
from ...store.tables import unit_t
from ..definition import COUNT, PERCENT, Metric, MetricContext, Rollup, metric
from ..sources import HOSTS, PLATFORMS, association_active

Compute = Callable[[MetricContext], "sa.Select[Any]"]

#: Coverage targets the 2019 opinion sets outright: every university has an association.
COVERAGE_TARGETS: dict[HostCategory, float] = {HostCategory.UNIVERSITY: 100.0}


def coverage(category: HostCategory | None = None, *, science_only: bool = False) -> Compute:
    """A compute function for the coverage rate of one host category (None: all categories)."""

    def compute(ctx: MetricContext) -> sa.Select[Any]:
        src = ctx.source(HOSTS)
        query = sa.select(src.c.unit_id, src.c.covered, src.c.hosts)
        if category is not None:
            query = query.where(src.c.category == category.value)
        if science_only:
            query = query.where(src.c.science_type.is_(sa.true()))
        return query

    return compute


def _coverage_metrics() -> list[Metric]:
    out = [
        metric(
            "coverage.all",
            "依托单位组织覆盖率（全部类别）",
            "organisation coverage, all host categories",
            PERCENT,
            Area.COVERAGE,
            Rollup.RATIO,
            coverage(None),
            "Hosts of any category in the territory with an active association ÷ all hosts.",
        )
    ]
    for category in HostCategory:
        out.append(
            metric(
                f"coverage.{category.value}",
                f"{category.label_zh}组织覆盖率",
                f"organisation coverage: {category.label_en}",
                PERCENT,
                Area.COVERAGE,
                Rollup.RATIO,
                coverage(category),
                f"Hosts of category {category.value} in the territory with an active "
                "association ÷ all such hosts.",
                default_target=COVERAGE_TARGETS.get(category),
            )
        )
        if category is HostCategory.INDUSTRIAL_ABOVE_SIZE:
            out.append(
                metric(
                    "coverage.industrial_above_size.science",
                    "科技型规模以上工业企业组织覆盖率",
                    "organisation coverage: science-type industrial enterprises above size",
                    PERCENT,
                    Area.COVERAGE,
                    Rollup.RATIO,
                    coverage(category, science_only=True),
                    "Science-type industrial enterprises above designated size with an active "
                    "association ÷ all of them.",
                )
            )
    return out


_PLATFORM_AREAS: dict[PlatformKind, Area] = {
    PlatformKind.HOME_OF_WORKERS: Area.SERVICE,
    PlatformKind.EXPERT_WORKSTATION: Area.PRACTICE,
    PlatformKind.MEDIA_ACCOUNT: Area.PUBLICITY,
    PlatformKind.EDUCATION_BASE: Area.EDUCATION,
    PlatformKind.COOPERATION_PLATFORM: Area.PRACTICE,
    PlatformKind.SCIENCE_TERMINAL: Area.PUBLICITY,
    PlatformKind.WEBSITE: Area.PUBLICITY,
    PlatformKind.BULLETIN_BOARD: Area.PUBLICITY,
    PlatformKind.OTHER: Area.SERVICE,
}


def _platforms(kind: PlatformKind | None, column: str) -> Compute:
    def compute(ctx: MetricContext) -> sa.Select[Any]:
        src = ctx.source(PLATFORMS)
        query = sa.select(src.c.unit_id, src.c[column])
        return query if kind is None else query.where(src.c.kind == kind.value)

    return compute


def _platform_metrics() -> list[Metric]:
    out = [
        metric(
            f"platforms.{kind.value}",
            f"{kind.label_zh}（期末）",
            f"{kind.label_en} (at period end)",
            COUNT,
            _PLATFORM_AREAS[kind],
            Rollup.SUM,
            _platforms(kind, "active"),
            f"Platforms of kind {kind.value} established by the period's end and not closed.",
        )
        for kind in PlatformKind
    ]
    out.append(
        metric(
            "platforms.new",
            "新建阵地平台",
            "platforms established",
            COUNT,
            Area.SERVICE,
            Rollup.SUM,
            _platforms(None, "new"),
            "Platforms of any kind established in the period.",
        )
    )
    return out


#: Kinds of association whose number R3 asks to grow.
ASSOCIATION_KINDS: tuple[UnitKind, ...] = (
    UnitKind.ENTERPRISE,
    UnitKind.PARK,
    UnitKind.UNIVERSITY,
    UnitKind.INSTITUTION,
    UnitKind.SOCIETY,
    UnitKind.TOWNSHIP,
    UnitKind.RURAL_TECH,
)


def _associations(kind: UnitKind) -> Compute:
    def compute(ctx: MetricContext) -> sa.Select[Any]:
        return sa.select(unit_t.c.id, sa.literal(1)).where(
            unit_t.c.kind == kind.value, association_active(ctx), ctx.in_scope(unit_t.c.id)
        )

    return compute


def organisation_metrics() -> list[Metric]:
    associations = [
        metric(
            f"associations.{kind.value}",
            f"{kind.label_zh}数量",
            f"{kind.label_en}s",
            COUNT,
            Area.COVERAGE,
            Rollup.SUM,
            _associations(kind),
            f"Active units of kind {kind.value} founded by the period's end (a unit counts "
            "itself).",
        )
        for kind in ASSOCIATION_KINDS
    ]
    return [*_coverage_metrics(), *_platform_metrics(), *associations]
