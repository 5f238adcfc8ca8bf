"""Benchmark: every built-in metric over a 5,000-unit tree, against hand-written SQL.

    .venv/bin/python benchmarks/metrics.py                 # full size, SQLite (builds once)
    .venv/bin/python benchmarks/metrics.py --scale 0.1     # a tenth, for trying
    KEXIE_TEST_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python benchmarks/metrics.py --backend postgresql

The database (5,000 units in a 5-level tree, 1,000,000 members, 100,000 memberships, 1,000,000
work items over 2025–2026, 20,000 hosts, platforms, honours and expert visits) is built with
set-based inserts (``INSERT … SELECT`` over a counter) into ``benchmarks/data/`` (SQLite) or the
schema ``kexie_bench`` (PostgreSQL), and reused by later runs.

It then times, medians of ``--repeat`` runs: the whole built-in set for the whole tree for 2026;
and three metrics both through the library and as hand-written SQL giving the same figures (own
and subtree for every unit): member count, work items per area, enterprise coverage rate.
Goals (issue 5): the library within 1.5x of the hand-written SQL; the whole set under 10 s on
SQLite.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from kexie_core.metrics import compute_metrics
from kexie_core.metrics import engine as engine_module
from kexie_core.model.enums import Area
from kexie_core.plugin.host import PluginHost
from kexie_core.store import tree
from kexie_core.store.engine import create_engine
from kexie_core.testing import TEST_KEY
from kexie_core.workspace import Workspace

HERE = Path(__file__).resolve().parent
PERIOD = "2026"
START, END = date(2026, 1, 1), date(2026, 12, 31)

KINDS = [  # (kind, area) of the built-in work kinds
    ("study_session", "1"), ("learning_platform", "1"), ("policy_briefing", "1"),
    ("patriotic_striving", "2"), ("red_education", "2"), ("scientist_spirit", "3"),
    ("integrity_education", "3"), ("academic_environment", "3"), ("award_selection", "4"),
    ("exemplar_publicity", "4"), ("academic_exchange", "5"),
    ("expert_workstation_activity", "5"), ("cooperation", "5"), ("tech_evaluation", "5"),
    ("think_tank_study", "5"), ("agri_tech_service", "5"), ("publicity_output", "6"),
    ("training", "7"), ("youth_lifting", "7"), ("talent_cultivation", "7"),
    ("home_creation", "8"), ("expert_visit", "8"), ("pairing", "8"), ("status_survey", "8"),
    ("legal_aid", "8"), ("leadership_meeting", "R1"), ("staff_training", "R1"),
    ("research", "R2"), ("practice_sharing", "R2"), ("organisation_building", "R3"),
    ("member_recruitment", "R3"),
]  # fmt: skip
CHANNELS = ["website", "wechat", "weibo", "app", "bulletin_board", "science_terminal",
            "newspaper", "tv", "radio", "other"]  # fmt: skip
OCCASIONS = ["festival", "birthday", "illness", "achievement", "routine"]
CATEGORIES = [
    "industrial_above_size", "industrial_above_size", "industrial_above_size",
    "science_enterprise", "small_tech_firm", "university", "vocational_college",
    "middle_school", "hospital", "agri_service", "park", "research_institute",
]  # fmt: skip
PLATFORM_KINDS = [
    "home_of_workers", "expert_workstation", "media_account", "education_base",
    "cooperation_platform", "science_terminal", "website", "bulletin_board",
]  # fmt: skip


# -- building the database -------------------------------------------------------------------
def _units(n_units: int) -> list[dict[str, Any]]:
    """A 5-level tree: the city, 16 counties/zones, then townships, societies, enterprises…"""
    sizes = [1, 16]
    rest = n_units - 17
    sizes += [round(rest * 0.07), round(rest * 0.28)]
    sizes.append(n_units - sum(sizes))
    kinds_by_level = [
        ["municipal"],
        ["county"] * 12 + ["zone"] * 4,
        ["township", "society", "enterprise", "park", "university", "institution"],
        ["enterprise", "rural_tech", "institution", "township"],
        ["rural_tech", "enterprise"],
    ]
    units: list[dict[str, Any]] = []
    previous: list[int] = []
    next_id = 1
    for level, size in enumerate(sizes):
        ids = list(range(next_id, next_id + size))
        for i, unit_id in enumerate(ids):
            kinds = kinds_by_level[level]
            units.append(
                {
                    "id": unit_id,
                    "code": f"U{unit_id:05d}",
                    "name": f"单位{unit_id}",
                    "kind": kinds[i % len(kinds)],
                    "parent_id": previous[i % len(previous)] if previous else None,
                    "status": "dissolved" if unit_id % 97 == 0 else "active",
                }
            )
        previous, next_id = ids, next_id + size
    return units


def _counter(dialect: str, count: int) -> str:
    """A FROM clause giving n = 1..count (recursive CTE on SQLite, generate_series on PG)."""
    if dialect == "postgresql":
        return f"generate_series(1::bigint, {count}) AS seq(n)"
    return (
        f"(WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {count}) "
        "SELECT n FROM s) AS seq"
    )


def _date(dialect: str, base: str, days: str) -> str:
    if dialect == "postgresql":
        return f"(DATE '{base}' + ({days})::int)"
    return f"date('{base}', '+' || ({days}) || ' days')"


def _pick(values: list[str], index: str) -> str:
    whens = " ".join(f"WHEN {i} THEN '{v}'" for i, v in enumerate(values))
    return f"(CASE ({index}) % {len(values)} {whens} END)"


def build(engine: sa.Engine, scale: float) -> None:
    d = engine.dialect.name
    n_units = max(100, round(5000 * scale))
    n_members = round(1_000_000 * scale)
    n_work = round(1_000_000 * scale)
    n_ms, n_hosts = round(100_000 * scale), round(20_000 * scale)
    n_plat, n_hon = round(5_000 * scale), round(20_000 * scale)
    json = "::json" if d == "postgresql" else ""
    true, false = ("TRUE", "FALSE") if d == "postgresql" else ("1", "0")
    steps: list[tuple[str, str]] = [
        (
            "members",
            f"""INSERT INTO member (id, member_no, name, unit_id, lunar_birthday, degree,
                title_level, expert_level, linyi_native, works_in_linyi, study_status, birth_date,
                joined_on, left_on)
            SELECT n, 'M' || n, '会员' || n, 1 + (n * 7919) % {n_units}, {false}, 'bachelor',
                'none',
                CASE WHEN n % 997 = 0 THEN 'academician' WHEN n % 499 = 0 THEN 'high_level'
                     ELSE 'none' END,
                {false}, {true},
                CASE WHEN n % 53 = 0 THEN 'doctoral' WHEN n % 101 = 0 THEN 'postdoc'
                     ELSE 'none' END,
                {_date(d, "1960-01-01", "n % 16000")},
                {_date(d, "2018-01-01", "n % 3285")},
                CASE WHEN n % 41 = 0 THEN {_date(d, "2019-01-01", "n % 2900")} END
            FROM {_counter(d, n_members)}""",
        ),
        (
            "memberships",
            f"""INSERT INTO membership (member_id, unit_id, role)
            SELECT 1 + (n * 13) % {n_members}, 1 + (n * 104729) % {n_units}, '会员'
            FROM {_counter(d, n_ms)}""",
        ),
        (
            "work items",
            f"""INSERT INTO work_item (kind, area, unit_id, title, started_on, ended_on,
                participants, hours, details, evidence)
            SELECT k.kind, k.area, 1 + (n * 3571) % {n_units}, '事项' || n,
                {_date(d, "2025-01-01", "n % 730")}, {_date(d, "2025-01-01", "n % 730")},
                n % 50, (n % 8) * 0.5,
                (CASE k.kind
                    WHEN 'publicity_output' THEN '{{"channel": "' || {_pick(CHANNELS, "n")} || '"}}'
                    WHEN 'expert_visit' THEN '{{"occasion": "' || {_pick(OCCASIONS, "n")} || '"}}'
                    WHEN 'award_selection' THEN '{{"programme": "青年科技奖", "winners": 3}}'
                    WHEN 'leadership_meeting' THEN '{{"staff": ' || (n % 7) || '}}'
                    ELSE '{{}}' END){json},
                '[]'{json}
            FROM {_counter(d, n_work)} JOIN bench_kind k ON k.i = n % {len(KINDS)}""",
        ),
        (
            "expert visits",
            f"""INSERT INTO work_item_member (work_item_id, member_id, role)
            SELECT id, 997 * (1 + id % {max(1, n_members // 997)}), 'visited'
            FROM work_item WHERE kind = 'expert_visit'""",
        ),
        (
            "hosts",
            f"""INSERT INTO host (name, category, science_type, territory_id, unit_id)
            SELECT '依托单位' || n, {_pick(CATEGORIES, "n")}, n % 3 = 0, 2 + n % 16,
                CASE WHEN n % 3 = 0 AND n + 17 <= {n_units} THEN n + 17 END
            FROM {_counter(d, n_hosts)}""",
        ),
        (
            "platforms",
            f"""INSERT INTO platform (code, name, kind, unit_id, established_on, closed_on,
                details)
            SELECT 'P' || n, '平台' || n, {_pick(PLATFORM_KINDS, "n")}, 1 + (n * 31) % {n_units},
                {_date(d, "2015-01-01", "n % 4300")},
                CASE WHEN n % 17 = 0 THEN {_date(d, "2026-03-01", "n % 200")} END, '{{}}'{json}
            FROM {_counter(d, n_plat)}""",
        ),
        (
            "honours",
            f"""INSERT INTO honour (member_id, title, awarded_on)
            SELECT 1 + (n * 37) % {n_members}, '荣誉' || n, {_date(d, "2024-01-01", "n % 1000")}
            FROM {_counter(d, n_hon)}""",
        ),
    ]
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS bench_kind"))
        conn.execute(
            sa.text("CREATE TABLE bench_kind (i INTEGER, kind VARCHAR(60), area VARCHAR(4))")
        )
        conn.execute(
            sa.text("INSERT INTO bench_kind VALUES (:i, :kind, :area)"),
            [{"i": i, "kind": k, "area": a} for i, (k, a) in enumerate(KINDS)],
        )
        t0 = time.perf_counter()
        units = _units(n_units)
        conn.execute(sa.text(
            "INSERT INTO unit (id, code, name, kind, parent_id, status) "
            "VALUES (:id, :code, :name, :kind, :parent_id, :status)"), units)  # fmt: skip
        tree.rebuild(conn)
        print(f"  units: {len(units):,} and their closure in {time.perf_counter() - t0:.1f} s")
        for label, statement in steps:
            t0 = time.perf_counter()
            result = conn.execute(sa.text(statement))
            print(f"  {label}: {result.rowcount:,} rows in {time.perf_counter() - t0:.1f} s")
        conn.execute(sa.text("DROP TABLE bench_kind"))
        if d == "postgresql":
            for table in ("unit", "member"):
                conn.execute(
                    sa.text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
                )
    if d == "postgresql":
        # As autovacuum would soon. SQLite is left without statistics, as kexie's own databases
        # are (it never runs ANALYZE; with them the whole set measured 10.9-11.3 s, not 9.2-9.6).
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text("ANALYZE"))


# -- hand-written SQL ------------------------------------------------------------------------
HAND_WRITTEN: dict[str, str] = {
    "member count": """
        WITH pairs AS (
            SELECT unit_id, id AS member_id FROM member
            WHERE (joined_on IS NULL OR joined_on <= :end) AND (left_on IS NULL OR left_on > :end)
            UNION ALL
            SELECT unit_id, member_id FROM membership
            WHERE (joined_on IS NULL OR joined_on <= :end) AND (left_on IS NULL OR left_on > :end)
        )
        SELECT t.ancestor_id, COUNT(DISTINCT CASE WHEN t.depth = 0 THEN p.member_id END),
               COUNT(DISTINCT p.member_id)
        FROM unit_tree t JOIN pairs p ON p.unit_id = t.descendant_id
        GROUP BY t.ancestor_id""",
    "work items per area": """
        WITH per AS (
            SELECT unit_id, area, COUNT(*) AS n FROM work_item
            WHERE started_on >= :start AND started_on <= :end GROUP BY unit_id, area
        )
        SELECT t.ancestor_id, per.area, SUM(CASE WHEN t.depth = 0 THEN per.n END), SUM(per.n)
        FROM unit_tree t JOIN per ON per.unit_id = t.descendant_id
        GROUP BY t.ancestor_id, per.area""",
    "enterprise coverage": """
        WITH per AS (
            SELECT h.territory_id AS unit_id, COUNT(*) AS hosts,
                   SUM(CASE WHEN u.status = 'active'
                            AND (u.founded_on IS NULL OR u.founded_on <= :end)
                       THEN 1 ELSE 0 END) AS covered
            FROM host h LEFT JOIN unit u ON u.id = h.unit_id
            WHERE h.category = 'industrial_above_size' GROUP BY h.territory_id
        )
        SELECT t.ancestor_id, SUM(CASE WHEN t.depth = 0 THEN per.covered END),
               SUM(CASE WHEN t.depth = 0 THEN per.hosts END), SUM(per.covered), SUM(per.hosts)
        FROM unit_tree t JOIN per ON per.unit_id = t.descendant_id
        GROUP BY t.ancestor_id""",
}
LIBRARY: dict[str, list[str]] = {
    "member count": ["members.count"],
    "work items per area": ["work_items.area.*"],
    "enterprise coverage": ["coverage.industrial_above_size"],
}


def same_figures(name: str, table: Any, rows: list[Any]) -> None:
    """The hand-written SQL and the library agree on every unit's own and subtree figures."""
    got: dict[Any, tuple[Any, ...]] = {}
    for unit in table.units:
        if name == "member count":
            fig = table.figure(unit.id, "members.count")
            got[unit.id] = (fig.own, fig.subtree)
        elif name == "work items per area":
            for area in Area:
                fig = table.figure(unit.id, f"work_items.area.{area.slug}")
                got[(unit.id, area.value)] = (fig.own, fig.subtree)
        else:
            fig = table.figure(unit.id, "coverage.industrial_above_size")
            got[unit.id] = (*fig.own_parts, *fig.subtree_parts)
    expected: dict[Any, tuple[Any, ...]] = {}
    for row in rows:
        key = (row[0], row[1]) if name == "work items per area" else row[0]
        expected[key] = tuple(int(v or 0) for v in row[2 if name == "work items per area" else 1 :])
    mismatched = [k for k, v in expected.items() if tuple(int(x or 0) for x in got[k]) != v]
    assert not mismatched, f"{name}: the library disagrees for {mismatched[:5]}"


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def _url(backend: str, scale: float) -> str:
    if backend == "sqlite":
        (HERE / "data").mkdir(exist_ok=True)
        return f"sqlite:///{HERE / 'data' / f'metrics-{scale:g}.db'}"
    base = os.environ.get("KEXIE_TEST_PG_URL")
    if not base:
        sys.exit("set KEXIE_TEST_PG_URL to run on PostgreSQL")
    schema = f"kexie_bench_{str(scale).replace('.', '_')}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    admin.dispose()
    url = sa.engine.make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def open_database(url: str, scale: float, *, rebuild: bool = False) -> tuple[Workspace, dict]:
    """The benchmark workspace at ``url`` (built-in plug-ins, strict), built at ``scale`` unless
    it already holds data (``rebuild``: a PostgreSQL schema is emptied first), and its counts of
    units, members and work items. Shared with ``benchmarks/reports.py``."""
    host = PluginHost(strict=True)
    host.load_builtins()
    ws = Workspace.open(url, plugins=host, secret_key=TEST_KEY)
    if rebuild and ws.engine.dialect.name == "postgresql":
        with ws.engine.begin() as conn:
            schema = conn.execute(sa.text("SELECT current_schema()")).scalar_one()
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    ws.init()
    with ws.engine.connect() as conn:
        have = conn.execute(sa.text("SELECT count(*) FROM unit")).scalar_one()
    if not have:
        print(f"building the {ws.engine.dialect.name} database at scale {scale:g} …")
        t0 = time.perf_counter()
        build(ws.engine, scale)
        print(f"built in {time.perf_counter() - t0:.0f} s")
    with ws.engine.connect() as conn:
        counts = {
            t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in ("unit", "member", "work_item")
        }
    return ws, counts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = the full size")
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true", help="drop and build the data again")
    parser.add_argument("--url", help="use this (SQLite) database instead of benchmarks/data/")
    args = parser.parse_args(argv)
    url = args.url or _url(args.backend, args.scale)
    if args.rebuild and args.backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    ws, counts = open_database(url, args.scale, rebuild=args.rebuild)
    host = ws.plugins
    print(
        f"{ws.engine.dialect.name}: {counts['unit']:,} units, {counts['member']:,} members, "
        f"{counts['work_item']:,} work items; period {PERIOD}; medians of {args.repeat} runs"
    )
    root = ws.as_root()
    every = len(host.metrics())
    sql_times: list[float] = []
    run_one = engine_module.compute_one

    def timed_one(*args: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return run_one(*args)
        finally:
            sql_times.append(time.perf_counter() - t0)

    engine_module.compute_one = timed_one  # type: ignore[assignment]
    try:
        seconds, table = timed(lambda: compute_metrics(root, PERIOD, depth=None), args.repeat)
        assert not table.failures, table.failures
        print(f"all {every} built-in metrics, {len(table.units):,} units: {seconds:.2f} s")
        # What people run most: `kexie metrics --period 2026` (the acting unit alone) at the
        # city, and a county's whole subtree. No goal of their own, but a bad plan shows here.
        county = ws.as_unit("U00002")
        for label, session, depth in (
            ("the city alone (depth 0, the default)", root, 0),
            ("one county and its subtree", county, None),
        ):
            seconds, table = timed(
                lambda s=session, d=depth: compute_metrics(s, PERIOD, depth=d), args.repeat
            )
            assert not table.failures, table.failures
            print(f"all {every} built-in metrics, {label}, {len(table.units):,} units: "
                  f"{seconds:.2f} s")  # fmt: skip
        print(
            f"{'metric':<22}{'library':>10}{'its SQL':>10}{'hand SQL':>10}{'ratio':>8}"
            f"{'SQL ratio':>11}"
        )
        params = {"start": START, "end": END}
        for name, sql in HAND_WRITTEN.items():
            statement = sa.text(sql).bindparams(
                *(sa.bindparam(k, type_=sa.Date) for k in ("start", "end") if f":{k}" in sql)
            )
            used = {k: v for k, v in params.items() if f":{k}" in sql}

            def hand(statement: Any = statement, used: dict[str, date] = used) -> Any:
                with ws.engine.connect() as conn:
                    if conn.dialect.name == "sqlite":  # the same setting the library runs with
                        conn.connection.driver_connection.execute("PRAGMA temp_store = MEMORY")
                    return conn.execute(statement, used).all()

            keys = LIBRARY[name]
            sql_times.clear()
            lib_s, lib_table = timed(
                lambda keys=keys: compute_metrics(root, PERIOD, depth=None, metrics=keys),
                args.repeat,
            )
            sql_s = sum(sql_times) / args.repeat
            hand_s, hand_rows = timed(hand, args.repeat)
            same_figures(name, lib_table, hand_rows)
            print(
                f"{name:<22}{lib_s:>9.3f}s{sql_s:>9.3f}s{hand_s:>9.3f}s{lib_s / hand_s:>7.2f}x"
                f"{sql_s / hand_s:>10.2f}x"
            )
        print(
            "library: the whole call (units of the tree, SQL, figures); its SQL: the statements it "
            "ran for the metric(s), shared sources included. Figures checked equal."
        )
    finally:
        engine_module.compute_one = run_one  # type: ignore[assignment]
        ws.close()


if __name__ == "__main__":
    main()
