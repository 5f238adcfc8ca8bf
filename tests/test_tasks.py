"""Supervision assignments (督查督办): issuing, extensions, completion, overdue on a fixed clock,
and the delay ranking."""

from __future__ import annotations

from datetime import date

import pytest

from kexie_core import InvalidRecord, NotFound, ScopeError
from kexie_core.metrics import compute_metrics
from kexie_core.workflow import Assignments, WorkflowError

ISSUED = date(2026, 3, 1)


def assignment(**changes: object) -> dict[str, object]:
    return {
        "title": "推进科技工作者之家建设",
        "goal": "6月底前建成并挂牌",
        "lead": "371323",
        "assist": ["GXQ", "S-NXH"],
        "due_on": "2026-06-30",
        **changes,
    }


@pytest.fixture
def city(kexie_linyi) -> Assignments:
    return Assignments(kexie_linyi)


def test_issue_within_the_issuers_subtree(city, kexie_actor) -> None:
    a = city.issue(assignment(), today=ISSUED)
    assert (a.issuer, a.lead, a.assist, a.status, a.due_on) == (
        "371300",
        "371323",
        ["GXQ", "S-NXH"],
        "open",
        date(2026, 6, 30),
    )
    county = Assignments(kexie_actor("371323"))
    with pytest.raises(InvalidRecord, match=r"lead: .*not below"):
        county.issue(assignment(lead="371302", assist=[]), today=ISSUED)
    with pytest.raises(InvalidRecord, match=r"lead: .*not below"):
        county.issue(assignment(lead="371323", assist=[]), today=ISSUED)  # not to itself
    with pytest.raises(InvalidRecord, match="assist"):
        city.issue(assignment(assist=["371323"]), today=ISSUED)
    with pytest.raises(InvalidRecord, match="due_on"):
        city.issue(assignment(due_on="2026-02-01"), today=ISSUED)
    with pytest.raises(ScopeError):
        county.issue(assignment(issuer="371300"), today=ISSUED)
    township = county.issue(assignment(lead="371323-YC", assist="E-YS01"), today=ISSUED)
    assert township.issuer == "371323" and township.assist == ["E-YS01"]


def test_visibility_follows_the_parties(city, kexie_actor) -> None:
    a = city.issue(assignment(), today=ISSUED)
    b = city.issue(assignment(lead="371302", assist=[]), today=ISSUED)
    assert [x.id for x in Assignments(kexie_actor("GXQ")).find(today=ISSUED)] == [a.id]
    assert [x.id for x in Assignments(kexie_actor("371302")).find(today=ISSUED)] == [b.id]
    with pytest.raises(NotFound):
        Assignments(kexie_actor("371302")).get(a.id)
    with pytest.raises(NotFound):
        Assignments(kexie_actor("371302")).note(a.id, "进展")
    note = Assignments(kexie_actor("GXQ")).note(a.id, "已完成选址", today=date(2026, 4, 1))
    assert (note.unit, note.written_on) == ("GXQ", date(2026, 4, 1))
    assert [n.text for n in city.notes(a.id)] == ["已完成选址"]


def test_extensions_move_the_due_date_and_count_delays(city, kexie_actor) -> None:
    a = city.issue(assignment(), today=ISSUED)
    lead = Assignments(kexie_actor("371323"))
    with pytest.raises(ScopeError, match="lead unit"):
        Assignments(kexie_actor("GXQ")).request_extension(a.id, "2026-07-31", "协办方请求")
    with pytest.raises(InvalidRecord, match="reason"):
        lead.request_extension(a.id, "2026-07-31", " ")
    with pytest.raises(InvalidRecord, match="until"):
        lead.request_extension(a.id, "2026-06-01", "提前")
    first = lead.request_extension(a.id, "2026-07-31", "汛期施工受阻", today=date(2026, 6, 20))
    with pytest.raises(WorkflowError, match="pending"):
        lead.request_extension(a.id, "2026-08-31", "再延")
    with pytest.raises(ScopeError, match="issuing unit"):
        lead.decide_extension(first.id, grant=True)
    granted = city.decide_extension(first.id, grant=True, today=date(2026, 6, 21))
    assert (granted.status, granted.decided_by) == ("granted", "371300")
    with pytest.raises(WorkflowError, match="already granted"):
        city.decide_extension(first.id, grant=False)
    second = lead.request_extension(a.id, "2026-09-30", "资金未到位", today=date(2026, 7, 25))
    city.decide_extension(second.id, grant=False, note="不同意", today=date(2026, 7, 26))
    a = city.get(a.id, today=date(2026, 7, 26))
    assert (a.due_on, a.original_due_on, a.delay_count) == (
        date(2026, 7, 31),
        date(2026, 6, 30),
        1,
    )
    assert [x.status for x in city.extensions(a.id)] == ["granted", "refused"]


def test_overdue_on_a_fixed_clock_and_completion(city, kexie_actor) -> None:
    a = city.issue(assignment(due_on="2026-04-30"), today=ISSUED)
    b = city.issue(assignment(lead="371302", assist=[], due_on="2026-05-31"), today=ISSUED)
    c = city.issue(assignment(lead="GXQ", assist=[], due_on="2026-06-30"), today=ISSUED)
    assert city.find(today=date(2026, 4, 30), overdue=True) == []
    on_may_10 = city.find(today=date(2026, 5, 10), overdue=True)
    assert [(x.id, x.days_overdue) for x in on_may_10] == [(a.id, 10)]
    assert [x.id for x in city.find(today=date(2026, 7, 1), overdue=True)] == [a.id, b.id, c.id]
    with pytest.raises(ScopeError, match="lead unit or its issuer"):
        Assignments(kexie_actor("GXQ")).complete(a.id)
    done = Assignments(kexie_actor("371323")).complete(a.id, note="已挂牌", today=date(2026, 5, 12))
    assert (done.status, done.completed_late, done.overdue) == ("completed", True, False)
    with pytest.raises(WorkflowError, match="already completed"):
        city.complete(a.id)
    city.complete(c.id, today=date(2026, 6, 1))
    assert [x.id for x in city.find(today=date(2026, 7, 1), overdue=True)] == [b.id]
    assert [x.id for x in city.find(today=date(2026, 7, 1), status="completed")] == [a.id, c.id]


def test_delay_ranking_worst_first(city, kexie_actor) -> None:
    # 兰山区: one assignment overdue by 40 days on 2026-07-10.
    city.issue(assignment(lead="371302", assist=[], due_on="2026-05-31"), today=ISSUED)
    # 沂水县: one overdue by 10 days after a granted extension, one completed late.
    a = city.issue(assignment(due_on="2026-05-31"), today=ISSUED)
    x = Assignments(kexie_actor("371323")).request_extension(
        a.id, "2026-06-30", "施工延误", today=date(2026, 5, 20)
    )
    city.decide_extension(x.id, grant=True, today=date(2026, 5, 21))
    late = city.issue(assignment(due_on="2026-04-30"), today=ISSUED)
    city.complete(late.id, today=date(2026, 5, 3))
    # 高新区: completed on time.
    ok = city.issue(assignment(lead="GXQ", assist=[], due_on="2026-04-30"), today=ISSUED)
    city.complete(ok.id, today=date(2026, 4, 1))
    ranking = city.ranking(today=date(2026, 7, 10))
    assert [
        (r["rank"], r["code"], r["overdue"], r["overdue_days"], r["extensions"]) for r in ranking
    ] == [
        (1, "371302", 1, 40, 0),
        (2, "371323", 1, 10, 1),
        (3, "GXQ", 0, 0, 0),
    ]
    assert ranking[1]["completed_late"] == 1 and ranking[1]["assignments"] == 2
    # A county's ranking covers only what involves its subtree.
    assert [
        r["code"] for r in Assignments(kexie_actor("371323")).ranking(today=date(2026, 7, 10))
    ] == ["371323"]
    table = compute_metrics(city.session, "2026Q2", depth=1, metrics=["assignments.*"])
    assert table.value("371300", "assignments.due") == 4  # due dates in Q2 (after extension)
    assert table.figure("371300", "assignments.on_time_rate").subtree_parts == (1, 4)
    assert table.value("371323", "assignments.extensions") == 1
