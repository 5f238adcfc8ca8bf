"""Tests of the academic-exchange plug-in with kexie's testing kit (fixtures ``kexie_*``).

The kit's Linyi tree has one municipal society, 临沂市农学会 (S-NXH), under 临沂市科协 (371300);
the tests add a second, 临沂市机械工程学会 (S-JX).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kexie_core import ActorSession, InvalidRecord, WorkItemIn
from kexie_core.metrics import compute_metrics

from kexie_society_academic import plugin
from kexie_society_academic.exchange import LEVELS, exchange_problems

MECH = {"code": "S-JX", "name": "临沂市机械工程学会", "kind": "society", "parent": "371300"}


@pytest.fixture
def root(kexie_linyi, kexie_register_plugin) -> ActorSession:
    kexie_register_plugin(plugin, "society-academic")
    kexie_linyi.add_unit(MECH)
    return kexie_linyi


def exchange(unit: str = "S-JX", participants: int = 80, **details: Any) -> dict[str, Any]:
    return {
        "kind": "academic_exchange",
        "unit": unit,
        "title": "智能制造学术年会",
        "started_on": "2026-09-18",
        "participants": participants,
        "details": {"level": "provincial", **details},
    }


def test_an_exchange_names_its_level_and_has_participants(root) -> None:
    with pytest.raises(InvalidRecord) as bad:
        root.add_work_item({**exchange(participants=0), "details": {}})
    fields = {p.field: p.message for p in bad.value.problems}
    assert set(fields) == {"details.level", "participants"}
    assert "省级（provincial）" in fields["details.level"]
    assert fields["participants"].endswith("(society-academic)")


def test_levels_are_keys_or_chinese_names_and_counts_whole_numbers(root) -> None:
    root.add_work_item(exchange(level="省级", papers=12))
    root.add_work_item(exchange(level="municipal", expert_reports=3))
    with pytest.raises(InvalidRecord) as bad:
        root.add_work_item(exchange(level="市里", papers="12篇"))
    assert {p.field for p in bad.value.problems} == {"details.level", "details.papers"}


def test_other_kinds_are_left_alone(root) -> None:
    root.add_work_item(
        {"kind": "training", "unit": "S-JX", "title": "焊接技术培训", "started_on": "2026-09-01"}
    )


@settings(max_examples=60)
@given(
    level=st.sampled_from([*LEVELS, *LEVELS.values()]) | st.text(max_size=4) | st.none(),
    participants=st.integers(min_value=0, max_value=10_000),
    papers=st.integers(min_value=-3, max_value=500),
)
def test_the_rule_finds_exactly_what_is_wrong(level, participants, papers) -> None:
    details = {"papers": papers} if level is None else {"level": level, "papers": papers}
    record = WorkItemIn.model_validate({**exchange(participants=participants), "details": details})
    found = {p.field for p in exchange_problems(record)}
    expected = set()
    if level not in LEVELS and level not in LEVELS.values():
        expected.add("details.level")
    if papers < 0:
        expected.add("details.papers")
    if participants == 0:
        expected.add("participants")
    assert found == expected


def test_metrics_roll_up_as_sums_distinct_units_and_ratio_of_sums(root) -> None:
    root.add_work_item(exchange(participants=100, papers=30, expert_reports=4))
    for title in ("青年学术沙龙", "农机论坛", "种业交流会"):
        item = exchange("S-NXH", participants=20, level="市级", papers=2)
        root.add_work_item({**item, "title": title})
    root.add_work_item({**exchange(level="national"), "started_on": "2026-10-09"})  # Q4
    table = compute_metrics(root, "2026Q3", depth=1, metrics=["academic.*"])
    assert table.value("371300", "academic.exchanges.high_level") == 1
    assert table.value("371300", "academic.papers") == 30 + 3 * 2
    assert table.value("371300", "academic.expert_reports") == 4
    assert table.value("371300", "academic.units_holding") == 2
    assert table.value("S-NXH", "academic.participants_per_exchange") == 20
    # Not the mean of the societies' figures (60): all participants over all exchanges.
    assert table.value("371300", "academic.participants_per_exchange") == (100 + 60) / 4
    assert table.value("371300", "academic.participants_per_exchange", own=True) is None


def test_metrics_through_the_command_line(root, kexie_cli) -> None:
    root.add_work_item(exchange(papers=5))
    rows = kexie_cli.json("metrics", "--period", "2026", "--metric", "academic.papers")
    (row,) = rows
    assert (row["unit_code"], row["subtree"], row["plugin"]) == ("371300", 5, "society-academic")
