"""``kexie plugins``: installed plug-ins, their hooks and status."""

from __future__ import annotations

import click

from ..plugin.host import load_plugins
from .context import CliContext, pass_ctx
from .output import Column, emit, format_option


@click.command("plugins")
@click.option("--all", "show_all", is_flag=True, help="Include the built-in plug-ins.")
@format_option
@pass_ctx
def plugins(obj: CliContext, show_all: bool, fmt: str) -> None:
    """List plug-ins with version, hooks and status (插件列表)."""
    host = obj.plugins or load_plugins()
    rows = []
    for info in host.plugins():
        if info.builtin and not show_all:
            continue
        row = info.as_dict()
        row["hooks_text"] = ", ".join(info.hooks)
        rows.append(row)
    if fmt == "json":
        columns = [
            Column(k, k, k)
            for k in (
                "name",
                "distribution",
                "version",
                "builtin",
                "status",
                "error",
                "hooks",
                "module",
            )
        ]
    else:
        columns = [
            Column("name", "插件", "plug-in"),
            Column("distribution", "发行包", "distribution"),
            Column("version", "版本", "version"),
            Column("status", "状态", "status"),
            Column("hooks_text", "钩子", "hooks"),
            Column("error", "错误", "error"),
        ]
    emit(rows, columns, fmt=fmt, lang=obj.lang)
    if any(r["status"] == "failed" for r in rows):
        obj_ctx = click.get_current_context()
        obj_ctx.exit(2)


def register(cli: click.Group) -> None:
    cli.add_command(plugins)
