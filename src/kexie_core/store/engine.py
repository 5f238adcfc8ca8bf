"""Database URLs and engines.

Contract (DESIGN.md): the URL comes from ``--db`` or ``KEXIE_DATABASE_URL``, default
``sqlite:///kexie.db`` in the working directory; a plain file path (``build/demo/kexie.db``) is
taken as that SQLite file, as people type it. SQLite runs with foreign keys on, WAL and a busy
timeout, so two processes writing one file wait for each other instead of failing.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine, make_url

DEFAULT_URL = "sqlite:///kexie.db"
ENV_URL = "KEXIE_DATABASE_URL"
SQLITE_BUSY_TIMEOUT_MS = 30_000


def resolve_url(url: str | None = None) -> str:
    """The database URL to use: explicit, else ``KEXIE_DATABASE_URL``, else the default.

    A value that does not start with a scheme (``name:``) is the path of a SQLite file, relative
    to the working directory, ``~`` expanded; a Windows drive letter is not a scheme.
    """
    found = url or os.environ.get(ENV_URL) or DEFAULT_URL
    if _SCHEME.match(found):
        return found
    path = os.path.expanduser(found)
    # Quoted by SQLAlchemy: a file name with ?, # or % stays that file name.
    return URL.create("sqlite", database=path).render_as_string(hide_password=False)


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]+:")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Turn off pysqlite's own transaction handling so BEGIN is issued by SQLAlchemy's event
    # below; then "BEGIN IMMEDIATE" takes the write lock up front and a second writer waits
    # (busy timeout) instead of failing with "database is locked" on lock upgrade.
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    # Readers opt into a deferred transaction (``execution_options(sqlite_deferred=True)``) so
    # they never wait for a writer under WAL; an AUTOCOMMIT connection gets no transaction.
    options = conn.get_execution_options()
    if options.get("isolation_level") == "AUTOCOMMIT":
        return
    if options.get("sqlite_deferred"):
        conn.exec_driver_sql("BEGIN")
    else:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def create_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """Create an engine for ``url`` with the settings kexie needs on each backend."""
    resolved = make_url(resolve_url(url))
    # Statement parameters can hold phone numbers and other personal data: keep them out of
    # exception messages and logs.
    kwargs.setdefault("hide_parameters", True)
    if resolved.get_backend_name() == "sqlite":
        engine = sa.create_engine(resolved, **kwargs)
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        sa.event.listen(engine, "begin", _sqlite_begin)
        return engine
    if resolved.get_backend_name() == "postgresql" and resolved.get_driver_name() in ("", None):
        resolved = resolved.set(drivername="postgresql+psycopg")
    kwargs.setdefault("pool_pre_ping", True)
    return sa.create_engine(resolved, **kwargs)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def is_postgresql(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def sqlite_file(url: str | URL) -> Path | None:
    """The file of a SQLite URL; None for another backend or an in-memory database."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return Path(parsed.database)
    return None


def redact_url(url: str) -> str:
    """The URL with any password hidden, for messages; a file name as typed (试用.db, not
    %E8%AF%95…)."""
    return unquote(make_url(url).render_as_string(hide_password=True))


def insert_id(conn: Connection, statement: Any) -> int:
    """Run an INSERT of one row and return its new primary key."""
    key = conn.execute(statement).inserted_primary_key
    assert key is not None
    return int(key[0])
