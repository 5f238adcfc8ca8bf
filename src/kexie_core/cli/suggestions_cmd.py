"""``kexie suggestions …``: suggestions of S&T workers (《科技工作者建议》)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..workflow import Suggestion, Suggestions, SuggestionStatus
from .context import CliContext, pass_ctx
from .output import FACT_COLUMNS, Column, emit, facts, format_option, masked
from .workflow_options import done, on_option, period_option, text_or_file, to_json


@click.group("suggestions")
def suggestions() -> None:
    """Suggestions of S&T workers and what became of them (《科技工作者建议》)."""


COLUMNS = [
    Column("id", "编号", "id", "right"),
    Column("unit", "报送单位", "unit"),
    Column("title", "标题", "title"),
    Column("authors_text", "建议人", "authors"),
    Column("status_label", "办理状态", "status"),
    Column("submitted_on", "报送日期", "submitted on"),
    Column("forwarded_to", "转送单位", "forwarded to"),
    Column("forwarded_on", "转送日期", "forwarded on"),
    Column("concluded_on", "办结日期", "concluded on"),
]
JSON_COLUMNS = [
    Column(k, k, k)
    for k in (
        "id",
        "unit",
        "unit_name",
        "title",
        "text",
        "authors",
        "status",
        "submitted_on",
        "forwarded_on",
        "forwarded_to",
        "concluded_on",
        "outcome_note",
    )
]


def _rows(obj: CliContext, items: list[Suggestion]) -> list[dict[str, Any]]:
    rows = []
    for s in items:
        row = s.as_dict()
        row["authors_text"] = "、".join(s.authors)
        row["status_label"] = SuggestionStatus.parse(s.status).label(obj.lang)
        rows.append(row)
    return rows


@suggestions.command("new")
@click.option("--title", required=True, help="Title (标题).")
@click.option("--text", "text", help="The suggestion (建议内容).")
@click.option(
    "--text-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read the text from a UTF-8 file.",
)
@click.option(
    "--author", "authors", multiple=True, required=True, metavar="MEMBER_NO", help="Repeat."
)
@click.option("--unit", "-u", metavar="CODE", help="Unit it came through (default: the actor).")
@on_option("Day it is submitted, default today.")
@pass_ctx
def new(
    obj: CliContext,
    title: str,
    text: str | None,
    text_file: Path | None,
    authors: tuple[str, ...],
    unit: str | None,
    on: Any,
) -> None:
    """Record a suggestion written by members (报送建议)."""
    body = text_or_file(text, text_file, "text")
    s = Suggestions(obj.session()).submit(
        {"title": title, "text": body or "", "authors": list(authors), "unit": unit},
        today=on,
    )
    done(obj, f"已报送建议 {s.id}：{s.title}", f"suggestion {s.id} recorded: {s.title}")


@suggestions.command("forward")
@click.argument("suggestion_id", type=int)
@click.option("--to", "to", required=True, help="Body it goes to (转送单位), e.g. 市委办公室.")
@click.option("--note", help="A note.")
@on_option("Day it is forwarded, default today.")
@pass_ctx
def forward(obj: CliContext, suggestion_id: int, to: str, note: str | None, on: Any) -> None:
    """Forward a suggestion to a Party committee or government body (转送)."""
    s = Suggestions(obj.session()).forward(suggestion_id, to, note=note, today=on)
    done(obj, f"已转送建议 {s.id} 至 {s.forwarded_to}", f"suggestion {s.id} forwarded to {to}")


def _conclude(action: str, zh: str, en: str) -> click.Command:
    @click.command(action)
    @click.argument("suggestion_id", type=int)
    @click.option("--note", help="What was decided or answered.")
    @on_option("Day of the outcome, default today.")
    @pass_ctx
    def command(obj: CliContext, suggestion_id: int, note: str | None, on: Any) -> None:
        api = Suggestions(obj.session())
        s = getattr(api, action)(suggestion_id, note=note, today=on)
        done(obj, f"建议 {s.id} {zh}", f"suggestion {s.id} {en}")

    command.help = f"Mark a suggestion {en} ({zh})."
    return command


suggestions.add_command(_conclude("adopt", "已采纳", "adopted"))
suggestions.add_command(_conclude("answer", "已答复", "answered"))
suggestions.add_command(_conclude("close", "已办结", "closed"))


@suggestions.command("list")
@click.option("--status", help="submitted, forwarded, adopted, answered or closed.")
@click.option("--unit", "-u", metavar="CODE", help="Under this unit (default: the acting unit).")
@period_option(required=False)
@format_option
@pass_ctx
def list_(
    obj: CliContext, status: str | None, unit: str | None, period: str | None, fmt: str
) -> None:
    """Suggestions of units in the acting unit's subtree, newest first (建议列表)."""
    items = Suggestions(obj.session()).find(status=status, unit=unit, period=period)
    emit(_rows(obj, items), JSON_COLUMNS if fmt == "json" else COLUMNS, fmt=fmt, lang=obj.lang)


@suggestions.command("show")
@click.argument("suggestion_id", type=int)
@format_option
@pass_ctx
def show(obj: CliContext, suggestion_id: int, fmt: str) -> None:
    """Show one suggestion with its text and outcome."""
    s = Suggestions(obj.session()).get(suggestion_id)
    if fmt == "json":
        click.echo(to_json(s.as_dict()))
        return
    row = _rows(obj, [s])[0]
    lines = facts(COLUMNS, row, obj.lang)
    lines.append({"field": obj.t("办理结果", "outcome"), "value": masked(s.outcome_note)})
    emit(lines, FACT_COLUMNS, fmt=fmt, lang=obj.lang)
    if fmt == "table":
        click.echo(masked(s.text))


@suggestions.command("stats")
@period_option(required=False)
@click.option("--unit", "-u", metavar="CODE", help="Under this unit (default: the acting unit).")
@click.option("--depth", type=int, default=1, show_default=True, help="Levels below the unit.")
@format_option
@pass_ctx
def stats(obj: CliContext, period: str | None, unit: str | None, depth: int, fmt: str) -> None:
    """Suggestions by status per unit's subtree (建议统计), submitted in PERIOD or ever."""
    rows = Suggestions(obj.session()).counts(period=period, unit=unit, depth=depth)
    emit(
        rows,
        [
            Column("code", "单位代码", "code"),
            Column("name", "单位名称", "name"),
            Column("total", "合计", "total", "right"),
            *(Column(s.value, s.label_zh, s.value, "right") for s in SuggestionStatus),
        ],
        fmt=fmt,
        lang=obj.lang,
    )


def register(cli: click.Group) -> None:
    cli.add_command(suggestions)
