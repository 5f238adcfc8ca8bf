"""reporting workflow and supervision (报告制度、督查督办)

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-28

Tables for periodic reports and their history, important-matter reports, suggestions of S&T
workers, and supervision assignments with their units, progress notes and extension requests.
A feature branch of its own from the initial schema (see ``kexie_core.store.migrate``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer_id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("goal", sa.Text(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("original_due_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("completion_note", sa.Text(), nullable=True),
        sa.Column("delay_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'completed', 'cancelled')", name=op.f("ck_assignment_status")
        ),
        sa.ForeignKeyConstraint(
            ["issuer_id"], ["unit.id"], name=op.f("fk_assignment_issuer_id_unit")
        ),
        sa.ForeignKeyConstraint(["lead_id"], ["unit.id"], name=op.f("fk_assignment_lead_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment")),
    )
    op.create_index(op.f("ix_assignment_issuer_id"), "assignment", ["issuer_id"], unique=False)
    op.create_index(op.f("ix_assignment_lead_id"), "assignment", ["lead_id"], unique=False)
    op.create_index("ix_assignment_status_due", "assignment", ["status", "due_on"], unique=False)
    op.create_table(
        "important_matter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("receiver_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("urgency", sa.String(length=20), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("timely", sa.Boolean(), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("acknowledged_on", sa.Date(), nullable=True),
        sa.Column("acknowledged_by_id", sa.Integer(), nullable=True),
        sa.Column("ack_note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["acknowledged_by_id"],
            ["unit.id"],
            name=op.f("fk_important_matter_acknowledged_by_id_unit"),
        ),
        sa.ForeignKeyConstraint(
            ["receiver_id"], ["unit.id"], name=op.f("fk_important_matter_receiver_id_unit")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_important_matter_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_important_matter")),
    )
    op.create_index(
        op.f("ix_important_matter_receiver_id"), "important_matter", ["receiver_id"], unique=False
    )
    op.create_index(
        "ix_important_matter_unit_reported",
        "important_matter",
        ["unit_id", "reported_on"],
        unique=False,
    )
    op.create_table(
        "report_rule",
        sa.Column("unit_kind", sa.String(length=20), nullable=False),
        sa.Column("period_kind", sa.String(length=10), nullable=False),
        sa.Column("due_days", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("unit_kind", "period_kind", name=op.f("pk_report_rule")),
    )
    op.create_table(
        "report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=True),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status <> 'returned' OR (reason IS NOT NULL AND reason <> '')",
            name=op.f("ck_report_returned_reason"),
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'submitted', 'returned', 'accepted', 'reopened')",
            name=op.f("ck_report_status"),
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"], ["unit.id"], name=op.f("fk_report_reviewed_by_id_unit")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"], ["unit.id"], name=op.f("fk_report_submitted_by_id_unit")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_report_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report")),
        sa.UniqueConstraint("unit_id", "period", name="uq_report_unit_period"),
    )
    op.create_index("ix_report_period_status", "report", ["period", "status"], unique=False)
    op.create_table(
        "suggestion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("forwarded_on", sa.Date(), nullable=True),
        sa.Column("forwarded_to", sa.String(length=200), nullable=True),
        sa.Column("concluded_on", sa.Date(), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('submitted', 'forwarded', 'adopted', 'answered', 'closed')",
            name=op.f("ck_suggestion_status"),
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_suggestion_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion")),
    )
    op.create_index(op.f("ix_suggestion_status"), "suggestion", ["status"], unique=False)
    op.create_index(op.f("ix_suggestion_unit_id"), "suggestion", ["unit_id"], unique=False)
    op.create_table(
        "assignment_extension",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'granted', 'refused')",
            name=op.f("ck_assignment_extension_status"),
        ),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignment.id"],
            name=op.f("fk_assignment_extension_assignment_id_assignment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["unit.id"], name=op.f("fk_assignment_extension_decided_by_id_unit")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["unit.id"],
            name=op.f("fk_assignment_extension_requested_by_id_unit"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment_extension")),
    )
    op.create_index(
        op.f("ix_assignment_extension_assignment_id"),
        "assignment_extension",
        ["assignment_id"],
        unique=False,
    )
    op.create_table(
        "assignment_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("written_on", sa.Date(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignment.id"],
            name=op.f("fk_assignment_note_assignment_id_assignment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_assignment_note_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment_note")),
    )
    op.create_index(
        op.f("ix_assignment_note_assignment_id"), "assignment_note", ["assignment_id"], unique=False
    )
    op.create_table(
        "assignment_unit",
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignment.id"],
            name=op.f("fk_assignment_unit_assignment_id_assignment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_assignment_unit_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("assignment_id", "unit_id", name=op.f("pk_assignment_unit")),
    )
    op.create_index("ix_assignment_unit_unit", "assignment_unit", ["unit_id"], unique=False)
    op.create_table(
        "report_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=40), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["report.id"],
            name=op.f("fk_report_event_report_id_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_event")),
    )
    op.create_index(op.f("ix_report_event_report_id"), "report_event", ["report_id"], unique=False)
    op.create_table(
        "suggestion_author",
        sa.Column("suggestion_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_suggestion_author_member_id_member")
        ),
        sa.ForeignKeyConstraint(
            ["suggestion_id"],
            ["suggestion.id"],
            name=op.f("fk_suggestion_author_suggestion_id_suggestion"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("suggestion_id", "member_id", name=op.f("pk_suggestion_author")),
    )
    op.create_index("ix_suggestion_author_member", "suggestion_author", ["member_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_suggestion_author_member", table_name="suggestion_author")
    op.drop_table("suggestion_author")
    op.drop_index(op.f("ix_report_event_report_id"), table_name="report_event")
    op.drop_table("report_event")
    op.drop_index("ix_assignment_unit_unit", table_name="assignment_unit")
    op.drop_table("assignment_unit")
    op.drop_index(op.f("ix_assignment_note_assignment_id"), table_name="assignment_note")
    op.drop_table("assignment_note")
    op.drop_index(op.f("ix_assignment_extension_assignment_id"), table_name="assignment_extension")
    op.drop_table("assignment_extension")
    op.drop_index(op.f("ix_suggestion_unit_id"), table_name="suggestion")
    op.drop_index(op.f("ix_suggestion_status"), table_name="suggestion")
    op.drop_table("suggestion")
    op.drop_index("ix_report_period_status", table_name="report")
    op.drop_table("report")
    op.drop_table("report_rule")
    op.drop_index("ix_important_matter_unit_reported", table_name="important_matter")
    op.drop_index(op.f("ix_important_matter_receiver_id"), table_name="important_matter")
    op.drop_table("important_matter")
    op.drop_index("ix_assignment_status_due", table_name="assignment")
    op.drop_index(op.f("ix_assignment_lead_id"), table_name="assignment")
    op.drop_index(op.f("ix_assignment_issuer_id"), table_name="assignment")
    op.drop_table("assignment")
