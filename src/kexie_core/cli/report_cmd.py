"""``kexie report …``: periodic work reports (定期工作报告) — write, submit, review, follow up.

The group is ``kexie_core.cli.report_cmd.report``; other modules add subcommands to it (``kexie
report build`` lives in ``report_build_cmd``) with ``report.add_command(...)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..model.period import Period
from ..workflow import Completeness, Report, Reports, ReportStatus
from ..workflow.completeness import STATE_LABELS
from ..workflow.config import current_config, reset_config, set_config
from ..workflow.states import ACTION_LABELS
from .context import CliContext, echo_err, pass_ctx
from .output import Column, emit, format_option, masked
from .workflow_options import (
    done,
    on_option,
    period_option,
    phone_for_output,
    ratio_text,
    require_root_for_personal,
    text_or_file,
    to_json,
)


@click.group("report")
def report() -> None:
    """Periodic work reports: write, submit, review up the tree (定期工作报告).

    A unit writes and submits its own report (act as it with --as CODE); a unit above it in the
    tree accepts it, returns it with a reason, or reopens an accepted one with a reason.
    """


def _status_label(obj: CliContext, status: str | None) -> str:
    return "" if status is None else ReportStatus.parse(status).label(obj.lang)


def _summary(obj: CliContext, r: Report) -> str:
    period = Period.parse(r.period)
    label = period.label_zh if obj.lang == "zh" else str(period)
    return f"{r.unit} {r.unit_name} {label}"


narrative_options = [
    click.option("--narrative", "narrative", metavar="TEXT", help="Narrative text (工作总结)."),
    click.option(
        "--narrative-file",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="Read the narrative from a UTF-8 text file.",
    ),
]


def _with_narrative(func: Any) -> Any:
    for option in reversed(narrative_options):
        func = option(func)
    return func


@report.command("new")
@period_option()
@_with_narrative
@pass_ctx
def new(obj: CliContext, period: str, narrative: str | None, narrative_file: Path | None) -> None:
    """Open a draft report of the acting unit for PERIOD (新建草稿)."""
    text = text_or_file(narrative, narrative_file, "narrative") or ""
    r = Reports(obj.session()).new(period, narrative=text)
    done(obj, f"已新建报告草稿：{_summary(obj, r)}", f"draft report created: {_summary(obj, r)}")


@report.command("edit")
@period_option()
@_with_narrative
@pass_ctx
def edit(obj: CliContext, period: str, narrative: str | None, narrative_file: Path | None) -> None:
    """Replace the narrative of the acting unit's draft, returned or reopened report (修改)."""
    text = text_or_file(narrative, narrative_file, "narrative")
    if text is None:
        raise click.UsageError("give --narrative or --narrative-file")
    r = Reports(obj.session()).set_narrative(period, text)
    done(obj, f"已修改报告：{_summary(obj, r)}", f"report updated: {_summary(obj, r)}")


@report.command("submit")
@period_option()
@_with_narrative
@on_option("Day the report is handed in (报送日期), default today.")
@pass_ctx
def submit(
    obj: CliContext,
    period: str,
    narrative: str | None,
    narrative_file: Path | None,
    on: Any,
) -> None:
    """Submit the acting unit's report for PERIOD (报送), freezing its figures."""
    text = text_or_file(narrative, narrative_file, "narrative")
    r = Reports(obj.session()).submit(period, narrative=text, today=on)
    when = obj.t("逾期", "late") if r.late else obj.t("按时", "on time")
    done(
        obj,
        f"已报送：{_summary(obj, r)}（截止 {r.due_on}，{when}）",
        f"submitted: {_summary(obj, r)} (due {r.due_on}, {when})",
    )


def _review_options(func: Any) -> Any:
    func = period_option()(func)
    return click.option(
        "--unit", "-u", required=True, metavar="CODE", help="The unit whose report it is."
    )(func)


@report.command("accept")
@_review_options
@pass_ctx
def accept(obj: CliContext, unit: str, period: str) -> None:
    """Accept a submitted report of a unit below the acting one (审核通过); it locks the period."""
    r = Reports(obj.session()).accept(unit, period)
    done(obj, f"已审核通过：{_summary(obj, r)}", f"accepted: {_summary(obj, r)}")


@report.command("return")
@_review_options
@click.option("--reason", required=True, help="Why it goes back (退回理由); required.")
@pass_ctx
def return_(obj: CliContext, unit: str, period: str, reason: str) -> None:
    """Return a submitted report to its unit with a reason (退回)."""
    r = Reports(obj.session()).return_(unit, period, reason)
    done(obj, f"已退回：{_summary(obj, r)}（{reason}）", f"returned: {_summary(obj, r)} ({reason})")


@report.command("reopen")
@_review_options
@click.option("--reason", required=True, help="Why it is reopened (重新打开理由); required.")
@pass_ctx
def reopen(obj: CliContext, unit: str, period: str, reason: str) -> None:
    """Reopen an accepted report with a reason (重新打开), lifting its lock."""
    r = Reports(obj.session()).reopen(unit, period, reason)
    done(obj, f"已重新打开：{_summary(obj, r)}（{reason}）", f"reopened: {_summary(obj, r)}")


@report.command("show")
@period_option()
@click.option("--unit", "-u", metavar="CODE", help="Whose report (default: the acting unit).")
@click.option("--all-metrics", is_flag=True, help="Also list the frozen metrics that are zero.")
@format_option
@pass_ctx
def show(obj: CliContext, period: str, unit: str | None, all_metrics: bool, fmt: str) -> None:
    """Show a report: status, deadline, narrative, frozen figures and history (查看报告).

    JSON gives everything; CSV gives the frozen figures.
    """
    api = Reports(obj.session())
    r = api.get(period, unit=unit)
    history = [e.as_dict() for e in api.history(period, unit=unit)]
    metrics = _snapshot_rows(obj, r, all_metrics)
    if fmt == "json":
        click.echo(to_json({"report": r.as_dict(), "history": history}))
        return
    metric_columns = [
        Column("key", "指标键", "key"),
        Column("label", "指标", "metric"),
        Column("own", "本级", "own", "right"),
        Column("subtree", "合计", "subtree", "right"),
        Column("measure", "单位", "unit"),
    ]
    if fmt == "csv":
        emit(metrics, metric_columns, fmt="csv", lang=obj.lang)
        return
    facts = [
        (obj.t("状态", "status"), _status_label(obj, r.status)),
        (obj.t("截止日期", "due on"), r.due_on),
        (obj.t("报送日期", "submitted on"), r.submitted_on),
        (obj.t("是否逾期", "late"), "" if r.late is None else obj.t(*_yes_no(r.late))),
        (obj.t("报送单位", "submitted by"), r.submitted_by),
        (obj.t("审核单位", "reviewed by"), r.reviewed_by),
        (obj.t("退回/重开理由", "reason"), masked(r.open_reason)),  # history lists the rest
        (obj.t("版次", "revision"), r.revision),
    ]
    emit(
        [{"field": k, "value": v} for k, v in facts],
        [Column("field", "项目", "field"), Column("value", "内容", "value")],
        lang=obj.lang,
        title=obj.t(f"{_summary(obj, r)} 工作报告", f"work report {_summary(obj, r)}"),
    )
    if r.narrative:
        click.echo(masked(r.narrative))
    if metrics:
        emit(
            metrics,
            metric_columns,
            lang=obj.lang,
            title=obj.t("报送时指标", "figures as submitted"),
        )
    for event in history:
        labels = ACTION_LABELS.get(event["action"])
        event["action_label"] = obj.t(*labels) if labels else event["action"]
        event["from_label"] = _status_label(obj, event["from_status"])
        event["to_label"] = _status_label(obj, event["to_status"])
    emit(
        history,
        [
            Column("at", "时间", "at"),
            Column("actor", "操作单位", "by"),
            Column("action_label", "操作", "action"),
            Column("from_label", "原状态", "from"),
            Column("to_label", "新状态", "to"),
            Column("reason", "理由", "reason"),
        ],
        lang=obj.lang,
        title=obj.t("审核记录", "history"),
    )


def _yes_no(flag: bool) -> tuple[str, str]:
    return ("是", "yes") if flag else ("否", "no")


def _snapshot_rows(obj: CliContext, r: Report, all_metrics: bool) -> list[dict[str, Any]]:
    metrics = (r.snapshot or {}).get("metrics", {})
    rows = []
    for key, m in metrics.items():
        if not all_metrics and not m.get("own") and not m.get("subtree"):
            continue
        rows.append(
            {
                "key": key,
                "label": m["label_zh"] if obj.lang == "zh" else m["label_en"],
                "own": m.get("own"),
                "subtree": m.get("subtree"),
                "measure": m["unit_zh"] if obj.lang == "zh" else m["unit_en"],
            }
        )
    return rows


@report.command("list")
@period_option(required=False)
@click.option("--status", metavar="STATUS", help="draft, submitted, returned, accepted, reopened.")
@click.option("--unit", "-u", metavar="CODE", help="Under this unit (default: the acting unit).")
@format_option
@pass_ctx
def list_(
    obj: CliContext, period: str | None, status: str | None, unit: str | None, fmt: str
) -> None:
    """List reports in the acting unit's subtree (报告列表)."""
    rows = []
    for r in Reports(obj.session()).find(period=period, status=status, unit=unit):
        row = r.as_dict(with_snapshot=False)
        row["status_label"] = _status_label(obj, r.status)
        if fmt != "json":  # JSON gives the row as stored
            row["reason"] = r.open_reason
        rows.append(row)
    emit(
        rows,
        [
            Column("unit", "单位代码", "unit"),
            Column("unit_name", "单位名称", "name"),
            Column("period", "期间", "period"),
            Column("status" if fmt == "json" else "status_label", "状态", "status"),
            Column("due_on", "截止日期", "due on"),
            Column("submitted_on", "报送日期", "submitted on"),
            Column("reviewed_by", "审核单位", "reviewed by"),
            Column("reason", "理由", "reason"),
        ],
        fmt=fmt,
        lang=obj.lang,
    )


@report.command("status")
@period_option()
@click.option("--unit", "-u", metavar="CODE", help="Under this unit (default: the acting unit).")
@on_option("The day to judge deadlines on (default today).")
@click.option("--missing", "only_missing", is_flag=True, help="Only units that have not reported.")
@click.option(
    "--rollup", is_flag=True, help="Counts per unit over its subtree instead of a unit list."
)
@click.option("--depth", type=int, default=1, show_default=True, help="Levels shown by --rollup.")
@click.option("--include-personal", is_flag=True, help="Contact phones unmasked (root unit only).")
@format_option
@pass_ctx
def status(
    obj: CliContext,
    period: str,
    unit: str | None,
    on: Any,
    only_missing: bool,
    rollup: bool,
    depth: int,
    include_personal: bool,
    fmt: str,
) -> None:
    """Who has reported for PERIOD: expected, on time, late, missing (报送情况), worst first.

    Lists every unit expected to report, the overdue and missing first with their contacts
    (phones masked); --rollup gives expected / submitted / on time / late / missing counts and
    the completeness and timeliness rates for each unit's whole subtree.
    """
    require_root_for_personal(obj, include_personal)
    api = Completeness(obj.session())
    if rollup:
        rows = [c.as_dict() for c in api.rollup(period, unit=unit, depth=depth, today=on)]
        if fmt != "json":
            for row in rows:
                row["completeness"] = ratio_text(row["completeness"])
                row["timeliness"] = ratio_text(row["timeliness"])
        emit(
            rows,
            [
                Column("code", "单位代码", "code"),
                Column("name", "单位名称", "name"),
                Column("expected", "应报", "expected", "right"),
                Column("submitted", "已报", "submitted", "right"),
                Column("on_time", "按时", "on time", "right"),
                Column("late", "逾期报送", "late", "right"),
                Column("missing", "未报", "missing", "right"),
                Column("overdue", "逾期未报", "overdue", "right"),
                Column("accepted", "已审核", "accepted", "right"),
                Column("completeness", "报送率", "completeness", "right"),
                Column("timeliness", "及时率", "timeliness", "right"),
            ],
            fmt=fmt,
            lang=obj.lang,
        )
        return
    states = api.by_unit(period, unit=unit, today=on)
    if only_missing:
        states = [s for s in states if s.state in ("overdue", "missing")]
    rows = []
    for s in states:
        row = s.as_dict()
        row["contact_phone"] = phone_for_output(obj, s.contact_phone, include_personal)
        row["state_label"] = STATE_LABELS[s.state][0 if obj.lang == "zh" else 1]
        row["status_label"] = _status_label(obj, s.status)
        row["days"] = s.days_overdue if s.days_overdue is not None else s.days_late
        rows.append(row)
    if fmt == "json":
        columns = [
            Column(k, k, k)
            for k in (
                "code",
                "name",
                "kind",
                "state",
                "status",
                "due_on",
                "submitted_on",
                "days_overdue",
                "days_late",
                "contact_name",
                "contact_phone",
            )
        ]
    else:
        columns = [
            Column("code", "单位代码", "code"),
            Column("name", "单位名称", "name"),
            Column("state_label", "报送情况", "state"),
            Column("status_label", "报告状态", "report status"),
            Column("due_on", "截止日期", "due on"),
            Column("submitted_on", "报送日期", "submitted on"),
            Column("days", "逾期天数", "days late", "right"),
            Column("contact_name", "联系人", "contact"),
            Column("contact_phone", "联系电话", "phone"),
        ]
    emit(rows, columns, fmt=fmt, lang=obj.lang)
    if fmt == "table":
        _status_summary(obj, api, period, unit, on)


def _status_summary(
    obj: CliContext, api: Completeness, period: str, unit: str | None, on: Any
) -> None:
    """One line of totals under the table, or why the table is empty."""
    top = api.rollup(period, unit=unit, depth=0, today=on)
    if not top:
        echo_err(
            obj.t(
                "该期间没有应报送的单位（见 kexie report config）",
                "no unit is expected to report for this period (see kexie report config)",
            )
        )
        return
    t = top[0]
    rate = ratio_text(t.completeness)
    click.echo(
        obj.t(
            f"应报 {t.expected}，已报 {t.submitted}（按时 {t.on_time}，逾期 {t.late}），"
            f"未报 {t.missing}（其中逾期 {t.overdue}），报送率 {rate}",
            f"expected {t.expected}, submitted {t.submitted} (on time {t.on_time}, late "
            f"{t.late}), missing {t.missing} (overdue {t.overdue}), completeness {rate}",
        )
    )


@report.command("config")
@click.option(
    "--set",
    "set_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Replace the workspace's reporting configuration with this TOML file (root only).",
)
@click.option("--reset", is_flag=True, help="Go back to the configuration shipped with kexie.")
@pass_ctx
def config(obj: CliContext, set_file: Path | None, reset: bool) -> None:
    """Show or change who reports which period, by when (报告制度配置), as TOML."""
    if set_file is not None and reset:
        raise click.UsageError("give --set or --reset, not both")
    session = obj.session()
    if set_file is not None:
        config = set_config(session, set_file.read_text(encoding="utf-8"))
    elif reset:
        config = reset_config(session)
    else:
        config = current_config(session)
    click.echo(config.to_toml(), nl=False)


def register(cli: click.Group) -> None:
    cli.add_command(report)
