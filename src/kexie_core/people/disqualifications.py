"""Records that bar a member from selections (取消资格记录), read by ``no_disqualifying_record``.

A record is in force from ``noted_on`` until the day before ``expires_on`` (for ever without one).
Its ``note`` may say what happened; the listing shows it only to the member's own subtree.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from ..model.dates import parse_date
from ..model.errors import InvalidRecord, Problem
from ..store import audit
from ..store.engine import insert_id
from ..store.tables import member_t
from ..store.tables_people import disqualification_t
from ..store.tree import subtree_ids
from ..workspace import ActorSession
from . import _access
from .occasions import DisqualificationKind


def add_disqualification(
    session: ActorSession,
    member_no: str,
    kind: str,
    *,
    noted_on: date | str,
    expires_on: date | str | None = None,
    note: str | None = None,
) -> int:
    """Record a disqualifying record for a member kept in the actor's subtree."""
    problems = []
    try:
        kind_key = DisqualificationKind.parse(kind).value
    except ValueError as exc:
        problems.append(Problem("kind", str(exc)))
    try:
        start = parse_date(noted_on)
        end = None if expires_on in (None, "") else parse_date(expires_on)
    except ValueError as exc:
        problems.append(Problem("noted_on/expires_on", str(exc)))
    else:
        if end is not None and end <= start:
            problems.append(Problem("expires_on", "must be after noted_on"))
    if note is not None and len(note) > 300:
        problems.append(Problem("note", "at most 300 characters"))
    if problems:
        raise InvalidRecord(problems, what="disqualification", key=member_no)
    with session.workspace.engine.begin() as conn:
        person = _access.member(conn, session.actor, member_no)
        values = {
            "member_id": person.id,
            "kind": kind_key,
            "noted_on": start,
            "expires_on": end,
            "note": note,
        }
        row_id = insert_id(conn, disqualification_t.insert().values(**values))
        audit.record(
            conn,
            session.actor,
            "create",
            "disqualification",
            member_no,
            unit_id=person.unit_id,
            detail={"kind": kind_key, "noted_on": start, "expires_on": end},
        )
    return int(row_id)


def disqualifications(session: ActorSession, *, unit: str | None = None) -> list[dict[str, Any]]:
    """Disqualifying records of members kept in the actor's subtree (or ``unit``'s)."""
    with session.workspace.read() as conn:
        top = _access.top_unit_id(conn, session.actor, unit)
        rows = conn.execute(
            sa.select(disqualification_t, member_t.c.member_no, member_t.c.name)
            .join(member_t, member_t.c.id == disqualification_t.c.member_id)
            .where(member_t.c.unit_id.in_(subtree_ids(top).scalar_subquery()))
            .order_by(member_t.c.member_no, disqualification_t.c.noted_on)
        ).all()
    return [
        {
            "member_no": r.member_no,
            "name": r.name,
            "kind": r.kind,
            "noted_on": r.noted_on,
            "expires_on": r.expires_on,
            "note": r.note,
        }
        for r in rows
    ]


__all__ = ["add_disqualification", "disqualifications"]
