"""The figures a metric run produces: per unit and metric, its own value and its subtree's."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from ..model.period import Period
from .definition import Metric, Rollup

Number = int | float


def plain_number(value: Any) -> Number | None:
    """A database number as int or float (PostgreSQL sums come back as ``Decimal``)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, int | float):
        return value
    return float(value)


class UnitRef(NamedTuple):
    """A unit in a result: id, code, name, kind, and depth below the unit the run started at.

    A named tuple rather than a dataclass: a whole-tree run makes 5,000 of them, and their cost
    showed in the benchmark.
    """

    id: int
    code: str
    name: str
    kind: str
    depth: int
    parent_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "kind": self.kind, "depth": self.depth}


@dataclass(frozen=True)
class Figure:
    """One metric for one unit: its own value (本级) and its whole subtree's (合计).

    For ratio metrics ``own_parts`` and ``subtree_parts`` keep (numerator, denominator), so an
    explanation can say "3 of 8" and a further roll-up never averages percentages.
    """

    own: Number | None
    subtree: Number | None
    own_parts: tuple[Number, Number] | None = None
    subtree_parts: tuple[Number, Number] | None = None

    def value(self, *, own: bool = False) -> Number | None:
        return self.own if own else self.subtree

    def parts(self, *, own: bool = False) -> tuple[Number, Number] | None:
        return self.own_parts if own else self.subtree_parts


def empty_figure(rule: Rollup) -> Figure:
    """The figure of a unit with no rows at all."""
    if rule in (Rollup.SUM, Rollup.DISTINCT):
        return Figure(0, 0)
    if rule is Rollup.RATIO:
        return Figure(None, None, (0, 0), (0, 0))
    return Figure(None, None)


def make_figure(metric: Metric, row: tuple[Any, ...]) -> Figure:
    """A figure from what the roll-up statement returned for one unit."""
    if metric.rollup is Rollup.RATIO:
        own_num, own_den, num, den = (plain_number(v) or 0 for v in row)
        return Figure(
            ratio_value(own_num, own_den, metric.scale),
            ratio_value(num, den, metric.scale),
            (own_num, own_den),
            (num, den),
        )
    own, total = plain_number(row[0]), plain_number(row[1])
    if own is None and metric.rollup is Rollup.SUM:
        own = 0  # no rows of its own, but its subtree has some
    return Figure(own, total)


def ratio_value(num: Number, den: Number, scale: float) -> float | None:
    """numerator ÷ denominator × scale; None when there is nothing to divide by."""
    if not den:
        return None
    return num / den * scale


@dataclass(frozen=True)
class MetricFailure:
    """A metric that could not be computed, with the plug-in that gave it."""

    metric: str
    plugin: str
    error: str

    def __str__(self) -> str:
        return f"metric {self.metric!r} of plug-in {self.plugin!r} failed: {self.error}"


@dataclass
class MetricTable:
    """The result of one run: units × metrics for one period, plus targets and failures.

    ``units`` are in tree order (depth first, like ``kexie units tree``); ``metrics`` in the order
    asked for; a metric that failed is absent from ``metrics`` and listed in ``failures``.
    ``raw`` holds the rows the database returned per metric (``(unit id, …)``, see
    ``engine.compute_one``); read figures through :meth:`figure` and :meth:`value`.
    """

    period: Period
    units: list[UnitRef]
    metrics: list[Metric]
    raw: dict[str, list[Any]]
    targets: dict[tuple[int, str], float] = field(default_factory=dict)
    failures: list[MetricFailure] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_code = {u.code: u for u in self.units}
        self._by_id = {u.id: u for u in self.units}
        self._metrics = {m.key: m for m in self.metrics}
        self._index: dict[str, dict[int, Any]] = {}

    def _row(self, key: str, unit_id: int) -> Any:
        index = self._index.get(key)
        if index is None:
            index = self._index[key] = {row[0]: row for row in self.raw[key]}
        return index.get(unit_id)

    def unit(self, unit: str | int) -> UnitRef:
        """A unit of this table by code or id."""
        found = self._by_id.get(unit) if isinstance(unit, int) else self._by_code.get(unit)
        if found is None:
            raise KeyError(f"unit {unit!r} is not in this metric table")
        return found

    def metric(self, key: str) -> Metric:
        try:
            return self._metrics[key]
        except KeyError:
            failed = {f.metric: f for f in self.failures}
            if key in failed:
                raise KeyError(str(failed[key])) from None
            raise KeyError(f"metric {key!r} was not computed in this table") from None

    def figure(self, unit: str | int, key: str) -> Figure:
        """The figure of ``key`` for ``unit`` (by code or id)."""
        ref = self.unit(unit)
        metric = self.metric(key)
        row = self._row(key, ref.id)
        return empty_figure(metric.rollup) if row is None else make_figure(metric, row[1:])

    def value(self, unit: str | int, key: str, *, own: bool = False) -> Number | None:
        """The subtree figure (合计) of ``key`` for ``unit``; ``own=True``: the unit's own."""
        return self.figure(unit, key).value(own=own)

    def target(self, unit: str | int, key: str) -> float | None:
        """The target set for the unit, metric and period, else the metric's default target."""
        ref = self.unit(unit)
        found = self.targets.get((ref.id, key))
        return found if found is not None else self.metric(key).default_target

    def __iter__(self) -> Iterator[tuple[UnitRef, Metric, Figure]]:
        for unit in self.units:
            for metric in self.metrics:
                yield unit, metric, self.figure(unit.id, metric.key)

    def rows(self, lang: str = "zh") -> list[dict[str, Any]]:
        """Long form: one row per unit and metric, with target and achievement rate."""
        out = []
        for unit, metric, fig in self:
            target = self.target(unit.id, metric.key)
            rate = achievement_rate(fig.subtree, target)
            out.append(
                {
                    "period": str(self.period),
                    "unit_code": unit.code,
                    "unit_name": unit.name,
                    "unit_kind": unit.kind,
                    "depth": unit.depth,
                    "metric": metric.key,
                    "metric_label": metric.label(lang),
                    "measure": metric.unit(lang),
                    "area": metric.area.value,
                    "rollup": metric.rollup.value,
                    "own": fig.own,
                    "subtree": fig.subtree,
                    "own_parts": list(fig.own_parts) if fig.own_parts else None,
                    "subtree_parts": list(fig.subtree_parts) if fig.subtree_parts else None,
                    "target": target,
                    "achievement": rate,
                    "plugin": metric.plugin,
                }
            )
        return out


def achievement_rate(value: Number | None, target: float | None) -> float | None:
    """value ÷ target (1.0 = met); None without a value or a positive target."""
    if value is None or target is None or target <= 0:
        return None
    return value / target


def format_number(value: Number | None, digits: int = 2) -> str:
    """A figure for people: integers as they are, others with up to ``digits`` decimals."""
    if value is None:
        return "—"
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.{digits}f}".rstrip("0").rstrip(".")


def format_figure(
    metric: Metric,
    value: Number | None,
    parts: tuple[Number, Number] | None = None,
    lang: str = "zh",
    *,
    unit: bool = True,
) -> str:
    """``37.5%（3/8）``, ``1,204 人`` (``1,204`` with ``unit=False``), ``—`` for no value."""
    if value is None:
        text = "—"
    elif metric.percent:
        text = f"{format_number(value, 1)}%"
    elif unit:
        text = f"{format_number(value)} {metric.unit(lang)}".rstrip()
    else:
        text = format_number(value)
    if parts is not None and metric.rollup is Rollup.RATIO:
        num, den = parts
        text += (
            f"（{format_number(num)}/{format_number(den)}）"
            if lang == "zh"
            else (f" ({format_number(num)}/{format_number(den)})")
        )
    return text
