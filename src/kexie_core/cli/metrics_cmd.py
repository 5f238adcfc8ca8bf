"""``kexie metrics``: the metric table of a unit and its subtree for one period (指标统计表)."""

from __future__ import annotations

from typing import Any

import click

from ..metrics import MetricTable, compute_metrics, select_metrics
from ..metrics.results import achievement_rate, format_figure
from ..metrics.targets import gaps
from ..model.enums import Area
from ..plugin.host import PluginHost, load_plugins
from .context import CliContext, pass_ctx
from .output import Column, emit, format_option


def _percent(rate: float | None) -> str:
    return "" if rate is None else f"{rate * 100:.1f}%"


def _keys(host: PluginHost, patterns: tuple[str, ...], areas: tuple[str, ...]) -> list[str] | None:
    """Metric keys from ``--metric`` patterns and ``--area`` filters (None: every metric)."""
    if not patterns and not areas:
        return None
    chosen = select_metrics(host.metrics(), patterns or None)
    if areas:
        wanted = {Area.parse(a) for a in areas}
        chosen = [m for m in chosen if m.area in wanted]
        if not chosen:
            raise click.BadParameter("no metric of these areas matches", param_hint="--area")
    return [m.key for m in chosen]


def _catalogue(host: PluginHost, obj: CliContext, fmt: str) -> None:
    rows = [m.as_dict(obj.lang) for m in host.metrics()]
    if fmt == "table":  # narrow, so that a key is never folded across lines
        columns = [
            Column("key", "指标代码", "key", no_wrap=True),
            Column("label", "指标名称", "label"),
            Column("unit", "单位", "unit"),
            Column("area", "领域", "area"),
            Column("rollup", "汇总", "roll-up"),
        ]
        if any(not r["plugin"].startswith("kexie.") for r in rows):
            columns.append(Column("plugin", "插件", "plug-in"))
    else:
        columns = [
            Column("key", "指标代码", "key"),
            Column("label", "指标名称", "label"),
            Column("unit", "计量单位", "unit"),
            Column("area", "工作领域", "area"),
            Column("area_label", "领域名称", "area_label"),
            Column("rollup", "汇总规则", "rollup"),
            Column("rollup_label", "汇总规则说明", "rollup_label"),
            Column("default_target", "默认目标", "default_target"),
            Column("plugin", "插件", "plugin"),
            Column("description", "说明", "description"),
        ]
    emit(rows, columns, fmt=fmt, lang=obj.lang)


def _table_rows(table: MetricTable, lang: str, own_only: bool) -> list[dict[str, Any]]:
    """A heading row per unit (name and code, indented by depth), then its metrics under it:
    the layout of a printed statistics table, and narrow enough for a terminal."""
    out: list[dict[str, Any]] = []
    last = None
    for unit, metric, fig in table:
        indent = "  " * unit.depth
        if unit.id != last:
            out.append({"label": f"{indent}{unit.name}（{unit.code}）"})
            last = unit.id
        target = table.target(unit.id, metric.key)
        out.append(
            {
                "label": f"{indent}  {metric.label(lang)}",
                "measure": metric.unit(lang),
                "own": format_figure(metric, fig.own, fig.own_parts, lang, unit=False),
                "subtree": format_figure(metric, fig.subtree, fig.subtree_parts, lang, unit=False),
                "target": ""
                if own_only or target is None
                else format_figure(metric, target, lang=lang, unit=False),
                "achievement": "" if own_only else _percent(achievement_rate(fig.subtree, target)),
            }
        )
    return out


def _emit_table(table: MetricTable, obj: CliContext, fmt: str, own_only: bool) -> None:
    title = (
        obj.t(f"{table.period.label_zh} 指标统计（本级 = 单位自身）", f"Metrics for {table.period}")
        if own_only
        else obj.t(
            f"{table.period.label_zh} 指标统计（本级 = 单位自身；合计 = 含全部下级）",
            f"Metrics for {table.period} (own = the unit itself; subtree = with everything below)",
        )
    )
    if fmt == "table":
        columns = [
            Column("label", "单位 / 指标", "unit / metric"),
            Column("measure", "计量单位", "measure"),
            Column("own", "本级", "own", "right", no_wrap=True),
        ]
        if not own_only:
            columns += [
                Column("subtree", "合计", "subtree", "right", no_wrap=True),
                Column("target", "目标", "target", "right", no_wrap=True),
                Column("achievement", "完成率", "achievement", "right", no_wrap=True),
            ]
        emit(_table_rows(table, obj.lang, own_only), columns, fmt=fmt, lang=obj.lang, title=title)
        return
    rows = table.rows(obj.lang)
    columns = [
        Column("period", "期间", "period"),
        Column("unit_code", "单位代码", "unit_code"),
        Column("unit_name", "单位名称", "unit_name"),
        Column("depth", "层级", "depth"),
        Column("metric", "指标代码", "metric"),
        Column("metric_label", "指标", "metric_label"),
        Column("measure", "计量单位", "measure"),
        Column("own", "本级", "own"),
    ]
    if not own_only:
        columns += [
            Column("subtree", "合计", "subtree"),
            Column("target", "目标", "target"),
            Column("achievement", "完成率", "achievement"),
        ]
    if fmt == "json":
        columns += [
            Column("own_parts", "own_parts", "own_parts"),
            Column("subtree_parts", "subtree_parts", "subtree_parts"),
            Column("area", "area", "area"),
            Column("rollup", "rollup", "rollup"),
            Column("plugin", "plugin", "plugin"),
        ]
    emit(rows, columns, fmt=fmt, lang=obj.lang)


def _emit_gaps(table: MetricTable, obj: CliContext, fmt: str) -> None:
    rows = []
    for a in gaps(table):
        row = a.as_dict(obj.lang)
        row["gap_text"] = format_figure(a.metric, a.gap, lang=obj.lang)
        rows.append(row)
    if fmt == "table":
        columns = [
            Column("unit_name", "单位", "unit"),
            Column("unit_code", "代码", "code", no_wrap=True),
            Column("metric_label", "指标", "metric"),
            Column("value_text", "完成值", "value", "right"),
            Column("target_text", "目标", "target", "right"),
            Column("achievement_text", "完成率", "achievement", "right"),
            Column("gap_text", "差距", "gap", "right"),
        ]
        title = obj.t(
            f"{table.period.label_zh} 未完成目标（按完成率从低到高）",
            f"Targets not met in {table.period}, worst first",
        )
        emit(rows, columns, fmt=fmt, lang=obj.lang, title=title)
        return
    columns = [
        Column("unit_code", "单位代码", "unit_code"),
        Column("unit_name", "单位名称", "unit_name"),
        Column("metric", "指标代码", "metric"),
        Column("metric_label", "指标", "metric_label"),
        Column("value", "完成值", "value"),
        Column("target", "目标", "target"),
        Column("achievement", "完成率", "achievement"),
        Column("gap", "差距", "gap"),
    ]
    emit(rows, columns, fmt=fmt, lang=obj.lang)


@click.command("metrics")
@click.option("--period", "-p", metavar="PERIOD", help="2026, 2026H1, 2026Q3, 2026-07 (期间).")
@click.option("--unit", metavar="CODE", help="Start at this unit (default: the acting unit).")
@click.option(
    "--depth",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Also show this many levels below the unit (层级).",
)
@click.option(
    "--metric",
    "patterns",
    multiple=True,
    metavar="KEY",
    help="A metric key or pattern (members.*); repeat or separate with commas (default: all).",
)
@click.option("--area", "areas", multiple=True, metavar="AREA", help="Only areas: 1–8, R1–R3.")
@click.option("--own", "own_only", is_flag=True, help="Only each unit's own figures (本级).")
@click.option("--gaps", "show_gaps", is_flag=True, help="Targets not met, worst first (差距).")
@click.option("--list", "list_only", is_flag=True, help="List the metrics available (指标目录).")
@format_option
@pass_ctx
def metrics(
    obj: CliContext,
    period: str | None,
    unit: str | None,
    depth: int,
    patterns: tuple[str, ...],
    areas: tuple[str, ...],
    own_only: bool,
    show_gaps: bool,
    list_only: bool,
    fmt: str,
) -> None:
    """Metrics of a unit and its subtree for one period (指标统计): own figures (本级) and whole
    subtree (合计), with targets and achievement rates.

    A metric of a plug-in appears like a built-in one; one that fails is reported on stderr,
    naming its plug-in, the others still print, and the exit status is 2.
    """
    if list_only:  # needs no database
        _catalogue(obj.plugins or load_plugins(), obj, fmt)
        return
    if not period:
        raise click.UsageError("give --period (e.g. 2026, 2026Q3), or --list")
    session = obj.session()
    keys = _keys(session.plugins, patterns, areas)
    table = compute_metrics(session, period, unit=unit, depth=depth, metrics=keys)
    if show_gaps:
        _emit_gaps(table, obj, fmt)
    else:
        _emit_table(table, obj, fmt, own_only)


def register(cli: click.Group) -> None:
    cli.add_command(metrics)
