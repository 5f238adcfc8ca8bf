"""``kexie tasks …``: supervision assignments (督查督办)."""

from __future__ import annotations

from typing import Any

import click

from ..workflow import Assignment, Assignments
from .context import CliContext, pass_ctx
from .output import FACT_COLUMNS, Column, emit, facts, format_option, masked
from .workflow_options import DATE, done, on_option, to_json

STATUS_LABELS = {
    "open": ("办理中", "open"),
    "completed": ("已办结", "completed"),
    "cancelled": ("已撤销", "cancelled"),
}
EXTENSION_LABELS = {
    "pending": ("待审批", "pending"),
    "granted": ("已同意", "granted"),
    "refused": ("不同意", "refused"),
}


@click.group("tasks")
def tasks() -> None:
    """Supervision assignments: issue, follow up, extend, complete, rank (督查督办)."""


COLUMNS = [
    Column("id", "编号", "id", "right"),
    Column("title", "督办事项", "assignment"),
    Column("issuer", "交办单位", "issuer"),
    Column("lead", "牵头单位", "lead"),
    Column("assist_text", "协办单位", "assisting"),
    Column("due_on", "办结时限", "due on"),
    Column("status_label", "状态", "status"),
    Column("delay_count", "延期次数", "extensions", "right"),
    Column("days_overdue", "逾期天数", "days overdue", "right"),
    Column("completed_on", "办结日期", "completed on"),
]


def _rows(obj: CliContext, items: list[Assignment], fmt: str) -> list[dict[str, Any]]:
    rows = []
    for a in items:
        row = a.as_dict()
        row["assist_text"] = "、".join(a.assist)
        label = STATUS_LABELS[a.status][0 if obj.lang == "zh" else 1]
        if a.overdue:
            label += obj.t("（逾期）", " (overdue)")
        row["status_label"] = a.status if fmt == "json" else label
        rows.append(row)
    return rows


def _json_columns() -> list[Column]:
    keys = [
        "id",
        "title",
        "goal",
        "issuer",
        "lead",
        "assist",
        "issued_on",
        "original_due_on",
        "due_on",
        "status",
        "completed_on",
        "delay_count",
        "overdue",
        "days_overdue",
        "completed_late",
    ]
    return [Column(k, k, k) for k in keys]


@tasks.command("issue")
@click.option("--title", required=True, help="The assignment (督办事项).")
@click.option("--goal", required=True, help="What is to be achieved (工作目标).")
@click.option("--lead", required=True, metavar="CODE", help="Lead unit (牵头单位).")
@click.option("--assist", multiple=True, metavar="CODE", help="Assisting unit (协办单位); repeat.")
@click.option("--due", "due_on", type=DATE, required=True, metavar="DATE", help="Due date (时限).")
@click.option("--issuer", metavar="CODE", help="Issuing unit (default: the acting unit).")
@on_option("Day it is issued, default today.")
@pass_ctx
def issue(
    obj: CliContext,
    title: str,
    goal: str,
    lead: str,
    assist: tuple[str, ...],
    due_on: Any,
    issuer: str | None,
    on: Any,
) -> None:
    """Issue an assignment to a lead unit and assisting units below (交办)."""
    a = Assignments(obj.session()).issue(
        {
            "title": title,
            "goal": goal,
            "lead": lead,
            "assist": list(assist),
            "due_on": due_on,
            "issuer": issuer,
        },
        today=on,
    )
    done(
        obj,
        f"已交办督办事项 {a.id}：{a.title}（牵头 {a.lead}，时限 {a.due_on}）",
        f"assignment {a.id} issued to {a.lead}, due {a.due_on}",
    )


@tasks.command("note")
@click.argument("assignment_id", type=int)
@click.argument("text")
@on_option("Day of the note, default today.")
@pass_ctx
def note(obj: CliContext, assignment_id: int, text: str, on: Any) -> None:
    """Add a progress note to an assignment (报告进展)."""
    n = Assignments(obj.session()).note(assignment_id, text, today=on)
    done(obj, f"已记录进展（{n.written_on}）", f"progress noted ({n.written_on})")


@tasks.command("extend")
@click.argument("assignment_id", type=int)
@click.option("--until", type=DATE, required=True, metavar="DATE", help="New due date asked for.")
@click.option("--reason", required=True, help="Why (延期理由); required.")
@on_option("Day of the request, default today.")
@pass_ctx
def extend(obj: CliContext, assignment_id: int, until: Any, reason: str, on: Any) -> None:
    """Ask for an extension of an assignment's due date (申请延期)."""
    x = Assignments(obj.session()).request_extension(assignment_id, until, reason, today=on)
    done(
        obj,
        f"已提交延期申请 {x.id}：延至 {x.until}",
        f"extension request {x.id} submitted (until {x.until})",
    )


def _decision(grant: bool) -> click.Command:
    name = "grant" if grant else "refuse"

    @click.command(name)
    @click.argument("request_id", type=int)
    @click.option("--note", help="A note on the decision.")
    @on_option("Day of the decision, default today.")
    @pass_ctx
    def command(obj: CliContext, request_id: int, note: str | None, on: Any) -> None:
        x = Assignments(obj.session()).decide_extension(
            request_id, grant=grant, note=note, today=on
        )
        zh, en = EXTENSION_LABELS[x.status]
        done(obj, f"延期申请 {x.id}：{zh}", f"extension request {x.id}: {en}")

    command.help = (
        "Grant an extension request (同意延期); the due date moves and counts as a delay."
        if grant
        else "Refuse an extension request (不同意延期)."
    )
    return command


tasks.add_command(_decision(True))
tasks.add_command(_decision(False))


@tasks.command("complete")
@click.argument("assignment_id", type=int)
@click.option("--note", help="What was done (办结情况).")
@on_option("Day of completion, default today.")
@pass_ctx
def complete(obj: CliContext, assignment_id: int, note: str | None, on: Any) -> None:
    """Mark an assignment completed (办结)."""
    a = Assignments(obj.session()).complete(assignment_id, note=note, today=on)
    late = obj.t("（超期办结）", " (late)") if a.completed_late else ""
    done(obj, f"督办事项 {a.id} 已办结{late}", f"assignment {a.id} completed{late}")


@tasks.command("list")
@click.option("--overdue", is_flag=True, help="Only open assignments past their due date.")
@click.option("--status", type=click.Choice(list(STATUS_LABELS)), help="Only this status.")
@click.option("--unit", "-u", metavar="CODE", help="Involving this unit's subtree.")
@on_option("The day to judge overdue on, default today.")
@format_option
@pass_ctx
def list_(
    obj: CliContext, overdue: bool, status: str | None, unit: str | None, on: Any, fmt: str
) -> None:
    """Assignments the acting unit issued, received or oversees, by due date (督办清单)."""
    items = Assignments(obj.session()).find(today=on, status=status, overdue=overdue, unit=unit)
    emit(
        _rows(obj, items, fmt),
        _json_columns() if fmt == "json" else COLUMNS,
        fmt=fmt,
        lang=obj.lang,
    )


@tasks.command("show")
@click.argument("assignment_id", type=int)
@on_option("The day to judge overdue on, default today.")
@format_option
@pass_ctx
def show(obj: CliContext, assignment_id: int, on: Any, fmt: str) -> None:
    """Show an assignment with its progress notes and extension requests."""
    api = Assignments(obj.session())
    a = api.get(assignment_id, today=on)
    notes = [n.__dict__ for n in api.notes(assignment_id)]
    extensions = [x.as_dict() for x in api.extensions(assignment_id)]
    if fmt == "json":
        click.echo(to_json({"assignment": a.as_dict(), "notes": notes, "extensions": extensions}))
        return
    row = _rows(obj, [a], fmt)[0]
    lines = facts(COLUMNS, row, obj.lang)
    lines.insert(2, {"field": obj.t("工作目标", "goal"), "value": masked(a.goal)})
    emit(lines, FACT_COLUMNS, fmt=fmt, lang=obj.lang)
    emit(
        notes,
        [
            Column("written_on", "日期", "date"),
            Column("unit", "单位", "unit"),
            Column("text", "进展情况", "progress"),
        ],
        fmt=fmt,
        lang=obj.lang,
        title=obj.t("进展情况", "progress notes"),
    )
    for x in extensions:
        x["status"] = EXTENSION_LABELS[x["status"]][0 if obj.lang == "zh" else 1]
    emit(
        extensions,
        [
            Column("id", "申请编号", "request", "right"),
            Column("requested_on", "申请日期", "requested on"),
            Column("until", "延至", "until"),
            Column("reason", "理由", "reason"),
            Column("status", "审批", "decision"),
            Column("decided_by", "审批单位", "decided by"),
        ],
        fmt=fmt,
        lang=obj.lang,
        title=obj.t("延期申请", "extension requests"),
    )


@tasks.command("ranking")
@click.option("--unit", "-u", metavar="CODE", help="Involving this unit's subtree.")
@on_option("The day to judge overdue on, default today.")
@format_option
@pass_ctx
def ranking(obj: CliContext, unit: str | None, on: Any, fmt: str) -> None:
    """Lead units ranked by delay, worst first (督办延误排名)."""
    rows = Assignments(obj.session()).ranking(today=on, unit=unit)
    emit(
        rows,
        [
            Column("rank", "排名", "rank", "right"),
            Column("code", "单位代码", "code"),
            Column("name", "单位名称", "name"),
            Column("assignments", "督办事项", "assignments", "right"),
            Column("open", "办理中", "open", "right"),
            Column("overdue", "逾期未办结", "overdue", "right"),
            Column("overdue_days", "逾期天数", "overdue days", "right"),
            Column("extensions", "延期次数", "extensions", "right"),
            Column("completed_late", "超期办结", "completed late", "right"),
        ],
        fmt=fmt,
        lang=obj.lang,
    )


def register(cli: click.Group) -> None:
    cli.add_command(tasks)
