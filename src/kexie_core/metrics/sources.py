"""Shared sources (共享数据源): per-unit pre-aggregations that many metrics read.

Ninety-odd built-in metrics count work items by area or by kind; scanning a million work items
for each would cost ninety scans. A :class:`Source` is one grouped select (e.g. work items per unit
and kind in the period); when a run computes several metrics, the engine materialises each source
it is asked for once, as a temporary table, and every metric reads that small table instead.

A plug-in's metric may use these sources too: ``ctx.source(WORK)`` inside its compute function.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..store.tables import host_t, member_t, membership_t, platform_t, unit_t, work_t
from .definition import on_record

if TYPE_CHECKING:
    from .definition import MetricContext


@dataclass(frozen=True)
class Source:
    """A grouped select shared by several metrics.

    :param key: a short name (also names the temporary table).
    :param build: ``(MetricContext) -> select``; restrict it to ``ctx.units`` and the period.
    :param index: columns that metrics filter on (an index is made on each when materialised).
    """

    key: str
    build: Callable[[MetricContext], sa.Select[Any]]
    index: tuple[str, ...] = ()


class SourceCache:
    """Sources materialised on one connection for one run.

    The run's transaction is rolled back at its end, which drops the temporary tables on both
    backends; the random suffix keeps names apart should a connection ever outlive that.
    """

    def __init__(self, conn: Connection, *, materialize: bool = True) -> None:
        self.conn = conn
        self.materialize = materialize
        self._tables: dict[str, sa.Table] = {}
        self._errors: dict[str, BaseException] = {}
        self._suffix = uuid.uuid4().hex[:8]
        self._count = itertools.count(1)

    def get(self, source: Source, ctx: MetricContext) -> sa.FromClause:
        if not self.materialize:
            return source.build(ctx).subquery(source.key)
        if source.key in self._errors:
            raise self._errors[source.key]
        if source.key not in self._tables:
            try:
                self._tables[source.key] = self._create(source, ctx)
            except Exception as exc:
                self._errors[source.key] = exc
                raise
        return self._tables[source.key]

    def built(self, source: Source) -> bool:
        return source.key in self._tables

    def _create(self, source: Source, ctx: MetricContext) -> sa.Table:
        name = f"kexie_src_{next(self._count)}_{self._suffix}"
        create = source.build(ctx).into(name, temporary=True, metadata=sa.MetaData())
        # Its own savepoint: on PostgreSQL a failed statement would otherwise abort the run.
        with self.conn.begin_nested():
            self.conn.execute(create)
            for i, column in enumerate(source.index):
                sa.Index(f"{name}_ix{i}", create.table.c[column]).create(self.conn)
        return create.table


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _flag(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.case((condition, 1), else_=0)


def _work(ctx: MetricContext) -> sa.Select[Any]:
    w = work_t.c
    return (
        sa.select(
            w.unit_id,
            w.kind,
            w.area,
            sa.func.count().label("n"),
            sa.func.sum(w.participants).label("participants"),
            sa.func.sum(w.hours).label("hours"),
        )
        .where(ctx.in_period(w.started_on), ctx.in_scope(w.unit_id))
        .group_by(w.unit_id, w.kind, w.area)
    )


WORK = Source("work", _work, index=("kind", "area"))
"""Work items per unit, kind and area started in the period: ``n`` (items), ``participants``
(person-times, 人次) and ``hours``."""


def _areas(ctx: MetricContext) -> sa.Select[Any]:
    # Derived from WORK when the run has built it already (a few thousand rows instead of a
    # million work items); otherwise straight from the work items, as a hand-written query is.
    if ctx.has_source(WORK):
        src = ctx.source(WORK)
        return sa.select(
            src.c.unit_id,
            src.c.area,
            sa.func.sum(src.c.n).label("n"),
            sa.func.sum(src.c.participants).label("participants"),
            sa.func.sum(src.c.hours).label("hours"),
        ).group_by(src.c.unit_id, src.c.area)
    w = work_t.c
    return (
        sa.select(
            w.unit_id,
            w.area,
            sa.func.count().label("n"),
            sa.func.sum(w.participants).label("participants"),
            sa.func.sum(w.hours).label("hours"),
        )
        .where(ctx.in_period(w.started_on), ctx.in_scope(w.unit_id))
        .group_by(w.unit_id, w.area)
    )


AREAS = Source("areas", _areas, index=("area",))
"""Work items per unit and area: ``n``, ``participants``, ``hours`` (as ``WORK``, without kinds)."""


def _publicity(ctx: MetricContext) -> sa.Select[Any]:
    w = work_t.c
    channel = sa.func.coalesce(w.details["channel"].as_string(), "other").label("channel")
    return (
        sa.select(w.unit_id, channel, sa.func.count().label("n"))
        .where(w.area == "6", ctx.in_period(w.started_on), ctx.in_scope(w.unit_id))
        .group_by(w.unit_id, channel)
    )


PUBLICITY = Source("publicity", _publicity, index=("channel",))
"""Publicity outputs (area 6) per unit and channel (``details.channel``; none given: other)."""


def _visits(ctx: MetricContext) -> sa.Select[Any]:
    w = work_t.c
    occasion = sa.func.coalesce(w.details["occasion"].as_string(), "routine").label("occasion")
    return (
        sa.select(w.unit_id, occasion, sa.func.count().label("n"))
        .where(w.kind == "expert_visit", ctx.in_period(w.started_on), ctx.in_scope(w.unit_id))
        .group_by(w.unit_id, occasion)
    )


VISITS = Source("visits", _visits, index=("occasion",))
"""Visits to experts (``expert_visit`` items) per unit and occasion (``details.occasion``)."""


def member_active_at_end(ctx: MetricContext) -> sa.ColumnElement[bool]:
    """A member on record at the end of the period (joined by then, not yet left)."""
    return ctx.active_at_end(member_t.c.joined_on, member_t.c.left_on)


def member_pairs(day: date, scope: sa.Select[Any] | None = None) -> sa.CompoundSelect[Any]:
    """``(unit_id, member id)`` of everyone on record on ``day``: each member in its own unit and
    in the unit of every further membership active that day (so a person may be in several
    units). ``scope``: a select of the unit ids to keep (None: every unit).

    ``members.count`` counts these at a period's end, ``kexie units tree`` today.
    """
    m, ms = member_t.c, membership_t.c
    primary = sa.select(m.unit_id, m.id).where(on_record(m.joined_on, m.left_on, day))
    extra = sa.select(ms.unit_id, ms.member_id).where(on_record(ms.joined_on, ms.left_on, day))
    if scope is not None:
        primary = primary.where(m.unit_id.in_(scope.scalar_subquery()))
        extra = extra.where(ms.unit_id.in_(scope.scalar_subquery()))
    return sa.union_all(primary, extra)


def youth_condition(ctx: MetricContext) -> sa.ColumnElement[bool]:
    """Doctoral students and postdocs under 32 at the period's end (青年科技人才托举对象)."""
    m = member_t.c
    return sa.and_(
        m.study_status.in_(("doctoral", "postdoc")),
        m.birth_date > _years_before(ctx.end, 32),
    )


def scan_key(ctx: MetricContext, column: Any) -> Any:
    """``column`` as a GROUP BY key that keeps SQLite on a plain table scan.

    Grouping by an indexed column makes SQLite walk the index and fetch every row from the table
    in index order: over a million members that measured 3x slower than a scan and a sort.
    ``column + 0`` is the same value without the index; PostgreSQL plans well either way.
    """
    return (column + 0).label(column.key) if ctx.dialect == "sqlite" else column


def _members(ctx: MetricContext) -> sa.Select[Any]:
    m = member_t.c
    active = member_active_at_end(ctx)
    unit = scan_key(ctx, m.unit_id)
    return (
        sa.select(
            unit,
            sa.func.sum(_flag(ctx.in_period(m.joined_on))).label("joined"),
            sa.func.sum(_flag(ctx.in_period(m.left_on))).label("left"),
            sa.func.sum(_flag(sa.and_(active, m.expert_level != "none"))).label("experts"),
            sa.func.sum(_flag(sa.and_(active, youth_condition(ctx)))).label("youth"),
        )
        .where(ctx.in_scope(m.unit_id))
        .group_by(unit)
    )


MEMBERS = Source("members", _members)
"""Member records per keeping unit: joined and left in the period, experts and youth-programme
cohort on record at its end."""


def association_active(ctx: MetricContext) -> sa.ColumnElement[bool]:
    """The host's association exists at the period's end: active and founded by then."""
    return sa.and_(
        unit_t.c.status == "active",
        sa.or_(unit_t.c.founded_on.is_(None), unit_t.c.founded_on <= ctx.end),
    )


def _hosts(ctx: MetricContext) -> sa.Select[Any]:
    h = host_t.c
    return (
        sa.select(
            h.territory_id.label("unit_id"),
            h.category,
            h.science_type,
            sa.func.count().label("hosts"),
            sa.func.sum(_flag(association_active(ctx))).label("covered"),
        )
        .select_from(host_t.outerjoin(unit_t, unit_t.c.id == h.unit_id))
        .where(ctx.in_scope(h.territory_id))
        .group_by(h.territory_id, h.category, h.science_type)
    )


HOSTS = Source("hosts", _hosts, index=("category",))
"""Host organisations per territory unit, category and science type: how many, and how many
have an active association (R3 coverage)."""


def _platforms(ctx: MetricContext) -> sa.Select[Any]:
    p = platform_t.c
    return (
        sa.select(
            p.unit_id,
            p.kind,
            sa.func.sum(_flag(ctx.active_at_end(p.established_on, p.closed_on))).label("active"),
            sa.func.sum(_flag(ctx.in_period(p.established_on))).label("new"),
        )
        .where(ctx.in_scope(p.unit_id))
        .group_by(p.unit_id, p.kind)
    )


PLATFORMS = Source("platforms", _platforms, index=("kind",))
"""Platforms per unit and kind: standing at the period's end, and newly established in it."""
