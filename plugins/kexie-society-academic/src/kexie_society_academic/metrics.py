"""Academic-exchange metrics (学术交流指标) for evaluating societies.

The built-in metrics already count the exchanges held (``work_items.kind.academic_exchange``)
and their participants (``participants.kind.academic_exchange``); these add what only the
details tell. All five read one shared source, ``EXCHANGES``: when several are computed together
the engine builds it once per run (a temporary table of one row per unit) and each metric reads
that instead of scanning the work items again.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from kexie_core import Area
from kexie_core.metrics import COUNT, ITEMS, Measure, Metric, MetricContext, Rollup, Source, metric
from kexie_core.store.tables import work_t

from .exchange import ACADEMIC_EXCHANGE, HIGH_LEVELS

PAPERS = Measure("篇", "papers")
PER_EXCHANGE = Measure("人次/场", "per exchange")


def _whole_number(name: str) -> Any:
    """``details.<name>`` as an integer, 0 where an exchange left it out."""
    return sa.func.coalesce(work_t.c.details[name].as_integer(), 0)


def _exchanges(ctx: MetricContext) -> sa.Select[Any]:
    w = work_t.c
    high = sa.case((w.details["level"].as_string().in_(HIGH_LEVELS), 1), else_=0)
    return (
        sa.select(
            w.unit_id,
            sa.func.count().label("n"),
            sa.func.sum(high).label("high_level"),
            sa.func.sum(_whole_number("papers")).label("papers"),
            sa.func.sum(_whole_number("expert_reports")).label("expert_reports"),
            sa.func.sum(w.participants).label("participants"),
        )
        .where(w.kind == ACADEMIC_EXCHANGE, ctx.in_period(w.started_on), ctx.in_scope(w.unit_id))
        .group_by(w.unit_id)
    )


#: Academic exchanges per unit in the period: ``n``, ``high_level`` (provincial and above),
#: ``papers``, ``expert_reports``, ``participants``. The key names the source in every run, so
#: it carries the plug-in's name: another plug-in's source may not take it.
EXCHANGES = Source("society_academic_exchanges", _exchanges)


def _column(name: str) -> Any:
    def compute(ctx: MetricContext) -> sa.Select[Any]:
        src = ctx.source(EXCHANGES)
        return sa.select(src.c.unit_id, src.c[name])

    return compute


def _participants_per_exchange(ctx: MetricContext) -> sa.Select[Any]:
    # A ratio rolls up numerator and denominator separately: a county's figure is all its
    # participants over all its exchanges, never an average of its societies' averages.
    src = ctx.source(EXCHANGES)
    return sa.select(src.c.unit_id, src.c.participants, src.c.n)


def _units_holding(ctx: MetricContext) -> sa.Select[Any]:
    src = ctx.source(EXCHANGES)
    return sa.select(src.c.unit_id, src.c.unit_id.label("item"))


METRICS: tuple[Metric, ...] = (
    metric(
        "academic.exchanges.high_level",
        "省级及以上学术交流",
        "provincial-level and higher academic exchanges",
        ITEMS,
        Area.PRACTICE,
        Rollup.SUM,
        _column("high_level"),
        "Academic exchanges whose details.level is international, national or provincial.",
    ),
    metric(
        "academic.papers",
        "学术交流论文",
        "papers presented at academic exchanges",
        PAPERS,
        Area.PRACTICE,
        Rollup.SUM,
        _column("papers"),
        "details.papers of academic exchanges started in the period.",
    ),
    metric(
        "academic.expert_reports",
        "专家学术报告",
        "expert reports at academic exchanges",
        ITEMS,
        Area.PRACTICE,
        Rollup.SUM,
        _column("expert_reports"),
        "details.expert_reports (keynote and expert talks) of academic exchanges.",
    ),
    metric(
        "academic.participants_per_exchange",
        "场均学术交流参与人次",
        "participants per academic exchange",
        PER_EXCHANGE,
        Area.PRACTICE,
        Rollup.RATIO,
        _participants_per_exchange,
        "Participants of academic exchanges divided by the number of exchanges.",
    ),
    metric(
        "academic.units_holding",
        "开展学术交流的单位",
        "units holding academic exchanges",
        COUNT,
        Area.PRACTICE,
        Rollup.DISTINCT,
        _units_holding,
        "Units (societies, universities…) that held at least one academic exchange.",
    ),
)
