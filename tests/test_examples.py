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
    done = subprocess.run(
        [sys.executable, EXAMPLES / "load_linyi_sample.py", url],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result = CliRunner(env={"KEXIE_KEY_FILE": str(tmp_path / "sample.key")}).invoke(
        build_cli(), ["--db", url, "units", "tree", "--format", "json"]
    )
    rows = json.loads(result.output)
    kinds = [r["kind"] for r in rows]
    assert kinds.count("county") == 12 and kinds.count("zone") == 4
    assert rows[0]["code"] == "371300" and rows[0]["members_total"] == 120


def _run(script: str, *args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "KEXIE_KEY_FILE": str(tmp_path / "example.key"),
        "MPLCONFIGDIR": str(tmp_path / "mpl"),
    }
    env.pop("KEXIE_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, EXAMPLES / script, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )


def test_embed_library(tmp_path) -> None:
    done = _run("embed_library.py", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "refused:" in done.stdout and "培训人次 120" in done.stdout
    assert "专家走访覆盖率 100" in done.stdout


def test_plugin_in_code(tmp_path) -> None:
    done = _run("plugin_in_code.py", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("refused:") == 2 and "details.seedlings" in done.stdout
    assert "全市发放苗木数: 4000" in done.stdout


def test_build_report(tmp_path) -> None:
    done = _run("build_report.py", str(tmp_path / "out"), tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "371323_2026Q3.docx").stat().st_size > 10_000
    assert "沂水县" in (tmp_path / "out" / "371323_2026Q3.html").read_text(encoding="utf-8")


def test_import_ledger(tmp_path) -> None:
    done = _run("import_ledger.py", str(tmp_path / "out"), tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "created 2, rejected 3" in done.stdout
    assert "校验码错误" in done.stdout and "371323198711110371" not in done.stdout
    assert "again: created 0, updated 0, unchanged 2" in done.stdout
    assert "units again: updated 13" in done.stdout  # associations linked to their hosts
    assert not list(EXAMPLES.glob("linyi/*.errors.csv")), "an example wrote into the repo"


if os.environ.get("KEXIE_TEST_PG_URL"):

    def test_run_on_postgresql(tmp_path) -> None:
        done = _run("run_on_postgresql.py", os.environ["KEXIE_TEST_PG_URL"], tmp_path=tmp_path)
        assert done.returncode == 0, done.stderr
        assert "2000 members on" in done.stdout


def test_every_example_is_tested() -> None:
    source = Path(__file__).read_text(encoding="utf-8")
    for script in EXAMPLES.glob("*.py"):
        assert f'"{script.name}"' in source, f"examples/{script.name} is not run by a test"
