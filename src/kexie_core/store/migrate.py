"""Create or upgrade a database to the schema this version of kexie_core needs."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine


def _config(connection: Connection | None = None) -> Config:
    cfg = Config()
    location = Path(str(resources.files("kexie_core.store") / "migrations"))
    cfg.set_main_option("script_location", str(location))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    """The newest migration shipped with this package."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str]:
    """Upgrade the database to ``revision``; returns (revision before, revision after)."""
    before = current_revision(engine)
    with engine.begin() as conn:
        command.upgrade(_config(conn), revision)
    return before, current_revision(engine) or ""


def is_current(engine: Engine) -> bool:
    try:
        return current_revision(engine) == head_revision()
    except sa.exc.OperationalError:
        return False
