"""Printing rows as a table (rich), CSV or JSON: the ``--format`` every data command shares."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TextIO

import click
from rich.console import Console
from rich.table import Table

from ..model.dates import parse_date

FORMATS = ("table", "csv", "json")


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    justify: str = "left"
    #: Keep the cell on one line in tables (keys and codes); other columns give way first.
    no_wrap: bool = False

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def emit(
    rows: Iterable[dict[str, Any]],
    columns: Sequence[Column],
    *,
    fmt: str = "table",
    lang: str = "zh",
    title: str | None = None,
    out: TextIO | None = None,
) -> None:
    """Write ``rows`` in ``fmt``. JSON keys are the English keys; table and CSV headers follow
    ``lang`` (Chinese by default)."""
    out = out or sys.stdout
    rows = list(rows)
    if fmt == "json":
        data = [{c.key: _plain(r.get(c.key)) for c in columns} for r in rows]
        out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([c.label(lang) for c in columns])
        for r in rows:
            writer.writerow(["" if r.get(c.key) is None else _plain(r.get(c.key)) for c in columns])
    else:
        table = Table(title=title, show_lines=False, header_style="bold")
        for c in columns:
            table.add_column(
                c.label(lang),
                justify=c.justify,  # type: ignore[arg-type]
                no_wrap=c.no_wrap,
            )
        for r in rows:
            table.add_row(
                *("" if r.get(c.key) is None else str(_plain(r.get(c.key))) for c in columns)
            )
        # On a terminal, fit it; into a pipe or file, never cut a cell short.
        terminal = Console(file=out)
        width = max(100, terminal.width) if terminal.is_terminal else 1000
        Console(file=out, soft_wrap=True, width=width).print(table)


FACT_COLUMNS = (Column("field", "项目", "field"), Column("value", "内容", "value"))


def facts(columns: Sequence[Column], row: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """One record as (field, value) lines, for ``show`` commands."""
    return [{"field": c.label(lang), "value": row.get(c.key)} for c in columns]


class DateParam(click.ParamType):
    """A date as clerks type it: 2026-04-08, 2026/4/8, 2026年4月8日 (``model.dates``)."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return parse_date(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


DATE = DateParam()


def format_option(func: Any) -> Any:
    """``--format table|csv|json`` for any command that prints data."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help="Output format (输出格式).",
    )(func)
