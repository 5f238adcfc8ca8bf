"""The plug-in host: hookspecs, discovery with isolation, validated registries (插件机制).

Plug-in authors need ``hookimpl`` (also ``from kexie_core import hookimpl``) and the contribution
types (``WorkKind``, ``Exporter``, ``Importer``); the core uses ``load_plugins`` and
``PluginHost``. See docs/plugins.md.
"""

from .contributions import Exporter, Importer, WorkKind
from .discovery import ENTRY_POINT_GROUP, ENV_DISABLE, ENV_STRICT, PluginInfo
from .failures import PluginError, PluginFailure, Stage
from .hookspecs import hookimpl, hookspec
from .host import HOOK_NAMES, Guard, PluginHost, load_plugins
from .registry import ContributionError, DuplicateKeyError, Registry

__all__ = [
    "ENTRY_POINT_GROUP",
    "ENV_DISABLE",
    "ENV_STRICT",
    "HOOK_NAMES",
    "ContributionError",
    "DuplicateKeyError",
    "Exporter",
    "Guard",
    "Importer",
    "PluginError",
    "PluginFailure",
    "PluginHost",
    "PluginInfo",
    "Registry",
    "Stage",
    "WorkKind",
    "hookimpl",
    "hookspec",
    "load_plugins",
]
