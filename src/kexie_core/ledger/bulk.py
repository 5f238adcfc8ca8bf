"""Set-based writes for imports (批量写入), one statement per batch whatever its size.

- SQLite: ``executemany`` of plain tuples through the driver, inside the caller's transaction
  (SQLAlchemy's per-value type processing is skipped, so values are given the way SQLAlchemy
  itself stores them: ISO dates, 0/1 booleans, JSON text).
- PostgreSQL: ``COPY … FROM STDIN`` for new rows; changed rows are copied into a temporary table
  and applied with one ``UPDATE … FROM``. ``RETURNING`` is avoided on the bulk path: it is about
  twenty times slower than COPY here (docs/performance).

Also here: the table of keys seen so far in an import (to catch a key repeated in a later batch),
and the lock that keeps two writers from inserting one key between our check and our write.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

SEEN_TABLE = "kexie_import_seen"


def _iso(value: Any) -> Any:
    return value.isoformat() if value is not None else None


def _iso_time(value: Any) -> Any:
    return value.isoformat(sep=" ") if value is not None else None


def _json_text(value: Any) -> Any:
    return json.dumps(value) if value is not None else None


def _converters(conn: Connection, table: sa.Table, columns: Sequence[str]) -> list[Any]:
    """Per column, the function giving the driver's value (None: the value as it is).

    Only the columns that need it are converted: a million rows of twenty columns make this the
    hottest loop of an import. SQLite gets dates as ISO text (as SQLAlchemy stores them; the
    driver's own date adapter is deprecated) and JSON as text; booleans are ints already. COPY
    to PostgreSQL takes dates and booleans as they are, and JSON as text.
    """
    sqlite = not is_postgresql(conn)
    found: list[Any] = []
    for name in columns:
        kind = table.c[name].type
        if isinstance(kind, sa.JSON):
            found.append(_json_text)
        elif sqlite and isinstance(kind, sa.DateTime):
            found.append(_iso_time)
        elif sqlite and isinstance(kind, sa.Date):
            found.append(_iso)
        else:
            found.append(None)
    return found


def _prepared(
    conn: Connection, table: sa.Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> Iterator[tuple[Any, ...]]:
    convert = [(i, f) for i, f in enumerate(_converters(conn, table, columns)) if f is not None]
    if not convert:
        yield from (tuple(row) for row in rows)
        return
    for row in rows:
        values = list(row)
        for i, f in convert:
            values[i] = f(values[i])
        yield tuple(values)


def is_postgresql(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def _quote(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote(name)


def _driver(conn: Connection) -> Any:
    return conn.connection.driver_connection


def insert_rows(
    conn: Connection, table: sa.Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert ``rows`` (tuples in ``columns`` order); returns how many."""
    rows = list(rows)
    if not rows:
        return 0
    names = ", ".join(_quote(conn, c) for c in columns)
    target = _quote(conn, table.name)
    values = _prepared(conn, table, columns, rows)
    if is_postgresql(conn):
        with (
            _driver(conn).cursor() as cursor,
            cursor.copy(f"COPY {target} ({names}) FROM STDIN") as copy,
        ):
            for row in values:
                copy.write_row(row)
        return len(rows)
    marks = ", ".join("?" for _ in columns)
    conn.exec_driver_sql(f"INSERT INTO {target} ({names}) VALUES ({marks})", list(values))
    return len(rows)


def update_rows(
    conn: Connection,
    table: sa.Table,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    key: str = "id",
) -> int:
    """Set ``columns`` on the rows whose ``key`` is the last value of each tuple."""
    rows = list(rows)
    if not rows or not columns:
        return 0
    target = _quote(conn, table.name)
    if is_postgresql(conn):
        stage = _quote(conn, f"kexie_stage_{table.name}")
        names = [*columns, key]
        conn.exec_driver_sql(
            f"CREATE TEMP TABLE IF NOT EXISTS {stage} AS SELECT "
            + ", ".join(_quote(conn, c) for c in names)
            + f" FROM {target} WITH NO DATA"
        )
        conn.exec_driver_sql(f"TRUNCATE {stage}")
        quoted = ", ".join(_quote(conn, c) for c in names)
        with (
            _driver(conn).cursor() as cursor,
            cursor.copy(f"COPY {stage} ({quoted}) FROM STDIN") as copy,
        ):
            for row in _prepared(conn, table, names, rows):
                copy.write_row(row)
        sets = ", ".join(f"{_quote(conn, c)} = s.{_quote(conn, c)}" for c in columns)
        k = _quote(conn, key)
        conn.exec_driver_sql(
            f"UPDATE {target} AS t SET {sets} FROM {stage} AS s WHERE t.{k} = s.{k}"
        )
        conn.exec_driver_sql(f"DROP TABLE {stage}")
        return len(rows)
    sets = ", ".join(f"{_quote(conn, c)} = ?" for c in columns)
    conn.exec_driver_sql(
        f"UPDATE {target} SET {sets} WHERE {_quote(conn, key)} = ?",
        list(_prepared(conn, table, [*columns, key], rows)),
    )
    return len(rows)


def lock_for_writing(conn: Connection, tables: Sequence[sa.Table]) -> None:
    """Keep other writers off ``tables`` until this transaction ends (PostgreSQL).

    Between reading which keys exist and inserting the new ones, another writer could insert one
    of them. SQLite needs nothing: every write transaction begins with ``BEGIN IMMEDIATE`` and
    holds the database's write lock. On PostgreSQL ``SHARE ROW EXCLUSIVE`` lets readers through
    and makes writers wait (it conflicts with itself and with ordinary inserts).
    """
    if is_postgresql(conn):
        for table in tables:
            conn.exec_driver_sql(
                f"LOCK TABLE {_quote(conn, table.name)} IN SHARE ROW EXCLUSIVE MODE"
            )


# -- keys seen earlier in the same import ------------------------------------------------------


def create_seen(conn: Connection) -> None:
    """A temporary table of the keys an import has met, for this connection, empty.

    Keys are looked up by their Python ``hash`` (an integer key is several times cheaper to
    index than text, and the table lives no longer than the process); the key itself is kept
    to tell a real repeat from a hash collision.
    """
    name = _quote(conn, SEEN_TABLE)
    integer = "BIGINT" if is_postgresql(conn) else "INTEGER"  # SQLite: the rowid itself
    conn.exec_driver_sql(
        f"CREATE TEMP TABLE IF NOT EXISTS {name} "
        f"(h {integer} PRIMARY KEY, k TEXT NOT NULL, row_no INTEGER NOT NULL)"
    )
    conn.exec_driver_sql(f"DELETE FROM {name}")


def drop_seen(conn: Connection) -> None:
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {_quote(conn, SEEN_TABLE)}")


def seen_before(conn: Connection, keys: dict[str, int]) -> dict[str, int]:
    """Of ``keys`` (key → row number), those an earlier batch had: key → its first row.

    Records the others, so a later batch finds them.
    """
    if not keys:
        return {}
    by_hash = {hash(k): k for k in keys}
    found: dict[str, int] = {}
    taken: set[int] = set()
    for h, k, row_no in conn.execute(
        sa.select(_SEEN.c.h, _SEEN.c.k, _SEEN.c.row_no).where(
            one_of(conn, _SEEN.c.h, list(by_hash))
        )
    ):
        taken.add(h)
        if by_hash[h] == k:
            found[k] = row_no
    fresh = [(h, k, keys[k]) for h, k in by_hash.items() if h not in taken]
    if fresh:
        if is_postgresql(conn):
            with (
                _driver(conn).cursor() as cursor,
                cursor.copy(f"COPY {SEEN_TABLE} (h, k, row_no) FROM STDIN") as copy,
            ):
                for row in fresh:
                    copy.write_row(row)
        else:
            conn.exec_driver_sql(f"INSERT INTO {SEEN_TABLE} (h, k, row_no) VALUES (?, ?, ?)", fresh)
    return found


_SEEN = sa.table(
    SEEN_TABLE,
    sa.column("h", sa.BigInteger),
    sa.column("k", sa.String),
    sa.column("row_no", sa.Integer),
)


def one_of(conn: Connection, column: sa.ColumnElement[Any], values: Sequence[Any]) -> Any:
    """``column IN (values)`` with the values as one bound parameter, however many there are.

    SQLAlchemy's ``in_`` binds one parameter per value, which costs a few microseconds each and
    meets SQLite's parameter limit; a JSON array read by ``json_each`` (SQLite) or an array with
    ``= ANY`` (PostgreSQL) is one parameter.
    """
    if is_postgresql(conn):
        from sqlalchemy.dialects.postgresql import ARRAY

        return column == sa.any_(sa.bindparam(None, list(values), type_=ARRAY(column.type)))
    rows = sa.func.json_each(sa.bindparam(None, json.dumps(list(values)), type_=sa.String))
    return column.in_(
        sa.select(sa.column("value")).select_from(rows.table_valued("value")).scalar_subquery()
    )


def chunks(values: Sequence[Any], size: int = 5000) -> Iterable[Sequence[Any]]:
    """``values`` in pieces that fit SQLite's limit on bound parameters."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def lookup(
    conn: Connection, key: sa.Column[Any], value: sa.Column[Any], keys: Sequence[Any]
) -> dict[Any, Any]:
    """``{key: value}`` for the rows whose ``key`` is one of ``keys`` (e.g. member number →
    id), one query per chunk of keys."""
    found: dict[Any, Any] = {}
    for chunk in chunks(list(dict.fromkeys(keys))):
        found.update(conn.execute(sa.select(key, value).where(one_of(conn, key, chunk))).all())
    return found
