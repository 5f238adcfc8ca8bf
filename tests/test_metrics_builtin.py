"""Built-in metrics computed by hand on small fixtures: coverage, members, experts, work areas,
publicity, visits, youth, honours, platforms, associations; targets and gaps."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from kexie_core.metrics import Rollup, compute_metrics
from kexie_core.metrics.targets import achievements, gaps
from kexie_core.model.enums import Area, HostCategory, PlatformKind
from kexie_core.model.identifiers import make_uscc
from kexie_core.store.tables import unit_t
from kexie_core.store.tables_workflow import suggestion_t

YEAR = "2026"


def enterprise(
    root,
    serial: int,
    territory: str,
    *,
    association: str | None = None,
    science: bool = False,
    category: str = "industrial_above_size",
    **unit,
) -> None:
    """A host organisation, and when ``association`` is given, the association living there."""
    uscc = make_uscc("371323" if territory.startswith("371323") else "371302", serial)
    root.add_host(
        {
            "name": f"企业{serial}",
            "category": category,
            "territory": territory,
            "uscc": uscc,
            "science_type": science,
        }
    )
    if association:
        root.add_unit(
            {
                "code": association,
                "name": f"企业{serial}科协",
                "kind": "enterprise",
                "parent": territory,
                "host_uscc": uscc,
                **unit,
            }
        )


@pytest.fixture
def covered(kexie_linyi):
    """沂水县: 8 above-size industrial enterprises, 3 with an active association (37.5%);
    4 of them science-type, 2 of those covered. 兰山区: 2 enterprises, both covered."""
    root = kexie_linyi
    enterprise(root, 1, "371323", association="YS-E1", science=True)
    enterprise(root, 2, "371323-YC", association="YS-E2", science=True)
    enterprise(root, 3, "371323", association="YS-E3")
    enterprise(root, 4, "371323", association="YS-E4", status="dissolved")  # no longer counts
    enterprise(root, 5, "371323", association="YS-E5", founded_on="2027-03-01")  # not yet
    enterprise(root, 6, "371323", science=True)
    enterprise(root, 7, "371323-YC", science=True)
    enterprise(root, 8, "371323")
    enterprise(root, 9, "371302", association="LS-E1")
    enterprise(root, 10, "371302", association="LS-E2", science=True)
    enterprise(root, 11, "371323", category="university")  # another category
    return root


def test_enterprise_coverage_3_of_8_in_yishui_is_37_5_percent(covered) -> None:
    keys = ["coverage.industrial_above_size", "coverage.industrial_above_size.science"]
    table = compute_metrics(covered, YEAR, depth=None, metrics=[*keys, "coverage.all"])
    yishui = table.figure("371323", keys[0])
    assert yishui.subtree_parts == (3, 8)
    assert yishui.subtree == pytest.approx(37.5)
    assert table.figure("371323", keys[0]).own_parts == (2, 6)  # hosts placed at the county
    assert table.figure("371323", keys[1]).subtree_parts == (2, 4)
    assert table.value("371302", keys[0]) == 100.0
    city = table.figure("371300", keys[0])
    assert city.subtree_parts == (5, 10) and city.subtree == 50.0
    assert table.figure("371300", "coverage.all").subtree_parts == (5, 11)
    # In 2027 the association founded that year counts.
    later = compute_metrics(covered, "2027", unit="371323", metrics=keys[:1])
    assert later.figure("371323", keys[0]).subtree_parts == (4, 8)


def test_university_coverage_has_a_default_target_of_100(covered) -> None:
    table = compute_metrics(covered, YEAR, unit="371323", metrics=["coverage.university"])
    assert table.value("371323", "coverage.university") == 0.0
    assert table.target("371323", "coverage.university") == 100.0
    [gap] = gaps(table)
    assert (gap.unit.code, gap.metric.key, gap.rate, gap.gap) == (
        "371323", "coverage.university", 0.0, 100.0,
    )  # fmt: skip


def test_every_host_category_has_a_coverage_rate(kexie_plugins) -> None:
    keys = set(kexie_plugins.metrics().keys())
    for category in HostCategory:
        assert f"coverage.{category.value}" in keys
    assert "coverage.industrial_above_size.science" in keys


def test_member_growth_and_count(kexie_linyi) -> None:
    root = kexie_linyi
    root.add_member(
        {"member_no": "A", "name": "甲", "unit": "371323-YC", "joined_on": "2026-03-01"}
    )
    root.add_member(
        {"member_no": "B", "name": "乙", "unit": "371323-YC", "joined_on": "2026-11-30"}
    )
    root.add_member(
        {"member_no": "C", "name": "丙", "unit": "E-YS01", "joined_on": "2020-01-01",
         "left_on": "2026-05-01"}
    )  # fmt: skip
    root.add_member({"member_no": "D", "name": "丁", "unit": "371302", "joined_on": "2025-12-31"})
    keys = ["members.joined", "members.left", "members.net", "members.count"]
    table = compute_metrics(root, YEAR, depth=None, metrics=keys)
    assert [table.value("371323", k) for k in keys] == [2, 1, 1, 2]
    assert [table.value("371302", k) for k in keys] == [0, 0, 0, 1]
    assert [table.value("371300", k) for k in keys] == [2, 1, 1, 3]
    h1 = compute_metrics(root, "2026H1", metrics=keys)
    assert [h1.value("371300", k) for k in keys] == [1, 1, 0, 2]


def test_expert_care_coverage_and_visits(kexie_linyi) -> None:
    root = kexie_linyi
    for no, unit, level in [
        ("X1", "371323-YC", "academician"),
        ("X2", "E-YS01", "high_level"),
        ("X3", "371323", "high_level"),
        ("X4", "371302", "academician"),
        ("P1", "371323", "none"),
    ]:
        root.add_member({"member_no": no, "name": no, "unit": unit, "expert_level": level})

    def visit(unit: str, day: str, who: str, occasion: str) -> None:
        root.add_work_item(
            {"kind": "expert_visit", "unit": unit, "title": "走访", "started_on": day,
             "member_nos": who, "details": {"occasion": occasion}}
        )  # fmt: skip

    visit("371323-YC", "2026-01-25", "X1", "festival")
    visit("371300", "2026-05-30", "X1;X2", "festival")  # the city visits 沂水's experts too
    visit("371323", "2026-08-01", "X1", "birthday")
    visit("371302", "2025-12-20", "X4", "illness")  # last year
    visit("371323", "2026-09-09", "P1", "routine")  # not an expert
    keys = [
        "experts.count", "experts.care_coverage", "experts.visited", "visits.total",
        "visits.person_times", "visits.occasion.festival", "visits.occasion.birthday",
    ]  # fmt: skip
    table = compute_metrics(root, YEAR, depth=None, metrics=keys)
    assert table.value("371323", "experts.count") == 3
    yishui = table.figure("371323", "experts.care_coverage")
    assert yishui.subtree_parts == (2, 3)  # X1 and X2 visited, X3 not
    assert yishui.subtree == pytest.approx(200 / 3)
    assert table.figure("371300", "experts.care_coverage").subtree_parts == (2, 4)
    assert table.figure("371302", "experts.care_coverage").subtree_parts == (0, 1)
    # experts visited BY the subtree's units: X1 twice in 沂水 counts once
    assert table.value("371323", "experts.visited") == 1
    assert table.value("371300", "experts.visited") == 2
    assert table.value("371300", "visits.total") == 4
    assert table.value("371300", "visits.person_times") == 5
    assert table.value("371300", "visits.occasion.festival") == 2
    assert table.value("371323", "visits.occasion.birthday") == 1


def test_work_areas_kinds_training_and_publicity(kexie_linyi) -> None:
    root = kexie_linyi

    def item(kind: str, unit: str, people: int = 0, **extra) -> None:
        root.add_work_item(
            {"kind": kind, "unit": unit, "title": "事项", "started_on": "2026-04-01",
             "participants": people, **extra}
        )  # fmt: skip

    item("training", "371323-YC", 60, hours=8, details={"days": 2})
    item("training", "E-YS01", 90, hours=4)
    item("study_session", "371323", 30)
    item("publicity_output", "371323", details={"channel": "wechat"})
    item("publicity_output", "371323-YC", details={"channel": "wechat"})
    item("publicity_output", "371302", details={"channel": "website"})
    item("award_selection", "371300", details={"programme": "青年科技奖", "winners": 10})
    item("leadership_meeting", "371302", details={"staff": 3, "budget": 12.5})
    table = compute_metrics(root, YEAR, depth=None)
    assert not table.failures
    assert table.value("371323", "work_items") == 5
    assert table.value("371323", "work_items.area.education") == 2
    assert table.value("371323", "work_items.area.theory") == 1
    assert table.value("371323", "participants.area.education") == 150
    assert table.value("371323", "work_items.kind.training") == 2
    assert table.value("371323", "participants.kind.study_session") == 30
    assert table.value("371323", "training.person_times") == 150
    assert table.value("371323", "training.hours") == 12
    assert table.value("371323", "training.largest_class") == 90
    assert table.value("371323", "publicity.outputs") == 2
    assert table.value("371300", "publicity.channel.wechat") == 2
    assert table.value("371300", "publicity.channel.website") == 1
    assert table.value("371300", "awards.winners") == 10
    assert table.value("371300", "leadership.staff") == 3
    assert table.value("371300", "leadership.budget") == 12.5
    areas = {m.area for m in table.metrics}
    assert areas == set(Area)  # every clause 1–8 and R1–R3 is measured


def test_youth_honours_platforms_associations_suggestions(kexie_linyi) -> None:
    root = kexie_linyi
    root.add_member({"member_no": "Y1", "name": "青", "unit": "371323-YC",
                     "study_status": "doctoral", "birth_date": "1996-01-01"})  # fmt: skip
    root.add_member(
        {
            "member_no": "Y2",
            "name": "年",
            "unit": "371323",
            "study_status": "postdoc",
            "birth_date": "1990-01-01",
        }
    )  # 36: too old
    root.add_member({"member_no": "Y3", "name": "才", "unit": "E-YS01",
                     "study_status": "none", "birth_date": "2000-01-01"})  # fmt: skip
    root.add_honour({"member_no": "Y1", "title": "临沂市青年科技奖", "awarded_on": "2026-05-30"})
    root.add_honour({"member_no": "Y2", "title": "优秀科技工作者", "awarded_on": "2025-05-30"})
    for code, kind, unit, est, closed in [
        ("P1", "home_of_workers", "371323-YC", "2020-01-01", None),
        ("P2", "home_of_workers", "371323", "2026-06-01", None),
        ("P3", "expert_workstation", "E-YS01", "2019-01-01", "2026-03-01"),
        ("P4", "expert_workstation", "371302", "2027-01-01", None),
    ]:
        root.add_platform({"code": code, "name": code, "kind": kind, "unit": unit,
                           "established_on": est, "closed_on": closed})  # fmt: skip
    root.update_unit("S-NXH", status="suspended")
    with root.workspace.engine.begin() as conn:
        yishui = conn.execute(sa.select(unit_t.c.id).where(unit_t.c.code == "371323")).scalar()
        conn.execute(
            suggestion_t.insert(),
            [
                {"unit_id": yishui, "title": "建议一", "submitted_on": date(2026, 2, 1),
                 "status": "adopted", "concluded_on": date(2026, 4, 1)},
                {"unit_id": yishui, "title": "建议二", "submitted_on": date(2026, 3, 1),
                 "status": "forwarded", "concluded_on": None},
                {"unit_id": yishui, "title": "建议三", "submitted_on": date(2025, 11, 1),
                 "status": "adopted", "concluded_on": date(2026, 1, 10)},
            ],
        )  # fmt: skip
    keys = ["youth.cohort", "honours.received", "platforms.*", "associations.*", "suggestions.*"]
    table = compute_metrics(root, YEAR, depth=None, metrics=keys)
    assert table.value("371323", "youth.cohort") == 1
    assert table.value("371323", "honours.received") == 1
    assert table.value("371323", "platforms.home_of_workers") == 2
    assert table.value("371323", "platforms.expert_workstation") == 0  # closed in March
    assert table.value("371300", "platforms.new") == 1
    assert table.value("371323", "associations.enterprise") == 1
    assert table.value("371323", "associations.township") == 1
    assert table.value("371300", "associations.society") == 0  # suspended
    assert table.value("371323", "suggestions.submitted") == 2
    assert table.value("371323", "suggestions.adopted") == 2
    for kind in PlatformKind:
        assert f"platforms.{kind.value}" in {m.key for m in table.metrics}


def test_targets_achievement_and_gaps_worst_first(kexie_linyi) -> None:
    root = kexie_linyi
    for unit, people in [("371323", 40), ("371302", 90), ("GXQ", 10)]:
        root.add_work_item({"kind": "training", "unit": unit, "title": "培训",
                            "started_on": "2026-05-01", "participants": people})  # fmt: skip
    for unit, value in [("371323", 100), ("371302", 60), ("GXQ", 80)]:
        root.set_target({"unit": unit, "metric": "training.person_times", "period": YEAR,
                         "value": value})  # fmt: skip
    root.set_target({"unit": "371323", "metric": "training.person_times", "period": "2026Q1",
                     "value": 999})  # another period  # fmt: skip
    table = compute_metrics(root, YEAR, depth=1, metrics=["training.person_times"])
    assert table.target("371323", "training.person_times") == 100
    rates = {a.unit.code: a.rate for a in achievements(table)}
    assert rates == {"371323": 0.4, "371302": 1.5, "GXQ": 0.125}
    assert [(g.unit.code, g.gap) for g in gaps(table)] == [("GXQ", 70), ("371323", 60)]
    row = next(r for r in table.rows() if r["unit_code"] == "371302")
    assert row["achievement"] == 1.5 and row["target"] == 60


def test_builtins_cover_every_rule_but_min(kexie_plugins) -> None:
    rules = {m.rollup for m in kexie_plugins.metrics()}
    assert rules >= {Rollup.SUM, Rollup.RATIO, Rollup.DISTINCT, Rollup.MAX, Rollup.LATEST}
    for m in kexie_plugins.metrics():
        assert m.label_zh and m.label_en and m.unit_zh and m.plugin
