"""``import_records``: a ledger file into the database, in batches, as an actor (导入).

The file is streamed in batches (5,000 rows by default). For each batch: every row is checked in
Python (``Loader.prepare``), then in one transaction the batch's keys are looked up, conflicts
refused, new rows inserted and changed rows updated with set-based statements, an audit entry
summarising the batch appended, and the transaction committed. So:

- a process killed in the middle leaves whole batches, never half a row or a dangling reference
  (foreign keys hold on both engines), and running the same import again completes it;
- memory stays flat: one batch of rows is held at a time, and keys already seen in the file live
  in a temporary table of the import's own connection, not in Python;
- good rows load; every bad row goes to the error file with its row number, column, masked value
  and the message in Chinese and English.

``strict`` checks the whole file first without writing; only if every row is good does it load
it, then in a single transaction (nothing at all if a row turns bad in between). ``dry_run``
checks and counts, and writes nothing but the error file.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..plugin.contributions import Importer
from ..plugin.host import PluginHost
from ..store import audit
from ..store.scope import Actor, NotFound, actor_for
from ..store.tables import tree_t, unit_t
from . import bulk
from .errorfile import ErrorFile, default_path
from .kinds import HostsLoader, MembershipsLoader, MembersLoader, PlatformsLoader, TargetsLoader
from .loaders import LoadContext, Loader, Row
from .messages import RowError
from .parallel import run_in_workers, worker_count
from .pipeline import collect_garbage, prepared_batches
from .readers import LedgerFileError, Sheet, columns_of
from .units import UnitsLoader
from .work_items import WorkItemsLoader

if TYPE_CHECKING:
    from ..workspace import ActorSession, Workspace

LOADERS: dict[str, type[Loader]] = {
    "units": UnitsLoader,
    "hosts": HostsLoader,
    "members": MembersLoader,
    "memberships": MembershipsLoader,
    "work-items": WorkItemsLoader,
    "platforms": PlatformsLoader,
    "targets": TargetsLoader,
}
#: The record kinds ``kexie import`` and ``kexie export`` take (contract names).
KIND_NAMES: tuple[str, ...] = tuple(LOADERS)
DEFAULT_BATCH_SIZE = 5_000

#: ``progress(rows read, fraction of the file read or None, phase)``; phase is ``check`` or
#: ``load``.
Progress = Callable[[int, float | None, str], None]


@dataclass
class ImportResult:
    """What an import did (or, with ``dry_run``, would do)."""

    kind: str
    source: str
    dry_run: bool = False
    strict: bool = False
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    warnings: int = 0
    batches: int = 0
    loaded: bool = False
    errors_file: str | None = None
    file_error: RowError | None = None
    seconds: float = 0.0
    problems: list[RowError] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        """No row was rejected and the file could be read."""
        return self.rejected == 0 and self.file_error is None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("problems")
        data["file_error"] = (
            None
            if self.file_error is None
            else {"row": self.file_error.row, "zh": self.file_error.zh, "en": self.file_error.en}
        )
        data["ok"] = self.ok
        return data


def import_records(
    target: ActorSession | Workspace,
    kind: str,
    path: str | Path,
    *,
    dry_run: bool = False,
    strict: bool = False,
    errors: str | Path | bool | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    importer: str | None = None,
    progress: Progress | None = None,
    keep_problems: int = 0,
    workers: int | None = None,
) -> ImportResult:
    """Import the ledger at ``path`` as records of ``kind`` (``members``, ``work-items``…).

    :param target: the actor (an ``ActorSession``). A ``Workspace`` acts as its root unit; on an
        empty database it may only import units, and the file's row without a parent becomes
        the root.
    :param dry_run: check and count; write nothing but the error file.
    :param strict: load nothing unless every row is good.
    :param errors: the error file; default ``<name>.errors.csv`` beside the input; False for
        none.
    :param importer: the key of an importer (a plug-in's layout); default: by file suffix.
    :param progress: called after each batch.
    :param keep_problems: also keep up to this many problems in ``ImportResult.problems``.
    :param workers: worker processes for a large members file (``ledger.parallel``); default:
        two for files over 12 MB where the system can fork, else none; 0 or 1 for none.
    """
    columns_of(kind)
    session, workspace = _resolve(target, kind)
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    reader = choose_importer(workspace.plugins, path, kind, importer)
    errors_path = default_path(path) if errors in (None, True) else None
    if isinstance(errors, str | Path):
        errors_path = Path(errors)
    run = _Run(
        workspace,
        session,
        kind,
        path,
        reader,
        errors_path=errors_path,
        batch_size=max(1, batch_size),
        progress=progress,
        keep=keep_problems,
        workers=workers,
    )
    if strict and not dry_run:
        checked = run.go(write=False, phase="check")
        checked.strict = True
        if not checked.ok:
            return checked
        loaded = run.go(write=True, atomic=True, phase="load")
        loaded.strict = True
        return loaded
    result = run.go(write=not dry_run, phase="check" if dry_run else "load")
    result.dry_run, result.strict = dry_run, strict
    return result


def _resolve(target: Any, kind: str) -> tuple[ActorSession | None, Workspace]:
    from ..workspace import ActorSession, Workspace

    if isinstance(target, ActorSession):
        return target, target.workspace
    if not isinstance(target, Workspace):
        raise TypeError("import_records needs an ActorSession or a Workspace")
    with target.read() as conn:
        empty = conn.execute(sa.select(sa.func.count()).select_from(unit_t)).scalar_one() == 0
    if empty and kind == "units":
        return None, target
    if empty:
        raise NotFound("there are no units yet: import units first (kexie import units FILE)")
    return target.as_root(), target


def choose_importer(plugins: PluginHost, path: Path, kind: str, key: str | None = None) -> Importer:
    """The importer for ``path``: ``key`` if given, else the built-in one for its suffix."""
    registry = plugins.importers()
    if key is not None:
        try:
            return registry.get(key)
        except KeyError as exc:
            raise ValueError(str(exc.args[0])) from None
    suffix = path.suffix.lower()
    fits = [i for i in registry if suffix in i.suffixes and (not i.kinds or kind in i.kinds)]
    builtin = [i for i in fits if i.plugin.startswith("kexie.")]
    if builtin:
        return builtin[0]
    if len(fits) == 1:
        return fits[0]
    if fits:
        keys = ", ".join(i.key for i in fits)
        raise ValueError(
            f"several importers read {suffix} files ({keys}); choose one with --layout"
        )
    known = sorted({s for i in registry for s in i.suffixes})
    raise ValueError(f"cannot import {suffix or 'files without a suffix'}; accepted: {known}")


class _Run:
    """One pass over the file (``strict`` makes two)."""

    def __init__(
        self,
        workspace: Workspace,
        session: ActorSession | None,
        kind: str,
        path: Path,
        reader: Importer,
        *,
        errors_path: Path | None,
        batch_size: int,
        progress: Progress | None,
        keep: int,
        workers: int | None = None,
    ) -> None:
        self.workers = workers
        self.workspace = workspace
        self.session = session
        self.kind = kind
        self.path = path
        self.reader = reader
        self.errors_path = errors_path
        self.batch_size = batch_size
        self.progress = progress
        self.keep = keep

    def go(self, *, write: bool, atomic: bool = False, phase: str = "load") -> ImportResult:
        started = time.perf_counter()
        result = ImportResult(self.kind, str(self.path))
        with ErrorFile(self.errors_path) as errors:
            try:
                sheet = _open(self.reader, self.path, self.kind)
            except LedgerFileError as exc:
                self._file_error(result, errors, exc)
                return self._finish(result, errors, started)
            with closing(sheet):
                try:
                    self._batches(sheet, result, errors, write=write, atomic=atomic, phase=phase)
                except LedgerFileError as exc:
                    self._file_error(result, errors, exc)
        return self._finish(result, errors, started)

    def _finish(self, result: ImportResult, errors: ErrorFile, started: float) -> ImportResult:
        result.errors_file = str(errors.path) if errors.count and errors.path else None
        result.seconds = round(time.perf_counter() - started, 3)
        return result

    def _file_error(self, result: ImportResult, errors: ErrorFile, exc: LedgerFileError) -> None:
        error = RowError(exc.row, "", exc.column, "", exc.zh, exc.en)
        result.file_error = error
        errors.write([error])

    def _batches(
        self,
        sheet: Sheet,
        result: ImportResult,
        errors: ErrorFile,
        *,
        write: bool,
        atomic: bool,
        phase: str,
    ) -> None:
        ctx = _context(self.workspace, self.session, sheet.headers)
        ctx.restores_formulas = sheet.restores_formulas
        loader = LOADERS[self.kind](ctx)
        size = 10**9 if loader.single_batch else self.batch_size
        workers = worker_count(
            loader, self.path, write=write, atomic=atomic, requested=self.workers
        )
        with self.workspace.engine.connect() as conn:
            if not write or workers:
                # Checking takes no write lock on SQLite (it writes only its temporary table);
                # with workers, they take it, batch by batch.
                conn = conn.execution_options(sqlite_deferred=True)
            use_seen = not loader.single_batch
            if use_seen:
                with conn.begin():
                    bulk.create_seen(conn)
            if loader.needs_key:
                _resolve_key(loader)  # on this thread: it reads the database
            try:
                if workers:
                    run_in_workers(self, conn, sheet, loader, result, errors, workers, phase)
                    self._no_rows(result)
                    return
                outer = conn.begin() if atomic else None
                # A reader thread pays on PostgreSQL, where COPY returns the GIL for a whole
                # batch while the server works; SQLite returns it row by row inside executemany,
                # and two busy threads then only wait for each other (measured: no gain).
                ahead = not loader.single_batch and bulk.is_postgresql(conn)
                with prepared_batches(sheet, loader, size, ahead=ahead) as batches:
                    for number, rows in enumerate(batches, start=1):
                        if outer is None:
                            with conn.begin():
                                batch = self._apply(conn, loader, rows, write, use_seen, number)
                        else:
                            batch = self._apply(conn, loader, rows, write, use_seen, number)
                        self._count(result, rows, batch, errors)
                        result.loaded = result.loaded or (write and any(batch[:2]))
                        collect_garbage()
                        if self.progress is not None:
                            self.progress(result.rows, sheet.position(), phase)
                if outer is not None:
                    if result.rejected:
                        outer.rollback()
                        result.loaded = False
                    else:
                        outer.commit()
                self._no_rows(result)
            finally:
                if use_seen:
                    with conn.begin():
                        bulk.drop_seen(conn)

    @staticmethod
    def _no_rows(result: ImportResult) -> None:
        if result.rows == 0 and result.file_error is None:
            raise LedgerFileError("文件中没有数据行", "the file has no data rows", row=2)

    def _apply(
        self,
        conn: Connection,
        loader: Loader,
        rows: list[Row],
        write: bool,
        use_seen: bool,
        number: int,
    ) -> tuple[int, int, int]:
        """Check and write one batch in the caller's transaction: (created, updated, same)."""
        loader.batch = rows
        claims = _first_occurrences(loader, [r for r in rows if r.keys])
        if use_seen and claims:
            # Once earlier batches are written, the database itself finds a repeat of keys the
            # loader checks there (an ID number another member has): only the rest are tracked.
            skip = loader.checked_in_database if write else frozenset()
            keys = {k: r.no for r in claims for name, k in r.keys if name not in skip}
            earlier = bulk.seen_before(conn, keys)
            for row in claims:
                if row.errors:
                    continue
                for name, key in row.keys:
                    if key in earlier:
                        loader.duplicate(row, name, earlier[key])
                        break
        live = [r for r in claims if not r.errors]
        if not live:
            return 0, 0, 0
        if write:
            bulk.lock_for_writing(conn, loader.locks)
        loader.check(conn, live)
        new, changed, same = loader.classify(r for r in live if not r.errors)
        for row in new:
            for name in row.masked - {"id_number"}:
                loader.ctx.error(
                    row,
                    name,
                    "脱敏的号码不能保存，新记录的该项留空",
                    "a masked number cannot be stored; the new record leaves it blank",
                    warning=True,
                )
        if write and (new or changed):
            loader.write(conn, new, changed)
            self._audit(conn, loader, rows, number, len(new), len(changed), len(same), new)
        return len(new), len(changed), len(same)

    def _audit(
        self,
        conn: Connection,
        loader: Loader,
        rows: list[Row],
        number: int,
        created: int,
        updated: int,
        same: int,
        new: list[Row],
    ) -> None:
        actor: Actor | str | None = loader.ctx.actor
        if actor is None:  # the first units of an empty database: the root acts
            actor = next((r.key[0] for r in new if not r.values.get("parent")), "")
        audit.record(
            conn,
            actor,
            "import",
            loader.entity,
            self.path.name,
            unit_id=loader.ctx.actor.unit_id if loader.ctx.actor else None,
            detail={
                "file": self.path.name,
                "batch": number,
                "first_row": rows[0].no,
                "last_row": rows[-1].no,
                "created": created,
                "updated": updated,
                "unchanged": same,
                "rejected": sum(1 for r in rows if r.errors),
            },
        )

    def _count(
        self, result: ImportResult, rows: list[Row], batch: tuple[int, int, int], errors: ErrorFile
    ) -> None:
        created, updated, same = batch
        result.rows += len(rows)
        result.created += created
        result.updated += updated
        result.unchanged += same
        result.batches += 1
        found: list[RowError] = []
        for row in rows:
            if row.errors:
                result.rejected += 1
                found.extend(row.errors)
            if row.warnings:
                found.extend(row.warnings)
                if not row.errors:
                    result.warnings += 1
        found.sort(key=lambda e: (e.row, e.warning))
        errors.write(found)
        if len(result.problems) < self.keep:
            result.problems.extend(found[: self.keep - len(result.problems)])


def _open(reader: Importer, path: Path, kind: str) -> Sheet:
    opened = reader.read(path, kind)
    if isinstance(opened, Sheet):
        return opened
    # A plug-in's layout is a spreadsheet more often than not: treat it like CSV.
    return Sheet({}, iter(opened), restores_formulas=True)


def _resolve_key(loader: Loader) -> None:
    from ..store.keys import KeyError_

    # Without a key, rows with an ID number fail on their own with the same message.
    with contextlib.suppress(KeyError_):
        loader.ctx.id_key()


def _first_occurrences(loader: Loader, rows: list[Row]) -> list[Row]:
    """Refuse rows repeating a key of an earlier row of the same batch; the rows whose keys
    count (the first occurrences, refused rows that claim their key among them)."""
    first: dict[str, int] = {}
    claims: list[Row] = []
    for row in rows:
        repeated = next(((n, k) for n, k in row.keys if k in first), None)
        if repeated is not None:
            if not row.errors:
                loader.duplicate(row, repeated[0], first[repeated[1]])
            continue
        for _, key in row.keys:
            first[key] = row.no
        claims.append(row)
    return claims


def _context(
    workspace: Workspace, session: ActorSession | None, headers: dict[str, str]
) -> LoadContext:
    actor = session.actor if session is not None else None
    with workspace.read() as conn:
        if actor is not None:
            actor = actor_for(conn, actor.code)  # still there, and its place in the tree now
        units = dict(conn.execute(sa.select(unit_t.c.code, unit_t.c.id)).all())
        visible: set[int] | None = None
        if actor is not None and not actor.is_root:
            visible = set(
                conn.execute(
                    sa.select(tree_t.c.descendant_id).where(tree_t.c.ancestor_id == actor.unit_id)
                ).scalars()
            )
    return LoadContext(
        workspace=workspace,
        session=session,
        actor=actor,
        plugins=workspace.plugins,
        units=units,
        visible=visible,
        headers=headers,
    )
