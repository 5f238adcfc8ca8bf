"""The two example plug-ins under plugins/ are installed by pip (``dev.py`` runs ``pip install
--no-deps -e`` on each), discovered through the ``kexie`` entry point, and work through the
command line on every backend: the county plug-in's work kind, metric, exporter and command, and
the society plug-in's rule and metrics. Each plug-in's own test suite passes too."""

from __future__ import annotations

import csv
import importlib
import json
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from importlib.metadata import distribution
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

import openpyxl
import pytest

from kexie_core import ActorSession, Workspace
from kexie_core.plugin import PluginHost, load_plugins
from kexie_core.testing import TEST_KEY, KexieCli, cli_runner

PLUGINS = Path(__file__).resolve().parent.parent / "plugins"
# distribution → (entry-point name, module with the hooks, hooks it implements)
EXPECTED = {
    "kexie-yishui": (
        "yishui",
        "kexie_yishui.plugin",
        [
            "kexie_register_commands",
            "kexie_register_exporters",
            "kexie_register_metrics",
            "kexie_register_work_kinds",
            "kexie_validate_record",
        ],
    ),
    "kexie-society-academic": (
        "society-academic",
        "kexie_society_academic.plugin",
        ["kexie_register_metrics", "kexie_validate_record"],
    ),
}


def _project(folder: str) -> dict:
    return tomllib.loads((PLUGINS / folder / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_plugin_folder_is_one_of_the_examples() -> None:
    folders = sorted(p.parent.name for p in PLUGINS.glob("*/pyproject.toml"))
    assert folders == sorted(EXPECTED)
    for folder in folders:
        assert _project(folder)["project"]["name"] == folder


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_installed_by_pip_with_their_entry_point(name: str) -> None:
    installed = distribution(name)  # PackageNotFoundError: run `python3 dev.py setup`
    entry_point, module, _ = EXPECTED[name]
    assert installed.version == _project(name)["project"]["version"]
    points = {ep.name: ep.value for ep in installed.entry_points if ep.group == "kexie"}
    assert points == {entry_point: module}
    # Installed by pip in development mode from this folder (PEP 610), not a stale copy.
    origin = json.loads(installed.read_text("direct_url.json") or "{}")
    assert origin.get("dir_info", {}).get("editable") is True
    assert Path(url2pathname(urlparse(origin["url"]).path)) == PLUGINS / name
    module_file = importlib.import_module(module).__file__ or ""
    assert Path(module_file).is_relative_to(PLUGINS / name / "src")


@pytest.fixture(scope="module")
def host() -> PluginHost:
    """Built-ins and every installed entry point, strict: any failure of a plug-in fails."""
    return load_plugins(strict=True, disabled=set())


def test_kexie_plugins_lists_both_as_loaded(host: PluginHost, kexie_workspace) -> None:
    cli = cli_runner(host, kexie_workspace.url, lang="en")
    rows = {r["name"]: r for r in cli.json("plugins")}
    for dist, (name, module, hooks) in EXPECTED.items():
        row = rows[name]
        assert (row["distribution"], row["version"], row["status"]) == (dist, "0.1.0", "loaded")
        assert (row["module"], row["hooks"], row["error"]) == (module, hooks, None)
    assert rows["yishui"]["contributes"] == {
        "work kind": ["yishui_orchard_training"],
        "metric": [
            "yishui.orchard_trainees",
            "yishui.orchard_villages",
            "work_items.kind.yishui_orchard_training",
            "participants.kind.yishui_orchard_training",
        ],
        "exporter": ["yishui-ledger", "yishui-report"],
    }
    assert rows["society-academic"]["contributes"] == {
        "metric": [
            "academic.exchanges.high_level",
            "academic.papers",
            "academic.expert_reports",
            "academic.participants_per_exchange",
            "academic.units_holding",
        ]
    }
    assert "yishui" in cli("--help").stdout


@pytest.fixture
def linyi(host: PluginHost, kexie_linyi: ActorSession) -> Iterator[tuple[Workspace, KexieCli]]:
    """The kit's Linyi tree on this backend, used through the discovered plug-ins."""
    url = kexie_linyi.workspace.url
    with Workspace.open(url, plugins=host, secret_key=TEST_KEY) as ws:
        yield ws, cli_runner(host, url)


def _ledger(path: Path, rows: list[dict[str, object]]) -> Path:
    """A work-items ledger with Chinese headers, details as JSON (as a clerk's CSV holds it)."""
    headers = ["事项类型", "单位代码", "事项名称", "开始日期", "参与人次", "详情"]
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        for row in rows:
            details = json.dumps(row["details"], ensure_ascii=False)
            fields = (row["kind"], row["unit"], row["title"], row["date"], row["participants"])
            writer.writerow([*fields, details])
    return path


def _errors(path: Path) -> list[tuple[str, str, str]]:
    """(row, column, English message) of each line of an import's error file."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [(r["行号"], r["列"], r["message"]) for r in csv.DictReader(handle)]


def _orchard(unit: str, title: str, date: str, village: str, trainees: int, **more: object):
    details = {
        "township": "沂城街道",
        "village": village,
        "varieties": "红富士",
        "trainees": trainees,
    }
    return {
        "kind": "果树技术培训",  # the kind's Chinese label, as a county clerk writes it
        "unit": unit,
        "title": title,
        "date": date,
        "participants": more.pop("participants", trainees),
        "details": {**details, **more},
    }


def test_the_county_plugin_through_the_cli(linyi, tmp_path: Path) -> None:
    _, cli = linyi
    ledger = _ledger(
        tmp_path / "果树培训.csv",
        [
            _orchard("371323", "苹果春季管理培训", "2026-07-10", "东关村", 35, participants=40),
            _orchard("371323-YC", "苹果疏花疏果", "2026-08-02", "东关村", 20),
            _orchard("371323-YC", "大樱桃修剪", "2026-09-15", "西关村", 15),
            _orchard("371323", "冬季清园", "2026-11-20", "北关村", 30),  # Q4
            _orchard("371323", "缺培训人数", "2026-08-20", "东关村", 0),  # details model
            _orchard("371323", "人次太少", "2026-08-21", "东关村", 50, participants=10),  # rule
        ],
    )
    done = cli("--as", "371323", "import", "work-items", str(ledger), "--format", "json", expect=1)
    assert (json.loads(done.stdout)["created"], json.loads(done.stdout)["rejected"]) == (4, 2)
    # The details model and the county's rule both hold on the import path.
    assert _errors(ledger.with_name("果树培训.errors.csv")) == [
        ("6", "详情", "trainees: Input should be greater than or equal to 1"),
        (
            "7",
            "参与人次",
            "参与人次（10）少于培训农民人数（50） / participants (10) fewer than "
            "trainees (50) (yishui)",
        ),
    ]

    metric = ("metrics", "--period", "2026Q3", "--depth", "1", "--metric", "yishui.*")
    rows = cli.json("--as", "371323", *metric)
    figures = {(r["unit_code"], r["metric"]): (r["own"], r["subtree"]) for r in rows}
    assert figures[("371323", "yishui.orchard_trainees")] == (35, 35 + 20 + 15)
    assert figures[("371323-YC", "yishui.orchard_trainees")] == (35, 35)
    assert figures[("371323", "yishui.orchard_villages")] == (1, 2)  # 东关村 counted once
    assert {r["plugin"] for r in rows} == {"yishui"}

    out = tmp_path / "台账.xlsx"
    cli("--as", "371323-YC", "export", "work-items", "--format", "yishui-ledger", "--out", str(out))
    book = openpyxl.load_workbook(out)
    ledger_rows = list(book["工作台账"].iter_rows(min_row=3, values_only=True))
    # Acting as the township: its own work items only, then the total row.
    assert [(r[0], r[6], r[7]) for r in ledger_rows] == [
        (1, "苹果疏花疏果", 20),
        (2, "大樱桃修剪", 15),
        ("合计", None, "=SUM(H3:H4)"),
    ]
    trainings = list(book["果树技术培训"].iter_rows(min_row=3, values_only=True))
    assert [(r[3], r[5]) for r in trainings[:-1]] == [("东关村", 20), ("西关村", 15)]

    table = cli("--as", "371323", "yishui", "ledger", "--period", "2026Q3").stdout
    assert "沂水县果树技术培训台账（2026年第三季度）" in table and "70" in table
    listed = cli.json("--as", "371323", "yishui", "ledger", "--period", "2026Q3")
    assert [r["title"] for r in listed] == ["苹果春季管理培训", "苹果疏花疏果", "大樱桃修剪"]

    # The county's own report layout, through the same command as the built-in formats.
    filed = tmp_path / "季度报表.txt"
    cli(
        "--as",
        "371323",
        "report",
        "build",
        "--unit",
        "371323",
        "--period",
        "2026Q3",
        "--format",
        "yishui-report",
        "--out",
        str(filed),
    )
    text = filed.read_bytes().decode("utf-8-sig")
    assert text.startswith("沂水县科协季度工作报表\r\n报表期间：2026年第三季度")
    assert "开展各类活动（项）" in text


def _exchange(unit: str, title: str, participants: int, details: dict[str, object]) -> dict:
    return {
        "kind": "学术交流活动",
        "unit": unit,
        "title": title,
        "date": "2026-09-18",
        "participants": participants,
        "details": details,
    }


def test_the_society_plugin_through_the_cli(linyi, tmp_path: Path) -> None:
    ws, cli = linyi
    ws.as_root().add_unit(
        {"code": "S-JX", "name": "临沂市机械工程学会", "kind": "society", "parent": "371300"}
    )
    ledger = _ledger(
        tmp_path / "学术交流.csv",
        [
            _exchange("S-JX", "智能制造学术年会", 120, {"level": "省级", "papers": 30}),
            _exchange("S-JX", "青年学术沙龙", 30, {"level": "municipal", "expert_reports": 2}),
            _exchange("S-NXH", "现代农业论坛", 90, {"level": "national", "expert_reports": 3}),
            _exchange("S-NXH", "没有级别", 40, {"papers": 3}),
            _exchange("S-NXH", "没有人参加", 0, {"level": "市级"}),
        ],
    )
    done = cli("import", "work-items", str(ledger), "--format", "json", expect=1)
    assert json.loads(done.stdout)["rejected"] == 2
    (level, participants) = _errors(ledger.with_name("学术交流.errors.csv"))
    assert level[:2] == ("5", "详情") and "须注明学术交流级别" in level[2]
    assert participants[:2] == ("6", "参与人次") and "(society-academic)" in participants[2]

    rows = cli.json("metrics", "--period", "2026Q3", "--metric", "academic.*")
    figures = {r["metric"]: r["subtree"] for r in rows if r["unit_code"] == "371300"}
    assert figures == {
        "academic.exchanges.high_level": 2,
        "academic.papers": 30,
        "academic.expert_reports": 5,
        "academic.participants_per_exchange": 80,  # (120 + 30 + 90) / 3 exchanges
        "academic.units_holding": 2,
    }
    # The society sees its own figures only.
    mine = cli.json("--as", "S-JX", "metrics", "--period", "2026Q3", "--metric", "academic.*")
    assert {r["unit_code"] for r in mine} == {"S-JX"}
    assert {r["metric"]: r["subtree"] for r in mine}["academic.papers"] == 30


@pytest.mark.parametrize("folder", sorted(EXPECTED))
def test_each_plugins_own_tests_pass(folder: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEXIE_")}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=PLUGINS / folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert " passed" in done.stdout and "skipped" not in done.stdout


DOC = PLUGINS.parent / "docs" / "plugins.md"
# A code block introduced by "… from `plugins/<path>`:" quotes that file.
QUOTE = re.compile(
    r"[Ff]rom\s+`(plugins/[^`]+)`:\n\n```python\n(.*?)^```$", re.MULTILINE | re.DOTALL
)


def test_docs_quote_the_example_plugins_verbatim() -> None:
    text = DOC.read_text(encoding="utf-8")
    quotes = QUOTE.findall(text)
    assert len(quotes) >= 10
    for path, block in quotes:
        source = (PLUGINS.parent / path).read_text(encoding="utf-8")
        assert block in source, f"docs/plugins.md quotes {path}, which no longer reads so"
    # Each hook the examples implement has its example taken from them.
    for hook in (
        "kexie_register_work_kinds",
        "kexie_register_metrics",
        "kexie_register_exporters",
        "kexie_register_commands",
        "kexie_validate_record",
    ):
        start = text.index(f"### {hook}(")
        section = text[start : text.index("\n### ", start + 1)]
        assert QUOTE.search(section), f"the section of {hook} quotes no example plug-in"
    assert "TODO" not in text
