"""Visits to experts (走访看望专家, clause 8): record, list, count by occasion, care coverage.

A visit is a work item of kind ``expert_visit`` (area 8): the experts visited are its members, and
its ``details`` (``VisitDetails``) carry the occasion (festival, birthday, illness, achievement,
routine), the festival, the visitors, gifts or support given, and a follow-up date. Visits can also
be loaded with ``kexie import work-items``; ``add_visit`` is the convenience for one visit.

Care coverage (走访覆盖率) of a unit for a period = experts on record in its subtree at the end of
the period who were visited at least once in the period, by any unit ÷ those experts — the same
definition as the ``experts.care_coverage`` metric, computed here for one subtree in one query.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..model.errors import InvalidRecord, Problem
from ..model.period import Period
from ..store.tables import member_t, tree_t, unit_t, work_member_t, work_t
from ..store.tree import subtree_ids
from ..workspace import ActorSession
from . import _access
from .calendar import VISIT_KIND
from .occasions import EXPERT_LEVELS, Festival, VisitOccasion

_OCCASION = sa.func.coalesce(work_t.c.details["occasion"].as_string(), "routine")


@dataclass(frozen=True)
class Visit:
    """A visit as listed by ``kexie visits`` (experts by name; no personal numbers)."""

    id: int
    on: date
    unit_code: str
    unit_name: str
    title: str
    occasion: str
    festival: str | None
    experts: str
    visitors: list[str]
    gifts: str | None
    support: str | None
    follow_up_on: str | None

    def as_row(self, lang: str = "zh") -> dict[str, Any]:
        festival = self.festival
        if festival is not None and festival in Festival._value2member_map_:
            festival = Festival(festival).label(lang)
        occasion = self.occasion
        if occasion in VisitOccasion._value2member_map_:
            occasion = VisitOccasion(occasion).label(lang)
        return {
            "id": self.id,
            "date": self.on,
            "unit_code": self.unit_code,
            "unit": self.unit_name,
            "title": self.title,
            "occasion": self.occasion,
            "occasion_label": occasion,
            "festival": festival,
            "experts": self.experts,
            "visitors": "、".join(self.visitors) if lang == "zh" else ", ".join(self.visitors),
            "gifts": self.gifts,
            "support": self.support,
            "follow_up_on": self.follow_up_on,
        }


def add_visit(
    session: ActorSession,
    *,
    on: date | str,
    experts: Sequence[str],
    unit: str | None = None,
    occasion: str = "routine",
    festival: str | None = None,
    visitors: Sequence[str] | str = (),
    gifts: str | None = None,
    support: str | None = None,
    follow_up_on: date | str | None = None,
    notes: str | None = None,
    title: str | None = None,
    external_id: str | None = None,
) -> int:
    """Record a visit by ``unit`` (default: the actor) to ``experts`` (member numbers).

    Every expert must be an expert (院士 or 高层次专家) kept in the actor's subtree. Returns the
    work item's id; the write is validated and audited like any work item.
    """
    if not experts:
        raise InvalidRecord([Problem("experts", "name at least one expert visited")], what="visit")
    with session.workspace.read() as conn:
        names = []
        for i, member_no in enumerate(experts):
            row = _access.member(conn, session.actor, member_no, f"experts.{i}")
            if row.expert_level not in EXPERT_LEVELS:
                raise InvalidRecord(
                    [Problem(f"experts.{i}", f"{member_no} is not an expert (院士/高层次专家)")],
                    what="visit",
                )
            names.append(row.name)
    details = {
        "occasion": occasion,
        "festival": festival,
        "visitors": visitors,
        "gifts": gifts,
        "support": support,
        "follow_up_on": follow_up_on,
        "notes": notes,
    }
    if title is None:
        label = _occasion_label(occasion, festival)
        title = f"走访看望{'、'.join(names)}（{label}）"
    return session.add_work_item(
        {
            "kind": VISIT_KIND,
            "unit": unit or session.actor.code,
            "title": title[:300],
            "started_on": on,
            "external_id": external_id,
            "member_nos": list(experts),
            "details": {k: v for k, v in details.items() if v not in (None, "", ())},
        }
    )


def _occasion_label(occasion: str, festival: str | None) -> str:
    try:
        if festival:
            return Festival.parse(festival).label_zh
        return VisitOccasion.parse(occasion).label_zh
    except ValueError:
        return festival or occasion  # the details model reports the bad value with its field


def _visit_scope(
    session: ActorSession, conn: Connection, unit: str | None, period: Period | None
) -> list[sa.ColumnElement[bool]]:
    top = _access.top_unit_id(conn, session.actor, unit)
    where = [
        work_t.c.kind == VISIT_KIND,
        work_t.c.unit_id.in_(subtree_ids(top).scalar_subquery()),
    ]
    if period is not None:
        where.append(work_t.c.started_on.between(period.start, period.end))
    return where


def visits(
    session: ActorSession, *, period: Period | str | None = None, unit: str | None = None
) -> list[Visit]:
    """Visits recorded by units in the actor's subtree (or ``unit``'s), in date order."""
    span = Period.ensure(period) if period is not None else None
    names = (
        sa.select(
            work_member_t.c.work_item_id,
            sa.func.aggregate_strings(member_t.c.name, "、").label("experts"),
        )
        .join(member_t, member_t.c.id == work_member_t.c.member_id)
        .group_by(work_member_t.c.work_item_id)
        .subquery("names")
    )
    with session.workspace.read() as conn:
        rows = conn.execute(
            sa.select(
                work_t.c.id,
                work_t.c.started_on,
                work_t.c.title,
                work_t.c.details,
                unit_t.c.code,
                unit_t.c.name,
                names.c.experts,
            )
            .join(unit_t, unit_t.c.id == work_t.c.unit_id)
            .outerjoin(names, names.c.work_item_id == work_t.c.id)
            .where(*_visit_scope(session, conn, unit, span))
            .order_by(work_t.c.started_on, work_t.c.id)
        ).all()
    result = []
    for row in rows:
        details = row.details or {}
        visitors = details.get("visitors") or []
        result.append(
            Visit(
                id=row.id,
                on=row.started_on,
                unit_code=row.code,
                unit_name=row.name,
                title=row.title,
                occasion=details.get("occasion") or "routine",
                festival=details.get("festival"),
                experts=row.experts or "",
                visitors=list(visitors) if isinstance(visitors, list) else [str(visitors)],
                gifts=details.get("gifts"),
                support=details.get("support"),
                follow_up_on=details.get("follow_up_on"),
            )
        )
    return result


def visit_counts(
    session: ActorSession, *, period: Period | str | None = None, unit: str | None = None
) -> list[dict[str, Any]]:
    """Visits and distinct experts visited, per occasion, in one grouped query."""
    span = Period.ensure(period) if period is not None else None
    with session.workspace.read() as conn:
        where = _visit_scope(session, conn, unit, span)
        visits_by: dict[str, int] = dict(
            conn.execute(
                sa.select(_OCCASION, sa.func.count()).where(*where).group_by(_OCCASION)
            ).all()
        )
        experts_by: dict[str, int] = dict(
            conn.execute(
                sa.select(_OCCASION, sa.func.count(sa.distinct(work_member_t.c.member_id)))
                .join(work_member_t, work_member_t.c.work_item_id == work_t.c.id)
                .where(*where)
                .group_by(_OCCASION)
            ).all()
        )
    known = VisitOccasion._value2member_map_
    keys = list(known) + sorted(set(visits_by) - set(known))
    return [
        {
            "occasion": key,
            "label_zh": VisitOccasion(key).label_zh if key in known else key,
            "label_en": VisitOccasion(key).label_en if key in known else key,
            "visits": int(visits_by.get(key, 0)),
            "experts": int(experts_by.get(key, 0)),
        }
        for key in keys
    ]


def care_coverage(
    session: ActorSession, *, period: Period | str, unit: str | None = None, depth: int = 1
) -> list[dict[str, Any]]:
    """Care coverage for ``unit`` (default: the actor) and the units down to ``depth`` below it.

    One query: experts on record at the period's end, joined to the closure table, with a flag for
    those visited in the period; counted per ancestor so that parents include their subtrees.
    """
    span = Period.ensure(period)
    visited = (
        sa.select(work_member_t.c.member_id)
        .join(work_t, work_t.c.id == work_member_t.c.work_item_id)
        .where(work_t.c.kind == VISIT_KIND, work_t.c.started_on.between(span.start, span.end))
    )
    experts = (
        sa.select(
            member_t.c.unit_id,
            sa.case((member_t.c.id.in_(visited.scalar_subquery()), 1), else_=0).label("visited"),
        )
        .where(
            member_t.c.expert_level.in_(EXPERT_LEVELS),
            sa.or_(member_t.c.joined_on.is_(None), member_t.c.joined_on <= span.end),
            sa.or_(member_t.c.left_on.is_(None), member_t.c.left_on > span.end),
        )
        .subquery("experts")
    )
    with session.workspace.read() as conn:
        top = _access.top_unit_id(conn, session.actor, unit)
        shown = (
            sa.select(tree_t.c.descendant_id.label("unit_id"), tree_t.c.depth)
            .where(tree_t.c.ancestor_id == top, tree_t.c.depth <= depth)
            .subquery("shown")
        )
        below = tree_t.alias("below")
        counts = (
            sa.select(
                below.c.ancestor_id.label("unit_id"),
                sa.func.count(experts.c.unit_id).label("experts"),
                sa.func.coalesce(sa.func.sum(experts.c.visited), 0).label("visited"),
            )
            .join(experts, experts.c.unit_id == below.c.descendant_id)
            .where(below.c.ancestor_id.in_(sa.select(shown.c.unit_id)))
            .group_by(below.c.ancestor_id)
            .subquery("counts")
        )
        rows = conn.execute(
            sa.select(
                unit_t.c.code,
                unit_t.c.name,
                shown.c.depth,
                sa.func.coalesce(counts.c.experts, 0).label("experts"),
                sa.func.coalesce(counts.c.visited, 0).label("visited"),
            )
            .join(unit_t, unit_t.c.id == shown.c.unit_id)
            .outerjoin(counts, counts.c.unit_id == shown.c.unit_id)
            .order_by(shown.c.depth, unit_t.c.code)
        ).all()
    return [
        {
            "unit_code": row.code,
            "unit": row.name,
            "depth": row.depth,
            "period": str(span),
            "experts": int(row.experts),
            "visited": int(row.visited),
            "coverage": round(100.0 * int(row.visited) / int(row.experts), 1)
            if row.experts
            else None,
        }
        for row in rows
    ]


__all__ = ["Visit", "add_visit", "care_coverage", "visit_counts", "visits"]
