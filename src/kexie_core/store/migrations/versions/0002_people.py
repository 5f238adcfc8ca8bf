"""people programmes: award selections, programme support, disqualifying records

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28

Tables for award rounds (评选), nominations (推荐), review scores (评审打分), objections during the
public notice (公示/异议), programme support such as the youth lifting programme (托举工程) and
records that bar a member from selections (取消资格记录). Visits are work items and need no table.
A feature branch of its own from the initial schema (see ``kexie_core.store.migrate``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "award_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme", sa.String(length=80), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("organiser_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("reference_date", sa.Date(), nullable=False),
        sa.Column("quota", sa.Integer(), nullable=False),
        sa.Column("quota_overrides", sa.JSON(), nullable=False),
        sa.Column("places", sa.Integer(), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("notice_starts_on", sa.Date(), nullable=True),
        sa.Column("notice_ends_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organiser_id"], ["unit.id"], name=op.f("fk_award_round_organiser_id_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award_round")),
        sa.UniqueConstraint(
            "programme", "year", "organiser_id", name="uq_award_round_programme_year"
        ),
    )
    with op.batch_alter_table("award_round", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_award_round_organiser_id"), ["organiser_id"], unique=False
        )

    op.create_table(
        "award_nomination",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("nominated_on", sa.Date(), nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=True),
        sa.Column("eligibility", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("reviewers", sa.Integer(), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_award_nomination_member_id_member")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["award_round.id"], name=op.f("fk_award_nomination_round_id_award_round")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_award_nomination_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award_nomination")),
        sa.UniqueConstraint("round_id", "member_id", name="uq_award_nomination_round_member"),
    )
    with op.batch_alter_table("award_nomination", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_award_nomination_member_id"), ["member_id"], unique=False
        )
        batch_op.create_index(
            "ix_award_nomination_round_unit", ["round_id", "unit_id"], unique=False
        )

    op.create_table(
        "disqualification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("noted_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("note", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_disqualification_member_id_member")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disqualification")),
    )
    with op.batch_alter_table("disqualification", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_disqualification_member_id"), ["member_id"], unique=False
        )

    op.create_table(
        "programme_support",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme", sa.String(length=80), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("note", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_programme_support_member_id_member")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_programme_support_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_support")),
        sa.UniqueConstraint(
            "programme", "member_id", "since", name="uq_programme_support_member_since"
        ),
    )
    with op.batch_alter_table("programme_support", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_programme_support_member_id"), ["member_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_programme_support_programme"), ["programme"], unique=False
        )

    op.create_table(
        "award_objection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column("lodged_on", sa.Date(), nullable=False),
        sa.Column("lodged_by", sa.String(length=100), nullable=True),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.Column("resolution", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["nomination_id"],
            ["award_nomination.id"],
            name=op.f("fk_award_objection_nomination_id_award_nomination"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award_objection")),
    )
    with op.batch_alter_table("award_objection", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_award_objection_nomination_id"), ["nomination_id"], unique=False
        )

    op.create_table(
        "award_score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column("reviewer", sa.String(length=100), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["nomination_id"],
            ["award_nomination.id"],
            name=op.f("fk_award_score_nomination_id_award_nomination"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award_score")),
        sa.UniqueConstraint("nomination_id", "reviewer", name="uq_award_score_reviewer"),
    )


def downgrade() -> None:
    op.drop_table("award_score")
    with op.batch_alter_table("award_objection", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_award_objection_nomination_id"))

    op.drop_table("award_objection")
    with op.batch_alter_table("programme_support", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programme_support_programme"))
        batch_op.drop_index(batch_op.f("ix_programme_support_member_id"))

    op.drop_table("programme_support")
    with op.batch_alter_table("disqualification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disqualification_member_id"))

    op.drop_table("disqualification")
    with op.batch_alter_table("award_nomination", schema=None) as batch_op:
        batch_op.drop_index("ix_award_nomination_round_unit")
        batch_op.drop_index(batch_op.f("ix_award_nomination_member_id"))

    op.drop_table("award_nomination")
    with op.batch_alter_table("award_round", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_award_round_organiser_id"))

    op.drop_table("award_round")
