"""The manual stays true: the CLI reference matches the CLI, every command has help, and the
mkdocs site builds in strict mode."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click

from kexie_core.cli import build_cli
from kexie_core.cli.reference import render
from kexie_core.plugin.host import PluginHost

ROOT = Path(__file__).resolve().parent.parent


def test_cli_reference_is_current() -> None:
    current = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert current == render(), (
        "docs/cli.md is stale: run `python -m kexie_core.cli.reference > docs/cli.md`"
    )


def _commands(group: click.Group, path: str = "kexie"):
    for name, command in group.commands.items():
        yield f"{path} {name}", command
        if isinstance(command, click.Group):
            yield from _commands(command, f"{path} {name}")


def test_every_command_has_help() -> None:
    host = PluginHost()
    host.load_builtins()
    missing = [
        path for path, command in _commands(build_cli(host)) if not (command.help or "").strip()
    ]
    assert missing == []


def test_mkdocs_builds_strict(tmp_path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "site" / "index.html").exists()
