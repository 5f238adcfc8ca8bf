"""How records are checked and written by an import: the rows, the context, the loader (导入规则).

A loader works in two steps per batch, so that the expensive one never touches the database:

1. ``prepare`` (Python only, per row): cells → the pydantic input record (``model.records``) →
   table values; unit codes resolved from a map loaded once per import, and rows outside the
   actor's subtree refused.
2. ``check`` (database, per batch: a fixed number of queries whatever the batch size): which
   keys exist already (and may the actor touch them), conflicts with other records, references
   to members; then the batch is classified into new, changed and unchanged rows and written
   (``write``) with the set-based statements of ``ledger.bulk``.

Upsert semantics: a row whose natural key exists updates that record, but only the columns the
file has — a file without a 学历 column leaves degrees alone; a blank cell in a column the file
has clears the field. A row equal to what is stored is unchanged and not written, so importing a
file twice changes nothing the second time.

The loaders of each kind are in ``ledger.kinds``, ``ledger.units`` and ``ledger.work_items``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.engine import Connection

from ..model.identifiers import mask_phone, mask_resident_id
from ..model.records import Record
from ..plugin.host import PluginHost
from ..store.scope import Actor
from . import bulk
from .cells import CellReader
from .columns import KINDS, ColumnType, KindColumns
from .messages import Message, RowError, from_problems, from_validation

if TYPE_CHECKING:
    from ..workspace import ActorSession, Workspace


class Row:
    """One data row on its way in."""

    __slots__ = (
        "errors",
        "existing",
        "extra",
        "key",
        "keys",
        "masked",
        "no",
        "raw",
        "values",
        "warnings",
    )

    def __init__(self, no: int, raw: dict[str, Any]) -> None:
        self.no = no
        self.raw = raw
        self.values: dict[str, Any] = {}
        self.key: tuple[Any, ...] = ()
        #: ``unique_keys`` of the row, worked out once (see ``Loader.unique_keys``).
        self.keys: list[tuple[str, str]] = []
        self.masked: frozenset[str] = frozenset()
        self.existing: dict[str, Any] | None = None
        self.errors: list[RowError] | None = None
        self.warnings: list[RowError] | None = None
        self.extra: Any = None


@dataclass
class LoadContext:
    """What every loader of one import shares.

    :param actor: the acting unit; None only while creating the first units of an empty
        database.
    :param units: every unit's code → id (units are few: loaded once per import).
    :param visible: ids of the units the actor may touch; None means all (the root).
    :param headers: field → the column header as the file writes it (for the error file).
    """

    workspace: Workspace
    session: ActorSession | None
    actor: Actor | None
    plugins: PluginHost
    units: dict[str, int]
    visible: set[int] | None
    headers: dict[str, str] = field(default_factory=dict)
    restores_formulas: bool = True
    _key: bytes | None = None

    @property
    def actor_code(self) -> str:
        return self.actor.code if self.actor else ""

    def id_key(self) -> bytes:
        if self._key is None:
            key = self.workspace.key()
            assert key is not None
            self._key = key
        return self._key

    def can_see(self, unit_id: int) -> bool:
        return self.visible is None or unit_id in self.visible

    def unit_id(self, row: Row, name: str, code: str) -> int | None:
        """The id of unit ``code``, or None after recording why the row is refused."""
        unit_id = self.units.get(code)
        if unit_id is None:
            self.error(
                row,
                name,
                f"单位代码 {code} 不存在（请先导入单位）",
                f"unit {code} does not exist (import units first)",
            )
            return None
        if not self.can_see(unit_id):
            self.error(row, name, *self.outside(code))
            return None
        return unit_id

    def outside(self, what_zh: str, what_en: str | None = None) -> tuple[str, str]:
        actor = self.actor
        scope = f"{actor.code} {actor.name}" if actor else ""
        return (
            f"{what_zh} 不在 {scope} 的管辖范围内",
            f"{what_en or what_zh} is outside the subtree of {scope}",
        )

    def error(self, row: Row, name: str, zh: str, en: str, *, warning: bool = False) -> None:
        error = RowError(
            row.no, name, self.headers.get(name, name), self.cell(row, name), zh, en, warning
        )
        if warning:
            row.warnings = [*(row.warnings or []), error]
        else:
            row.errors = [*(row.errors or []), error]

    def messages(self, row: Row, messages: Iterable[Message]) -> None:
        for m in messages:
            # The column is the top-level field; a nested one (details.trainees) is named in
            # the message so the clerk knows which part of the cell is wrong.
            base, _, inner = m.field.partition(".")
            if inner:
                self.error(row, base, f"{inner}：{m.zh}", f"{inner}: {m.en}")
            else:
                self.error(row, base, m.zh, m.en)

    def cell(self, row: Row, name: str) -> str:
        """The cell as read, masked when the column is personal (never a full ID or phone)."""
        value = row.raw.get(name)
        if value is None or name not in self._personal:
            return "" if value is None else _as_text(value)
        text = _as_text(value).strip()
        if not text or "*" in text:
            return text
        return mask_resident_id(text) if self._personal[name] == "id" else mask_phone(text)

    _personal: ClassVar[dict[str, str]] = {
        col.name: ("id" if col.type is ColumnType.ID_NUMBER else "phone")
        for spec in KINDS.values()
        for col in spec.columns
        if col.personal
    }


def _as_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class Loader:
    """The rules of one kind. Subclasses set the class attributes and ``build``."""

    kind: ClassVar[str]
    model: ClassVar[type[Record]]
    table: ClassVar[sa.Table]
    #: field → the table columns it writes (default: the column of the same name).
    field_columns: ClassVar[dict[str, tuple[str, ...]]] = {}
    #: tables whose writers must wait while a batch is checked and written.
    locks: ClassVar[tuple[sa.Table, ...]] = ()
    #: the whole file is one batch (units: a parent may come after its children).
    single_batch: ClassVar[bool] = False
    #: rows may carry ID numbers, hashed with the workspace key.
    needs_key: ClassVar[bool] = False
    #: unique keys (by field) whose repeats ``check`` finds in the database once the earlier
    #: rows are written, so the import need not remember them itself.
    checked_in_database: ClassVar[frozenset[str]] = frozenset()
    #: large files may be imported by worker processes (``ledger.parallel``); needs ``raw_key``.
    parallel: ClassVar[bool] = False

    def __init__(self, ctx: LoadContext) -> None:
        self.ctx = ctx
        #: every row of the batch being checked, refused ones too (set by the importer).
        self.batch: list[Row] = []
        self.spec: KindColumns = KINDS[self.kind]
        self.entity = self.spec.entity
        self.cells = CellReader(
            self.spec, self._work_kind_labels(), restore_formulas=ctx.restores_formulas
        )
        self._cols_cache: dict[tuple[frozenset[str], frozenset[str]], tuple[str, ...]] = {}
        hook = getattr(ctx.plugins.pm.hook, "kexie_validate_record", None)
        self._plugin_rules = bool(hook and hook.get_hookimpls())

    def _work_kind_labels(self) -> dict[str, str] | None:
        return None

    @property
    def has_plugin_rules(self) -> bool:
        """Whether plug-ins check records of this kind (``kexie_validate_record``)."""
        return self._plugin_rules

    def raw_key(self, raw: dict[str, Any]) -> str | None:
        """The natural key read straight from the cells, before any check; None when the kind
        has none that simple. A row refused by its checks still claims this key, so that which
        row of a file is "the first" does not depend on how the file was split into batches."""
        return None

    # -- step 1: Python only -------------------------------------------------------------------
    def prepare(self, no: int, raw: dict[str, Any]) -> Row:
        row = Row(no, raw)
        self._check(row, raw)
        if not row.errors:
            row.keys = self.unique_keys(row)
        else:
            key = self.raw_key(raw)
            if key is not None:
                row.keys = [(self.spec.key[0], key)]
        return row

    def _check(self, row: Row, raw: dict[str, Any]) -> None:
        data, row.masked, problems = self.cells.read(raw)
        if problems:
            self.ctx.messages(row, problems)
            return
        try:
            record = self.model.model_validate(data)
        except ValidationError as exc:
            self.ctx.messages(row, from_validation(exc))
            return
        if self._plugin_rules:
            found = self.ctx.plugins.record_problems(self.entity, record, self.ctx.actor)
            if found:
                self.ctx.messages(row, from_problems(found))
                return
        self.build(row, record)

    def build(self, row: Row, record: Any) -> None:
        raise NotImplementedError

    def unique_keys(self, row: Row) -> list[tuple[str, str]]:
        """``(field, key text)`` pairs no two rows of one file may share; the natural key
        first."""
        return [(self.spec.key[0], "\x1f".join(str(k) for k in row.key))]

    def duplicate(self, row: Row, name: str, first: int) -> None:
        label = self.spec.zh(name) if name in self.spec.names() else name
        self.ctx.error(
            row,
            name,
            f"与第 {first} 行重复（{label}相同），只导入第一次出现的行",
            f"duplicate of row {first} (same {name}); only the first is imported",
        )

    def update_columns(self, row: Row) -> tuple[str, ...]:
        """The columns an existing record takes from this row: those the file has."""
        cache_key = (frozenset(row.raw), row.masked)
        cols = self._cols_cache.get(cache_key)
        if cols is None:
            names = self.spec.names()
            found: dict[str, None] = {}
            for name in names:
                if name in row.raw and name not in row.masked:
                    for col in self.field_columns.get(name, (name,)):
                        found[col] = None
            cols = tuple(c for c in found if c in row.values)
            self._cols_cache[cache_key] = cols
        return cols

    # -- step 2: the database ------------------------------------------------------------------
    def check(self, conn: Connection, rows: list[Row]) -> None:
        """Find existing records (``row.existing``) and refuse conflicting rows."""
        raise NotImplementedError

    def classify(self, rows: Iterable[Row]) -> tuple[list[Row], list[Row], list[Row]]:
        new: list[Row] = []
        changed: list[Row] = []
        same: list[Row] = []
        for row in rows:
            if row.existing is None:
                new.append(row)
                continue
            current = row.existing
            values = row.values
            if any(values[c] != current.get(c) for c in self.update_columns(row)):
                changed.append(row)
            else:
                same.append(row)
        return new, changed, same

    def insert_columns(self, rows: Sequence[Row]) -> tuple[str, ...]:
        return tuple(rows[0].values)

    def write(self, conn: Connection, new: list[Row], changed: list[Row]) -> None:
        if new:
            cols = self.insert_columns(new)
            bulk.insert_rows(conn, self.table, cols, [[r.values[c] for c in cols] for r in new])
        groups: dict[tuple[str, ...], list[Row]] = {}
        for row in changed:
            groups.setdefault(self.update_columns(row), []).append(row)
        for cols, rows in groups.items():
            bulk.update_rows(
                conn,
                self.table,
                cols,
                [[*(r.values[c] for c in cols), r.existing["id"]] for r in rows if r.existing],
            )

    # -- helpers -------------------------------------------------------------------------------
    def _existing(
        self, conn: Connection, column: sa.ColumnElement[Any], keys: Iterable[Any]
    ) -> list[dict[str, Any]]:
        """Rows of ``self.table`` whose ``column`` is one of ``keys`` (chunked IN lists)."""
        found: list[dict[str, Any]] = []
        values = list(dict.fromkeys(keys))
        if values:
            result = conn.execute(sa.select(self.table).where(bulk.one_of(conn, column, values)))
            found.extend(dict(r._mapping) for r in result)
        return found

    def _refuse_outside(self, row: Row, existing: dict[str, Any], unit_column: str) -> bool:
        if self.ctx.can_see(existing[unit_column]):
            return False
        self.ctx.error(
            row,
            self.spec.key[0],
            *self.ctx.outside("该记录所属单位", "the record's unit"),
        )
        return True
