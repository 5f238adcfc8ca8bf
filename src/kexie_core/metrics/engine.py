"""The metric engine (指标引擎): computes metrics for a set of units and one period in SQL.

For each metric, one statement: the metric's own rows (its compute function) are pre-aggregated
per unit where the rule allows, joined to the closure table ``unit_tree`` and grouped by
ancestor, so every unit asked for gets its own figure (``depth = 0``) and its subtree's in the same
pass. No query per unit, no Python loop over rows, no recursion and no ``path LIKE`` join (measured
at 1.1x a plain ``GROUP BY`` against 41–48x for ``LIKE``; see PERF.md).

A metric that fails — its compute function raises, or its SQL does — is recorded against its
plug-in (``PluginHost.record_failure``; strict mode re-raises) and the others are still returned.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..model.enums import UnitKind
from ..model.identifiers import mask_personal_numbers
from ..model.period import Period
from ..store.scope import NotFound, require_in_scope
from ..store.tables import target_t, tree_t, unit_t
from .definition import Metric, MetricContext, Rollup
from .results import MetricFailure, MetricTable, UnitRef
from .sources import SourceCache

if TYPE_CHECKING:
    from ..plugin.contributions import Registry
    from ..workspace import ActorSession


class MetricShapeError(TypeError):
    """A compute function returned columns that do not fit its roll-up rule."""


class MetricError(RuntimeError):
    """A metric could not be computed; the message names the metric and the cause, without the
    SQL statement or its parameters."""


def describe(exc: BaseException) -> str:
    """``Type: message`` of an error — the driver's own message for database errors, never the
    statement — with anything that looks like an ID or phone number masked."""
    if isinstance(exc, sa.exc.StatementError) and exc.orig is not None:
        exc = exc.orig
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return mask_personal_numbers(f"{type(exc).__name__}: {text}" if text else type(exc).__name__)


def select_metrics(registry: Registry[Metric], patterns: Iterable[str] | None) -> list[Metric]:
    """Metrics by key or glob pattern (``work_items.area.*``), in catalogue order.

    A pattern that matches nothing is an error naming it (a misspelt key must not print an empty
    table).
    """
    catalogue = list(registry)
    if not patterns:
        return catalogue
    wanted: list[str] = []
    for raw in patterns:
        wanted.extend(part.strip() for part in raw.split(",") if part.strip())
    chosen: dict[str, Metric] = {}
    for pattern in wanted:
        hits = [m for m in catalogue if fnmatch.fnmatchcase(m.key, pattern)]
        if not hits:
            raise ValueError(
                f"no metric matches {pattern!r}; see `kexie metrics --list` for the keys"
            )
        for m in hits:
            chosen.setdefault(m.key, m)
    order = {m.key: i for i, m in enumerate(catalogue)}
    return sorted(chosen.values(), key=lambda m: order[m.key])


_AGGREGATES: dict[Rollup, Callable[[Any], Any]] = {
    Rollup.SUM: lambda column: sa.func.sum(column),
    Rollup.MAX: lambda column: sa.func.max(column),
    Rollup.MIN: lambda column: sa.func.min(column),
}


def rollup_statement(
    rule: Rollup, own: sa.Subquery | sa.CTE, wanted: sa.Subquery | None
) -> sa.Select[Any]:
    """The one statement that rolls ``own`` rows up to every requested unit (None: every unit).

    Result columns: ``unit_id`` (the ancestor), then for sum/max/min/latest/distinct the own and
    subtree values, for ratio the own and subtree numerators and denominators. ``wanted`` is
    :func:`requested_units` as a subquery, which a run makes once and shares among its metrics.
    """
    cols = list(own.c)
    unit = cols[0]
    t = tree_t.c
    is_own = t.depth == 0

    def only_wanted(joined: sa.Join) -> sa.Join:
        if wanted is None:
            return joined
        # A join, not ``ancestor_id IN (…)``: SQLite would use the IN list as an index
        # constraint and probe it once per list entry for every data row (measured 15x slower).
        return joined.join(wanted, next(iter(wanted.c)) == t.ancestor_id)

    def rolled(per: sa.Subquery, *aggregates: Any) -> sa.Select[Any]:
        return (
            sa.select(t.ancestor_id.label("unit_id"), *aggregates)
            .select_from(only_wanted(tree_t.join(per, per.c.unit_id == t.descendant_id)))
            .group_by(t.ancestor_id)
        )

    def own_only(column: Any) -> Any:
        return sa.case((is_own, column))

    if rule is Rollup.DISTINCT:
        return _distinct_rollup(own, only_wanted)
    if rule is Rollup.RATIO:
        per = (
            sa.select(
                unit.label("unit_id"),
                sa.func.sum(cols[1]).label("num"),
                sa.func.sum(cols[2]).label("den"),
            )
            .group_by(unit)
            .subquery("per")
        )
        return rolled(
            per,
            sa.func.sum(own_only(per.c.num)),
            sa.func.sum(own_only(per.c.den)),
            sa.func.sum(per.c.num),
            sa.func.sum(per.c.den),
        )
    if rule is Rollup.LATEST:
        ranked = sa.select(
            unit.label("unit_id"),
            cols[1].label("v"),
            sa.func.row_number()
            .over(partition_by=unit, order_by=(cols[2].desc(), cols[1].desc()))
            .label("rn"),
        ).subquery("ranked")
        per = sa.select(ranked.c.unit_id, ranked.c.v).where(ranked.c.rn == 1).subquery("per")
        return rolled(per, sa.func.sum(own_only(per.c.v)), sa.func.sum(per.c.v))
    agg = _AGGREGATES[rule]
    # Pre-aggregating per unit before the closure join is what keeps a roll-up at ~1.1x a
    # plain GROUP BY: the join then sees one row per unit, not one per data row.
    per = sa.select(unit.label("unit_id"), agg(cols[1]).label("v")).group_by(unit).subquery("per")
    return rolled(per, agg(own_only(per.c.v)), agg(per.c.v))


def _distinct_rollup(
    own: sa.Subquery | sa.CTE, only_wanted: Callable[[sa.Join], sa.Join]
) -> sa.Select[Any]:
    """A distinct count rolled up the tree, without joining every pair to every ancestor.

    A person in two units under one county must count once for the county, so pairs cannot
    simply be counted per unit and summed. But most items (people) sit in one unit only: those
    are counted per unit and summed up the tree like any sum, and only the items found in two or
    more units go through the distinct count over (ancestor, item) pairs. For a million members
    and a hundred thousand further memberships the pair join shrinks from ~5 million rows to a
    few hundred thousand (measured 7.7 s → 5.3 s on SQLite).

    ``own`` is a CTE: its pairs are read twice (to find each item's units, and to list the
    items in several), and both backends materialise a CTE used more than once.
    """
    cols = list(own.c)
    unit, item = cols[0], cols[1]
    t = tree_t.c
    is_own = t.depth == 0
    spread = (
        sa.select(
            item.label("item"),
            sa.func.min(unit).label("first_unit"),
            sa.func.max(unit).label("last_unit"),
        )
        .where(item.is_not(None))
        .group_by(item)
        .cte("spread")
    )
    single = (
        sa.select(spread.c.first_unit.label("unit_id"), sa.func.count().label("n"))
        .where(spread.c.first_unit == spread.c.last_unit)
        .group_by(spread.c.first_unit)
        .subquery("single")
    )
    several = sa.select(spread.c.item).where(spread.c.first_unit != spread.c.last_unit)
    multi = (
        sa.select(unit.label("unit_id"), item.label("item"))
        .where(item.in_(several))
        .distinct()
        .subquery("multi")
    )
    singles = (
        sa.select(
            t.ancestor_id.label("unit_id"),
            sa.func.sum(sa.case((is_own, single.c.n), else_=0)).label("own"),
            sa.func.sum(single.c.n).label("total"),
        )
        .select_from(only_wanted(tree_t.join(single, single.c.unit_id == t.descendant_id)))
        .group_by(t.ancestor_id)
    )
    multis = (
        sa.select(
            t.ancestor_id.label("unit_id"),
            sa.func.count(sa.distinct(sa.case((is_own, multi.c.item)))).label("own"),
            sa.func.count(sa.distinct(multi.c.item)).label("total"),
        )
        .select_from(only_wanted(tree_t.join(multi, multi.c.unit_id == t.descendant_id)))
        .group_by(t.ancestor_id)
    )
    both = sa.union_all(singles, multis).subquery("both")
    return sa.select(
        both.c.unit_id,
        sa.func.coalesce(sa.func.sum(both.c.own), 0),
        sa.func.coalesce(sa.func.sum(both.c.total), 0),
    ).group_by(both.c.unit_id)


def compute_one(
    conn: Connection,
    metric: Metric,
    ctx: MetricContext,
    wanted: sa.Subquery | None,
) -> list[Any]:
    """Raw rows of one metric for the requested units: ``(unit id, own, subtree)``, or for a
    ratio ``(unit id, own num, own den, num, den)``; units with no rows are left out.

    Turning them into :class:`~kexie_core.metrics.results.Figure` objects waits until someone
    asks (``MetricTable.figure``): a whole-tree run is 5,000 units times 150 metrics, most never
    looked at one by one.
    """
    query = metric.compute(ctx)
    if not isinstance(query, sa.Select | sa.CompoundSelect):
        raise MetricShapeError(
            f"metric {metric.key}: compute returned {type(query).__name__}, not a select"
        )
    expected = metric.rollup.columns
    got = len(query.selected_columns)
    if got != len(expected):
        raise MetricShapeError(
            f"metric {metric.key}: a {metric.rollup.value} metric's select returns "
            f"({', '.join(expected)}), but this one returns {got} column(s)"
        )
    own = query.cte("own") if metric.rollup is Rollup.DISTINCT else query.subquery("own")
    statement = rollup_statement(metric.rollup, own, wanted)
    if conn.dialect.name == "sqlite":
        # A failed statement leaves SQLite's transaction usable: no savepoint needed (its two
        # statements were a tenth of the time of all metrics for one unit on a small database).
        return list(conn.execute(statement))
    # A savepoint, so that on PostgreSQL one failing metric does not abort the run.
    with conn.begin_nested():
        return list(conn.execute(statement))


def tree_order(rows: Sequence[UnitRef], top: int) -> list[UnitRef]:
    """Units depth first from ``top``, siblings by kind (as UnitKind lists them) then code."""
    order = {kind.value: i for i, kind in enumerate(UnitKind)}
    children: dict[int | None, list[UnitRef]] = {}
    # One sort of all units: appending in that order leaves every sibling list sorted.
    for row in sorted(rows, key=lambda r: (order.get(r.kind, len(order)), r.code)):
        children.setdefault(row.parent_id, []).append(row)
    out: list[UnitRef] = []
    stack = [r for r in rows if r.id == top]
    while stack:
        row = stack.pop()
        out.append(row)
        stack.extend(reversed(children.get(row.id, ())))
    return out


def resolve_units(
    conn: Connection,
    session: ActorSession,
    unit: str | None,
    depth: int | None,
    kinds: Sequence[str] | None,
) -> tuple[int, list[UnitRef], sa.Select[Any]]:
    """The top unit, the requested units in tree order, and a select of their ids."""
    top: int = session.actor.unit_id
    if unit is not None:
        found = conn.execute(sa.select(unit_t.c.id).where(unit_t.c.code == unit)).scalar()
        if found is None:
            raise NotFound(f"unit {unit!r} does not exist")
        top = int(found)
        require_in_scope(conn, session.actor, top)
    t = tree_t.c
    query = (
        sa.select(
            unit_t.c.id,
            unit_t.c.code,
            unit_t.c.name,
            unit_t.c.kind,
            t.depth,
            unit_t.c.parent_id,
        )
        .join(tree_t, t.descendant_id == unit_t.c.id)
        .where(t.ancestor_id == top)
    )
    if depth is not None:
        query = query.where(t.depth <= depth)
    # Columns in UnitRef's order: a row becomes a UnitRef without attribute look-ups.
    ordered = tree_order([UnitRef._make(row) for row in conn.execute(query).all()], top)
    kind_set = {UnitKind.parse(k).value for k in kinds} if kinds else None
    units = ordered if kind_set is None else [u for u in ordered if u.kind in kind_set]
    requested = requested_units(conn.dialect.name, top, depth)
    if kind_set is not None:
        requested = requested.join(unit_t, unit_t.c.id == t.descendant_id).where(
            unit_t.c.kind.in_(sorted(kind_set))
        )
    return top, units, requested


def requested_units(dialect: str, top: int, depth: int | None = None) -> sa.Select[Any]:
    """A select of the ids of ``top``'s subtree, down to ``depth`` levels below it (None: all),
    for :func:`rollup_statement` to join as the units to report on."""
    t = tree_t.c
    # The roll-up joins this select to the closure table. Given ``ancestor_id = top`` as an index
    # constraint, SQLite's planner reads the requested units through the (ancestor, descendant)
    # key once for every data row, with or without statistics (kexie never runs ANALYZE; when
    # it is run, the statistics say an ancestor has a few descendants, but the top of the tree
    # has them all): measured 4.6 s per metric for the city alone on the 5,000-unit benchmark,
    # 8 minutes for the whole set. ``+ 0`` leaves it the descendant index: ~20 ms, however many
    # units are asked for. PostgreSQL plans well either way.
    anchor = t.ancestor_id + 0 if dialect == "sqlite" else t.ancestor_id
    requested = sa.select(t.descendant_id).where(anchor == top)
    if depth is not None:
        requested = requested.where(t.depth <= depth)
    return requested


def is_whole_tree(conn: Connection, top: int) -> bool:
    """Whether the subtree of ``top`` is every unit there is."""
    roots = conn.execute(sa.select(unit_t.c.id).where(unit_t.c.parent_id.is_(None)).limit(2)).all()
    return len(roots) == 1 and roots[0][0] == top


def load_targets(
    conn: Connection, requested: sa.Select[Any], period: Period, keys: Sequence[str]
) -> dict[tuple[int, str], float]:
    """Targets of the requested units for the period, in one query."""
    if not keys:
        return {}
    rows = conn.execute(
        sa.select(target_t.c.unit_id, target_t.c.metric, target_t.c.value).where(
            target_t.c.period == str(period),
            target_t.c.metric.in_(list(keys)),
            target_t.c.unit_id.in_(requested.scalar_subquery()),
        )
    )
    return {(int(r.unit_id), r.metric): float(r.value) for r in rows}


def compute_metrics(
    session: ActorSession,
    period: Period | str,
    *,
    unit: str | None = None,
    depth: int | None = 0,
    kinds: Sequence[str] | None = None,
    metrics: Iterable[str] | None = None,
) -> MetricTable:
    """Compute metrics for units in the actor's scope and one period (统计指标).

    :param session: the acting unit (``workspace.as_unit(code)``); it sees only its subtree.
    :param period: ``2026``, ``2026H1``, ``2026Q3``, ``2026-07`` or a ``Period``.
    :param unit: the unit to start at (default: the actor's own unit).
    :param depth: how many levels below ``unit`` to report (0: just it; None: all).
    :param kinds: report only units of these kinds (e.g. ``["county", "zone"]``).
    :param metrics: keys or glob patterns (default: every registered metric).
    :return: a :class:`MetricTable`; metrics that failed are in ``failures``.
    """
    period = Period.ensure(period)
    host = session.plugins
    chosen = select_metrics(host.metrics(), metrics)
    raw: dict[str, list[Any]] = {}
    failures: list[MetricFailure] = []
    with _run_connection(session) as conn:
        top, units, requested = resolve_units(conn, session, unit, depth, kinds)
        everything = is_whole_tree(conn, top)
        # Every unit asked for: the roll-up needs no filter on the units it reports.
        # As one subquery for every metric of the run (its column is built once, not per metric).
        wanted = (
            None if everything and depth is None and not kinds else requested.subquery("wanted")
        )
        ctx = MetricContext(
            period=period,
            units=sa.select(tree_t.c.descendant_id).where(tree_t.c.ancestor_id == top),
            dialect=conn.dialect.name,
            everything=everything,
            sources=SourceCache(conn, materialize=len(chosen) > 1),
        )
        for metric in chosen:
            try:
                raw[metric.key] = compute_one(conn, metric, ctx, wanted)
            except Exception as exc:
                # A database error's text carries the whole statement: keep the driver's words.
                error = exc
                if isinstance(exc, sa.exc.StatementError):
                    error = MetricError(describe(exc))
                    error.__cause__ = exc
                failures.append(MetricFailure(metric.key, metric.plugin, describe(exc)))
                host.record_failure(metric.plugin, f"computing metric {metric.key}", error)
        done = [m for m in chosen if m.key in raw]
        targets = load_targets(conn, requested, period, [m.key for m in done])
    return MetricTable(period, units, done, raw, targets, failures)


@contextmanager
def _run_connection(session: ActorSession) -> Iterator[Connection]:
    """A connection in a read transaction that is rolled back at the end.

    The rollback also removes the run's temporary tables (shared sources) on both backends. On
    SQLite the run keeps sorts, DISTINCT and temporary tables in memory instead of temporary
    files (``temp_store``; measured 1.7x faster on the million-member distinct count); the
    setting can only change outside a transaction, so it is made on the driver connection
    before the transaction begins and put back after it ends.
    """
    with session.workspace.engine.connect().execution_options(sqlite_deferred=True) as conn:
        driver = conn.connection.driver_connection if conn.dialect.name == "sqlite" else None
        previous = 0
        if driver is not None:
            previous = int(driver.execute("PRAGMA temp_store").fetchone()[0])
            driver.execute("PRAGMA temp_store = MEMORY")
        try:
            with conn.begin() as transaction:
                try:
                    yield conn
                finally:
                    transaction.rollback()
        finally:
            if driver is not None:
                driver.execute(f"PRAGMA temp_store = {previous}")
