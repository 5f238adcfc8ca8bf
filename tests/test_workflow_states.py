"""The report state machine under random sequences of calls (hypothesis, both backends).

Any actor of the Linyi tree tries any step on any reporting unit's report. A model predicts
whether the step is legal (the right side, the right status, a reason where one is needed); the
library must agree every time, and after every step the database must hold exactly the model's
states, with a reason on every returned report and every review done by a unit strictly above.
"""

from __future__ import annotations

import itertools
from datetime import date

import pytest
import sqlalchemy as sa
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from kexie_core import InvalidRecord, NotFound, Period, ScopeError, Workspace
from kexie_core.plugin.host import PluginHost
from kexie_core.store.tables import tree_t, unit_t
from kexie_core.store.tables_workflow import report_event_t, report_t
from kexie_core.testing import LINYI_UNITS, TEST_KEY, load_units
from kexie_core.workflow import Reports, WorkflowError

ALL = [u["code"] for u in LINYI_UNITS]
PARENT = {u["code"]: u.get("parent") for u in LINYI_UNITS}
REPORTING = ["371302", "371323", "GXQ", "S-NXH", "E-YS01"]  # kinds with a quarterly rule
ACTIONS = ["new", "submit", "edit", "accept", "return", "reopen"]
REASONS = [None, "", "   ", "请补充学会数据"]

SOURCES = {
    "submit": {None, "draft", "returned", "reopened"},
    "edit": {"draft", "returned", "reopened"},
    "new": {None},
    "accept": {"submitted"},
    "return": {"submitted"},
    "reopen": {"accepted"},
}
TARGET = {
    "new": "draft",
    "submit": "submitted",
    "edit": None,
    "accept": "accepted",
    "return": "returned",
    "reopen": "reopened",
}


def strictly_above(ancestor: str, unit: str) -> bool:
    parent = PARENT[unit]
    while parent is not None:
        if parent == ancestor:
            return True
        parent = PARENT[parent]
    return False


def legal(actor: str, unit: str, action: str, status: str | None, reason: str | None) -> bool:
    if status not in SOURCES[action]:
        return False
    if action in ("new", "submit", "edit"):
        return actor == unit
    if action in ("return", "reopen") and not (reason or "").strip():
        return False
    return strictly_above(actor, unit)


def _machine(ws: Workspace, periods: itertools.count[int]) -> type[RuleBasedStateMachine]:
    class ReportMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            # Each run gets a period of its own: no clean-up between runs.
            n = next(periods)
            self.period = Period("quarter", 2001 + n // 4, n % 4 + 1)
            self.model: dict[str, str | None] = dict.fromkeys(REPORTING)
            self.day = self.period.end

        @rule(
            actor=st.sampled_from(ALL),
            unit=st.sampled_from(REPORTING),
            action=st.sampled_from(ACTIONS),
            reason=st.sampled_from(REASONS),
        )
        def step(self, actor: str, unit: str, action: str, reason: str | None) -> None:
            # new, submit and edit act on the actor's own report; reviews on the drawn unit's.
            own = actor if action in ("new", "submit", "edit") else unit
            status = self.model.get(own)
            expected = own in self.model and legal(actor, own, action, status, reason)
            api = Reports(ws.as_unit(actor))
            self.day = date.fromordinal(self.day.toordinal() + 1)
            try:
                if action == "new":
                    api.new(self.period)
                elif action == "submit":
                    api.submit(self.period, today=self.day)
                elif action == "edit":
                    api.set_narrative(self.period, f"{self.day} 稿")
                elif action == "accept":
                    api.accept(unit, self.period)
                elif action == "return":
                    api.return_(unit, self.period, reason or "")
                else:
                    api.reopen(unit, self.period, reason or "")
            except (ScopeError, WorkflowError, InvalidRecord, NotFound):
                assert not expected, f"{actor} could not {action} {own} from {status}"
                return
            assert expected, f"{actor} managed to {action} {own} from {status} (reason {reason!r})"
            event(f"{action}: {status} -> {TARGET[action] or status}")
            if TARGET[action] is not None:
                self.model[own] = TARGET[action]

        # Random draws rarely line up a legal review; these rules steer towards deep states
        # (accepted, returned, reopened) while the rule above keeps trying everything.
        @rule(unit=st.sampled_from(REPORTING), action=st.sampled_from(["submit", "edit"]))
        def report_own(self, unit: str, action: str) -> None:
            self.step(unit, unit, action, None)

        @rule(
            unit=st.sampled_from(REPORTING),
            action=st.sampled_from(["accept", "return", "reopen"]),
            pick=st.integers(0, 3),
        )
        def review_from_above(self, unit: str, action: str, pick: int) -> None:
            above = [a for a in ALL if strictly_above(a, unit)]
            self.step(above[pick % len(above)], unit, action, "请补充学会数据")

        @invariant()
        def database_matches_model(self) -> None:
            owner, reviewer = unit_t.alias("owner"), unit_t.alias("reviewer")
            with ws.engine.connect() as conn:
                rows = conn.execute(
                    sa.select(
                        owner.c.code,
                        report_t.c.status,
                        report_t.c.reason,
                        report_t.c.id,
                        reviewer.c.code.label("reviewer"),
                        report_t.c.unit_id,
                        report_t.c.reviewed_by_id,
                    )
                    .join(owner, owner.c.id == report_t.c.unit_id)
                    .outerjoin(reviewer, reviewer.c.id == report_t.c.reviewed_by_id)
                    .where(report_t.c.period == str(self.period))
                ).all()
                states = {r.code: r.status for r in rows}
                assert states == {u: s for u, s in self.model.items() if s is not None}
                for r in rows:
                    if r.status == "returned":
                        assert r.reason and r.reason.strip()
                    if r.reviewer is not None:
                        depth = conn.execute(
                            sa.select(tree_t.c.depth).where(
                                tree_t.c.ancestor_id == r.reviewed_by_id,
                                tree_t.c.descendant_id == r.unit_id,
                            )
                        ).scalar()
                        assert depth is not None and depth > 0
                    last = conn.execute(
                        sa.select(report_event_t.c.to_status)
                        .where(report_event_t.c.report_id == r.id)
                        .order_by(report_event_t.c.id.desc())
                        .limit(1)
                    ).scalar()
                    assert last == r.status

    return ReportMachine


@pytest.fixture
def ws(kexie_db_url: str):
    host = PluginHost(strict=False)  # no metrics: the snapshot is empty and submitting is quick
    with Workspace.open(kexie_db_url, plugins=host, secret_key=TEST_KEY) as ws:
        ws.init()
        load_units(ws)
        yield ws


def test_no_sequence_of_calls_reaches_an_illegal_state(ws: Workspace) -> None:
    run_state_machine_as_test(
        _machine(ws, itertools.count()),
        settings=settings(max_examples=30, stateful_step_count=40, deadline=None),
    )
