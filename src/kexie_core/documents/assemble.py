"""Report assembly (报告数据汇集): from the metrics engine and the records to a ``ReportData``.

Every figure comes from ``kexie_core.metrics.compute_metrics`` — the same engine behind
``kexie metrics`` — so a report never disagrees with the metric table. One engine run covers the
reporting unit and its children (for ``--all-children`` or ``assemble_reports``, every unit under
the parent down to one level below the deepest unit asked for), so a folder of reports costs one
metric run, not one per report; subtree figures are rolled up from every level below either
way. The trend adds one small run per earlier period for the headline metrics only. What the
engine does not give — notable work items (one query per report) and the narratives (one query)
— is read within the actor's scope.

Choices a reader of a report should know:

- Headline figures and the columns of the children's comparison are ``HEADLINE`` (members, net
  growth, work items, participants, expert care coverage, organisation coverage), or what the
  caller passes.
- Each area shows all its metrics, except the detail metrics (``DETAIL_PREFIXES``: one per work
  kind, publicity channel or visit occasion), which appear only when not zero.
- Coverage rows are the R3 ratio metrics: hosts (denominator) and those with an association
  (numerator).
- Rates are fractions (the engine reports percentages as 0–100; they are divided by 100 here).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa

from .. import __version__
from ..metrics import Metric, MetricTable, Rollup, UnitRef, compute_metrics
from ..metrics.results import achievement_rate
from ..model.enums import Area, HostCategory, UnitKind
from ..model.identifiers import mask_personal_numbers
from ..model.period import Period
from ..store.scope import NotFound, ScopeError, require_in_scope
from ..store.tables import tree_t, unit_t, work_t
from .model import (
    ChildRow,
    ChildTable,
    Column,
    CoverageRow,
    MetricRow,
    Number,
    ReportData,
    Section,
    TrendPoint,
    TrendSeries,
    UnitInfo,
    WorkItemRow,
)
from .text import t

if TYPE_CHECKING:
    from ..workspace import ActorSession

HEADLINE: tuple[str, ...] = (
    "members.count",
    "members.net",
    "work_items",
    "participants",
    "experts.care_coverage",
    "coverage.all",
)
DETAIL_PREFIXES: tuple[str, ...] = (
    "work_items.kind.",
    "participants.kind.",
    "publicity.channel.",
    "visits.occasion.",
)
TREND_PERIODS = 4  # earlier periods shown beside the report's own
WORK_ITEM_LIMIT = 10


@dataclass(frozen=True)
class ReportOptions:
    """How a report is assembled; the defaults are what ``kexie report build`` uses."""

    lang: str = "zh"
    headline: tuple[str, ...] = HEADLINE
    trend_periods: int = TREND_PERIODS
    work_item_limit: int = WORK_ITEM_LIMIT
    unmasked: bool = False  # root only: leave numbers in free text as typed
    now: datetime | None = None


def _scaled(value: Number | None, metric: Metric) -> Number | None:
    if value is None or not metric.percent:
        return value
    return value / metric.scale


def _unit_info(code: str, name: str, kind: str, lang: str) -> UnitInfo:
    try:
        label = UnitKind.parse(kind).label(lang)
    except ValueError:
        label = kind
    return UnitInfo(code, name, kind, label)


class _Assembler:
    """Turns one metric run (plus trend runs) into reports for the units it covers."""

    def __init__(
        self,
        session: ActorSession,
        period: Period,
        table: MetricTable,
        trend: Sequence[MetricTable],
        options: ReportOptions,
    ) -> None:
        self.session = session
        self.period = period
        self.table = table
        self.trend = trend
        self.options = options
        self.lang = options.lang
        computed = {m.key for m in table.metrics}
        self.headline = [k for k in options.headline if k in computed]
        self.generated_at = options.now or datetime.now(UTC)
        self.children_of: dict[int | None, list[UnitRef]] = {}
        for unit in table.units:  # tree order, so each list is in the table's order too
            self.children_of.setdefault(unit.parent_id, []).append(unit)

    def metric_row(self, unit_id: int, metric: Metric) -> MetricRow:
        fig = self.table.figure(unit_id, metric.key)
        target = self.table.target(unit_id, metric.key)
        return MetricRow(
            key=metric.key,
            label=metric.label(self.lang),
            measure=metric.unit(self.lang),
            value=_scaled(fig.subtree, metric),
            own=_scaled(fig.own, metric),
            target=_scaled(target, metric),
            achievement=achievement_rate(fig.subtree, target),
            percent=metric.percent,
        )

    def sections(self, unit_id: int) -> tuple[Section, ...]:
        by_area: dict[Area, list[MetricRow]] = {area: [] for area in Area}
        for metric in self.table.metrics:
            row = self.metric_row(unit_id, metric)
            if metric.key.startswith(DETAIL_PREFIXES) and not row.value and row.target is None:
                continue
            by_area[metric.area].append(row)
        computed = {m.key for m in self.table.metrics}
        out = []
        for area in Area:
            key = f"work_items.area.{area.slug}"
            count = self.table.value(unit_id, key) if key in computed else 0
            out.append(
                Section(area.value, area.label(self.lang), tuple(by_area[area]), int(count or 0))
            )
        return tuple(out)

    def coverage(self, unit_id: int) -> tuple[CoverageRow, ...]:
        rows = []
        for metric in self.table.metrics:
            if metric.area is not Area.COVERAGE or metric.rollup is not Rollup.RATIO:
                continue
            parts = self.table.figure(unit_id, metric.key).subtree_parts or (0, 0)
            covered, hosts = parts
            suffix = metric.key.split(".", 1)[-1]
            try:
                label = HostCategory.parse(suffix).label(self.lang)
            except ValueError:
                label = metric.label(self.lang)
            if suffix == "all":
                label = t("all_categories", self.lang)
            rate = covered / hosts if hosts else None
            rows.append(CoverageRow(suffix, label, int(hosts), int(covered), rate))
        return tuple(rows)

    def children(self, unit_id: int) -> ChildTable:
        metrics = [self.table.metric(k) for k in self.headline]
        columns = tuple(
            Column(m.key, m.label(self.lang), m.unit(self.lang), m.percent) for m in metrics
        )
        rows = tuple(
            ChildRow(
                _unit_info(u.code, u.name, u.kind, self.lang),
                tuple(_scaled(self.table.value(u.id, m.key), m) for m in metrics),
            )
            for u in self.children_of.get(unit_id, [])
        )
        return ChildTable(columns, rows)

    def trend_series(self, unit_id: int) -> tuple[TrendSeries, ...]:
        tables = [*self.trend, self.table]
        out = []
        for key in self.headline:
            metric = self.table.metric(key)
            points = tuple(
                TrendPoint(
                    str(tb.period),
                    tb.period.label_zh if self.lang == "zh" else str(tb.period),
                    _scaled(tb.value(unit_id, key), metric) if key in _keys(tb) else None,
                )
                for tb in tables
            )
            out.append(
                TrendSeries(
                    key, metric.label(self.lang), metric.unit(self.lang), metric.percent, points
                )
            )
        return tuple(out)

    def build(
        self, code: str, work_items: tuple[WorkItemRow, ...], narrative: tuple[str, str] | None
    ) -> ReportData:
        ref = self.table.unit(code)
        unit = _unit_info(ref.code, ref.name, ref.kind, self.lang)
        label = self.period.label_zh if self.lang == "zh" else str(self.period)
        text, status = narrative if narrative else (None, None)
        if text is not None and not self.options.unmasked:
            text = mask_personal_numbers(text)
        metrics = {m.key: m for m in self.table.metrics}
        return ReportData(
            unit=unit,
            period=self.period,
            period_label=label,
            lang=self.lang,
            title=t("report_title", self.lang, unit=unit.name, period=label),
            generated_at=self.generated_at,
            headline=tuple(self.metric_row(ref.id, metrics[k]) for k in self.headline),
            sections=self.sections(ref.id),
            coverage=self.coverage(ref.id),
            children=self.children(ref.id),
            work_items=work_items,
            trend=self.trend_series(ref.id),
            narrative=text or None,
            narrative_status=status,
            generator=f"kexie-core {__version__}",
        )


def _keys(table: MetricTable) -> set[str]:
    return {m.key for m in table.metrics}


def _work_items(
    session: ActorSession, unit_id: int, period: Period, options: ReportOptions
) -> tuple[WorkItemRow, ...]:
    """The period's largest work items (by participants) anywhere in the unit's subtree."""
    w = work_t.c
    query = (
        sa.select(w.started_on, w.title, w.kind, w.area, w.participants, unit_t.c.name)
        .join(unit_t, unit_t.c.id == w.unit_id)
        .join(tree_t, tree_t.c.descendant_id == w.unit_id)
        .where(
            tree_t.c.ancestor_id == unit_id,
            w.started_on >= period.start,
            w.started_on <= period.end,
        )
        .order_by(w.participants.desc(), w.started_on, w.id)
        .limit(options.work_item_limit)
    )
    kinds = session.plugins.work_kinds()
    with session.workspace.read() as conn:
        rows = conn.execute(query).all()
    out = []
    for r in rows:
        label = kinds.get(r.kind).label(options.lang) if r.kind in kinds else r.kind
        title = r.title if options.unmasked else mask_personal_numbers(r.title)
        out.append(WorkItemRow(r.started_on, title, label, r.area, r.name, int(r.participants)))
    return tuple(out)


def _narratives(session: ActorSession, top: str, period: Period) -> dict[str, tuple[str, str]]:
    """Narratives (工作总结) of the reporting workflow for every unit under ``top``: one query."""
    try:
        from ..workflow.reports import Reports
    except ImportError:  # the workflow is optional for documents: no narrative, not a failure
        return {}
    found = Reports(session).find(period=period, unit=top)
    return {r.unit: (r.narrative, r.status) for r in found if r.narrative}


def _check_options(session: ActorSession, options: ReportOptions) -> None:
    if options.unmasked and not session.actor.is_root:
        raise ScopeError(
            f"{session.actor} may not build unmasked reports: only the root unit may ask for "
            "personal numbers in free text"
        )


def _run(
    session: ActorSession,
    period: Period,
    top: str,
    depth: int,
    keys: Sequence[str] | None = None,
) -> MetricTable:
    """One engine run for ``top`` and its subtree down to ``depth`` levels: a report shows its
    unit and the unit's children (subtree figures, which the engine rolls up from every level
    below whatever the depth)."""
    return compute_metrics(session, period, unit=top, depth=depth, metrics=keys)


def _trend_tables(
    session: ActorSession, period: Period, top: str, keys: Sequence[str], n: int, depth: int
) -> list[MetricTable]:
    if not keys:
        return []
    periods: list[Period] = []
    p = period
    for _ in range(n):
        p = p.previous()
        periods.append(p)
    return [_run(session, q, top, depth, keys) for q in reversed(periods)]


def assemble_report(
    session: ActorSession,
    period: Period | str,
    *,
    unit: str | None = None,
    options: ReportOptions | None = None,
) -> ReportData:
    """The report of ``unit`` (default: the actor's own) for ``period``, within the actor's
    scope."""
    options = options or ReportOptions()
    _check_options(session, options)
    period = Period.ensure(period)
    code = unit or session.actor.code
    # The unit and its children; the trend only for the unit itself.
    table = _run(session, period, code, 1)
    headline = [k for k in options.headline if k in _keys(table)]
    trend = _trend_tables(session, period, code, headline, options.trend_periods, 0)
    assembler = _Assembler(session, period, table, trend, options)
    ref = table.unit(code)
    narratives = _narratives(session, code, period)
    return assembler.build(
        code, _work_items(session, ref.id, period, options), narratives.get(code)
    )


def assemble_reports(
    session: ActorSession,
    period: Period | str,
    units: Iterable[str],
    *,
    under: str | None = None,
    options: ReportOptions | None = None,
) -> list[ReportData]:
    """One report per unit code in ``units``, all lying under ``under`` (default: the actor's
    unit), from one metric-engine run over ``under``'s subtree down to the children of the
    deepest unit asked for. Reports come in tree order
    (depth first, siblings by kind and code).

    This is how a folder of reports — every county and society of the city — costs about one
    metric run instead of one per report.
    """
    options = options or ReportOptions()
    _check_options(session, options)
    period = Period.ensure(period)
    top = under or session.actor.code
    wanted = _under(session, top, list(dict.fromkeys(units)))
    if not wanted:
        return []
    # Each unit asked for (any level below ``top``) with its children; the trend for the units.
    depth = max(wanted.values())
    table = _run(session, period, top, depth + 1)
    headline = [k for k in options.headline if k in _keys(table)]
    trend = _trend_tables(session, period, top, headline, options.trend_periods, depth)
    assembler = _Assembler(session, period, table, trend, options)
    narratives = _narratives(session, top, period)
    return [
        assembler.build(u.code, _work_items(session, u.id, period, options), narratives.get(u.code))
        for u in table.units
        if u.code in wanted
    ]


def _under(session: ActorSession, top: str, codes: Sequence[str]) -> dict[str, int]:
    """The units asked for, each checked to lie in ``top``'s subtree, and ``top`` in the
    actor's: code → levels below ``top``."""
    with session.workspace.read() as conn:
        top_id = conn.execute(sa.select(unit_t.c.id).where(unit_t.c.code == top)).scalar()
        if top_id is None:
            raise NotFound(f"unit {top!r} does not exist")
        require_in_scope(conn, session.actor, top_id)
        if not codes:
            return {}
        rows = conn.execute(
            sa.select(unit_t.c.code, tree_t.c.depth)
            .join(tree_t, tree_t.c.descendant_id == unit_t.c.id)
            .where(tree_t.c.ancestor_id == top_id, unit_t.c.code.in_(list(codes)))
        ).all()
    found = {code: depth for code, depth in rows}
    outside = [c for c in codes if c not in found]
    if outside:
        raise ScopeError(f"not under {top}: {', '.join(outside)}")
    return found


def assemble_child_reports(
    session: ActorSession,
    period: Period | str,
    *,
    unit: str | None = None,
    kinds: Iterable[str] | None = None,
    options: ReportOptions | None = None,
) -> list[ReportData]:
    """One report per child of ``unit`` (default: the actor's own), from one metric run.

    ``kinds`` keeps only children of those kinds (``["county", "society"]``).
    """
    top = unit or session.actor.code
    wanted = sorted({UnitKind.parse(k).value for k in kinds}) if kinds else None
    parent = unit_t.alias("parent")
    query = sa.select(unit_t.c.code).join(parent, parent.c.id == unit_t.c.parent_id)
    query = query.where(parent.c.code == top)
    if wanted is not None:
        query = query.where(unit_t.c.kind.in_(wanted))
    with session.workspace.read() as conn:
        children = list(conn.execute(query).scalars())
    return assemble_reports(session, period, children, under=top, options=options)
