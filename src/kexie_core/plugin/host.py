"""The plug-in host: discovery, isolation, registries.

Nothing here runs at import time. ``load_plugins()`` builds a ``PluginHost``: built-in plug-ins
first (the same hooks as everyone else's), then each entry point of the ``kexie`` group loaded on
its own, so that one broken plug-in is reported by name and skipped instead of taking the tool
down. ``KEXIE_DISABLE_PLUGINS=a,b`` skips named plug-ins (``*`` skips every external one);
strict mode (``KEXIE_STRICT_PLUGINS=1`` or ``--strict-plugins``) turns any plug-in failure into an
error, for plug-in authors.
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from types import ModuleType
from typing import Any

import pluggy

from . import hookspecs
from .contributions import DuplicateKeyError, Exporter, Importer, Registry, WorkKind

log = logging.getLogger("kexie.plugins")

ENTRY_POINT_GROUP = "kexie"
ENV_DISABLE = "KEXIE_DISABLE_PLUGINS"
ENV_STRICT = "KEXIE_STRICT_PLUGINS"


class PluginError(RuntimeError):
    """A plug-in failed and plug-ins run in strict mode."""


@dataclass
class PluginInfo:
    """What ``kexie plugins`` shows for one plug-in."""

    name: str
    module: str
    distribution: str | None = None
    version: str | None = None
    builtin: bool = False
    status: str = "loaded"  # loaded | disabled | failed
    error: str | None = None
    hooks: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "module": self.module,
            "distribution": self.distribution,
            "version": self.version,
            "builtin": self.builtin,
            "status": self.status,
            "error": self.error,
            "hooks": list(self.hooks),
        }


@dataclass
class PluginFailure:
    """A failure recorded against a plug-in's name (import, registration or call time)."""

    plugin: str
    stage: str
    error: str

    def __str__(self) -> str:
        return f"plug-in {self.plugin!r} failed {self.stage}: {self.error}"


def strict_from_env() -> bool:
    return os.environ.get(ENV_STRICT, "").strip().lower() in {"1", "true", "yes", "on"}


def disabled_from_env() -> set[str]:
    raw = os.environ.get(ENV_DISABLE, "")
    return {part.strip() for part in raw.split(",") if part.strip()}


class PluginHost:
    """A pluggy manager plus the validated registries built from it.

    Call hooks through the typed methods here (``work_kinds``, ``call_each``…), never through
    ``pm.hook`` directly, so that every failure is attributed to its plug-in.
    """

    def __init__(self, *, strict: bool | None = None) -> None:
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.strict = strict_from_env() if strict is None else strict
        self.infos: dict[str, PluginInfo] = {}
        self.failures: list[PluginFailure] = []
        self._registries: dict[str, Registry[Any]] = {}

    # -- registration -------------------------------------------------------------------------
    def register(self, plugin: object, name: str, *, info: PluginInfo | None = None) -> None:
        """Register a plug-in object (module or instance) under ``name``."""
        info = info or PluginInfo(name=name, module=getattr(plugin, "__name__", repr(plugin)))
        try:
            self.pm.register(plugin, name=name)
        except Exception as exc:  # pluggy validates hook signatures at register time
            self._fail(info, "to register", exc)
            return
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError as exc:
            self.pm.unregister(name=name)
            self._fail(info, "to register", exc)
            return
        info.hooks = sorted(impl.name for impl in self.pm.get_hookcallers(plugin) or [])
        self.infos[name] = info
        self._registries.clear()

    def unregister(self, name: str) -> None:
        self.pm.unregister(name=name)
        self.infos.pop(name, None)
        self._registries.clear()

    def _fail(self, info: PluginInfo, stage: str, exc: BaseException) -> None:
        info.status = "failed"
        info.error = f"{type(exc).__name__}: {exc}"
        self.infos[info.name] = info
        failure = PluginFailure(info.name, stage, info.error)
        self.failures.append(failure)
        log.warning("%s", failure)
        if self.strict:
            raise PluginError(str(failure)) from exc

    def load_builtins(self, modules: Iterable[str] | None = None) -> None:
        """Register the built-in plug-ins (``kexie_core.builtins.BUILTIN_PLUGINS``)."""
        if modules is None:
            from ..builtins import BUILTIN_PLUGINS

            modules = BUILTIN_PLUGINS
        for module_name in modules:
            module = importlib.import_module(module_name)
            name = "kexie." + module_name.rsplit(".", 1)[-1]
            self.register(
                module,
                name,
                info=PluginInfo(
                    name=name,
                    module=module_name,
                    distribution="kexie-core",
                    version=_core_version(),
                    builtin=True,
                ),
            )

    def load_entry_points(self, disabled: set[str] | None = None) -> None:
        disabled = disabled_from_env() if disabled is None else disabled
        for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            info = _info_for(ep)
            if ep.name in disabled or "*" in disabled:
                info.status = "disabled"
                self.infos[ep.name] = info
                continue
            try:
                plugin = ep.load()
            except Exception as exc:
                self._fail(info, "to import", exc)
                continue
            self.register(plugin, ep.name, info=info)

    # -- calling ------------------------------------------------------------------------------
    def call_each(self, hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call every implementation of ``hook_name`` separately: [(plug-in name, result)].

        A raising implementation is recorded against its plug-in and skipped (re-raised in strict
        mode); the others still run. Implementations receive only the arguments they ask for.
        """
        caller = getattr(self.pm.hook, hook_name)
        results: list[tuple[str, Any]] = []
        for impl in reversed(caller.get_hookimpls()):  # registration order
            name = impl.plugin_name
            args = {k: kwargs[k] for k in impl.argnames if k in kwargs}
            try:
                results.append((name, impl.function(**args)))
            except Exception as exc:
                self.record_failure(name, f"in {hook_name}", exc)
        return results

    def record_failure(self, plugin: str, stage: str, exc: BaseException) -> None:
        """Record a failure of ``plugin`` at call time (re-raises in strict mode)."""
        failure = PluginFailure(plugin, stage, f"{type(exc).__name__}: {exc}")
        self.failures.append(failure)
        if plugin in self.infos and self.infos[plugin].status == "loaded":
            self.infos[plugin].error = failure.error
        log.warning("%s", failure)
        if self.strict:
            raise PluginError(str(failure)) from exc

    def registry(self, hook_name: str, what: str) -> Registry[Any]:
        """The validated registry built from a registering hook (cached until plug-ins change).

        Duplicate keys are always an error naming both plug-ins.
        """
        if hook_name not in self._registries:
            registry: Registry[Any] = Registry(what)
            for plugin, items in self.call_each(hook_name):
                for item in items or []:
                    try:
                        registry.add(item, plugin)
                    except DuplicateKeyError:
                        raise
                    except Exception as exc:
                        self.record_failure(plugin, f"in {hook_name}", exc)
            self._registries[hook_name] = registry
        return self._registries[hook_name]

    def work_kinds(self) -> Registry[WorkKind]:
        return self.registry("kexie_register_work_kinds", "work kind")

    def exporters(self) -> Registry[Exporter]:
        return self.registry("kexie_register_exporters", "exporter")

    def importers(self) -> Registry[Importer]:
        return self.registry("kexie_register_importers", "importer")

    def validate_record(self, kind: str, record: Any, actor: Any) -> list[str]:
        """Problems that plug-ins find with a record (``kexie_validate_record``)."""
        problems: list[str] = []
        for plugin, result in self.call_each(
            "kexie_validate_record", kind=kind, record=record, actor=actor
        ):
            for message in result or []:
                problems.append(f"{message} ({plugin})")
        return problems

    def notify(self, hook_name: str, **kwargs: Any) -> None:
        """Fire an event hook; failures are recorded, never propagated (except strict mode)."""
        self.call_each(hook_name, **kwargs)

    def add_commands(self, cli: Any) -> None:
        self.call_each("kexie_register_commands", cli=cli)

    def plugins(self) -> list[PluginInfo]:
        return list(self.infos.values())


def _core_version() -> str:
    from .. import __version__

    return __version__


def _info_for(ep: EntryPoint) -> PluginInfo:
    dist = getattr(ep, "dist", None)
    return PluginInfo(
        name=ep.name,
        module=ep.value,
        distribution=dist.metadata["Name"] if dist is not None else None,
        version=dist.version if dist is not None else None,
    )


def load_plugins(
    *,
    strict: bool | None = None,
    disabled: set[str] | None = None,
    extra: Iterable[tuple[str, ModuleType | object]] = (),
    entry_points_too: bool = True,
) -> PluginHost:
    """Build a plug-in host: built-ins, then the ``kexie`` entry points, then ``extra``."""
    host = PluginHost(strict=strict)
    host.load_builtins()
    if entry_points_too:
        host.load_entry_points(disabled)
    for name, plugin in extra:
        host.register(plugin, name)
    return host


HookCallable = Callable[..., Any]
