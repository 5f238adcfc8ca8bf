"""The metric engine: roll-up rules, own and subtree figures, scope, selection, isolation."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from kexie_core.metrics import (
    ITEMS,
    Metric,
    MetricContext,
    Rollup,
    compute_metrics,
    metric,
    select_metrics,
)
from kexie_core.metrics.engine import rollup_statement
from kexie_core.model.period import Period
from kexie_core.plugin.failures import PluginError
from kexie_core.plugin.hookspecs import hookimpl
from kexie_core.store.scope import ScopeError
from kexie_core.store.tables import host_t, unit_t, work_t

YEAR = "2026"


def work(session, unit: str, day: str, people: int = 0, hours: float = 0, **extra: Any) -> None:
    session.add_work_item(
        {
            "kind": extra.pop("kind", "study_session"),
            "unit": unit,
            "title": "活动",
            "started_on": day,
            "participants": people,
            "hours": hours,
            **extra,
        }
    )


def _hours(ctx: MetricContext) -> sa.Select[Any]:
    w = work_t.c
    return sa.select(w.unit_id, w.hours, w.started_on).where(
        ctx.in_period(w.started_on), ctx.in_scope(w.unit_id)
    )


def _people(ctx: MetricContext) -> sa.Select[Any]:
    w = work_t.c
    return sa.select(w.unit_id, w.participants).where(
        ctx.in_period(w.started_on), ctx.in_scope(w.unit_id)
    )


class RulesPlugin:
    """One metric per rule that the built-ins do not already cover."""

    @hookimpl
    def kexie_register_metrics(self) -> list[Metric]:
        return [
            metric("t.latest_hours", "最近学时", "latest hours", ITEMS, "7", "latest", _hours),
            metric("t.min_people", "最少人数", "fewest people", ITEMS, "7", "min", _people),
        ]


def _boom(ctx: MetricContext) -> sa.Select[Any]:
    raise RuntimeError("the county's formula is broken")


def _bad_sql(ctx: MetricContext) -> sa.Select[Any]:
    ghost = sa.table("no_such_table", sa.column("unit_id"), sa.column("value"))
    return sa.select(ghost.c.unit_id, ghost.c.value)


def _wrong_shape(ctx: MetricContext) -> sa.Select[Any]:
    return sa.select(work_t.c.unit_id, work_t.c.participants, work_t.c.hours)


class BrokenPlugin:
    @hookimpl
    def kexie_register_metrics(self) -> list[Metric]:
        return [
            metric("yishui.boom", "坏指标", "broken", ITEMS, "8", "sum", _boom),
            metric("yishui.bad_sql", "坏查询", "bad SQL", ITEMS, "8", "sum", _bad_sql),
            metric("yishui.shape", "列数不对", "wrong shape", ITEMS, "8", "sum", _wrong_shape),
            # Runs after a statement the database refused: the run's transaction must still work.
            metric("yishui.fine", "正常指标", "fine", ITEMS, "8", "sum", _people),
        ]


def test_sum_gives_own_and_subtree_figures(kexie_linyi) -> None:
    work(kexie_linyi, "371323", "2026-03-01", 10)
    work(kexie_linyi, "371323-YC", "2026-04-01", 30)
    work(kexie_linyi, "371323-YC", "2026-05-01", 5)
    work(kexie_linyi, "371302", "2026-05-01", 7)
    work(kexie_linyi, "371323-YC", "2025-12-31", 100)  # another period
    table = compute_metrics(kexie_linyi, YEAR, depth=None, metrics=["participants", "work_items"])
    assert table.figure("371323", "participants").own == 10
    assert table.value("371323", "participants") == 45
    assert table.value("371323-YC", "work_items") == 2
    assert table.value("371300", "participants") == 52
    assert table.value("371300", "participants", own=True) == 0
    assert table.value("GXQ", "work_items") == 0  # no rows at all: zero, not missing
    assert type(table.value("371300", "work_items")) is int  # PostgreSQL sums are Decimal


def test_ratio_is_a_ratio_of_sums_never_a_mean_of_rates(kexie_linyi) -> None:
    for name, territory in [("高校甲", "371323"), ("高校乙", "371302"), ("高校丙", "371302")]:
        kexie_linyi.add_host({"name": name, "category": "university", "territory": territory})
    kexie_linyi.add_host({"name": "高校丁", "category": "university", "territory": "371302"})
    # The association of 高校甲 (attaching by USCC is tested with the built-in metrics).
    with kexie_linyi.workspace.engine.begin() as conn:
        e_id = conn.execute(sa.select(unit_t.c.id).where(unit_t.c.code == "E-YS01")).scalar()
        conn.execute(host_t.update().where(host_t.c.name == "高校甲").values(unit_id=e_id))
    table = compute_metrics(kexie_linyi, YEAR, depth=None, metrics=["coverage.university"])
    assert table.value("371323", "coverage.university") == 100.0
    assert table.value("371302", "coverage.university") == 0.0
    city = table.figure("371300", "coverage.university")
    assert city.subtree_parts == (1, 4)
    assert city.subtree == 25.0  # the mean of 100% and 0% would say 50%
    assert table.value("GXQ", "coverage.university") is None  # nothing to cover


def test_max_min_and_latest(kexie_linyi, kexie_register_plugin) -> None:
    kexie_register_plugin(RulesPlugin(), "rules")
    work(kexie_linyi, "371323-YC", "2026-02-01", 12, hours=3, kind="training")
    work(kexie_linyi, "371323-YC", "2026-09-01", 40, hours=2, kind="training")
    work(kexie_linyi, "E-YS01", "2026-06-01", 25, hours=6, kind="training")
    work(kexie_linyi, "371302", "2026-10-01", 3, hours=1, kind="training")
    keys = ["training.largest_class", "t.min_people", "t.latest_hours"]
    table = compute_metrics(kexie_linyi, YEAR, depth=None, metrics=keys)
    assert table.value("371323", "training.largest_class") == 40
    assert table.value("371323", "training.largest_class", own=True) is None
    assert table.value("371300", "training.largest_class") == 40
    assert table.value("371323", "t.min_people") == 12
    assert table.value("371300", "t.min_people") == 3
    # latest: each unit's most recent value (沂城 2, 企业 6), added up over the subtree
    assert table.value("371323-YC", "t.latest_hours") == 2
    assert table.value("371323", "t.latest_hours") == 8
    assert table.value("371300", "t.latest_hours") == 9


def test_distinct_counts_a_person_once(kexie_linyi) -> None:
    kexie_linyi.add_member({"member_no": "M1", "name": "甲", "unit": "371323-YC"})
    kexie_linyi.add_member({"member_no": "M2", "name": "乙", "unit": "371302"})
    kexie_linyi.add_membership({"member_no": "M1", "unit": "E-YS01"})
    kexie_linyi.add_membership({"member_no": "M1", "unit": "371323"})
    kexie_linyi.add_membership({"member_no": "M2", "unit": "S-NXH"})
    table = compute_metrics(kexie_linyi, YEAR, depth=None, metrics=["members.count"])
    assert table.value("371323", "members.count") == 1
    assert table.value("371323", "members.count", own=True) == 1
    assert table.value("371300", "members.count") == 2


def test_members_who_left_or_joined_later_are_not_counted(kexie_linyi) -> None:
    kexie_linyi.add_member({"member_no": "A", "name": "甲", "unit": "371302"})
    kexie_linyi.add_member(
        {"member_no": "B", "name": "乙", "unit": "371302", "left_on": "2026-06-30"}
    )
    kexie_linyi.add_member(
        {"member_no": "C", "name": "丙", "unit": "371302", "joined_on": "2027-01-05"}
    )
    keys = ["members.count"]
    assert compute_metrics(kexie_linyi, "2026", metrics=keys).value("371300", keys[0]) == 1
    assert compute_metrics(kexie_linyi, "2026Q1", metrics=keys).value("371300", keys[0]) == 2
    assert compute_metrics(kexie_linyi, "2027", metrics=keys).value("371300", keys[0]) == 2


def test_periods_select_work_by_start_date(kexie_linyi) -> None:
    work(kexie_linyi, "371302", "2026-06-30", 1)
    work(kexie_linyi, "371302", "2026-07-01", 1)
    work(kexie_linyi, "371302", "2026-07-31", 1)
    counts = {
        p: compute_metrics(kexie_linyi, p, metrics=["work_items"]).value("371300", "work_items")
        for p in ("2026", "2026H1", "2026H2", "2026Q2", "2026Q3", "2026-07", "2026-08")
    }
    assert counts == {
        "2026": 3,
        "2026H1": 1,
        "2026H2": 2,
        "2026Q2": 1,
        "2026Q3": 2,
        "2026-07": 2,
        "2026-08": 0,
    }


def test_units_depth_and_kinds(kexie_linyi) -> None:
    table = compute_metrics(kexie_linyi, YEAR, metrics=["work_items"])
    assert [u.code for u in table.units] == ["371300"]
    table = compute_metrics(kexie_linyi, YEAR, depth=None, metrics=["work_items"])
    # depth first; siblings by kind (county, zone, society…) then code
    assert [u.code for u in table.units] == [
        "371300", "371302", "371323", "E-YS01", "371323-YC", "GXQ", "S-NXH",
    ]  # fmt: skip
    table = compute_metrics(kexie_linyi, YEAR, unit="371323", depth=1, metrics=["work_items"])
    assert [(u.code, u.depth) for u in table.units] == [
        ("371323", 0), ("E-YS01", 1), ("371323-YC", 1),
    ]  # fmt: skip
    table = compute_metrics(
        kexie_linyi, YEAR, depth=None, kinds=["county", "功能区科协"], metrics=["work_items"]
    )
    assert [u.code for u in table.units] == ["371302", "371323", "GXQ"]


def test_an_actor_sees_only_its_subtree(kexie_linyi, kexie_actor) -> None:
    work(kexie_linyi, "371302", "2026-03-01", 9)
    work(kexie_linyi, "371323-YC", "2026-03-01", 4)
    yishui = kexie_actor("371323")
    table = compute_metrics(yishui, YEAR, depth=None, metrics=["participants"])
    assert {u.code for u in table.units} == {"371323", "371323-YC", "E-YS01"}
    assert table.value("371323", "participants") == 4
    with pytest.raises(ScopeError):
        compute_metrics(yishui, YEAR, unit="371302", metrics=["participants"])
    with pytest.raises(KeyError):
        table.value("371302", "participants")


def test_select_metrics_by_key_pattern_and_comma(kexie_plugins) -> None:
    registry = kexie_plugins.metrics()
    keys = [m.key for m in select_metrics(registry, ["members.count,work_items.area.*"])]
    assert "work_items.area.coverage" in keys and "members.count" in keys
    assert len(keys) == 12
    with pytest.raises(ValueError, match=r"no metric matches 'member\.count'"):
        select_metrics(registry, ["member.count"])


def test_shared_sources_give_the_same_figures_as_inline_queries(kexie_linyi) -> None:
    work(kexie_linyi, "371302", "2026-03-01", 9, kind="training")
    work(kexie_linyi, "371323-YC", "2026-03-01", 4, kind="publicity_output",
         details={"channel": "wechat"})  # fmt: skip
    work(kexie_linyi, "371323", "2026-03-01", 2, kind="publicity_output")
    keys = ["work_items.area.*", "participants.kind.training", "publicity.channel.*"]
    together = compute_metrics(kexie_linyi, YEAR, depth=None, metrics=keys)
    # With work_items first, the per-area source is derived from the per-kind one.
    derived = compute_metrics(kexie_linyi, YEAR, depth=None, metrics=["work_items", *keys])
    for m in together.metrics:
        alone = compute_metrics(kexie_linyi, YEAR, depth=None, metrics=[m.key])
        for u in together.units:
            assert together.figure(u.id, m.key) == alone.figure(u.id, m.key), (u.code, m.key)
            assert derived.figure(u.id, m.key) == alone.figure(u.id, m.key), (u.code, m.key)
    assert together.value("371323", "publicity.channel.wechat") == 1
    assert together.value("371323", "publicity.channel.other") == 1


def test_a_failing_metric_is_reported_and_the_rest_computed(
    kexie_linyi, kexie_plugins, kexie_register_plugin
) -> None:
    kexie_register_plugin(BrokenPlugin(), "yishui-metrics")
    work(kexie_linyi, "371302", "2026-03-01", 9)
    keys = ["yishui.*", "participants", "work_items"]
    table = compute_metrics(kexie_linyi, YEAR, metrics=keys)
    assert {m.key for m in table.metrics} == {"participants", "work_items", "yishui.fine"}
    assert table.value("371300", "participants") == 9
    assert table.value("371300", "yishui.fine") == 9  # computed after the failures
    failed = {f.metric: f for f in table.failures}
    assert set(failed) == {"yishui.boom", "yishui.bad_sql", "yishui.shape"}
    assert all(f.plugin == "yishui-metrics" for f in failed.values())
    assert "formula is broken" in failed["yishui.boom"].error
    assert "(unit_id, value)" in failed["yishui.shape"].error
    assert "[SQL:" not in failed["yishui.bad_sql"].error
    recorded = [f for f in kexie_plugins.failures if f.plugin == "yishui-metrics"]
    assert len(recorded) == 3 and "yishui.boom" in recorded[0].where
    with pytest.raises(KeyError, match="yishui-metrics"):
        table.value("371300", "yishui.boom")


def test_strict_plugins_turn_a_failing_metric_into_an_error(
    kexie_linyi, kexie_plugins, kexie_register_plugin
) -> None:
    kexie_register_plugin(BrokenPlugin(), "yishui-metrics")
    kexie_plugins.strict = True
    with pytest.raises(PluginError, match="yishui-metrics"):
        compute_metrics(kexie_linyi, YEAR, metrics=["yishui.boom"])


def test_metric_definitions_are_checked() -> None:
    with pytest.raises(ValueError, match="lower-case dotted"):
        metric("Bad Key", "坏", "bad", ITEMS, "8", "sum", _people)
    with pytest.raises(ValueError, match=r"metric ok\.key: area: unknown Area '9'"):
        metric("ok.key", "好", "good", ITEMS, "9", "sum", _people)
    with pytest.raises(ValueError, match=r"metric ok\.key: rollup: unknown Rollup"):
        metric("ok.key", "好", "good", ITEMS, "8", "average", _people)
    with pytest.raises(ValueError, match="label_zh and label_en"):
        metric("ok.key", "", "good", ITEMS, "8", "sum", _people)
    m = metric("ok.key", "好", "good", ITEMS, "service", "求和", _people)
    assert m.rollup is Rollup.SUM and m.area.value == "8"


def test_the_roll_up_compiles_on_both_dialects() -> None:
    from sqlalchemy.dialects import postgresql, sqlite

    ctx = MetricContext(Period.parse("2026"), sa.select(sa.literal(1)))
    for rule in Rollup:
        if rule is Rollup.RATIO:
            query = sa.select(work_t.c.unit_id, work_t.c.participants, work_t.c.hours)
        elif rule is Rollup.LATEST:
            query = _hours(ctx)
        else:
            query = _people(ctx)
        statement = rollup_statement(rule, query.subquery("own"), None)
        for dialect in (sqlite.dialect(), postgresql.dialect()):
            sql = str(statement.compile(dialect=dialect))
            assert "unit_tree" in sql and "LIKE" not in sql


@pytest.mark.parametrize("analysed", [False, True], ids=["no statistics", "ANALYZE"])
def test_sqlite_reads_the_requested_units_by_descendant_however_skewed_the_tree(
    tmp_path, kexie_plugins, analysed: bool
) -> None:
    """The default call (the acting unit alone, ``depth=0``) must not make SQLite walk the top
    unit's descendants once per data row through the (ancestor, descendant) key, as it did with
    or without statistics (4.6 s a metric at the city of the 5,000-unit benchmark, against
    20 ms). Every roll-up statement the engine runs must reach the requested units through the
    descendant index."""
    from kexie_core.store import tree
    from kexie_core.testing import TEST_KEY
    from kexie_core.workspace import Workspace

    ws = Workspace.open(f"sqlite:///{tmp_path / 'plan.db'}", plugins=kexie_plugins,
                        secret_key=TEST_KEY)  # fmt: skip
    ws.init()
    units = [{"id": 1, "code": "C", "name": "市科协", "kind": "municipal", "parent_id": None}]
    for county in range(2, 22):  # 20 counties of 20 enterprise associations each
        units.append({"id": county, "code": f"X{county}", "name": f"县{county}",
                      "kind": "county", "parent_id": 1})  # fmt: skip
        for i in range(20):
            uid = 100 + county * 20 + i
            units.append({"id": uid, "code": f"E{uid}", "name": f"企业{uid}",
                          "kind": "enterprise", "parent_id": county})  # fmt: skip
    day = Period.parse(YEAR).start
    with ws.engine.begin() as conn:
        conn.execute(unit_t.insert(), [{**u, "status": "active"} for u in units])
        tree.rebuild(conn)
        conn.execute(
            work_t.insert(),
            [{"kind": "training", "area": "7", "unit_id": u["id"], "title": "培训",
              "started_on": day, "ended_on": day, "participants": 3, "hours": 1.0,
              "details": {}, "evidence": []} for u in units],
        )  # fmt: skip
        if analysed:
            conn.exec_driver_sql("ANALYZE")
    plans: list[list[tuple[Any, ...]]] = []

    def explain(conn, cursor, statement, parameters, context, executemany) -> None:
        # Explained as it runs: the shared sources are temporary tables of the run.
        if "GROUP BY unit_tree.ancestor_id" in statement:
            found = cursor.connection.execute("EXPLAIN QUERY PLAN " + statement, parameters)
            plans.append(found.fetchall())

    sa.event.listen(ws.engine, "before_cursor_execute", explain)
    keys = ["participants", "work_items.area.*", "members.count"]
    table = compute_metrics(ws.as_root(), YEAR, metrics=keys)
    sa.event.remove(ws.engine, "before_cursor_execute", explain)
    assert table.figure(1, "participants").subtree == 3 * len(units)
    assert len(plans) >= 3
    if analysed:
        with ws.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM sqlite_stat1").scalar()
    for plan in plans:
        # Steps under a list subquery (the scope's IN list) run once, not per row.
        once = {row[0] for row in plan if row[3].startswith("LIST SUBQUERY")}
        for row in plan:
            if row[1] in once:
                once.add(row[0])
        per_row = [row[3] for row in plan if row[0] not in once]
        assert not [step for step in per_row if "(ancestor_id=?)" in step], per_row
        assert [step for step in per_row if "ix_unit_tree_descendant" in step], per_row
    ws.close()
