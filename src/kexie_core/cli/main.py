"""The ``kexie`` command group. Built through ``build_cli`` so that tests (and plug-ins) get a
fresh group with plug-in commands, without reloading modules.

Plug-ins are loaded once, by ``main()`` (or ``build_cli()`` when no host is given), never at
import. Every command gets the plug-in reporting of ``KexieGroup`` for free: failures recorded
while it ran are printed to stderr at its end and make the exit status 2; failures from loading
(a plug-in that did not import) are printed as warnings and leave the status alone, so core
commands keep working with a broken plug-in installed.
"""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Sequence
from typing import Any

import click

from .. import __version__
from ..model.errors import InvalidRecord
from ..model.identifiers import mask_personal_numbers
from ..plugin.discovery import ENV_STRICT, strict_from_env
from ..plugin.failures import PluginError
from ..plugin.host import PluginHost, load_plugins
from ..plugin.registry import DuplicateKeyError
from ..store.engine import ENV_URL
from ..store.keys import KeyError_
from ..store.scope import NotFound, ScopeError
from ..store.tree import TreeError
from ..workspace import SchemaError
from .context import CliContext
from .errors import error_text

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
#: Exit statuses: 1 bad input, 2 a plug-in failed, 3 out of scope, 4 not found, 5 schema.
EXIT_PLUGIN_FAILED = 2
EXIT_CODES: dict[type[BaseException], int] = {
    ScopeError: 3,
    NotFound: 4,
    SchemaError: 5,
    PluginError: EXIT_PLUGIN_FAILED,
    DuplicateKeyError: EXIT_PLUGIN_FAILED,
}

#: A command with this attribute set shows plug-in failures itself (``kexie plugins``).
SHOWS_PLUGIN_FAILURES = "kexie_shows_plugin_failures"


#: click's answer to a bare group (``kexie report``): its help, not a mistake (click >= 8.2).
_NO_ARGS_IS_HELP: tuple[type[BaseException], ...] = tuple(
    t for t in (getattr(click.exceptions, "NoArgsIsHelpError", None),) if t is not None
)


def _print_error(exc: BaseException, ctx: click.Context | None = None) -> None:
    """``错误 Error:`` and the message (Chinese first when known, unless ``--lang en``; personal
    numbers masked, for a plug-in's ValueError may quote a record), then, for a plug-in failure
    in strict mode, the traceback its author wants."""
    problems = exc.problems if isinstance(exc, InvalidRecord) else ()
    text = error_text(mask_personal_numbers(str(exc)), problems, lang=_lang(ctx))
    click.echo(f"错误 Error: {text}", err=True)
    if isinstance(exc, PluginError):
        for failure in exc.failures:
            click.echo(failure.detail, err=True, nl=False)


def _lang(ctx: click.Context | None) -> str:
    """The ``--lang`` of the command line being run (Chinese before the options are read)."""
    obj = ctx.find_object(CliContext) if ctx is not None else None
    return obj.lang if obj is not None else "zh"


class KexieGroup(click.Group):
    """Turns known errors into a clean message and exit status, and reports plug-in failures.

    :param host: the plug-in host the commands use; its failures recorded while a command runs
        are printed at the end and give exit status 2.
    """

    def __init__(self, *args: Any, host: PluginHost | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.host = host

    def invoke(self, ctx: click.Context) -> Any:
        host = self.host
        mark = len(host.failures) if host is not None else 0
        try:
            result = super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort) as exc:
            # "No such command" may be a plug-in's command whose plug-in did not load: say so
            # (not for a bare group, which click answers with its help).
            usage = isinstance(exc, click.UsageError) and not isinstance(exc, _NO_ARGS_IS_HELP)
            self._report(ctx, mark, warnings=usage)
            raise
        except USER_ERRORS as exc:
            code = next((c for t, c in EXIT_CODES.items() if isinstance(exc, t)), 1)
            if isinstance(exc, DuplicateKeyError) and not exc.plugins:
                code = 1  # a duplicate in a user's own file, not between plug-ins
            if not isinstance(exc, PluginError):  # a PluginError names its failures itself
                # Load warnings too: "unknown work kind" may be a plug-in that did not import.
                self._report(ctx, mark)
            _print_error(exc, ctx)
            ctx.exit(code)
        except Exception as exc:
            owner = host.command_owners.get(ctx.invoked_subcommand or "") if host else None
            if host is None or owner is None:
                raise  # a bug in kexie-core: keep the traceback
            try:
                host.record_failure(owner, f"command {ctx.invoked_subcommand}", exc)
            except PluginError as strict:  # strict mode: the failure with its traceback
                _print_error(strict, ctx)
            else:
                self._report(ctx, mark)
            ctx.exit(EXIT_PLUGIN_FAILED)
        if self._report(ctx, mark):
            ctx.exit(EXIT_PLUGIN_FAILED)
        return result

    def _report(self, ctx: click.Context, mark: int, *, warnings: bool = True) -> bool:
        """Print plug-in failures to stderr; True when some happened during this command."""
        host = self.host
        if host is None:
            return False
        if warnings:
            for notice in host.notices:
                click.echo(f"警告 Warning: {notice}", err=True)
        command = self.commands.get(ctx.invoked_subcommand or "")
        if getattr(command, SHOWS_PLUGIN_FAILURES, False):
            return False
        lang = _lang(ctx)
        during = host.failures[mark:]
        if warnings:
            # A host reused for several command lines (tests) may hold a load failure twice.
            for message in dict.fromkeys(f.describe(lang) for f in host.failures[:mark]):
                click.echo(f"警告 Warning: {message}", err=True)
        for failure in during:
            click.echo(f"错误 Error: {failure.describe(lang)}", err=True)
        if during or (warnings and host.failures[:mark]):
            click.echo(
                "  "
                + (
                    "其余结果照常输出；`kexie plugins` 查看插件状态，"
                    "KEXIE_DISABLE_PLUGINS=名称 可停用插件。"
                    if lang == "zh"
                    else "everything else was produced; see `kexie plugins`, and skip a "
                    "plug-in with KEXIE_DISABLE_PLUGINS=name."
                ),
                err=True,
            )
        return bool(during)


def build_cli(plugins: PluginHost | None = None) -> click.Group:
    """The ``kexie`` group with built-in commands and plug-in commands.

    :param plugins: the plug-in host to use; default: ``load_plugins()`` (built-ins and every
        installed ``kexie`` entry point). Tests pass a host of their own.
    """
    host = plugins if plugins is not None else load_plugins()

    @click.group(
        cls=KexieGroup, host=host, context_settings={"help_option_names": ["-h", "--help"]}
    )
    @click.version_option(__version__, prog_name="kexie")
    @click.option(
        "--db",
        envvar=ENV_URL,
        metavar="URL",
        help="Database URL, or the path of a SQLite file (数据库); default sqlite:///kexie.db.",
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
        help="Language of labels, headers and error messages (语言).",
    )
    @click.option(
        "--strict-plugins",
        is_flag=True,
        envvar=ENV_STRICT,
        help="Fail on any plug-in error (for plug-in authors).",
    )
    @click.pass_context
    def cli(
        ctx: click.Context, db: str | None, actor: str | None, lang: str, strict_plugins: bool
    ) -> None:
        """kexie: the 科协 network's records, metrics, reports and documents.

        科协工作台账、指标统计、报告审核与文书生成。
        """
        if strict_plugins and not host.strict:
            host.strict = True
            if host.failures:  # loaded leniently (a host given by a test): fail now
                raise PluginError.of(host.failures)
        obj = CliContext(db=db, actor_code=actor, lang=lang, plugins=host)
        ctx.obj = obj
        ctx.call_on_close(obj.close)

    from .commands import BUILTIN_COMMANDS

    for module_name in BUILTIN_COMMANDS:
        importlib.import_module(module_name).register(cli)
    host.add_commands(cli)
    return cli


def _strict_requested(args: Sequence[str]) -> bool:
    options = args[: args.index("--")] if "--" in args else args
    return "--strict-plugins" in options or strict_from_env()


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point: load plug-ins once, build the CLI, run it."""
    logging.basicConfig(format="%(levelname)s %(name)s: %(message)s", level=logging.WARNING)
    # The group prints plug-in failures itself, in the user's language, at the end.
    logging.getLogger("kexie.plugins").setLevel(logging.ERROR)
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        cli = build_cli(load_plugins(strict=_strict_requested(args)))
    except PluginError as exc:
        _print_error(exc)
        sys.exit(EXIT_PLUGIN_FAILED)
    cli(args=args, prog_name="kexie")
