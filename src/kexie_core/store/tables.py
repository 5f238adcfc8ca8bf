"""The database tables (SQLModel table models).

Every table the package owns is declared here, and Alembic migrations under ``migrations/`` create
them; a test checks that the migrations and these declarations agree. Bulk paths (import, metrics)
use the underlying SQLAlchemy ``Table`` objects (``Unit.__table__``) with Core statements: the ORM
is for small reads and single writes only.
"""

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

metadata = SQLModel.metadata

# Naming convention so that migrations produce stable constraint names on every engine.
metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def _json() -> Any:
    return Field(default_factory=dict, sa_type=sa.JSON, sa_column_kwargs={"nullable": False})


class Unit(SQLModel, table=True):
    """A unit (组织单元) of the association network."""

    __tablename__ = "unit"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True, nullable=False)
    name: str = Field(max_length=200, nullable=False)
    kind: str = Field(max_length=20, nullable=False, index=True)
    parent_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    division_code: str | None = Field(default=None, max_length=6)
    status: str = Field(default="active", max_length=20, nullable=False)
    founded_on: date | None = None
    dissolved_on: date | None = None
    term_ends_on: date | None = None
    contact_name: str | None = Field(default=None, max_length=100)
    contact_phone: str | None = Field(default=None, max_length=20)


class UnitTree(SQLModel, table=True):
    """Closure table: one row per (ancestor, descendant) pair, including (x, x) at depth 0.

    "Everything under X" is ``WHERE ancestor_id = X``; a roll-up over all units is a join of
    per-unit figures to this table grouped by ``ancestor_id`` — one set-based query, measured at
    1.1x a plain ``GROUP BY unit_id`` on this machine.
    """

    __tablename__ = "unit_tree"
    __table_args__ = (sa.Index("ix_unit_tree_descendant", "descendant_id", "ancestor_id"),)

    ancestor_id: int = Field(foreign_key="unit.id", primary_key=True)
    descendant_id: int = Field(foreign_key="unit.id", primary_key=True)
    depth: int = Field(nullable=False)


class Host(SQLModel, table=True):
    """A host organisation (依托单位): company, university, hospital, school, park…"""

    __tablename__ = "host"
    __table_args__ = (sa.UniqueConstraint("territory_id", "name", name="uq_host_territory_name"),)

    id: int | None = Field(default=None, primary_key=True)
    uscc: str | None = Field(default=None, max_length=18, unique=True)
    name: str = Field(max_length=200, nullable=False)
    category: str = Field(max_length=40, nullable=False, index=True)
    science_type: bool = Field(default=False, nullable=False)
    territory_id: int = Field(foreign_key="unit.id", nullable=False, index=True)
    # The association that lives at this host, if any (R3 coverage counts these).
    unit_id: int | None = Field(default=None, foreign_key="unit.id", unique=True)


class Member(SQLModel, table=True):
    """A science-and-technology worker (科技工作者/会员).

    The resident ID number is never stored: ``id_hash`` (keyed HMAC, for de-duplication) and
    ``id_masked`` (for display) are. ``unit_id`` is the unit that keeps the member's record;
    further affiliations are memberships.
    """

    __tablename__ = "member"

    id: int | None = Field(default=None, primary_key=True)
    member_no: str = Field(max_length=40, unique=True, nullable=False)
    name: str = Field(max_length=100, nullable=False)
    unit_id: int = Field(foreign_key="unit.id", nullable=False, index=True)
    gender: str | None = Field(default=None, max_length=10)
    birth_date: date | None = None
    lunar_birthday: bool = Field(default=False, nullable=False)
    id_hash: str | None = Field(default=None, max_length=64, unique=True)
    id_masked: str | None = Field(default=None, max_length=18)
    phone: str | None = Field(default=None, max_length=20)
    email: str | None = Field(default=None, max_length=200)
    degree: str = Field(default="other", max_length=20, nullable=False)
    title_level: str = Field(default="none", max_length=20, nullable=False)
    field: str | None = Field(default=None, max_length=100)
    employer: str | None = Field(default=None, max_length=200)
    political_status: str | None = Field(default=None, max_length=50)
    expert_level: str = Field(default="none", max_length=20, nullable=False, index=True)
    linyi_native: bool = Field(default=False, nullable=False)
    works_in_linyi: bool = Field(default=False, nullable=False)
    study_status: str = Field(default="none", max_length=20, nullable=False)
    joined_on: date | None = None
    left_on: date | None = None


class Membership(SQLModel, table=True):
    """A member's affiliation with a further unit, with role and dates."""

    __tablename__ = "membership"
    __table_args__ = (
        sa.UniqueConstraint("member_id", "unit_id", name="uq_membership_member_unit"),
        sa.Index("ix_membership_unit", "unit_id", "member_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", nullable=False)
    unit_id: int = Field(foreign_key="unit.id", nullable=False)
    role: str = Field(default="会员", max_length=50, nullable=False)
    joined_on: date | None = None
    left_on: date | None = None


class Honour(SQLModel, table=True):
    """An honour received by a member (clause 4)."""

    __tablename__ = "honour"
    __table_args__ = (
        sa.UniqueConstraint("member_id", "title", "awarded_on", name="uq_honour_member_title"),
    )

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", nullable=False, index=True)
    title: str = Field(max_length=200, nullable=False)
    level: str | None = Field(default=None, max_length=40)
    awarded_on: date | None = None
    awarding_body: str | None = Field(default=None, max_length=200)
    programme: str | None = Field(default=None, max_length=80)


class WorkItem(SQLModel, table=True):
    """One activity (工作事项) of a kind, organised by a unit."""

    __tablename__ = "work_item"
    __table_args__ = (sa.Index("ix_work_item_unit_start", "unit_id", "started_on"),)

    id: int | None = Field(default=None, primary_key=True)
    external_id: str | None = Field(default=None, max_length=80, unique=True)
    kind: str = Field(max_length=60, nullable=False, index=True)
    area: str = Field(max_length=4, nullable=False, index=True)
    unit_id: int = Field(foreign_key="unit.id", nullable=False)
    title: str = Field(max_length=300, nullable=False)
    started_on: date = Field(nullable=False)
    ended_on: date = Field(nullable=False)
    participants: int = Field(default=0, nullable=False)
    hours: float = Field(default=0.0, nullable=False)
    details: dict[str, Any] = _json()
    evidence: list[str] = Field(
        default_factory=list, sa_type=sa.JSON, sa_column_kwargs={"nullable": False}
    )


class WorkItemMember(SQLModel, table=True):
    """Members taking part in, or visited by, a work item."""

    __tablename__ = "work_item_member"
    __table_args__ = (sa.Index("ix_work_item_member_member", "member_id"),)

    work_item_id: int = Field(foreign_key="work_item.id", primary_key=True, ondelete="CASCADE")
    member_id: int = Field(foreign_key="member.id", primary_key=True)
    role: str = Field(default="participant", max_length=40, nullable=False)


class Platform(SQLModel, table=True):
    """A standing platform (阵地/平台) of a unit."""

    __tablename__ = "platform"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True, nullable=False)
    name: str = Field(max_length=200, nullable=False)
    kind: str = Field(max_length=40, nullable=False, index=True)
    unit_id: int = Field(foreign_key="unit.id", nullable=False, index=True)
    established_on: date | None = None
    closed_on: date | None = None
    url: str | None = Field(default=None, max_length=500)
    details: dict[str, Any] = _json()


class Target(SQLModel, table=True):
    """A target for a unit, metric and period; metrics compare against it."""

    __tablename__ = "target"
    __table_args__ = (
        sa.UniqueConstraint("unit_id", "metric", "period", name="uq_target_unit_metric_period"),
    )

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", nullable=False)
    metric: str = Field(max_length=80, nullable=False)
    period: str = Field(max_length=10, nullable=False)
    value: float = Field(nullable=False)


class AuditEntry(SQLModel, table=True):
    """Append-only audit log: who (acting unit), when, what. Triggers refuse UPDATE and DELETE."""

    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_log_at", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True), nullable=False)
    actor: str = Field(max_length=40, nullable=False, index=True)
    action: str = Field(max_length=40, nullable=False)
    entity: str = Field(max_length=40, nullable=False)
    entity_key: str | None = Field(default=None, max_length=200)
    unit_id: int | None = Field(default=None, index=True)
    detail: dict[str, Any] = _json()


class Setting(SQLModel, table=True):
    """Workspace settings (the ID-hash key's fingerprint, configuration)."""

    __tablename__ = "kexie_setting"

    key: str = Field(max_length=80, primary_key=True)
    value: str = Field(nullable=False)


__all__ = [
    "AuditEntry",
    "Honour",
    "Host",
    "Member",
    "Membership",
    "Platform",
    "Setting",
    "Target",
    "Unit",
    "UnitTree",
    "WorkItem",
    "WorkItemMember",
    "metadata",
]


def _table(model: type[SQLModel]) -> sa.Table:
    return model.__table__  # type: ignore[attr-defined]


# Core tables for set-based statements (imports, metrics, tree maintenance).
unit_t = _table(Unit)
tree_t = _table(UnitTree)
host_t = _table(Host)
member_t = _table(Member)
membership_t = _table(Membership)
honour_t = _table(Honour)
work_t = _table(WorkItem)
work_member_t = _table(WorkItemMember)
platform_t = _table(Platform)
target_t = _table(Target)
audit_t = _table(AuditEntry)
setting_t = _table(Setting)
