"""Snapshots (报送快照): what a report said when it was handed in.

Submitting a report freezes the unit's metric values for the period, its own (本级) and its whole
subtree's (合计), with the narrative, as JSON in the report row. Later edits to work items change
what ``kexie metrics`` computes, never what the report said; an edit inside an accepted report's
period is refused outright (:mod:`kexie_core.store.report_lock`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ..metrics import compute_metrics
from ..model.period import Period

if TYPE_CHECKING:
    from ..workspace import ActorSession

SNAPSHOT_VERSION = 1


def freeze(session: ActorSession, unit_code: str, period: Period | str) -> dict[str, Any]:
    """The unit's metric values for the period as a JSON-ready dict.

    Every registered metric is computed for the unit alone (one statement per metric over the
    unit's subtree). A metric that fails is listed under ``failures`` with its plug-in and left
    out, as ``kexie metrics`` does: a broken plug-in must not stop a county from reporting.
    """
    period = Period.ensure(period)
    metrics: dict[str, Any] = {}
    failures: list[dict[str, str]] = []
    if len(session.plugins.metrics()) == 0:  # nothing to freeze; no need to open the engine
        return _snapshot(unit_code, period, metrics, failures)
    table = compute_metrics(session, period, unit=unit_code, depth=0)
    for _unit, metric, figure in table:
        metrics[metric.key] = {
            "label_zh": metric.label_zh,
            "label_en": metric.label_en,
            "unit_zh": metric.unit_zh,
            "unit_en": metric.unit_en,
            "area": metric.area.value,
            "rollup": metric.rollup.value,
            "own": figure.own,
            "subtree": figure.subtree,
            "own_parts": list(figure.own_parts) if figure.own_parts else None,
            "subtree_parts": list(figure.subtree_parts) if figure.subtree_parts else None,
            "plugin": metric.plugin,
        }
    failures = [{"metric": f.metric, "plugin": f.plugin, "error": f.error} for f in table.failures]
    return _snapshot(unit_code, period, metrics, failures)


def _snapshot(
    unit_code: str, period: Period, metrics: dict[str, Any], failures: list[dict[str, str]]
) -> dict[str, Any]:
    return {
        "version": SNAPSHOT_VERSION,
        "unit": unit_code,
        "period": str(period),
        "frozen_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "metrics": metrics,
        "failures": failures,
    }
