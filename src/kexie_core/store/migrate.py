"""Create or upgrade a database to the schema this version of kexie_core needs.

Feature areas (people programmes, the reporting workflow, …) each keep their own chain of
migrations branching from the initial schema, so the script directory may have several heads;
``upgrade`` applies all of them (``heads``) and ``is_current`` compares the sets of heads.
"""

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


def _label(heads: tuple[str, ...] | list[str]) -> str:
    return "+".join(sorted(heads))


def head_revision() -> str:
    """The newest migrations shipped with this package ("0001" or "0002+0003" …)."""
    return _label(ScriptDirectory.from_config(_config()).get_heads())


def current_revision(engine: Engine) -> str | None:
    """The revisions the database is at, or None for an empty database."""
    with engine.connect() as conn:
        heads = MigrationContext.configure(conn).get_current_heads()
    return _label(heads) if heads else None


def upgrade(engine: Engine, revision: str = "heads") -> tuple[str | None, str]:
    """Upgrade the database to ``revision``; returns (revisions before, revisions after)."""
    before = current_revision(engine)
    with engine.begin() as conn:
        command.upgrade(_config(conn), revision)
    return before, current_revision(engine) or ""


def is_current(engine: Engine) -> bool:
    try:
        return current_revision(engine) == head_revision()
    except sa.exc.OperationalError:
        return False
