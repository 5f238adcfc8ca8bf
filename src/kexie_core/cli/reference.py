"""Generate the CLI reference (docs/cli.md) from the click group itself.

    python -m kexie_core.cli.reference > docs/cli.md

A test compares the file with this output, so the reference cannot drift from the CLI.
"""

from __future__ import annotations

import inspect

import click

from ..plugin.host import PluginHost
from .main import build_cli

HELP = ["-h", "--help"]

HEADER = """# CLI reference 命令参考

Generated from the command line itself by `python -m kexie_core.cli.reference > docs/cli.md`;
a test fails when this page and the CLI disagree. Plug-ins can add commands of their own
(see the plug-in guide); they are not listed here.

Global options go before the command: `kexie --db URL --as UNIT_CODE --lang en units tree`.
"""


def _usage(command: click.Command, path: list[str]) -> str:
    ctx = click.Context(command, info_name=" ".join(path), help_option_names=HELP)
    pieces = command.collect_usage_pieces(ctx)
    return " ".join([*path, *pieces])


def _options(command: click.Command) -> list[str]:
    lines = []
    # The same help option names as the real group's contexts: click caches a command's help
    # option, so a mismatch would make the page depend on which commands ran before.
    ctx = click.Context(command, help_option_names=HELP)
    for param in command.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is None:
            continue
        names, text = record
        cells = [part.replace("|", "\\|") for part in (names, text)]
        lines.append(f"| `{cells[0]}` | {cells[1]} |")
    if not lines:
        return []
    return ["| option | meaning |", "| --- | --- |", *lines, ""]


def _walk(command: click.Command, path: list[str], level: int, out: list[str]) -> None:
    out.append(f"{'#' * level} `{' '.join(path)}`")
    out.append("")
    help_text = inspect.cleandoc(command.help or "")
    if help_text:
        out.append(help_text.replace("\b\n", ""))
        out.append("")
    out.append("```")
    out.append(_usage(command, path))
    out.append("```")
    out.append("")
    out.extend(_options(command))
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            _walk(command.commands[name], [*path, name], min(level + 1, 4), out)


def render() -> str:
    """The reference page for the built-in commands (no external plug-ins)."""
    host = PluginHost(strict=False)
    host.load_builtins()
    cli = build_cli(host)
    out = [HEADER]
    _walk(cli, ["kexie"], 2, out)
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    print(render(), end="")
