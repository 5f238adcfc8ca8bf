"""The benchmark script keeps working: at a tiny scale it builds its data, computes every
built-in metric, and finds the library's figures equal to the hand-written SQL's."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_runs_and_agrees_with_hand_written_sql(kexie_db_url: str, capsys) -> None:
    spec = importlib.util.spec_from_file_location("bench_metrics", ROOT / "benchmarks/metrics.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    bench.main(["--url", kexie_db_url, "--scale", "0.002", "--repeat", "1"])
    out = capsys.readouterr().out
    assert "100 units, 2,000 members, 2,000 work items" in out
    assert "all " in out and "built-in metrics" in out
    for name in ("member count", "work items per area", "enterprise coverage"):
        assert name in out
    assert "Figures checked equal." in out
