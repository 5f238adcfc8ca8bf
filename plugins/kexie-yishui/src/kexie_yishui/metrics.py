"""Metrics on orchard trainings (果树技术培训指标).

Each compute function returns one select of the units' *own* rows for the period; the metric
engine rolls them up the unit tree in SQL, so nothing here loops over units or work items.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from kexie_core.metrics import COUNT, PEOPLE, Metric, MetricContext, Rollup, metric
from kexie_core.metrics.builtin.work import work_kind_metrics
from kexie_core.store.tables import work_t

from .training import ORCHARD_TRAINING, WORK_KIND


def _trainings(ctx: MetricContext, *columns: Any) -> sa.Select[Any]:
    """``columns`` of the orchard trainings held by units in scope during the period."""
    w = work_t.c
    return sa.select(w.unit_id, *columns).where(
        w.kind == ORCHARD_TRAINING, ctx.in_period(w.started_on), ctx.in_scope(w.unit_id)
    )


def farmers_trained(ctx: MetricContext) -> sa.Select[Any]:
    """One row per training: ``(unit_id, details.trainees)``; the subtree figure is the sum."""
    return _trainings(ctx, work_t.c.details["trainees"].as_integer())


def villages_reached(ctx: MetricContext) -> sa.Select[Any]:
    """One row per training: ``(unit_id, "township/village")``.

    Rolled up as a distinct count, so a village trained by both the county association and a
    township's counts once in the county's figure: a sum would count it twice.
    """
    details = work_t.c.details
    village = details["township"].as_string() + "/" + details["village"].as_string()
    return _trainings(ctx, village)


METRICS: tuple[Metric, ...] = (
    metric(
        "yishui.orchard_trainees",
        "果树技术培训农民",
        "farmers trained in orchard trainings",
        PEOPLE,
        WORK_KIND.area,
        Rollup.SUM,
        farmers_trained,
        "details.trainees of orchard trainings (yishui_orchard_training) started in the period.",
    ),
    metric(
        "yishui.orchard_villages",
        "果树技术培训覆盖村（社区）",
        "villages reached by orchard trainings",
        COUNT,
        WORK_KIND.area,
        Rollup.DISTINCT,
        villages_reached,
        "Different villages (township and village) where orchard trainings were held.",
    ),
    # Every kind can have the two standard metrics (items, participant person-times) too.
    *work_kind_metrics(ORCHARD_TRAINING, WORK_KIND.label_zh, WORK_KIND.label_en, WORK_KIND.area),
)
