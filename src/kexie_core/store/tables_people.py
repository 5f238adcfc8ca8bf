"""Tables of the people programmes (clauses 4, 7 and 8): award selections, programme support and
records that bar a member from selections.

Declared on the same ``metadata`` as ``tables.py`` and created by migration ``0002``. Visits are
not here: a visit is a work item of kind ``expert_visit`` (``work_item`` + ``work_item_member``).
"""

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .tables import metadata


class Disqualification(SQLModel, table=True):
    """A record that bars a member from selections while it is in force (取消资格记录):
    research misconduct (科研失信), a disciplinary sanction (处分), a criminal penalty."""

    __tablename__ = "disqualification"

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", nullable=False, index=True)
    kind: str = Field(max_length=40, nullable=False)
    noted_on: date = Field(nullable=False)
    expires_on: date | None = None
    note: str | None = Field(default=None, max_length=300)


class AwardRound(SQLModel, table=True):
    """One year's selection (评选) of a programme, run by an organising unit.

    ``spec`` is the programme as it stood when the round opened (rules, scoring, quota), so that a
    later change to the programme never changes a running or finished round.
    """

    __tablename__ = "award_round"
    __table_args__ = (
        sa.UniqueConstraint(
            "programme", "year", "organiser_id", name="uq_award_round_programme_year"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    programme: str = Field(max_length=80, nullable=False)
    year: int = Field(nullable=False)
    organiser_id: int = Field(foreign_key="unit.id", nullable=False, index=True)
    title: str = Field(max_length=200, nullable=False)
    reference_date: date = Field(nullable=False)
    quota: int = Field(nullable=False)
    quota_overrides: dict[str, Any] = Field(
        default_factory=dict, sa_type=sa.JSON, sa_column_kwargs={"nullable": False}
    )
    places: int = Field(nullable=False)
    spec: dict[str, Any] = Field(
        default_factory=dict, sa_type=sa.JSON, sa_column_kwargs={"nullable": False}
    )
    status: str = Field(default="open", max_length=20, nullable=False)
    opened_on: date = Field(nullable=False)
    decided_on: date | None = None
    notice_starts_on: date | None = None
    notice_ends_on: date | None = None
    closed_on: date | None = None


class AwardNomination(SQLModel, table=True):
    """A member nominated (推荐) by a unit in a round, with eligibility, score and outcome."""

    __tablename__ = "award_nomination"
    __table_args__ = (
        sa.UniqueConstraint("round_id", "member_id", name="uq_award_nomination_round_member"),
        sa.Index("ix_award_nomination_round_unit", "round_id", "unit_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="award_round.id", nullable=False)
    member_id: int = Field(foreign_key="member.id", nullable=False, index=True)
    unit_id: int = Field(foreign_key="unit.id", nullable=False)
    nominated_on: date = Field(nullable=False)
    summary: str | None = Field(default=None, max_length=500)
    eligibility: list[dict[str, Any]] = Field(
        default_factory=list, sa_type=sa.JSON, sa_column_kwargs={"nullable": False}
    )
    status: str = Field(default="nominated", max_length=20, nullable=False)
    score: float | None = None
    reviewers: int | None = None
    rank: int | None = None


class AwardScore(SQLModel, table=True):
    """One reviewer's score (评审打分) for one nomination."""

    __tablename__ = "award_score"
    __table_args__ = (
        sa.UniqueConstraint("nomination_id", "reviewer", name="uq_award_score_reviewer"),
    )

    id: int | None = Field(default=None, primary_key=True)
    nomination_id: int = Field(foreign_key="award_nomination.id", nullable=False)
    reviewer: str = Field(max_length=100, nullable=False)
    score: float = Field(nullable=False)
    weight: float = Field(default=1.0, nullable=False)


class AwardObjection(SQLModel, table=True):
    """An objection (异议) lodged against a selected nominee during the public notice (公示)."""

    __tablename__ = "award_objection"

    id: int | None = Field(default=None, primary_key=True)
    nomination_id: int = Field(foreign_key="award_nomination.id", nullable=False, index=True)
    lodged_on: date = Field(nullable=False)
    lodged_by: str | None = Field(default=None, max_length=100)
    summary: str = Field(max_length=500, nullable=False)
    status: str = Field(default="pending", max_length=20, nullable=False)
    resolved_on: date | None = None
    resolution: str | None = Field(default=None, max_length=500)


class ProgrammeSupport(SQLModel, table=True):
    """A member supported by a programme (e.g. 托举工程) from a date, by a unit."""

    __tablename__ = "programme_support"
    __table_args__ = (
        sa.UniqueConstraint(
            "programme", "member_id", "since", name="uq_programme_support_member_since"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    programme: str = Field(max_length=80, nullable=False, index=True)
    member_id: int = Field(foreign_key="member.id", nullable=False, index=True)
    unit_id: int = Field(foreign_key="unit.id", nullable=False)
    since: date = Field(nullable=False)
    until: date | None = None
    note: str | None = Field(default=None, max_length=300)


def _table(model: type[SQLModel]) -> sa.Table:
    return model.__table__  # type: ignore[attr-defined]


disqualification_t = _table(Disqualification)
round_t = _table(AwardRound)
nomination_t = _table(AwardNomination)
score_t = _table(AwardScore)
objection_t = _table(AwardObjection)
support_t = _table(ProgrammeSupport)

__all__ = [
    "AwardNomination",
    "AwardObjection",
    "AwardRound",
    "AwardScore",
    "Disqualification",
    "ProgrammeSupport",
    "disqualification_t",
    "metadata",
    "nomination_t",
    "objection_t",
    "round_t",
    "score_t",
    "support_t",
]
