"""Supervision assignments as records and as read back (督办事项): the input model, the views,
and the set-based queries that read them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

import sqlalchemy as sa
from pydantic import BeforeValidator, Field, ValidationError, field_validator
from sqlalchemy.engine import Connection

from ..model.dates import parse_date
from ..model.errors import InvalidRecord, problems_from_validation
from ..model.records import CodeIn, OptCodeIn, OptDate, Record, split_list
from ..store.tables import tree_t, unit_t
from ..store.tables_workflow import assignment_extension_t, assignment_t, assignment_unit_t


class AssignmentIn(Record):
    """An assignment as issued (督办事项)."""

    title: str = Field(min_length=1, max_length=300)
    goal: str = Field(min_length=1)
    lead: CodeIn
    assist: Annotated[list[CodeIn], BeforeValidator(split_list)] = Field(default_factory=list)
    due_on: Annotated[date, BeforeValidator(parse_date)]
    issued_on: OptDate = None
    issuer: OptCodeIn = None

    @field_validator("assist")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))


@dataclass(frozen=True)
class Assignment:
    """An assignment as read back, with its state on the day asked about."""

    id: int
    title: str
    goal: str
    issuer: str
    lead: str
    lead_name: str
    assist: list[str]
    issued_on: date
    original_due_on: date
    due_on: date
    status: str
    completed_on: date | None
    completion_note: str | None
    delay_count: int
    overdue: bool
    days_overdue: int | None
    completed_late: bool

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass(frozen=True)
class Note:
    id: int
    unit: str
    written_on: date
    text: str


@dataclass(frozen=True)
class Extension:
    id: int
    assignment_id: int
    requested_by: str
    requested_on: date
    until: date
    reason: str
    status: str
    decided_by: str | None
    decided_on: date | None
    decision_note: str | None

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def read_extension(conn: Connection, request_id: int) -> Extension:
    e = assignment_extension_t.c
    requester, decider = unit_t.alias("requester"), unit_t.alias("decider")
    row = conn.execute(
        sa.select(
            e.id,
            e.assignment_id,
            requester.c.code.label("requested_by"),
            e.requested_on,
            e.until,
            e.reason,
            e.status,
            decider.c.code.label("decided_by"),
            e.decided_on,
            e.decision_note,
        )
        .join(requester, requester.c.id == e.requested_by_id)
        .outerjoin(decider, decider.c.id == e.decided_by_id)
        .where(e.id == request_id)
    ).one()
    return Extension(**row._mapping)


def read_assignments(conn: Connection, ids: list[int], today: date) -> list[Assignment]:
    if not ids:
        return []
    a = assignment_t.c
    issuer, lead = unit_t.alias("issuer"), unit_t.alias("lead")
    rows = conn.execute(
        sa.select(
            a.id,
            a.title,
            a.goal,
            issuer.c.code.label("issuer"),
            lead.c.code.label("lead"),
            lead.c.name.label("lead_name"),
            a.issued_on,
            a.original_due_on,
            a.due_on,
            a.status,
            a.completed_on,
            a.completion_note,
            a.delay_count,
        )
        .join(issuer, issuer.c.id == a.issuer_id)
        .join(lead, lead.c.id == a.lead_id)
        .where(a.id.in_(ids))
    ).all()
    assist: dict[int, list[str]] = {}
    for assignment_id, code in conn.execute(
        sa.select(assignment_unit_t.c.assignment_id, unit_t.c.code)
        .join(unit_t, unit_t.c.id == assignment_unit_t.c.unit_id)
        .where(assignment_unit_t.c.assignment_id.in_(ids), assignment_unit_t.c.role == "assist")
        .order_by(unit_t.c.code)
    ):
        assist.setdefault(assignment_id, []).append(code)
    by_id = {row.id: _assignment(row, assist.get(row.id, []), today) for row in rows}
    return [by_id[i] for i in ids]


def involving(top: int) -> sa.ColumnElement[bool]:
    """The assignment's issuer or one of its assigned units lies in ``top``'s subtree."""
    a = assignment_t.c
    scope = sa.select(tree_t.c.descendant_id).where(tree_t.c.ancestor_id == top)
    assigned = sa.exists(
        sa.select(assignment_unit_t.c.unit_id).where(
            assignment_unit_t.c.assignment_id == a.id,
            assignment_unit_t.c.unit_id.in_(scope),
        )
    )
    return sa.or_(a.issuer_id.in_(scope), assigned)


def _assignment(row: Any, assist: list[str], today: date) -> Assignment:
    overdue = row.status == "open" and row.due_on < today
    return Assignment(
        **row._mapping,
        assist=assist,
        overdue=overdue,
        days_overdue=(today - row.due_on).days if overdue else None,
        completed_late=bool(row.completed_on and row.completed_on > row.due_on),
    )


def coerce(record: AssignmentIn | dict[str, Any]) -> AssignmentIn:
    if isinstance(record, AssignmentIn):
        return record
    try:
        return AssignmentIn.model_validate(dict(record))
    except ValidationError as exc:
        raise InvalidRecord(problems_from_validation(exc), what="assignment") from None
