"""Scope helpers shared by the people programmes: resolve units and members for an actor.

Every function takes the connection of the caller's transaction and refuses (``ScopeError``)
anything outside the actor's subtree; unknown keys are ``InvalidRecord`` naming the field.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..model.errors import InvalidRecord, Problem
from ..store.scope import Actor, require_in_scope
from ..store.tables import member_t, unit_t
from ..store.tree import subtree_ids
from .occasions import EXPERT_LEVELS


def unit(conn: Connection, actor: Actor, code: str, field: str = "unit") -> Any:
    """The unit ``code`` (id, code, name, parent_id), which must lie in the actor's subtree."""
    row = conn.execute(
        sa.select(unit_t.c.id, unit_t.c.code, unit_t.c.name, unit_t.c.parent_id).where(
            unit_t.c.code == code
        )
    ).first()
    if row is None:
        raise InvalidRecord([Problem(field, f"unit {code!r} does not exist")])
    require_in_scope(conn, actor, row.id)
    return row


def top_unit_id(conn: Connection, actor: Actor, code: str | None) -> int:
    """``--unit CODE`` (in scope) or, by default, the actor's own unit."""
    return int(unit(conn, actor, code).id) if code else actor.unit_id


def member(conn: Connection, actor: Actor, member_no: str, field: str = "member_no") -> Any:
    """The member ``member_no`` (id, member_no, name, unit_id, expert_level), kept in scope."""
    row = conn.execute(
        sa.select(
            member_t.c.id,
            member_t.c.member_no,
            member_t.c.name,
            member_t.c.unit_id,
            member_t.c.expert_level,
        ).where(member_t.c.member_no == member_no)
    ).first()
    if row is None:
        raise InvalidRecord([Problem(field, f"member {member_no!r} does not exist")])
    require_in_scope(conn, actor, row.unit_id, "a member")
    return row


def experts_under(top_id: int, on: date) -> sa.Select[Any]:
    """Experts (院士、高层次专家) whose record is kept under ``top_id`` and who have not left by
    ``on``: the experts the unit is responsible for."""
    return sa.select(member_t).where(
        member_t.c.expert_level.in_(EXPERT_LEVELS),
        member_t.c.unit_id.in_(subtree_ids(top_id).scalar_subquery()),
        sa.or_(member_t.c.left_on.is_(None), member_t.c.left_on > on),
    )


def today() -> date:
    return date.today()
