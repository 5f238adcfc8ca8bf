"""Import N members with the library, and time the raw pipeline on the same file.

    python benchmarks/import_members.py [N]            # default N = 1,000,000
    python benchmarks/import_members.py 200000 --no-xlsx
    KEXIE_TEST_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        python benchmarks/import_members.py 200000

Generates N members (Chinese headers, real check digits, dates typed three ways) as CSV and
XLSX under ``benchmarks/data/`` (kept for the next run), then, each in a fresh process and a fresh
database:

- ``library``: ``kexie_core.ledger.import_records`` — parse, validate every row with the
  pydantic record, hash the ID number, write in batches with set-based statements, commit per
  batch, audit;
- ``raw``: ``csv.reader`` + hand-written conversion (the same values: labels to keys, dates,
  booleans, the same HMAC and mask) + ``sqlite3.executemany`` in one transaction — or, on
  PostgreSQL, psycopg ``COPY … FROM STDIN``;

and prints both throughputs, their ratio (the goals: ≥ 0.4 on SQLite, ≥ 0.5 on PostgreSQL) and
the library import's peak memory above its start (goal: ≤ 100 MB whatever N is). The XLSX file is
imported by the library too (no raw baseline). Noise on a shared 2-core machine is ±15%, so the
ratio is what to compare, not the rates.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import hmac
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
KEY = b"kexie-benchmark-key-not-secret"
HEADERS = [
    "会员编号",
    "姓名",
    "所属单位代码",
    "身份证号",
    "性别",
    "出生日期",
    "农历生日",
    "手机号",
    "电子邮箱",
    "学历",
    "职称级别",
    "专业领域",
    "工作单位",
    "政治面貌",
    "专家类别",
    "临沂籍",
    "在临工作",
    "在读状态",
    "入会日期",
    "退会日期",
]
COLUMNS = [
    "member_no",
    "name",
    "unit_id",
    "id_hash",
    "id_masked",
    "gender",
    "birth_date",
    "lunar_birthday",
    "phone",
    "email",
    "degree",
    "title_level",
    "field",
    "employer",
    "political_status",
    "expert_level",
    "linyi_native",
    "works_in_linyi",
    "study_status",
    "joined_on",
    "left_on",
]


# -- data ---------------------------------------------------------------------------------------


def generate(n: int, xlsx: bool) -> tuple[Path, Path | None]:
    """``members-N.csv`` (and ``.xlsx``) under benchmarks/data, made once per N."""
    from kexie_core.model.identifiers import make_resident_id
    from kexie_core.testing import LINYI_UNITS

    DATA.mkdir(exist_ok=True)
    csv_path = DATA / f"members-{n}.csv"
    xlsx_path = DATA / f"members-{n}.xlsx"
    units = [u["code"] for u in LINYI_UNITS]
    divisions = ["371302", "371311", "371312", "371321", "371322", "371323", "371324"]
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
    given = list("伟芳娜敏静强磊军洋勇艳杰涛明超")
    degrees = ["博士", "硕士", "学士", "大专", "其他"]
    titles = ["正高级", "副高级", "中级", "初级", "无"]
    fields = ["材料科学", "临床医学", "农学", "化学工程", "机械工程", "计算机"]
    if not csv_path.exists():
        rnd = random.Random(20260701)
        start = time.perf_counter()
        tmp = csv_path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADERS)
            base = date(1950, 1, 1)
            for i in range(n):
                gender = "male" if i % 2 else "female"
                birth = base + timedelta(days=(i // 100) % 20000)
                rid = make_resident_id(divisions[(i // 2_000_000) % 7], birth, i % 100, gender)
                joined = date(2000, 1, 1) + timedelta(days=rnd.randrange(9000))
                form = i % 10
                joined_text = (
                    f"{joined.year}/{joined.month}/{joined.day}"
                    if form == 8
                    else f"{joined.year}年{joined.month}月{joined.day}日"
                    if form == 9
                    else joined.isoformat()
                )
                writer.writerow(
                    [
                        f"LY{i:08d}",
                        rnd.choice(surnames) + rnd.choice(given) + rnd.choice(["", *given]),
                        units[i % len(units)],
                        rid,
                        "",
                        "",
                        "是" if i % 17 == 0 else "否",
                        f"1{rnd.choice('3456789')}{i:09d}",
                        f"m{i}@example.cn" if i % 3 == 0 else "",
                        rnd.choice(degrees),
                        rnd.choice(titles),
                        rnd.choice(fields),
                        "某某科技有限公司",
                        rnd.choice(["中共党员", "群众", "九三学社社员"]),
                        "院士" if i % 5000 == 0 else "",
                        "是" if i % 3 else "否",
                        "是",
                        "博士研究生" if i % 97 == 0 else "",
                        joined_text,
                        "",
                    ]
                )
        tmp.rename(csv_path)
        print(f"generated {csv_path.name} in {time.perf_counter() - start:.0f} s", flush=True)
    if xlsx and not xlsx_path.exists():
        import xlsxwriter

        start = time.perf_counter()
        tmp = xlsx_path.with_suffix(".tmp.xlsx")
        book = xlsxwriter.Workbook(str(tmp), {"constant_memory": True})
        sheet = book.add_worksheet("会员")
        with csv_path.open(encoding="utf-8-sig", newline="") as handle:
            for r, row in enumerate(csv.reader(handle)):
                for c, value in enumerate(row):
                    if value:
                        sheet.write_string(r, c, value)
        book.close()
        tmp.rename(xlsx_path)
        print(f"generated {xlsx_path.name} in {time.perf_counter() - start:.0f} s", flush=True)
    return csv_path, (xlsx_path if xlsx else None)


# -- databases ------------------------------------------------------------------------------------


def fresh_database(backend: str, workdir: Path) -> str:
    """A migrated database with the small Linyi tree; returns its URL."""
    from kexie_core.plugin.host import PluginHost
    from kexie_core.testing import load_units
    from kexie_core.workspace import Workspace

    if backend == "sqlite":
        url = f"sqlite:///{workdir / f'bench-{uuid.uuid4().hex[:8]}.db'}"
    else:
        import sqlalchemy as sa

        base = os.environ["KEXIE_TEST_PG_URL"]
        schema = f"kexie_bench_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(base)
        with admin.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        admin.dispose()
        url = sa.make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        url = url.render_as_string(hide_password=False)
    ws = Workspace.open(url, secret_key=KEY, plugins=PluginHost())
    ws.init()
    load_units(ws)
    ws.close()
    return url


def drop_database(url: str) -> None:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1]
        for suffix in ("", "-wal", "-shm"):
            Path(path + suffix).unlink(missing_ok=True)
        return
    import sqlalchemy as sa

    schema = sa.make_url(url).query["options"].split("=", 1)[1]
    admin = sa.create_engine(os.environ["KEXIE_TEST_PG_URL"])
    with admin.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    admin.dispose()


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3  # KiB on Linux


# -- the two pipelines (each run in a child process) ---------------------------------------------


def run_library(url: str, path: Path) -> dict[str, float]:
    from kexie_core.ledger import import_records
    from kexie_core.plugin.host import PluginHost
    from kexie_core.workspace import Workspace

    plugins = PluginHost(strict=False)
    plugins.load_builtins()
    ws = Workspace.open(url, secret_key=KEY, plugins=plugins)
    root = ws.as_root()
    before = rss_mb()
    start = time.perf_counter()
    result = import_records(root, "members", path, errors=False)
    seconds = time.perf_counter() - start
    ws.close()
    assert result.rejected == 0 and result.created == result.rows, result
    # Worker processes (large members files) start as copies of this process: their growth is
    # their peak less what this process held when it forked them.
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1e3
    return {
        "rows": result.rows,
        "seconds": seconds,
        "peak_mb": peak_mb() - before,
        "workers_peak_mb": max(children - before, 0.0),
    }


_DEGREE = {"博士": "doctorate", "硕士": "master", "学士": "bachelor", "大专": "associate"}
_TITLE = {"正高级": "senior", "副高级": "deputy_senior", "中级": "intermediate", "初级": "junior"}
_STUDY = {"博士研究生": "doctoral", "博士后": "postdoc"}


def _day(text: str) -> str | None:
    if not text:
        return None
    if "年" in text:
        y, rest = text.split("年")
        m, d = rest.rstrip("日").split("月")
    elif "/" in text:
        y, m, d = text.split("/")
    else:
        return text
    return f"{int(y):04d}-{int(m):02d}-{int(d):02d}"


def raw_rows(path: Path, units: dict[str, int]) -> list[tuple[object, ...]]:
    """csv.reader + hand-written conversion to exactly the library's member values."""
    rows = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        for r in reader:
            rid = r[3].upper()
            rows.append(
                (
                    r[0],
                    r[1],
                    units[r[2]],
                    hmac.new(KEY, rid.encode(), hashlib.sha256).hexdigest(),
                    rid[:3] + "*" * 14 + rid[-1],
                    "male" if int(rid[16]) % 2 else "female",
                    f"{rid[6:10]}-{rid[10:12]}-{rid[12:14]}",
                    r[6] == "是",
                    r[7] or None,
                    r[8] or None,
                    _DEGREE.get(r[9], "other"),
                    _TITLE.get(r[10], "none"),
                    r[11] or None,
                    r[12] or None,
                    r[13] or None,
                    "academician" if r[14] == "院士" else "none",
                    r[15] == "是",
                    r[16] == "是",
                    _STUDY.get(r[17], "none"),
                    _day(r[18]),
                    _day(r[19]),
                )
            )
    return rows


def run_raw(url: str, path: Path) -> dict[str, float]:
    if url.startswith("sqlite"):
        import sqlite3

        db = sqlite3.connect(url.split("///", 1)[1], isolation_level=None)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        units = dict(db.execute("SELECT code, id FROM unit"))
        start = time.perf_counter()
        rows = raw_rows(path, units)
        db.execute("BEGIN")
        marks = ", ".join("?" for _ in COLUMNS)
        db.executemany(f"INSERT INTO member ({', '.join(COLUMNS)}) VALUES ({marks})", rows)
        db.execute("COMMIT")
        seconds = time.perf_counter() - start
        db.close()
        return {"rows": len(rows), "seconds": seconds}
    import psycopg
    import sqlalchemy as sa

    parsed = sa.make_url(url)
    conninfo = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo.split("?")[0], options=parsed.query["options"]) as conn:
        units = dict(conn.execute("SELECT code, id FROM unit").fetchall())
        start = time.perf_counter()
        count = 0
        with (
            conn.cursor() as cursor,
            cursor.copy(f"COPY member ({', '.join(COLUMNS)}) FROM STDIN") as copy,
        ):
            # Row by row into COPY, as a hand-written loader would stream it.
            for row in raw_rows(path, units):
                copy.write_row(row)
                count += 1
        conn.commit()
        seconds = time.perf_counter() - start
    return {"rows": count, "seconds": seconds}


def child(argv: list[str]) -> None:
    pipeline, url, path = argv
    result = run_library(url, Path(path)) if pipeline == "library" else run_raw(url, Path(path))
    print(json.dumps(result))


def measure(pipeline: str, backend: str, path: Path, workdir: Path) -> dict[str, float]:
    url = fresh_database(backend, workdir)
    try:
        out = subprocess.run(
            [sys.executable, __file__, "--child", pipeline, url, str(path)],
            check=True,
            capture_output=True,
            text=True,
        )
        return dict(json.loads(out.stdout.strip().splitlines()[-1]))
    finally:
        drop_database(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--no-xlsx", action="store_true", help="skip the XLSX file")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    csv_path, xlsx_path = generate(args.n, not args.no_xlsx)
    backends = ["sqlite"] + (["postgresql"] if os.environ.get("KEXIE_TEST_PG_URL") else [])
    goals = {"sqlite": 0.4, "postgresql": 0.5}
    with tempfile.TemporaryDirectory(dir=DATA) as workdir:
        for backend in backends:
            raw = measure("raw", backend, csv_path, Path(workdir))
            lib = measure("library", backend, csv_path, Path(workdir))
            raw_rate = raw["rows"] / raw["seconds"]
            lib_rate = lib["rows"] / lib["seconds"]
            baseline = "sqlite3.executemany" if backend == "sqlite" else "psycopg COPY"
            print(f"\n{backend}: {args.n:,} members (CSV)")
            print(f"  raw (csv.reader + conversion + {baseline}): {raw_rate:10,.0f} rows/s")
            print(f"  library import_records:                   {lib_rate:10,.0f} rows/s")
            ratio = lib_rate / raw_rate
            print(f"  ratio library/raw: {ratio:.2f}  (goal >= {goals[backend]})")
            print(
                f"  library peak memory above start: {lib['peak_mb']:.0f} MB in the main process, "
                f"{lib['workers_peak_mb']:.0f} MB in each worker process  (goal <= 100)"
            )
            if xlsx_path is not None:
                xl = measure("library", backend, xlsx_path, Path(workdir))
                print(
                    f"  library import_records, XLSX: {xl['rows'] / xl['seconds']:,.0f} rows/s, "
                    f"peak {xl['peak_mb']:.0f} MB above start"
                )


if __name__ == "__main__":
    main()
