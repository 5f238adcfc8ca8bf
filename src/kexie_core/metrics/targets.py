"""Targets and achievement (目标与完成情况).

A target is set per unit, metric and period (``ActorSession.set_target``, or imported with the
ledger); a metric may also carry a default target (every university has an association: 100%).
A target applies to the unit's whole subtree figure (合计): a county's target is the county's.
Achievement rate = value ÷ target; a gap is what is still missing, and gaps list worst first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .definition import Metric
from .results import MetricTable, Number, UnitRef, achievement_rate, format_figure


@dataclass(frozen=True)
class Achievement:
    """One unit's progress on one metric against its target."""

    unit: UnitRef
    metric: Metric
    value: Number | None
    target: float
    rate: float | None
    gap: float

    @property
    def met(self) -> bool:
        return self.rate is not None and self.rate >= 1.0

    def as_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "unit_code": self.unit.code,
            "unit_name": self.unit.name,
            "metric": self.metric.key,
            "metric_label": self.metric.label(lang),
            "measure": self.metric.unit(lang),
            "value": self.value,
            "value_text": format_figure(self.metric, self.value, lang=lang),
            "target": self.target,
            "target_text": format_figure(self.metric, self.target, lang=lang),
            "achievement": self.rate,
            "achievement_text": "—" if self.rate is None else f"{self.rate * 100:.1f}%",
            "gap": self.gap,
        }


def achievements(table: MetricTable) -> list[Achievement]:
    """Every unit and metric of ``table`` that has a target (set, or the metric's default)."""
    out = []
    for unit, metric, figure in table:
        target = table.target(unit.id, metric.key)
        if target is None:
            continue
        value = figure.subtree
        out.append(
            Achievement(
                unit=unit,
                metric=metric,
                value=value,
                target=target,
                rate=achievement_rate(value, target),
                gap=max(target - (value or 0), 0.0),
            )
        )
    return out


def gaps(table: MetricTable, *, include_met: bool = False) -> list[Achievement]:
    """Targets not yet met, worst first: lowest achievement rate, then the largest gap.

    A unit without a value (a coverage rate where there is no host to cover) has no gap.
    """
    found = [a for a in achievements(table) if a.value is not None and (include_met or not a.met)]
    return sorted(found, key=lambda a: (a.rate or 0.0, -a.gap, a.unit.code, a.metric.key))
