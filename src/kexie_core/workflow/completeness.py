"""Completeness and timeliness of periodic reports (报送率、及时率).

For a period, the *expected* units are those the reporting configuration obliges (their kind has a
rule for that kind of period) and that existed and were active at the period's end. Each expected
unit's report is then:

- **submitted** (已报): handed in and not sent back — submitted, accepted or reopened;
- **on time** (按时) / **late** (逾期报送): submitted, by or after its deadline;
- **missing** (未报): no report, a draft, or a returned report not yet handed in again; **overdue**
  (逾期未报) when its deadline has passed on the day asked about.

Per unit and rolled up over the tree in one set-based statement (the closure table), and the same
expressions feed the built-in metrics, so ``kexie report status`` and ``kexie metrics`` agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from ..model.period import Period
from ..store.tables import tree_t, unit_t
from ..store.tables_workflow import report_t
from ._common import SessionTool, as_period, rollup_rows, today_or
from .config import rules_subquery
from .states import COUNTED

COUNTS = ("expected", "submitted", "on_time", "late", "missing", "overdue", "accepted")

#: Order of states, worst first (the order ``kexie report status`` lists units in).
STATES = ("overdue", "missing", "late", "on_time")
STATE_LABELS = {
    "overdue": ("逾期未报", "overdue"),
    "missing": ("未报（未到期）", "missing, not yet due"),
    "late": ("逾期报送", "submitted late"),
    "on_time": ("按时报送", "on time"),
}


def _flag(condition: Any) -> sa.ColumnElement[int]:
    return sa.case((condition, 1), else_=0)


def expected_reports(period: Period, today: date | None = None) -> sa.Select[Any]:
    """Every expected unit for ``period`` with its report (if any) and per-unit 0/1 flags.

    Columns: ``unit_id``, ``due_days`` (the rule's), ``status``, ``due_on``, ``submitted_on``
    (the report's), then one column per name in :data:`COUNTS`. ``overdue`` needs ``today``
    (without it nothing is overdue). Restrict it to a scope with ``.where(unit_id IN …)``.
    """
    rules = rules_subquery()
    u, r = unit_t.c, report_t.c
    counted = r.status.in_([s.value for s in COUNTED])
    past_due: sa.ColumnElement[bool] = sa.false()
    if today is not None:
        # Compared as a whole number of days after the period's end: no date arithmetic in SQL.
        past_due = rules.c.due_days < (today - period.end).days
    return (
        sa.select(
            u.id.label("unit_id"),
            rules.c.due_days,
            r.status,
            r.due_on,
            r.submitted_on,
            sa.literal(1).label("expected"),
            _flag(counted).label("submitted"),
            _flag(sa.and_(counted, r.submitted_on <= r.due_on)).label("on_time"),
            _flag(sa.and_(counted, r.submitted_on > r.due_on)).label("late"),
            _flag(~counted | r.status.is_(None)).label("missing"),
            _flag(sa.and_(sa.or_(~counted, r.status.is_(None)), past_due)).label("overdue"),
            _flag(r.status == "accepted").label("accepted"),
        )
        .select_from(unit_t)
        .join(rules, sa.and_(rules.c.unit_kind == u.kind, rules.c.period_kind == period.kind))
        .outerjoin(report_t, sa.and_(r.unit_id == u.id, r.period == str(period)))
        .where(
            sa.or_(u.founded_on.is_(None), u.founded_on <= period.end),
            sa.or_(u.dissolved_on.is_(None), u.dissolved_on > period.end),
            sa.or_(u.status == "active", u.dissolved_on > period.end),
        )
    )


@dataclass(frozen=True)
class UnitReportState:
    """Where one expected unit's report stands for a period."""

    code: str
    name: str
    kind: str
    depth: int
    state: str
    status: str | None
    due_on: date
    submitted_on: date | None
    days_overdue: int | None
    days_late: int | None
    contact_name: str | None
    contact_phone: str | None

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass(frozen=True)
class CompletenessRow:
    """Counts for one unit's whole subtree (itself included) for a period."""

    code: str
    name: str
    kind: str
    depth: int
    expected: int
    submitted: int
    on_time: int
    late: int
    missing: int
    overdue: int
    accepted: int

    @property
    def completeness(self) -> float | None:
        """Submitted ÷ expected (报送率)."""
        return self.submitted / self.expected if self.expected else None

    @property
    def timeliness(self) -> float | None:
        """On time ÷ expected (及时率)."""
        return self.on_time / self.expected if self.expected else None

    def as_dict(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data.update(completeness=self.completeness, timeliness=self.timeliness)
        return data


class Completeness(SessionTool):
    """Which units have reported for a period, in the actor's subtree (报送情况)."""

    def by_unit(
        self, period: Period | str, *, unit: str | None = None, today: date | None = None
    ) -> list[UnitReportState]:
        """Every expected unit under ``unit`` (default: the actor) with its state, worst first.

        Overdue units come first (longest overdue first), then those missing but not yet due,
        then late ones (latest first), then those on time; ties by unit code.
        """
        period = as_period(period)
        on = today_or(today)
        with self._read() as conn:
            top = self._top(conn, unit)
            own = expected_reports(period, on).subquery("own")
            rows = conn.execute(
                sa.select(
                    unit_t.c.code,
                    unit_t.c.name,
                    unit_t.c.kind,
                    unit_t.c.contact_name,
                    unit_t.c.contact_phone,
                    tree_t.c.depth,
                    own,
                )
                .select_from(own)
                .join(unit_t, unit_t.c.id == own.c.unit_id)
                .join(tree_t, tree_t.c.descendant_id == own.c.unit_id)
                .where(tree_t.c.ancestor_id == top.id)
            ).all()
        states = [_state(row, period, on) for row in rows]
        rank = {name: i for i, name in enumerate(STATES)}
        return sorted(
            states,
            key=lambda s: (rank[s.state], -(s.days_overdue or 0), -(s.days_late or 0), s.code),
        )

    def rollup(
        self,
        period: Period | str,
        *,
        unit: str | None = None,
        depth: int | None = 1,
        today: date | None = None,
    ) -> list[CompletenessRow]:
        """Counts for ``unit`` (default: the actor) and the units down to ``depth`` levels below,
        each over its whole subtree; level by level, worst completeness first."""
        period = as_period(period)
        on = today_or(today)
        with self._read() as conn:
            top = self._top(conn, unit)
            own = expected_reports(period, on).subquery("own")
            rows = rollup_rows(conn, own, COUNTS, top.id, depth)
        out = [CompletenessRow(**_ints(row)) for row in rows]
        return sorted(
            out,
            key=lambda c: (c.depth, c.completeness or 0.0, c.timeliness or 0.0, c.code),
        )


def _ints(row: dict[str, Any]) -> dict[str, Any]:
    """Counts as ``int`` (PostgreSQL sums come back as ``Decimal``)."""
    return {k: (int(v) if k in COUNTS else v) for k, v in row.items()}


def _state(row: Any, period: Period, today: date) -> UnitReportState:
    if row.submitted:
        due = row.due_on
        late = (row.submitted_on - due).days if row.late else None
        state, overdue = ("late" if row.late else "on_time"), None
    else:
        due = period.end + timedelta(days=row.due_days)
        late = None
        overdue = (today - due).days if row.overdue else None
        state = "overdue" if row.overdue else "missing"
    return UnitReportState(
        code=row.code,
        name=row.name,
        kind=row.kind,
        depth=row.depth,
        state=state,
        status=row.status,
        due_on=due,
        submitted_on=row.submitted_on,
        days_overdue=overdue,
        days_late=late,
        contact_name=row.contact_name,
        contact_phone=row.contact_phone,
    )
