"""Tests of the 沂水县科协 plug-in with kexie's testing kit (fixtures ``kexie_*``).

The kit gives each test a throwaway database with a small Linyi tree: 临沂市科协 (371300) with
沂水县科协 (371323) under it, and under that 沂城街道科协 (371323-YC) and an enterprise
association (E-YS01).
"""

from __future__ import annotations

from typing import Any

import openpyxl
import pytest
from kexie_core import ActorSession, InvalidRecord
from kexie_core.metrics import compute_metrics

from kexie_yishui import plugin


@pytest.fixture
def yishui(kexie_linyi, kexie_register_plugin, kexie_actor) -> ActorSession:
    kexie_register_plugin(plugin, "yishui")
    return kexie_actor("371323")


def training(**changes: Any) -> dict[str, Any]:
    details = {"township": "沂城街道", "village": "东关村", "varieties": "红富士、烟富3号"}
    item = {
        "kind": "yishui_orchard_training",
        "unit": "371323",
        "title": "苹果春季管理培训",
        "started_on": "2026-07-10",
        "participants": 40,
        "details": {**details, "trainees": 35},
    }
    return {**item, **changes}


def test_details_are_checked_and_errors_name_the_field(yishui) -> None:
    with pytest.raises(InvalidRecord) as bad:
        yishui.add_work_item(training(details={"township": "沂城街道", "village": "东关村"}))
    assert {p.field for p in bad.value.problems} == {"details.varieties", "details.trainees"}
    with pytest.raises(InvalidRecord) as typo:
        yishui.add_work_item(training(details={**training()["details"], "trainee": 3}))
    assert [p.field for p in typo.value.problems] == ["details.trainee"]


def test_varieties_typed_in_one_cell_are_split(yishui) -> None:
    yishui.add_work_item(training())
    (item,) = yishui.work_items()
    assert item.details["varieties"] == ["红富士", "烟富3号"]
    assert item.area == "5"


def test_participants_may_not_be_fewer_than_the_farmers_trained(yishui) -> None:
    with pytest.raises(InvalidRecord) as bad:
        yishui.add_work_item(training(participants=20))
    (problem,) = bad.value.problems
    assert problem.field == "participants"
    assert "少于培训农民人数（35）" in problem.message and "(yishui)" in problem.message
    yishui.add_work_item(training(participants=35))  # equal is fine


def test_metrics_sum_farmers_and_count_each_village_once(yishui) -> None:
    yishui.add_work_item(training())
    # The township trains in the same village: one more village would be double counting.
    yishui.add_work_item(training(unit="371323-YC", participants=30, details=_at("东关村", 30)))
    yishui.add_work_item(training(unit="371323-YC", participants=25, details=_at("西关村", 25)))
    yishui.add_work_item(training(started_on="2026-10-08"))  # the next quarter
    table = compute_metrics(yishui, "2026Q3", depth=1, metrics=["yishui.*"])
    assert table.value("371323", "yishui.orchard_trainees") == 35 + 30 + 25
    assert table.value("371323", "yishui.orchard_trainees", own=True) == 35
    assert table.value("371323", "yishui.orchard_villages") == 2
    assert table.value("371323-YC", "yishui.orchard_villages") == 2
    assert table.value("371323", "yishui.orchard_villages", own=True) == 1


def _at(village: str, trainees: int) -> dict[str, Any]:
    return {
        "township": "沂城街道",
        "village": village,
        "varieties": ["大樱桃"],
        "trainees": trainees,
    }


def test_the_ledger_command_lists_one_period_in_scope(yishui, kexie_actor, kexie_cli) -> None:
    yishui.add_work_item(training())
    yishui.add_work_item(training(unit="371323-YC", title="大樱桃修剪", details=_at("西关村", 12)))
    yishui.add_work_item(training(started_on="2026-04-01"))  # not in 2026Q3
    rows = kexie_cli.json("--as", "371323", "yishui", "ledger", "--period", "2026Q3")
    assert [(r["title"], r["village"], r["trainees"]) for r in rows] == [
        ("苹果春季管理培训", "东关村", 35),
        ("大樱桃修剪", "西关村", 12),
    ]
    assert rows[0]["varieties"] == "红富士、烟富3号" and rows[0]["unit_name"] == "沂水县科协"
    # The township sees its own subtree only.
    township = kexie_cli.json("--as", "371323-YC", "yishui", "ledger", "-p", "2026Q3")
    assert [r["title"] for r in township] == ["大樱桃修剪"]
    table = kexie_cli("--as", "371323", "yishui", "ledger", "-p", "2026Q3").stdout
    assert "沂水县果树技术培训台账（2026年第三季度）" in table and "合计" in table and "47" in table
    bad = kexie_cli("yishui", "ledger", "--period", "2026Q5", expect=1)
    assert "2026Q5" in bad.stderr


def test_the_county_ledger_workbook(yishui, kexie_cli, tmp_path) -> None:
    yishui.add_work_item(training())
    yishui.add_work_item(
        {
            "kind": "training",
            "unit": "371323",
            "title": "科技人员培训班",
            "started_on": "2026-08-01",
            "participants": 60,
            "hours": 6.5,
        }
    )
    out = tmp_path / "台账.xlsx"
    export = ("export", "work-items", "--format", "yishui-ledger", "--out", str(out))
    done = kexie_cli("--as", "371323", *export)
    assert "已导出 2 条" in done.stderr
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["工作台账", "果树技术培训"]
    ledger = [list(r) for r in book["工作台账"].iter_rows(values_only=True)]
    assert ledger[0][0] == "沂水县科协工作台账"
    assert ledger[1][:4] == ["序号", "季度", "日期", "承办单位"]
    assert ledger[2][1] == "2026年第三季度" and ledger[2][4] == "果树技术培训"
    assert ledger[3][4] == "培训班/研修班" and ledger[3][8] == 6.5
    assert ledger[4][0] == "合计" and ledger[4][7] == "=SUM(H3:H4)"
    orchard = [list(r) for r in book["果树技术培训"].iter_rows(values_only=True)]
    assert orchard[2][2:6] == ["沂城街道", "东关村", "红富士、烟富3号", 35]
    assert len(orchard) == 4  # title, headers, the one training, total


def test_the_ledger_holds_work_items_only(yishui, kexie_cli, tmp_path) -> None:
    out = tmp_path / "units.xlsx"
    # The exporter refuses with a ValueError: the clerk's bad input, exit status 1, no file.
    done = kexie_cli("export", "units", "--format", "yishui-ledger", "--out", str(out), expect=1)
    assert "只能导出工作事项" in done.stderr and not out.exists()
