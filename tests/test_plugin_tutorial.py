"""The tutorial in docs/plugins.md works as written: its files are taken from the page, laid out
as an installed distribution, discovered through the ``kexie`` entry point, driven through the
CLI, and its own test suite passes with the testing kit."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from kexie_core import Workspace
from kexie_core.plugin import load_plugins
from kexie_core.testing import TEST_KEY, cli_runner

pytest_plugins = ["pytester"]

DOC = Path(__file__).resolve().parent.parent / "docs" / "plugins.md"
FILE_BLOCK = re.compile(r"^File `([^`]+)`:\n\n```\w*\n(.*?)^```$", re.MULTILINE | re.DOTALL)


@pytest.fixture(scope="module")
def tutorial() -> dict[str, str]:
    files = dict(FILE_BLOCK.findall(DOC.read_text(encoding="utf-8")))
    assert set(files) == {
        "pyproject.toml",
        "src/kexie_yinan/__init__.py",
        "src/kexie_yinan/plugin.py",
        "tests/test_yinan.py",
    }
    return files


@pytest.fixture
def installed(tutorial, kexie_distribution) -> tuple[Path, dict]:
    project = tomllib.loads(tutorial["pyproject.toml"])
    modules = {
        path.removeprefix("src/")
        .removesuffix(".py")
        .removesuffix("/__init__")
        .replace("/", "."): text
        for path, text in tutorial.items()
        if path.startswith("src/")
    }
    meta = project["project"]
    root = kexie_distribution(
        meta["name"], modules, meta["entry-points"]["kexie"], version=meta["version"]
    )
    return root, project


def test_the_tutorial_plugin_is_discovered_and_its_command_runs(installed, kexie_linyi) -> None:
    host = load_plugins(strict=False)
    info = host.get("yinan")
    assert (info.status, info.distribution, info.version) == ("loaded", "kexie-yinan", "0.1")
    assert info.hooks == [
        "kexie_register_commands",
        "kexie_register_work_kinds",
        "kexie_validate_record",
    ]
    # A workspace that uses the discovered plug-ins, on the test's database.
    with Workspace.open(kexie_linyi.workspace.url, plugins=host, secret_key=TEST_KEY) as ws:
        root = ws.as_root()
        root.add_unit(
            {"code": "371321", "name": "沂南县科协", "kind": "county", "parent": "371300"}
        )
        root.add_work_item(
            {
                "kind": "yinan_field_school",
                "unit": "371321",
                "title": "黄烟田间学校",
                "started_on": "2026-06-01",
                "details": {"crop": "黄烟", "farmers": "20"},
            }
        )
    cli = cli_runner(host, kexie_linyi.workspace.url, lang="en")
    rows = cli.json("--as", "371321", "yinan", "field-schools")
    assert rows == [
        {"title": "黄烟田间学校", "started_on": "2026-06-01", "crop": "黄烟", "farmers": 20}
    ]
    listed = {r["name"]: r for r in cli.json("plugins")}
    assert listed["yinan"]["contributes"] == {"work kind": ["yinan_field_school"]}


def test_the_tutorial_tests_pass_with_the_kit(installed, tutorial, pytester) -> None:
    root, _ = installed
    pytester.syspathinsert(root)
    pytester.makepyprojecttoml(tutorial["pyproject.toml"])
    pytester.makepyfile(test_yinan=tutorial["tests/test_yinan.py"])
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=3)
