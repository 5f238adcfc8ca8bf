"""``kexie plugins``: installed plug-ins, their hooks, what they contribute, and their status."""

from __future__ import annotations

from typing import Any

import click

from ..plugin.host import PluginHost, load_plugins
from .context import CliContext, pass_ctx
from .main import SHOWS_PLUGIN_FAILURES
from .output import Column, emit, format_option

STATUS_LABELS = {"loaded": "已加载", "disabled": "已停用", "failed": "出错"}
WHAT_LABELS = {
    "work kind": "工作事项类型",
    "metric": "指标",
    "exporter": "导出格式",
    "importer": "导入格式",
    "rubric": "评估细则",
}


@click.command("plugins")
@click.option("--all", "show_all", is_flag=True, help="Include the built-in plug-ins.")
@format_option
@pass_ctx
def plugins(obj: CliContext, show_all: bool, fmt: str) -> None:
    """List plug-ins with version, hooks and status (插件列表).

    Every registering hook is called, so a plug-in whose hook raises, or that gives a key another
    plug-in gives too, shows as failed with its error. Exit status 0 whatever the plug-ins' state
    (use --strict-plugins to fail instead).
    """
    host = obj.plugins or load_plugins()
    host.check_registries()
    contributions = _contributions(host)
    rows = []
    for info in host.plugins():
        if info.builtin and not show_all:
            continue
        row = info.as_dict()
        row["contributes"] = contributions.get(info.name, {})
        row["error_text"] = "; ".join(
            f.summary(obj.lang) for f in host.failures if f.plugin == info.name
        ) or (info.error if info.status == "failed" else None)
        row["hooks_text"] = ", ".join(info.hooks)
        row["status_text"] = (
            STATUS_LABELS.get(info.status, info.status) if obj.lang == "zh" else info.status
        )
        row["contributes_text"] = ", ".join(
            f"{WHAT_LABELS.get(what, what) if obj.lang == 'zh' else what} ×{len(keys)}"
            for what, keys in row["contributes"].items()
        )
        rows.append(row)
    if fmt == "json":
        keys = (
            "name",
            "distribution",
            "version",
            "builtin",
            "status",
            "error",
            "errors",
            "hooks",
            "contributes",
            "module",
        )
        columns = [Column(k, k, k) for k in keys]
    else:
        columns = [
            Column("name", "插件", "plug-in"),
            Column("distribution", "发行包", "distribution"),
            Column("version", "版本", "version"),
            Column("status_text", "状态", "status"),
            Column("hooks_text", "钩子", "hooks"),
            Column("contributes_text", "贡献", "contributes"),
            Column("error_text", "错误", "error"),
        ]
    if not rows and fmt == "table":
        click.echo(
            obj.t(
                "未安装插件（--all 显示内置插件）。",
                "no plug-ins installed (--all shows the built-in ones).",
            )
        )
        return
    emit(rows, columns, fmt=fmt, lang=obj.lang)


setattr(plugins, SHOWS_PLUGIN_FAILURES, True)


def _contributions(host: PluginHost) -> dict[str, dict[str, list[str]]]:
    """Plug-in → contribution type → keys, from the registries that could be built."""
    out: dict[str, dict[str, list[str]]] = {}
    for registry in _built_registries(host):
        for item in registry:
            plugin: str = item.plugin
            out.setdefault(plugin, {}).setdefault(registry.what, []).append(item.key)
    return out


def _built_registries(host: PluginHost) -> list[Any]:
    built = []
    for build in (host.work_kinds, host.metrics, host.exporters, host.importers, host.rubrics):
        try:
            built.append(build())
        except ValueError:  # a duplicate key: already shown against both plug-ins
            continue
    return built


def register(cli: click.Group) -> None:
    cli.add_command(plugins)
