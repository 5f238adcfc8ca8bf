"""Two processes writing to one SQLite file at once both succeed (WAL + busy timeout +
BEGIN IMMEDIATE), and nothing is lost."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

from kexie_core.testing import TEST_KEY, load_units

WRITER = textwrap.dedent("""
    import sys, time
    from kexie_core import Workspace
    url, tag, start = sys.argv[1], sys.argv[2], float(sys.argv[3])
    ws = Workspace.open(url, secret_key=KEY)
    me = ws.as_unit("371323")
    while time.time() < start:
        time.sleep(0.005)
    for i in range(40):
        me.add_work_item({"kind": "study_session", "unit": "371323", "title": f"学习{tag}{i}",
                          "started_on": "2026-04-01", "external_id": f"{tag}-{i}"})
        me.add_member({"member_no": f"{tag}{i:03d}", "name": "测试", "unit": "371323-YC"})
""").replace("KEY", repr(TEST_KEY))


def test_two_processes_write_one_sqlite_file(kexie_sqlite_template, tmp_path) -> None:
    from kexie_core import Workspace

    url = f"sqlite:///{tmp_path / 'shared.db'}"
    (tmp_path / "shared.db").write_bytes(kexie_sqlite_template.read_bytes())
    ws = Workspace.open(url, secret_key=TEST_KEY)
    load_units(ws)
    start = time.time() + 1.5
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, url, tag, str(start)], stderr=subprocess.PIPE, text=True
        )
        for tag in ("A", "B")
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    root = ws.as_root()
    assert len(root.work_items()) == 80
    assert len(root.members()) == 80
    ws.close()
