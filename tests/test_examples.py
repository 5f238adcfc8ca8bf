"""Every script under examples/ runs (a user copies from them, so they must work)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from kexie_core.cli import build_cli

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_load_linyi_sample_builds_the_whole_tree(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'sample.db'}"
    env = {**os.environ, "KEXIE_KEY_FILE": str(tmp_path / "sample.key")}
    done = subprocess.run([sys.executable, EXAMPLES / "load_linyi_sample.py", url], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result = CliRunner(env={"KEXIE_KEY_FILE": str(tmp_path / "sample.key")}).invoke(
        build_cli(), ["--db", url, "units", "tree", "--format", "json"])
    rows = json.loads(result.output)
    kinds = [r["kind"] for r in rows]
    assert kinds.count("county") == 12 and kinds.count("zone") == 4
    assert rows[0]["code"] == "371300" and rows[0]["members_total"] == 120
