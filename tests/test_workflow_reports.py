"""Periodic reports: who may do what, reasons, history, events, snapshots and the edit lock."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from kexie_core import InvalidRecord, NotFound, ScopeError, Workspace, hookimpl
from kexie_core.metrics import PERSON_TIMES, compute_metrics, metric
from kexie_core.model.enums import Area
from kexie_core.plugin.host import PluginError, PluginHost
from kexie_core.store.tables import work_t
from kexie_core.testing import TEST_KEY, load_units
from kexie_core.workflow import ReportLocked, Reports, WorkflowError

Q1 = "2026Q1"


def _participants(ctx):
    w = work_t.c
    return sa.select(w.unit_id, w.participants).where(
        ctx.in_period(w.started_on), ctx.in_scope(w.unit_id)
    )


class FakeMetrics:
    """One metric, so that a snapshot can be checked value by value."""

    @hookimpl
    def kexie_register_metrics(self):
        return [
            metric(
                "test.participants",
                "参与人次",
                "participants",
                PERSON_TIMES,
                Area.PRACTICE,
                "sum",
                _participants,
            )
        ]


class Recorder:
    def __init__(self) -> None:
        self.heard: list[tuple[str | None, str, str, str]] = []

    @hookimpl
    def kexie_report_status_changed(self, report, old_status, new_status, actor):
        self.heard.append((old_status, new_status, report.status, actor.code))


class Broken:
    @hookimpl
    def kexie_report_status_changed(self, report):
        raise ConnectionError("the SMS gateway is down")


@pytest.fixture
def host() -> PluginHost:
    host = PluginHost(strict=False)
    host.load_builtins(["kexie_core.builtins.work_kinds"])
    host.register(FakeMetrics(), "fake-metrics")
    return host


@pytest.fixture
def ws(kexie_db_url: str, host: PluginHost):
    with Workspace.open(kexie_db_url, plugins=host, secret_key=TEST_KEY) as ws:
        ws.init()
        load_units(ws)
        yield ws


def reports(ws: Workspace, code: str | None) -> Reports:
    return Reports(ws.as_unit(code))


def work(unit: str, on: str, participants: int) -> dict[str, object]:
    return {
        "kind": "training",
        "unit": unit,
        "title": "科技人员培训班",
        "started_on": on,
        "participants": participants,
    }


def test_submit_return_resubmit_accept_keeps_history_and_reasons(ws: Workspace) -> None:
    yishui, city = reports(ws, "371323"), reports(ws, None)
    r = yishui.submit(Q1, narrative="一季度开展培训3期", today=date(2026, 4, 8))
    assert (r.status, r.submitted_on, r.due_on, r.late) == (
        "submitted",
        date(2026, 4, 8),
        date(2026, 4, 10),
        False,
    )
    with pytest.raises(InvalidRecord, match="reason"):
        city.return_("371323", Q1, "   ")
    r = city.return_("371323", Q1, "请补充学会工作数据")
    assert (r.status, r.reason, r.submitted_on, r.reviewed_by) == (
        "returned",
        "请补充学会工作数据",
        None,
        "371300",
    )
    r = yishui.submit(Q1, today=date(2026, 4, 12))
    assert (r.revision, r.submitted_on, r.late) == (2, date(2026, 4, 12), True)
    r = city.accept("371323", Q1)
    assert r.status == "accepted"
    history = [
        (e.actor, e.action, e.from_status, e.to_status, e.reason) for e in yishui.history(Q1)
    ]
    assert [h[1:4] for h in history] == [
        ("new", None, "draft"),
        ("submit", "draft", "submitted"),
        ("return", "submitted", "returned"),
        ("submit", "returned", "submitted"),
        ("accept", "submitted", "accepted"),
    ]
    assert history[2][0] == "371300" and history[2][4] == "请补充学会工作数据"
    log = ws.as_root().audit_log(unit="371323")
    assert [e["action"] for e in log if e["entity"] == "report"][::-1] == [
        "new",
        "submit",
        "return",
        "submit",
        "accept",
    ]


@pytest.mark.parametrize(
    ("reviewer", "why"),
    [
        ("371323", "its own"),  # the unit itself
        ("371302", "above it"),  # a sibling county
        ("371323-YC", "above it"),  # a township below the county
        ("E-YS01", "above it"),  # an enterprise association below the county
    ],
)
def test_only_an_ancestor_reviews(ws: Workspace, reviewer: str, why: str) -> None:
    reports(ws, "371323").submit(Q1, today=date(2026, 4, 1))
    them = reports(ws, reviewer)
    for act in (
        lambda: them.accept("371323", Q1),
        lambda: them.return_("371323", Q1, "理由"),
    ):
        with pytest.raises(ScopeError):
            act()
    assert reports(ws, "371323").get(Q1).status == "submitted"
    # A county reviews the enterprise association below it; so does the city above both.
    reports(ws, "E-YS01").submit(Q1, today=date(2026, 4, 1))
    assert reports(ws, "371323").accept("E-YS01", Q1).reviewed_by == "371323"


def test_illegal_steps_are_refused_with_what_is_possible(ws: Workspace) -> None:
    yishui, city = reports(ws, "371323"), reports(ws, None)
    with pytest.raises(NotFound):
        city.accept("371323", Q1)
    yishui.new(Q1, narrative="草稿")
    with pytest.raises(WorkflowError, match=r"draft.*possible now: submit"):
        city.accept("371323", Q1)
    with pytest.raises(WorkflowError, match="already has a report"):
        yishui.new(Q1)
    yishui.submit(Q1, today=date(2026, 4, 1))
    with pytest.raises(WorkflowError, match="submitted"):
        yishui.submit(Q1, today=date(2026, 4, 2))
    with pytest.raises(WorkflowError, match="narrative can change only"):
        yishui.set_narrative(Q1, "改")
    city.accept("371323", Q1)
    with pytest.raises(WorkflowError):
        city.return_("371323", Q1, "晚了")
    with pytest.raises(InvalidRecord, match="reason"):
        city.reopen("371323", Q1, "")


def test_a_unit_whose_kind_does_not_report_that_period_is_told_why(ws: Workspace) -> None:
    with pytest.raises(InvalidRecord, match=r"period: .*township.*quarter"):
        reports(ws, "371323-YC").submit(Q1, today=date(2026, 4, 1))
    with pytest.raises(InvalidRecord, match="no year periods"):
        reports(ws, "371323").new("2026")
    with pytest.raises(InvalidRecord, match="not a reporting period"):
        reports(ws, "371323").new("2026Q5")


def test_events_fire_for_every_step_and_a_raising_plugin_loses_nothing(
    ws: Workspace, host: PluginHost
) -> None:
    recorder = Recorder()
    host.register(Broken(), "sms")
    host.register(recorder, "office")
    yishui, city = reports(ws, "371323"), reports(ws, None)
    yishui.submit(Q1, today=date(2026, 4, 1))
    city.return_("371323", Q1, "补充")
    assert recorder.heard == [
        (None, "draft", "draft", "371323"),
        ("draft", "submitted", "submitted", "371323"),
        ("submitted", "returned", "returned", "371300"),
    ]
    assert yishui.get(Q1).status == "returned"
    assert [f.plugin for f in host.failures].count("sms") == 3
    # Strict mode re-raises the plug-in's failure, but only after the commit.
    host.strict = True
    with pytest.raises(PluginError, match="SMS gateway"):
        yishui.submit(Q1, today=date(2026, 4, 2))
    assert yishui.get(Q1).status == "submitted"


def test_snapshot_is_frozen_at_submission_and_edits_never_change_it(ws: Workspace) -> None:
    root, yishui = ws.as_root(), ws.as_unit("371323")
    root.add_work_item(work("371323", "2026-02-01", 30))
    root.add_work_item(work("E-YS01", "2026-03-01", 12))
    root.add_work_item(work("371323", "2026-04-02", 99))  # next quarter: not in the snapshot
    r = Reports(yishui).submit(Q1, narrative="一季度", today=date(2026, 4, 5))
    frozen = r.snapshot["metrics"]["test.participants"]
    assert (frozen["own"], frozen["subtree"]) == (30, 42)
    assert r.snapshot["narrative"] == "一季度" and r.snapshot["period"] == Q1
    # A late edit to a submitted (not yet accepted) period is allowed, but the report keeps
    # what it said; the live metric moves.
    root.add_work_item(work("371323-YC", "2026-03-15", 8))
    live = compute_metrics(yishui, Q1, metrics=["test.participants"])
    assert live.value("371323", "test.participants") == 50
    assert Reports(yishui).get(Q1).snapshot == r.snapshot


def test_a_plugin_metric_that_fails_is_listed_and_submission_goes_on(
    ws: Workspace, host: PluginHost
) -> None:
    class BadMetric:
        @hookimpl
        def kexie_register_metrics(self):
            def broken(ctx):
                raise RuntimeError("no such table")

            return [metric("bad.one", "坏", "bad", PERSON_TIMES, "5", "sum", broken)]

    host.register(BadMetric(), "bad")
    r = reports(ws, "371323").submit(Q1, today=date(2026, 4, 1))
    assert [f["plugin"] for f in r.snapshot["failures"]] == ["bad"]
    assert "test.participants" in r.snapshot["metrics"]


def test_accepted_period_locks_edits_until_reopened(ws: Workspace) -> None:
    root = ws.as_root()
    yishui, city = reports(ws, "371323"), reports(ws, None)
    yishui.submit(Q1, today=date(2026, 4, 1))
    city.accept("371323", Q1)
    before = len(root.work_items())
    for unit in ("371323", "371323-YC", "E-YS01"):  # the county and everything below it
        with pytest.raises(ReportLocked) as caught:
            root.add_work_item(work(unit, "2026-03-31", 5))
        message = str(caught.value)
        assert "started_on" in message and "371323 沂水县科协" in message and Q1 in message
        assert "accepted by 371300" in message and "reopen" in message
    assert len(root.work_items()) == before  # nothing half-written
    root.add_work_item(work("371323", "2026-04-01", 5))  # the next quarter is open
    root.add_work_item(work("371302", "2026-03-31", 5))  # a sibling county is not locked
    city.reopen("371323", Q1, "补录培训班数据")
    root.add_work_item(work("E-YS01", "2026-03-31", 5))
    events = [(e.action, e.to_status, e.reason) for e in yishui.history(Q1)]
    assert events[-1] == ("reopen", "reopened", "补录培训班数据")
    # Resubmitting keeps the original hand-in date (the reviewer asked for the change).
    r = yishui.submit(Q1, today=date(2026, 5, 1))
    assert (r.status, r.submitted_on, r.revision) == ("submitted", date(2026, 4, 1), 2)
    assert r.snapshot["metrics"]["test.participants"]["subtree"] == 5


def test_a_lower_units_accepted_report_locks_only_its_own_subtree(ws: Workspace) -> None:
    reports(ws, "E-YS01").submit(Q1, today=date(2026, 4, 1))
    reports(ws, "371323").accept("E-YS01", Q1)
    root = ws.as_root()
    with pytest.raises(ReportLocked, match="E-YS01"):
        root.add_work_item(work("E-YS01", "2026-01-10", 1))
    root.add_work_item(work("371323", "2026-01-10", 1))


def test_listing_is_scoped(ws: Workspace) -> None:
    reports(ws, "371323").submit(Q1, today=date(2026, 4, 1))
    reports(ws, "371302").submit(Q1, today=date(2026, 4, 1))
    assert {r.unit for r in reports(ws, None).find(period=Q1)} == {"371323", "371302"}
    assert {r.unit for r in reports(ws, "371323").find()} == {"371323"}
    with pytest.raises(ScopeError):
        reports(ws, "371323").get(Q1, unit="371302")
    with pytest.raises(ScopeError):
        reports(ws, "371323").find(unit="371302")


def test_the_database_refuses_a_returned_report_without_reason(ws: Workspace) -> None:
    reports(ws, "371323").submit(Q1, today=date(2026, 4, 1))
    for reason in (None, ""):
        with pytest.raises(sa.exc.IntegrityError), ws.engine.begin() as conn:
            conn.exec_driver_sql(
                "UPDATE report SET status = 'returned', reason = "
                + ("NULL" if reason is None else "''")
            )
    with pytest.raises(sa.exc.IntegrityError), ws.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE report SET status = 'approved'")
