"""The suite runs every database test on SQLite, and on PostgreSQL too when KEXIE_TEST_PG_URL is
set (CI sets it). PostgreSQL tests use a schema of their own, dropped at the end of the run."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from kexie_core.store.all_tables import metadata
from kexie_core.store.engine import create_engine
from kexie_core.testing import TEST_KEY

PG_URL = os.environ.get("KEXIE_TEST_PG_URL")
BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]


def pg_schema_url(base: str, schema: str) -> str:
    url = make_url(base)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False
    )


@pytest.fixture(scope="session")
def pg_schema() -> Iterator[str]:
    """A schema of this run's own on the PostgreSQL server, migrated once."""
    assert PG_URL, "KEXIE_TEST_PG_URL is not set"
    schema = f"kexie_t_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = pg_schema_url(PG_URL, schema)
    from kexie_core.plugin.host import PluginHost
    from kexie_core.workspace import Workspace

    ws = Workspace.open(url, secret_key=TEST_KEY, plugins=PluginHost())
    ws.init()
    ws.close()
    yield url
    with admin.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    admin.dispose()


def _truncate(url: str) -> None:
    engine = create_engine(url)
    names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables if t.name != "kexie_setting")
    with engine.begin() as conn:
        conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def kexie_db_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """Overrides the kit's fixture: SQLite file, or this run's PostgreSQL schema emptied."""
    if backend == "postgresql":
        url = request.getfixturevalue("pg_schema")
        _truncate(url)
        return str(url)
    template: Path = request.getfixturevalue("kexie_sqlite_template")
    target = tmp_path / "kexie.db"
    target.write_bytes(template.read_bytes())
    return f"sqlite:///{target}"


@pytest.fixture
def engine(kexie_db_url: str) -> Iterator[sa.Engine]:
    eng = create_engine(kexie_db_url)
    yield eng
    eng.dispose()


def reset_tables(engine: sa.Engine) -> None:
    """Empty every table (between hypothesis examples that share one database)."""
    if engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
        with engine.begin() as conn:
            conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        return
    with engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        for table in reversed(metadata.sorted_tables):
            if table.name != "audit_log":
                conn.execute(table.delete())


@pytest.fixture
def run(kexie_cli):
    """``run("units", "tree")``: the CLI in-process on the test database (the kit's
    ``kexie_cli``); it must exit 0 unless ``ok=False``."""

    def invoke(*args: str, ok: bool = True):
        return kexie_cli(*args, expect=0 if ok else None)

    return invoke
