"""Performance evaluation (绩效评估): apply a rubric to metrics, score and rank units.

Every point is explained: which metric value (and its target), which rule, how many points.
Scoring is a pure function of a ``MetricTable`` and a ``Rubric`` (:func:`score`); :func:`evaluate`
computes the metrics the rubric needs for the units it ranks, in the actor's scope.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..model.period import Period
from .definition import Metric
from .engine import compute_metrics
from .results import MetricFailure, MetricTable, Number, UnitRef, format_figure, format_number
from .rubric import Bonus, Rank, RatioToTarget, Rubric, Thresholds, Veto, load_rubric

if TYPE_CHECKING:
    from ..plugin.host import PluginHost
    from ..workspace import ActorSession

DEFAULT_RUBRIC = "county"
Status = Literal["scored", "missing", "no_target", "failed"]


@dataclass(frozen=True)
class ItemScore:
    """The points one unit got on one rubric item, and why."""

    item: Any  # one of the rubric's item models
    metric: Metric | None
    value: Number | None
    parts: tuple[Number, Number] | None
    points: float
    status: Status = "scored"
    target: float | None = None
    rank: int | None = None
    of: int | None = None
    band: float | None = None
    vetoed: bool = False
    error: str = ""

    def value_text(self, lang: str = "zh") -> str:
        if self.metric is None:
            return "—"
        return format_figure(self.metric, self.value, self.parts, lang)

    def explain(self, lang: str = "zh") -> str:
        """One sentence: value, rule, points."""
        return _explain(self, lang)

    def as_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "item": self.item.key,
            "item_label": self.item.label(lang),
            "rule": self.item.rule,
            "metric": self.item.metric,
            "value": self.value,
            "value_text": self.value_text(lang),
            "target": self.target,
            "points": round(self.points, 4),
            "status": self.status,
            "vetoed": self.vetoed,
            "explanation": self.explain(lang),
        }


@dataclass
class UnitScore:
    """A unit's result: weighted points, bonus, veto, total and rank."""

    unit: UnitRef
    items: list[ItemScore]
    weighted: float
    bonus: float
    vetoed_by: list[str]
    total: float
    rank: int = 0

    def as_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "rank": self.rank,
            "unit_code": self.unit.code,
            "unit_name": self.unit.name,
            "unit_kind": self.unit.kind,
            "weighted": round(self.weighted, 4),
            "bonus": round(self.bonus, 4),
            "vetoed": bool(self.vetoed_by),
            "vetoed_by": list(self.vetoed_by),
            "total": round(self.total, 4),
            "items": [i.as_dict(lang) for i in self.items],
        }


@dataclass
class Evaluation:
    """Scores of the units of one kind (or kinds) for one period under one rubric, ranked."""

    rubric: Rubric
    period: Period
    scores: list[UnitScore]
    table: MetricTable
    failures: list[MetricFailure] = field(default_factory=list)

    def score_of(self, unit: str) -> UnitScore:
        for s in self.scores:
            if s.unit.code == unit:
                return s
        raise KeyError(f"unit {unit!r} was not evaluated")


def _points(value: float) -> str:
    return f"{value:.2f}"


def _explain(s: ItemScore, lang: str) -> str:
    zh = lang == "zh"
    item = s.item
    value = s.value_text(lang)
    if s.status == "failed":
        return f"指标计算失败（{s.error}），计 0 分" if zh else f"metric failed ({s.error}): 0"
    if s.status == "missing":
        full = item.if_missing == "full"
        pts = _points(s.points)
        if isinstance(item, Veto):
            return (
                "无数据，不触发否决"
                if zh and full
                else (
                    "无数据，按 0 计" if zh else ("no value: no veto" if full else "no value: as 0")
                )
            )
        if zh:
            return f"无数据，按规则{'计满分' if full else '计 0 分'}：{pts} 分"
        return f"no value: {'full points' if full else 'no points'} by rule: {pts}"
    if s.status == "no_target":
        return "未设目标，计 0 分" if zh else "no target set: 0 points"
    if isinstance(item, RatioToTarget):
        assert s.target is not None and s.metric is not None
        rate = (s.value or 0) / s.target
        target = format_figure(s.metric, s.target, lang=lang)
        capped = min(rate, item.cap)
        if zh:
            return (
                f"{value} ÷ 目标 {target} = {rate * 100:.1f}%"
                f"（封顶 {item.cap * 100:.0f}%）× 权重 {format_number(item.weight)} "
                f"= {_points(s.points)} 分"
            )
        return (
            f"{value} ÷ target {target} = {rate * 100:.1f}% (capped at {item.cap * 100:.0f}%: "
            f"{capped * 100:.1f}%) × weight {format_number(item.weight)} = {_points(s.points)}"
        )
    if isinstance(item, Thresholds):
        if s.band is None:
            lowest = format_number(min(b.at_least for b in item.bands))
            return (
                f"{value}，未达最低档（≥{lowest}）：0 分"
                if zh
                else f"{value}: below the lowest band (≥{lowest}): 0"
            )
        band = format_number(s.band)
        return (
            f"{value}，达到“≥{band}”档：{_points(s.points)} 分"
            if zh
            else f"{value}: reaches the band ≥{band}: {_points(s.points)}"
        )
    if isinstance(item, Rank):
        if item.at_least is not None and (s.value or 0) < item.at_least:
            level = format_number(item.at_least)
            return (
                f"{value}，低于 {level}，不参与排名计分：0 分"
                if zh
                else f"{value}: below {level}, no rank points: 0"
            )
        how = (
            ("按名次给分" if item.points else "按名次线性给分")
            if zh
            else ("points by rank" if item.points else "linear by rank")
        )
        return (
            f"{value}，{s.of} 个单位中第 {s.rank} 名（{how}）：{_points(s.points)} 分"
            if zh
            else f"{value}: rank {s.rank} of {s.of} ({how}): {_points(s.points)}"
        )
    if isinstance(item, Bonus):
        limit = format_number(item.max)
        if item.per is not None:
            return (
                f"{value} × 每个 {format_number(item.per)} 分（上限 {limit}）"
                f"：加 {_points(s.points)} 分"
                if zh
                else f"{value} × {format_number(item.per)} each (at most {limit}): "
                f"+{_points(s.points)}"
            )
        level = format_number(item.at_least)
        return (
            f"{value}，{'达到' if s.points else '未达到'} {level}：加 {_points(s.points)} 分"
            if zh
            else f"{value}: {'reaches' if s.points else 'below'} {level}: +{_points(s.points)}"
        )
    if isinstance(item, Veto):
        edge = format_number(item.below if item.below is not None else item.above)
        sign = "<" if item.below is not None else ">"
        if s.vetoed:
            return (
                f"{value} {sign} {edge}：一票否决，总分为 0"
                if zh
                else f"{value} {sign} {edge}: veto, the total is 0"
            )
        return (
            f"{value}：未触发一票否决（{sign} {edge} 时否决）"
            if zh
            else f"{value}: no veto (vetoes when {sign} {edge})"
        )
    return ""  # pragma: no cover - every rule is handled above


def _rank_positions(values: dict[int, Number | None]) -> dict[int, tuple[int, int]]:
    """(rank, of) per unit with a value; ties share the best rank (1, 2, 2, 4)."""
    present = {u: v for u, v in values.items() if v is not None}
    ordered = sorted(present.values(), reverse=True)
    out = {}
    for unit, value in present.items():
        out[unit] = (1 + sum(1 for v in ordered if v > value), len(present))
    return out


def _score_item(
    item: Any,
    unit: UnitRef,
    table: MetricTable,
    ranks: dict[str, dict[int, tuple[int, int]]],
    failed: dict[str, MetricFailure],
) -> ItemScore:
    if item.metric in failed:
        return ItemScore(item, None, None, None, 0.0, "failed", error=failed[item.metric].error)
    metric = table.metric(item.metric)
    figure = table.figure(unit.id, item.metric)
    value, parts = figure.value(own=item.own), figure.parts(own=item.own)
    base = {"item": item, "metric": metric, "value": value, "parts": parts}
    if isinstance(item, Veto):
        hit = item.triggered(value)
        status: Status = "missing" if value is None else "scored"
        return ItemScore(**base, points=0.0, status=status, vetoed=hit)
    if value is None:
        full = item.if_missing == "full" and not isinstance(item, Bonus)
        return ItemScore(**base, points=item.weight if full else 0.0, status="missing")
    if isinstance(item, RatioToTarget):
        target = table.target(unit.id, item.metric)
        if target is None or target <= 0:
            return ItemScore(**base, points=0.0, status="no_target", target=target)
        points = item.weight * min(value / target, item.cap)
        return ItemScore(**base, points=max(points, 0.0), target=target)
    if isinstance(item, Thresholds):
        band = next((b for b in item.bands if value >= b.at_least), None)
        return ItemScore(
            **base,
            points=band.points if band else 0.0,
            band=band.at_least if band else None,
        )
    if isinstance(item, Rank):
        rank, of = ranks[item.key][unit.id]
        if item.at_least is not None and value < item.at_least:
            return ItemScore(**base, points=0.0, rank=rank, of=of)
        if item.points:
            points = item.points[rank - 1] if rank <= len(item.points) else 0.0
        else:
            points = item.weight if of == 1 else item.weight * (of - rank) / (of - 1)
        return ItemScore(**base, points=points, rank=rank, of=of)
    if isinstance(item, Bonus):
        if item.per is not None:
            points = min(max(value, 0) * item.per, item.max)
        else:
            assert item.at_least is not None and item.points is not None
            points = min(item.points, item.max) if value >= item.at_least else 0.0
        return ItemScore(**base, points=points)
    raise TypeError(f"unknown rubric rule {item.rule!r}")  # pragma: no cover


def score(table: MetricTable, rubric: Rubric) -> list[UnitScore]:
    """Score every unit of ``table`` under ``rubric`` and rank them (ties share a rank)."""
    failed = {f.metric: f for f in table.failures}
    ranks = {
        item.key: _rank_positions(
            {u.id: table.figure(u.id, item.metric).value(own=item.own) for u in table.units}
        )
        for item in rubric.items
        if isinstance(item, Rank) and item.metric not in failed
    }
    scores = []
    for unit in table.units:
        items = [_score_item(item, unit, table, ranks, failed) for item in rubric.items]
        weighted = sum(s.points for s in items if not isinstance(s.item, Bonus | Veto))
        bonus = sum(s.points for s in items if isinstance(s.item, Bonus))
        vetoed = [s.item.key for s in items if s.vetoed]
        total = 0.0 if vetoed else weighted + bonus
        scores.append(UnitScore(unit, items, weighted, bonus, vetoed, total))
    # Rounded before comparing, so that float noise never splits a tie.
    scores.sort(key=lambda s: (-round(s.total, 6), s.unit.code))
    for s in scores:
        s.rank = 1 + sum(1 for o in scores if round(o.total, 6) > round(s.total, 6))
    return scores


def resolve_rubric(plugins: PluginHost, rubric: Rubric | str | Path | None) -> Rubric:
    """A rubric object, a registered rubric's key, or a TOML file (default: ``county``)."""
    if isinstance(rubric, Rubric):
        return rubric
    registry = plugins.rubrics()
    name = DEFAULT_RUBRIC if rubric is None else str(rubric)
    if name in registry:
        return registry.get(name)
    path = Path(name)
    if path.suffix.lower() == ".toml" or path.exists():
        if not path.exists():
            raise FileNotFoundError(f"rubric file {path} does not exist")
        return load_rubric(path)
    known = ", ".join(registry.keys()) or "none"
    raise ValueError(f"unknown rubric {name!r}: give a TOML file or one of: {known}")


def evaluate(
    session: ActorSession,
    period: Period | str,
    rubric: Rubric | str | Path | None = None,
    *,
    kinds: Sequence[str] | None = None,
) -> Evaluation:
    """Score and rank the units of ``kinds`` (default: the rubric's) in the actor's subtree.

    :raises ValueError: the rubric names a metric that no plug-in registers.
    """
    chosen = resolve_rubric(session.plugins, rubric)
    period = Period.ensure(period)
    registry = session.plugins.metrics()
    unknown = [i for i in chosen.items if i.metric not in registry]
    if unknown:
        names = ", ".join(f"{i.key} → {i.metric}" for i in unknown)
        raise ValueError(f"rubric {chosen.key!r} refers to unknown metrics: {names}")
    table = compute_metrics(
        session,
        period,
        depth=None,
        kinds=list(kinds or chosen.kinds),
        metrics=chosen.metric_keys,
    )
    return Evaluation(chosen, period, score(table, chosen), table, list(table.failures))
