"""Nominations (推荐): by a unit, within its quota, for an eligible member of its subtree.

A nomination is refused — nothing is written — with every problem named: the rule that failed
(``age_at_most: 年龄不超过40周岁（以2026-12-31计）：2026-12-31时41周岁``), the quota, a member
outside the nominating unit's subtree, a second nomination of the same member.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from ...model.errors import Problem
from ...store import audit
from ...store.engine import insert_id
from ...store.scope import ScopeError
from ...store.tables import member_t, unit_t
from ...store.tables_people import nomination_t, objection_t
from ...store.tree import is_descendant, subtree_ids
from ...workspace import ActorSession
from .. import _access
from ..rules import Verdict
from . import access
from .model import NominationInfo, Refused
from .rounds import programme_of


def check(session: ActorSession, ref: str | int, member_no: str) -> Verdict:
    """Judge ``member_no`` against the round's rules without nominating (资格预审)."""
    with session.workspace.read() as conn:
        row = access.resolve(conn, session.actor, ref)
        nominee = _access.member(conn, session.actor, member_no)
        programme = programme_of(row)
        return programme.ruleset.evaluate(
            conn, [nominee.id], programme.context(row.reference_date)
        )[nominee.id]


def nominate(
    session: ActorSession,
    ref: str | int,
    member_no: str,
    *,
    unit: str | None = None,
    on: date | None = None,
    summary: str | None = None,
) -> NominationInfo:
    """Nominate ``member_no`` on behalf of ``unit`` (default: the actor) into the round."""
    with session.workspace.engine.begin() as conn:
        row = access.resolve(conn, session.actor, ref, lock=True)
        access.require_status(row, "open", what="nominate")
        nominator = _access.unit(conn, session.actor, unit or session.actor.code)
        if not is_descendant(conn, row.organiser_id, nominator.id):
            raise ScopeError(
                f"{nominator.code} is not under the round's organiser {row.organiser_code}"
            )
        nominee = _access.member(conn, session.actor, member_no)
        problems = []
        if not is_descendant(conn, nominator.id, nominee.unit_id):
            problems.append(
                Problem("member_no", f"{member_no} is not a member under {nominator.code}")
            )
        other = conn.execute(
            sa.select(unit_t.c.code)
            .join(nomination_t, nomination_t.c.unit_id == unit_t.c.id)
            .where(nomination_t.c.round_id == row.id, nomination_t.c.member_id == nominee.id)
        ).scalar()
        if other is not None:
            problems.append(Problem("member_no", f"{member_no} is already nominated by {other}"))
        quota = int((row.quota_overrides or {}).get(nominator.code, row.quota))
        used = conn.execute(
            sa.select(sa.func.count()).where(
                nomination_t.c.round_id == row.id, nomination_t.c.unit_id == nominator.id
            )
        ).scalar_one()
        if used >= quota:
            problems.append(
                Problem(
                    "quota",
                    f"{nominator.code} has used its quota: {used} of {quota} nomination(s) "
                    f"(推荐名额已满)",
                )
            )
        programme = programme_of(row)
        verdict = programme.ruleset.evaluate(
            conn, [nominee.id], programme.context(row.reference_date)
        )[nominee.id]
        problems += [
            Problem(r.rule, f"{r.message('zh')} / {r.message('en')}") for r in verdict.failures
        ]
        if problems:
            raise Refused(problems, what="nomination", key=member_no)
        values = {
            "round_id": row.id,
            "member_id": nominee.id,
            "unit_id": nominator.id,
            "nominated_on": on or _access.today(),
            "summary": summary,
            "eligibility": [r.as_dict() for r in verdict.results],
            "status": "nominated",
        }
        nomination_id = insert_id(conn, nomination_t.insert().values(**values))
        audit.record(
            conn,
            session.actor,
            "create",
            "award_nomination",
            f"{row.programme}/{row.year}@{row.organiser_code}/{member_no}",
            unit_id=nominator.id,
            detail={"unit": nominator.code, "member_no": member_no, "summary": summary},
        )
    return NominationInfo(
        id=int(nomination_id),
        member_no=member_no,
        name=nominee.name,
        unit_code=nominator.code,
        unit_name=nominator.name,
        nominated_on=values["nominated_on"],
        status="nominated",
        eligibility=values["eligibility"],
        summary=summary,
    )


def list_nominations(session: ActorSession, ref: str | int) -> list[NominationInfo]:
    """The round's nominations: all of them for its managers, else the actor's subtree's own."""
    pending = (
        sa.select(objection_t.c.nomination_id, sa.func.count().label("n"))
        .where(objection_t.c.status == "pending")
        .group_by(objection_t.c.nomination_id)
        .subquery("pending")
    )
    with session.workspace.read() as conn:
        row = access.resolve(conn, session.actor, ref)
        query = (
            sa.select(
                nomination_t,
                member_t.c.member_no,
                member_t.c.name,
                unit_t.c.code.label("unit_code"),
                unit_t.c.name.label("unit_name"),
                sa.func.coalesce(pending.c.n, 0).label("pending"),
            )
            .join(member_t, member_t.c.id == nomination_t.c.member_id)
            .join(unit_t, unit_t.c.id == nomination_t.c.unit_id)
            .outerjoin(pending, pending.c.nomination_id == nomination_t.c.id)
            .where(nomination_t.c.round_id == row.id)
            .order_by(
                nomination_t.c.rank.is_(None),
                nomination_t.c.rank,
                unit_t.c.code,
                member_t.c.member_no,
            )
        )
        if not access.manages(conn, session.actor, row):
            query = query.where(
                nomination_t.c.unit_id.in_(subtree_ids(session.actor.unit_id).scalar_subquery())
            )
        rows = conn.execute(query).all()
    return [
        NominationInfo(
            id=r.id,
            member_no=r.member_no,
            name=r.name,
            unit_code=r.unit_code,
            unit_name=r.unit_name,
            nominated_on=r.nominated_on,
            status=r.status,
            score=r.score,
            reviewers=r.reviewers,
            rank=r.rank,
            objections=int(r.pending),
            eligibility=list(r.eligibility or []),
            summary=r.summary,
        )
        for r in rows
    ]
