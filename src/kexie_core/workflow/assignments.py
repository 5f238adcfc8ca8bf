"""Supervision assignments (督查督办): issued, worked on, extended, completed, ranked by delay.

A unit issues an assignment to one lead unit (牵头单位) and any assisting units (协办单位),
all below it in the tree, with a goal and a due date. The assigned units add progress notes
(进展); the lead unit asks for an extension with a reason (延期申请), which the issuing side
grants or refuses; a granted extension moves the due date and counts as one delay (延期次数).
The lead unit or the issuer marks it completed. On a given day an open assignment past its due
date is overdue (逾期).

Who sees an assignment: units whose subtree holds the issuer, the lead or an assisting unit.
Every date that decides something (overdue, late) is passed in as ``today``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..model.errors import InvalidRecord, Problem
from ..store import audit
from ..store.engine import insert_id
from ..store.scope import NotFound, ScopeError, can_see
from ..store.tables import unit_t
from ..store.tables_workflow import (
    assignment_extension_t,
    assignment_note_t,
    assignment_t,
    assignment_unit_t,
)
from ._common import (
    SessionTool,
    UnitRef,
    WorkflowError,
    as_date,
    days_between,
    is_strict_ancestor,
    required_text,
    today_or,
    unit_by_code,
    visible_unit,
)
from .assignment_views import (
    Assignment,
    AssignmentIn,
    Extension,
    Note,
    coerce,
    involving,
    read_assignments,
    read_extension,
)


class Assignments(SessionTool):
    """Supervision assignments the actor issues, works on, or oversees."""

    # -- issuing ------------------------------------------------------------------------------
    def issue(
        self, record: AssignmentIn | dict[str, Any], *, today: date | None = None
    ) -> Assignment:
        """Issue an assignment (下达督办事项); the issuer defaults to the actor."""
        item = coerce(record)
        self._plugin_rules("assignment", item)
        issued_on = item.issued_on or today_or(today)
        if item.due_on < issued_on:
            raise InvalidRecord(
                [Problem("due_on", "the due date is before the day it is issued")],
                what="assignment",
            )
        with self._write() as conn:
            issuer = visible_unit(conn, self.actor, item.issuer or self.actor.code, "issuer")
            lead = self._below(conn, issuer, item.lead, "lead")
            assist = [self._below(conn, issuer, code, "assist") for code in item.assist]
            if any(u.id == lead.id for u in assist):
                raise InvalidRecord(
                    [Problem("assist", f"{lead.code} is the lead unit; it cannot also assist")],
                    what="assignment",
                )
            assignment_id = insert_id(
                conn,
                assignment_t.insert().values(
                    issuer_id=issuer.id,
                    lead_id=lead.id,
                    title=item.title,
                    goal=item.goal,
                    issued_on=issued_on,
                    original_due_on=item.due_on,
                    due_on=item.due_on,
                    status="open",
                    delay_count=0,
                ),
            )
            conn.execute(
                assignment_unit_t.insert(),
                [{"assignment_id": assignment_id, "unit_id": lead.id, "role": "lead"}]
                + [
                    {"assignment_id": assignment_id, "unit_id": u.id, "role": "assist"}
                    for u in assist
                ],
            )
            audit.record(
                conn,
                self.actor,
                "create",
                "assignment",
                str(assignment_id),
                unit_id=issuer.id,
                detail={
                    "title": item.title,
                    "lead": lead.code,
                    "assist": [u.code for u in assist],
                    "due_on": item.due_on,
                },
            )
        return self.get(assignment_id, today=issued_on)

    def _below(self, conn: Connection, issuer: UnitRef, code: str, field: str) -> UnitRef:
        unit = unit_by_code(conn, code, field)
        if not is_strict_ancestor(conn, issuer.id, unit.id):
            raise InvalidRecord(
                [Problem(field, f"{unit} is not below the issuing unit {issuer}")],
                what="assignment",
            )
        return unit

    # -- working on it ------------------------------------------------------------------------
    def note(self, assignment_id: int, text: str, *, today: date | None = None) -> Note:
        """Add a progress note (进展情况) as the actor."""
        body = required_text(text, "text", "progress note")
        on = today_or(today)
        with self._write() as conn:
            # Any unit that sees the assignment (assigned, issuing, or above either) may note.
            parties = self._parties(conn, assignment_id)
            note_id = insert_id(
                conn,
                assignment_note_t.insert().values(
                    assignment_id=assignment_id,
                    unit_id=self.actor.unit_id,
                    written_on=on,
                    text=body,
                ),
            )
            audit.record(
                conn,
                self.actor,
                "note",
                "assignment",
                str(assignment_id),
                unit_id=parties["lead"],
                detail={"written_on": on, "chars": len(body)},
            )
        return Note(note_id, self.actor.code, on, body)

    def notes(self, assignment_id: int) -> list[Note]:
        n = assignment_note_t.c
        with self._read() as conn:
            self._require_visible(conn, assignment_id)
            rows = conn.execute(
                sa.select(n.id, unit_t.c.code, n.written_on, n.text)
                .join(unit_t, unit_t.c.id == n.unit_id)
                .where(n.assignment_id == assignment_id)
                .order_by(n.written_on, n.id)
            )
            return [Note(*row) for row in rows]

    def request_extension(
        self, assignment_id: int, until: date | str, reason: str, *, today: date | None = None
    ) -> Extension:
        """Ask to move the due date to ``until`` (延期申请), as the lead unit's side."""
        why = required_text(reason, "reason", "extension request")
        new_due = as_date(until, "until")
        on = today_or(today)
        with self._write() as conn:
            parties = self._parties(conn, assignment_id)
            if not can_see(conn, self.actor, parties["lead"]):
                raise ScopeError(
                    f"{self.actor} may not ask to extend assignment {assignment_id}: only its "
                    "lead unit (or a unit above it) does"
                )
            row = self._row(conn, assignment_id)
            if row.status != "open":
                raise WorkflowError(f"assignment {assignment_id} is {row.status}")
            if new_due <= row.due_on:
                raise InvalidRecord(
                    [Problem("until", f"must be after the current due date {row.due_on}")],
                    what="extension request",
                )
            pending = conn.execute(
                sa.select(assignment_extension_t.c.id).where(
                    assignment_extension_t.c.assignment_id == assignment_id,
                    assignment_extension_t.c.status == "pending",
                )
            ).scalar()
            if pending is not None:
                raise WorkflowError(
                    f"assignment {assignment_id} already has extension request {pending} pending"
                )
            request_id = insert_id(
                conn,
                assignment_extension_t.insert().values(
                    assignment_id=assignment_id,
                    requested_by_id=self.actor.unit_id,
                    requested_on=on,
                    until=new_due,
                    reason=why,
                    status="pending",
                ),
            )
            audit.record(
                conn,
                self.actor,
                "request_extension",
                "assignment",
                str(assignment_id),
                unit_id=parties["lead"],
                detail={"until": new_due, "reason": why},
            )
            return read_extension(conn, request_id)

    def decide_extension(
        self,
        request_id: int,
        *,
        grant: bool,
        note: str | None = None,
        today: date | None = None,
    ) -> Extension:
        """Grant or refuse an extension request, as the issuing side (延期审批)."""
        on = today_or(today)
        with self._write() as conn:
            request = conn.execute(
                sa.select(assignment_extension_t).where(assignment_extension_t.c.id == request_id)
            ).first()
            if request is None:
                raise NotFound(f"extension request {request_id} does not exist")
            parties = self._parties(conn, request.assignment_id)
            if not can_see(conn, self.actor, parties["issuer"]):
                raise ScopeError(
                    f"{self.actor} may not decide extension request {request_id}: only the "
                    "issuing unit (or a unit above it) does"
                )
            if request.status != "pending":
                raise WorkflowError(f"extension request {request_id} is already {request.status}")
            status = "granted" if grant else "refused"
            conn.execute(
                assignment_extension_t.update()
                .where(assignment_extension_t.c.id == request_id)
                .values(
                    status=status,
                    decided_by_id=self.actor.unit_id,
                    decided_on=on,
                    decision_note=note,
                )
            )
            if grant:
                conn.execute(
                    assignment_t.update()
                    .where(assignment_t.c.id == request.assignment_id)
                    .values(due_on=request.until, delay_count=assignment_t.c.delay_count + 1)
                )
            audit.record(
                conn,
                self.actor,
                f"{'grant' if grant else 'refuse'}_extension",
                "assignment",
                str(request.assignment_id),
                unit_id=parties["lead"],
                detail={"request": request_id, "until": request.until, "note": note},
            )
            return read_extension(conn, request_id)

    def extensions(self, assignment_id: int) -> list[Extension]:
        with self._read() as conn:
            self._require_visible(conn, assignment_id)
            ids = conn.scalars(
                sa.select(assignment_extension_t.c.id)
                .where(assignment_extension_t.c.assignment_id == assignment_id)
                .order_by(assignment_extension_t.c.id)
            )
            return [read_extension(conn, i) for i in ids]

    def complete(
        self, assignment_id: int, *, note: str | None = None, today: date | None = None
    ) -> Assignment:
        """Mark it completed (办结), as the lead unit's side or the issuing side."""
        on = today_or(today)
        with self._write() as conn:
            parties = self._parties(conn, assignment_id)
            if not (
                can_see(conn, self.actor, parties["lead"])
                or can_see(conn, self.actor, parties["issuer"])
            ):
                self._require_visible(conn, assignment_id)
                raise ScopeError(
                    f"{self.actor} may not complete assignment {assignment_id}: only its lead "
                    "unit or its issuer does"
                )
            row = self._row(conn, assignment_id)
            if row.status != "open":
                raise WorkflowError(f"assignment {assignment_id} is already {row.status}")
            if on < row.issued_on:
                raise InvalidRecord(
                    [Problem("completed_on", "before the day the assignment was issued")],
                    what="assignment",
                )
            conn.execute(
                assignment_t.update()
                .where(assignment_t.c.id == assignment_id, assignment_t.c.status == "open")
                .values(status="completed", completed_on=on, completion_note=note)
            )
            audit.record(
                conn,
                self.actor,
                "complete",
                "assignment",
                str(assignment_id),
                unit_id=parties["lead"],
                detail={"completed_on": on, "note": note},
            )
        return self.get(assignment_id, today=on)

    # -- reading ------------------------------------------------------------------------------
    def get(self, assignment_id: int, *, today: date | None = None) -> Assignment:
        with self._read() as conn:
            self._require_visible(conn, assignment_id)
            found = read_assignments(conn, [assignment_id], today_or(today))
        return found[0]

    def find(
        self,
        *,
        today: date | None = None,
        status: str | None = None,
        overdue: bool = False,
        unit: str | None = None,
    ) -> list[Assignment]:
        """Assignments the actor sees (or that involve ``unit``'s subtree), by due date."""
        on = today_or(today)
        a = assignment_t.c
        with self._read() as conn:
            top = self._top(conn, unit)
            query = sa.select(a.id).where(involving(top.id))
            if status is not None:
                query = query.where(a.status == status)
            if overdue:
                query = query.where(a.status == "open", a.due_on < on)
            ids = list(conn.scalars(query.order_by(a.due_on, a.id)))
            return read_assignments(conn, ids, on)

    def ranking(
        self, *, today: date | None = None, unit: str | None = None
    ) -> list[dict[str, Any]]:
        """Lead units ranked by delay (督办延误排名), worst first.

        Per lead unit, over the assignments the actor sees: assignments, open ones now overdue,
        the days they are overdue in total, granted extensions (延期次数), and those completed
        after their due date. Worst first: most overdue now, then most overdue days, then most
        extensions, then most completed late.
        """
        on = today_or(today)
        a = assignment_t.c
        with self._read() as conn:
            top = self._top(conn, unit)
            dialect = conn.dialect.name
            overdue = sa.and_(a.status == "open", a.due_on < on)
            late_days = days_between(sa.literal(on, sa.Date), a.due_on, dialect)
            rows = conn.execute(
                sa.select(
                    unit_t.c.code,
                    unit_t.c.name,
                    sa.func.count().label("assignments"),
                    sa.func.sum(sa.case((a.status == "open", 1), else_=0)).label("open"),
                    sa.func.sum(sa.case((overdue, 1), else_=0)).label("overdue"),
                    sa.func.sum(sa.case((overdue, late_days), else_=0)).label("overdue_days"),
                    sa.func.sum(a.delay_count).label("extensions"),
                    sa.func.sum(
                        sa.case(
                            (sa.and_(a.status == "completed", a.completed_on > a.due_on), 1),
                            else_=0,
                        )
                    ).label("completed_late"),
                )
                .join(unit_t, unit_t.c.id == a.lead_id)
                .where(involving(top.id))
                .group_by(unit_t.c.code, unit_t.c.name)
            ).all()
        counts = ("assignments", "open", "overdue", "overdue_days", "extensions", "completed_late")
        out = [
            {k: (int(v or 0) if k in counts else v) for k, v in r._mapping.items()} for r in rows
        ]
        out.sort(
            key=lambda r: (
                -r["overdue"],
                -r["overdue_days"],
                -r["extensions"],
                -r["completed_late"],
                r["code"],
            )
        )
        for rank, row in enumerate(out, start=1):
            row["rank"] = rank
        return out

    # -- machinery ----------------------------------------------------------------------------
    def _parties(self, conn: Connection, assignment_id: int) -> dict[str, Any]:
        row = conn.execute(
            sa.select(assignment_t.c.issuer_id, assignment_t.c.lead_id).where(
                assignment_t.c.id == assignment_id
            )
        ).first()
        if row is None:
            raise NotFound(f"assignment {assignment_id} does not exist")
        assist = list(
            conn.scalars(
                sa.select(assignment_unit_t.c.unit_id).where(
                    assignment_unit_t.c.assignment_id == assignment_id,
                    assignment_unit_t.c.role == "assist",
                )
            )
        )
        parties = {"issuer": row.issuer_id, "lead": row.lead_id, "assist": assist}
        if not self._visible(conn, parties):
            raise NotFound(f"assignment {assignment_id} does not exist")
        return parties

    def _visible(self, conn: Connection, parties: dict[str, Any]) -> bool:
        units = [parties["issuer"], parties["lead"], *parties["assist"]]
        return any(can_see(conn, self.actor, u) for u in units)

    def _require_visible(self, conn: Connection, assignment_id: int) -> None:
        self._parties(conn, assignment_id)

    def _row(self, conn: Connection, assignment_id: int) -> Any:
        return conn.execute(sa.select(assignment_t).where(assignment_t.c.id == assignment_id)).one()


__all__ = ["Assignment", "AssignmentIn", "Assignments", "Extension", "Note"]
