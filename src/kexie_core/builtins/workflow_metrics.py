"""Built-in metrics of the reporting workflow and supervision (R2 健全工作机制).

Report completeness (报送率) and timeliness (及时率) are ratios of sums over the tree, so a
county's figure is (reports in its subtree) ÷ (units in its subtree expected to report), never an
average of its townships' percentages. They are computed from the same expressions as ``kexie
report status`` (``kexie_core.workflow.completeness.expected_reports``), so both always agree.
Each compute function returns one row per unit (or per matter / assignment) in scope; the engine
rolls them up the closure table.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ..metrics import COUNT, ITEMS, PERCENT, Metric, MetricContext, Rollup, metric
from ..model.enums import Area
from ..plugin.hookspecs import hookimpl
from ..store.tables_workflow import assignment_t, matter_t
from ..workflow.completeness import expected_reports


def _reports(column: str) -> Any:
    def compute(ctx: MetricContext) -> sa.Select[Any]:
        own = expected_reports(ctx.period).subquery("expected")
        return sa.select(own.c.unit_id, own.c[column]).where(ctx.in_scope(own.c.unit_id))

    compute.__name__ = f"_reports_{column}"
    return compute


def _report_rate(column: str) -> Any:
    def compute(ctx: MetricContext) -> sa.Select[Any]:
        own = expected_reports(ctx.period).subquery("expected")
        return sa.select(own.c.unit_id, own.c[column], own.c.expected).where(
            ctx.in_scope(own.c.unit_id)
        )

    compute.__name__ = f"_report_rate_{column}"
    return compute


def _matters(ctx: MetricContext) -> sa.Select[Any]:
    m = matter_t.c
    return sa.select(m.unit_id, sa.literal(1)).where(
        ctx.in_period(m.reported_on), ctx.in_scope(m.unit_id)
    )


def _matters_timely(ctx: MetricContext) -> sa.Select[Any]:
    m = matter_t.c
    return sa.select(m.unit_id, sa.case((m.timely, 1), else_=0), sa.literal(1)).where(
        ctx.in_period(m.reported_on), ctx.in_scope(m.unit_id)
    )


def _assignments_due(ctx: MetricContext) -> sa.Select[Any]:
    a = assignment_t.c
    return sa.select(a.lead_id, sa.literal(1)).where(
        a.status != "cancelled", ctx.in_period(a.due_on), ctx.in_scope(a.lead_id)
    )


def _assignments_on_time(ctx: MetricContext) -> sa.Select[Any]:
    a = assignment_t.c
    on_time = sa.and_(a.status == "completed", a.completed_on <= a.due_on)
    return sa.select(a.lead_id, sa.case((on_time, 1), else_=0), sa.literal(1)).where(
        a.status != "cancelled", ctx.in_period(a.due_on), ctx.in_scope(a.lead_id)
    )


def _extensions(ctx: MetricContext) -> sa.Select[Any]:
    a = assignment_t.c
    return sa.select(a.lead_id, a.delay_count).where(
        a.status != "cancelled", ctx.in_period(a.due_on), ctx.in_scope(a.lead_id)
    )


_R2 = Area.MECHANISM


def workflow_metrics() -> list[Metric]:
    """The reporting-workflow metrics, in catalogue order."""
    return [
        metric(
            "reports.expected",
            "应报送工作报告单位数",
            "units expected to report",
            COUNT,
            _R2,
            Rollup.SUM,
            _reports("expected"),
            "Units the reporting configuration obliges to report for the period (active then).",
        ),
        metric(
            "reports.submitted",
            "已报送工作报告数",
            "reports submitted",
            COUNT,
            _R2,
            Rollup.SUM,
            _reports("submitted"),
            "Expected units whose report is submitted, accepted or reopened (not returned).",
        ),
        metric(
            "reports.on_time",
            "按时报送工作报告数",
            "reports on time",
            COUNT,
            _R2,
            Rollup.SUM,
            _reports("on_time"),
            "Submitted reports handed in by their deadline.",
        ),
        metric(
            "reports.late",
            "逾期报送工作报告数",
            "reports submitted late",
            COUNT,
            _R2,
            Rollup.SUM,
            _reports("late"),
            "Submitted reports handed in after their deadline.",
        ),
        metric(
            "reports.missing",
            "未报送工作报告数",
            "reports missing",
            COUNT,
            _R2,
            Rollup.SUM,
            _reports("missing"),
            "Expected units with no report, a draft, or a returned report not handed in again.",
        ),
        metric(
            "reports.completeness",
            "工作报告报送率",
            "report completeness",
            PERCENT,
            _R2,
            Rollup.RATIO,
            _report_rate("submitted"),
            "Reports submitted ÷ units expected to report (ratio of sums over the subtree).",
            default_target=100,
        ),
        metric(
            "reports.timeliness",
            "工作报告及时率",
            "report timeliness",
            PERCENT,
            _R2,
            Rollup.RATIO,
            _report_rate("on_time"),
            "Reports handed in on time ÷ units expected to report.",
            default_target=100,
        ),
        metric(
            "matters.reported",
            "重要情况报告数",
            "important matters reported",
            ITEMS,
            _R2,
            Rollup.SUM,
            _matters,
            "Important-matter reports made in the period (by the date reported).",
        ),
        metric(
            "matters.timely_rate",
            "重要情况及时报告率",
            "important matters reported in time",
            PERCENT,
            _R2,
            Rollup.RATIO,
            _matters_timely,
            "Matters reported within the configured days of happening ÷ matters reported.",
            default_target=100,
        ),
        metric(
            "assignments.due",
            "到期督办事项数",
            "assignments due",
            ITEMS,
            _R2,
            Rollup.SUM,
            _assignments_due,
            "Supervision assignments led by the unit whose due date falls in the period.",
        ),
        metric(
            "assignments.on_time_rate",
            "督办事项按期办结率",
            "assignments completed on time",
            PERCENT,
            _R2,
            Rollup.RATIO,
            _assignments_on_time,
            "Assignments due in the period and completed by their due date ÷ assignments due.",
            default_target=100,
        ),
        metric(
            "assignments.extensions",
            "督办事项延期次数",
            "assignment extensions",
            ITEMS,
            _R2,
            Rollup.SUM,
            _extensions,
            "Granted extensions of assignments due in the period (延期次数).",
        ),
    ]


@hookimpl(trylast=True)
def kexie_register_metrics() -> list[Metric]:
    return workflow_metrics()
