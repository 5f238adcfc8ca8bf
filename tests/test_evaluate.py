"""Performance evaluation: scoring by hand on a fixture with a veto and a bonus; the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kexie_core.metrics import ITEMS, Metric, MetricContext, metric
from kexie_core.metrics.scoring import evaluate
from kexie_core.plugin.hookspecs import hookimpl

from .test_metrics_builtin import enterprise

RUBRIC = """
key = "test"
label_zh = "测试细则"
label_en = "test rubric"
kinds = ["county", "zone"]

[[items]]
key = "work"
label_zh = "工作事项"
metric = "work_items"
rule = "rank"
weight = 30
at_least = 1

[[items]]
key = "training"
label_zh = "培训人次"
metric = "training.person_times"
rule = "ratio_to_target"
weight = 40
cap = 1.2

[[items]]
key = "coverage"
label_zh = "规上企业覆盖率"
metric = "coverage.industrial_above_size"
rule = "thresholds"
weight = 20
if_missing = "full"
bands = [{ at_least = 50, points = 20 }, { at_least = 25, points = 10 }]

[[items]]
key = "stations"
label_zh = "工作站加分"
metric = "platforms.expert_workstation"
rule = "bonus"
per = 2
max = 5

[[items]]
key = "blank"
label_zh = "无工作一票否决"
metric = "work_items"
rule = "veto"
below = 1
"""


@pytest.fixture
def counties(kexie_linyi, tmp_path: Path) -> Path:
    """兰山: 3 items (training 120 of target 100), 2 of 2 enterprises covered, 2 workstations.
    沂水: 2 items (training 50 of 100), 1 of 4 covered, 5 workstations. 高新区: nothing."""
    root = kexie_linyi

    def item(unit: str, kind: str = "study_session", people: int = 0) -> None:
        root.add_work_item({"kind": kind, "unit": unit, "title": "事项",
                            "started_on": "2026-05-01", "participants": people})  # fmt: skip

    item("371302", "training", 70)
    item("371302", "training", 50)
    item("371302")
    item("371323-YC", "training", 50)
    item("371323")
    for unit in ("371302", "371323"):
        root.set_target({"unit": unit, "metric": "training.person_times", "period": "2026",
                         "value": 100})  # fmt: skip
    enterprise(root, 1, "371302", association="LS-1")
    enterprise(root, 2, "371302", association="LS-2")
    enterprise(root, 3, "371323", association="YS-1")
    for serial in (4, 5, 6):
        enterprise(root, serial, "371323")
    for i, unit in enumerate(["371302"] * 2 + ["371323-YC"] * 5):
        root.add_platform({"code": f"WS{i}", "name": "院士专家工作站", "kind": "expert_workstation",
                           "unit": unit, "established_on": "2020-01-01"})  # fmt: skip
    path = tmp_path / "test.toml"
    path.write_text(RUBRIC, encoding="utf-8")
    return path


def test_scores_by_hand_with_a_bonus_and_a_veto(kexie_linyi, counties: Path) -> None:
    result = evaluate(kexie_linyi, "2026", counties)
    by = {s.unit.code: s for s in result.scores}
    lanshan, yishui, zone = by["371302"], by["371323"], by["GXQ"]
    points = {s.unit.code: [round(i.points, 4) for i in s.items] for s in result.scores}
    # work: rank 1 of 3 → 30; rank 2 → 30 × (3 − 2) ÷ (3 − 1) = 15; nothing below 1
    # training: 120/100 capped at 1.2 → 48; 50/100 → 20; no target → 0
    # coverage: 100% → 20; 25% → 10; no enterprise → full 20
    # bonus: 2 × 2 = 4; 5 × 2 = 10 capped at 5
    assert points["371302"] == [30, 48, 20, 4, 0]
    assert points["371323"] == [15, 20, 10, 5, 0]
    assert points["GXQ"] == [0, 0, 20, 0, 0]
    assert (lanshan.weighted, lanshan.bonus, lanshan.total) == (98, 4, 102)
    assert (yishui.weighted, yishui.bonus, yishui.total) == (45, 5, 50)
    assert zone.weighted == 20 and zone.vetoed_by == ["blank"] and zone.total == 0
    assert [(s.unit.code, s.rank) for s in result.scores] == [
        ("371302", 1), ("371323", 2), ("GXQ", 3),
    ]  # fmt: skip
    training = yishui.items[1]
    assert training.status == "scored" and training.target == 100
    assert training.explain() == "50 人次 ÷ 目标 100 人次 = 50.0%（封顶 120%）× 权重 40 = 20.00 分"
    assert zone.items[1].status == "no_target" and zone.items[1].explain() == "未设目标，计 0 分"
    assert zone.items[2].explain() == "无数据，按规则计满分：20.00 分"
    assert zone.items[4].explain() == "0 项 < 1：一票否决，总分为 0"
    assert "2 of 3" not in yishui.items[0].explain()
    assert yishui.items[0].explain() == "2 项，3 个单位中第 2 名（按名次线性给分）：15.00 分"
    assert yishui.items[2].explain("en") == "25% (1/4): reaches the band ≥25: 10.00"
    assert yishui.items[3].explain() == "5 个 × 每个 2 分（上限 5）：加 5.00 分"


def test_ties_share_a_rank(kexie_linyi, counties: Path) -> None:
    result = evaluate(kexie_linyi, "2026", counties, kinds=["zone", "society"])
    assert [(s.unit.code, s.rank, s.total) for s in result.scores] == [
        ("GXQ", 1, 0), ("S-NXH", 1, 0),
    ]  # fmt: skip


def test_the_default_rubric_ranks_counties_and_zones(kexie_linyi, counties: Path) -> None:
    result = evaluate(kexie_linyi, "2026")
    assert result.rubric.key == "county"
    assert {s.unit.code for s in result.scores} == {"371302", "371323", "GXQ"}
    assert result.score_of("GXQ").vetoed_by == ["blank"]
    top = result.scores[0]
    assert top.rank == 1 and top.total > 0
    assert all(i.explain() for s in result.scores for i in s.items)


def test_a_rubric_on_an_unknown_metric_is_refused(kexie_linyi, tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(RUBRIC.replace('"training.person_times"', '"training.persons"'), "utf-8")
    with pytest.raises(ValueError, match=r"training → training\.persons"):
        evaluate(kexie_linyi, "2026", path)
    with pytest.raises(ValueError, match=r"unknown rubric 'nope'.*county"):
        evaluate(kexie_linyi, "2026", "nope")
    with pytest.raises(FileNotFoundError):
        evaluate(kexie_linyi, "2026", tmp_path / "missing.toml")


def test_cli_ranking_explanations_and_formats(kexie_cli, counties: Path) -> None:
    out = kexie_cli("evaluate", "--period", "2026", "--rubric", str(counties)).stdout
    for text in ("测试细则", "排名", "总分", "加分", "一票否决", "兰山区科协", "102.00"):
        assert text in out
    assert "无工作一票否决" in out
    explained = kexie_cli("evaluate", "--period", "2026", "--rubric", str(counties),
                          "--explain").stdout  # fmt: skip
    assert "评分说明" in explained and "封顶 120%" in explained and "48.00" in explained
    data = json.loads(kexie_cli("evaluate", "-p", "2026", "--rubric", str(counties),
                                "--format", "json").stdout)  # fmt: skip
    assert [(d["unit_code"], d["rank"], d["total"]) for d in data] == [
        ("371302", 1, 102), ("371323", 2, 50), ("GXQ", 3, 0),
    ]  # fmt: skip
    assert data[2]["vetoed"] and data[0]["items"][1]["points"] == 48
    rows = kexie_cli("evaluate", "-p", "2026", "--rubric", str(counties), "--explain",
                     "--format", "csv").stdout.splitlines()  # fmt: skip
    assert rows[0].startswith("排名,单位,单位代码,评估项目,指标代码")
    assert len(rows) == 1 + 3 * 5
    only = kexie_cli.json("evaluate", "-p", "2026", "--rubric", str(counties), "--kind", "zone")
    assert [d["unit_code"] for d in only] == ["GXQ"]
    english = kexie_cli("--lang", "en", "evaluate", "-p", "2026", "--rubric", str(counties))
    assert "total" in english.stdout and "test rubric" in english.stdout


def test_cli_bad_rubric_file(kexie_cli, tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(RUBRIC.replace("weight = 40\n", ""), "utf-8")
    result = kexie_cli("evaluate", "-p", "2026", "--rubric", str(path), expect=1)
    assert "items[2] (training).weight" in result.stderr


class FailingMetric:
    @hookimpl
    def kexie_register_metrics(self) -> list[Metric]:
        def broken(ctx: MetricContext) -> Any:
            raise RuntimeError("the county's data source is offline")

        return [metric("yishui.offline", "离线指标", "offline", ITEMS, "8", "sum", broken)]


def test_a_failing_metric_scores_nothing_and_the_rest_is_scored(
    kexie_linyi, kexie_cli, kexie_register_plugin, counties: Path
) -> None:
    kexie_register_plugin(FailingMetric(), "yishui")
    text = counties.read_text("utf-8")
    text = text.replace(
        'metric = "work_items"\nrule = "rank"', 'metric = "yishui.offline"\nrule = "rank"'
    )
    counties.write_text(text, "utf-8")
    result = evaluate(kexie_linyi, "2026", counties)
    lanshan = result.score_of("371302")
    assert lanshan.items[0].status == "failed" and lanshan.items[0].points == 0
    assert "offline" in lanshan.items[0].explain()
    assert lanshan.total == 72  # 48 + 20 + 4: the other items are scored as before
    assert [f.plugin for f in result.failures] == ["yishui"]
    cli = kexie_cli("evaluate", "-p", "2026", "--rubric", str(counties), expect=2)
    assert "兰山区科协" in cli.stdout and "yishui.offline" in cli.stderr
