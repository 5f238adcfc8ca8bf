"""Crash safety: a real import process killed (SIGKILL) in the middle leaves whole batches and no
dangling reference, and running the import again completes it — in one process, and with
worker processes."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from datetime import date, timedelta

import pytest

from kexie_core.ledger import import_records
from kexie_core.model.identifiers import make_resident_id
from kexie_core.testing import TEST_KEY

from .test_ledger_support import count, rows_of, write_ledger

ROWS = 30_000
BATCH = 500
UNITS = ("371323", "371323-YC", "GXQ", "S-NXH")

CHILD = """
import sys
from kexie_core.ledger import import_records
from kexie_core.plugin.host import PluginHost
from kexie_core.workspace import Workspace

url, path, batch, key, workers = sys.argv[1:6]
plugins = PluginHost(strict=False)
plugins.load_builtins()
ws = Workspace.open(url, secret_key=key.encode(), plugins=plugins)
import_records(
    ws.as_root(), "members", path, batch_size=int(batch), errors=False, workers=int(workers)
)
print("finished")
"""


def settled_count(engine) -> int:
    """The member count once it stops changing (workers die with the import, not before it)."""
    last, steady = -1, 0
    while steady < 5:
        now = count(engine, "member")
        steady = steady + 1 if now == last else 0
        last = now
        time.sleep(0.05)
    return last


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
@pytest.mark.parametrize("workers", [0, 2], ids=["one-process", "workers"])
def test_a_killed_import_leaves_whole_batches_and_completes_on_rerun(
    kexie_linyi, kexie_workspace, engine, tmp_path, workers
) -> None:
    if workers and "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("worker processes are forked")
    base = date(1960, 1, 1)
    rows = [
        {
            "member_no": f"K{i:06d}",
            "name": "测试",
            "unit": UNITS[i % len(UNITS)],
            "id_number": make_resident_id(
                "371323", base + timedelta(days=i // 50), i % 50, "male" if i % 2 else "female"
            ),
            "joined_on": "2020-01-01",
        }
        for i in range(ROWS)
    ]
    path = write_ledger(tmp_path / "big.csv", "members", rows)
    args = [kexie_workspace.url, str(path), str(BATCH), TEST_KEY.decode(), str(workers)]
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 120
        while count(engine, "member") < 4 * BATCH:
            assert child.poll() is None, child.communicate()
            assert time.monotonic() < deadline, "the import did not start"
            time.sleep(0.01)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        if child.poll() is None:
            child.kill()
        child.communicate(timeout=60)  # reaps the process and closes its pipes
    assert child.returncode == -signal.SIGKILL
    loaded = settled_count(engine)
    assert 0 < loaded < ROWS, "the import was not killed in the middle"
    # Whole batches only, every row complete. One process commits them in the file's order;
    # workers may commit them in another.
    numbers = sorted(int(n) for (n,) in rows_of(engine, "SELECT substr(member_no, 2) FROM member"))
    batches = {n // BATCH for n in numbers}
    assert len(numbers) == len(batches) * BATCH == loaded
    if not workers:
        assert numbers == list(range(loaded))
    assert rows_of(engine, "SELECT count(*), count(id_hash), count(joined_on) FROM member") == [
        (loaded, loaded, loaded)
    ]
    # Each committed batch carries its audit entry; no reference dangles.
    imports = rows_of(engine, "SELECT id FROM audit_log WHERE action = 'import'")
    assert len(imports) == len(batches)
    assert rows_of(
        engine,
        "SELECT count(*) FROM member m LEFT JOIN unit u ON u.id = m.unit_id WHERE u.id IS NULL",
    ) == [(0,)]
    if engine.dialect.name == "sqlite":
        assert rows_of(engine, "PRAGMA foreign_key_check") == []
    again = import_records(kexie_linyi, "members", path, batch_size=5000, errors=False)
    assert (again.created, again.unchanged, again.rejected) == (ROWS - loaded, loaded, 0)
    assert count(engine, "member") == ROWS
