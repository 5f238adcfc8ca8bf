"""``kexie units …``: the unit tree."""

from __future__ import annotations

import click

from ..model.enums import UnitKind
from .context import CliContext, pass_ctx
from .output import Column, emit, format_option


@click.group("units")
def units() -> None:
    """Units of the network and their tree (组织单元)."""


@units.command("tree")
@click.option("--unit", "under", metavar="CODE", help="Start at this unit (default: the actor).")
@click.option("--depth", type=int, default=None, help="Show at most this many levels below.")
@format_option
@pass_ctx
def tree(obj: CliContext, under: str | None, depth: int | None, fmt: str) -> None:
    """Print the unit tree, indented, with kind and member counts (组织树)."""
    rows = obj.session().tree(under=under, max_depth=depth)
    for row in rows:
        kind = UnitKind.parse(row["kind"])
        row["kind_label"] = kind.label(obj.lang)
        row["indented"] = "  " * row["depth"] + row["name"]
    if fmt == "table":
        columns = [
            Column("indented", "单位", "unit"),
            Column("code", "代码", "code"),
            Column("kind_label", "类型", "kind"),
            Column("members", "本级会员", "own members", "right"),
            Column("members_total", "合计会员", "members in subtree", "right"),
        ]
    else:
        columns = [
            Column("code", "代码", "code"),
            Column("name", "名称", "name"),
            Column("kind", "类型", "kind"),
            Column("depth", "层级", "depth"),
            Column("members", "本级会员", "members"),
            Column("members_total", "合计会员", "members_total"),
        ]
    emit(rows, columns, fmt=fmt, lang=obj.lang)


@units.command("move")
@click.argument("code")
@click.argument("new_parent")
@pass_ctx
def move(obj: CliContext, code: str, new_parent: str) -> None:
    """Move unit CODE (with everything under it) under NEW_PARENT (调整隶属关系)."""
    obj.session().move_unit(code, new_parent)
    click.echo(obj.t(f"已将 {code} 调整到 {new_parent} 之下", f"moved {code} under {new_parent}"))


def register(cli: click.Group) -> None:
    cli.add_command(units)
