"""The plug-in host (插件宿主): registration, isolation at call time, validated registries.

Nothing here runs at import time. ``load_plugins()`` builds a ``PluginHost``: the built-in
plug-ins first (through the same hooks as everyone else's), then each entry point of the ``kexie``
group loaded on its own, so that one broken plug-in is reported by name and skipped instead of
taking the tool down. ``KEXIE_DISABLE_PLUGINS=a,b`` skips named plug-ins (``*`` skips every
external one); strict mode (``KEXIE_STRICT_PLUGINS=1`` or ``--strict-plugins``) turns any plug-in
failure into a ``PluginError``, for plug-in authors.

pluggy stops at the first implementation that raises, so the host never calls ``pm.hook.x()``:
``call_each`` calls every implementation on its own and records a failure against its plug-in.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pluggy

from ..model.errors import Problem
from .contributions import Exporter, Importer, WorkKind
from .discovery import (
    CORE_DISTRIBUTION,
    ENTRY_POINT_GROUP,
    ENV_DISABLE,
    ENV_STRICT,
    PluginInfo,
    core_info,
    disabled_from_env,
    installed_plugins,
    normalize_distribution,
    strict_from_env,
)
from .failures import PluginError, PluginFailure, Stage
from .manager import HOOK_NAMES, PLUGIN_EXCEPTIONS, KexiePluginManager
from .registry import DuplicateKeyError, Registry

if TYPE_CHECKING:
    import click

    from ..metrics.definition import Metric
    from ..metrics.rubric import Rubric

__all__ = [
    "ENTRY_POINT_GROUP",
    "ENV_DISABLE",
    "ENV_STRICT",
    "HOOK_NAMES",
    "Guard",
    "PluginError",
    "PluginFailure",
    "PluginHost",
    "PluginInfo",
    "load_plugins",
    "strict_from_env",
]

log = logging.getLogger("kexie.plugins")


@dataclass
class Guard:
    """What ``PluginHost.guard`` yields: whether the guarded block failed."""

    plugin: str
    where: str
    failed: bool = False
    failure: PluginFailure | None = None


class PluginHost:
    """A pluggy manager plus the validated registries built from it.

    Call hooks through the typed methods here (``work_kinds()``, ``record_problems()``,
    ``call_each()``…), never through ``pm.hook`` directly, so that every failure is attributed
    to its plug-in.

    :param strict: re-raise plug-in failures as ``PluginError``; default from
        ``KEXIE_STRICT_PLUGINS``.
    """

    def __init__(self, *, strict: bool | None = None) -> None:
        self.pm = KexiePluginManager()
        self.strict = strict_from_env() if strict is None else strict
        self.infos: dict[str, PluginInfo] = {}
        self.failures: list[PluginFailure] = []
        #: Messages about the set-up that are not failures (an unknown name to disable).
        self.notices: list[str] = []
        #: Which plug-in added each top-level CLI command (``kexie_register_commands``).
        self.command_owners: dict[str, str] = {}
        self._contested: dict[str, str] = {}  # command names two plug-ins gave: neither has it
        self._registries: dict[str, Registry[Any] | DuplicateKeyError] = {}
        self._batch_depth = 0

    def __repr__(self) -> str:
        loaded = sum(1 for i in self.infos.values() if i.status == "loaded")
        return f"<PluginHost {loaded} loaded, {len(self.failures)} failures>"

    # -- failures -------------------------------------------------------------------------------
    def _record(
        self, failure: PluginFailure, exc: BaseException | None, info: PluginInfo | None = None
    ) -> PluginFailure:
        self.failures.append(failure)
        info = info or self.infos.get(failure.plugin)
        if info is not None and info.status != "disabled":
            info.status = "failed"
            info.errors.append(failure.summary("en"))
        log.warning("%s", failure)
        log.debug("%s", failure.detail)
        if self.strict and self._batch_depth == 0:
            raise PluginError.of([failure]) from exc
        return failure

    @contextmanager
    def _batch(self) -> Iterator[None]:
        """Record every failure of a loading pass; in strict mode raise once, naming them all."""
        mark = len(self.failures)
        self._batch_depth += 1
        try:
            yield
        finally:
            self._batch_depth -= 1
        new = self.failures[mark:]
        if self.strict and new and self._batch_depth == 0:
            raise PluginError.of(new)

    def record_failure(self, plugin: str, where: str, exc: BaseException) -> PluginFailure:
        """Record that ``plugin`` raised ``exc`` while doing ``where`` (e.g. ``metric x``).

        Re-raises as ``PluginError`` in strict mode. Use ``guard`` for a block of code.
        """
        where = where.removeprefix("in ")
        return self._record(PluginFailure.from_exception(plugin, Stage.CALL, exc, where), exc)

    @contextmanager
    def guard(
        self, plugin: str, where: str, *, passes: tuple[type[BaseException], ...] = ()
    ) -> Iterator[Guard]:
        """Run a plug-in's code (a metric's compute, an exporter's write) in isolation.

        An exception is recorded against ``plugin`` and swallowed (re-raised as ``PluginError``
        in strict mode); check ``guard.failed`` afterwards. Work on a database connection inside
        the block should run in a savepoint (``conn.begin_nested()``), so that PostgreSQL can go
        on after a failure::

            with host.guard(metric.plugin, f"metric {metric.key}") as g:
                values = metric.compute(conn, units, period)
            if g.failed:
                continue

        ``passes``: exceptions that are not the plug-in's failure and go on to the caller (a
        records exporter's ``ValueError`` is the clerk's bad input).
        """
        state = Guard(plugin, where)
        try:
            yield state
        except passes:
            raise
        except PluginError:
            if self.strict:  # already recorded by an inner guard or hook call
                raise
            state.failed = True
        except BrokenPipeError:
            raise  # the reader went away (``kexie export … | head``): not the plug-in's fault
        except PLUGIN_EXCEPTIONS as exc:
            state.failed = True
            state.failure = self.record_failure(plugin, where, exc)

    # -- registration ---------------------------------------------------------------------------
    def register(
        self, plugin: object, name: str | None = None, *, info: PluginInfo | None = None
    ) -> PluginInfo:
        """Register a plug-in object (a module or an instance) under ``name``.

        A plug-in that pluggy refuses (arguments not in the spec), that implements an unknown
        (misspelt) hook, uses a wrapper implementation, or whose name is taken is reported and
        not registered: see the returned info's ``status``.
        """
        name = name or getattr(plugin, "__name__", None) or type(plugin).__name__
        info = info or PluginInfo(name=name, module=_module_of(plugin))
        taken = self.infos.get(name)
        if self.pm.has_plugin(name) or (taken is not None and taken.status != "disabled"):
            owner = taken.distribution or taken.module if taken is not None else "?"
            # Keep the first plug-in's row; the newcomer gets a row of its own in the listing.
            self.infos[f"{name}@{info.distribution or info.module}"] = info
            error = ValueError(f"the plug-in name {name!r} is already used by {owner}")
            self._fail(info, Stage.REGISTER, error)
            return info
        if self.pm.is_registered(plugin):
            other = self.pm.get_name(plugin)
            self.infos[name] = info
            self._fail(info, Stage.REGISTER, ValueError(f"already registered as {other!r}"))
            return info
        self.infos[name] = info
        self.pm.registering_builtin = info.builtin
        try:
            self.pm.register(plugin, name=name)
            problems = self.pm.impl_problems(plugin)
            if problems:
                raise pluggy.PluginValidationError(plugin, "; ".join(problems))
        except PLUGIN_EXCEPTIONS as exc:
            if self.pm.has_plugin(name):  # pluggy may have added some hooks before refusing
                self.pm.unregister(name=name)
            self._fail(info, Stage.REGISTER, exc)
            return info
        finally:
            self.pm.registering_builtin = False
        info.hooks = sorted(c.name for c in self.pm.get_hookcallers(plugin) or [])
        self._registries.clear()
        return info

    def _fail(self, info: PluginInfo, stage: Stage, exc: BaseException) -> None:
        self._record(PluginFailure.from_exception(info.name, stage, exc), exc, info)

    def unregister(self, name: str) -> None:
        if self.pm.has_plugin(name):
            self.pm.unregister(name=name)
        self.infos.pop(name, None)
        self._registries.clear()

    def load_builtins(self, modules: Iterable[str] | None = None) -> None:
        """Register the built-in plug-ins (``kexie_core.builtins.BUILTIN_PLUGINS``)."""
        if modules is None:
            from ..builtins import BUILTIN_PLUGINS

            modules = BUILTIN_PLUGINS
        with self._batch():
            for module_name in modules:
                name = "kexie." + module_name.rsplit(".", 1)[-1]
                info = core_info(name, module_name)
                try:
                    module = importlib.import_module(module_name)
                except PLUGIN_EXCEPTIONS as exc:
                    self.infos[name] = info
                    self._fail(info, Stage.IMPORT, exc)
                    continue
                self.register(module, name, info=info)

    def load_entry_points(self, disabled: set[str] | None = None) -> None:
        """Load each installed ``kexie`` entry point on its own (skipping ``disabled`` names)."""
        disabled = disabled_from_env() if disabled is None else set(disabled)
        seen: set[str] = set()
        with self._batch():
            for candidate in installed_plugins():
                info = candidate.info
                seen.add(info.name)
                if info.distribution:
                    seen.add(normalize_distribution(info.distribution))
                if "*" in disabled or info.matches(disabled):
                    info.status = "disabled"
                    self.infos.setdefault(info.name, info)
                    continue
                try:
                    plugin = candidate.entry_point.load()
                except PLUGIN_EXCEPTIONS as exc:
                    key = info.name if info.name not in self.infos else f"{info.name}@{info.module}"
                    self.infos[key] = info
                    self._fail(info, Stage.IMPORT, exc)
                    continue
                self.register(plugin, info.name, info=info)
        unknown = sorted(
            n for n in disabled - {"*"} if n not in seen and normalize_distribution(n) not in seen
        )
        if unknown:
            self.notices.append(
                f"{ENV_DISABLE} names {', '.join(unknown)}, which is not an installed plug-in"
            )

    # -- calling --------------------------------------------------------------------------------
    def call_each(self, hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call every implementation of ``hook_name`` on its own: ``[(plug-in name, result)]``.

        A raising implementation is recorded against its plug-in and skipped (re-raised in strict
        mode); the others still run. Implementations receive only the arguments they ask for.
        Order: pluggy's (tryfirst, then the most recently registered; built-ins last).
        """
        caller: pluggy.HookCaller = getattr(self.pm.hook, hook_name)
        if caller.spec is not None:
            missing = set(caller.spec.argnames) - kwargs.keys()
            if missing:
                raise TypeError(f"{hook_name} needs the argument(s) {sorted(missing)}")
        results: list[tuple[str, Any]] = []
        for impl in reversed(caller.get_hookimpls()):
            args = {k: kwargs[k] for k in impl.argnames if k in kwargs}
            try:
                results.append((impl.plugin_name, impl.function(**args)))
            except PLUGIN_EXCEPTIONS as exc:
                self.record_failure(impl.plugin_name, hook_name, exc)
        return results

    def registry(
        self,
        hook_name: str,
        what: str,
        expected: type[Any] | None = None,
        *,
        builtins_first: bool = False,
    ) -> Registry[Any]:
        """The validated registry built from a registering hook (cached until plug-ins change).

        A plug-in whose hook raises or returns something invalid is recorded and contributes
        nothing (all or nothing per plug-in). Two plug-ins giving one key raise
        ``DuplicateKeyError`` naming both, every time the registry is asked for.

        Items are in the order the hook is called (plug-ins first, built-ins last), or with
        ``builtins_first`` the built-in plug-ins' items first, then the others in that order.
        """
        name = f"{hook_name}:builtins-first" if builtins_first else hook_name
        cached = self._registries.get(name)
        if isinstance(cached, DuplicateKeyError):
            raise cached
        if cached is not None:
            return cached
        registry: Registry[Any] = Registry(what, expected)
        calls = self.call_each(hook_name)
        if builtins_first:
            calls.sort(key=lambda call: not self._is_builtin(call[0]))  # a stable sort
        try:
            for plugin, items in calls:
                if items is None:
                    continue
                try:
                    stamped = registry.validate(items, plugin)
                except PLUGIN_EXCEPTIONS as exc:
                    self.record_failure(plugin, hook_name, exc)
                    continue
                registry.extend(stamped)
        except DuplicateKeyError as exc:
            self._registries[name] = exc
            with self._batch():
                for plugin in dict.fromkeys(exc.plugins):
                    if not self._is_builtin(plugin):
                        self.record_failure(plugin, hook_name, exc)
            raise
        self._registries[name] = registry
        return registry

    def _is_builtin(self, plugin: str) -> bool:
        info = self.infos.get(plugin)
        return info is not None and info.builtin

    def work_kinds(self) -> Registry[WorkKind]:
        """Kinds of work item from ``kexie_register_work_kinds``."""
        return self.registry("kexie_register_work_kinds", "work kind", WorkKind)

    def exporters(self) -> Registry[Exporter]:
        """Exporters from ``kexie_register_exporters``."""
        return self.registry("kexie_register_exporters", "exporter", Exporter)

    def importers(self) -> Registry[Importer]:
        """Importers from ``kexie_register_importers``."""
        return self.registry("kexie_register_importers", "importer", Importer)

    def metrics(self) -> Registry[Metric]:
        """Metrics from ``kexie_register_metrics`` (``kexie_core.metrics.Metric``)."""
        # Imported here: the metric types sit above the plug-in layer (they use the store).
        from ..metrics.definition import Metric

        # Built-ins first: a county's table opens with areas 1-8 and R1-R3, then its own.
        return self.registry("kexie_register_metrics", "metric", Metric, builtins_first=True)

    def rubrics(self) -> Registry[Rubric]:
        """Rubrics from ``kexie_register_rubrics`` (``kexie_core.metrics.Rubric``)."""
        from ..metrics.rubric import Rubric

        return self.registry("kexie_register_rubrics", "rubric", Rubric)

    def check_registries(self) -> list[DuplicateKeyError]:
        """Build every registry (for ``kexie plugins``); duplicate keys are returned."""
        errors = []
        for build in (self.work_kinds, self.metrics, self.exporters, self.importers, self.rubrics):
            try:
                build()
            except DuplicateKeyError as exc:
                errors.append(exc)
        return errors

    def record_problems(self, kind: str, record: Any, actor: Any) -> list[Problem]:
        """Problems that plug-ins find with a record (``kexie_validate_record``); each message
        ends with the plug-in's name in brackets."""
        problems: list[Problem] = []
        for plugin, result in self.call_each(
            "kexie_validate_record", kind=kind, record=record, actor=actor
        ):
            try:
                found = _problems(result)
            except TypeError as exc:
                self.record_failure(plugin, "kexie_validate_record", exc)
                continue
            problems.extend(Problem(p.field, f"{p.message} ({plugin})") for p in found)
        return problems

    def validate_record(self, kind: str, record: Any, actor: Any) -> list[str]:
        """``record_problems`` as messages (``field: message (plug-in)``)."""
        return [str(p) for p in self.record_problems(kind, record, actor)]

    def report_status_changed(
        self, report: Any, old_status: str | None, new_status: str, actor: Any
    ) -> None:
        """Tell plug-ins that a report moved (``kexie_report_status_changed``); never raises
        for a plug-in's failure outside strict mode."""
        self.notify(
            "kexie_report_status_changed",
            report=report,
            old_status=old_status,
            new_status=new_status,
            actor=actor,
        )

    def notify(self, hook_name: str, **kwargs: Any) -> None:
        """Fire an event hook; failures are recorded, never propagated (except strict mode)."""
        self.call_each(hook_name, **kwargs)

    def add_commands(self, cli: click.Group) -> None:
        """Let plug-ins add their commands (``kexie_register_commands``).

        All or nothing per plug-in: one that raises adds no command. A name that a built-in
        command has stays the built-in's; a name that two plug-ins give goes to neither (the
        order of two plug-ins is undefined). Both refusals name both owners.
        """
        self.command_owners, self._contested = {}, {}  # a fresh group (tests build several)
        caller = self.pm.hook.kexie_register_commands
        for impl in reversed(caller.get_hookimpls()):
            plugin = impl.plugin_name
            before = dict(cli.commands)
            try:
                impl.function(**({"cli": cli} if "cli" in impl.argnames else {}))
            except PLUGIN_EXCEPTIONS as exc:
                cli.commands = before
                self.record_failure(plugin, "kexie_register_commands", exc)
                continue
            added = {n: c for n, c in cli.commands.items() if before.get(n) is not c}
            cli.commands = before
            for command_name, command in sorted(added.items()):
                owner = self._contested.get(command_name) or self.command_owners.get(command_name)
                if owner is None and command_name in before:
                    owner = CORE_DISTRIBUTION
                if owner is None:
                    cli.commands[command_name] = command
                    self.command_owners[command_name] = plugin
                    continue
                clash = DuplicateKeyError("command", command_name, (owner, plugin))
                with self._batch():
                    self.record_failure(plugin, "kexie_register_commands", clash)
                    if command_name in self.command_owners:
                        del cli.commands[command_name]
                        self._contested[command_name] = self.command_owners.pop(command_name)
                        self.record_failure(owner, "kexie_register_commands", clash)

    # -- listing --------------------------------------------------------------------------------
    def plugins(self) -> list[PluginInfo]:
        """Every plug-in: built-ins first, then the others as they were loaded."""
        return sorted(self.infos.values(), key=lambda i: not i.builtin)

    def get(self, name: str) -> PluginInfo:
        try:
            return self.infos[name]
        except KeyError:
            raise PluginError(f"no plug-in named {name!r}") from None


def _module_of(plugin: object) -> str:
    if isinstance(plugin, ModuleType):
        return plugin.__name__
    return f"{type(plugin).__module__}:{type(plugin).__qualname__}"


def _problems(result: Any) -> list[Problem]:
    """Normalise what ``kexie_validate_record`` returned."""
    if result is None:
        return []
    if isinstance(result, str | Problem):
        result = [result]
    if not isinstance(result, Iterable) or isinstance(result, dict):
        raise TypeError(f"expected a list of problems, got {type(result).__name__}")
    found = []
    for item in result:
        if isinstance(item, Problem):
            found.append(item)
        elif isinstance(item, str):
            found.append(Problem("", item))
        elif isinstance(item, tuple) and len(item) == 2 and all(isinstance(x, str) for x in item):
            found.append(Problem(item[0], item[1]))
        else:
            raise TypeError(f"a problem must be a Problem or a message, not {type(item).__name__}")
    return found


def load_plugins(
    *,
    strict: bool | None = None,
    disabled: set[str] | None = None,
    extra: Iterable[tuple[str, object]] = (),
    entry_points_too: bool = True,
    builtins: bool = True,
) -> PluginHost:
    """Build a plug-in host: built-ins, then the ``kexie`` entry points, then ``extra``.

    :param strict: default ``KEXIE_STRICT_PLUGINS``; in strict mode every loading failure is
        collected and one ``PluginError`` names them all.
    :param disabled: names to skip; default ``KEXIE_DISABLE_PLUGINS``.
    :param extra: ``(name, plug-in)`` pairs to register in code after the entry points.
    """
    host = PluginHost(strict=strict)
    with host._batch():
        if builtins:
            host.load_builtins()
        if entry_points_too:
            host.load_entry_points(disabled)
        for name, plugin in extra:
            host.register(plugin, name)
    return host
