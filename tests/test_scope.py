"""An actor reads and writes only its own subtree; the root sees all."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kexie_core import ScopeError, Workspace
from kexie_core.plugin.host import PluginHost
from kexie_core.testing import TEST_KEY

from .conftest import reset_tables
from .test_tree import brute_subtree


def _counts(ws: Workspace) -> tuple[int, int, int]:
    with ws.engine.connect() as conn:
        return tuple(
            conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar()  # type: ignore
            for t in ("unit", "work_item", "audit_log")
        )


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    picks=st.lists(st.integers(0, 10**6), min_size=1, max_size=14),
    actor_pick=st.integers(0, 10**6),
    target_pick=st.integers(0, 10**6),
)
def test_actor_never_reads_or_writes_outside_its_subtree(
    kexie_db_url: str, picks: list[int], actor_pick: int, target_pick: int
) -> None:
    with Workspace.open(kexie_db_url, secret_key=TEST_KEY, plugins=_host()) as ws:
        _check_scope(ws, picks, actor_pick, target_pick)


def _check_scope(ws: Workspace, picks: list[int], actor_pick: int, target_pick: int) -> None:
    reset_tables(ws.engine)
    root = ws.bootstrap_root({"code": "U1", "name": "临沂市科协", "kind": "municipal"})
    parents: dict[int, int | None] = {1: None}
    for i, pick in enumerate(picks, start=2):
        parents[i] = 1 + pick % (i - 1)
        root.add_unit(
            {"code": f"U{i}", "name": f"单位{i}", "kind": "township", "parent": f"U{parents[i]}"}
        )
    n = len(parents)
    actor_no, target_no = 1 + actor_pick % n, 1 + target_pick % n
    actor = ws.as_unit(f"U{actor_no}")
    visible = brute_subtree(parents, actor_no)

    assert {u.code for u in actor.units()} == {f"U{i}" for i in visible}
    assert {r["code"] for r in actor.tree()} == {f"U{i}" for i in visible}

    item = {
        "kind": "study_session",
        "unit": f"U{target_no}",
        "title": "理论学习",
        "started_on": "2026-03-01",
    }
    before = _counts(ws)
    if target_no in visible:
        actor.add_work_item(item)
        assert _counts(ws)[1] == before[1] + 1
        assert actor.unit(f"U{target_no}").code == f"U{target_no}"
    else:
        with pytest.raises(ScopeError):
            actor.add_work_item(item)
        with pytest.raises(ScopeError):
            actor.add_unit(
                {"code": "NEW", "name": "新单位", "kind": "township", "parent": f"U{target_no}"}
            )
        with pytest.raises(ScopeError):
            actor.unit(f"U{target_no}")
        with pytest.raises(ScopeError):
            actor.units(under=f"U{target_no}")
        assert _counts(ws) == before


def _host() -> PluginHost:
    host = PluginHost()
    host.load_builtins()
    return host


def test_county_cannot_move_units_outside_or_itself(kexie_linyi) -> None:
    ws = kexie_linyi.workspace
    yishui = ws.as_unit("371323")
    with pytest.raises(ScopeError):
        yishui.move_unit("371323-YC", "371302")
    with pytest.raises(ScopeError):
        yishui.move_unit("371323", "371300")
    yishui.move_unit("371323-YC", "E-YS01")
    assert [u.code for u in yishui.units(under="E-YS01")] == ["E-YS01", "371323-YC"]


def test_root_moves_a_subtree_and_descendants_follow(kexie_linyi) -> None:
    root = kexie_linyi
    root.move_unit("371323", "GXQ")
    codes = {u.code for u in root.units(under="GXQ")}
    assert {"371323", "371323-YC", "E-YS01"} <= codes
    with pytest.raises(ValueError, match="descendants"):
        root.move_unit("GXQ", "371323-YC")
    assert root.tree(under="GXQ")[2]["depth"] == 2


def test_members_are_scoped(kexie_linyi) -> None:
    root = kexie_linyi
    root.add_member({"member_no": "A1", "name": "甲", "unit": "371302"})
    root.add_member({"member_no": "B1", "name": "乙", "unit": "371323-YC"})
    ws = root.workspace
    assert [m.member_no for m in ws.as_unit("371323").members()] == ["B1"]
    assert [m.member_no for m in root.members()] == ["A1", "B1"]
    with pytest.raises(ScopeError):
        ws.as_unit("371302").add_member({"member_no": "C1", "name": "丙", "unit": "371323"})
    with ws.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM member")).scalar() == 2
