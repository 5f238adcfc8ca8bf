"""Importing work items (工作事项): the activities units report under clauses 1–8 and R1–R3.

Each row is checked exactly as ``ActorSession.add_work_item`` checks one: the record, then its
kind (registered by a plug-in or built in), its area and the kind's ``details`` model
(``ActorSession.prepare_work_item``, which needs no database), then plug-ins' rules. A kind may be
written as its key (``training``) or its label (培训班/研修班).

A work item's natural key is its external id (事项编号). A ledger without one matches on unit,
kind, title and start date instead, so re-importing it still changes nothing. Work items dated in
a period whose report has been accepted are refused (``store.report_lock``), as the API refuses
them. Members taking part (相关会员编号) must exist; the set of them is replaced when it changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..model.errors import InvalidRecord
from ..model.records import WorkItemIn
from ..store import report_lock
from ..store.tables import member_t, work_member_t, work_t
from . import bulk
from .loaders import Loader, Row
from .messages import from_problems


class WorkItemsLoader(Loader):
    kind = "work-items"
    model = WorkItemIn
    table = work_t
    locks = (work_t, work_member_t)
    field_columns: ClassVar[dict[str, tuple[str, ...]]] = {
        "unit": ("unit_id",),
        "member_nos": ("member_nos",),
    }

    def _work_kind_labels(self) -> dict[str, str]:
        labels: dict[str, str] = {}
        for kind in self.ctx.plugins.work_kinds():
            for text in (kind.key, kind.label_zh, kind.label_en, kind.label_en.lower()):
                labels.setdefault(text, kind.key)
        return labels

    def prepare(self, no: int, raw: dict[str, Any]) -> Row:
        # prepare_work_item runs the plug-ins' rules itself.
        rules, self._plugin_rules = self._plugin_rules, False
        try:
            return super().prepare(no, raw)
        finally:
            self._plugin_rules = rules

    def build(self, row: Row, record: WorkItemIn) -> None:
        session = self.ctx.session
        assert session is not None
        try:
            item = session.prepare_work_item(record)
        except InvalidRecord as exc:
            self.ctx.messages(row, from_problems(exc.problems))
            return
        unit_id = self.ctx.unit_id(row, "unit", item.unit)
        if unit_id is None:
            return
        assert item.area is not None and item.ended_on is not None
        row.values = {
            "external_id": item.external_id,
            "kind": item.kind,
            "area": item.area.value,
            "unit_id": unit_id,
            "title": item.title,
            "started_on": item.started_on,
            "ended_on": item.ended_on,
            "participants": item.participants,
            "hours": float(item.hours),
            "details": item.details,
            "evidence": list(item.evidence),
            "member_nos": tuple(sorted(dict.fromkeys(item.member_nos))),
        }
        row.key = (
            ("id", item.external_id)
            if item.external_id
            else ("natural", unit_id, item.kind, item.title, item.started_on.isoformat())
        )

    def unique_keys(self, row: Row) -> list[tuple[str, str]]:
        name = "external_id" if row.key[0] == "id" else "title"
        return [(name, "\x1f".join(str(k) for k in row.key))]

    def check(self, conn: Connection, rows: list[Row]) -> None:
        self._resolve_members(conn, rows)
        live = [r for r in rows if not r.errors]
        with_id = [r for r in live if r.key[0] == "id"]
        natural = [r for r in live if r.key[0] == "natural"]
        found = {
            e["external_id"]: e
            for e in self._existing(conn, work_t.c.external_id, [r.key[1] for r in with_id])
        }
        for row in with_id:
            row.existing = found.get(row.key[1])
        if natural:
            candidates = self._existing(conn, work_t.c.title, [r.values["title"] for r in natural])
            by_key = {
                (e["unit_id"], e["kind"], e["title"], e["started_on"].isoformat()): e
                for e in sorted(candidates, key=lambda e: -e["id"])
                if e["external_id"] is None
            }
            for row in natural:
                row.existing = by_key.get(row.key[1:])
        for row in live:
            if row.existing is not None and self._refuse_outside(row, row.existing, "unit_id"):
                row.existing = None
        self._load_participants(conn, [r for r in live if r.existing and not r.errors])
        self._refuse_locked(conn, [r for r in live if not r.errors])

    def _resolve_members(self, conn: Connection, rows: list[Row]) -> None:
        numbers = [n for r in rows for n in r.values["member_nos"]]
        ids = bulk.lookup(conn, member_t.c.member_no, member_t.c.id, numbers)
        for row in rows:
            missing = [n for n in row.values["member_nos"] if n not in ids]
            if missing:
                shown = "、".join(missing[:5])
                self.ctx.error(
                    row,
                    "member_nos",
                    f"会员编号不存在：{shown}",
                    f"no such member(s): {', '.join(missing[:5])}",
                )
            row.extra = [ids[n] for n in row.values["member_nos"] if n in ids]

    def _load_participants(self, conn: Connection, rows: list[Row]) -> None:
        by_id = {r.existing["id"]: r for r in rows if r.existing}
        numbers: dict[int, list[str]] = {i: [] for i in by_id}
        for chunk in bulk.chunks(list(by_id)):
            for item_id, member_no in conn.execute(
                sa.select(work_member_t.c.work_item_id, member_t.c.member_no)
                .join(member_t, member_t.c.id == work_member_t.c.member_id)
                .where(bulk.one_of(conn, work_member_t.c.work_item_id, chunk))
            ):
                numbers[item_id].append(member_no)
        for item_id, row in by_id.items():
            assert row.existing is not None
            row.existing["member_nos"] = tuple(sorted(numbers[item_id]))

    def _refuse_locked(self, conn: Connection, rows: list[Row]) -> None:
        touches: dict[tuple[int, Any], list[Row]] = {}
        for row in rows:
            pairs = [(row.values["unit_id"], row.values["started_on"])]
            if row.existing is not None:
                pairs.append((row.existing["unit_id"], row.existing["started_on"]))
            for pair in pairs:
                touches.setdefault(pair, []).append(row)
        refused: set[int] = set()
        for lock in report_lock.find_locks(conn, touches):
            for row in touches.get((lock.unit_id, lock.on), []):
                if id(row) in refused or not self._would_change(row):
                    continue
                refused.add(id(row))
                m = from_problems([report_lock.ReportLocked([lock]).problems[0]])[0]
                self.ctx.error(row, "started_on", m.zh, m.en)

    def _would_change(self, row: Row) -> bool:
        if row.existing is None:
            return True
        return any(row.values[c] != row.existing.get(c) for c in self.update_columns(row))

    def insert_columns(self, rows: Any) -> tuple[str, ...]:
        return tuple(c for c in rows[0].values if c != "member_nos")

    def write(self, conn: Connection, new: list[Row], changed: list[Row]) -> None:
        if new:
            cols = self.insert_columns(new)
            # Work items are hundreds or thousands, not millions: RETURNING gives the new ids
            # for the participants in the same statement.
            result = conn.execute(
                work_t.insert().returning(work_t.c.id, sort_by_parameter_order=True),
                [{c: r.values[c] for c in cols} for r in new],
            )
            for row, item_id in zip(new, result.scalars(), strict=True):
                row.existing = {"id": item_id, "member_nos": ()}
        groups: dict[tuple[str, ...], list[Row]] = {}
        for row in changed:
            cols = tuple(c for c in self.update_columns(row) if c != "member_nos")
            if cols:
                groups.setdefault(cols, []).append(row)
        for cols, group in groups.items():
            conn.execute(
                work_t.update()
                .where(work_t.c.id == sa.bindparam("b_id"))
                .values({c: sa.bindparam(f"b_{c}") for c in cols}),
                [
                    {"b_id": r.existing["id"], **{f"b_{c}": r.values[c] for c in cols}}
                    for r in group
                    if r.existing
                ],
            )
        self._write_participants(conn, [*new, *changed])

    def _write_participants(self, conn: Connection, rows: Iterable[Row]) -> None:
        replace = [
            r
            for r in rows
            if r.existing is not None
            and "member_nos" in self.update_columns(r)
            and r.values["member_nos"] != r.existing.get("member_nos", ())
        ]
        if not replace:
            return
        ids = [r.existing["id"] for r in replace if r.existing]
        for chunk in bulk.chunks(ids):
            conn.execute(
                work_member_t.delete().where(bulk.one_of(conn, work_member_t.c.work_item_id, chunk))
            )
        pairs = [
            {"work_item_id": r.existing["id"], "member_id": m}
            for r in replace
            if r.existing
            for m in dict.fromkeys(r.extra or [])
        ]
        if pairs:
            conn.execute(work_member_t.insert(), pairs)
