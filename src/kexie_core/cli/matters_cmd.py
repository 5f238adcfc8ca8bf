"""``kexie matters …``: important-matter reports (重要情况报告)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..workflow import Matter, Matters, Urgency
from .context import CliContext, pass_ctx
from .output import FACT_COLUMNS, Column, emit, facts, format_option, masked
from .workflow_options import DATE, done, on_option, period_option, text_or_file, to_json


@click.group("matters")
def matters() -> None:
    """Important-matter reports to the units above (重要情况报告)."""


def _rows(obj: CliContext, items: list[Matter], fmt: str) -> list[dict[str, Any]]:
    rows = []
    for m in items:
        row = m.as_dict()
        if fmt != "json":
            row["urgency"] = Urgency.parse(m.urgency).label(obj.lang)
            row["timely"] = obj.t("及时", "timely") if m.timely else obj.t("迟报", "late")
            row["attachments"] = "; ".join(m.attachments)
        rows.append(row)
    return rows


COLUMNS = [
    Column("id", "编号", "id", "right"),
    Column("unit", "报告单位", "unit"),
    Column("receiver", "接收单位", "receiver"),
    Column("title", "标题", "title"),
    Column("urgency", "紧急程度", "urgency"),
    Column("occurred_on", "发生日期", "occurred on"),
    Column("reported_on", "报告日期", "reported on"),
    Column("timely", "是否及时", "timely"),
    Column("acknowledged_on", "签收日期", "acknowledged on"),
    Column("acknowledged_by", "签收单位", "acknowledged by"),
]


@matters.command("new")
@click.option("--title", required=True, help="Title (标题).")
@click.option("--text", "text", help="What happened (情况内容).")
@click.option(
    "--text-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read the text from a UTF-8 file.",
)
@click.option("--occurred-on", type=DATE, required=True, metavar="DATE", help="When it happened.")
@click.option(
    "--urgency",
    default="normal",
    show_default=True,
    help="normal (一般), urgent (紧急) or critical (特急).",
)
@click.option("--to", "receiver", metavar="CODE", help="Receiving unit above (default: parent).")
@click.option("--attachment", "attachments", multiple=True, metavar="LINK", help="A link; repeat.")
@on_option("Day it is reported (报告日期), default today.")
@pass_ctx
def new(
    obj: CliContext,
    title: str,
    text: str | None,
    text_file: Path | None,
    occurred_on: Any,
    urgency: str,
    receiver: str | None,
    attachments: tuple[str, ...],
    on: Any,
) -> None:
    """Report an important matter as the acting unit (报告重要情况)."""
    body = text_or_file(text, text_file, "text")
    m = Matters(obj.session()).report(
        {
            "title": title,
            "text": body or "",
            "occurred_on": occurred_on,
            "urgency": urgency,
            "receiver": receiver,
            "attachments": list(attachments),
            "reported_on": on,
        }
    )
    timely = obj.t("及时", "timely") if m.timely else obj.t("迟报", "late")
    done(
        obj,
        f"已报告重要情况 {m.id}：{m.title}（报 {m.receiver}，{timely}）",
        f"important matter {m.id} reported to {m.receiver} ({timely})",
    )


@matters.command("ack")
@click.argument("matter_id", type=int)
@click.option("--note", help="A note with the acknowledgement.")
@on_option("Day of acknowledgement, default today.")
@pass_ctx
def ack(obj: CliContext, matter_id: int, note: str | None, on: Any) -> None:
    """Acknowledge receipt of an important matter as the receiving unit (签收)."""
    m = Matters(obj.session()).acknowledge(matter_id, note=note, today=on)
    done(obj, f"已签收重要情况 {m.id}：{m.title}", f"acknowledged important matter {m.id}")


@matters.command("list")
@period_option(required=False)
@click.option("--unit", "-u", metavar="CODE", help="Under this unit (default: the acting unit).")
@click.option("--unacknowledged", is_flag=True, help="Only those not yet acknowledged (未签收).")
@click.option("--urgency", help="Only this urgency.")
@format_option
@pass_ctx
def list_(
    obj: CliContext,
    period: str | None,
    unit: str | None,
    unacknowledged: bool,
    urgency: str | None,
    fmt: str,
) -> None:
    """Important matters reported by or to units in the acting unit's subtree, newest first."""
    items = Matters(obj.session()).find(
        period=period, unit=unit, unacknowledged=unacknowledged, urgency=urgency
    )
    columns = COLUMNS
    if fmt == "json":
        columns = [*COLUMNS, Column("text", "内容", "text"), Column("attachments", "附件", "")]
    emit(_rows(obj, items, fmt), columns, fmt=fmt, lang=obj.lang)


@matters.command("show")
@click.argument("matter_id", type=int)
@format_option
@pass_ctx
def show(obj: CliContext, matter_id: int, fmt: str) -> None:
    """Show one important matter with its text and attachments."""
    m = Matters(obj.session()).get(matter_id)
    if fmt == "json":
        click.echo(to_json(m.as_dict()))
        return
    row = _rows(obj, [m], fmt)[0]
    lines = facts(COLUMNS, row, obj.lang)
    lines.append({"field": obj.t("附件", "attachments"), "value": row["attachments"]})
    lines.append({"field": obj.t("签收说明", "note"), "value": masked(m.ack_note)})
    emit(lines, FACT_COLUMNS, fmt=fmt, lang=obj.lang)
    if fmt == "table":
        click.echo(masked(m.text))


@matters.command("stats")
@period_option()
@click.option("--unit", "-u", metavar="CODE", help="Under this unit (default: the acting unit).")
@click.option("--depth", type=int, default=1, show_default=True, help="Levels below the unit.")
@format_option
@pass_ctx
def stats(obj: CliContext, period: str, unit: str | None, depth: int, fmt: str) -> None:
    """Important matters reported in PERIOD, per unit's subtree (重要情况统计)."""
    rows = Matters(obj.session()).counts(period, unit=unit, depth=depth)
    emit(
        rows,
        [
            Column("code", "单位代码", "code"),
            Column("name", "单位名称", "name"),
            Column("matters", "报告数", "matters", "right"),
            Column("timely", "及时", "timely", "right"),
            Column("late", "迟报", "late", "right"),
            Column("acknowledged", "已签收", "acknowledged", "right"),
            Column("unacknowledged", "未签收", "unacknowledged", "right"),
            Column("urgent", "紧急", "urgent", "right"),
            Column("critical", "特急", "critical", "right"),
        ],
        fmt=fmt,
        lang=obj.lang,
    )


def register(cli: click.Group) -> None:
    cli.add_command(matters)
