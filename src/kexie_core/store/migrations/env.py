"""Alembic environment for kexie_core's own schema.

Migrations are run in-process by ``kexie_core.store.migrate.upgrade`` with a live connection
passed in ``config.attributes["connection"]``; there is no alembic.ini to keep in step.
"""

from __future__ import annotations

from alembic import context

from kexie_core.store.all_tables import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reached when someone runs the alembic CLI
    raise RuntimeError("run migrations through `kexie init` or kexie_core.store.migrate.upgrade")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
