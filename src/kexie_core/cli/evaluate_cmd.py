"""``kexie evaluate``: performance scores and ranking under a rubric (绩效评估排名)."""

from __future__ import annotations

from typing import Any

import click

from ..metrics.scoring import Evaluation, evaluate, resolve_rubric
from ..plugin.host import load_plugins
from .context import CliContext, pass_ctx
from .output import Column, emit, format_option

RULE_LABELS = {
    "ratio_to_target": ("完成率计分", "ratio to target"),
    "thresholds": ("分档计分", "thresholds"),
    "rank": ("排名计分", "rank"),
    "bonus": ("加分", "bonus"),
    "veto": ("一票否决", "veto"),
}


def _points(value: float) -> str:
    return f"{value:.2f}"


def _summary_rows(result: Evaluation, lang: str) -> list[dict[str, Any]]:
    labels = {item.key: item.label(lang) for item in result.rubric.items}
    rows = []
    for s in result.scores:
        row = s.as_dict(lang)
        row["vetoed_text"] = "；".join(labels[key] for key in s.vetoed_by)
        for key in ("weighted", "bonus", "total"):
            row[f"{key}_text"] = _points(row[key])
        rows.append(row)
    return rows


def _explain_rows(result: Evaluation, lang: str) -> list[dict[str, Any]]:
    rows = []
    for s in result.scores:
        for i, item in enumerate(s.items):
            row = item.as_dict(lang)
            zh, en = RULE_LABELS[row["rule"]]
            row.update(
                {
                    "rank": s.rank if i == 0 else "",
                    "unit_name": s.unit.name if i == 0 else "",
                    "unit_code": s.unit.code,
                    "rule_label": zh if lang == "zh" else en,
                    "points_text": "" if row["rule"] == "veto" else _points(row["points"]),
                }
            )
            rows.append(row)
    return rows


@click.command("evaluate")
@click.option("--period", "-p", required=True, metavar="PERIOD", help="2026, 2026H1, 2026Q3 …")
@click.option(
    "--rubric",
    metavar="FILE|KEY",
    help="A rubric TOML file, or the key of a registered rubric (default: county).",
)
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    metavar="KIND",
    help="Rank units of this kind (repeatable; default: the rubric's, counties and zones).",
)
@click.option("--explain", is_flag=True, help="Show every item: value, rule, points (评分说明).")
@format_option
@pass_ctx
def evaluate_cmd(
    obj: CliContext,
    period: str,
    rubric: str | None,
    kinds: tuple[str, ...],
    explain: bool,
    fmt: str,
) -> None:
    """Score and rank units of one kind under a rubric (绩效评估): weighted items on metrics,
    bonus points and veto items (一票否决), each score explained with --explain.
    """
    # The rubric first: a mistake in the file is reported before any database work.
    chosen = resolve_rubric(obj.plugins or load_plugins(), rubric)
    result = evaluate(obj.session(), period, chosen, kinds=list(kinds) or None)
    lang = obj.lang
    title = f"{result.rubric.label(lang)} · " + (
        result.period.label_zh if lang == "zh" else str(result.period)
    )
    if fmt == "json":
        data = [s.as_dict(lang) for s in result.scores]
        emit(
            data,
            [
                Column(k, k, k)
                for k in (
                    "rank",
                    "unit_code",
                    "unit_name",
                    "unit_kind",
                    "weighted",
                    "bonus",
                    "vetoed",
                    "vetoed_by",
                    "total",
                    "items",
                )
            ],
            fmt="json",
        )
        return
    if explain:
        if fmt == "csv":
            columns = [
                Column("rank", "排名", "rank"),
                Column("unit_name", "单位", "unit"),
                Column("unit_code", "单位代码", "unit_code"),
                Column("item_label", "评估项目", "item"),
                Column("metric", "指标代码", "metric"),
                Column("value", "指标值", "value"),
                Column("rule_label", "规则", "rule"),
                Column("points", "得分", "points"),
                Column("explanation", "评分说明", "explanation"),
            ]
        else:  # the explanation already says the value and the rule
            columns = [
                Column("rank", "排名", "rank", "right"),
                Column("unit_name", "单位", "unit"),
                Column("item_label", "评估项目", "item"),
                Column("points_text", "得分", "points", "right"),
                Column("explanation", "评分说明", "explanation"),
            ]
        emit(_explain_rows(result, lang), columns, fmt=fmt, lang=lang, title=title)
    columns = [
        Column("rank", "排名", "rank", "right"),
        Column("unit_name", "单位", "unit"),
        Column("unit_code", "代码", "code"),
        Column("weighted_text", "加权得分", "weighted", "right"),
        Column("bonus_text", "加分", "bonus", "right"),
        Column("vetoed_text", "一票否决", "veto"),
        Column("total_text", "总分", "total", "right"),
    ]
    if explain and fmt == "csv":
        return  # one CSV document per run: the item rows carry everything
    emit(_summary_rows(result, lang), columns, fmt=fmt, lang=lang, title=title)


def register(cli: click.Group) -> None:
    cli.add_command(evaluate_cmd)
