"""The append-only audit log: who (acting unit), when, what.

The database refuses UPDATE and DELETE on ``audit_log`` (triggers in the first migration). What
goes into ``detail`` passes through ``sanitize`` first so that no ID or phone number is logged.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..model.identifiers import mask_phone, mask_resident_id
from .scope import Actor
from .tables import audit_t, utcnow

_MASKERS = {"id_number": mask_resident_id, "phone": mask_phone, "contact_phone": mask_phone}
_DROP = {"id_hash"}


def sanitize(detail: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON-safe copy of ``detail`` with personal numbers masked and hashes dropped."""
    clean: dict[str, Any] = {}
    for key, value in detail.items():
        if key in _DROP:
            continue
        if key in _MASKERS and isinstance(value, str) and value:
            clean[key] = _MASKERS[key](value)
        elif isinstance(value, Mapping):
            clean[key] = sanitize(value)
        elif isinstance(value, date | datetime):
            clean[key] = value.isoformat()
        elif isinstance(value, list | tuple):
            clean[key] = [sanitize(v) if isinstance(v, Mapping) else _plain(v) for v in value]
        else:
            clean[key] = _plain(value)
    return clean


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def record(
    conn: Connection,
    actor: Actor | str,
    action: str,
    entity: str,
    key: str | None = None,
    *,
    unit_id: int | None = None,
    detail: Mapping[str, Any] | None = None,
) -> None:
    """Append one audit entry in the caller's transaction (so it commits with the change)."""
    conn.execute(
        audit_t.insert().values(
            at=utcnow(),
            actor=actor.code if isinstance(actor, Actor) else actor,
            action=action,
            entity=entity,
            entity_key=key,
            unit_id=unit_id,
            detail=sanitize(detail or {}),
        )
    )


def entries(
    conn: Connection,
    *,
    unit_ids: sa.Select[tuple[int]] | None = None,
    since: datetime | None = None,
    limit: int = 1000,
) -> list[dict[str, Any]]:
    query = sa.select(audit_t).order_by(audit_t.c.id.desc()).limit(limit)
    if unit_ids is not None:
        query = query.where(audit_t.c.unit_id.in_(unit_ids.scalar_subquery()))
    if since is not None:
        query = query.where(audit_t.c.at >= since)
    return [dict(row._mapping) for row in conn.execute(query)]
