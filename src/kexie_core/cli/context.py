"""What every command shares: the database, the acting unit, the language, the plug-ins."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import click

from ..plugin.host import PluginHost
from ..workspace import ActorSession, Workspace


@dataclass
class CliContext:
    db: str | None = None
    actor_code: str | None = None
    lang: str = "zh"
    plugins: PluginHost | None = None
    _workspace: Workspace | None = field(default=None, repr=False)

    def workspace(self, *, check: bool = True) -> Workspace:
        if self._workspace is None:
            self._workspace = Workspace.open(self.db, plugins=self.plugins)
        if check:
            self._workspace.check_schema()
        return self._workspace

    def session(self) -> ActorSession:
        """Act as ``--as`` (default: the root unit)."""
        return self.workspace().as_unit(self.actor_code)

    def t(self, zh: str, en: str) -> str:
        return zh if self.lang == "zh" else en

    def close(self) -> None:
        if self._workspace is not None:
            self._workspace.close()


pass_ctx = click.make_pass_decorator(CliContext)


def get_ctx() -> CliContext:
    obj = click.get_current_context().find_object(CliContext)
    assert obj is not None
    return obj


def echo_err(message: str, **kwargs: Any) -> None:
    click.echo(message, err=True, **kwargs)
