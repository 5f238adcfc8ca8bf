"""Finding a round for an actor, and who may do what with it.

A round is named ``programme/year`` (optionally ``@ORGANISER``, or by its numeric id). Without an
organiser, the nearest round up the tree is meant: a county nominating into the municipal round
writes ``youth_st_award/2026``; if the county runs a round of its own that year, that one.

* The organiser, and any unit above it, manages the round (scores, decision, notice, objections).
* A unit at or below the organiser nominates into it, and sees its own nominations only.
* Nobody else sees the round at all.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ...store.scope import Actor, NotFound, ScopeError
from ...store.tables import tree_t, unit_t
from ...store.tables_people import round_t
from ...store.tree import is_descendant
from .model import ROUND_STATUS, AwardStateError

_REF = re.compile(r"^(?P<programme>[a-z][a-z0-9_]*)/(?P<year>\d{4})(?:@(?P<organiser>\S+))?$")


def parse_ref(ref: str | int) -> tuple[int | None, str | None, int | None, str | None]:
    """(id, programme, year, organiser code) from ``12`` or ``youth_st_award/2026[@371300]``."""
    if isinstance(ref, int) or str(ref).strip().isdigit():
        return int(ref), None, None, None
    match = _REF.match(str(ref).strip())
    if match is None:
        raise ValueError(
            f"not a round: {ref!r}; write PROGRAMME/YEAR (e.g. youth_st_award/2026), "
            "optionally @ORGANISER_CODE, or the round's number"
        )
    return None, match["programme"], int(match["year"]), match["organiser"]


def resolve(conn: Connection, actor: Actor, ref: str | int, *, lock: bool = False) -> Any:
    """The round named by ``ref`` that the actor may see (its row, with organiser code/name)."""
    round_id, programme, year, organiser = parse_ref(ref)
    query = sa.select(
        round_t, unit_t.c.code.label("organiser_code"), unit_t.c.name.label("organiser_name")
    ).join(unit_t, unit_t.c.id == round_t.c.organiser_id)
    if round_id is not None:
        rows = conn.execute(query.where(round_t.c.id == round_id)).all()
    else:
        query = query.where(round_t.c.programme == programme, round_t.c.year == year)
        if organiser is not None:
            query = query.where(unit_t.c.code == organiser)
        rows = conn.execute(query).all()
    visible = [r for r in rows if _relation(conn, actor, r.organiser_id) is not None]
    if not visible:
        raise NotFound(f"no round {ref} that {actor.code} may see")
    if len(visible) > 1:
        above = [r for r in visible if is_descendant(conn, r.organiser_id, actor.unit_id)]
        if above:  # the nearest organiser at or above the actor (itself first)
            depth = {r.id: _depth(conn, r.organiser_id, actor.unit_id) for r in above}
            visible = [min(above, key=lambda r: depth[r.id])]
        else:
            codes = ", ".join(sorted(r.organiser_code for r in visible))
            raise ValueError(f"several rounds match {ref} (organisers {codes}); add @CODE")
    row = visible[0]
    if lock:  # serialise nominations into one round (the quota check) on PostgreSQL
        conn.execute(sa.select(round_t.c.id).where(round_t.c.id == row.id).with_for_update())
    return row


def _relation(conn: Connection, actor: Actor, organiser_id: int) -> str | None:
    if actor.is_root or is_descendant(conn, actor.unit_id, organiser_id):
        return "below"  # the actor manages it (at or above the organiser)
    if is_descendant(conn, organiser_id, actor.unit_id):
        return "above"  # the organiser is above the actor: the actor may nominate
    return None


def _depth(conn: Connection, ancestor_id: int, unit_id: int) -> int:
    return int(
        conn.execute(
            sa.select(tree_t.c.depth).where(
                tree_t.c.ancestor_id == ancestor_id, tree_t.c.descendant_id == unit_id
            )
        ).scalar_one()
    )


def manages(conn: Connection, actor: Actor, round_row: Any) -> bool:
    """The actor is the organiser or a unit above it."""
    return actor.is_root or is_descendant(conn, actor.unit_id, round_row.organiser_id)


def require_manager(conn: Connection, actor: Actor, round_row: Any, what: str) -> None:
    if not manages(conn, actor, round_row):
        raise ScopeError(
            f"{actor} may not {what} in round {round_row.programme}/{round_row.year}: only its "
            f"organiser {round_row.organiser_code} (or a unit above it) may"
        )


def require_status(round_row: Any, *allowed: str, what: str) -> None:
    if round_row.status not in allowed:
        now = ROUND_STATUS.get(round_row.status, (round_row.status,))[0]
        need = "、".join(ROUND_STATUS[s][0] for s in allowed)
        raise AwardStateError(
            f"cannot {what}: round {round_row.programme}/{round_row.year} is {round_row.status} "
            f"({now}); this step needs {'/'.join(allowed)} ({need})"
        )
