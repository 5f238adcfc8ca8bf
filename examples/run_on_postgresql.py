"""Run kexie-core on PostgreSQL, the scale-out engine.

    python examples/run_on_postgresql.py postgresql+psycopg://postgres@127.0.0.1:5432/test

It works in a schema of its own (``kexie_example_<random>``), created here and dropped at the
end, so it leaves the server as it found it. In production you would simply point
``KEXIE_DATABASE_URL`` at the database and run ``kexie init`` once.
"""

from __future__ import annotations

import os
import sys
import uuid
from datetime import date

from sqlalchemy.engine import make_url

from kexie_core import Workspace
from kexie_core.demo import generate
from kexie_core.metrics import compute_metrics
from kexie_core.store.engine import create_engine


def main(server_url: str) -> None:
    schema = f"kexie_example_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    # search_path in the URL keeps every kexie table in that schema.
    url = make_url(server_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        ws = Workspace.open(
            url.render_as_string(hide_password=False), secret_key="example-key-0123456789"
        )
        ws.init()
        summary = generate(ws, size="small", seed=2019, today=date(2026, 11, 28))
        table = compute_metrics(
            ws.as_root(),
            "2026",
            depth=1,
            kinds=["county"],
            metrics=["members.count", "coverage.industrial_above_size"],
        )
        for unit in table.units[1:4]:
            print(
                unit.name,
                table.value(unit.code, "members.count"),
                table.value(unit.code, "coverage.industrial_above_size"),
            )
        print(f"{summary.counts['members']} members on {ws!r}")
        ws.close()
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.environ["KEXIE_DATABASE_URL"])
