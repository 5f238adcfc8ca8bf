"""The plug-in host: hookspecs, discovery with isolation, validated registries."""

from .contributions import DuplicateKeyError, Exporter, Importer, Registry, WorkKind
from .hookspecs import hookimpl, hookspec
from .host import PluginError, PluginFailure, PluginHost, PluginInfo, load_plugins

__all__ = [
    "DuplicateKeyError",
    "Exporter",
    "Importer",
    "PluginError",
    "PluginFailure",
    "PluginHost",
    "PluginInfo",
    "Registry",
    "WorkKind",
    "hookimpl",
    "hookspec",
    "load_plugins",
]
