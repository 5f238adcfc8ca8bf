"""Large member files with worker processes (并行导入).

One Python process spends about 50 µs on each member row, almost all of it checking the row
(pydantic validation of the record and its ID number, the HMAC) rather than writing it; the GIL
keeps threads from sharing that work. So a large members file is split among worker processes,
each of which checks *and writes* whole batches on its own database connection, exactly as the
single-process import does (``_Run._apply``): the writes still happen one batch at a time — each
takes the database's write lock (``BEGIN IMMEDIATE`` on SQLite, a table lock on PostgreSQL) — but
the checking runs on every core. Measured on a 2-core machine: 1.8x the single process.

What stays the same: every batch is one transaction with its audit entry (a killed import leaves
whole batches; batches may commit in a different order than the file's, which a re-run does not
mind); a member number repeated in the file is refused on the repeat, with the first row's
number — the parent process finds repeats on the member number cells before handing batches
out, keeping the numbers seen in its temporary table as the single-process import does; an ID
number repeated across batches is found in the database by the batch that comes second (the
write lock orders them). The error file is written by the parent, in row order.

Workers are forked (Linux), so they inherit the checked plug-ins, the unit map and the actor;
each opens its own connection. Used for ``members`` when the file is large and writes are
committed batch by batch; ``--strict`` (one transaction) and ``--dry-run`` stay in one process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Connection

from . import bulk
from .loaders import Loader, Row
from .messages import RowError
from .pipeline import _chunks, collect_garbage

if TYPE_CHECKING:
    from .errorfile import ErrorFile
    from .importer import ImportResult, _Run
    from .readers import Sheet

#: Files this large (about 100,000 member rows) use worker processes unless told otherwise.
PARALLEL_BYTES = 12 * 1024 * 1024

# Set in the parent just before the workers are forked; they inherit it.
_STATE: dict[str, Any] = {}


def worker_count(
    loader: Loader, path: Path, *, write: bool, atomic: bool, requested: int | None
) -> int:
    """How many worker processes to use (0: import in this process)."""
    if not loader.parallel or not write or atomic or loader.has_plugin_rules:
        return 0
    if "fork" not in multiprocessing.get_all_start_methods():
        return 0
    if requested is None:
        big = path.stat().st_size >= PARALLEL_BYTES
        requested = min(2, os.cpu_count() or 1) if big else 0
    return requested if requested >= 2 else 0


def _die_with_parent(parent: int) -> None:
    """Linux: end this worker when the import process ends, however it ends (a killed import
    must not leave workers committing batches, or waiting for work forever)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return  # not Linux: the worker still ends when its queue closes
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


_PR_SET_PDEATHSIG = 1


def _start_worker() -> None:
    _die_with_parent(_STATE["parent"])
    run: _Run = _STATE["run"]
    # The parent's pooled connections must never be used (or closed) here.
    run.workspace.engine.dispose(close=False)
    _STATE["conn"] = run.workspace.engine.connect()
    gc.freeze()
    gc.disable()  # see pipeline._collector_paused


def _work(number: int, chunk: list[tuple[int, dict[str, Any]]]) -> tuple[Any, ...]:
    run: _Run = _STATE["run"]
    loader: Loader = _STATE["loader"]
    conn: Connection = _STATE["conn"]
    rows = [loader.prepare(no, raw) for no, raw in chunk]
    with conn.begin():
        batch = run._apply(conn, loader, rows, True, False, number)
    collect_garbage()
    problems: list[RowError] = []
    rejected = warned = 0
    for row in rows:
        if row.errors:
            rejected += 1
            problems.extend(row.errors)
        if row.warnings:
            problems.extend(row.warnings)
            warned += 0 if row.errors else 1
    return batch, rejected, warned, problems


def run_in_workers(
    run: _Run,
    conn: Connection,
    sheet: Sheet,
    loader: Loader,
    result: ImportResult,
    errors: ErrorFile,
    workers: int,
    phase: str,
) -> None:
    """Import ``sheet`` with ``workers`` processes; the parent reads, de-duplicates, reports."""
    _STATE.update(run=run, loader=loader, parent=os.getpid())
    context = multiprocessing.get_context("fork")
    pending: deque[tuple[list[Row], int, Future[tuple[Any, ...]]]] = deque()
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker) as pool:
        try:
            for number, chunk in enumerate(_chunks(sheet, run.batch_size), start=1):
                repeats, fresh = _repeats(conn, loader, chunk)
                pending.append((repeats, len(chunk), pool.submit(_work, number, fresh)))
                # Enough batches queued to keep every worker busy, and no more (memory).
                while len(pending) > workers:
                    _collect(run, pending.popleft(), result, errors, sheet, phase)
            while pending:
                _collect(run, pending.popleft(), result, errors, sheet, phase)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        finally:
            _STATE.clear()


def _repeats(
    conn: Connection, loader: Loader, chunk: list[tuple[int, dict[str, Any]]]
) -> tuple[list[Row], list[tuple[int, dict[str, Any]]]]:
    """Rows repeating a member number of an earlier row (refused here), and the others."""
    first: dict[str, int] = {}
    repeats: list[Row] = []
    fresh: list[tuple[int, dict[str, Any]]] = []
    keyed: list[tuple[int, dict[str, Any], str | None]] = []
    for no, raw in chunk:
        key = loader.raw_key(raw)
        if key is not None and key in first:
            repeats.append(_repeat(loader, no, raw, first[key]))
            continue
        if key is not None:
            first[key] = no
        keyed.append((no, raw, key))
    with conn.begin():
        earlier = bulk.seen_before(conn, first)
    for no, raw, key in keyed:
        if key is not None and key in earlier:
            repeats.append(_repeat(loader, no, raw, earlier[key]))
        else:
            fresh.append((no, raw))
    return repeats, fresh


def _repeat(loader: Loader, no: int, raw: dict[str, Any], first: int) -> Row:
    row = Row(no, raw)
    loader.duplicate(row, loader.spec.key[0], first)
    return row


def _collect(
    run: _Run,
    item: tuple[list[Row], int, Future[tuple[Any, ...]]],
    result: ImportResult,
    errors: ErrorFile,
    sheet: Sheet,
    phase: str,
) -> None:
    repeats, size, future = item
    (created, updated, same), rejected, warned, problems = future.result()
    result.rows += size
    result.created += created
    result.updated += updated
    result.unchanged += same
    result.rejected += rejected + len(repeats)
    result.warnings += warned
    result.batches += 1
    result.loaded = result.loaded or bool(created or updated)
    found: list[RowError] = [*problems, *_errors(repeats)]
    found.sort(key=lambda e: (e.row, e.warning))
    errors.write(found)
    if len(result.problems) < run.keep:
        result.problems.extend(found[: run.keep - len(result.problems)])
    if run.progress is not None:
        run.progress(result.rows, sheet.position(), phase)


def _errors(rows: Iterable[Row]) -> list[RowError]:
    return [e for r in rows for e in (r.errors or [])]
