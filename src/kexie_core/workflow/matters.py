"""Important-matter reports (重要情况报告): what happened, when, how urgent, who received it.

A unit reports a matter to a unit above it (by default its parent); that unit acknowledges it
(签收). Reported within the configured number of days of happening, by urgency, counts as timely
(及时报告); the judgement is made once, when the matter is reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

import sqlalchemy as sa
from pydantic import BeforeValidator, Field, ValidationError

from ..model.dates import parse_date
from ..model.enums import LabelledEnum, set_labels
from ..model.errors import InvalidRecord, Problem, problems_from_validation
from ..model.period import Period
from ..model.records import OptCodeIn, OptDate, Record
from ..store import audit
from ..store.engine import insert_id
from ..store.scope import NotFound, ScopeError, can_see
from ..store.tables import unit_t
from ..store.tables_workflow import matter_t
from ._common import (
    SessionTool,
    WorkflowError,
    as_period,
    in_subtree,
    is_strict_ancestor,
    rollup_rows,
    today_or,
    unit_by_code,
    visible_unit,
)
from .config import load_config


class Urgency(LabelledEnum):
    """How urgent an important matter is (紧急程度)."""

    NORMAL = "normal"
    URGENT = "urgent"
    CRITICAL = "critical"


set_labels(
    Urgency,
    {"normal": ("一般", "normal"), "urgent": ("紧急", "urgent"), "critical": ("特急", "critical")},
    {"": "normal", "加急": "urgent", "特别紧急": "critical"},
)


def _links(value: Any) -> Any:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.replace("；", ";").split(";") if part.strip()]
    return value


class MatterIn(Record):
    """An important matter as reported (重要情况报告)."""

    title: str = Field(min_length=1, max_length=200)
    text: str = Field(min_length=1)
    occurred_on: Annotated[date, BeforeValidator(parse_date)]
    urgency: Annotated[Urgency, BeforeValidator(lambda v: Urgency.parse("" if v is None else v))]
    reported_on: OptDate = None
    receiver: OptCodeIn = None
    attachments: Annotated[list[str], BeforeValidator(_links)] = Field(default_factory=list)


@dataclass(frozen=True)
class Matter:
    """An important-matter report as read back."""

    id: int
    unit: str
    unit_name: str
    receiver: str
    title: str
    text: str
    urgency: str
    occurred_on: date
    reported_on: date
    timely: bool
    attachments: list[str]
    acknowledged_on: date | None
    acknowledged_by: str | None
    ack_note: str | None
    created_at: datetime

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


COUNTS = ("matters", "timely", "late", "acknowledged", "unacknowledged", "urgent", "critical")


def _query() -> sa.Select[Any]:
    owner, receiver, acker = unit_t.alias("owner"), unit_t.alias("receiver"), unit_t.alias("acker")
    m = matter_t.c
    return (
        sa.select(
            m.id,
            owner.c.code.label("unit"),
            owner.c.name.label("unit_name"),
            receiver.c.code.label("receiver"),
            m.title,
            m.text,
            m.urgency,
            m.occurred_on,
            m.reported_on,
            m.timely,
            m.attachments,
            m.acknowledged_on,
            acker.c.code.label("acknowledged_by"),
            m.ack_note,
            m.created_at,
        )
        .select_from(matter_t)
        .join(owner, owner.c.id == m.unit_id)
        .join(receiver, receiver.c.id == m.receiver_id)
        .outerjoin(acker, acker.c.id == m.acknowledged_by_id)
    )


class Matters(SessionTool):
    """Important matters the actor reports, receives and counts."""

    def report(self, record: MatterIn | dict[str, Any], *, today: date | None = None) -> Matter:
        """Report a matter as the actor's own unit; ``reported_on`` defaults to ``today``."""
        matter = _coerce(record)
        self._plugin_rules("important_matter", matter)
        reported_on = matter.reported_on or today_or(today)
        if matter.occurred_on > reported_on:
            raise InvalidRecord(
                [Problem("occurred_on", "the matter cannot happen after it is reported")],
                what="important matter",
            )
        with self._write() as conn:
            owner = visible_unit(conn, self.actor, self.actor.code)
            if matter.receiver is None:
                if owner.parent_id is None:
                    raise InvalidRecord(
                        [Problem("receiver", f"{owner} is the root: it has no one to report to")],
                        what="important matter",
                    )
                receiver_id = owner.parent_id
            else:
                receiver = unit_by_code(conn, matter.receiver, "receiver")
                if not is_strict_ancestor(conn, receiver.id, owner.id):
                    raise InvalidRecord(
                        [Problem("receiver", f"{receiver} is not above {owner} in the tree")],
                        what="important matter",
                    )
                receiver_id = receiver.id
            limit = load_config(conn).timely_days(matter.urgency.value)
            timely = (reported_on - matter.occurred_on).days <= limit
            values = {
                "unit_id": owner.id,
                "receiver_id": receiver_id,
                "title": matter.title,
                "text": matter.text,
                "urgency": matter.urgency.value,
                "occurred_on": matter.occurred_on,
                "reported_on": reported_on,
                "timely": timely,
                "attachments": matter.attachments,
            }
            matter_id = insert_id(conn, matter_t.insert().values(**values))
            audit.record(
                conn,
                self.actor,
                "create",
                "important_matter",
                str(matter_id),
                unit_id=owner.id,
                detail={k: v for k, v in values.items() if k != "text"},
            )
            return self._one(conn, matter_id)

    def acknowledge(
        self, matter_id: int, *, note: str | None = None, today: date | None = None
    ) -> Matter:
        """Acknowledge receipt (签收) as the receiving unit."""
        with self._write() as conn:
            row = conn.execute(
                sa.select(
                    matter_t.c.receiver_id, matter_t.c.unit_id, matter_t.c.acknowledged_on
                ).where(matter_t.c.id == matter_id)
            ).first()
            if row is None or not self._visible(conn, row.unit_id, row.receiver_id):
                raise NotFound(f"important matter {matter_id} does not exist")
            if row.receiver_id != self.actor.unit_id:
                receiver = conn.execute(
                    sa.select(unit_t.c.code).where(unit_t.c.id == row.receiver_id)
                ).scalar()
                raise ScopeError(
                    f"{self.actor} may not acknowledge important matter {matter_id}: it was "
                    f"reported to {receiver}"
                )
            if row.acknowledged_on is not None:
                raise WorkflowError(
                    f"important matter {matter_id} was acknowledged on {row.acknowledged_on}"
                )
            on = today_or(today)
            conn.execute(
                matter_t.update()
                .where(matter_t.c.id == matter_id)
                .values(acknowledged_on=on, acknowledged_by_id=self.actor.unit_id, ack_note=note)
            )
            audit.record(
                conn,
                self.actor,
                "acknowledge",
                "important_matter",
                str(matter_id),
                unit_id=row.unit_id,
                detail={"on": on, "note": note},
            )
            return self._one(conn, matter_id)

    def get(self, matter_id: int) -> Matter:
        with self._read() as conn:
            row = conn.execute(
                sa.select(matter_t.c.unit_id, matter_t.c.receiver_id).where(
                    matter_t.c.id == matter_id
                )
            ).first()
            if row is None or not self._visible(conn, row.unit_id, row.receiver_id):
                raise NotFound(f"important matter {matter_id} does not exist")
            return self._one(conn, matter_id)

    def find(
        self,
        *,
        period: Period | str | None = None,
        unit: str | None = None,
        unacknowledged: bool = False,
        urgency: str | None = None,
    ) -> list[Matter]:
        """Matters reported by or to units in the actor's subtree (or ``unit``'s), newest first."""
        m = matter_t.c
        with self._read() as conn:
            top = self._top(conn, unit)
            query = _query().where(
                sa.or_(in_subtree(top.id, m.unit_id), in_subtree(top.id, m.receiver_id))
            )
            if period is not None:
                p = as_period(period)
                query = query.where(m.reported_on >= p.start, m.reported_on <= p.end)
            if unacknowledged:
                query = query.where(m.acknowledged_on.is_(None))
            if urgency is not None:
                query = query.where(m.urgency == Urgency.parse(urgency).value)
            query = query.order_by(m.reported_on.desc(), m.id.desc())
            return [Matter(**row._mapping) for row in conn.execute(query)]

    def counts(
        self, period: Period | str, *, unit: str | None = None, depth: int | None = 1
    ) -> list[dict[str, Any]]:
        """Matters reported in the period by each unit's subtree: total, timely, late,
        acknowledged, unacknowledged, urgent, critical (统计)."""
        p = as_period(period)
        with self._read() as conn:
            top = self._top(conn, unit)
            rows = rollup_rows(conn, own_counts(p).subquery("own"), COUNTS, top.id, depth)
        return sorted(
            [{k: (int(v) if k in COUNTS else v) for k, v in row.items()} for row in rows],
            key=lambda r: (r["depth"], -r["late"], r["code"]),
        )

    def _visible(self, conn: Any, unit_id: int, receiver_id: int) -> bool:
        """A matter is seen by the reporting side and the receiving side (and those above)."""
        return can_see(conn, self.actor, unit_id) or can_see(conn, self.actor, receiver_id)

    def _one(self, conn: Any, matter_id: int) -> Matter:
        return Matter(**conn.execute(_query().where(matter_t.c.id == matter_id)).one()._mapping)


def own_counts(period: Period) -> sa.Select[Any]:
    """Per reporting unit, counts of matters reported in ``period`` (one row per matter)."""
    m = matter_t.c

    def flag(condition: Any) -> Any:
        return sa.case((condition, 1), else_=0)

    return sa.select(
        m.unit_id,
        sa.literal(1).label("matters"),
        flag(m.timely).label("timely"),
        flag(~m.timely).label("late"),
        flag(m.acknowledged_on.is_not(None)).label("acknowledged"),
        flag(m.acknowledged_on.is_(None)).label("unacknowledged"),
        flag(m.urgency == "urgent").label("urgent"),
        flag(m.urgency == "critical").label("critical"),
    ).where(m.reported_on >= period.start, m.reported_on <= period.end)


def _coerce(record: MatterIn | dict[str, Any]) -> MatterIn:
    if isinstance(record, MatterIn):
        return record
    try:
        return MatterIn.model_validate(dict(record))
    except ValidationError as exc:
        raise InvalidRecord(problems_from_validation(exc), what="important matter") from None


__all__ = ["Matter", "MatterIn", "Matters", "Urgency", "own_counts"]
