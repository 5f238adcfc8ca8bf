"""``kexie calendar``: the care calendar for experts (专家关怀日历), also as iCalendar."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from ..people.calendar import CalendarOptions, care_calendar
from ..people.ics import to_ics
from .context import CliContext, pass_ctx
from .output import DATE, Column, emit

COLUMNS = [
    Column("day_text", "日期", "date"),
    Column("occasion_label", "事由", "occasion"),
    Column("expert", "专家", "expert"),
    Column("unit", "单位", "unit"),
    Column("age_text", "年龄", "age", "right"),
    Column("lunar", "农历", "lunar date"),
    Column("visited_text", "走访", "visit"),
    Column("note", "备注", "note"),
]
CSV_COLUMNS = [
    Column("date", "日期", "date"),
    *COLUMNS[1:4],
    Column("age", "年龄", "age"),
    Column("round_text", "整寿", "round birthday"),
    *COLUMNS[5:],
]
JSON_KEYS = (
    "uid",
    "date",
    "occasion",
    "occasion_label",
    "member_no",
    "expert",
    "expert_level",
    "unit_code",
    "unit",
    "age",
    "round_birthday",
    "lunar",
    "visited",
    "visited_on",
    "note",
)


def _display(row: dict[str, Any], lang: str) -> dict[str, Any]:
    zh = lang == "zh"
    if row["visited"] is None:
        row["visited_text"] = ""
    elif row["visited"]:
        row["visited_text"] = f"{'已走访' if zh else 'visited'} {row['visited_on']:%m-%d}"
    else:
        row["visited_text"] = "未走访" if zh else "not yet"
    row["round_text"] = ("整寿" if zh else "yes") if row["round_birthday"] else ""
    row["day_text"] = f"{row['date']} {row['weekday']}"
    age = "" if row["age"] is None else str(row["age"])
    row["age_text"] = f"{age} {'整寿' if zh else 'round'}" if row["round_birthday"] else age
    return row


@click.command("calendar")
@click.option(
    "--days", type=click.IntRange(1, 3660), default=30, show_default=True, help="Days to cover."
)
@click.option("--from", "start", type=DATE, metavar="DATE", help="First day (default: today).")
@click.option("--unit", metavar="CODE", help="Experts kept under this unit (default: the actor).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("table", "csv", "json", "ics")),
    default="table",
    show_default=True,
    help="Output format (输出格式); ics imports into a phone calendar.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write to this file instead of the screen.",
)
@click.option(
    "--double-ninth-age",
    type=click.IntRange(0, 150),
    default=CalendarOptions.double_ninth_min_age,
    show_default=True,
    help="List the Double Ninth (重阳节) for experts of at least this age.",
)
@pass_ctx
def calendar(
    obj: CliContext,
    days: int,
    start: date | None,
    unit: str | None,
    fmt: str,
    out: Path | None,
    double_ninth_age: int,
) -> None:
    """Upcoming occasions to visit experts (专家关怀日历).

    Birthdays (lunar for experts who keep one; 70, 80, 90 flagged), Spring Festival, 30 May
    (全国科技工作者日), Mid-Autumn, National Day, Double Ninth, follow-ups after illness visits,
    congratulations on honours and council renewals (换届) of units below. Each line says whether
    a visit has been recorded for it.
    """
    options = CalendarOptions(double_ninth_min_age=double_ninth_age)
    lines = care_calendar(obj.session(), start=start, days=days, unit=unit, options=options)
    if fmt == "ics":
        text = to_ics(lines, name=obj.t("专家关怀日历", "Expert care calendar"), lang=obj.lang)
        if out is None:
            click.echo(text, nl=False)
        else:
            out.write_bytes(text.encode("utf-8"))
        return
    rows = [_display({"uid": line.uid, **line.as_row(obj.lang)}, obj.lang) for line in lines]
    columns = {"table": COLUMNS, "csv": CSV_COLUMNS}.get(fmt) or [
        Column(k, k, k) for k in JSON_KEYS
    ]
    title = obj.t(f"专家关怀日历（{len(lines)}项）", f"Expert care calendar ({len(lines)})")
    if out is None:
        emit(rows, columns, fmt=fmt, lang=obj.lang, title=title)
        return
    with out.open("w", encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="") as handle:
        emit(rows, columns, fmt=fmt, lang=obj.lang, title=title, out=handle)


def register(cli: click.Group) -> None:
    cli.add_command(calendar)
