"""``export_records``: the records an actor may see, as a stream for a writer (导出).

A ``RecordSet`` is the payload record exporters receive (``Exporter.write``): the kind, its
columns, and rows of typed values keyed by field name — the same fields the importer reads, so an
export read back in restores the same records. Rows are streamed from the database
(``yield_per``), never gathered in memory.

Personal numbers: the database holds no full ID number (only a keyed hash and a masked form), so
ID numbers are only ever exported masked. Phone numbers are masked unless ``include_personal``,
which only the root unit may ask for and which is written to the audit log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..model.identifiers import mask_phone
from ..store import audit
from ..store.scope import ScopeError
from ..store.tables import (
    host_t,
    member_t,
    membership_t,
    platform_t,
    target_t,
    tree_t,
    unit_t,
    work_member_t,
    work_t,
)
from . import bulk
from .columns import ColumnSpec, ColumnType
from .readers import columns_of

if TYPE_CHECKING:
    from ..workspace import ActorSession

_STREAM = 2_000


@dataclass
class RecordSet:
    """Records of one kind for a writer: ``columns`` and an iterator of ``{field: value}``.

    Values are typed and language-neutral: enum keys (``county``), ``date``, ``bool``, numbers,
    lists (``member_nos``) and dicts (``details``); writers turn them into labels for ``lang``.
    """

    kind: str
    columns: tuple[ColumnSpec, ...]
    unit: str
    include_personal: bool
    _rows: Callable[[], Iterator[dict[str, Any]]]
    sheet_zh: str = ""
    #: field → {key: Chinese label} for values outside a closed vocabulary (work kinds).
    labels: dict[str, dict[str, str]] = field(default_factory=dict)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return self._rows()

    def headers(self, lang: str = "zh") -> list[str]:
        return [c.header(lang) for c in self.columns]

    def sheet_name(self, lang: str = "zh") -> str:
        return self.sheet_zh if lang == "zh" and self.sheet_zh else self.kind


def export_records(
    session: ActorSession,
    kind: str,
    *,
    unit: str | None = None,
    include_personal: bool = False,
) -> RecordSet:
    """The records of ``kind`` kept by units in the actor's subtree (or under ``unit``).

    :param include_personal: phone numbers unmasked; only the root unit may, and the request is
        audited. ID numbers stay masked whatever this says: the full number is never stored.
    :raises ScopeError: ``unit`` lies outside the actor's subtree, or ``include_personal`` is
        asked for by any actor but the root.
    """
    spec = columns_of(kind)
    actor = session.actor
    with session.workspace.engine.begin() as conn:
        top_id, top_code = _top(conn, session, unit)
        if include_personal:
            if not actor.is_root:
                raise ScopeError(
                    f"only the root unit may export unmasked personal numbers; {actor} may not"
                )
            audit.record(
                conn,
                actor,
                "export_personal",
                spec.entity,
                kind,
                unit_id=top_id,
                detail={"kind": kind, "unit": top_code, "fields": _personal(spec.columns)},
            )
    query, post = _QUERIES[kind](top_id)
    mask = not include_personal
    personal = [c.name for c in spec.columns if c.type is ColumnType.PHONE]
    workspace = session.workspace

    def rows() -> Iterator[dict[str, Any]]:
        with workspace.read() as conn:
            result = conn.execution_options(yield_per=_STREAM).execute(query)
            for chunk in result.mappings().partitions():
                records = [dict(r) for r in chunk]
                if post is not None:
                    post(conn, records)
                for record in records:
                    if mask:
                        for name in personal:
                            if record.get(name):
                                record[name] = mask_phone(record[name])
                    yield {c.name: record.get(c.name) for c in spec.columns}

    labels = {"kind": _work_kind_labels(session)} if kind == "work-items" else {}
    return RecordSet(kind, spec.columns, top_code, include_personal, rows, spec.zh_name, labels)


def _work_kind_labels(session: ActorSession) -> dict[str, str]:
    """Work kind key → Chinese label, for labels that name one kind only (so they read back)."""
    kinds = list(session.plugins.work_kinds())
    counts: dict[str, int] = {}
    for kind in kinds:
        counts[kind.label_zh] = counts.get(kind.label_zh, 0) + 1
    return {k.key: k.label_zh for k in kinds if counts[k.label_zh] == 1}


def _personal(columns: tuple[ColumnSpec, ...]) -> list[str]:
    return [c.name for c in columns if c.personal]


def _top(conn: Connection, session: ActorSession, unit: str | None) -> tuple[int, str]:
    actor = session.actor
    if unit is None:
        return actor.unit_id, actor.code
    from ..store.scope import NotFound, require_in_scope

    unit_id = conn.execute(sa.select(unit_t.c.id).where(unit_t.c.code == unit)).scalar()
    if unit_id is None:
        raise NotFound(f"unit {unit!r} does not exist")
    require_in_scope(conn, actor, unit_id)
    return int(unit_id), unit


def _under(column: sa.ColumnElement[Any], top: int) -> sa.ColumnElement[bool]:
    return column.in_(
        sa.select(tree_t.c.descendant_id).where(tree_t.c.ancestor_id == top).scalar_subquery()
    )


Post = Callable[[Connection, list[dict[str, Any]]], None] | None


def _units(top: int) -> tuple[sa.Select[Any], Post]:
    parent = unit_t.alias("parent")
    query = (
        sa.select(
            unit_t.c.code,
            unit_t.c.name,
            unit_t.c.kind,
            parent.c.code.label("parent"),
            unit_t.c.division_code,
            host_t.c.uscc.label("host_uscc"),
            unit_t.c.status,
            unit_t.c.founded_on,
            unit_t.c.dissolved_on,
            unit_t.c.term_ends_on,
            unit_t.c.contact_name,
            unit_t.c.contact_phone,
        )
        .select_from(unit_t)
        .join(tree_t, sa.and_(tree_t.c.descendant_id == unit_t.c.id, tree_t.c.ancestor_id == top))
        .outerjoin(parent, parent.c.id == unit_t.c.parent_id)
        .outerjoin(host_t, host_t.c.unit_id == unit_t.c.id)
        .order_by(tree_t.c.depth, unit_t.c.code)
    )
    return query, None


def _hosts(top: int) -> tuple[sa.Select[Any], Post]:
    query = (
        sa.select(
            host_t.c.name,
            host_t.c.uscc,
            host_t.c.category,
            unit_t.c.code.label("territory"),
            host_t.c.science_type,
        )
        .join(unit_t, unit_t.c.id == host_t.c.territory_id)
        .where(_under(host_t.c.territory_id, top))
        .order_by(unit_t.c.code, host_t.c.name)
    )
    return query, None


def _members(top: int) -> tuple[sa.Select[Any], Post]:
    m = member_t.c
    query = (
        sa.select(
            m.member_no,
            m.name,
            unit_t.c.code.label("unit"),
            m.id_masked.label("id_number"),
            m.gender,
            m.birth_date,
            m.lunar_birthday,
            m.phone,
            m.email,
            m.degree,
            m.title_level,
            m.field,
            m.employer,
            m.political_status,
            m.expert_level,
            m.linyi_native,
            m.works_in_linyi,
            m.study_status,
            m.joined_on,
            m.left_on,
        )
        .join(unit_t, unit_t.c.id == m.unit_id)
        .where(_under(m.unit_id, top))
        .order_by(m.member_no)
    )
    return query, None


def _memberships(top: int) -> tuple[sa.Select[Any], Post]:
    query = (
        sa.select(
            member_t.c.member_no,
            unit_t.c.code.label("unit"),
            membership_t.c.role,
            membership_t.c.joined_on,
            membership_t.c.left_on,
        )
        .join(member_t, member_t.c.id == membership_t.c.member_id)
        .join(unit_t, unit_t.c.id == membership_t.c.unit_id)
        .where(_under(membership_t.c.unit_id, top))
        .order_by(member_t.c.member_no, unit_t.c.code)
    )
    return query, None


def _participants(conn: Connection, records: list[dict[str, Any]]) -> None:
    """Fill ``member_nos`` for a chunk of work items: one query per chunk."""
    by_id = {r.pop("id"): r for r in records}
    for record in records:
        record["member_nos"] = []
    for chunk in bulk.chunks(list(by_id)):
        for item_id, member_no in conn.execute(
            sa.select(work_member_t.c.work_item_id, member_t.c.member_no)
            .join(member_t, member_t.c.id == work_member_t.c.member_id)
            .where(bulk.one_of(conn, work_member_t.c.work_item_id, chunk))
            .order_by(member_t.c.member_no)
        ):
            by_id[item_id]["member_nos"].append(member_no)


def _work_items(top: int) -> tuple[sa.Select[Any], Post]:
    w = work_t.c
    query = (
        sa.select(
            w.id,
            w.external_id,
            w.kind,
            w.area,
            unit_t.c.code.label("unit"),
            w.title,
            w.started_on,
            w.ended_on,
            w.participants,
            w.hours,
            w.details,
            w.evidence,
        )
        .join(unit_t, unit_t.c.id == w.unit_id)
        .where(_under(w.unit_id, top))
        .order_by(w.started_on, w.id)
    )
    return query, _participants


def _platforms(top: int) -> tuple[sa.Select[Any], Post]:
    p = platform_t.c
    query = (
        sa.select(
            p.code,
            p.name,
            p.kind,
            unit_t.c.code.label("unit"),
            p.established_on,
            p.closed_on,
            p.url,
            p.details,
        )
        .join(unit_t, unit_t.c.id == p.unit_id)
        .where(_under(p.unit_id, top))
        .order_by(p.code)
    )
    return query, None


def _targets(top: int) -> tuple[sa.Select[Any], Post]:
    t = target_t.c
    query = (
        sa.select(unit_t.c.code.label("unit"), t.metric, t.period, t.value)
        .join(unit_t, unit_t.c.id == t.unit_id)
        .where(_under(t.unit_id, top))
        .order_by(unit_t.c.code, t.metric, t.period)
    )
    return query, None


_QUERIES: dict[str, Callable[[int], tuple[sa.Select[Any], Post]]] = {
    "units": _units,
    "hosts": _hosts,
    "members": _members,
    "memberships": _memberships,
    "work-items": _work_items,
    "platforms": _platforms,
    "targets": _targets,
}
