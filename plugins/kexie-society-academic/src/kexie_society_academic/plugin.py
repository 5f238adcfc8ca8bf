"""The hooks of the academic-exchange plug-in (entry point ``society-academic``, group ``kexie``).

Only hooks live here; every function named ``kexie_*`` in this module is taken for one.
"""

from __future__ import annotations

from kexie_core import Problem, WorkItemIn, hookimpl
from kexie_core.metrics import Metric
from pydantic import BaseModel

from . import exchange, metrics


@hookimpl
def kexie_register_metrics() -> list[Metric]:
    return list(metrics.METRICS)


@hookimpl
def kexie_validate_record(kind: str, record: BaseModel) -> list[Problem]:
    if kind == "work_item" and isinstance(record, WorkItemIn):
        return exchange.exchange_problems(record)
    return []
