"""kexie_core: records, metrics, reporting and documents for the 科协 network.

The public API. Importing this package loads no third-party plug-in: plug-ins are loaded by
``load_plugins()`` (or lazily by a ``Workspace`` the first time it needs them).
"""

from __future__ import annotations

__version__ = "0.1.0"

from .metrics import (
    Metric,
    MetricContext,
    MetricTable,
    Rollup,
    Rubric,
    compute_metrics,
    evaluate,
    metric,
)
from .model.enums import (
    Area,
    Degree,
    ExpertLevel,
    Gender,
    HostCategory,
    PlatformKind,
    StudyStatus,
    TitleLevel,
    UnitKind,
    UnitStatus,
)
from .model.errors import InvalidRecord, Problem
from .model.period import Period
from .model.records import (
    HonourIn,
    HostIn,
    MemberIn,
    MembershipIn,
    PlatformIn,
    TargetIn,
    UnitIn,
    WorkItemIn,
)
from .plugin import (
    DuplicateKeyError,
    PluginError,
    PluginHost,
    WorkKind,
    hookimpl,
    load_plugins,
)
from .store.scope import Actor, NotFound, ScopeError
from .workspace import ActorSession, SchemaError, Workspace

__all__ = [
    "Actor",
    "ActorSession",
    "Area",
    "Degree",
    "DuplicateKeyError",
    "ExpertLevel",
    "Gender",
    "HonourIn",
    "HostCategory",
    "HostIn",
    "InvalidRecord",
    "MemberIn",
    "MembershipIn",
    "Metric",
    "MetricContext",
    "MetricTable",
    "NotFound",
    "Period",
    "PlatformIn",
    "PlatformKind",
    "PluginError",
    "PluginHost",
    "Problem",
    "Rollup",
    "Rubric",
    "SchemaError",
    "ScopeError",
    "StudyStatus",
    "TargetIn",
    "TitleLevel",
    "UnitIn",
    "UnitKind",
    "UnitStatus",
    "WorkItemIn",
    "WorkKind",
    "Workspace",
    "__version__",
    "compute_metrics",
    "evaluate",
    "hookimpl",
    "load_plugins",
    "metric",
]
