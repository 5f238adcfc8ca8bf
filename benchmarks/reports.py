"""Benchmark: the Excel and Word reports of every county and society in a 5,000-unit database.

    .venv/bin/python benchmarks/reports.py                 # full size, SQLite
    .venv/bin/python benchmarks/reports.py --scale 0.1     # a tenth, for trying
    KEXIE_TEST_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python benchmarks/reports.py --backend postgresql

It uses the database of ``benchmarks/metrics.py`` (5,000 units in a 5-level tree, 1,000,000
members, 1,000,000 work items; built once with set-based inserts and reused), and builds the
reports the way ``kexie report build --all-children`` does: one ``assemble_reports`` call (one
metric-engine run from the root down to the children of the deepest unit asked for, plus one
small run per trend period for the headline metrics), then the writers.

It prints seconds per report, split into assembling the data (the queries) and writing each file;
the goal (issue 7) is that most of the time goes to writing files, not to queries.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from metrics import _url, open_database  # noqa: E402  (the shared benchmark database)

from kexie_core.documents import assemble_reports  # noqa: E402
from kexie_core.documents.exporters import default_filename, resolve_exporter  # noqa: E402
from kexie_core.store.tables import unit_t  # noqa: E402
from kexie_core.workspace import Workspace  # noqa: E402

PERIOD = "2026Q2"
FORMATS = ("xlsx", "docx")


def _codes(ws: Workspace, kinds: tuple[str, ...]) -> list[str]:
    with ws.engine.connect() as conn:
        query = sa.select(unit_t.c.code).where(unit_t.c.kind.in_(kinds)).order_by(unit_t.c.code)
        return list(conn.execute(query).scalars())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = the full size")
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--period", default=PERIOD)
    parser.add_argument("--limit", type=int, default=0, help="stop after this many reports")
    args = parser.parse_args()

    url = _url(args.backend, args.scale)
    ws, counts = open_database(url, args.scale)
    host = ws.plugins
    print(
        f"{args.backend}: {counts['unit']:,} units, {counts['member']:,} members, "
        f"{counts['work_item']:,} work items; period {args.period}"
    )

    root = ws.as_root()
    exporters = {fmt: resolve_exporter(host, fmt) for fmt in FORMATS}
    write_s: dict[str, list[float]] = {fmt: [] for fmt in FORMATS}
    sizes: dict[str, list[int]] = {fmt: [] for fmt in FORMATS}
    reports = 0
    first = time.perf_counter()
    codes = _codes(ws, ("county", "society"))
    if args.limit:
        codes = codes[: args.limit]
    t0 = time.perf_counter()
    batch = assemble_reports(root, args.period, codes)
    spent = time.perf_counter() - t0
    print(f"assembled {len(batch)} reports in {spent:.1f} s (one metric run)", flush=True)
    # The batch's queries are shared by its reports: charge each an equal part.
    assemble_s = [spent / max(len(batch), 1)] * len(batch)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        for report in batch:
            for fmt, exporter in exporters.items():
                path = out / default_filename(report, exporter)
                t1 = time.perf_counter()
                exporter.write(report, path)
                write_s[fmt].append(time.perf_counter() - t1)
                sizes[fmt].append(path.stat().st_size)
                path.unlink()
            reports += 1
    total = time.perf_counter() - first
    ws.close()

    query = sum(assemble_s)
    writing = {fmt: sum(v) for fmt, v in write_s.items()}
    print(
        f"{reports} units (counties and societies), {reports * len(FORMATS)} files, {total:.1f} s"
    )
    print(f"{'step':<22}{'total s':>9}{'s/report':>10}{'median':>9}{'share':>8}")
    steps = [("assemble (queries)", assemble_s), *((f"write {f}", write_s[f]) for f in FORMATS)]
    overall = query + sum(writing.values())
    for name, values in steps:
        print(
            f"{name:<22}{sum(values):>9.2f}{sum(values) / max(reports, 1):>10.3f}"
            f"{statistics.median(values) if values else 0:>9.3f}{sum(values) / overall:>8.0%}"
        )
    per_report = overall / max(reports, 1)
    print(f"{'all':<22}{overall:>9.2f}{per_report:>10.3f}")
    for fmt in FORMATS:
        print(f"mean {fmt} size: {statistics.mean(sizes[fmt]) / 1024:.0f} KiB")
    print(f"writing files: {sum(writing.values()) / overall:.0%} of the time (goal: most of it)")


if __name__ == "__main__":
    main()
