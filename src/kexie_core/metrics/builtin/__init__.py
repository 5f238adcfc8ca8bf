"""The built-in metric definitions (内置指标), one module per theme.

``kexie_core.builtins.metrics`` registers them through ``kexie_register_metrics``, exactly as a
plug-in registers its own; read these modules as examples of compute functions.
"""

from __future__ import annotations

from ..definition import Metric
from .organisation import organisation_metrics
from .people import people_metrics
from .work import work_kind_metrics, work_metrics, work_sum

__all__ = ["builtin_metrics", "work_kind_metrics", "work_sum"]


def builtin_metrics() -> list[Metric]:
    """Every built-in metric except the per-kind ones (those follow the registered kinds)."""
    return [*work_metrics(), *people_metrics(), *organisation_metrics()]
