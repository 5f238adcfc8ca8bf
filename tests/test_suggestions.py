"""Suggestions of S&T workers: submitted → forwarded → adopted / answered / closed; counts."""

from __future__ import annotations

from datetime import date

import pytest

from kexie_core import InvalidRecord, NotFound
from kexie_core.metrics import compute_metrics
from kexie_core.workflow import Suggestions, WorkflowError


@pytest.fixture
def members(kexie_linyi):
    kexie_linyi.add_member({"member_no": "YS001", "name": "王芳", "unit": "371323"})
    kexie_linyi.add_member({"member_no": "YC001", "name": "李强", "unit": "371323-YC"})
    kexie_linyi.add_member({"member_no": "LS001", "name": "赵刚", "unit": "371302"})
    kexie_linyi.add_membership({"member_no": "LS001", "unit": "E-YS01", "role": "会员"})
    return kexie_linyi


def suggestion(**changes: object) -> dict[str, object]:
    return {
        "title": "关于建设沂水县科技工作者之家的建议",
        "text": "建议依托县科技馆建设科技工作者之家……",
        "authors": "YS001、YC001",
        **changes,
    }


def test_lifecycle_and_illegal_steps(members, kexie_actor) -> None:
    yishui, city = Suggestions(kexie_actor("371323")), Suggestions(members)
    s = yishui.submit(suggestion(), today=date(2026, 5, 1))
    assert (s.status, s.unit, s.authors) == ("submitted", "371323", ["YC001 李强", "YS001 王芳"])
    with pytest.raises(WorkflowError, match="cannot be adopted"):
        city.adopt(s.id)
    with pytest.raises(InvalidRecord, match="forwarded_to"):
        city.forward(s.id, "  ")
    s = city.forward(s.id, "中共临沂市委办公室", today=date(2026, 5, 3))
    assert (s.status, s.forwarded_to, s.forwarded_on) == (
        "forwarded",
        "中共临沂市委办公室",
        date(2026, 5, 3),
    )
    with pytest.raises(WorkflowError):
        city.forward(s.id, "市政府办公室")
    s = city.adopt(s.id, note="已纳入2026年民生实事", today=date(2026, 6, 1))
    assert (s.status, s.concluded_on, s.outcome_note) == (
        "adopted",
        date(2026, 6, 1),
        "已纳入2026年民生实事",
    )
    for step in (city.close, city.answer, city.adopt):
        with pytest.raises(WorkflowError):
            step(s.id)
    other = yishui.submit(suggestion(title="另一条"), today=date(2026, 5, 2))
    assert yishui.close(other.id, note="重复", today=date(2026, 5, 4)).status == "closed"
    actions = [e["action"] for e in members.audit_log() if e["entity"] == "suggestion"]
    assert actions == ["close", "create", "adopt", "forward", "create"]


def test_authors_must_be_members_in_scope(members, kexie_actor) -> None:
    yishui = Suggestions(kexie_actor("371323"))
    with pytest.raises(InvalidRecord, match="authors: no member LS002"):
        yishui.submit(suggestion(authors="YS001 LS002"))
    # LS001's record is kept in 兰山区, but an affiliation with E-YS01 puts him in 沂水县's subtree.
    assert yishui.submit(suggestion(authors="LS001")).authors == ["LS001 赵刚"]
    with pytest.raises(InvalidRecord, match="authors"):
        Suggestions(kexie_actor("371302")).submit(suggestion(authors="YS001"))
    with pytest.raises(InvalidRecord, match="authors"):
        yishui.submit(suggestion(authors=""))


def test_visibility_and_counts_by_status(members, kexie_actor) -> None:
    yishui, city = Suggestions(kexie_actor("371323")), Suggestions(members)
    a = yishui.submit(suggestion(), today=date(2026, 5, 1))
    b = yishui.submit(suggestion(unit="371323-YC", authors="YC001"), today=date(2026, 5, 2))
    c = Suggestions(kexie_actor("371302")).submit(
        suggestion(authors="LS001"), today=date(2026, 5, 3)
    )
    city.forward(a.id, "市政府办公室", today=date(2026, 5, 5))
    city.answer(a.id, today=date(2026, 6, 5))
    city.forward(b.id, "市委办公室", today=date(2026, 5, 5))
    with pytest.raises(NotFound):
        Suggestions(kexie_actor("371302")).get(a.id)
    assert [s.id for s in yishui.find()] == [b.id, a.id]
    assert [s.id for s in city.find(status="forwarded")] == [b.id]
    rows = {r["code"]: r for r in city.counts(period="2026")}
    assert {k: rows["371300"][k] for k in ("total", "submitted", "forwarded", "answered")} == {
        "total": 3,
        "submitted": 1,
        "forwarded": 1,
        "answered": 1,
    }
    assert rows["371323"]["total"] == 2 and rows["371302"]["submitted"] == 1
    assert city.counts(period="2025") == []
    table = compute_metrics(members, "2026", metrics=["suggestions.*"])
    assert table.value("371300", "suggestions.submitted") == 3
    assert c.unit == "371302"
