"""Built-in metrics on people (科技工作者): members and member growth, experts and their care,
the youth lifting cohort, honours.

A member is counted at the unit that keeps the record (``member.unit_id``); ``members.count`` also
counts memberships of further units, and a person in two units under one county counts once for
the county (a distinct count).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from ...model.enums import Area, ExpertLevel
from ...store.tables import honour_t, member_t, work_member_t, work_t
from ..definition import ITEMS, PEOPLE, PERCENT, PERSON_TIMES, Metric, MetricContext, Rollup, metric
from ..sources import MEMBERS, VISITS, member_active_at_end, member_pairs

#: Expert levels other than none, listed so that the index on ``expert_level`` can be used.
EXPERT_LEVELS = tuple(level.value for level in ExpertLevel if level is not ExpertLevel.NONE)

Compute = Callable[[MetricContext], "sa.Select[Any] | sa.CompoundSelect[Any]"]


def _member_pairs(ctx: MetricContext) -> sa.CompoundSelect[Any]:
    return member_pairs(ctx.end, None if ctx.everything else ctx.units)


def _flow(column: str, minus: str | None = None) -> Compute:
    def compute(ctx: MetricContext) -> sa.Select[Any]:
        src = ctx.source(MEMBERS)
        value = src.c[column] if minus is None else src.c[column] - src.c[minus]
        return sa.select(src.c.unit_id, value)

    return compute


def _visited_experts(ctx: MetricContext) -> sa.Select[Any]:
    """Members linked to an expert visit in the period, by whichever unit made it."""
    return (
        sa.select(work_member_t.c.member_id)
        .join(work_t, work_t.c.id == work_member_t.c.work_item_id)
        .where(work_t.c.kind == "expert_visit", ctx.in_period(work_t.c.started_on))
    )


def _care_coverage(ctx: MetricContext) -> sa.Select[Any]:
    m = member_t.c
    visited = sa.case((m.id.in_(_visited_experts(ctx).scalar_subquery()), 1), else_=0)
    return sa.select(m.unit_id, visited, sa.literal(1)).where(
        m.expert_level.in_(EXPERT_LEVELS), member_active_at_end(ctx), ctx.in_scope(m.unit_id)
    )


def _experts_visited_by(ctx: MetricContext) -> sa.Select[Any]:
    w, wm = work_t.c, work_member_t.c
    return (
        sa.select(w.unit_id, wm.member_id)
        .join(work_member_t, wm.work_item_id == w.id)
        .join(member_t, member_t.c.id == wm.member_id)
        .where(
            w.kind == "expert_visit",
            member_t.c.expert_level.in_(EXPERT_LEVELS),
            ctx.in_period(w.started_on),
            ctx.in_scope(w.unit_id),
        )
    )


def _visit_person_times(ctx: MetricContext) -> sa.Select[Any]:
    w, wm = work_t.c, work_member_t.c
    return (
        sa.select(w.unit_id, sa.literal(1))
        .join(work_member_t, wm.work_item_id == w.id)
        .where(w.kind == "expert_visit", ctx.in_period(w.started_on), ctx.in_scope(w.unit_id))
    )


VISIT_OCCASIONS: tuple[tuple[str, str, str], ...] = (
    ("festival", "节日走访", "festival visits"),
    ("birthday", "生日看望", "birthday visits"),
    ("illness", "生病探望", "visits in illness"),
    ("achievement", "重大成果祝贺", "visits for achievements"),
    ("routine", "日常走访", "routine visits"),
)


def _visits(occasion: str | None) -> Compute:
    def compute(ctx: MetricContext) -> sa.Select[Any]:
        src = ctx.source(VISITS)
        query = sa.select(src.c.unit_id, src.c.n)
        return query if occasion is None else query.where(src.c.occasion == occasion)

    return compute


def _honours(ctx: MetricContext) -> sa.Select[Any]:
    return (
        sa.select(member_t.c.unit_id, sa.literal(1))
        .join(member_t, member_t.c.id == honour_t.c.member_id)
        .where(ctx.in_period(honour_t.c.awarded_on), ctx.in_scope(member_t.c.unit_id))
    )


def people_metrics() -> list[Metric]:
    visits = [
        metric(
            f"visits.occasion.{key}",
            f"走访专家：{zh}",
            f"expert visits: {en}",
            ITEMS,
            Area.SERVICE,
            Rollup.SUM,
            _visits(key),
            f"Expert visits whose details.occasion is {key}.",
        )
        for key, zh, en in VISIT_OCCASIONS
    ]
    return [
        metric(
            "members.count",
            "会员人数（期末）",
            "members at period end",
            PEOPLE,
            Area.COVERAGE,
            Rollup.DISTINCT,
            _member_pairs,
            "Distinct people with a member record or a membership in the subtree at the "
            "period's end (joined by then, not yet left); a person in two units counts once.",
        ),
        metric(
            "members.joined",
            "新增会员",
            "members joined",
            PEOPLE,
            Area.COVERAGE,
            Rollup.SUM,
            _flow("joined"),
            "Member records whose joined_on falls in the period.",
        ),
        metric(
            "members.left",
            "退出会员",
            "members left",
            PEOPLE,
            Area.COVERAGE,
            Rollup.SUM,
            _flow("left"),
            "Member records whose left_on falls in the period.",
        ),
        metric(
            "members.net",
            "会员净增",
            "net member growth",
            PEOPLE,
            Area.COVERAGE,
            Rollup.SUM,
            _flow("joined", minus="left"),
            "Members joined minus members left in the period.",
        ),
        metric(
            "experts.count",
            "院士及高层次专家人数",
            "experts on record",
            PEOPLE,
            Area.SERVICE,
            Rollup.SUM,
            _flow("experts"),
            "Academicians and high-level experts on record at the period's end.",
        ),
        metric(
            "experts.care_coverage",
            "专家走访覆盖率",
            "expert care coverage",
            PERCENT,
            Area.SERVICE,
            Rollup.RATIO,
            _care_coverage,
            "Experts on record in the subtree visited at least once in the period (by any "
            "unit) ÷ all experts on record there.",
            default_target=100.0,
        ),
        metric(
            "experts.visited",
            "走访专家人数",
            "experts visited",
            PEOPLE,
            Area.SERVICE,
            Rollup.DISTINCT,
            _experts_visited_by,
            "Different experts visited by the subtree's units in the period; an expert visited "
            "by two units counts once.",
        ),
        metric(
            "visits.total",
            "走访专家次数",
            "expert visits",
            ITEMS,
            Area.SERVICE,
            Rollup.SUM,
            _visits(None),
            "Expert visits (kind expert_visit) in the period, all occasions.",
        ),
        metric(
            "visits.person_times",
            "走访专家人次",
            "experts visited, person-times",
            PERSON_TIMES,
            Area.SERVICE,
            Rollup.SUM,
            _visit_person_times,
            "Members linked to expert visits in the period, counted per visit.",
        ),
        *visits,
        metric(
            "youth.cohort",
            "青年人才托举对象人数",
            "youth lifting cohort",
            PEOPLE,
            Area.EDUCATION,
            Rollup.SUM,
            _flow("youth"),
            "Doctoral students and postdocs under 32 on record at the period's end.",
        ),
        metric(
            "honours.received",
            "会员获得荣誉",
            "honours received",
            PERSON_TIMES,
            Area.EXEMPLARS,
            Rollup.SUM,
            _honours,
            "Honours awarded in the period to members kept in the subtree.",
        ),
    ]
