"""Suggestions of S&T workers (《科技工作者建议》): submitted → forwarded → adopted / answered /
closed.

A unit (or one above it) records a suggestion written by members; the association forwards it to
the Party committee or government body concerned (转送), which adopts it (采纳), answers it (答复),
or it is closed without either (办结). Counted by status, per unit and rolled up the tree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

import sqlalchemy as sa
from pydantic import BeforeValidator, Field, ValidationError
from sqlalchemy.engine import Connection

from ..model.enums import LabelledEnum, set_labels
from ..model.errors import InvalidRecord, Problem, problems_from_validation
from ..model.period import Period
from ..model.records import OptCodeIn, OptDate, Record, split_list
from ..store import audit
from ..store.engine import insert_id
from ..store.scope import NotFound, can_see
from ..store.tables import member_t, membership_t, unit_t
from ..store.tables_workflow import suggestion_author_t, suggestion_t
from ._common import (
    SessionTool,
    WorkflowError,
    as_period,
    in_subtree,
    required_text,
    rollup_rows,
    today_or,
    visible_unit,
)


class SuggestionStatus(LabelledEnum):
    """Where a suggestion stands (建议办理状态)."""

    SUBMITTED = "submitted"
    FORWARDED = "forwarded"
    ADOPTED = "adopted"
    ANSWERED = "answered"
    CLOSED = "closed"


set_labels(
    SuggestionStatus,
    {
        "submitted": ("已报送", "submitted"),
        "forwarded": ("已转送", "forwarded"),
        "adopted": ("已采纳", "adopted"),
        "answered": ("已答复", "answered"),
        "closed": ("已办结", "closed"),
    },
)

#: action → (statuses it starts from, status it leads to)
STEPS: dict[str, tuple[frozenset[str], str]] = {
    "forward": (frozenset({"submitted"}), "forwarded"),
    "adopt": (frozenset({"forwarded"}), "adopted"),
    "answer": (frozenset({"forwarded"}), "answered"),
    "close": (frozenset({"submitted", "forwarded"}), "closed"),
}
COUNTS = ("total", *(s.value for s in SuggestionStatus))


class SuggestionIn(Record):
    """A suggestion as recorded: title, text, the members who wrote it, the unit it came through."""

    title: str = Field(min_length=1, max_length=300)
    text: str = Field(min_length=1)
    authors: Annotated[list[str], BeforeValidator(split_list)] = Field(min_length=1)
    unit: OptCodeIn = None
    submitted_on: OptDate = None


@dataclass(frozen=True)
class Suggestion:
    """A suggestion as read back; ``authors`` are ``member_no 姓名`` strings."""

    id: int
    unit: str
    unit_name: str
    title: str
    text: str
    status: str
    authors: list[str]
    submitted_on: date
    forwarded_on: date | None
    forwarded_to: str | None
    concluded_on: date | None
    outcome_note: str | None

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def own_counts(period: Period | None) -> sa.Select[Any]:
    """One row per suggestion (submitted in ``period``, or ever): its unit and 0/1 per status."""
    s = suggestion_t.c
    query = sa.select(
        s.unit_id,
        sa.literal(1).label("total"),
        *(sa.case((s.status == st.value, 1), else_=0).label(st.value) for st in SuggestionStatus),
    )
    if period is not None:
        query = query.where(s.submitted_on >= period.start, s.submitted_on <= period.end)
    return query


class Suggestions(SessionTool):
    """Suggestions recorded by units in the actor's subtree, and what became of them."""

    def submit(
        self, record: SuggestionIn | dict[str, Any], *, today: date | None = None
    ) -> Suggestion:
        """Record a suggestion (default unit: the actor); authors are member numbers."""
        item = _coerce(record)
        self._plugin_rules("suggestion", item)
        with self._write() as conn:
            owner = visible_unit(conn, self.actor, item.unit or self.actor.code)
            authors = self._authors(conn, item.authors)
            values = {
                "unit_id": owner.id,
                "title": item.title,
                "text": item.text,
                "status": "submitted",
                "submitted_on": item.submitted_on or today_or(today),
            }
            suggestion_id = insert_id(conn, suggestion_t.insert().values(**values))
            conn.execute(
                suggestion_author_t.insert(),
                [{"suggestion_id": suggestion_id, "member_id": m} for m in authors],
            )
            audit.record(
                conn,
                self.actor,
                "create",
                "suggestion",
                str(suggestion_id),
                unit_id=owner.id,
                detail={"title": item.title, "authors": item.authors},
            )
            return self._one(conn, suggestion_id)

    def forward(
        self, suggestion_id: int, to: str, *, note: str | None = None, today: date | None = None
    ) -> Suggestion:
        """Forward to a Party committee or government body (转送), named in ``to``."""
        target = required_text(to, "forwarded_to", "suggestion")
        on = today_or(today)
        return self._step(
            "forward", suggestion_id, {"forwarded_on": on, "forwarded_to": target}, note
        )

    def adopt(
        self, suggestion_id: int, *, note: str | None = None, today: date | None = None
    ) -> Suggestion:
        """The body it went to adopted it (采纳)."""
        return self._step("adopt", suggestion_id, {"concluded_on": today_or(today)}, note)

    def answer(
        self, suggestion_id: int, *, note: str | None = None, today: date | None = None
    ) -> Suggestion:
        """The body it went to answered it (答复)."""
        return self._step("answer", suggestion_id, {"concluded_on": today_or(today)}, note)

    def close(
        self, suggestion_id: int, *, note: str | None = None, today: date | None = None
    ) -> Suggestion:
        """Close it without adoption or answer (办结)."""
        return self._step("close", suggestion_id, {"concluded_on": today_or(today)}, note)

    def get(self, suggestion_id: int) -> Suggestion:
        with self._read() as conn:
            self._unit_of(conn, suggestion_id)
            return self._one(conn, suggestion_id)

    def find(
        self,
        *,
        status: str | None = None,
        unit: str | None = None,
        period: Period | str | None = None,
    ) -> list[Suggestion]:
        """Suggestions of units in the actor's subtree (or ``unit``'s), newest first."""
        s = suggestion_t.c
        with self._read() as conn:
            top = self._top(conn, unit)
            query = sa.select(s.id).where(in_subtree(top.id, s.unit_id))
            if status is not None:
                query = query.where(s.status == SuggestionStatus.parse(status).value)
            if period is not None:
                p = as_period(period)
                query = query.where(s.submitted_on >= p.start, s.submitted_on <= p.end)
            ids = list(conn.scalars(query.order_by(s.submitted_on.desc(), s.id.desc())))
            return self._many(conn, ids)

    def counts(
        self,
        *,
        period: Period | str | None = None,
        unit: str | None = None,
        depth: int | None = 1,
    ) -> list[dict[str, Any]]:
        """Suggestions by status for each unit's subtree (统计), submitted in ``period`` or ever."""
        p = as_period(period) if period is not None else None
        with self._read() as conn:
            top = self._top(conn, unit)
            rows = rollup_rows(conn, own_counts(p).subquery("own"), COUNTS, top.id, depth)
        return sorted(
            [{k: (int(v) if k in COUNTS else v) for k, v in row.items()} for row in rows],
            key=lambda r: (r["depth"], -r["total"], r["code"]),
        )

    # -- machinery ----------------------------------------------------------------------------
    def _authors(self, conn: Connection, member_nos: Sequence[str]) -> list[int]:
        """Ids of the authors, who must be members kept or affiliated in the actor's subtree."""
        wanted = list(dict.fromkeys(member_nos))
        scope = sa.select(unit_t.c.id).where(in_subtree(self.actor.unit_id, unit_t.c.id))
        m = member_t.c
        affiliated = sa.exists(
            sa.select(membership_t.c.id).where(
                membership_t.c.member_id == m.id, membership_t.c.unit_id.in_(scope)
            )
        )
        rows = conn.execute(
            sa.select(m.id, m.member_no).where(
                m.member_no.in_(wanted), sa.or_(m.unit_id.in_(scope), affiliated)
            )
        ).all()
        found = {row.member_no: row.id for row in rows}
        missing = [no for no in wanted if no not in found]
        if missing:
            raise InvalidRecord(
                [
                    Problem(
                        "authors",
                        f"no member {', '.join(missing)} in {self.actor.code}'s subtree",
                    )
                ],
                what="suggestion",
            )
        return [found[no] for no in wanted]

    def _unit_of(self, conn: Connection, suggestion_id: int) -> int:
        unit_id = conn.execute(
            sa.select(suggestion_t.c.unit_id).where(suggestion_t.c.id == suggestion_id)
        ).scalar()
        if unit_id is None or not can_see(conn, self.actor, unit_id):
            raise NotFound(f"suggestion {suggestion_id} does not exist")
        return int(unit_id)

    def _step(
        self, action: str, suggestion_id: int, values: dict[str, Any], note: str | None
    ) -> Suggestion:
        sources, target = STEPS[action]
        with self._write() as conn:
            unit_id = self._unit_of(conn, suggestion_id)
            status = conn.execute(
                sa.select(suggestion_t.c.status).where(suggestion_t.c.id == suggestion_id)
            ).scalar_one()
            if status not in sources:
                raise WorkflowError(
                    f"suggestion {suggestion_id} is {status} "
                    f"({SuggestionStatus(status).label_zh}): it cannot be {target} now"
                )
            if note is not None:
                values = {**values, "outcome_note": note}
            updated = conn.execute(
                suggestion_t.update()
                .where(suggestion_t.c.id == suggestion_id, suggestion_t.c.status == status)
                .values(status=target, **values)
            )
            if updated.rowcount != 1:
                raise WorkflowError(f"suggestion {suggestion_id} changed meanwhile; try again")
            audit.record(
                conn,
                self.actor,
                action,
                "suggestion",
                str(suggestion_id),
                unit_id=unit_id,
                detail={"from": status, "to": target, **values},
            )
            return self._one(conn, suggestion_id)

    def _one(self, conn: Connection, suggestion_id: int) -> Suggestion:
        return self._many(conn, [suggestion_id])[0]

    def _many(self, conn: Connection, ids: list[int]) -> list[Suggestion]:
        if not ids:
            return []
        s = suggestion_t.c
        rows = conn.execute(
            sa.select(
                s.id,
                unit_t.c.code.label("unit"),
                unit_t.c.name.label("unit_name"),
                s.title,
                s.text,
                s.status,
                s.submitted_on,
                s.forwarded_on,
                s.forwarded_to,
                s.concluded_on,
                s.outcome_note,
            )
            .join(unit_t, unit_t.c.id == s.unit_id)
            .where(s.id.in_(ids))
        ).all()
        authors: dict[int, list[str]] = {}
        for sid, member_no, name in conn.execute(
            sa.select(suggestion_author_t.c.suggestion_id, member_t.c.member_no, member_t.c.name)
            .join(member_t, member_t.c.id == suggestion_author_t.c.member_id)
            .where(suggestion_author_t.c.suggestion_id.in_(ids))
            .order_by(member_t.c.member_no)
        ):
            authors.setdefault(sid, []).append(f"{member_no} {name}")
        by_id = {
            row.id: Suggestion(**row._mapping, authors=authors.get(row.id, [])) for row in rows
        }
        return [by_id[i] for i in ids]


def _coerce(record: SuggestionIn | dict[str, Any]) -> SuggestionIn:
    if isinstance(record, SuggestionIn):
        return record
    try:
        return SuggestionIn.model_validate(dict(record))
    except ValidationError as exc:
        raise InvalidRecord(problems_from_validation(exc), what="suggestion") from None
