"""Opening award rounds (发起评选), their quotas, and listing them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ...model.errors import InvalidRecord, Problem
from ...store import audit
from ...store.engine import insert_id
from ...store.tables import unit_t
from ...store.tables_people import nomination_t, round_t
from ...store.tree import ancestors, subtree_ids
from ...workspace import ActorSession
from .. import _access
from ..programmes import Catalogue, Programme
from . import access
from .model import RoundInfo


def open_round(
    session: ActorSession,
    catalogue: Catalogue,
    programme: str,
    year: int,
    *,
    unit: str | None = None,
    opened_on: date | None = None,
    reference_date: date | None = None,
    quota: int | None = None,
    places: int | None = None,
    title: str | None = None,
) -> RoundInfo:
    """Open ``year``'s round of an award ``programme``, organised by ``unit`` (default: actor).

    The programme's definition is stored with the round. ``quota`` (nominations per nominating
    unit), ``places`` and ``reference_date`` default to the programme's.
    """
    spec = catalogue.get(programme, kind="award")
    assert spec.award is not None
    for name, value in (("quota", quota), ("places", places)):
        if value is not None and value < 1:
            raise InvalidRecord([Problem(name, "must be at least 1")], what="round")
    with session.workspace.engine.begin() as conn:
        organiser = _access.unit(conn, session.actor, unit or session.actor.code)
        exists = conn.execute(
            sa.select(round_t.c.id).where(
                round_t.c.programme == spec.key,
                round_t.c.year == year,
                round_t.c.organiser_id == organiser.id,
            )
        ).first()
        if exists:
            raise InvalidRecord(
                [Problem("year", f"{organiser.code} already has a {year} round of {spec.key}")],
                what="round",
            )
        values = {
            "programme": spec.key,
            "year": year,
            "organiser_id": organiser.id,
            "title": title or f"{year}年度{spec.award.honour_title}评选",
            "reference_date": reference_date or spec.award.reference_date(year),
            "quota": quota or spec.award.quota_per_unit,
            "quota_overrides": {},
            "places": places or spec.award.places,
            "spec": spec.spec(),
            "status": "open",
            "opened_on": opened_on or _access.today(),
        }
        round_id = insert_id(conn, round_t.insert().values(**values))
        audit.record(
            conn,
            session.actor,
            "create",
            "award_round",
            f"{spec.key}/{year}@{organiser.code}",
            unit_id=organiser.id,
            detail={k: v for k, v in values.items() if k != "spec"},
        )
    return round_info(session, round_id)


def set_quota(session: ActorSession, ref: str | int, unit: str, quota: int) -> None:
    """Give nominating ``unit`` a quota of its own in the round (overrides the round's)."""
    if quota < 0:
        raise InvalidRecord([Problem("quota", "must not be negative")], what="quota")
    with session.workspace.engine.begin() as conn:
        row = access.resolve(conn, session.actor, ref, lock=True)
        access.require_manager(conn, session.actor, row, "set quotas")
        access.require_status(row, "open", what="set quotas")
        target = _access.unit(conn, session.actor, unit)
        overrides = {**(row.quota_overrides or {}), target.code: quota}
        conn.execute(
            round_t.update().where(round_t.c.id == row.id).values(quota_overrides=overrides)
        )
        audit.record(
            conn,
            session.actor,
            "set",
            "award_quota",
            f"{row.programme}/{row.year}@{row.organiser_code}/{target.code}",
            unit_id=row.organiser_id,
            detail={"unit": target.code, "quota": quota},
        )


def programme_of(row: Any) -> Programme:
    """The programme as it stood when the round opened."""
    return Programme.model_validate(row.spec)


def _info(row: Any, nominations: int = 0, winners: int = 0) -> RoundInfo:
    spec = row.spec or {}
    return RoundInfo(
        id=row.id,
        programme=row.programme,
        label_zh=spec.get("label_zh", row.programme),
        label_en=spec.get("label_en", row.programme),
        year=row.year,
        organiser_code=row.organiser_code,
        organiser_name=row.organiser_name,
        title=row.title,
        reference_date=row.reference_date,
        quota=row.quota,
        places=row.places,
        status=row.status,
        opened_on=row.opened_on,
        decided_on=row.decided_on,
        notice_starts_on=row.notice_starts_on,
        notice_ends_on=row.notice_ends_on,
        closed_on=row.closed_on,
        nominations=nominations,
        winners=winners,
    )


def round_info(session: ActorSession, ref: str | int) -> RoundInfo:
    with session.workspace.read() as conn:
        row = access.resolve(conn, session.actor, ref)
        counts = _counts(conn, session, [row])
    return _info(row, *counts.get(row.id, (0, 0)))


def list_rounds(session: ActorSession, *, year: int | None = None) -> list[RoundInfo]:
    """Rounds the actor manages (organised in its subtree) or may nominate into (above it)."""
    with session.workspace.read() as conn:
        above = ancestors(conn, session.actor.unit_id)
        query = (
            sa.select(
                round_t,
                unit_t.c.code.label("organiser_code"),
                unit_t.c.name.label("organiser_name"),
            )
            .join(unit_t, unit_t.c.id == round_t.c.organiser_id)
            .where(
                sa.or_(
                    round_t.c.organiser_id.in_(
                        subtree_ids(session.actor.unit_id).scalar_subquery()
                    ),
                    round_t.c.organiser_id.in_(above),
                )
            )
            .order_by(round_t.c.year.desc(), round_t.c.programme, unit_t.c.code)
        )
        if year is not None:
            query = query.where(round_t.c.year == year)
        rows = conn.execute(query).all()
        counts = _counts(conn, session, rows)
    return [_info(r, *counts.get(r.id, (0, 0))) for r in rows]


def _counts(
    conn: Connection, session: ActorSession, rows: Sequence[Any]
) -> dict[int, tuple[int, int]]:
    """Nominations and winners per round, counting only what the actor may see."""
    if not rows:
        return {}
    own = subtree_ids(session.actor.unit_id).scalar_subquery()
    managed = [r.id for r in rows if access.manages(conn, session.actor, r)]
    visible = sa.or_(nomination_t.c.round_id.in_(managed), nomination_t.c.unit_id.in_(own))
    winners = sa.func.sum(sa.case((nomination_t.c.status == "winner", 1), else_=0))
    result = conn.execute(
        sa.select(nomination_t.c.round_id, sa.func.count(), winners)
        .where(nomination_t.c.round_id.in_([r.id for r in rows]), visible)
        .group_by(nomination_t.c.round_id)
    ).all()
    return {r[0]: (int(r[1]), int(r[2] or 0)) for r in result}
