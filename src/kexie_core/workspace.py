"""The workspace: one database, its plug-ins, and actors that read and write within their scope.

>>> ws = Workspace.open("sqlite:///kexie.db")
>>> ws.init()
>>> yishui = ws.as_unit("371323")          # 沂水县科协 sees only its own subtree
>>> yishui.add_work_item({"kind": "training", "unit": "371323", "title": "科技人员培训班",
...                       "started_on": "2026-07-01", "participants": 80})
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ValidationError
from sqlalchemy.engine import Connection, Engine

from .model.errors import InvalidRecord, Problem, problems_from_validation
from .model.identifiers import hash_identifier, mask_resident_id
from .model.records import (
    HonourIn,
    HostIn,
    MemberIn,
    MembershipIn,
    PlatformIn,
    Record,
    TargetIn,
    UnitIn,
    WorkItemIn,
)
from .plugin.host import PluginHost, load_plugins
from .store import audit, keys, migrate, report_lock, tree
from .store.engine import create_engine, insert_id, redact_url, resolve_url, sqlite_file
from .store.scope import Actor, NotFound, ScopeError, actor_for, require_in_scope
from .store.tables import (
    Member,
    Unit,
    WorkItem,
    honour_t,
    host_t,
    member_t,
    membership_t,
    platform_t,
    setting_t,
    target_t,
    tree_t,
    unit_t,
    work_member_t,
    work_t,
)

KEY_FINGERPRINT = "id_hash_key_fingerprint"


class SchemaError(RuntimeError):
    """The database is missing or not at this version's schema: run ``kexie init``."""


class Workspace:
    """One kexie database with its plug-ins.

    :param url: SQLAlchemy URL, or the path of a SQLite file; default ``KEXIE_DATABASE_URL`` or
        ``sqlite:///kexie.db``.
    :param plugins: a plug-in host; default: built-ins plus installed entry points.
    :param secret_key: the key for hashing ID numbers; default from configuration
        (``kexie_core.store.keys``).
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        engine: Engine | None = None,
        plugins: PluginHost | None = None,
        secret_key: bytes | str | None = None,
    ) -> None:
        self.url = resolve_url(url) if engine is None else str(engine.url)
        self.engine = engine or create_engine(self.url)
        self._plugins = plugins
        self._key = secret_key.encode() if isinstance(secret_key, str) else secret_key
        self._key_checked = False  # against the database's fingerprint, once

    @classmethod
    def open(cls, url: str | None = None, **kwargs: Any) -> Workspace:
        return cls(url, **kwargs)

    def __repr__(self) -> str:
        return f"<Workspace {redact_url(self.url)}>"

    @property
    def plugins(self) -> PluginHost:
        if self._plugins is None:
            self._plugins = load_plugins()
        return self._plugins

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema and key -------------------------------------------------------------------------
    def init(self) -> tuple[str | None, str]:
        """Create or upgrade the database, and make sure an ID-hash key is configured.

        A SQLite file's folder is created when it does not exist yet.
        """
        database = sqlite_file(self.engine.url)
        if database is not None:
            database.parent.mkdir(parents=True, exist_ok=True)
        before, after = migrate.upgrade(self.engine)
        if self._key is None:
            keys.create_key_file(self.url)
        key = self.key(required=False)
        if key is not None:
            with self.engine.begin() as conn:
                stored = conn.execute(
                    sa.select(setting_t.c.value).where(setting_t.c.key == KEY_FINGERPRINT)
                ).scalar()
                if stored is None:
                    conn.execute(
                        setting_t.insert().values(key=KEY_FINGERPRINT, value=keys.fingerprint(key))
                    )
        return before, after

    def check_schema(self) -> None:
        if not migrate.is_current(self.engine):
            raise SchemaError(
                f"the database {redact_url(self.url)} is not at this version's schema "
                f"({migrate.head_revision()}): run `kexie init`"
            )

    def key(self, *, required: bool = True) -> bytes | None:
        """The ID-hash key; checked against the fingerprint the database keeps."""
        if self._key is not None and self._key_checked:
            return self._key
        key = self._key or keys.load_key(self.url)
        if key is None and not required:
            return None
        stored = self._key_fingerprint()
        if key is None:
            if stored is not None:
                # `kexie init` would make a new key, which this database would refuse.
                raise keys.KeyError_(
                    "no key is configured, and this database's ID hashes were made with one: "
                    f"set {keys.ENV_KEY} or {keys.ENV_KEY_FILE} to that key (kept where it was "
                    f"made, e.g. {keys.key_file(self.url)})"
                )
            raise keys.KeyError_(
                "no key is configured for hashing ID numbers: run `kexie init`, or set "
                f"{keys.ENV_KEY} or {keys.ENV_KEY_FILE}"
            )
        if stored is not None and stored != keys.fingerprint(key):
            raise keys.KeyError_(
                "the configured key is not the one this database's ID hashes were made with; "
                f"set {keys.ENV_KEY} or {keys.ENV_KEY_FILE} to the original key"
            )
        self._key, self._key_checked = key, True
        return key

    def _key_fingerprint(self) -> str | None:
        """The fingerprint of the key this database's ID hashes were made with (None: none yet,
        or a database not initialised)."""
        with self.engine.connect() as conn:
            if not sa.inspect(conn).has_table(setting_t.name):  # `kexie init` has not run
                return None
            found = conn.execute(
                sa.select(setting_t.c.value).where(setting_t.c.key == KEY_FINGERPRINT)
            ).scalar()
        return None if found is None else str(found)

    # -- actors ---------------------------------------------------------------------------------
    def as_unit(self, code: str | None) -> ActorSession:
        """Act as unit ``code`` (None: the root unit)."""
        with self.engine.connect() as conn:
            return ActorSession(self, actor_for(conn, code))

    def as_root(self) -> ActorSession:
        return self.as_unit(None)

    def bootstrap_root(self, record: UnitIn | Mapping[str, Any]) -> ActorSession:
        """Create the root unit of an empty database and act as it."""
        unit = _coerce(UnitIn, record, "unit")
        if unit.parent is not None:
            raise InvalidRecord([Problem("parent", "the root unit has no parent")], what="unit")
        with self.engine.begin() as conn:
            if conn.execute(sa.select(sa.func.count()).select_from(unit_t)).scalar_one():
                raise ScopeError("the database already has units; act as its root instead")
            unit_id = _insert_unit(conn, unit, None)
            audit.record(
                conn,
                unit.code,
                "create",
                "unit",
                unit.code,
                unit_id=unit_id,
                detail=unit.model_dump(exclude_none=True),
            )
        return self.as_unit(unit.code)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect().execution_options(sqlite_deferred=True) as conn:
            yield conn


def _coerce(model: type[Record], record: Any, what: str) -> Any:
    if isinstance(record, model):
        return record
    data = record.model_dump() if isinstance(record, BaseModel) else dict(record)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        key = data.get("code") or data.get("member_no") or data.get("external_id")
        raise InvalidRecord(
            problems_from_validation(exc), what=what, key=str(key) if key else None
        ) from None


def _insert_unit(conn: Connection, unit: UnitIn, parent_id: int | None) -> int:
    values = unit.model_dump(exclude={"parent", "host_uscc"})
    unit_id = insert_id(conn, unit_t.insert().values(**values, parent_id=parent_id))
    tree.insert_leaf(conn, unit_id, parent_id)
    if unit.host_uscc:
        _attach_host(conn, unit_id, unit.host_uscc)
    return int(unit_id)


def _attach_host(conn: Connection, unit_id: int, uscc: str) -> None:
    host_id = conn.execute(sa.select(host_t.c.id).where(host_t.c.uscc == uscc)).scalar()
    if host_id is None:
        raise InvalidRecord(
            [Problem("host_uscc", "no host organisation with this USCC")], what="unit"
        )
    conn.execute(host_t.update().where(host_t.c.id == host_id).values(unit_id=unit_id))


class ActorSession:
    """Reads and writes on behalf of one unit; nothing outside its subtree is seen or changed."""

    def __init__(self, workspace: Workspace, actor: Actor) -> None:
        self.workspace = workspace
        self.actor = actor

    def __repr__(self) -> str:
        return f"<ActorSession {self.actor}>"

    @property
    def plugins(self) -> PluginHost:
        return self.workspace.plugins

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self.workspace.engine.begin() as conn:
            yield conn

    def _unit_id(self, conn: Connection, code: str, field: str = "unit") -> int:
        unit_id = conn.execute(sa.select(unit_t.c.id).where(unit_t.c.code == code)).scalar()
        if unit_id is None:
            raise InvalidRecord([Problem(field, f"unit {code!r} does not exist")])
        require_in_scope(conn, self.actor, unit_id)
        return int(unit_id)

    def _validate(self, kind: str, model: type[Record], record: Any) -> Any:
        value = _coerce(model, record, kind)
        self._check_plugin_rules(kind, value)
        return value

    def _check_plugin_rules(self, kind: str, value: Any) -> None:
        """Plug-ins' rules (``kexie_validate_record``), after the built-in validation."""
        problems = self.plugins.record_problems(kind, value, self.actor)
        if problems:
            raise InvalidRecord(problems, what=kind)

    # -- units ----------------------------------------------------------------------------------
    def add_unit(self, record: UnitIn | Mapping[str, Any]) -> int:
        """Create a unit under a parent in the actor's subtree; returns its id."""
        unit = self._validate("unit", UnitIn, record)
        if unit.parent is None:
            raise InvalidRecord(
                [Problem("parent", "a new unit needs a parent unit")], what="unit", key=unit.code
            )
        with self._write() as conn:
            parent_id = self._unit_id(conn, unit.parent, "parent")
            if conn.execute(sa.select(unit_t.c.id).where(unit_t.c.code == unit.code)).first():
                raise InvalidRecord(
                    [Problem("code", f"unit {unit.code} already exists")],
                    what="unit",
                    key=unit.code,
                )
            unit_id = _insert_unit(conn, unit, parent_id)
            audit.record(
                conn,
                self.actor,
                "create",
                "unit",
                unit.code,
                unit_id=unit_id,
                detail=unit.model_dump(exclude_none=True),
            )
        return unit_id

    def update_unit(self, code: str, **changes: Any) -> None:
        """Change a unit's fields (not its parent: use ``move_unit``)."""
        if "parent" in changes or "code" in changes:
            raise ValueError("use move_unit to change the parent; codes never change")
        with self._write() as conn:
            unit_id = self._unit_id(conn, code)
            current = self._unit_record(conn, unit_id)
            unit = self._validate("unit", UnitIn, {**current, **changes})
            values = unit.model_dump(include=set(changes) - {"host_uscc"})
            if values:
                conn.execute(unit_t.update().where(unit_t.c.id == unit_id).values(**values))
            if unit.host_uscc and "host_uscc" in changes:
                _attach_host(conn, unit_id, unit.host_uscc)
            audit.record(conn, self.actor, "update", "unit", code, unit_id=unit_id, detail=changes)

    def _unit_record(self, conn: Connection, unit_id: int) -> dict[str, Any]:
        row = conn.execute(sa.select(unit_t).where(unit_t.c.id == unit_id)).one()._asdict()
        parent = conn.execute(
            sa.select(unit_t.c.code).where(unit_t.c.id == row["parent_id"])
        ).scalar()
        data = {k: v for k, v in row.items() if k not in {"id", "parent_id"}}
        return {**data, "parent": parent}

    def move_unit(self, code: str, new_parent: str) -> None:
        """Re-parent a unit with its whole subtree; both must be in the actor's subtree."""
        with self._write() as conn:
            unit_id = self._unit_id(conn, code)
            if unit_id == self.actor.unit_id:
                raise ScopeError(f"{self.actor} cannot move itself; its parent must")
            parent_id = self._unit_id(conn, new_parent, "parent")
            old_parent = conn.execute(
                sa.select(unit_t.c.parent_id).where(unit_t.c.id == unit_id)
            ).scalar()
            tree.move(conn, unit_id, parent_id)
            audit.record(
                conn,
                self.actor,
                "move",
                "unit",
                code,
                unit_id=unit_id,
                detail={"from_parent_id": old_parent, "to": new_parent},
            )

    def unit(self, code: str) -> Unit:
        with self.workspace.read() as conn:
            row = conn.execute(sa.select(unit_t).where(unit_t.c.code == code)).first()
            if row is None:
                raise NotFound(f"unit {code!r} does not exist")
            require_in_scope(conn, self.actor, row.id)
            return Unit.model_validate(row._asdict())

    def units(
        self, *, under: str | None = None, kind: str | None = None, max_depth: int | None = None
    ) -> list[Unit]:
        """Units in the actor's subtree (or under ``under``), top-down by depth then code."""
        with self.workspace.read() as conn:
            top = self._unit_id(conn, under) if under else self.actor.unit_id
            query = (
                sa.select(unit_t)
                .join(tree_t, tree_t.c.descendant_id == unit_t.c.id)
                .where(tree_t.c.ancestor_id == top)
                .order_by(tree_t.c.depth, unit_t.c.code)
            )
            if kind:
                query = query.where(unit_t.c.kind == kind)
            if max_depth is not None:
                query = query.where(tree_t.c.depth <= max_depth)
            return [Unit.model_validate(r._asdict()) for r in conn.execute(query)]

    def tree(
        self, *, under: str | None = None, max_depth: int | None = None
    ) -> list[dict[str, Any]]:
        """The subtree in depth-first order with each unit's own and whole-subtree member counts.

        Member counts are the distinct people on record in the unit today: a member record or a
        further membership, joined by today (or undated) and not yet left — what
        ``members.count`` counts at a period's end. One set-based pass over the closure table.
        """
        # Imported at call time: the workspace sits below the metrics (docs/architecture.md).
        from .metrics.engine import tree_order
        from .metrics.results import UnitRef

        t = tree_t.c
        with self.workspace.read() as conn:
            top = self._unit_id(conn, under) if under else self.actor.unit_id
            query = (
                sa.select(
                    unit_t.c.id, unit_t.c.code, unit_t.c.name, unit_t.c.kind, t.depth,
                    unit_t.c.parent_id, unit_t.c.status,
                )
                .join(tree_t, t.descendant_id == unit_t.c.id)
                .where(t.ancestor_id == top)
            )  # fmt: skip
            if max_depth is not None:
                query = query.where(t.depth <= max_depth)
            rows = conn.execute(query).all()
            own, total = _member_counts(conn, top, max_depth)
        status = {r.id: r.status for r in rows}
        return [
            {
                "code": u.code,
                "name": u.name,
                "kind": u.kind,
                "depth": u.depth,
                "status": status[u.id],
                "members": own.get(u.id, 0),
                "members_total": total.get(u.id, 0),
            }
            for u in tree_order([UnitRef._make(r[:6]) for r in rows], top)
        ]

    # -- hosts and members ----------------------------------------------------------------------
    def add_host(self, record: HostIn | Mapping[str, Any]) -> int:
        host = self._validate("host", HostIn, record)
        with self._write() as conn:
            territory_id = self._unit_id(conn, host.territory, "territory")
            values = host.model_dump(exclude={"territory"})
            host_id = insert_id(conn, host_t.insert().values(**values, territory_id=territory_id))
            audit.record(
                conn,
                self.actor,
                "create",
                "host",
                host.uscc or host.name,
                unit_id=territory_id,
                detail=values,
            )
        return int(host_id)

    def add_member(self, record: MemberIn | Mapping[str, Any]) -> int:
        """Register a member; the ID number is hashed and masked, never stored."""
        member = self._validate("member", MemberIn, record)
        values = member_row(member, self.workspace.key() if member.id_number else None)
        with self._write() as conn:
            unit_id = self._unit_id(conn, member.unit)
            if values["id_hash"] is not None:
                other = conn.execute(
                    sa.select(member_t.c.member_no).where(member_t.c.id_hash == values["id_hash"])
                ).scalar()
                if other is not None:
                    raise InvalidRecord(
                        [Problem("id_number", f"another member ({other}) has the same ID number")],
                        what="member",
                        key=member.member_no,
                    )
            if conn.execute(
                sa.select(member_t.c.id).where(member_t.c.member_no == member.member_no)
            ).first():
                raise InvalidRecord(
                    [Problem("member_no", "member number already exists")],
                    what="member",
                    key=member.member_no,
                )
            member_id = insert_id(conn, member_t.insert().values(**values, unit_id=unit_id))
            audit.record(
                conn,
                self.actor,
                "create",
                "member",
                member.member_no,
                unit_id=unit_id,
                detail=values,
            )
        return int(member_id)

    def _member_id(self, conn: Connection, member_no: str) -> int:
        member_id = conn.execute(
            sa.select(member_t.c.id).where(member_t.c.member_no == member_no)
        ).scalar()
        if member_id is None:
            raise InvalidRecord([Problem("member_no", f"member {member_no!r} does not exist")])
        return int(member_id)

    def add_membership(self, record: MembershipIn | Mapping[str, Any]) -> int:
        ms = self._validate("membership", MembershipIn, record)
        with self._write() as conn:
            unit_id = self._unit_id(conn, ms.unit)
            member_id = self._member_id(conn, ms.member_no)
            values = ms.model_dump(exclude={"unit", "member_no"})
            row_id = insert_id(
                conn, membership_t.insert().values(**values, unit_id=unit_id, member_id=member_id)
            )
            audit.record(
                conn,
                self.actor,
                "create",
                "membership",
                f"{ms.member_no}@{ms.unit}",
                unit_id=unit_id,
                detail=values,
            )
        return int(row_id)

    def add_honour(self, record: HonourIn | Mapping[str, Any]) -> int:
        honour = self._validate("honour", HonourIn, record)
        with self._write() as conn:
            member_id = self._member_id(conn, honour.member_no)
            unit_id = conn.execute(
                sa.select(member_t.c.unit_id).where(member_t.c.id == member_id)
            ).scalar_one()
            require_in_scope(conn, self.actor, unit_id, "a member")
            values = honour.model_dump(exclude={"member_no"})
            row_id = insert_id(conn, honour_t.insert().values(**values, member_id=member_id))
            audit.record(
                conn,
                self.actor,
                "create",
                "honour",
                honour.member_no,
                unit_id=unit_id,
                detail=values,
            )
        return int(row_id)

    def members(self, *, unit: str | None = None) -> list[Member]:
        """Members whose record is kept in the actor's subtree (or under ``unit``)."""
        with self.workspace.read() as conn:
            top = self._unit_id(conn, unit) if unit else self.actor.unit_id
            rows = conn.execute(
                sa.select(member_t)
                .where(member_t.c.unit_id.in_(tree.subtree_ids(top).scalar_subquery()))
                .order_by(member_t.c.member_no)
            )
            return [Member.model_validate(r._asdict()) for r in rows]

    # -- work -----------------------------------------------------------------------------------
    def prepare_work_item(self, record: WorkItemIn | Mapping[str, Any]) -> WorkItemIn:
        """Validate a work item against its kind: area and the kind's ``details`` model."""
        item = _coerce(WorkItemIn, record, "work_item")
        kinds = self.plugins.work_kinds()
        if item.kind not in kinds:
            raise InvalidRecord(
                [Problem("kind", f"unknown work kind {item.kind!r}")],
                what="work item",
                key=item.external_id,
            )
        kind = kinds.get(item.kind)
        if item.area is not None and item.area != kind.area:
            raise InvalidRecord(
                [
                    Problem(
                        "area",
                        f"kind {item.kind} belongs to area {kind.area.value}, not "
                        f"{item.area.value}",
                    )
                ],
                what="work item",
                key=item.external_id,
            )
        item.area = kind.area
        try:
            item.details = kind.validate_details(item.details)
        except ValidationError as exc:
            problems = [
                Problem(f"details.{p.field}", p.message) for p in problems_from_validation(exc)
            ]
            raise InvalidRecord(problems, what="work item", key=item.external_id) from None
        self._check_plugin_rules("work_item", item)
        return item

    def add_work_item(self, record: WorkItemIn | Mapping[str, Any]) -> int:
        item = self.prepare_work_item(record)
        with self._write() as conn:
            unit_id = self._unit_id(conn, item.unit)
            member_ids = [self._member_id(conn, no) for no in item.member_nos]
            item_id = self.write_work_item(conn, item, unit_id)
            if member_ids:
                conn.execute(
                    work_member_t.insert(),
                    [{"work_item_id": item_id, "member_id": m} for m in dict.fromkeys(member_ids)],
                )
        return item_id

    def write_work_item(self, conn: Connection, item: WorkItemIn, unit_id: int) -> int:
        """Insert a prepared work item (``prepare_work_item``) of ``unit_id`` inside the caller's
        write transaction, with its audit entry; its members are the caller's to link.

        Refused (``ReportLocked``) when an accepted report covers the unit (or an ancestor) on
        the item's start date: those figures are frozen until the report is reopened.
        """
        report_lock.refuse_locked(conn, [(unit_id, item.started_on)], key=item.external_id)
        values = item.model_dump(mode="json", exclude={"unit", "member_nos"})
        values["started_on"], values["ended_on"] = item.started_on, item.ended_on
        item_id = insert_id(conn, work_t.insert().values(**values, unit_id=unit_id))
        audit.record(
            conn,
            self.actor,
            "create",
            "work_item",
            item.external_id or str(item_id),
            unit_id=unit_id,
            detail=values,
        )
        return item_id

    def work_items(self, *, unit: str | None = None) -> list[WorkItem]:
        with self.workspace.read() as conn:
            top = self._unit_id(conn, unit) if unit else self.actor.unit_id
            rows = conn.execute(
                sa.select(work_t)
                .where(work_t.c.unit_id.in_(tree.subtree_ids(top).scalar_subquery()))
                .order_by(work_t.c.started_on, work_t.c.id)
            )
            return [WorkItem.model_validate(r._asdict()) for r in rows]

    def add_platform(self, record: PlatformIn | Mapping[str, Any]) -> int:
        platform = self._validate("platform", PlatformIn, record)
        with self._write() as conn:
            unit_id = self._unit_id(conn, platform.unit)
            values = platform.model_dump(mode="json", exclude={"unit"})
            values["established_on"] = platform.established_on
            values["closed_on"] = platform.closed_on
            row_id = insert_id(conn, platform_t.insert().values(**values, unit_id=unit_id))
            audit.record(
                conn,
                self.actor,
                "create",
                "platform",
                platform.code,
                unit_id=unit_id,
                detail=values,
            )
        return int(row_id)

    def set_target(self, record: TargetIn | Mapping[str, Any]) -> None:
        """Set (or replace) a target for a unit, metric and period."""
        target = self._validate("target", TargetIn, record)
        with self._write() as conn:
            unit_id = self._unit_id(conn, target.unit)
            key = {"unit_id": unit_id, "metric": target.metric, "period": str(target.period)}
            updated = conn.execute(
                target_t.update()
                .where(*(target_t.c[k] == v for k, v in key.items()))
                .values(value=target.value)
            )
            if updated.rowcount == 0:
                conn.execute(target_t.insert().values(**key, value=target.value))
            audit.record(
                conn,
                self.actor,
                "set",
                "target",
                f"{target.unit}/{target.metric}/{target.period}",
                unit_id=unit_id,
                detail={"value": target.value},
            )

    def audit_log(
        self, *, unit: str | None = None, since: Any = None, limit: int = 1000
    ) -> list[dict[str, Any]]:
        """Audit entries about units in the actor's subtree, newest first."""
        with self.workspace.read() as conn:
            top = self._unit_id(conn, unit) if unit else self.actor.unit_id
            return audit.entries(conn, unit_ids=tree.subtree_ids(top), since=since, limit=limit)


def member_row(member: MemberIn, key: bytes | None) -> dict[str, Any]:
    """The ``member`` table values for a validated record (without ``unit_id``).

    Shared by single writes and the bulk importer, so both store exactly the same thing.
    """
    values = member.model_dump(exclude={"unit", "id_number"})
    for name in ("gender", "degree", "title_level", "expert_level", "study_status"):
        if values[name] is not None:
            values[name] = str(values[name])
    if member.id_number is not None:
        assert key is not None
        values["id_hash"] = hash_identifier(member.id_number, key)
        values["id_masked"] = mask_resident_id(member.id_number)
    else:
        values["id_hash"] = values["id_masked"] = None
    return values


def _member_counts(
    conn: Connection, top: int, max_depth: int | None
) -> tuple[dict[int, int], dict[int, int]]:
    """Distinct members on record today per unit, own and whole subtree, for the units under
    ``top`` down to ``max_depth``: the people ``members.count`` would count at a period ending
    today (``metrics.sources.member_pairs``), with the metric engine's distinct roll-up: a person
    in two units under one county counts once for the county.
    """
    # Imported at call time: the workspace sits below the metrics (docs/architecture.md).
    from .metrics.definition import Rollup
    from .metrics.engine import is_whole_tree, requested_units, rollup_statement
    from .metrics.sources import member_pairs

    scope = None if is_whole_tree(conn, top) else tree.subtree_ids(top)
    pairs = member_pairs(date.today(), scope).cte("pairs")
    wanted = requested_units(conn.dialect.name, top, max_depth).subquery("wanted")
    rows = conn.execute(rollup_statement(Rollup.DISTINCT, pairs, wanted)).all()
    return {r[0]: int(r[1]) for r in rows}, {r[0]: int(r[2]) for r in rows}
