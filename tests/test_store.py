"""The store: migrations, engine settings, the append-only audit log, the ID-hash key."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from kexie_core import Workspace
from kexie_core.plugin.host import PluginHost
from kexie_core.store import keys, migrate
from kexie_core.store.all_tables import metadata
from kexie_core.store.engine import create_engine, redact_url, resolve_url
from kexie_core.testing import TEST_KEY, load_units


def test_migrations_create_exactly_the_declared_schema(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_init_is_idempotent_and_reports_revisions(kexie_db_url: str) -> None:
    with Workspace.open(kexie_db_url, secret_key=TEST_KEY, plugins=PluginHost()) as ws:
        before, after = ws.init()
        assert before == after == migrate.head_revision()
        ws.check_schema()


def test_empty_database_is_refused_until_init(tmp_path) -> None:
    ws = Workspace.open(f"sqlite:///{tmp_path / 'new.db'}", secret_key=TEST_KEY)
    with pytest.raises(Exception, match="kexie init"):
        ws.check_schema()
    assert ws.init()[0] is None
    ws.check_schema()


def test_sqlite_runs_with_foreign_keys_wal_and_busy_timeout(tmp_path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'p.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_sqlite_autocommit_connections_commit(tmp_path) -> None:
    """``isolation_level="AUTOCOMMIT"`` means what it says on SQLite too (the engine's own
    ``BEGIN IMMEDIATE`` used to open a transaction there that was rolled back at close)."""
    eng = create_engine(f"sqlite:///{tmp_path / 'a.db'}")
    with eng.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    with eng.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
            "INSERT INTO t VALUES (1)"
        )
    with eng.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM t").scalar() == 1
    eng.dispose()


def test_url_from_environment_then_default(monkeypatch) -> None:
    monkeypatch.delenv("KEXIE_DATABASE_URL", raising=False)
    assert resolve_url() == "sqlite:///kexie.db"
    monkeypatch.setenv("KEXIE_DATABASE_URL", "sqlite:///other.db")
    assert resolve_url() == "sqlite:///other.db"
    assert resolve_url("sqlite:///x.db") == "sqlite:///x.db"


def test_a_plain_path_is_a_sqlite_file(monkeypatch) -> None:
    monkeypatch.setenv("KEXIE_DATABASE_URL", "build/demo/kexie.db")
    assert resolve_url() == "sqlite:///build/demo/kexie.db"

    def file_of(value: str) -> str | None:
        url = sa.make_url(resolve_url(value))
        assert url.get_backend_name() == "sqlite"
        return url.database

    # The name as typed, whatever characters it has (?, # and % are not URL syntax here).
    for name in ("/srv/kexie/试用.db", "a?b.db", "50%.db", "C:\\台账\\kexie.db"):
        assert file_of(name) == name
    assert file_of("~/kexie.db") == str(Path.home() / "kexie.db")
    assert resolve_url("sqlite://") == "sqlite://"  # in memory, as SQLAlchemy spells it
    pg = "postgresql+psycopg://kexie@db/kexie"
    assert resolve_url(pg) == pg
    with pytest.raises(sa.exc.ArgumentError):  # a mistyped URL is not taken for a file name
        sa.make_url(resolve_url("postgresql:/kexie@db/kexie"))


def test_messages_show_a_url_without_its_password() -> None:
    assert redact_url("postgresql+psycopg://u:p%40ss@h/db") == "postgresql+psycopg://u:***@h/db"
    assert redact_url(resolve_url("台账/试用.db")) == "sqlite:///台账/试用.db"


def test_audit_log_is_append_only(kexie_workspace: Workspace) -> None:
    load_units(kexie_workspace)
    with kexie_workspace.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM audit_log").scalar() == 7
    for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
        with (
            pytest.raises(sa.exc.DatabaseError, match="append-only"),
            kexie_workspace.engine.begin() as conn,
        ):
            conn.exec_driver_sql(statement)


def test_every_write_is_audited_with_actor_and_no_personal_numbers(
    kexie_workspace: Workspace,
) -> None:
    root = load_units(kexie_workspace)
    yishui = kexie_workspace.as_unit("371323")
    yishui.add_member(
        {
            "member_no": "YS0001",
            "name": "王芳",
            "unit": "371323",
            "id_number": "11010519491231002X",
            "phone": "13912345678",
        }
    )
    entry = root.audit_log(limit=1)[0]
    assert (entry["actor"], entry["action"], entry["entity"], entry["entity_key"]) == (
        "371323",
        "create",
        "member",
        "YS0001",
    )
    text = repr(entry)
    assert "11010519491231002X" not in text
    assert "13912345678" not in text
    assert entry["at"] is not None


def test_key_is_created_by_init_and_a_wrong_key_is_refused(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv(keys.ENV_KEY, raising=False)
    monkeypatch.delenv(keys.ENV_KEY_FILE, raising=False)
    url = f"sqlite:///{tmp_path / 'k.db'}"
    ws = Workspace.open(url, plugins=PluginHost())
    ws.init()
    key_path = tmp_path / "k.db.key"
    assert key_path.exists() and oct(key_path.stat().st_mode)[-3:] == "600"
    assert ws.key() == key_path.read_text().strip().encode()
    monkeypatch.setenv(keys.ENV_KEY, "some-other-key")
    with pytest.raises(keys.KeyError_, match="not the one"):
        Workspace.open(url).key()


def test_no_key_configured_is_a_clear_error(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv(keys.ENV_KEY, raising=False)
    monkeypatch.setenv(keys.ENV_KEY_FILE, str(tmp_path / "missing.key"))
    ws = Workspace.open(f"sqlite:///{tmp_path / 'n.db'}", plugins=PluginHost())
    migrate.upgrade(ws.engine)
    with pytest.raises(keys.KeyError_, match="kexie init"):
        ws.key()
    # Not even initialised: the same advice, not a database error.
    bare = Workspace.open(f"sqlite:///{tmp_path / 'bare.db'}", plugins=PluginHost())
    with pytest.raises(keys.KeyError_, match="kexie init"):
        bare.key()


def test_a_lost_key_is_not_sent_to_kexie_init(tmp_path, monkeypatch) -> None:
    """The database was initialised with a key that is not found now (another folder, say):
    `kexie init` would make a new one that the database refuses, so the message says to set
    the old one."""
    monkeypatch.delenv(keys.ENV_KEY, raising=False)
    monkeypatch.delenv(keys.ENV_KEY_FILE, raising=False)
    url = f"sqlite:///{tmp_path / 'k.db'}"
    ws = Workspace.open(url, plugins=PluginHost())
    ws.init()
    (tmp_path / "k.db.key").unlink()
    with pytest.raises(keys.KeyError_, match="were made with one") as info:
        Workspace.open(url, plugins=PluginHost()).key()
    assert "kexie init" not in str(info.value) and keys.ENV_KEY in str(info.value)


def test_database_errors_never_echo_personal_numbers(kexie_linyi) -> None:
    root = kexie_linyi
    root.add_member({"member_no": "P1", "name": "甲", "unit": "371323", "phone": "13912345678"})
    from kexie_core.store.tables import member_t

    with pytest.raises(sa.exc.IntegrityError) as info, root.workspace.engine.begin() as conn:
        conn.execute(
            member_t.insert().values(member_no="P1", name="乙", unit_id=1, phone="13887654321")
        )
    assert "13887654321" not in str(info.value)
