"""The unit tree, kept as a closure table (``unit_tree``) beside ``unit.parent_id``.

Every operation here is a fixed number of set-based statements, whatever the size of the tree:
no Python recursion over rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .tables import tree_t, unit_t


class TreeError(ValueError):
    """A change that would break the tree (a cycle, a missing parent)."""


def insert_leaf(conn: Connection, unit_id: int, parent_id: int | None) -> None:
    """Add the closure rows of a new unit: itself, and every ancestor of its parent."""
    conn.execute(tree_t.insert().values(ancestor_id=unit_id, descendant_id=unit_id, depth=0))
    if parent_id is not None:
        conn.execute(
            tree_t.insert().from_select(
                ["ancestor_id", "descendant_id", "depth"],
                sa.select(tree_t.c.ancestor_id, sa.literal(unit_id), tree_t.c.depth + 1).where(
                    tree_t.c.descendant_id == parent_id
                ),
            )
        )


def is_descendant(conn: Connection, ancestor_id: int, unit_id: int) -> bool:
    """True when ``unit_id`` is ``ancestor_id`` or lies below it."""
    row = conn.execute(
        sa.select(sa.literal(1)).where(
            tree_t.c.ancestor_id == ancestor_id, tree_t.c.descendant_id == unit_id
        )
    ).first()
    return row is not None


def move(conn: Connection, unit_id: int, new_parent_id: int | None) -> None:
    """Re-parent ``unit_id`` (and its whole subtree) under ``new_parent_id``.

    Refuses to make a unit its own ancestor. Every descendant's ancestry is rewritten in two
    statements: drop the links from the old ancestors into the subtree, then link every new
    ancestor to every member of the subtree.
    """
    if new_parent_id is not None and is_descendant(conn, unit_id, new_parent_id):
        raise TreeError("a unit cannot be moved under itself or one of its descendants")
    subtree = sa.select(tree_t.c.descendant_id).where(tree_t.c.ancestor_id == unit_id)
    conn.execute(
        tree_t.delete().where(
            tree_t.c.descendant_id.in_(subtree.scalar_subquery()),
            tree_t.c.ancestor_id.not_in(subtree.scalar_subquery()),
        )
    )
    if new_parent_id is not None:
        above = tree_t.alias("above")
        below = tree_t.alias("below")
        conn.execute(
            tree_t.insert().from_select(
                ["ancestor_id", "descendant_id", "depth"],
                sa.select(
                    above.c.ancestor_id,
                    below.c.descendant_id,
                    above.c.depth + below.c.depth + 1,
                )
                # Every new ancestor times every subtree member: a cross join on purpose.
                .select_from(above.join(below, sa.true()))
                .where(above.c.descendant_id == new_parent_id, below.c.ancestor_id == unit_id),
            )
        )
    conn.execute(unit_t.update().where(unit_t.c.id == unit_id).values(parent_id=new_parent_id))


def rebuild(conn: Connection) -> int:
    """Recompute the whole closure table from ``parent_id`` (after a bulk load of units).

    One recursive query; returns the number of closure rows. Raises TreeError when parent links
    form a cycle (the recursion would otherwise not end: depth is capped at the unit count).
    """
    count = conn.execute(sa.select(sa.func.count()).select_from(unit_t)).scalar_one()
    walk = sa.select(
        unit_t.c.id.label("ancestor_id"),
        unit_t.c.id.label("descendant_id"),
        sa.literal(0).label("depth"),
    ).cte("walk", recursive=True)
    child = unit_t.alias("child")
    walk = walk.union_all(
        sa.select(walk.c.ancestor_id, child.c.id, walk.c.depth + 1).where(
            child.c.parent_id == walk.c.descendant_id, walk.c.depth <= count
        )
    )
    looping = conn.execute(
        sa.select(sa.literal(1)).select_from(walk).where(walk.c.depth > count).limit(1)
    ).first()
    if looping:
        raise TreeError("parent links form a cycle")
    conn.execute(tree_t.delete())
    conn.execute(
        tree_t.insert().from_select(
            ["ancestor_id", "descendant_id", "depth"],
            sa.select(walk.c.ancestor_id, walk.c.descendant_id, walk.c.depth),
        )
    )
    return int(conn.execute(sa.select(sa.func.count()).select_from(tree_t)).scalar_one())


def subtree_ids(ancestor_id: int) -> sa.Select[Any]:
    """A select of the ids of ``ancestor_id`` and everything below it (one indexed lookup)."""
    return sa.select(tree_t.c.descendant_id).where(tree_t.c.ancestor_id == ancestor_id)


def descendants(conn: Connection, ancestor_id: int, max_depth: int | None = None) -> list[int]:
    query = subtree_ids(ancestor_id)
    if max_depth is not None:
        query = query.where(tree_t.c.depth <= max_depth)
    return [int(row[0]) for row in conn.execute(query)]


def ancestors(conn: Connection, unit_id: int) -> list[int]:
    """Ids from the root down to ``unit_id``'s parent."""
    rows = conn.execute(
        sa.select(tree_t.c.ancestor_id)
        .where(tree_t.c.descendant_id == unit_id, tree_t.c.depth > 0)
        .order_by(tree_t.c.depth.desc())
    )
    return [row[0] for row in rows]


def roots(conn: Connection) -> Iterable[int]:
    return [r[0] for r in conn.execute(sa.select(unit_t.c.id).where(unit_t.c.parent_id.is_(None)))]
