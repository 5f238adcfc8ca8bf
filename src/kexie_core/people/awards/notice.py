"""Public notice (公示), objections (异议) and the final award (表彰).

The notice runs ``notice_days`` calendar days from its first day, both ends included. Objections
are recorded by the round's managers on a day inside the window, against a selected nominee; an
upheld objection removes the nominee (the next-ranked is not promoted automatically: a new
decision is the organiser's to make). ``finalise`` is allowed from the day after the notice ends,
when no objection is pending: the remaining selected nominees become winners, each gets an honour
(``honour.programme`` = the programme key), and the round is recorded as an ``award_selection``
work item (area 4) of the organiser, linking the winners.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ...model.errors import InvalidRecord, Problem
from ...store import audit
from ...store.engine import insert_id
from ...store.tables import honour_t, member_t, work_member_t
from ...store.tables_people import nomination_t, objection_t, round_t
from ...workspace import ActorSession
from .. import _access
from . import access
from .model import AwardStateError, ObjectionInfo
from .rounds import programme_of


def open_notice(
    session: ActorSession, ref: str | int, *, starts_on: date | None = None, days: int | None = None
) -> tuple[date, date]:
    """Publish the selection for objections; returns the notice window (first day, last day)."""
    with session.workspace.engine.begin() as conn:
        row = access.resolve(conn, session.actor, ref, lock=True)
        access.require_manager(conn, session.actor, row, "publish the notice")
        access.require_status(row, "decided", what="publish the notice")
        award = programme_of(row).award
        assert award is not None
        length = days if days is not None else award.notice_days
        if length < 1:
            raise InvalidRecord([Problem("days", "the notice lasts at least 1 day")], what="notice")
        first = starts_on or _access.today()
        last = first + timedelta(days=length - 1)
        conn.execute(
            round_t.update()
            .where(round_t.c.id == row.id)
            .values(status="notice", notice_starts_on=first, notice_ends_on=last)
        )
        audit.record(
            conn,
            session.actor,
            "notice",
            "award_round",
            f"{row.programme}/{row.year}@{row.organiser_code}",
            unit_id=row.organiser_id,
            detail={"from": first, "to": last},
        )
    return first, last


def lodge_objection(
    session: ActorSession,
    ref: str | int,
    member_no: str,
    summary: str,
    *,
    lodged_on: date | None = None,
    lodged_by: str | None = None,
) -> int:
    """Record an objection to a selected nominee, received on ``lodged_on`` (in the window)."""
    summary = (summary or "").strip()
    if not summary or len(summary) > 500:
        raise InvalidRecord([Problem("summary", "say what the objection is (≤ 500 characters)")])
    with session.workspace.engine.begin() as conn:
        row = access.resolve(conn, session.actor, ref, lock=True)
        access.require_manager(conn, session.actor, row, "record objections")
        access.require_status(row, "notice", what="record an objection")
        day = lodged_on or _access.today()
        if not row.notice_starts_on <= day <= row.notice_ends_on:
            raise AwardStateError(
                f"an objection received on {day} is outside the notice window "
                f"{row.notice_starts_on}–{row.notice_ends_on} (不在公示期内)"
            )
        nomination = conn.execute(
            sa.select(nomination_t.c.id, nomination_t.c.status)
            .join(member_t, member_t.c.id == nomination_t.c.member_id)
            .where(nomination_t.c.round_id == row.id, member_t.c.member_no == member_no)
        ).first()
        if nomination is None or nomination.status != "selected":
            raise InvalidRecord(
                [Problem("member_no", f"{member_no} is not a selected nominee of this round")],
                what="objection",
            )
        objection_id = insert_id(
            conn,
            objection_t.insert().values(
                nomination_id=nomination.id,
                lodged_on=day,
                lodged_by=lodged_by,
                summary=summary,
                status="pending",
            ),
        )
        audit.record(
            conn,
            session.actor,
            "create",
            "award_objection",
            f"{row.programme}/{row.year}@{row.organiser_code}/{member_no}",
            unit_id=row.organiser_id,
            detail={"lodged_on": day, "lodged_by": lodged_by, "summary": summary},
        )
    return int(objection_id)


def resolve_objection(
    session: ActorSession,
    objection_id: int,
    *,
    upheld: bool,
    resolution: str,
    on: date | None = None,
) -> None:
    """Close an objection after checking it (核实): upheld removes the nominee."""
    if not (resolution or "").strip():
        raise InvalidRecord([Problem("resolution", "say what checking found")])
    with session.workspace.engine.begin() as conn:
        found = conn.execute(
            sa.select(objection_t.c.status, nomination_t.c.id, nomination_t.c.round_id)
            .join(nomination_t, nomination_t.c.id == objection_t.c.nomination_id)
            .where(objection_t.c.id == objection_id)
        ).first()
        if found is None:
            raise InvalidRecord([Problem("objection", f"no objection {objection_id}")])
        row = access.resolve(conn, session.actor, found.round_id, lock=True)
        access.require_manager(conn, session.actor, row, "resolve objections")
        access.require_status(row, "notice", what="resolve an objection")
        if found.status != "pending":
            raise AwardStateError(f"objection {objection_id} is already {found.status}")
        status = "upheld" if upheld else "dismissed"
        conn.execute(
            objection_t.update()
            .where(objection_t.c.id == objection_id)
            .values(status=status, resolved_on=on or _access.today(), resolution=resolution.strip())
        )
        if upheld:
            conn.execute(
                nomination_t.update().where(nomination_t.c.id == found.id).values(status="removed")
            )
        audit.record(
            conn,
            session.actor,
            "resolve",
            "award_objection",
            str(objection_id),
            unit_id=row.organiser_id,
            detail={"status": status, "resolution": resolution.strip()},
        )


def list_objections(session: ActorSession, ref: str | int) -> list[ObjectionInfo]:
    with session.workspace.read() as conn:
        row = access.resolve(conn, session.actor, ref)
        access.require_manager(conn, session.actor, row, "read objections")
        rows = conn.execute(
            sa.select(objection_t, member_t.c.member_no, member_t.c.name)
            .join(nomination_t, nomination_t.c.id == objection_t.c.nomination_id)
            .join(member_t, member_t.c.id == nomination_t.c.member_id)
            .where(nomination_t.c.round_id == row.id)
            .order_by(objection_t.c.lodged_on, objection_t.c.id)
        ).all()
    return [
        ObjectionInfo(
            id=r.id,
            member_no=r.member_no,
            name=r.name,
            lodged_on=r.lodged_on,
            lodged_by=r.lodged_by,
            summary=r.summary,
            status=r.status,
            resolved_on=r.resolved_on,
            resolution=r.resolution,
        )
        for r in rows
    ]


def finalise(session: ActorSession, ref: str | int, *, on: date | None = None) -> int:
    """Award the round: selected nominees become winners with an honour; returns their number."""
    with session.workspace.engine.begin() as conn:
        row = access.resolve(conn, session.actor, ref, lock=True)
        access.require_manager(conn, session.actor, row, "finalise")
        access.require_status(row, "notice", what="finalise")
        day = on or _access.today()
        if day <= row.notice_ends_on:
            raise AwardStateError(
                f"the notice runs until {row.notice_ends_on}; finalise from the day after"
            )
        in_round = nomination_t.c.round_id == row.id
        pending = (
            conn.execute(
                sa.select(member_t.c.member_no)
                .join(nomination_t, nomination_t.c.member_id == member_t.c.id)
                .join(objection_t, objection_t.c.nomination_id == nomination_t.c.id)
                .where(in_round, objection_t.c.status == "pending")
            )
            .scalars()
            .all()
        )
        if pending:
            raise AwardStateError(
                f"objections to {', '.join(sorted(set(pending)))} are still pending (待核实)"
            )
        programme = programme_of(row)
        award = programme.award
        assert award is not None
        conn.execute(
            honour_t.insert().from_select(
                ["member_id", "title", "level", "awarded_on", "awarding_body", "programme"],
                sa.select(
                    nomination_t.c.member_id,
                    sa.literal(award.honour_title, sa.String()),
                    sa.literal(award.honour_level, sa.String()),
                    sa.literal(day, sa.Date()),
                    sa.literal(award.awarding_body or row.organiser_name, sa.String()),
                    sa.literal(programme.key, sa.String()),
                ).where(in_round, nomination_t.c.status == "selected"),
            )
        )
        winners = conn.execute(
            nomination_t.update()
            .where(in_round, nomination_t.c.status == "selected")
            .values(status="winner")
        ).rowcount
        nominees = conn.execute(sa.select(sa.func.count()).where(in_round)).scalar_one()
        conn.execute(
            round_t.update().where(round_t.c.id == row.id).values(status="closed", closed_on=day)
        )
        _record_selection(session, conn, row, programme.label_zh, day, nominees, winners)
        audit.record(
            conn,
            session.actor,
            "finalise",
            "award_round",
            f"{row.programme}/{row.year}@{row.organiser_code}",
            unit_id=row.organiser_id,
            detail={"winners": winners, "nominees": nominees, "awarded_on": day},
        )
    return int(winners)


def _record_selection(
    session: ActorSession,
    conn: Connection,
    row: Any,
    label: str,
    day: date,
    nominees: int,
    winners: int,
) -> None:
    """The round as an ``award_selection`` work item, so that area-4 metrics count it."""
    item = session.prepare_work_item(
        {
            "kind": "award_selection",
            "unit": row.organiser_code,
            "title": row.title,
            "started_on": row.opened_on,
            "ended_on": day,
            "external_id": f"award-round-{row.id}",
            "participants": nominees,
            "details": {"programme": label, "nominees": nominees, "winners": winners},
        }
    )
    # Through the session's work-item write: an accepted report covering the round's opening
    # day refuses it (and so the whole finalisation) until the report is reopened.
    item_id = session.write_work_item(conn, item, row.organiser_id)
    conn.execute(
        work_member_t.insert().from_select(
            ["work_item_id", "member_id", "role"],
            sa.select(
                sa.literal(item_id, sa.Integer()),
                nomination_t.c.member_id,
                sa.literal("winner", sa.String()),
            ).where(nomination_t.c.round_id == row.id, nomination_t.c.status == "winner"),
        )
    )
