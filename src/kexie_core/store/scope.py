"""Actors and scope: every read and write acts as a unit, and sees only that unit's subtree."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .tables import unit_t
from .tree import is_descendant, subtree_ids


class ScopeError(PermissionError):
    """An actor tried to read or change something outside its own subtree."""


class NotFound(LookupError):
    """A unit, member or other record named by its key does not exist (or is not visible)."""


@dataclass(frozen=True)
class Actor:
    """The unit on whose behalf a read or write happens (``--as CODE`` on the CLI)."""

    unit_id: int
    code: str
    name: str
    is_root: bool

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


def actor_for(conn: Connection, code: str | None) -> Actor:
    """The actor for unit ``code``; ``None`` means the root unit (the municipal association)."""
    if code is None:
        rows = conn.execute(
            sa.select(unit_t.c.id, unit_t.c.code, unit_t.c.name).where(unit_t.c.parent_id.is_(None))
        ).all()
        if not rows:
            raise NotFound("there are no units yet: add the root unit first (kexie import units)")
        if len(rows) > 1:
            codes = ", ".join(r.code for r in rows)
            raise ScopeError(f"there are several root units ({codes}); choose one with --as CODE")
        first = rows[0]
        return Actor(first.id, first.code, first.name, True)
    row = conn.execute(
        sa.select(unit_t.c.id, unit_t.c.code, unit_t.c.name, unit_t.c.parent_id).where(
            unit_t.c.code == code
        )
    ).first()
    if row is None:
        raise NotFound(f"unit {code!r} does not exist")
    return Actor(row.id, row.code, row.name, row.parent_id is None)


def can_see(conn: Connection, actor: Actor, unit_id: int) -> bool:
    return actor.is_root or is_descendant(conn, actor.unit_id, unit_id)


def require_in_scope(conn: Connection, actor: Actor, unit_id: int, what: str = "") -> None:
    """Raise ScopeError unless ``unit_id`` lies in the actor's subtree."""
    if not can_see(conn, actor, unit_id):
        code = conn.execute(sa.select(unit_t.c.code).where(unit_t.c.id == unit_id)).scalar()
        target = f"{what} of unit {code}" if what else f"unit {code}"
        raise ScopeError(
            f"{actor} may not read or change {target}: it is outside {actor.code}'s subtree"
        )


def visible_unit_ids(actor: Actor) -> sa.Select[tuple[int]]:
    """Ids of every unit the actor may see, as a subquery-ready select."""
    return subtree_ids(actor.unit_id)
