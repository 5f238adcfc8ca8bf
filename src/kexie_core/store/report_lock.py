"""The edit lock of accepted reports (已审核报告锁定).

An accepted report for unit U and period P froze U's figures, its own and its whole subtree's.
So a work item of any unit in U's subtree dated within P may not be added, changed or removed
until a reviewer reopens the report. This module is the one check every write path calls (the
single-record API, the bulk importer): it lives in the store, below the workflow, so that
``workspace.py`` and ``ledger`` can call it without importing the workflow's higher layers.

A work item belongs to the period its ``started_on`` falls in (as the metrics count it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..model.errors import InvalidRecord, Problem
from .tables import tree_t, unit_t
from .tables_workflow import report_t

# Keeps each IN list well under SQLite's limit on bound parameters.
_CHUNK = 5_000


@dataclass(frozen=True)
class Lock:
    """An accepted report that covers an edit: which unit and date it touched, which report."""

    unit_id: int
    on: date
    report_unit: str
    report_unit_name: str
    period: str
    accepted_by: str | None
    accepted_at: datetime | None

    def message(self) -> str:
        when = f" on {self.accepted_at.date().isoformat()}" if self.accepted_at else ""
        by = f" by {self.accepted_by}" if self.accepted_by else ""
        return (
            f"{self.on.isoformat()} falls in {self.period}, and the report of "
            f"{self.report_unit} {self.report_unit_name} for {self.period} was accepted{by}{when}: "
            f"its figures are frozen. Ask the reviewing unit to reopen it first "
            f"(kexie report reopen --unit {self.report_unit} --period {self.period} --reason …)"
        )


class ReportLocked(InvalidRecord):
    """An edit touches a unit and period whose report has been accepted."""

    def __init__(
        self,
        locks: list[Lock],
        *,
        field: str = "started_on",
        what: str = "work item",
        key: str | None = None,
    ) -> None:
        self.locks = locks
        super().__init__([Problem(field, lock.message()) for lock in locks], what=what, key=key)


def find_locks(conn: Connection, touches: Iterable[tuple[int, date]]) -> list[Lock]:
    """The accepted reports that cover any of ``touches`` (pairs of unit id and date).

    Set-based: one query per few thousand distinct units finds the accepted reports of those
    units and of every unit above them whose period overlaps the dates given; matching each
    distinct (unit, date) pair against that short list happens in memory. Returns one lock per
    (unit, date, report) that conflicts, in a stable order.
    """
    pairs = sorted(set(touches))
    if not pairs:
        return []
    unit_ids = sorted({unit_id for unit_id, _ in pairs})
    first, last = min(on for _, on in pairs), max(on for _, on in pairs)
    owner = unit_t.alias("owner")
    reviewer = unit_t.alias("reviewer")
    covering: dict[int, list[Any]] = {}
    for start in range(0, len(unit_ids), _CHUNK):
        chunk = unit_ids[start : start + _CHUNK]
        rows = conn.execute(
            sa.select(
                tree_t.c.descendant_id,
                report_t.c.period,
                report_t.c.period_start,
                report_t.c.period_end,
                report_t.c.reviewed_at,
                owner.c.code,
                owner.c.name,
                reviewer.c.code.label("reviewer_code"),
            )
            .select_from(report_t)
            .join(tree_t, tree_t.c.ancestor_id == report_t.c.unit_id)
            .join(owner, owner.c.id == report_t.c.unit_id)
            .outerjoin(reviewer, reviewer.c.id == report_t.c.reviewed_by_id)
            .where(
                report_t.c.status == "accepted",
                tree_t.c.descendant_id.in_(chunk),
                report_t.c.period_start <= last,
                report_t.c.period_end >= first,
            )
            .order_by(tree_t.c.descendant_id, report_t.c.period_start, owner.c.code)
        )
        for row in rows:
            covering.setdefault(row.descendant_id, []).append(row)
    locks: list[Lock] = []
    for unit_id, on in pairs:
        for row in covering.get(unit_id, ()):
            if row.period_start <= on <= row.period_end:
                locks.append(
                    Lock(
                        unit_id=unit_id,
                        on=on,
                        report_unit=row.code,
                        report_unit_name=row.name,
                        period=row.period,
                        accepted_by=row.reviewer_code,
                        accepted_at=row.reviewed_at,
                    )
                )
    return locks


def refuse_locked(
    conn: Connection,
    touches: Iterable[tuple[int, date]],
    *,
    field: str = "started_on",
    what: str = "work item",
    key: str | None = None,
) -> None:
    """Raise :class:`ReportLocked` when any of ``touches`` falls under an accepted report.

    Call it inside the write transaction, with every (unit id, date) the write touches: for an
    update both the old and the new pair, for a delete the old one.
    """
    locks = find_locks(conn, touches)
    if locks:
        raise ReportLocked(locks, field=field, what=what, key=key)
