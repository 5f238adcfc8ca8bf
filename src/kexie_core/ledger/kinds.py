"""The import rules of members, memberships, hosts, platforms and targets (各类记录的导入规则).

Each is a ``Loader`` (``ledger.loaders``): how a validated record becomes table values and which
keys it has (``build``), and what the database must say about a batch (``check``: which keys
exist, whether the actor may touch them, conflicts with other records). Units and work items,
which have more to them, have modules of their own.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..model.errors import Problem
from ..model.identifiers import mask_resident_id
from ..model.records import HostIn, MemberIn, MembershipIn, PlatformIn, TargetIn
from ..store.tables import host_t, member_t, membership_t, platform_t, target_t
from . import bulk
from .cells import masked_value
from .loaders import Loader, Row, _as_text
from .messages import from_problems

# -- members -----------------------------------------------------------------------------------


def member_values(member: MemberIn, key: bytes | None) -> dict[str, Any]:
    """The ``member`` table values of a validated record (without ``unit_id``).

    The same values as ``workspace.member_row`` (a test holds them equal), computed without
    validating the ID number a second time: ``member.id_number`` is already the canonical
    18-character number, and ``hash_identifier`` is the HMAC-SHA256 of exactly that.
    """
    values = dict(member.__dict__)  # the fields, as model_dump gives them, without its cost
    del values["unit"], values["id_number"]
    for name in ("gender", "degree", "title_level", "expert_level", "study_status"):
        if values[name] is not None:
            values[name] = values[name].value
    number = member.id_number
    if number is not None:
        assert key is not None
        values["id_hash"] = hmac.new(key, number.encode("utf-8"), hashlib.sha256).hexdigest()
        values["id_masked"] = mask_resident_id(number)
    else:
        values["id_hash"] = values["id_masked"] = None
    return values


class MembersLoader(Loader):
    kind = "members"
    model = MemberIn
    table = member_t
    needs_key = True
    checked_in_database = frozenset({"id_number"})
    parallel = True
    locks = (member_t,)
    field_columns: ClassVar[dict[str, tuple[str, ...]]] = {
        "unit": ("unit_id",),
        "id_number": ("id_hash", "id_masked", "gender", "birth_date"),
    }

    def raw_key(self, raw: dict[str, Any]) -> str | None:
        # As the record reads a code (``records._str_code``): text, Excel's 1001.0 as 1001.
        value = raw.get("member_no")
        if isinstance(value, str):
            value = value.strip()
            return value or None
        if value is None or isinstance(value, bool):
            return None
        return _as_text(value)

    def build(self, row: Row, record: MemberIn) -> None:
        unit_id = self.ctx.unit_id(row, "unit", record.unit)
        if unit_id is None:
            return
        values = member_values(record, self.ctx.id_key() if record.id_number else None)
        values["unit_id"] = unit_id
        if "id_number" in row.masked:
            values["id_masked"] = masked_value(row.raw, "id_number")
        row.values = values
        row.key = (record.member_no,)

    def unique_keys(self, row: Row) -> list[tuple[str, str]]:
        keys = [("member_no", row.key[0])]
        if row.values.get("id_hash"):
            keys.append(("id_number", "#" + row.values["id_hash"]))
        return keys

    def duplicate(self, row: Row, name: str, first: int) -> None:
        if name == "id_number":
            self.ctx.error(
                row,
                name,
                f"与第 {first} 行的身份证号相同",
                f"same ID number as row {first}",
            )
        else:
            super().duplicate(row, name, first)

    def check(self, conn: Connection, rows: list[Row]) -> None:
        existing = {
            e["member_no"]: e
            for e in self._existing(conn, member_t.c.member_no, [r.key[0] for r in rows])
        }
        for row in rows:
            found = existing.get(row.key[0])
            if found is not None and not self._refuse_outside(row, found, "unit_id"):
                row.existing = found
        self._check_id_numbers(conn, [r for r in rows if not r.errors])

    def _check_id_numbers(self, conn: Connection, rows: list[Row]) -> None:
        """Refuse a row whose ID number another member already has."""
        by_hash = {r.values["id_hash"]: r for r in rows if r.values.get("id_hash")}
        if not by_hash:
            return
        for chunk in bulk.chunks(list(by_hash)):
            owners = conn.execute(
                sa.select(member_t.c.id_hash, member_t.c.member_no, member_t.c.unit_id).where(
                    bulk.one_of(conn, member_t.c.id_hash, chunk)
                )
            )
            for id_hash, member_no, unit_id in owners:
                row = by_hash[id_hash]
                if member_no == row.key[0]:
                    continue
                # Name the other member only to an actor who may see it.
                other = member_no if self.ctx.can_see(unit_id) else "另一单位 / another unit"
                self.ctx.error(
                    row,
                    "id_number",
                    f"已有会员（{other}）使用这个身份证号",
                    f"another member ({other}) has the same ID number",
                )


# -- memberships -------------------------------------------------------------------------------


class MembershipsLoader(Loader):
    kind = "memberships"
    model = MembershipIn
    table = membership_t
    locks = (membership_t,)
    field_columns: ClassVar[dict[str, tuple[str, ...]]] = {
        "unit": ("unit_id",),
        "member_no": ("member_id",),
    }

    def build(self, row: Row, record: MembershipIn) -> None:
        unit_id = self.ctx.unit_id(row, "unit", record.unit)
        if unit_id is None:
            return
        row.values = {
            "member_id": None,
            "unit_id": unit_id,
            "role": record.role,
            "joined_on": record.joined_on,
            "left_on": record.left_on,
        }
        row.key = (record.member_no, record.unit)

    def check(self, conn: Connection, rows: list[Row]) -> None:
        ids = bulk.lookup(conn, member_t.c.member_no, member_t.c.id, [r.key[0] for r in rows])
        for row in rows:
            member_id = ids.get(row.key[0])
            if member_id is None:
                self.ctx.error(
                    row,
                    "member_no",
                    f"会员编号 {row.key[0]} 不存在（请先导入会员）",
                    f"member {row.key[0]} does not exist (import members first)",
                )
            else:
                row.values["member_id"] = member_id
        live = [r for r in rows if not r.errors]
        existing = {
            (e["member_id"], e["unit_id"]): e
            for e in self._existing(
                conn, membership_t.c.member_id, [r.values["member_id"] for r in live]
            )
        }
        for row in live:
            row.existing = existing.get((row.values["member_id"], row.values["unit_id"]))


# -- hosts -------------------------------------------------------------------------------------


class HostsLoader(Loader):
    kind = "hosts"
    model = HostIn
    table = host_t
    locks = (host_t,)
    field_columns: ClassVar[dict[str, tuple[str, ...]]] = {"territory": ("territory_id",)}

    def build(self, row: Row, record: HostIn) -> None:
        territory_id = self.ctx.unit_id(row, "territory", record.territory)
        if territory_id is None:
            return
        for warning in record.warnings:
            m = from_problems([Problem("uscc", warning.removeprefix("uscc: "))])[0]
            self.ctx.error(row, "uscc", m.zh, m.en, warning=True)
        row.values = {
            "uscc": record.uscc,
            "name": record.name,
            "category": str(record.category),
            "science_type": record.science_type,
            "territory_id": territory_id,
        }
        row.key = ("uscc", record.uscc) if record.uscc else ("name", territory_id, record.name)

    def unique_keys(self, row: Row) -> list[tuple[str, str]]:
        keys = []
        if row.values["uscc"]:
            keys.append(("uscc", "u\x1f" + row.values["uscc"]))
        keys.append(("name", f"n\x1f{row.values['territory_id']}\x1f{row.values['name']}"))
        return keys

    def check(self, conn: Connection, rows: list[Row]) -> None:
        by_uscc = {
            e["uscc"]: e
            for e in self._existing(
                conn, host_t.c.uscc, [r.values["uscc"] for r in rows if r.values["uscc"]]
            )
        }
        by_name = {
            (e["territory_id"], e["name"]): e
            for e in self._existing(conn, host_t.c.name, [r.values["name"] for r in rows])
        }
        for row in rows:
            uscc = row.values["uscc"]
            same_name = by_name.get((row.values["territory_id"], row.values["name"]))
            found = by_uscc.get(uscc) if uscc else same_name
            if uscc and found is None and same_name is not None and same_name["uscc"] is None:
                found = same_name  # registered earlier without its code: it gets one now
            if same_name is not None and found is not None and same_name["id"] != found["id"]:
                self.ctx.error(
                    row,
                    "name",
                    f"同一县区已有同名依托单位（信用代码 {same_name['uscc'] or '无'}）",
                    "another host in this territory has this name "
                    f"(credit code {same_name['uscc'] or 'none'})",
                )
                continue
            if found is None and same_name is not None:
                self.ctx.error(
                    row,
                    "uscc",
                    f"同一县区已有同名依托单位，但信用代码不同（{same_name['uscc']}）",
                    f"a host of this name in this territory has another credit code "
                    f"({same_name['uscc']})",
                )
                continue
            if found is not None and not self._refuse_outside(row, found, "territory_id"):
                row.existing = found


# -- platforms ---------------------------------------------------------------------------------


class PlatformsLoader(Loader):
    kind = "platforms"
    model = PlatformIn
    table = platform_t
    locks = (platform_t,)
    field_columns: ClassVar[dict[str, tuple[str, ...]]] = {"unit": ("unit_id",)}

    def build(self, row: Row, record: PlatformIn) -> None:
        unit_id = self.ctx.unit_id(row, "unit", record.unit)
        if unit_id is None:
            return
        row.values = {
            "code": record.code,
            "name": record.name,
            "kind": str(record.kind),
            "unit_id": unit_id,
            "established_on": record.established_on,
            "closed_on": record.closed_on,
            "url": record.url,
            "details": record.details,
        }
        row.key = (record.code,)

    def check(self, conn: Connection, rows: list[Row]) -> None:
        existing = {
            e["code"]: e for e in self._existing(conn, platform_t.c.code, [r.key[0] for r in rows])
        }
        for row in rows:
            found = existing.get(row.key[0])
            if found is not None and not self._refuse_outside(row, found, "unit_id"):
                row.existing = found


# -- targets -----------------------------------------------------------------------------------


class TargetsLoader(Loader):
    kind = "targets"
    model = TargetIn
    table = target_t
    locks = (target_t,)
    field_columns: ClassVar[dict[str, tuple[str, ...]]] = {"unit": ("unit_id",)}

    def build(self, row: Row, record: TargetIn) -> None:
        unit_id = self.ctx.unit_id(row, "unit", record.unit)
        if unit_id is None:
            return
        row.values = {
            "unit_id": unit_id,
            "metric": record.metric,
            "period": str(record.period),
            "value": float(record.value),
        }
        row.key = (record.unit, record.metric, str(record.period))

    def check(self, conn: Connection, rows: list[Row]) -> None:
        wanted = {(r.values["unit_id"], r.values["metric"], r.values["period"]): r for r in rows}
        for e in self._existing(conn, target_t.c.unit_id, [k[0] for k in wanted]):
            row = wanted.get((e["unit_id"], e["metric"], e["period"]))
            if row is not None:
                row.existing = e
