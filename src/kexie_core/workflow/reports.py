"""Periodic work reports (定期工作报告): create, submit, review up the tree, reopen.

>>> yishui = Reports(ws.as_unit("371323"))
>>> yishui.submit("2026Q1", narrative="一季度开展科技人员培训班3期……", today=date(2026, 4, 8))
>>> city = Reports(ws.as_unit("371300"))
>>> city.return_("371323", "2026Q1", "请补充学会工作数据")    # 退回，须说明理由
>>> yishui.submit("2026Q1", today=date(2026, 4, 9))
>>> city.accept("371323", "2026Q1")

Every transition is one transaction: the report row (updated only if it is still in the status
the transition started from, so two reviewers cannot both act), a history row, and an audit entry.
After the commit ``kexie_report_status_changed`` fires for each step; a plug-in that raises there
is recorded against its name and never undoes the transition.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..model.errors import InvalidRecord, Problem
from ..model.period import Period
from ..store import audit
from ..store.engine import insert_id
from ..store.scope import NotFound, ScopeError
from ..store.tables import unit_t, utcnow
from ..store.tables_workflow import report_event_t, report_t
from ._common import (
    SessionTool,
    UnitRef,
    WorkflowError,
    as_period,
    in_subtree,
    is_strict_ancestor,
    today_or,
    visible_unit,
)
from .config import load_config
from .snapshot import freeze
from .states import (
    EDITABLE,
    TRANSITIONS,
    ReportStatus,
    Side,
    Transition,
    allowed_actions,
    past_tense,
)


@dataclass(frozen=True)
class ReportEvent:
    """One step in a report's history (审核记录)."""

    at: datetime
    actor: str
    action: str
    from_status: str | None
    to_status: str
    reason: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "at": self.at,
            "actor": self.actor,
            "action": self.action,
            "from_status": self.from_status,
            "to_status": self.to_status,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Report:
    """A periodic report as read back (what ``kexie_report_status_changed`` receives)."""

    id: int
    unit: str
    unit_name: str
    unit_kind: str
    period: str
    status: str
    narrative: str
    due_on: date
    submitted_on: date | None
    submitted_by: str | None
    reviewed_by: str | None
    reviewed_at: datetime | None
    reason: str | None
    revision: int
    snapshot: dict[str, Any] | None
    created_at: datetime
    updated_at: datetime

    @property
    def key(self) -> str:
        return f"{self.unit}/{self.period}"

    @property
    def open_reason(self) -> str | None:
        """The latest return's or reopen's reason while it still explains the report; None once
        the report is accepted again (the reason is then history: ``Reports.history``)."""
        return None if self.status == ReportStatus.ACCEPTED.value else self.reason

    @property
    def late(self) -> bool | None:
        """Handed in after its deadline (None while not handed in)."""
        return None if self.submitted_on is None else self.submitted_on > self.due_on

    def as_dict(self, *, with_snapshot: bool = True) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data["late"] = self.late
        if not with_snapshot:
            data.pop("snapshot")
        return data


def _report_query() -> sa.Select[Any]:
    owner = unit_t.alias("owner")
    submitter = unit_t.alias("submitter")
    reviewer = unit_t.alias("reviewer")
    r = report_t.c
    return (
        sa.select(
            r.id,
            owner.c.code.label("unit"),
            owner.c.name.label("unit_name"),
            owner.c.kind.label("unit_kind"),
            r.period,
            r.status,
            r.narrative,
            r.due_on,
            r.submitted_on,
            submitter.c.code.label("submitted_by"),
            reviewer.c.code.label("reviewed_by"),
            r.reviewed_at,
            r.reason,
            r.revision,
            r.snapshot,
            r.created_at,
            r.updated_at,
        )
        .select_from(report_t)
        .join(owner, owner.c.id == r.unit_id)
        .outerjoin(submitter, submitter.c.id == r.submitted_by_id)
        .outerjoin(reviewer, reviewer.c.id == r.reviewed_by_id)
    )


def _read(conn: Connection, report_id: int) -> Report:
    row = conn.execute(_report_query().where(report_t.c.id == report_id)).one()
    return Report(**row._mapping)


class Reports(SessionTool):
    """The periodic reports an actor writes (its own) and reviews (its descendants')."""

    # -- reading ------------------------------------------------------------------------------
    def get(self, period: Period | str, *, unit: str | None = None) -> Report:
        """The report of ``unit`` (default: the actor) for ``period``."""
        period = as_period(period)
        with self._read() as conn:
            owner = visible_unit(conn, self.actor, unit or self.actor.code)
            report_id = self._find(conn, owner, period)
            if report_id is None:
                raise NotFound(f"{owner} has no report for {period} yet")
            return _read(conn, report_id)

    def history(self, period: Period | str, *, unit: str | None = None) -> list[ReportEvent]:
        """Every transition of the report, oldest first (who, when, from, to, why)."""
        report = self.get(period, unit=unit)
        e = report_event_t.c
        with self._read() as conn:
            rows = conn.execute(
                sa.select(e.at, e.actor, e.action, e.from_status, e.to_status, e.reason)
                .where(e.report_id == report.id)
                .order_by(e.id)
            )
            return [ReportEvent(**row._mapping) for row in rows]

    def find(
        self,
        *,
        period: Period | str | None = None,
        unit: str | None = None,
        status: str | None = None,
    ) -> list[Report]:
        """Reports in the actor's subtree (or ``unit``'s), by period then unit code."""
        with self._read() as conn:
            top = self._top(conn, unit)
            query = _report_query().where(in_subtree(top.id, report_t.c.unit_id))
            if period is not None:
                query = query.where(report_t.c.period == str(as_period(period)))
            if status is not None:
                query = query.where(report_t.c.status == ReportStatus.parse(status).value)
            query = query.order_by(report_t.c.period_start, sa.literal_column("unit"))
            return [Report(**row._mapping) for row in conn.execute(query)]

    # -- the reporting side -------------------------------------------------------------------
    def new(self, period: Period | str, *, narrative: str = "") -> Report:
        """Open a draft report of the actor's own unit for ``period``."""
        period = as_period(period)
        with self._write() as conn:
            owner = visible_unit(conn, self.actor, self.actor.code)
            if self._find(conn, owner, period) is not None:
                raise WorkflowError(f"{owner} already has a report for {period}")
            report_id = self._create(conn, owner, period, narrative)
            report = _read(conn, report_id)
        self._notify(report, None)
        return report

    def set_narrative(self, period: Period | str, narrative: str) -> Report:
        """Replace the narrative (工作总结) of the actor's own draft, returned or reopened
        report."""
        period = as_period(period)
        with self._write() as conn:
            owner = visible_unit(conn, self.actor, self.actor.code)
            report_id = self._find(conn, owner, period)
            if report_id is None:
                raise NotFound(f"{owner} has no report for {period} yet: create it first")
            current = _read(conn, report_id)
            if ReportStatus(current.status) not in EDITABLE:
                raise WorkflowError(
                    f"report {current.key} is {current.status}: its narrative can change only "
                    "while it is a draft, returned or reopened"
                )
            conn.execute(
                report_t.update()
                .where(report_t.c.id == report_id)
                .values(narrative=narrative, updated_at=utcnow())
            )
            audit.record(
                conn,
                self.actor,
                "update",
                "report",
                current.key,
                unit_id=owner.id,
                detail={"narrative_chars": len(narrative)},
            )
            return _read(conn, report_id)

    def submit(
        self,
        period: Period | str,
        *,
        narrative: str | None = None,
        today: date | None = None,
    ) -> Report:
        """Hand in the actor's own report for ``period`` (报送), freezing its figures.

        Creates the report first when there is none. ``today`` is the day it is handed in
        (default: the local date now); it decides on time or late against the deadline.
        """
        period = as_period(period)
        on = today_or(today)
        self._precheck_submit(period)
        snapshot = freeze(self.session, self.actor.code, period)
        return self._step(
            "submit", self.actor.code, period, narrative=narrative, on=on, snapshot=snapshot
        )

    # -- the reviewing side -------------------------------------------------------------------
    def accept(self, unit: str, period: Period | str) -> Report:
        """Accept a submitted report of a unit below the actor (审核通过); it locks the period."""
        return self._step("accept", unit, as_period(period))

    def return_(self, unit: str, period: Period | str, reason: str) -> Report:
        """Send a submitted report back to its unit (退回), with the reason why."""
        return self._step("return", unit, as_period(period), reason=reason)

    def reopen(self, unit: str, period: Period | str, reason: str) -> Report:
        """Reopen an accepted report (重新打开), lifting its lock, with the reason why."""
        return self._step("reopen", unit, as_period(period), reason=reason)

    # -- machinery ----------------------------------------------------------------------------
    def _precheck_submit(self, period: Period) -> None:
        """Refuse a submission that cannot succeed before spending time on the snapshot (the
        transaction checks again)."""
        with self._read() as conn:
            owner = visible_unit(conn, self.actor, self.actor.code)
            report_id = self._find(conn, owner, period)
            if report_id is None:
                self._due_on(conn, owner, period)  # must this unit report such periods at all?
                return
            self._check_source(_read(conn, report_id), TRANSITIONS["submit"])

    @staticmethod
    def _check_source(current: Report, step: Transition) -> ReportStatus:
        status = ReportStatus(current.status)
        if status not in step.sources:
            raise WorkflowError(
                f"report {current.key} is {status.value} ({status.label_zh}): it cannot be "
                f"{past_tense(step.action)}; possible now: {', '.join(allowed_actions(status))}"
            )
        return status

    def _find(self, conn: Connection, owner: UnitRef, period: Period) -> int | None:
        return conn.execute(
            sa.select(report_t.c.id).where(
                report_t.c.unit_id == owner.id, report_t.c.period == str(period)
            )
        ).scalar()

    def _due_on(self, conn: Connection, owner: UnitRef, period: Period) -> date:
        config = load_config(conn)
        due = config.due_on(owner.kind, period)
        if due is None:
            kinds = sorted({k for (k, p) in config.rules() if p == period.kind})
            expected = ", ".join(kinds) if kinds else "no kind of unit"
            raise InvalidRecord(
                [
                    Problem(
                        "period",
                        f"{owner} is a {owner.kind} unit, and the reporting configuration has "
                        f"it report no {period.kind} periods ({expected} report them); see "
                        "`kexie report config`",
                    )
                ],
                what="report",
                key=f"{owner.code}/{period}",
            )
        return due

    def _create(self, conn: Connection, owner: UnitRef, period: Period, narrative: str) -> int:
        report_id = insert_id(
            conn,
            report_t.insert().values(
                unit_id=owner.id,
                period=str(period),
                period_start=period.start,
                period_end=period.end,
                status=ReportStatus.DRAFT.value,
                narrative=narrative,
                due_on=self._due_on(conn, owner, period),
                revision=0,
                created_at=utcnow(),
                updated_at=utcnow(),
            ),
        )
        self._record(conn, report_id, owner, str(period), "new", None, "draft", None)
        return report_id

    def _authorise(self, conn: Connection, step: Transition, owner: UnitRef) -> None:
        """The reporting side is the unit itself; the reviewing side strictly above it."""
        me = self.actor
        if step.side is Side.REPORTER:
            if owner.id != me.unit_id:
                raise ScopeError(
                    f"{me} may not {step.action} the report of {owner}: a unit submits only its "
                    f"own report (act as it: --as {owner.code})"
                )
        elif owner.id == me.unit_id:
            raise ScopeError(
                f"{me} may not {step.action} its own report: only a unit above it in the tree "
                "reviews it"
            )
        elif not is_strict_ancestor(conn, me.unit_id, owner.id):
            raise ScopeError(
                f"{me} may not {step.action} the report of {owner}: only a unit above it in the "
                "tree reviews it"
            )

    def _step(
        self,
        action: str,
        unit: str,
        period: Period,
        *,
        reason: str | None = None,
        narrative: str | None = None,
        on: date | None = None,
        snapshot: dict[str, Any] | None = None,
    ) -> Report:
        step = TRANSITIONS[action]
        reason = (reason or "").strip() or None
        if step.needs_reason and reason is None:
            raise InvalidRecord(
                [Problem("reason", f"a reason is required to {action} a report")],
                what="report",
                key=f"{unit}/{period}",
            )
        fired: list[tuple[str | None, int]] = []
        with self._write() as conn:
            owner = visible_unit(conn, self.actor, unit)
            self._authorise(conn, step, owner)
            report_id = self._find(conn, owner, period)
            if report_id is None:
                if action != "submit":
                    raise NotFound(f"{owner} has no report for {period} to {action}")
                report_id = self._create(conn, owner, period, narrative or "")
                fired.append((None, report_id))
            current = _read(conn, report_id)
            status = self._check_source(current, step)
            values = self._values(conn, step, owner, period, current, reason, narrative, on)
            if snapshot is not None:
                snapshot["narrative"] = values.get("narrative", current.narrative)
                values["snapshot"] = snapshot
            updated = conn.execute(
                report_t.update()
                .where(report_t.c.id == report_id, report_t.c.status == status.value)
                .values(**values)
            )
            if updated.rowcount != 1:  # someone else moved it since we read it
                raise WorkflowError(f"report {current.key} changed meanwhile; try again")
            self._record(
                conn, report_id, owner, str(period), action, status.value, step.target, reason
            )
            fired.append((status.value, report_id))
            report = _read(conn, report_id)
        for old, _ in fired:
            self._notify(report if old is not None else _as_draft(report), old)
        return report

    def _values(
        self,
        conn: Connection,
        step: Transition,
        owner: UnitRef,
        period: Period,
        current: Report,
        reason: str | None,
        narrative: str | None,
        on: date | None,
    ) -> dict[str, Any]:
        now = utcnow()
        values: dict[str, Any] = {"status": step.target.value, "updated_at": now}
        if step.action == "submit":
            assert on is not None
            values.update(
                submitted_by_id=self.actor.unit_id,
                revision=current.revision + 1,
                # The deadline in force when it is handed in.
                due_on=self._due_on(conn, owner, period),
            )
            if current.submitted_on is None:
                values["submitted_on"] = on
            if narrative is not None:
                values["narrative"] = narrative
        else:
            values.update(reviewed_by_id=self.actor.unit_id, reviewed_at=now)
            if step.needs_reason:
                values["reason"] = reason
            if step.action == "return":
                values["submitted_on"] = None  # the next hand-in is the one that counts
        return values

    def _record(
        self,
        conn: Connection,
        report_id: int,
        owner: UnitRef,
        period: str,
        action: str,
        old: str | None,
        new: str,
        reason: str | None,
    ) -> None:
        conn.execute(
            report_event_t.insert().values(
                report_id=report_id,
                at=utcnow(),
                actor=self.actor.code,
                action=action,
                from_status=old,
                to_status=new,
                reason=reason,
            )
        )
        detail: dict[str, Any] = {"from": old, "to": new}
        if reason:
            detail["reason"] = reason
        audit.record(
            conn,
            self.actor,
            action,
            "report",
            f"{owner.code}/{period}",
            unit_id=owner.id,
            detail=detail,
        )

    def _notify(self, report: Report, old: str | None) -> None:
        self.session.plugins.report_status_changed(report, old, report.status, actor=self.actor)


def _as_draft(report: Report) -> Report:
    """The report as it was right after it was created (for the creation event)."""
    return replace(report, status=ReportStatus.DRAFT.value)
