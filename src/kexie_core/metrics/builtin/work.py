"""Built-in metrics on work items (工作事项): areas 1–8 and R1–R3, kinds, training, awards,
publicity, suggestions and leadership.

Most read the shared ``WORK`` source (work items per unit, kind and area in the period), so that a
hundred of them cost one scan of the work items. A work item belongs to the period its
``started_on`` falls in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from ...model.enums import Area
from ...store.tables import work_t
from ...store.tables_workflow import suggestion_t
from ..definition import (
    HOURS,
    ITEMS,
    PEOPLE,
    PERSON_TIMES,
    TEN_THOUSAND_YUAN,
    Metric,
    MetricContext,
    Rollup,
    metric,
)
from ..sources import AREAS, PUBLICITY, WORK

Compute = Callable[[MetricContext], "sa.Select[Any]"]


def work_sum(column: str, *, kind: str | None = None, area: Area | None = None) -> Compute:
    """A compute function: ``column`` (``n`` items, ``participants`` or ``hours``) of the
    ``WORK`` source, optionally for one kind or one area."""

    def compute(ctx: MetricContext) -> sa.Select[Any]:
        # Per-area figures need no kinds: the smaller AREAS source serves them.
        src = ctx.source(AREAS if area is not None and kind is None else WORK)
        query = sa.select(src.c.unit_id, src.c[column])
        if kind is not None:
            query = query.where(src.c.kind == kind)
        if area is not None:
            query = query.where(src.c.area == area.value)
        return query

    return compute


def work_kind_metrics(kind: str, label_zh: str, label_en: str, area: Area | str) -> list[Metric]:
    """The two metrics every kind of work item gets: items and participant person-times.

    A plug-in that adds a work kind can give its metrics with one call::

        @hookimpl
        def kexie_register_metrics():
            return work_kind_metrics("seed_fair", "良种推介会", "seed fair", "5")
    """
    area = Area.parse(area)
    return [
        metric(
            f"work_items.kind.{kind}",
            f"{label_zh}（项数）",
            f"{label_en}: items",
            ITEMS,
            area,
            Rollup.SUM,
            work_sum("n", kind=kind),
            f"Work items of kind {kind} started in the period.",
        ),
        metric(
            f"participants.kind.{kind}",
            f"{label_zh}（参与人次）",
            f"{label_en}: participants",
            PERSON_TIMES,
            area,
            Rollup.SUM,
            work_sum("participants", kind=kind),
            f"Participant person-times of work items of kind {kind} started in the period.",
        ),
    ]


def _area_metrics() -> list[Metric]:
    out = []
    for area in Area:
        out.append(
            metric(
                f"work_items.area.{area.slug}",
                f"{area.label_zh}：工作事项",
                f"{area.label_en}: work items",
                ITEMS,
                area,
                Rollup.SUM,
                work_sum("n", area=area),
                f"Work items of area {area.value} started in the period.",
            )
        )
        out.append(
            metric(
                f"participants.area.{area.slug}",
                f"{area.label_zh}：参与人次",
                f"{area.label_en}: participants",
                PERSON_TIMES,
                area,
                Rollup.SUM,
                work_sum("participants", area=area),
                f"Participant person-times of area {area.value} work items.",
            )
        )
    return out


def _largest_training(ctx: MetricContext) -> sa.Select[Any]:
    w = work_t.c
    return sa.select(w.unit_id, w.participants).where(
        w.kind == "training", ctx.in_period(w.started_on), ctx.in_scope(w.unit_id)
    )


PUBLICITY_CHANNELS: tuple[tuple[str, str, str], ...] = (
    ("website", "网站", "website"),
    ("wechat", "微信", "WeChat"),
    ("weibo", "微博", "Weibo"),
    ("app", "客户端", "app"),
    ("bulletin_board", "宣传栏", "bulletin board"),
    ("science_terminal", "数字科普终端", "digital science terminal"),
    ("newspaper", "报刊", "newspaper"),
    ("tv", "电视", "TV"),
    ("radio", "广播", "radio"),
    ("other", "其他渠道", "other channels"),
)


def _publicity(channel: str | None) -> Compute:
    def compute(ctx: MetricContext) -> sa.Select[Any]:
        src = ctx.source(PUBLICITY)
        query = sa.select(src.c.unit_id, src.c.n)
        return query if channel is None else query.where(src.c.channel == channel)

    return compute


def _publicity_metrics() -> list[Metric]:
    out = [
        metric(
            "publicity.outputs",
            "宣传作品发布",
            "publicity outputs",
            ITEMS,
            Area.PUBLICITY,
            Rollup.SUM,
            _publicity(None),
            "Publicity outputs (area 6 work items) started in the period, all channels.",
        )
    ]
    for key, zh, en in PUBLICITY_CHANNELS:
        out.append(
            metric(
                f"publicity.channel.{key}",
                f"宣传作品：{zh}",
                f"publicity outputs: {en}",
                ITEMS,
                Area.PUBLICITY,
                Rollup.SUM,
                _publicity(key),
                f"Publicity outputs whose details.channel is {key} (none given counts as other).",
            )
        )
    return out


def _award_winners(ctx: MetricContext) -> sa.Select[Any]:
    w = work_t.c
    winners = sa.func.coalesce(w.details["winners"].as_integer(), 0)
    return sa.select(w.unit_id, winners).where(
        w.kind == "award_selection", ctx.in_period(w.started_on), ctx.in_scope(w.unit_id)
    )


def _submitted(ctx: MetricContext) -> sa.Select[Any]:
    s = suggestion_t.c
    return sa.select(s.unit_id, sa.literal(1)).where(
        ctx.in_period(s.submitted_on), ctx.in_scope(s.unit_id)
    )


def _adopted(ctx: MetricContext) -> sa.Select[Any]:
    s = suggestion_t.c
    decided = sa.func.coalesce(s.concluded_on, s.forwarded_on, s.submitted_on)
    return sa.select(s.unit_id, sa.literal(1)).where(
        s.status == "adopted", ctx.in_period(decided), ctx.in_scope(s.unit_id)
    )


def _latest_detail(name: str) -> Compute:
    """The latest ``details.<name>`` a unit gave on a leadership meeting item (R1)."""

    def compute(ctx: MetricContext) -> sa.Select[Any]:
        w = work_t.c
        value = w.details[name].as_float()
        return sa.select(w.unit_id, value, w.started_on).where(
            w.kind == "leadership_meeting",
            value.is_not(None),
            ctx.in_period(w.started_on),
            ctx.in_scope(w.unit_id),
        )

    return compute


def work_metrics() -> list[Metric]:
    """Built-in work metrics (per-kind ones come from ``work_kind_metrics``)."""
    return [
        metric(
            "work_items",
            "工作事项合计",
            "work items, all areas",
            ITEMS,
            Area.MECHANISM,
            Rollup.SUM,
            work_sum("n"),
            "Every work item started in the period.",
        ),
        metric(
            "participants",
            "参与人次合计",
            "participants, all areas",
            PERSON_TIMES,
            Area.MECHANISM,
            Rollup.SUM,
            work_sum("participants"),
            "Participant person-times of every work item started in the period.",
        ),
        *_area_metrics(),
        metric(
            "training.person_times",
            "培训人次",
            "training person-times",
            PERSON_TIMES,
            Area.EDUCATION,
            Rollup.SUM,
            work_sum("participants", kind="training"),
            "Participants of training classes and study courses (kind training).",
        ),
        metric(
            "training.hours",
            "培训学时",
            "training hours",
            HOURS,
            Area.EDUCATION,
            Rollup.SUM,
            work_sum("hours", kind="training"),
            "Class hours of training classes and study courses (kind training).",
        ),
        metric(
            "training.largest_class",
            "单期培训最多人数",
            "largest training class",
            PEOPLE,
            Area.EDUCATION,
            Rollup.MAX,
            _largest_training,
            "Participants of the largest single training class in the subtree.",
        ),
        metric(
            "awards.winners",
            "评选表彰获奖人数",
            "award winners",
            PEOPLE,
            Area.EXEMPLARS,
            Rollup.SUM,
            _award_winners,
            "details.winners of award selection rounds started in the period.",
        ),
        *_publicity_metrics(),
        metric(
            "suggestions.submitted",
            "《科技工作者建议》报送",
            "suggestions submitted",
            ITEMS,
            Area.SERVICE,
            Rollup.SUM,
            _submitted,
            "Suggestions of S&T workers submitted in the period.",
        ),
        metric(
            "suggestions.adopted",
            "《科技工作者建议》采纳",
            "suggestions adopted",
            ITEMS,
            Area.SERVICE,
            Rollup.SUM,
            _adopted,
            "Suggestions adopted, dated by their conclusion (else forwarding, else submission).",
        ),
        metric(
            "leadership.staff",
            "科技工作者工作专职人员",
            "staff on the work",
            PEOPLE,
            Area.LEADERSHIP,
            Rollup.LATEST,
            _latest_detail("staff"),
            "The latest details.staff recorded on a leadership meeting in the period.",
        ),
        metric(
            "leadership.budget",
            "工作经费",
            "budget for the work",
            TEN_THOUSAND_YUAN,
            Area.LEADERSHIP,
            Rollup.LATEST,
            _latest_detail("budget"),
            "The latest details.budget (10k yuan) recorded on a leadership meeting.",
        ),
    ]
