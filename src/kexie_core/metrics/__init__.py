"""Metrics, targets and performance evaluation (指标、目标与绩效评估).

>>> from kexie_core.metrics import compute_metrics
>>> table = compute_metrics(ws.as_unit("371323"), "2026", depth=1)
>>> table.value("371323", "members.count")          # the county's whole subtree (合计)
>>> table.value("371323", "members.count", own=True) # the county association itself (本级)

A metric is defined once (:class:`Metric`: key, labels, unit of measure, area, roll-up rule and a
set-based compute function), registered through ``kexie_register_metrics``, and computed for a
set of units and one period in one SQL statement per metric. Targets give an achievement rate;
a rubric (TOML file or plug-in) turns metrics into scores and a ranking.
"""

from __future__ import annotations

from .definition import (
    COUNT,
    HOURS,
    ITEMS,
    PEOPLE,
    PERCENT,
    PERSON_TIMES,
    TEN_THOUSAND_YUAN,
    Measure,
    Metric,
    MetricContext,
    Rollup,
    metric,
)
from .engine import MetricError, MetricShapeError, compute_metrics, select_metrics
from .results import Figure, MetricFailure, MetricTable, UnitRef
from .rubric import Rubric, load_rubric, packaged_rubric, parse_rubric
from .scoring import Evaluation, ItemScore, UnitScore, evaluate, score
from .sources import AREAS, HOSTS, MEMBERS, PLATFORMS, PUBLICITY, VISITS, WORK, Source
from .targets import Achievement, achievements, gaps

__all__ = [
    "AREAS",
    "COUNT",
    "HOSTS",
    "HOURS",
    "ITEMS",
    "MEMBERS",
    "PEOPLE",
    "PERCENT",
    "PERSON_TIMES",
    "PLATFORMS",
    "PUBLICITY",
    "TEN_THOUSAND_YUAN",
    "VISITS",
    "WORK",
    "Achievement",
    "Evaluation",
    "Figure",
    "ItemScore",
    "Measure",
    "Metric",
    "MetricContext",
    "MetricError",
    "MetricFailure",
    "MetricShapeError",
    "MetricTable",
    "Rollup",
    "Rubric",
    "Source",
    "UnitRef",
    "UnitScore",
    "achievements",
    "compute_metrics",
    "evaluate",
    "gaps",
    "load_rubric",
    "metric",
    "packaged_rubric",
    "parse_rubric",
    "score",
    "select_metrics",
]
