"""Roll-up invariants on random trees and random data, on every backend.

For any tree and any data: a sum at a parent is its own value plus its children's; a ratio is
the ratio of the rolled-up numerators and denominators (never a mean of percentages); a distinct
count never counts a person twice, even one kept by two sibling units; and a year's sum is the
sum of its quarters.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kexie_core.metrics import Metric, Rollup, compute_metrics
from kexie_core.model.period import Period
from kexie_core.plugin.hookspecs import hookimpl
from kexie_core.plugin.host import PluginHost
from kexie_core.store import tree
from kexie_core.store.tables import member_t, membership_t, unit_t, work_t
from kexie_core.testing import TEST_KEY
from kexie_core.workspace import Workspace

from .conftest import reset_tables

YEAR = Period.parse("2026")
KINDS = ("training", "expert_visit", "publicity_output", "study_session")
AREAS = {"training": "7", "expert_visit": "8", "publicity_output": "6", "study_session": "1"}


def _training_share(ctx: Any) -> sa.Select[Any]:
    """Share of participants who were at training classes: a ratio of sums."""
    w = work_t.c
    trained = sa.case((w.kind == "training", w.participants), else_=0)
    return sa.select(w.unit_id, trained, w.participants).where(
        ctx.in_period(w.started_on), ctx.in_scope(w.unit_id)
    )


def _sizes(ctx: Any) -> sa.Select[Any]:
    """Distinct class sizes: one size recurs within a unit and across units, and an item of
    zero participants has no size (NULL), which a distinct count must skip."""
    w = work_t.c
    size = sa.case((w.participants > 0, w.participants))
    return sa.select(w.unit_id, size).where(ctx.in_period(w.started_on), ctx.in_scope(w.unit_id))


def _largest(ctx: Any) -> sa.Select[Any]:
    w = work_t.c
    return sa.select(w.unit_id, w.participants).where(
        ctx.in_period(w.started_on), ctx.in_scope(w.unit_id)
    )


class RollupProbe:
    """A throwaway plug-in with a ratio and a max metric of its own."""

    @hookimpl
    def kexie_register_metrics(self) -> list[Metric]:
        return [
            Metric(
                "probe.training_share", "培训人次占比", "training share", "%", "%", "7",
                Rollup.RATIO, _training_share,
            ),
            Metric(
                "probe.largest", "最大活动", "largest item", "人", "people", "7",
                Rollup.MAX, _largest,
            ),
            Metric(
                "probe.sizes", "不同规模数", "distinct sizes", "个", "", "7",
                Rollup.DISTINCT, _sizes,
            ),
        ]  # fmt: skip


@st.composite
def networks(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(1, 12))
    parents = {1: None} | {i: draw(st.integers(1, i - 1)) for i in range(2, n + 1)}
    members = draw(
        st.lists(
            st.tuples(st.integers(1, n), st.lists(st.integers(1, n), max_size=3, unique=True)),
            max_size=15,
        )
    )
    work = draw(
        st.lists(
            st.tuples(
                st.integers(1, n),
                st.sampled_from(KINDS),
                st.integers(0, 40),
                st.integers(0, 364),
            ),
            max_size=25,
        )
    )
    return {"parents": parents, "members": members, "work": work}


def _load(engine: sa.Engine, net: dict[str, Any]) -> None:
    reset_tables(engine)
    with engine.begin() as conn:
        conn.execute(
            unit_t.insert(),
            [
                {"id": i, "code": f"U{i}", "name": f"单位{i}", "kind": "township", "parent_id": p}
                for i, p in net["parents"].items()
            ],
        )
        tree.rebuild(conn)
        for number, (unit, extra) in enumerate(net["members"], start=1):
            conn.execute(
                member_t.insert().values(
                    id=number, member_no=f"M{number}", name=f"会员{number}", unit_id=unit
                )
            )
            for other in extra:
                if other != unit:
                    conn.execute(membership_t.insert().values(member_id=number, unit_id=other))
        if net["work"]:
            conn.execute(
                work_t.insert(),
                [
                    {
                        "kind": kind,
                        "area": AREAS[kind],
                        "unit_id": unit,
                        "title": "事项",
                        "started_on": date(2026, 1, 1) + timedelta(days=day),
                        "ended_on": date(2026, 1, 1) + timedelta(days=day),
                        "participants": people,
                        "hours": people / 4,
                        "details": {},
                        "evidence": [],
                    }
                    for unit, kind, people, day in net["work"]
                ],
            )


def _subtree(parents: dict[int, int | None], top: int) -> set[int]:
    found = set()
    for node in parents:
        walk: int | None = node
        while walk is not None:
            if walk == top:
                found.add(node)
                break
            walk = parents[walk]
    return found


@pytest.fixture
def probe_host() -> PluginHost:
    host = PluginHost(strict=True)
    host.load_builtins()
    host.register(RollupProbe(), "probe")
    return host


SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
KEYS = [
    "work_items",
    "participants",
    "training.hours",
    "members.count",
    "probe.training_share",
    "probe.largest",
    "probe.sizes",
]


@SETTINGS
@given(net=networks())
def test_roll_ups_hold_for_any_tree(engine: sa.Engine, probe_host: PluginHost, net) -> None:
    _load(engine, net)
    ws = Workspace(engine=engine, plugins=probe_host, secret_key=TEST_KEY)
    table = compute_metrics(ws.as_root(), YEAR, depth=None, metrics=KEYS)
    assert not table.failures
    parents: dict[int, int | None] = net["parents"]
    children = {u: [c for c, p in parents.items() if p == u] for u in parents}
    people = {u: set() for u in parents}
    for number, (unit, extra) in enumerate(net["members"], start=1):
        for where in {unit, *extra}:
            people[where].add(number)
    for u in parents:
        below = _subtree(parents, u)
        mine = [w for w in net["work"] if w[0] == u]
        inside = [w for w in net["work"] if w[0] in below]
        # sum: own + children, and equal to a brute-force count
        for key in ("work_items", "participants", "training.hours"):
            fig = table.figure(u, key)
            kids = sum(table.value(c, key) for c in children[u])
            assert fig.subtree == pytest.approx(fig.own + kids), key
        assert table.value(u, "work_items", own=True) == len(mine)
        assert table.value(u, "participants") == sum(w[2] for w in inside)
        # ratio: rolled-up parts, value = Σnum ÷ Σden
        share = table.figure(u, "probe.training_share")
        num = sum(w[2] for w in inside if w[1] == "training")
        den = sum(w[2] for w in inside)
        assert share.subtree_parts == (num, den)
        assert share.subtree == (pytest.approx(num / den * 100) if den else None)
        own_parts = share.own_parts or (0, 0)
        kid_parts = [table.figure(c, "probe.training_share").subtree_parts for c in children[u]]
        assert num == own_parts[0] + sum(p[0] for p in kid_parts if p)
        assert den == own_parts[1] + sum(p[1] for p in kid_parts if p)
        # distinct: the people of the subtree, each once, never more than the parts added up
        everyone = set().union(*(people[b] for b in below))
        assert table.value(u, "members.count") == len(everyone)
        assert table.value(u, "members.count", own=True) == len(people[u])
        assert table.value(u, "members.count") <= len(people[u]) + sum(
            table.value(c, "members.count") for c in children[u]
        )
        # distinct values that recur inside a unit and across units, NULLs skipped
        assert table.value(u, "probe.sizes") == len({w[2] for w in inside if w[2] > 0})
        assert table.value(u, "probe.sizes", own=True) == len({w[2] for w in mine if w[2] > 0})
        # max: the largest in the subtree
        largest = max((w[2] for w in inside), default=None)
        assert table.value(u, "probe.largest") == largest
    # Only the top two levels asked for: the units left out change nothing for those reported.
    shallow = compute_metrics(ws.as_root(), YEAR, depth=1, metrics=["members.count", "probe.sizes"])
    for unit in shallow.units:
        for key in ("members.count", "probe.sizes"):
            assert shallow.figure(unit.id, key) == table.figure(unit.id, key), key


@settings(SETTINGS, max_examples=12)
@given(net=networks())
def test_a_year_is_the_sum_of_its_quarters(engine: sa.Engine, probe_host: PluginHost, net) -> None:
    _load(engine, net)
    root = Workspace(engine=engine, plugins=probe_host, secret_key=TEST_KEY).as_root()
    keys = ["work_items", "participants", "training.hours", "work_items.area.*"]
    year = compute_metrics(root, YEAR, depth=None, metrics=keys)
    quarters = [compute_metrics(root, q, depth=None, metrics=keys) for q in YEAR.children()]
    for unit in year.units:
        for metric in year.metrics:
            total = sum(q.value(unit.id, metric.key) for q in quarters)
            assert year.value(unit.id, metric.key) == pytest.approx(total), metric.key
            own = sum(q.value(unit.id, metric.key, own=True) for q in quarters)
            assert year.value(unit.id, metric.key, own=True) == pytest.approx(own)


def test_a_person_in_two_sibling_units_counts_once_at_the_parent(kexie_linyi) -> None:
    kexie_linyi.add_member({"member_no": "M1", "name": "甲", "unit": "371323-YC"})
    kexie_linyi.add_membership({"member_no": "M1", "unit": "E-YS01"})
    table = compute_metrics(kexie_linyi, YEAR, depth=None, metrics=["members.count"])
    assert table.value("371323-YC", "members.count") == 1
    assert table.value("E-YS01", "members.count") == 1
    assert table.value("371323", "members.count") == 1
    assert table.value("371300", "members.count") == 1
