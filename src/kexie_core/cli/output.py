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
from ..model.identifiers import mask_personal_numbers

FORMATS = ("table", "csv", "json")

#: Fields holding text a clerk typed (a narrative, a reason, a matter's text…). A phone or ID
#: number typed into one must not come back out in full, so the command line masks ID- and
#: phone-like numbers in them, as report documents do (``model.identifiers.mask_personal_numbers``).
FREE_TEXT = frozenset(
    {"narrative", "reason", "text", "title", "goal", "note", "ack_note", "outcome_note",
     "completion_note", "decision_note"}
)  # fmt: skip


def masked(value: Any) -> Any:
    """Free text with ID- and phone-like numbers masked; anything else as it is."""
    return mask_personal_numbers(value) if isinstance(value, str) else value


def mask_free_text(data: Any) -> Any:
    """``data`` (dicts and lists, as for JSON) with every ``FREE_TEXT`` field masked."""
    if isinstance(data, dict):
        return {k: masked(v) if k in FREE_TEXT else mask_free_text(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [mask_free_text(v) for v in data]
    return data


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
    # Typed text in the columns printed, masked; other columns (most tables) are left alone.
    texts = [c.key for c in columns if c.key in FREE_TEXT]
    rows = [{**r, **{k: masked(r.get(k)) for k in texts}} for r in rows] if texts else list(rows)
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
    return [
        {"field": c.label(lang), "value": masked(row.get(c.key)) if c.key in FREE_TEXT
         else row.get(c.key)}
        for c in columns
    ]  # fmt: skip


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
