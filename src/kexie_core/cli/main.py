"""The ``kexie`` command group. Built through ``build_cli`` so that tests (and plug-ins) get a
fresh group with plug-in commands, without reloading modules."""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Sequence
from typing import Any

import click

from .. import __version__
from ..model.errors import InvalidRecord
from ..plugin.host import PluginError, PluginHost, load_plugins, strict_from_env
from ..store.engine import ENV_URL
from ..store.keys import KeyError_
from ..store.scope import NotFound, ScopeError
from ..store.tree import TreeError
from ..workspace import SchemaError
from .context import CliContext

#: Errors a user can fix, printed as one message without a traceback.
USER_ERRORS: tuple[type[BaseException], ...] = (
    InvalidRecord,
    ScopeError,
    NotFound,
    SchemaError,
    KeyError_,
    TreeError,
    PluginError,
    ValueError,
    FileNotFoundError,
)
EXIT_CODES = {ScopeError: 3, NotFound: 4, SchemaError: 5}


class KexieGroup(click.Group):
    """Turns known errors into a clean message and exit status."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except USER_ERRORS as exc:
            code = next((c for t, c in EXIT_CODES.items() if isinstance(exc, t)), 1)
            click.echo(f"错误 Error: {exc}", err=True)
            ctx.exit(code)


def build_cli(plugins: PluginHost | None = None) -> click.Group:
    """The ``kexie`` group with built-in commands and plug-in commands."""

    @click.group(cls=KexieGroup, context_settings={"help_option_names": ["-h", "--help"]})
    @click.version_option(__version__, prog_name="kexie")
    @click.option(
        "--db",
        envvar=ENV_URL,
        metavar="URL",
        help="Database URL (数据库), default sqlite:///kexie.db.",
    )
    @click.option(
        "--as",
        "actor",
        envvar="KEXIE_ACTOR",
        metavar="UNIT_CODE",
        help="Act as this unit (以该单位身份操作); default: the root unit.",
    )
    @click.option(
        "--lang",
        type=click.Choice(["zh", "en"]),
        default="zh",
        show_default=True,
        envvar="KEXIE_LANG",
        help="Language of labels and headers (语言).",
    )
    @click.option(
        "--strict-plugins", is_flag=True, help="Fail on any plug-in error (for plug-in authors)."
    )
    @click.pass_context
    def cli(
        ctx: click.Context, db: str | None, actor: str | None, lang: str, strict_plugins: bool
    ) -> None:
        """kexie: the 科协 network's records, metrics, reports and documents.

        科协工作台账、指标统计、报告审核与文书生成。
        """
        host = plugins_holder[0]
        if strict_plugins and host is not None:
            host.strict = True
            if host.failures:
                raise PluginError(str(host.failures[0]))
        obj = CliContext(db=db, actor_code=actor, lang=lang, plugins=host)
        ctx.obj = obj
        ctx.call_on_close(obj.close)

    plugins_holder: list[PluginHost | None] = [plugins]

    from .commands import BUILTIN_COMMANDS

    for module_name in BUILTIN_COMMANDS:
        importlib.import_module(module_name).register(cli)
    if plugins is not None:
        plugins.add_commands(cli)
    return cli


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point: load plug-ins once, build the CLI, run it."""
    logging.basicConfig(format="%(levelname)s %(name)s: %(message)s", level=logging.WARNING)
    args = list(sys.argv[1:] if argv is None else argv)
    strict = "--strict-plugins" in args or strict_from_env()
    try:
        host = load_plugins(strict=strict)
    except PluginError as exc:
        click.echo(f"错误 Error: {exc}", err=True)
        sys.exit(1)
    build_cli(host)(args=args, prog_name="kexie")
