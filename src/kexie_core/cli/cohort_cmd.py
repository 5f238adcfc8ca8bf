"""``kexie cohort …``: programme cohorts, first of all the youth lifting programme (托举工程)."""

from __future__ import annotations

from datetime import date

import click

from ..people.cohort import YOUTH_LIFTING, add_support, cohort, end_support
from .calendar_cmd import DATE
from .context import CliContext, pass_ctx
from .output import Column, emit, format_option

COLUMNS = [
    Column("member_no", "会员编号", "member no."),
    Column("name", "姓名", "name"),
    Column("unit", "所属单位", "unit"),
    Column("study_status_label", "在读状态", "study status"),
    Column("age", "年龄", "age", "right"),
    Column("eligible_text", "符合条件", "eligible"),
    Column("supported_text", "托举支持", "supported"),
    Column("since", "支持起始", "since"),
    Column("supporting_unit", "支持单位", "supported by"),
    Column("reasons", "不符合原因", "why not eligible"),
]
JSON_KEYS = (
    "member_no",
    "name",
    "unit_code",
    "unit",
    "study_status",
    "age",
    "eligible",
    "supported",
    "since",
    "supporting_unit_code",
    "supporting_unit",
    "reasons",
)


@click.group("cohort")
def cohort_group() -> None:
    """Programme cohorts (人才项目对象): the youth lifting programme (托举工程)."""


@cohort_group.command("youth-lifting")
@click.option("--on", "on", type=DATE, metavar="DATE", help="The day (default: today).")
@click.option("--unit", metavar="CODE", help="Members kept under this unit (default: actor).")
@click.option(
    "--age-under",
    type=click.IntRange(1, 150),
    help="Age limit: eligible while younger than this (default: the programme's, 32).",
)
@format_option
@pass_ctx
def youth_lifting(
    obj: CliContext, on: date | None, unit: str | None, age_under: int | None, fmt: str
) -> None:
    """Doctoral students and postdocs under 32 on a day, and who supports them (托举工程).

    "Under 32" means younger than 32 that day: on the 32nd birthday a person is 32 and out of
    the cohort. Members still supported who no longer qualify are listed with the reason.
    """
    rows = []
    zh = obj.lang == "zh"
    for member in cohort(obj.session(), YOUTH_LIFTING, on=on, unit=unit, age_under=age_under):
        row = member.as_row(obj.lang)
        row["eligible_text"] = (
            ("是" if zh else "yes") if member.eligible else ("否" if zh else "no")
        )
        row["supported_text"] = ("是" if zh else "yes") if member.supported else ""
        rows.append(row)
    columns = COLUMNS if fmt != "json" else [Column(k, k, k) for k in JSON_KEYS]
    title = obj.t(f"托举工程对象（{len(rows)}人）", f"Youth lifting cohort ({len(rows)})")
    emit(rows, columns, fmt=fmt, lang=obj.lang, title=title)


@cohort_group.command("support")
@click.argument("member_no")
@click.option("--since", type=DATE, metavar="DATE", help="First day of support (default today).")
@click.option("--unit", metavar="CODE", help="Supporting unit (default: the actor).")
@click.option("--note", help="What support is given (≤ 300 characters).")
@click.option("--programme", default=YOUTH_LIFTING, show_default=True, help="Cohort programme.")
@pass_ctx
def support(
    obj: CliContext,
    member_no: str,
    since: date | None,
    unit: str | None,
    note: str | None,
    programme: str,
) -> None:
    """Record that a unit supports MEMBER_NO (托举支持); refused unless eligible that day."""
    add_support(obj.session(), member_no, programme=programme, since=since, unit=unit, note=note)
    click.echo(obj.t(f"已记录对 {member_no} 的托举支持", f"support of {member_no} recorded"))


@cohort_group.command("end-support")
@click.argument("member_no")
@click.option("--on", "until", type=DATE, required=True, metavar="DATE", help="First day without.")
@click.option("--programme", default=YOUTH_LIFTING, show_default=True, help="Cohort programme.")
@pass_ctx
def end_support_cmd(obj: CliContext, member_no: str, until: date, programme: str) -> None:
    """End the support of MEMBER_NO from a day (结束托举支持)."""
    end_support(obj.session(), member_no, until=until, programme=programme)
    click.echo(obj.t(f"{member_no} 的托举支持至 {until} 结束", f"support ends on {until}"))


def register(cli: click.Group) -> None:
    cli.add_command(cohort_group)
