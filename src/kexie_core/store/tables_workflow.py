"""Tables of the reporting workflow (报告制度) and supervision (督查督办).

Declared on the same ``metadata`` as ``tables.py`` and created by migration ``0003``. Status
values are checked by the database too, so that no write path (library, import, hand-written SQL)
can leave a report in a state the workflow does not know, or a returned report without its reason.
"""

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .tables import utcnow

REPORT_STATUSES = ("draft", "submitted", "returned", "accepted", "reopened")
SUGGESTION_STATUSES = ("submitted", "forwarded", "adopted", "answered", "closed")
ASSIGNMENT_STATUSES = ("open", "completed", "cancelled")
EXTENSION_STATUSES = ("pending", "granted", "refused")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _stamp() -> Any:
    return Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True), nullable=False)


def _when() -> Any:
    return Field(default=None, sa_type=sa.DateTime(timezone=True), nullable=True)


def _text(nullable: bool = False) -> Any:
    if nullable:
        return Field(default=None, sa_type=sa.Text, nullable=True)
    return Field(default="", sa_type=sa.Text, nullable=False)


class ReportRule(SQLModel, table=True):
    """Who reports which kind of period, due how many days after it ends (报告制度规则).

    The workspace's own rules, set with ``kexie report config --set FILE``; while the table is
    empty the rules shipped with the package apply. Kept as rows, not as a blob, so that "which
    units are expected to report" is a join in SQL, for the metrics as much as for the CLI.
    """

    __tablename__ = "report_rule"

    unit_kind: str = Field(max_length=20, primary_key=True)
    period_kind: str = Field(max_length=10, primary_key=True)
    due_days: int = Field(nullable=False)


class Report(SQLModel, table=True):
    """A unit's periodic work report (定期工作报告) for one period.

    ``period_start``/``period_end`` repeat what ``period`` says so that "which accepted report
    covers this date" (the edit lock) is an indexed range test in SQL. ``submitted_on`` is the
    date the report as it now stands was handed in: a return clears it, a reopen keeps it (the
    reviewer, not the unit, asked for the change). ``reason`` is the reason of the latest return
    or reopen; the database refuses a returned report without one.
    """

    __tablename__ = "report"
    __table_args__ = (
        sa.UniqueConstraint("unit_id", "period", name="uq_report_unit_period"),
        sa.Index("ix_report_period_status", "period", "status"),
        sa.CheckConstraint(_in("status", REPORT_STATUSES), name="status"),
        sa.CheckConstraint(
            "status <> 'returned' OR (reason IS NOT NULL AND reason <> '')", name="returned_reason"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", nullable=False)
    period: str = Field(max_length=10, nullable=False)
    period_start: date = Field(nullable=False)
    period_end: date = Field(nullable=False)
    status: str = Field(default="draft", max_length=20, nullable=False)
    narrative: str = _text()
    due_on: date = Field(nullable=False)
    submitted_on: date | None = None
    submitted_by_id: int | None = Field(default=None, foreign_key="unit.id")
    reviewed_by_id: int | None = Field(default=None, foreign_key="unit.id")
    reviewed_at: datetime | None = _when()
    reason: str | None = _text(nullable=True)
    revision: int = Field(default=0, nullable=False)
    snapshot: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON, nullable=True)
    created_at: datetime = _stamp()
    updated_at: datetime = _stamp()


class ReportEvent(SQLModel, table=True):
    """One transition of a report: who, when, from, to, why (审核记录)."""

    __tablename__ = "report_event"

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", nullable=False, index=True, ondelete="CASCADE")
    at: datetime = _stamp()
    actor: str = Field(max_length=40, nullable=False)
    action: str = Field(max_length=20, nullable=False)
    from_status: str | None = Field(default=None, max_length=20)
    to_status: str = Field(max_length=20, nullable=False)
    reason: str | None = _text(nullable=True)


class ImportantMatter(SQLModel, table=True):
    """An important-matter report (重要情况报告) from a unit to an ancestor that receives it.

    ``timely`` is judged once, when the matter is reported, against the configured number of days
    for its urgency, so that changing the configuration later never rewrites history.
    """

    __tablename__ = "important_matter"
    __table_args__ = (sa.Index("ix_important_matter_unit_reported", "unit_id", "reported_on"),)

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", nullable=False)
    receiver_id: int = Field(foreign_key="unit.id", nullable=False, index=True)
    title: str = Field(max_length=200, nullable=False)
    text: str = _text()
    urgency: str = Field(default="normal", max_length=20, nullable=False)
    occurred_on: date = Field(nullable=False)
    reported_on: date = Field(nullable=False)
    timely: bool = Field(nullable=False)
    attachments: list[str] = Field(
        default_factory=list, sa_type=sa.JSON, sa_column_kwargs={"nullable": False}
    )
    acknowledged_on: date | None = None
    acknowledged_by_id: int | None = Field(default=None, foreign_key="unit.id")
    ack_note: str | None = _text(nullable=True)
    created_at: datetime = _stamp()


class Suggestion(SQLModel, table=True):
    """A suggestion of S&T workers (《科技工作者建议》) and where it went."""

    __tablename__ = "suggestion"
    __table_args__ = (sa.CheckConstraint(_in("status", SUGGESTION_STATUSES), name="status"),)

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", nullable=False, index=True)
    title: str = Field(max_length=300, nullable=False)
    text: str = _text()
    status: str = Field(default="submitted", max_length=20, nullable=False, index=True)
    submitted_on: date = Field(nullable=False)
    forwarded_on: date | None = None
    forwarded_to: str | None = Field(default=None, max_length=200)
    concluded_on: date | None = None
    outcome_note: str | None = _text(nullable=True)
    created_at: datetime = _stamp()


class SuggestionAuthor(SQLModel, table=True):
    """The members who wrote a suggestion."""

    __tablename__ = "suggestion_author"
    __table_args__ = (sa.Index("ix_suggestion_author_member", "member_id"),)

    suggestion_id: int = Field(foreign_key="suggestion.id", primary_key=True, ondelete="CASCADE")
    member_id: int = Field(foreign_key="member.id", primary_key=True)


class Assignment(SQLModel, table=True):
    """A supervision assignment (督查督办事项) issued by a unit to a lead unit.

    ``due_on`` is the current deadline (moved by granted extensions); ``original_due_on`` the one
    first set; ``delay_count`` counts granted extensions (延期次数).
    """

    __tablename__ = "assignment"
    __table_args__ = (
        sa.CheckConstraint(_in("status", ASSIGNMENT_STATUSES), name="status"),
        sa.Index("ix_assignment_status_due", "status", "due_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    issuer_id: int = Field(foreign_key="unit.id", nullable=False, index=True)
    lead_id: int = Field(foreign_key="unit.id", nullable=False, index=True)
    title: str = Field(max_length=300, nullable=False)
    goal: str = _text()
    issued_on: date = Field(nullable=False)
    original_due_on: date = Field(nullable=False)
    due_on: date = Field(nullable=False)
    status: str = Field(default="open", max_length=20, nullable=False)
    completed_on: date | None = None
    completion_note: str | None = _text(nullable=True)
    delay_count: int = Field(default=0, nullable=False)
    created_at: datetime = _stamp()


class AssignmentUnit(SQLModel, table=True):
    """The units an assignment goes to: one ``lead`` and any number of ``assist`` (协办)."""

    __tablename__ = "assignment_unit"
    __table_args__ = (sa.Index("ix_assignment_unit_unit", "unit_id"),)

    assignment_id: int = Field(foreign_key="assignment.id", primary_key=True, ondelete="CASCADE")
    unit_id: int = Field(foreign_key="unit.id", primary_key=True)
    role: str = Field(max_length=10, nullable=False)


class AssignmentNote(SQLModel, table=True):
    """A progress note (进展情况) on an assignment."""

    __tablename__ = "assignment_note"

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(
        foreign_key="assignment.id", nullable=False, index=True, ondelete="CASCADE"
    )
    unit_id: int = Field(foreign_key="unit.id", nullable=False)
    written_on: date = Field(nullable=False)
    text: str = _text()
    created_at: datetime = _stamp()


class AssignmentExtension(SQLModel, table=True):
    """A request to extend an assignment's deadline (延期申请), and its decision."""

    __tablename__ = "assignment_extension"
    __table_args__ = (sa.CheckConstraint(_in("status", EXTENSION_STATUSES), name="status"),)

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(
        foreign_key="assignment.id", nullable=False, index=True, ondelete="CASCADE"
    )
    requested_by_id: int = Field(foreign_key="unit.id", nullable=False)
    requested_on: date = Field(nullable=False)
    until: date = Field(nullable=False)
    reason: str = _text()
    status: str = Field(default="pending", max_length=20, nullable=False)
    decided_by_id: int | None = Field(default=None, foreign_key="unit.id")
    decided_on: date | None = None
    decision_note: str | None = _text(nullable=True)


def _table(model: type[SQLModel]) -> sa.Table:
    return model.__table__  # type: ignore[attr-defined]


report_rule_t = _table(ReportRule)
report_t = _table(Report)
report_event_t = _table(ReportEvent)
matter_t = _table(ImportantMatter)
suggestion_t = _table(Suggestion)
suggestion_author_t = _table(SuggestionAuthor)
assignment_t = _table(Assignment)
assignment_unit_t = _table(AssignmentUnit)
assignment_note_t = _table(AssignmentNote)
assignment_extension_t = _table(AssignmentExtension)

__all__ = [
    "ASSIGNMENT_STATUSES",
    "EXTENSION_STATUSES",
    "REPORT_STATUSES",
    "SUGGESTION_STATUSES",
    "Assignment",
    "AssignmentExtension",
    "AssignmentNote",
    "AssignmentUnit",
    "ImportantMatter",
    "Report",
    "ReportEvent",
    "ReportRule",
    "Suggestion",
    "SuggestionAuthor",
]
