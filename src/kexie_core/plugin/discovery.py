"""Finding plug-ins (插件发现): the ``kexie`` entry points, the settings that switch them off or
make them strict, and what ``kexie plugins`` shows about each.

Nothing here imports a plug-in; ``PluginHost.load_entry_points`` does, one entry point at a time.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from typing import Any

ENTRY_POINT_GROUP = "kexie"
ENV_DISABLE = "KEXIE_DISABLE_PLUGINS"
ENV_STRICT = "KEXIE_STRICT_PLUGINS"
CORE_DISTRIBUTION = "kexie-core"

_TRUE = {"1", "true", "yes", "on"}


def strict_from_env() -> bool:
    """``KEXIE_STRICT_PLUGINS=1`` (or true/yes/on): any plug-in failure is an error."""
    return os.environ.get(ENV_STRICT, "").strip().lower() in _TRUE


def disabled_from_env() -> set[str]:
    """Names in ``KEXIE_DISABLE_PLUGINS=a,b`` (entry-point or distribution names; ``*``: all)."""
    raw = os.environ.get(ENV_DISABLE, "")
    return {part.strip() for part in re.split(r"[,;\s]+", raw) if part.strip()}


def normalize_distribution(name: str) -> str:
    """PEP 503 normal form, so ``Kexie_Yishui`` and ``kexie-yishui`` name the same thing."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass
class PluginInfo:
    """What ``kexie plugins`` shows for one plug-in (插件信息).

    :ivar name: the plug-in's name: its entry-point name, ``kexie.<module>`` for a built-in, or
        the name given to ``PluginHost.register``.
    :ivar status: ``loaded``, ``disabled`` (``KEXIE_DISABLE_PLUGINS``) or ``failed`` (it failed
        to import or register, or one of its hooks, commands or contributions raised).
    :ivar errors: every failure recorded against it, newest last.
    """

    name: str
    module: str
    distribution: str | None = None
    version: str | None = None
    builtin: bool = False
    status: str = "loaded"
    errors: list[str] = field(default_factory=list)
    hooks: list[str] = field(default_factory=list)

    @property
    def error(self) -> str | None:
        return "; ".join(self.errors) if self.errors else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "distribution": self.distribution,
            "version": self.version,
            "builtin": self.builtin,
            "status": self.status,
            "error": self.error,
            "errors": list(self.errors),
            "hooks": list(self.hooks),
            "module": self.module,
        }

    def matches(self, names: set[str]) -> bool:
        """Whether ``names`` (from ``KEXIE_DISABLE_PLUGINS``) names this plug-in."""
        if self.name in names:
            return True
        wanted = {normalize_distribution(n) for n in names}
        return self.distribution is not None and normalize_distribution(self.distribution) in wanted


@dataclass(frozen=True)
class Candidate:
    """An installed entry point not yet loaded."""

    entry_point: EntryPoint
    info: PluginInfo


def installed_plugins() -> list[Candidate]:
    """Every entry point of the ``kexie`` group, ordered by name.

    The order only makes messages reproducible: nothing may depend on the order of two external
    plug-ins (entry-point order is undefined across installations).
    """
    found = sorted(
        entry_points(group=ENTRY_POINT_GROUP),
        key=lambda ep: (ep.name, _dist_name(ep) or ""),
    )
    return [Candidate(ep, info_for(ep)) for ep in found]


def _dist_name(ep: EntryPoint) -> str | None:
    dist = getattr(ep, "dist", None)
    if dist is None:
        return None
    name = dist.metadata["Name"]
    return str(name) if name else None


def info_for(ep: EntryPoint) -> PluginInfo:
    dist = getattr(ep, "dist", None)
    return PluginInfo(
        name=ep.name,
        module=ep.value,
        distribution=_dist_name(ep),
        version=dist.version if dist is not None else None,
    )


def core_info(name: str, module: str) -> PluginInfo:
    from .. import __version__

    return PluginInfo(
        name=name,
        module=module,
        distribution=CORE_DISTRIBUTION,
        version=__version__,
        builtin=True,
    )
