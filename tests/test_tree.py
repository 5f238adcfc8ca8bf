"""The closure table agrees with a brute-force walk of parent links, through any sequence of
inserts and re-parentings, on every backend."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kexie_core.store import tree
from kexie_core.store.tables import tree_t, unit_t

from .conftest import reset_tables


def brute_subtree(parents: dict[int, int | None], top: int) -> set[int]:
    found = set()
    for node in parents:
        walk: int | None = node
        while walk is not None:
            if walk == top:
                found.add(node)
                break
            walk = parents[walk]
    return found


def closure(conn: sa.Connection) -> set[tuple[int, int, int]]:
    return set(
        conn.execute(sa.select(tree_t.c.ancestor_id, tree_t.c.descendant_id, tree_t.c.depth)).all()
    )


def brute_closure(parents: dict[int, int | None]) -> set[tuple[int, int, int]]:
    rows = set()
    for node in parents:
        depth, walk = 0, node
        while walk is not None:
            rows.add((walk, node, depth))
            walk, depth = parents[walk], depth + 1
    return rows


trees = st.integers(min_value=1, max_value=25).flatmap(
    lambda n: st.tuples(
        st.just(n),
        st.lists(st.integers(min_value=0, max_value=10**6), min_size=n - 1, max_size=n - 1),
        st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 10**6)), max_size=8),
    )
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(spec=trees)
def test_closure_matches_brute_force_through_moves(engine: sa.Engine, spec) -> None:
    n, parent_picks, moves = spec
    reset_tables(engine)
    parents: dict[int, int | None] = {1: None}
    with engine.begin() as conn:
        conn.execute(unit_t.insert().values(id=1, code="U1", name="root", kind="municipal"))
        tree.insert_leaf(conn, 1, None)
        for i, pick in enumerate(parent_picks, start=2):
            parent = 1 + pick % (i - 1)
            parents[i] = parent
            conn.execute(
                unit_t.insert().values(
                    id=i, code=f"U{i}", name=f"u{i}", kind="township", parent_id=parent
                )
            )
            tree.insert_leaf(conn, i, parent)
        for a, b in moves:
            node, new_parent = 1 + a % n, 1 + b % n
            if node == 1:
                continue
            if new_parent in brute_subtree(parents, node):
                with pytest.raises(tree.TreeError):
                    tree.move(conn, node, new_parent)
                continue
            tree.move(conn, node, new_parent)
            parents[node] = new_parent
        assert closure(conn) == brute_closure(parents)
        for top in parents:
            assert set(tree.descendants(conn, top)) == brute_subtree(parents, top)
        # a rebuild from parent links gives the same closure
        tree.rebuild(conn)
        assert closure(conn) == brute_closure(parents)


def test_rebuild_detects_a_cycle(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            unit_t.insert(),
            [
                {"id": 1, "code": "A", "name": "a", "kind": "county", "parent_id": None},
                {"id": 2, "code": "B", "name": "b", "kind": "county", "parent_id": 1},
                {"id": 3, "code": "C", "name": "c", "kind": "county", "parent_id": 2},
            ],
        )
        conn.execute(unit_t.update().where(unit_t.c.id == 2).values(parent_id=3))
        with pytest.raises(tree.TreeError, match="cycle"):
            tree.rebuild(conn)


def test_subtree_query_uses_the_index(kexie_sqlite_template) -> None:
    """ "Everything under X" is one indexed lookup, not a scan (SQLite's plan wording)."""
    engine = sa.create_engine(f"sqlite:///{kexie_sqlite_template}")
    with engine.connect() as conn:
        compiled = tree.subtree_ids(1).compile(engine, compile_kwargs={"literal_binds": True})
        plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}"))
    assert "SEARCH" in plan and "SCAN" not in plan.replace("COVERING INDEX", "")
