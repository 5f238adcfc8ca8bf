"""The demo: deterministic, realistic, valid by the library's own rules, on every backend."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from click.testing import CliRunner

from kexie_core import MemberIn, Workspace
from kexie_core.cli import build_cli
from kexie_core.demo import generate
from kexie_core.people.festivals import Festival, festival_date
from kexie_core.plugin.host import PluginHost
from kexie_core.store.all_tables import metadata
from kexie_core.testing import TEST_KEY

TODAY = date(2026, 11, 28)


def _dump(ws: Workspace) -> dict[str, list[tuple]]:
    with ws.engine.connect() as conn:
        return {
            t.name: [tuple(r) for r in conn.execute(sa.select(t).order_by(*t.primary_key))]
            for t in metadata.sorted_tables
            if t.name not in ("audit_log", "kexie_setting")
        }


def _fresh(tmp_path, name: str) -> Workspace:
    host = PluginHost()
    host.load_builtins()
    ws = Workspace.open(f"sqlite:///{tmp_path / name}", secret_key=TEST_KEY, plugins=host)
    ws.init()
    return ws


def test_same_seed_same_data_and_another_seed_differs(tmp_path) -> None:
    dumps = []
    for name, seed in (("a.db", 7), ("b.db", 7), ("c.db", 8)):
        with _fresh(tmp_path, name) as ws:
            generate(ws, size="small", seed=seed, today=TODAY, workflow=False)
            dumps.append(_dump(ws))
    assert dumps[0] == dumps[1]
    assert dumps[0]["member"] != dumps[2]["member"]


def test_demo_is_a_realistic_linyi_network(kexie_workspace) -> None:
    summary = generate(kexie_workspace, size="small", seed=2019, today=TODAY, workflow=False)
    root = kexie_workspace.as_root()
    tree = root.tree(max_depth=1)
    kinds = [r["kind"] for r in tree]
    assert tree[0]["name"] == "临沂市科学技术协会"
    assert kinds.count("county") == 12 and kinds.count("zone") == 4
    assert kinds.count("society") >= 10 and "university" in kinds
    counties = {r["code"] for r in tree if r["kind"] == "county"}
    assert "371323" in counties and "371302" in counties
    with kexie_workspace.engine.connect() as conn:
        areas = {r[0] for r in conn.execute(sa.text("SELECT DISTINCT area FROM work_item"))}
        years = {
            r[0].year if hasattr(r[0], "year") else int(str(r[0])[:4])
            for r in conn.execute(sa.text("SELECT started_on FROM work_item"))
        }
        experts = conn.execute(
            sa.text("SELECT count(*) FROM member WHERE expert_level = 'academician'")
        ).scalar()
        phd = conn.execute(
            sa.text("SELECT count(*) FROM member WHERE study_status <> 'none'")
        ).scalar()
    assert areas == {"1", "2", "3", "4", "5", "6", "7", "8", "R1", "R2", "R3"}
    assert years == {2025, 2026}
    assert experts >= 1 and phd >= 5
    assert summary.counts["members"] == 2000
    # A festival visit comes in the three weeks before its festival (no 中秋节 visit in January).
    visits = [w for w in root.work_items() if w.kind == "expert_visit"]
    festive = [w for w in visits if w.details.get("occasion") == "festival"]
    assert festive and len(festive) < len(visits)
    for w in festive:
        day = festival_date(Festival(w.details["festival"]), w.started_on.year)
        if day < w.started_on:  # a visit late in December, before next year's Spring Festival
            day = festival_date(Festival(w.details["festival"]), w.started_on.year + 1)
        assert 0 <= (day - w.started_on).days <= 21, (w.started_on, w.details)
    # The generated rows pass the library's own validation (a member read back re-validates),
    # and the demo leaves the database usable for ordinary writes (sequences moved on).
    member = root.members()[0]
    MemberIn.model_validate(
        {**member.model_dump(exclude={"id", "unit_id", "id_hash", "id_masked"}), "unit": "371300"}
    )
    root.add_member({"member_no": "NEW-1", "name": "新会员", "unit": "371323"})
    root.add_work_item(
        {"kind": "training", "unit": "371323", "title": "培训", "started_on": "2026-11-01"}
    )


def test_demo_command_builds_database_and_report_bundle(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KEXIE_DATABASE_URL", raising=False)
    monkeypatch.delenv("KEXIE_SECRET_KEY", raising=False)
    runner = CliRunner()
    first = runner.invoke(build_cli(), ["demo", "--out", "d", "--today", "2026-11-28"])
    assert first.exit_code == 0, first.output
    assert "临沂演示数据" in first.output and (tmp_path / "d" / "kexie.db").exists()
    reports = tmp_path / "d" / "reports"
    for suffix in ("docx", "xlsx", "html", "md", "json"):
        assert (reports / f"371300_2026.{suffix}").stat().st_size > 0
    counties = sorted(p.name for p in (reports / "counties").iterdir())
    assert len(counties) == 16 and "371323_2026Q3.docx" in counties

    # The bundle's figures are the ones `kexie metrics` prints.
    url = f"sqlite:///{tmp_path / 'd' / 'kexie.db'}"
    metrics = runner.invoke(
        build_cli(),
        [
            "--db",
            url,
            "metrics",
            "--period",
            "2026",
            "--metric",
            "members.count",
            "--format",
            "json",
        ],
    )
    assert metrics.exit_code == 0, metrics.output
    printed = json.loads(metrics.output)
    report = json.loads((reports / "371300_2026.json").read_text(encoding="utf-8"))
    headline = {row["key"]: row["value"] for row in report["headline"]}
    assert _find_value(printed, "371300", "members.count") == headline["members.count"]

    # The README's Python example runs against this database as it stands.
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    example = re.search(r"## From Python\n\n```python\n(.*?)```", readme, re.S)
    assert example is not None
    code = example.group(1).replace("sqlite:///build/demo/kexie.db", url)
    scope: dict[str, Any] = {}
    exec(compile(code, "README.md", "exec"), scope)
    assert scope["table"].value("371323", "work_items", own=True) >= 1
    scope["ws"].close()

    # Workflow states are all there.
    with Workspace.open(url) as ws, ws.engine.connect() as conn:
        states = {r[0] for r in conn.execute(sa.text("SELECT DISTINCT status FROM report"))}
    assert {"draft", "submitted", "accepted", "returned"} <= states

    again = runner.invoke(build_cli(), ["demo", "--out", "d"])
    assert again.exit_code != 0 and "--force" in again.output
    forced = runner.invoke(
        build_cli(), ["demo", "--out", "d", "--force", "--seed", "3", "--no-documents"]
    )
    assert forced.exit_code == 0, forced.output


def _find_value(printed: list[dict], code: str, key: str):
    for row in printed:
        if row["unit_code"] == code and row["metric"] == key:
            return row["subtree"]
    raise AssertionError(f"{code} {key} not in {str(printed)[:300]}")


def test_demo_refuses_a_database_that_has_data_with_a_message(kexie_linyi, kexie_cli, tmp_path):
    refused = kexie_cli("demo", "--out", str(tmp_path / "d"), "--no-documents", expect=1)
    assert "演示数据需要一个空数据库" in refused.stderr and "empty database" in refused.stderr
    assert "Traceback" not in refused.stderr
