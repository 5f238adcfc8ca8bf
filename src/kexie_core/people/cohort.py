"""Cohorts of programmes (人才项目对象), first of all the youth lifting programme (托举工程).

The cohort of a programme on a day is everyone in the actor's subtree who meets its rules — for
``youth_lifting``: doctoral students and postdocs (博士研究生、博士后) **under 32** on that day,
i.e. ``age < 32`` with the birthday counting as reached (a person is 32 on their 32nd birthday and
no longer in the cohort that day). The age limit is configurable (``age_under``).

Support (托举支持) is recorded per member: by which unit, since when, until when. The listing shows
the eligible and, beside them, those still supported who no longer meet the rules (aged out,
finished the doctorate), with the reason. Membership of the cohort is one SQL query with the
programme's rules (``kexie_core.people.rules``), the same mechanism as the awards'.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from ..model.enums import StudyStatus
from ..model.errors import InvalidRecord, Problem
from ..store import audit
from ..store.engine import insert_id
from ..store.scope import require_in_scope
from ..store.tables import member_t, unit_t
from ..store.tables_people import support_t
from ..store.tree import subtree_ids
from ..workspace import ActorSession
from . import _access
from .ages import age_on
from .programmes import Catalogue, Programme, default_catalogue
from .rules import AgeUnder, RuleSet

YOUTH_LIFTING = "youth_lifting"


@dataclass(frozen=True)
class CohortMember:
    """One person of a cohort listing (number and name; never ID or phone numbers)."""

    member_no: str
    name: str
    unit_code: str
    unit_name: str
    study_status: str
    age: int | None
    eligible: bool
    supported: bool
    since: date | None = None
    supporting_unit_code: str | None = None
    supporting_unit_name: str | None = None
    reasons_zh: str = ""
    reasons_en: str = ""

    def as_row(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "member_no": self.member_no,
            "name": self.name,
            "unit_code": self.unit_code,
            "unit": self.unit_name,
            "study_status": self.study_status,
            "study_status_label": StudyStatus.parse(self.study_status).label(lang),
            "age": self.age,
            "eligible": self.eligible,
            "supported": self.supported,
            "since": self.since,
            "supporting_unit_code": self.supporting_unit_code,
            "supporting_unit": self.supporting_unit_name,
            "reasons": self.reasons_zh if lang == "zh" else self.reasons_en,
        }


def programme_rules(programme: Programme, age_under: int | None = None) -> RuleSet:
    """The programme's rules, with the ``age_under`` limit replaced when one is given."""
    if age_under is None:
        return programme.ruleset
    if age_under < 1:
        raise ValueError(f"age_under must be at least 1, got {age_under}")
    rules = [
        r.model_copy(update={"years": age_under}) if isinstance(r, AgeUnder) else r
        for r in programme.rules
    ]
    if not any(isinstance(r, AgeUnder) for r in rules):
        rules.append(AgeUnder(years=age_under))
    return RuleSet(rules=rules)


def _active_support(key: str, on: date) -> Any:
    return (
        sa.select(support_t)
        .where(
            support_t.c.programme == key,
            support_t.c.since <= on,
            sa.or_(support_t.c.until.is_(None), support_t.c.until > on),
        )
        .subquery("support")
    )


def cohort(
    session: ActorSession,
    programme: str = YOUTH_LIFTING,
    *,
    on: date | None = None,
    unit: str | None = None,
    age_under: int | None = None,
    catalogue: Catalogue | None = None,
) -> list[CohortMember]:
    """The cohort on ``on`` (default today) under ``unit`` (default: the actor), by unit."""
    spec = (catalogue or default_catalogue()).get(programme, kind="cohort")
    day = on or _access.today()
    rules = programme_rules(spec, age_under)
    ctx = spec.context(day)
    eligible = rules.predicate(ctx)
    support = _active_support(spec.key, day)
    supporter = unit_t.alias("supporter")
    with session.workspace.read() as conn:
        top = _access.top_unit_id(conn, session.actor, unit)
        rows = conn.execute(
            sa.select(
                member_t.c.id,
                member_t.c.member_no,
                member_t.c.name,
                member_t.c.birth_date,
                member_t.c.study_status,
                unit_t.c.code.label("unit_code"),
                unit_t.c.name.label("unit_name"),
                sa.case((eligible, 1), else_=0).label("eligible"),
                support.c.since,
                supporter.c.code.label("supporter_code"),
                supporter.c.name.label("supporter_name"),
            )
            .join(unit_t, unit_t.c.id == member_t.c.unit_id)
            .outerjoin(support, support.c.member_id == member_t.c.id)
            .outerjoin(supporter, supporter.c.id == support.c.unit_id)
            .where(
                member_t.c.unit_id.in_(subtree_ids(top).scalar_subquery()),
                sa.or_(eligible, support.c.id.is_not(None)),
            )
            .order_by(unit_t.c.code, member_t.c.member_no)
        ).all()
        aged_out = [r.id for r in rows if not r.eligible]
        verdicts = rules.evaluate(conn, aged_out, ctx)
    result = []
    for r in rows:
        failures = verdicts[r.id].failures if r.id in verdicts else []
        result.append(
            CohortMember(
                member_no=r.member_no,
                name=r.name,
                unit_code=r.unit_code,
                unit_name=r.unit_name,
                study_status=r.study_status,
                age=age_on(r.birth_date, day) if r.birth_date else None,
                eligible=bool(r.eligible),
                supported=r.since is not None,
                since=r.since,
                supporting_unit_code=r.supporter_code,
                supporting_unit_name=r.supporter_name,
                reasons_zh="；".join(f.message("zh") for f in failures),
                reasons_en="; ".join(f.message("en") for f in failures),
            )
        )
    return result


def add_support(
    session: ActorSession,
    member_no: str,
    *,
    programme: str = YOUTH_LIFTING,
    since: date | None = None,
    unit: str | None = None,
    note: str | None = None,
    catalogue: Catalogue | None = None,
) -> int:
    """Record that ``unit`` (default: the actor) supports ``member_no`` from ``since``.

    Refused, with the rule that failed, unless the member is eligible on ``since``; refused too
    while another support of the same programme is in force.
    """
    spec = (catalogue or default_catalogue()).get(programme, kind="cohort")
    day = since or _access.today()
    with session.workspace.engine.begin() as conn:
        supporter = _access.unit(conn, session.actor, unit or session.actor.code)
        person = _access.member(conn, session.actor, member_no)
        verdict = spec.ruleset.evaluate(conn, [person.id], spec.context(day))[person.id]
        problems = [
            Problem(r.rule, f"{r.message('zh')} / {r.message('en')}") for r in verdict.failures
        ]
        active = _active_support(spec.key, day)
        if conn.execute(sa.select(active.c.id).where(active.c.member_id == person.id)).first():
            problems.append(Problem("member_no", f"{member_no} is already supported on {day}"))
        if problems:
            raise InvalidRecord(problems, what="support", key=member_no)
        values = {
            "programme": spec.key,
            "member_id": person.id,
            "unit_id": supporter.id,
            "since": day,
            "note": note,
        }
        support_id = insert_id(conn, support_t.insert().values(**values))
        audit.record(
            conn,
            session.actor,
            "create",
            "programme_support",
            f"{spec.key}/{member_no}",
            unit_id=supporter.id,
            detail={"member_no": member_no, "since": day, "unit": supporter.code, "note": note},
        )
    return int(support_id)


def end_support(
    session: ActorSession, member_no: str, *, until: date, programme: str = YOUTH_LIFTING
) -> None:
    """End the support in force for ``member_no`` (the last day is the day before ``until``)."""
    with session.workspace.engine.begin() as conn:
        person = _access.member(conn, session.actor, member_no)
        active = _active_support(programme, until - timedelta(days=1))
        found = conn.execute(
            sa.select(active.c.id, active.c.unit_id, active.c.since).where(
                active.c.member_id == person.id
            )
        ).first()
        if found is None:
            raise InvalidRecord([Problem("member_no", f"{member_no} has no support in force")])
        require_in_scope(conn, session.actor, found.unit_id, "a support")
        if until <= found.since:
            raise InvalidRecord([Problem("until", f"must be after {found.since}")])
        conn.execute(support_t.update().where(support_t.c.id == found.id).values(until=until))
        audit.record(
            conn,
            session.actor,
            "update",
            "programme_support",
            f"{programme}/{member_no}",
            unit_id=found.unit_id,
            detail={"until": until},
        )
