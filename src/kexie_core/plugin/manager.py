"""pluggy's plug-in manager with the kexie rules (插件管理器规则)."""

from __future__ import annotations

import difflib
import inspect
from typing import cast

import pluggy

from . import hookspecs

HOOK_PREFIX = "kexie_"
#: Every hook in the spec, in the order of ``hookspecs``.
HOOK_NAMES: tuple[str, ...] = tuple(
    name
    for name, obj in vars(hookspecs).items()
    if name.startswith(HOOK_PREFIX) and hasattr(obj, f"{hookspecs.PROJECT}_spec")
)
#: Plug-in code may fail in any way; SystemExit too (a plug-in calling sys.exit at import must
#: not end the tool). KeyboardInterrupt is the user's, and passes.
PLUGIN_EXCEPTIONS: tuple[type[BaseException], ...] = (Exception, SystemExit)


class KexiePluginManager(pluggy.PluginManager):
    """pluggy's manager with two kexie rules.

    - A function named ``kexie_*`` counts as a hook implementation even without ``@hookimpl``
      (as pytest does for ``pytest_*``), so a forgotten decorator or a misspelt name is reported
      instead of silently doing nothing.
    - Built-in implementations are ``trylast``: they run after every plug-in's, so a plug-in's
      contributions come first (the metric catalogue alone puts the built-ins first:
      ``PluginHost.metrics``) and, in any hook where the first answer wins, a plug-in overrides
      a built-in default.
    """

    def __init__(self) -> None:
        super().__init__(hookspecs.PROJECT)
        self.add_hookspecs(hookspecs)
        self.registering_builtin = False

    def parse_hookimpl_opts(self, plugin: object, name: str) -> pluggy.HookimplOpts | None:
        opts = super().parse_hookimpl_opts(plugin, name)
        if opts is None:
            if not name.startswith(HOOK_PREFIX):
                return None
            try:
                method = getattr(plugin, name)
            except Exception:
                return None
            if not inspect.isroutine(method):
                return None
            opts = cast(pluggy.HookimplOpts, {})
        else:
            opts = cast(pluggy.HookimplOpts, dict(opts))  # never mutate the decorator's dict
        if self.registering_builtin:
            opts["trylast"] = True
            opts["tryfirst"] = False
        return opts

    def impl_problems(self, plugin: object) -> list[str]:
        """What is wrong with a registered plug-in's implementations: unknown (misspelt) hooks,
        wrappers."""
        problems = []
        for caller in self.get_hookcallers(plugin) or []:
            mine = [i for i in caller.get_hookimpls() if i.plugin is plugin]
            if not caller.has_spec() and any(not i.optionalhook for i in mine):
                guess = difflib.get_close_matches(caller.name, HOOK_NAMES, n=1)
                hint = (
                    f"did you mean {guess[0]!r}?"
                    if guess
                    else "kexie hooks: " + ", ".join(HOOK_NAMES)
                )
                problems.append(f"unknown hook {caller.name!r} ({hint})")
            if any(i.hookwrapper or i.wrapper for i in mine):
                problems.append(
                    f"{caller.name}: wrapper implementations are not supported (kexie calls "
                    "each implementation on its own)"
                )
        return problems
