"""Important-matter reports (重要情况报告): timeliness by urgency, receivers, acknowledgement."""

from __future__ import annotations

from datetime import date

import pytest

from kexie_core import InvalidRecord, NotFound, Problem, ScopeError, hookimpl
from kexie_core.metrics import compute_metrics
from kexie_core.workflow import Matters, WorkflowError


def matter(**changes: object) -> dict[str, object]:
    return {
        "title": "暴雨致农技推广站受损",
        "text": "7月1日夜间暴雨，沂城街道农技推广站进水。",
        "occurred_on": "2026-07-01",
        "urgency": "紧急",
        **changes,
    }


def test_timely_depends_on_urgency_and_is_judged_when_reported(kexie_linyi, kexie_actor) -> None:
    yishui = Matters(kexie_actor("371323"))
    urgent_in_time = yishui.report(matter(), today=date(2026, 7, 2))
    urgent_late = yishui.report(matter(), today=date(2026, 7, 3))
    critical_same_day = yishui.report(
        matter(urgency="critical", reported_on="2026-07-01"), today=date(2026, 9, 9)
    )
    normal = yishui.report(
        matter(urgency="一般", attachments="http://a.cn/1.jpg；http://a.cn/2.pdf"),
        today=date(2026, 7, 4),
    )
    assert [m.timely for m in (urgent_in_time, urgent_late, critical_same_day, normal)] == [
        True,
        False,
        True,
        True,
    ]
    assert critical_same_day.reported_on == date(2026, 7, 1)
    assert normal.attachments == ["http://a.cn/1.jpg", "http://a.cn/2.pdf"]
    assert urgent_in_time.receiver == "371300"  # the parent by default


def test_receiver_must_be_above_and_only_it_acknowledges(kexie_linyi, kexie_actor) -> None:
    township = Matters(kexie_actor("371323-YC"))
    to_county = township.report(matter(), today=date(2026, 7, 1))
    assert to_county.receiver == "371323"
    to_city = township.report(matter(receiver="371300"), today=date(2026, 7, 1))
    with pytest.raises(InvalidRecord, match=r"receiver: .*not above"):
        township.report(matter(receiver="371302"), today=date(2026, 7, 1))
    with pytest.raises(InvalidRecord, match="occurred_on"):
        township.report(matter(occurred_on="2026-07-05"), today=date(2026, 7, 1))
    with pytest.raises(InvalidRecord, match="urgency"):
        township.report(matter(urgency="super"), today=date(2026, 7, 1))
    with pytest.raises(InvalidRecord, match="root"):
        Matters(kexie_linyi).report(matter(), today=date(2026, 7, 1))
    with pytest.raises(ScopeError, match="reported to 371323"):
        Matters(kexie_linyi).acknowledge(to_county.id, today=date(2026, 7, 2))
    with pytest.raises(NotFound):
        Matters(kexie_actor("371302")).acknowledge(to_county.id)
    acked = Matters(kexie_actor("371323")).acknowledge(
        to_county.id, note="已派人", today=date(2026, 7, 2)
    )
    assert (acked.acknowledged_by, acked.acknowledged_on, acked.ack_note) == (
        "371323",
        date(2026, 7, 2),
        "已派人",
    )
    with pytest.raises(WorkflowError, match="acknowledged"):
        Matters(kexie_actor("371323")).acknowledge(to_county.id)
    # The receiver sees it; a sibling county does not; the city sees both.
    assert [m.id for m in Matters(kexie_actor("371323")).find()] == [to_city.id, to_county.id]
    assert Matters(kexie_actor("371302")).find() == []
    assert [m.id for m in Matters(kexie_linyi).find(unacknowledged=True)] == [to_city.id]


def test_counts_roll_up_and_the_metrics_agree(kexie_linyi, kexie_actor) -> None:
    Matters(kexie_actor("371323")).report(matter(), today=date(2026, 7, 5))  # late
    Matters(kexie_actor("E-YS01")).report(matter(urgency="critical"), today=date(2026, 7, 1))
    Matters(kexie_actor("GXQ")).report(matter(urgency="normal"), today=date(2026, 7, 2))
    Matters(kexie_actor("GXQ")).report(matter(occurred_on="2026-03-30"), today=date(2026, 3, 31))
    rows = {r["code"]: r for r in Matters(kexie_linyi).counts("2026Q3")}
    assert (rows["371300"]["matters"], rows["371300"]["timely"], rows["371300"]["late"]) == (
        3,
        2,
        1,
    )
    assert (rows["371323"]["matters"], rows["371323"]["critical"], rows["371323"]["urgent"]) == (
        2,
        1,
        1,
    )
    assert rows["GXQ"]["unacknowledged"] == 1
    table = compute_metrics(kexie_linyi, "2026Q3", depth=1, metrics=["matters.*"])
    assert table.value("371300", "matters.reported") == 3
    assert table.figure("371300", "matters.timely_rate").subtree_parts == (2, 3)
    assert table.value("371323", "matters.reported", own=True) == 1


def test_plugin_rules_apply_to_workflow_records(kexie_linyi, kexie_actor, kexie_register_plugin):
    class NoAnonymousMaterial:
        @hookimpl
        def kexie_validate_record(self, kind, record):
            if kind == "important_matter" and "匿名" in record.text:
                return [Problem("text", "不受理匿名材料")]
            return None

    kexie_register_plugin(NoAnonymousMaterial(), "county-rules")
    yishui = Matters(kexie_actor("371323"))
    with pytest.raises(InvalidRecord, match=r"text: 不受理匿名材料 \(county-rules\)"):
        yishui.report(matter(text="匿名举报材料"), today=date(2026, 7, 1))
    assert Matters(kexie_linyi).find() == []
    assert yishui.report(matter(), today=date(2026, 7, 1)).id
