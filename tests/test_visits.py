"""Visits to experts: recording (validated, scoped, audited), listing, counts by occasion, care
coverage per unit and period, and the ``kexie visits`` commands."""

from __future__ import annotations

import json
from datetime import date

import pytest

from kexie_core.model.errors import InvalidRecord
from kexie_core.people import add_visit, care_coverage, visit_counts, visits
from kexie_core.store.scope import ScopeError
from kexie_core.workspace import ActorSession


@pytest.fixture
def root(kexie_linyi: ActorSession) -> ActorSession:
    experts = (
        ("E1", "王院士", "371323", "academician", None),
        ("E2", "李专家", "371302", "high_level", None),
        ("E3", "赵专家", "371323-YC", "high_level", None),
        ("E4", "孙专家", "371323", "high_level", "2026-03-01"),  # left before the period's end
    )
    for no, name, unit, level, left in experts:
        kexie_linyi.add_member(
            {"member_no": no, "name": name, "unit": unit, "expert_level": level, "left_on": left}
        )
    kexie_linyi.add_member({"member_no": "M1", "name": "普通会员", "unit": "371302"})
    return kexie_linyi


def test_add_visit_stores_a_validated_expert_visit(root: ActorSession) -> None:
    item_id = add_visit(
        root,
        on="2026-01-30",
        experts=["E1", "E3"],
        unit="371323",
        occasion="节日",
        festival="春节",
        visitors="张主席、刘部长",
        gifts="慰问品",
        support="协调解决就医",
    )
    (item,) = [w for w in root.work_items() if w.id == item_id]
    assert item.kind == "expert_visit" and item.area == "8"
    assert item.title == "走访看望王院士、赵专家（春节）"
    assert item.details["occasion"] == "festival" and item.details["festival"] == "spring_festival"
    assert item.details["visitors"] == ["张主席", "刘部长"]
    log = root.audit_log(limit=1)[0]
    assert (log["actor"], log["entity"], log["action"]) == ("371300", "work_item", "create")


def test_add_visit_refuses_bad_input_naming_the_field(root: ActorSession) -> None:
    with pytest.raises(InvalidRecord, match=r"experts\.0: M1 is not an expert"):
        add_visit(root, on="2026-01-30", experts=["M1"])
    with pytest.raises(InvalidRecord, match="does not exist"):
        add_visit(root, on="2026-01-30", experts=["NOPE"])
    with pytest.raises(InvalidRecord, match=r"details\.occasion"):
        add_visit(root, on="2026-01-30", experts=["E1"], occasion="picnic")
    with pytest.raises(InvalidRecord, match=r"details\.follow_up_on"):
        add_visit(root, on="2026-01-30", experts=["E1"], follow_up_on="2026-02-30")
    with pytest.raises(InvalidRecord, match="experts"):
        add_visit(root, on="2026-01-30", experts=[])
    assert visits(root) == []  # nothing half-written


def test_a_county_cannot_record_a_visit_to_an_expert_outside_its_subtree(
    root: ActorSession,
) -> None:
    county = root.workspace.as_unit("371323")
    with pytest.raises(ScopeError):
        add_visit(county, on="2026-01-30", experts=["E2"])
    with pytest.raises(ScopeError):
        add_visit(county, on="2026-01-30", experts=["E1"], unit="371302")


def test_listing_is_scoped_and_filtered_by_period(root: ActorSession) -> None:
    add_visit(
        root, on="2026-01-30", experts=["E1"], occasion="festival", festival="spring_festival"
    )
    add_visit(root, on="2026-05-30", experts=["E1"], unit="371323", occasion="festival")
    add_visit(root, on="2026-07-02", experts=["E2"], unit="371302", occasion="illness")
    add_visit(root, on="2025-12-01", experts=["E3"], unit="371323-YC", occasion="birthday")
    assert [v.on for v in visits(root)] == [
        date(2025, 12, 1),
        date(2026, 1, 30),
        date(2026, 5, 30),
        date(2026, 7, 2),
    ]
    assert [v.on for v in visits(root, period="2026H1")] == [date(2026, 1, 30), date(2026, 5, 30)]
    county = root.workspace.as_unit("371323")
    assert [(v.unit_code, v.experts) for v in visits(county)] == [
        ("371323-YC", "赵专家"),
        ("371323", "王院士"),
    ]
    with pytest.raises(ScopeError):
        visits(county, unit="371302")


def test_counts_by_occasion(root: ActorSession) -> None:
    add_visit(root, on="2026-01-30", experts=["E1", "E3"], occasion="festival")
    add_visit(root, on="2026-09-20", experts=["E1"], occasion="festival", festival="mid_autumn")
    add_visit(root, on="2026-07-02", experts=["E2"], occasion="illness")
    counts = {c["occasion"]: (c["visits"], c["experts"]) for c in visit_counts(root, period="2026")}
    assert counts == {
        "festival": (2, 2),
        "birthday": (0, 0),
        "illness": (1, 1),
        "achievement": (0, 0),
        "routine": (0, 0),
    }
    assert visit_counts(root, period="2025")[0]["visits"] == 0


def test_care_coverage_per_unit_rolls_up_and_counts_any_visitor(root: ActorSession) -> None:
    # The city visits 沂水县's 王院士; 兰山区 visits its own 李专家; 赵专家 is not visited.
    add_visit(root, on="2026-02-01", experts=["E1"])
    add_visit(root, on="2026-03-01", experts=["E2"], unit="371302")
    add_visit(root, on="2025-12-01", experts=["E3"])  # another period
    rows = {r["unit_code"]: r for r in care_coverage(root, period="2026Q1")}
    assert (rows["371300"]["experts"], rows["371300"]["visited"]) == (3, 2)  # E4 has left
    assert rows["371300"]["coverage"] == pytest.approx(66.7)
    assert (rows["371323"]["experts"], rows["371323"]["visited"]) == (2, 1)
    assert (rows["371302"]["experts"], rows["371302"]["visited"]) == (1, 1)
    assert rows["GXQ"]["experts"] == 0 and rows["GXQ"]["coverage"] is None
    assert "371323-YC" not in rows  # depth 1 by default
    deep = {r["unit_code"]: r for r in care_coverage(root, period="2026Q1", depth=2)}
    assert (deep["371323-YC"]["experts"], deep["371323-YC"]["visited"]) == (1, 0)
    county = care_coverage(root.workspace.as_unit("371323"), period="2026Q1")
    assert [r["unit_code"] for r in county] == ["371323", "371323-YC", "E-YS01"]


def test_cli_visits_add_list_counts_and_coverage(root: ActorSession, run) -> None:
    out = run(
        "--as",
        "371323",
        "visits",
        "add",
        "--on",
        "2026年9月20日",
        "--expert",
        "E1",
        "--occasion",
        "节日",
        "--festival",
        "中秋",
        "--visitor",
        "张主席",
        "--visitor",
        "刘部长",
        "--follow-up-on",
        "2026-10-08",
    ).output
    assert "已记录走访" in out
    data = json.loads(run("visits", "--period", "2026", "--format", "json").output)
    (visit,) = data["visits"]
    assert visit["festival"] == "中秋节" and visit["visitors"] == "张主席、刘部长"
    assert visit["follow_up_on"] == "2026-10-08" and visit["experts"] == "王院士"
    festival = next(c for c in data["counts"] if c["occasion"] == "festival")
    assert (festival["visits"], festival["experts"]) == (1, 1)
    table = run("visits", "--period", "2026").output
    assert "王院士" in table and "按事由统计" in table
    csv_counts = run("visits", "counts", "--period", "2026", "--format", "csv").output
    assert csv_counts.splitlines()[0] == "事由代码,事由,走访次数,走访专家人数"
    coverage = json.loads(run("visits", "coverage", "-p", "2026Q3", "--format", "json").output)
    assert coverage[0]["unit_code"] == "371300" and coverage[0]["visited"] == 1
    bad = run("visits", "add", "--on", "2026-09-20", "--expert", "M1", ok=False)
    assert bad.exit_code == 1 and "not an expert" in bad.output
