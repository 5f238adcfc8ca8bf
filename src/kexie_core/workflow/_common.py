"""What every part of the workflow shares: units by code within scope, dates, errors, roll-ups."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..model.dates import parse_date
from ..model.errors import InvalidRecord, Problem
from ..model.period import Period
from ..store.scope import Actor, ScopeError, can_see
from ..store.tables import tree_t, unit_t

if TYPE_CHECKING:
    from ..workspace import ActorSession


class WorkflowError(ValueError):
    """The workflow refuses a step: the record is not in a state that allows it."""


@dataclass(frozen=True)
class UnitRef:
    """A unit as the workflow needs it: id, code, name, kind, contacts."""

    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


_UNIT_COLUMNS = (unit_t.c.id, unit_t.c.code, unit_t.c.name, unit_t.c.kind, unit_t.c.parent_id)


def unit_by_code(conn: Connection, code: str, field: str = "unit") -> UnitRef:
    """The unit with this code; a missing one is a problem with ``field``."""
    row = conn.execute(sa.select(*_UNIT_COLUMNS).where(unit_t.c.code == code)).first()
    if row is None:
        raise InvalidRecord([Problem(field, f"unit {code!r} does not exist")])
    return UnitRef(*row)


def unit_by_id(conn: Connection, unit_id: int) -> UnitRef:
    return UnitRef(*conn.execute(sa.select(*_UNIT_COLUMNS).where(unit_t.c.id == unit_id)).one())


def visible_unit(conn: Connection, actor: Actor, code: str, field: str = "unit") -> UnitRef:
    """The unit with this code, which must lie in the actor's subtree."""
    unit = unit_by_code(conn, code, field)
    if not can_see(conn, actor, unit.id):
        raise ScopeError(
            f"{actor} may not read or change unit {unit.code}: it is outside {actor.code}'s subtree"
        )
    return unit


def is_strict_ancestor(conn: Connection, ancestor_id: int, unit_id: int) -> bool:
    """True when ``ancestor_id`` lies above ``unit_id`` (a closure row with depth > 0)."""
    row = conn.execute(
        sa.select(sa.literal(1)).where(
            tree_t.c.ancestor_id == ancestor_id,
            tree_t.c.descendant_id == unit_id,
            tree_t.c.depth > 0,
        )
    ).first()
    return row is not None


def in_subtree(top: int, column: Any) -> sa.ColumnElement[bool]:
    """``column`` (a unit id) lies in ``top``'s subtree."""
    return column.in_(sa.select(tree_t.c.descendant_id).where(tree_t.c.ancestor_id == top))


def required_text(value: str | None, field: str, what: str) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidRecord([Problem(field, f"{field} is required")], what=what)
    return text


def as_period(value: Period | str, field: str = "period") -> Period:
    try:
        return Period.ensure(value)
    except (TypeError, ValueError) as exc:
        raise InvalidRecord([Problem(field, str(exc))]) from None


def as_date(value: date | str | None, field: str, default: date | None = None) -> date:
    """A date given as a ``date`` or text (``2026-04-08``, ``2026年4月8日`` …)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if default is None:
            raise InvalidRecord([Problem(field, f"{field} is required")])
        return default
    try:
        return parse_date(value)
    except ValueError as exc:
        raise InvalidRecord([Problem(field, str(exc))]) from None


def today_or(today: date | None) -> date:
    """The day a step happens on: given explicitly, or the local calendar date now.

    Every rule that depends on the date (timeliness, overdue) takes the date as an argument; only
    this function, at the edge of the API, reads the clock.
    """
    return today if today is not None else date.today()


def days_between(later: Any, earlier: Any, dialect: str) -> sa.ColumnElement[int]:
    """Whole days from ``earlier`` to ``later`` (two date expressions), on either backend."""
    if dialect == "postgresql":
        return sa.cast(later - earlier, sa.Integer)
    return sa.cast(sa.func.julianday(later) - sa.func.julianday(earlier), sa.Integer)


class SessionTool:
    """Base of the workflow's API classes: acting for one ``ActorSession``."""

    def __init__(self, session: ActorSession) -> None:
        self.session = session

    @property
    def actor(self) -> Actor:
        return self.session.actor

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self.session.workspace.engine.begin() as conn:
            yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.session.workspace.read() as conn:
            yield conn

    def _plugin_rules(self, kind: str, record: Any) -> None:
        """Plug-ins' own rules for a record about to be written (``kexie_validate_record``)."""
        problems = self.session.plugins.record_problems(kind, record, self.actor)
        if problems:
            raise InvalidRecord(problems, what=kind.replace("_", " "))

    def _top(self, conn: Connection, unit: str | None) -> UnitRef:
        """The unit whose subtree a listing covers: ``unit`` (in scope) or the actor."""
        return visible_unit(conn, self.actor, unit or self.actor.code)


def rollup_rows(
    conn: Connection,
    own: sa.Subquery,
    counts: Sequence[str],
    top: int,
    max_depth: int | None,
) -> list[dict[str, Any]]:
    """Sum the per-unit columns ``counts`` of ``own`` (``unit_id`` + counts) over each subtree.

    One statement over the closure table: for every unit in ``top``'s subtree (down to
    ``max_depth`` levels), the totals of all the units below it and itself. Units with nothing to
    count are left out.
    """
    shown = tree_t.alias("shown")
    below = tree_t.alias("below")
    sums = [sa.func.coalesce(sa.func.sum(own.c[name]), 0).label(name) for name in counts]
    query = (
        sa.select(unit_t.c.code, unit_t.c.name, unit_t.c.kind, shown.c.depth, *sums)
        .select_from(shown)
        .join(unit_t, unit_t.c.id == shown.c.descendant_id)
        .join(below, below.c.ancestor_id == shown.c.descendant_id)
        .join(own, own.c.unit_id == below.c.descendant_id)
        .where(shown.c.ancestor_id == top)
        .group_by(unit_t.c.code, unit_t.c.name, unit_t.c.kind, shown.c.depth)
    )
    if max_depth is not None:
        query = query.where(shown.c.depth <= max_depth)
    return [dict(row._mapping) for row in conn.execute(query)]
