"""``kexie visits``: visits to experts (走访看望专家), counts by occasion and care coverage."""

from __future__ import annotations

import json
from datetime import date

import click

from ..people.visits import add_visit, care_coverage, visit_counts, visits
from .calendar_cmd import DATE
from .context import CliContext, pass_ctx
from .output import Column, emit, format_option

VISIT_COLUMNS = [
    Column("date", "日期", "date"),
    Column("unit", "组织单位", "unit"),
    Column("occasion_label", "事由", "occasion"),
    Column("festival", "节日", "festival"),
    Column("experts", "走访专家", "experts"),
    Column("visitors", "走访人员", "visitors"),
    Column("gifts", "慰问品", "gifts"),
    Column("support", "帮扶事项", "support"),
    Column("follow_up_on", "回访日期", "follow-up"),
]
JSON_VISIT_KEYS = (
    "id",
    "date",
    "unit_code",
    "unit",
    "title",
    "occasion",
    "festival",
    "experts",
    "visitors",
    "gifts",
    "support",
    "follow_up_on",
)
COUNT_COLUMNS = [
    Column("label", "事由", "occasion"),
    Column("visits", "走访次数", "visits", "right"),
    Column("experts", "走访专家人数", "experts visited", "right"),
]


def _counts(obj: CliContext, period: str | None, unit: str | None) -> list[dict[str, object]]:
    rows = visit_counts(obj.session(), period=period, unit=unit)
    for row in rows:
        row["label"] = row["label_zh"] if obj.lang == "zh" else row["label_en"]
    return rows


@click.group("visits", invoke_without_command=True)
@click.option("--period", "-p", metavar="PERIOD", help="Only this period: 2026, 2026Q3, 2026-09 …")
@click.option("--unit", metavar="CODE", help="Visits by units under this one (default: actor).")
@format_option
@click.pass_context
def visits_group(ctx: click.Context, period: str | None, unit: str | None, fmt: str) -> None:
    """Visits to academicians and high-level experts (走访看望专家), counted by occasion.

    Without a subcommand, lists the visits recorded by units in the actor's subtree and counts
    them by occasion (节日, 生日, 生病住院, 重大成就, 日常).
    """
    if ctx.invoked_subcommand is not None:
        return
    obj = ctx.find_object(CliContext)
    assert obj is not None
    rows = [v.as_row(obj.lang) for v in visits(obj.session(), period=period, unit=unit)]
    counts = _counts(obj, period, unit)
    if fmt == "json":
        data = {
            "visits": [{k: r[k] for k in JSON_VISIT_KEYS} for r in rows],
            "counts": [
                {k: c[k] for k in ("occasion", "label_zh", "label_en", "visits", "experts")}
                for c in counts
            ],
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return
    emit(rows, VISIT_COLUMNS, fmt=fmt, lang=obj.lang, title=obj.t("专家走访记录", "Visits"))
    if fmt == "table":
        emit(counts, COUNT_COLUMNS, lang=obj.lang, title=obj.t("按事由统计", "By occasion"))


@visits_group.command("counts")
@click.option("--period", "-p", metavar="PERIOD", help="Only this period.")
@click.option("--unit", metavar="CODE", help="Visits by units under this one.")
@format_option
@pass_ctx
def counts(obj: CliContext, period: str | None, unit: str | None, fmt: str) -> None:
    """Visits and experts visited per occasion (按事由统计)."""
    columns = COUNT_COLUMNS
    if fmt != "table":
        columns = [Column("occasion", "事由代码", "occasion"), *COUNT_COLUMNS]
    emit(_counts(obj, period, unit), columns, fmt=fmt, lang=obj.lang)


@visits_group.command("coverage")
@click.option("--period", "-p", required=True, metavar="PERIOD", help="2026, 2026H1, 2026Q3 …")
@click.option("--unit", metavar="CODE", help="Start at this unit (default: the actor).")
@click.option("--depth", type=click.IntRange(0, 10), default=1, show_default=True)
@format_option
@pass_ctx
def coverage(obj: CliContext, period: str, unit: str | None, depth: int, fmt: str) -> None:
    """Care coverage (走访覆盖率): experts visited in the period ÷ experts, per unit subtree."""
    rows = care_coverage(obj.session(), period=period, unit=unit, depth=depth)
    for row in rows:
        row["indented"] = "  " * row["depth"] + row["unit"]
    columns = [
        Column("indented" if fmt == "table" else "unit", "单位", "unit"),
        Column("unit_code", "代码", "code"),
        Column("experts", "专家人数", "experts", "right"),
        Column("visited", "已走访", "visited", "right"),
        Column("coverage", "覆盖率(%)", "coverage (%)", "right"),
    ]
    if fmt == "json":
        columns = [Column(k, k, k) for k in ("unit_code", "unit", "depth", "period", "experts")]
        columns += [Column("visited", "", ""), Column("coverage", "", "")]
    emit(rows, columns, fmt=fmt, lang=obj.lang)


@visits_group.command("add")
@click.option("--on", "on", type=DATE, required=True, metavar="DATE", help="Day of the visit.")
@click.option(
    "--expert",
    "experts",
    multiple=True,
    required=True,
    metavar="MEMBER_NO",
    help="An expert visited (member number); repeat for several.",
)
@click.option("--unit", metavar="CODE", help="Visiting unit (default: the actor).")
@click.option(
    "--occasion",
    default="routine",
    show_default=True,
    help="festival/节日, birthday/生日, illness/生病, achievement/成就, routine/日常.",
)
@click.option("--festival", help="spring_festival/春节, mid_autumn/中秋, double_ninth/重阳 …")
@click.option(
    "--visitor", "visitors", multiple=True, metavar="NAME", help="Who went (走访人员); repeatable."
)
@click.option("--gifts", help="Gifts given (慰问品).")
@click.option("--support", help="Support given or arranged (帮扶事项).")
@click.option("--follow-up-on", type=DATE, metavar="DATE", help="Schedules a follow-up (回访).")
@click.option("--title", help="Title (default: 走访看望<names>（<occasion>）).")
@click.option("--notes", help="Notes.")
@click.option("--id", "external_id", metavar="ID", help="An identifier of your own.")
@pass_ctx
def add(
    obj: CliContext,
    on: date,
    experts: tuple[str, ...],
    unit: str | None,
    occasion: str,
    festival: str | None,
    visitors: tuple[str, ...],
    gifts: str | None,
    support: str | None,
    follow_up_on: date | None,
    title: str | None,
    notes: str | None,
    external_id: str | None,
) -> None:
    """Record one visit (记录一次走访); many at once: `kexie import work-items`."""
    item_id = add_visit(
        obj.session(),
        on=on,
        experts=list(experts),
        unit=unit,
        occasion=occasion,
        festival=festival,
        visitors=list(visitors),
        gifts=gifts,
        support=support,
        follow_up_on=follow_up_on,
        notes=notes,
        title=title,
        external_id=external_id,
    )
    click.echo(obj.t(f"已记录走访（事项 {item_id}）", f"visit recorded (work item {item_id})"))


def register(cli: click.Group) -> None:
    cli.add_command(visits_group)
