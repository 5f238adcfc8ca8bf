"""Built-in metrics (内置指标), registered like any plug-in's.

The definitions live in ``kexie_core.metrics.builtin``; this module only hands them to the host.
A plug-in does the same::

    from kexie_core import hookimpl
    from kexie_core.metrics import Metric, Rollup

    def _seed_fairs(ctx):
        w = work_t.c
        return sa.select(w.unit_id, sa.literal(1)).where(
            w.kind == "seed_fair", ctx.in_period(w.started_on), ctx.in_scope(w.unit_id))

    @hookimpl
    def kexie_register_metrics():
        return [Metric("yishui.seed_fairs", "良种推介会", "seed fairs", "场", "events",
                       area="5", rollup=Rollup.SUM, compute=_seed_fairs)]
"""

from __future__ import annotations

from ..metrics import Metric
from ..metrics.builtin import builtin_metrics, work_kind_metrics
from ..plugin.hookspecs import hookimpl
from . import work_kinds


@hookimpl(trylast=True)
def kexie_register_metrics() -> list[Metric]:
    # The module, not its hook function: a name imported here would register as this plug-in's.
    per_kind = [
        m
        for kind in work_kinds.kexie_register_work_kinds()
        for m in work_kind_metrics(kind.key, kind.label_zh, kind.label_en, kind.area)
    ]
    return [*builtin_metrics(), *per_kind]
