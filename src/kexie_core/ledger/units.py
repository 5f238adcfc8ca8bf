"""Importing units (组织单元): the tree, read from one file in one go.

A units file is a piece of the tree: a row may name as its parent a unit further down the same
file, so the file is checked and written as one batch (units are few — thousands, not millions).
The rules, beyond each row's own validation:

- a new unit needs a parent (上级单位代码) that exists, in the database or the file; only an empty
  database takes a row without one, which becomes the root (the first import of all);
- the actor may create units only under units in its subtree, change only units in its subtree,
  and move (change the parent of) any of those except itself;
- parent links may not form a cycle (a unit under its own descendant);
- ``host_uscc`` links the association to its host organisation (依托单位); the host must have been
  imported — if it has not, the unit still loads and the link waits for the next import.

Writes are set-based: new units in one insert, parents set by one executemany, the closure table
rebuilt by one recursive query (``store.tree.rebuild``), host links set by one executemany.
"""

from __future__ import annotations

from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..model.records import UnitIn
from ..store import tree
from ..store.tables import host_t, tree_t, unit_t
from . import bulk
from .loaders import Loader, Row, _as_text

_PSEUDO = ("parent", "host_uscc")


class UnitsLoader(Loader):
    kind = "units"
    model = UnitIn
    table = unit_t
    locks = (unit_t, tree_t, host_t)
    single_batch = True
    field_columns: ClassVar[dict[str, tuple[str, ...]]] = {}

    def build(self, row: Row, record: UnitIn) -> None:
        row.values = {
            "code": record.code,
            "name": record.name,
            "kind": str(record.kind),
            "division_code": record.division_code,
            "status": str(record.status),
            "founded_on": record.founded_on,
            "dissolved_on": record.dissolved_on,
            "term_ends_on": record.term_ends_on,
            "contact_name": record.contact_name,
            "contact_phone": record.contact_phone,
            "parent": record.parent,
            "host_uscc": record.host_uscc,
        }
        row.key = (record.code,)

    def unique_keys(self, row: Row) -> list[tuple[str, str]]:
        keys = [("code", row.key[0])]
        if row.values["host_uscc"]:
            keys.append(("host_uscc", "#" + row.values["host_uscc"]))
        return keys

    # -- checks --------------------------------------------------------------------------------
    def check(self, conn: Connection, rows: list[Row]) -> None:
        current = _current_units(conn)
        self._bootstrap = not current
        # Rows refused before this check, by the code they meant (to name them to children).
        self._refused = {
            _as_text(r.raw["code"]).strip(): r.no
            for r in self.batch
            if r.errors and r.raw.get("code") not in (None, "")
        }
        by_code = {r.key[0]: r for r in rows}
        roots: list[Row] = []
        for row in rows:
            row.existing = current.get(row.key[0])
            self._check_parent(row, current, by_code, roots)
        self._refuse_cycles([r for r in rows if not r.errors], current, by_code)
        settled: dict[str, bool] = {}
        for row in rows:
            self._settle(row, current, by_code, settled)
        self._check_hosts(conn, [r for r in rows if not r.errors])

    def _check_parent(
        self, row: Row, current: dict[str, dict[str, Any]], file: dict[str, Row], roots: list[Row]
    ) -> None:
        parent = row.values["parent"]
        found = row.existing
        if parent is None:
            if found is not None:
                if "parent" not in row.raw:
                    row.values["parent"] = found["parent"]  # no 上级 column: keep the parent
                elif found["parent"] is not None:
                    self.ctx.error(
                        row,
                        "parent",
                        f"上级单位代码为空，但 {row.key[0]} 已有上级 {found['parent']}；"
                        "单位不能改为根单位",
                        f"the parent is blank but {row.key[0]} is under {found['parent']}; a "
                        "unit cannot become a root",
                    )
            elif self._bootstrap and not roots:
                roots.append(row)  # the first unit of an empty database: the root
            elif self._bootstrap:
                self.ctx.error(
                    row,
                    "parent",
                    f"只能有一个根单位（第 {roots[0].no} 行已是根单位）；请填写上级单位代码",
                    f"there can be only one root unit (row {roots[0].no} is it); fill in the "
                    "parent",
                )
            else:
                self.ctx.error(
                    row,
                    "parent",
                    "新单位需要上级单位代码",
                    "a new unit needs a parent unit code",
                )
        elif parent in self._refused and parent not in file and parent not in current:
            self.ctx.error(
                row,
                "parent",
                f"上级单位 {parent}（第 {self._refused[parent]} 行）未能导入",
                f"parent unit {parent} (row {self._refused[parent]}) was not imported",
            )
        elif parent not in current and parent not in file:
            self.ctx.error(
                row,
                "parent",
                f"上级单位 {parent} 不存在（数据库和本文件中都没有）",
                f"parent unit {parent} does not exist (neither in the database nor in this file)",
            )

    @staticmethod
    def _moves(row: Row) -> bool:
        found = row.existing
        return found is not None and row.values["parent"] != found["parent"]

    def _refuse_cycles(
        self, rows: list[Row], current: dict[str, dict[str, Any]], file: dict[str, Row]
    ) -> None:
        """Refuse rows whose parent links, as the file would leave them, lead back to them."""

        def parent_of(code: str) -> str | None:
            row = file.get(code)
            if row is not None and not row.errors:
                value: str | None = row.values["parent"]
                return value
            found = current.get(code)
            return found["parent"] if found else None

        limit = len(current) + len(file) + 1
        loops: list[tuple[Row, str]] = []
        for row in rows:
            if row.existing is not None and not self._moves(row):
                continue
            path = [row.key[0]]
            code = parent_of(row.key[0])
            while code is not None and len(path) <= limit:
                if code == row.key[0]:
                    loops.append((row, " → ".join([*path, code])))
                    break
                path.append(code)
                code = parent_of(code)
        # Marked after the walk, so that every row of one cycle is named as part of it.
        for row, loop in loops:
            self.ctx.error(
                row, "parent", f"上级关系形成循环：{loop}", f"parent links form a cycle: {loop}"
            )

    def _settle(
        self,
        row: Row,
        current: dict[str, dict[str, Any]],
        file: dict[str, Row],
        settled: dict[str, bool],
    ) -> bool:
        """Whether ``row`` can load: its own checks, scope, and a parent that will exist."""
        code = row.key[0]
        if code in settled:
            return settled[code]
        settled[code] = False  # guards against a cycle the checks above did not catch
        ok = not row.errors and self._in_scope(row, current, file, settled)
        settled[code] = ok
        return ok

    def _in_scope(
        self,
        row: Row,
        current: dict[str, dict[str, Any]],
        file: dict[str, Row],
        settled: dict[str, bool],
    ) -> bool:
        ctx = self.ctx
        found = row.existing
        if found is not None and not ctx.can_see(found["id"]):
            ctx.error(row, "code", *ctx.outside(f"单位 {row.key[0]}", f"unit {row.key[0]}"))
            return False
        moves = self._moves(row)
        if (
            moves
            and ctx.actor is not None
            and found is not None
            and found["id"] == ctx.actor.unit_id
        ):
            ctx.error(
                row,
                "parent",
                f"{row.key[0]} 不能调整自己的上级，须由其上级单位操作",
                f"{row.key[0]} cannot move itself; its parent unit must",
            )
            return False
        parent = row.values["parent"]
        if (found is not None and not moves) or parent is None:
            return True
        parent_row = file.get(parent)
        if parent_row is not None and parent_row.existing is None:
            if not self._settle(parent_row, current, file, settled):
                ctx.error(
                    row,
                    "parent",
                    f"上级单位 {parent}（第 {parent_row.no} 行）未能导入",
                    f"parent unit {parent} (row {parent_row.no}) was not imported",
                )
                return False
            return True
        parent_id = current[parent]["id"]
        if not ctx.can_see(parent_id):
            ctx.error(row, "parent", *ctx.outside(f"上级单位 {parent}", f"parent unit {parent}"))
            return False
        return True

    def _check_hosts(self, conn: Connection, rows: list[Row]) -> None:
        linked = [r for r in rows if r.values["host_uscc"]]
        hosts: dict[str, tuple[int, int | None]] = {}
        for chunk in bulk.chunks([r.values["host_uscc"] for r in linked]):
            hosts.update(
                (uscc, (host_id, unit_id))
                for uscc, host_id, unit_id in conn.execute(
                    sa.select(host_t.c.uscc, host_t.c.id, host_t.c.unit_id).where(
                        bulk.one_of(conn, host_t.c.uscc, chunk)
                    )
                )
            )
        for row in linked:
            uscc = row.values["host_uscc"]
            host = hosts.get(uscc)
            current_link = row.existing["host_uscc"] if row.existing else None
            if host is None:
                self.ctx.error(
                    row,
                    "host_uscc",
                    f"依托单位 {uscc} 尚未导入，本次不关联；导入依托单位后再导入一次单位即可",
                    f"host {uscc} has not been imported; the link is left for now — import "
                    "hosts, then units again",
                    warning=True,
                )
                row.values["host_uscc"] = current_link
                continue
            unit_id = row.existing["id"] if row.existing else None
            if host[1] is not None and host[1] != unit_id:
                self.ctx.error(
                    row,
                    "host_uscc",
                    f"依托单位 {uscc} 已关联另一个单位",
                    f"host {uscc} is already linked to another unit",
                )

    def update_columns(self, row: Row) -> tuple[str, ...]:
        return tuple(c for c in super().update_columns(row) if c != "code")

    # -- writing -------------------------------------------------------------------------------
    def write(self, conn: Connection, new: list[Row], changed: list[Row]) -> None:
        columns = [c for c in new[0].values if c not in _PSEUDO] if new else []
        if new:
            bulk.insert_rows(conn, unit_t, columns, [[r.values[c] for c in columns] for r in new])
        parent = unit_t.alias("p")
        placed = [r for r in new if r.values["parent"]] + [r for r in changed if self._moves(r)]
        if placed:
            conn.execute(
                unit_t.update()
                .where(unit_t.c.code == sa.bindparam("b_code"))
                .values(
                    parent_id=sa.select(parent.c.id)
                    .where(parent.c.code == sa.bindparam("b_parent"))
                    .scalar_subquery()
                ),
                [{"b_code": r.key[0], "b_parent": r.values["parent"]} for r in placed],
            )
        groups: dict[tuple[str, ...], list[Row]] = {}
        for row in changed:
            cols = tuple(c for c in self.update_columns(row) if c not in _PSEUDO)
            if cols:
                groups.setdefault(cols, []).append(row)
        for cols, group in groups.items():
            bulk.update_rows(
                conn,
                unit_t,
                cols,
                [[*(r.values[c] for c in cols), r.existing["id"]] for r in group if r.existing],
            )
        if new or placed:
            tree.rebuild(conn)
        self._write_host_links(conn, new, changed)

    def _write_host_links(self, conn: Connection, new: list[Row], changed: list[Row]) -> None:
        relink = [r for r in new if r.values["host_uscc"]] + [
            r
            for r in changed
            if "host_uscc" in self.update_columns(r)
            and r.existing
            and r.values["host_uscc"] != r.existing["host_uscc"]
        ]
        if not relink:
            return
        ids = dict(
            conn.execute(
                sa.select(unit_t.c.code, unit_t.c.id).where(
                    unit_t.c.code.in_([r.key[0] for r in relink])
                )
            ).all()
        )
        conn.execute(
            host_t.update().where(host_t.c.unit_id.in_(list(ids.values()))).values(unit_id=None)
        )
        links = [
            {"b_unit": ids[r.key[0]], "b_uscc": r.values["host_uscc"]}
            for r in relink
            if r.values["host_uscc"]
        ]
        if links:
            conn.execute(
                host_t.update()
                .where(host_t.c.uscc == sa.bindparam("b_uscc"))
                .values(unit_id=sa.bindparam("b_unit")),
                links,
            )


def _current_units(conn: Connection) -> dict[str, dict[str, Any]]:
    """Every unit with its parent's code and its host's credit code (units are few)."""
    parent = unit_t.alias("parent")
    query = (
        sa.select(
            unit_t,
            parent.c.code.label("parent"),
            host_t.c.uscc.label("host_uscc"),
        )
        .select_from(unit_t)
        .outerjoin(parent, parent.c.id == unit_t.c.parent_id)
        .outerjoin(host_t, host_t.c.unit_id == unit_t.c.id)
    )
    return {row.code: dict(row._mapping) for row in conn.execute(query)}
