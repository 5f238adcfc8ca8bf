"""``kexie metrics``: the county office's table, formats, selection, plug-in metrics, failures."""

from __future__ import annotations

import csv
import io
from typing import Any

import sqlalchemy as sa

from kexie_core.metrics import PEOPLE, Metric, MetricContext, metric
from kexie_core.plugin.hookspecs import hookimpl
from kexie_core.store.tables import work_t


def _orchards(ctx: MetricContext) -> sa.Select[Any]:
    w = work_t.c
    return sa.select(w.unit_id, w.participants).where(
        w.title.like("%果树%"), ctx.in_period(w.started_on), ctx.in_scope(w.unit_id)
    )


def _broken(ctx: MetricContext) -> sa.Select[Any]:
    raise ZeroDivisionError("division by zero in the county's formula")


class YishuiMetrics:
    @hookimpl
    def kexie_register_metrics(self) -> list[Metric]:
        return [
            metric("yishui.orchard", "果树技术培训人次", "orchard training", PEOPLE, "7", "sum",
                   _orchards),
            metric("yishui.broken", "坏指标", "broken metric", PEOPLE, "7", "sum", _broken),
        ]  # fmt: skip


def _data(root) -> None:
    root.add_member({"member_no": "M1", "name": "甲", "unit": "371323-YC"})
    root.add_member({"member_no": "M2", "name": "乙", "unit": "371302"})
    for unit, title, people in [
        ("371323-YC", "果树修剪技术培训", 45),
        ("371323", "科技人员培训班", 80),
        ("371302", "学术交流", 20),
    ]:
        root.add_work_item({"kind": "training", "unit": unit, "title": title,
                            "started_on": "2026-06-01", "participants": people})  # fmt: skip


def test_table_in_chinese_with_own_and_subtree(kexie_linyi, kexie_cli) -> None:
    _data(kexie_linyi)
    out = kexie_cli("metrics", "--period", "2026", "--unit", "371323", "--depth", "1",
                    "--metric", "training.person_times,members.count").stdout  # fmt: skip
    for header in ("单位", "指标", "本级", "合计", "目标", "完成率"):
        assert header in out
    assert "沂水县科协" in out and "  沂城街道科协" in out
    assert "培训人次" in out and "人次" in out and " 125 " in out and " 80 " in out
    assert "2026年" in out
    assert "兰山区科协" not in out


def test_english_labels(kexie_linyi, kexie_cli) -> None:
    _data(kexie_linyi)
    out = kexie_cli("--lang", "en", "metrics", "--period", "2026Q2",
                    "--metric", "training.person_times").stdout  # fmt: skip
    assert "own" in out and "subtree" in out and "measure" in out
    assert "person-times" in out and "145" in out


def test_json_and_csv(kexie_linyi, kexie_cli) -> None:
    _data(kexie_linyi)
    rows = kexie_cli.json("metrics", "--period", "2026", "--depth", "1", "--metric", "members.*")
    by = {(r["unit_code"], r["metric"]): r for r in rows}
    assert by[("371300", "members.count")]["subtree"] == 2
    assert by[("371323", "members.count")]["own"] == 0
    assert by[("371300", "members.joined")]["rollup"] == "sum"
    assert {r["unit_code"] for r in rows} == {"371300", "371302", "371323", "GXQ", "S-NXH"}
    out = kexie_cli("metrics", "--period", "2026", "--metric", "members.count",
                    "--format", "csv").stdout  # fmt: skip
    header, row = list(csv.reader(io.StringIO(out)))
    assert header[:6] == ["期间", "单位代码", "单位名称", "层级", "指标代码", "指标"]
    assert row[4] == "members.count" and row[header.index("合计")] == "2"


def test_own_only_and_area_filter(kexie_linyi, kexie_cli) -> None:
    _data(kexie_linyi)
    out = kexie_cli("metrics", "--period", "2026", "--area", "R3", "--own").stdout
    assert "本级" in out and "合计" not in out
    assert "会员人数" in out and "培训人次" not in out
    rows = kexie_cli.json("metrics", "--period", "2026", "--area", "7")
    assert rows and all(r["area"] == "7" for r in rows)


def test_catalogue(kexie_cli) -> None:
    out = kexie_cli("metrics", "--list").stdout
    assert "members.count" in out and "distinct" in out and "会员人数" in out
    rows = kexie_cli.json("metrics", "--list")
    assert next(r for r in rows if r["key"] == "members.count")["label"] == "会员人数（期末）"
    coverage = next(r for r in rows if r["key"] == "coverage.university")
    assert coverage["default_target"] == 100.0 and coverage["plugin"] == "kexie.metrics"


def test_gaps(kexie_linyi, kexie_cli) -> None:
    _data(kexie_linyi)
    kexie_linyi.set_target({"unit": "371323", "metric": "training.person_times",
                            "period": "2026", "value": 250})  # fmt: skip
    out = kexie_cli("metrics", "--period", "2026", "--depth", "1", "--gaps").stdout
    assert "未完成目标" in out and "50.0%" in out and "125 人次" in out


def test_a_plugin_metric_prints_like_a_builtin_and_a_failing_one_is_named(
    kexie_linyi, kexie_cli, kexie_register_plugin
) -> None:
    _data(kexie_linyi)
    kexie_register_plugin(YishuiMetrics(), "yishui")
    result = kexie_cli("metrics", "--period", "2026", "--unit", "371323",
                       "--metric", "yishui.*,members.count", expect=2)  # fmt: skip
    assert "果树技术培训人次" in result.stdout and " 45 " in result.stdout
    assert "会员人数" in result.stdout
    assert "坏指标" not in result.stdout
    assert "yishui" in result.stderr and "yishui.broken" in result.stderr
    assert "division by zero" in result.stderr
    listing = kexie_cli("metrics", "--list").stdout
    assert "yishui.orchard" in listing


def test_builtin_metrics_come_before_a_plugins(
    kexie_linyi, kexie_cli, kexie_register_plugin
) -> None:
    """A county's table opens with the built-in areas; a plug-in's metrics follow them (pluggy
    calls the most recent registration first, which put them at the top)."""
    _data(kexie_linyi)
    kexie_register_plugin(YishuiMetrics(), "yishui")
    keys = [r["key"] for r in kexie_cli.json("metrics", "--list")]
    plugin = [i for i, k in enumerate(keys) if k.startswith("yishui.")]
    assert plugin and min(plugin) == len(keys) - len(plugin)
    rows = kexie_cli.json("metrics", "--period", "2026", "--unit", "371323",
                          "--metric", "yishui.orchard,members.count")  # fmt: skip
    assert [r["metric"] for r in rows] == ["members.count", "yishui.orchard"]


def test_bad_input_is_reported(kexie_linyi, kexie_cli) -> None:
    result = kexie_cli("metrics", expect=2)
    assert "--period" in result.stderr
    result = kexie_cli("metrics", "--period", "2026", "--metric", "member.cont", expect=1)
    assert "no metric matches 'member.cont'" in result.stderr
    result = kexie_cli("metrics", "--period", "2026Q5", expect=1)
    assert "not a reporting period" in result.stderr
    result = kexie_cli("--as", "371323", "metrics", "--period", "2026", "--unit", "371302",
                       expect=3)  # fmt: skip
    assert "outside" in result.stderr
