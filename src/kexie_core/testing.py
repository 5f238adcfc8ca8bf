"""Pytest fixtures for kexie and for plug-in authors (loaded as the ``kexie`` pytest plug-in).

Use them in a plug-in's own tests::

    def test_my_metric(kexie_workspace, kexie_plugins):
        kexie_plugins.register(my_plugin, "my-plugin")
        root = kexie_workspace.as_root()
        ...

Fixtures:
- ``kexie_db_url``: a URL of a fresh, migrated database (a SQLite file under ``tmp_path``);
  a project can override it to run the same tests on PostgreSQL (kexie-core's own suite does).
- ``kexie_plugins``: a ``PluginHost`` with the built-in plug-ins only (installed entry points are
  not loaded, so tests do not depend on what else is installed); register throwaway plug-ins here.
- ``kexie_workspace``: a ``Workspace`` on that database with that host and a test key.
- ``kexie_linyi``: that workspace with a small Linyi tree (the city, two counties, a zone, a
  society, a township, an enterprise association) and acting as its root.

Importing this module imports no third-party plug-in.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .plugin.host import PluginHost
from .workspace import ActorSession, Workspace

TEST_KEY = b"kexie-test-key-not-secret"

LINYI_UNITS: tuple[dict[str, Any], ...] = (
    {"code": "371300", "name": "临沂市科协", "kind": "municipal", "division_code": "371300"},
    {
        "code": "371302",
        "name": "兰山区科协",
        "kind": "county",
        "parent": "371300",
        "division_code": "371302",
    },
    {
        "code": "371323",
        "name": "沂水县科协",
        "kind": "county",
        "parent": "371300",
        "division_code": "371323",
    },
    {"code": "GXQ", "name": "临沂高新区科协", "kind": "zone", "parent": "371300"},
    {"code": "S-NXH", "name": "临沂市农学会", "kind": "society", "parent": "371300"},
    {"code": "371323-YC", "name": "沂城街道科协", "kind": "township", "parent": "371323"},
    {"code": "E-YS01", "name": "沂水某机械有限公司科协", "kind": "enterprise", "parent": "371323"},
)


def migrated_template(directory: Path) -> Path:
    """A migrated empty SQLite database file to copy (migrations run once per session)."""
    template = directory / "template.db"
    if not template.exists():
        ws = Workspace.open(f"sqlite:///{template}", secret_key=TEST_KEY, plugins=PluginHost())
        ws.init()
        ws.close()
    return template


@pytest.fixture(scope="session")
def kexie_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return migrated_template(tmp_path_factory.mktemp("kexie-template"))


@pytest.fixture
def kexie_db_url(tmp_path: Path, kexie_sqlite_template: Path) -> str:
    target = tmp_path / "kexie.db"
    shutil.copyfile(kexie_sqlite_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def kexie_plugins() -> PluginHost:
    host = PluginHost(strict=False)
    host.load_builtins()
    return host


@pytest.fixture
def kexie_workspace(kexie_db_url: str, kexie_plugins: PluginHost) -> Iterator[Workspace]:
    ws = Workspace.open(kexie_db_url, plugins=kexie_plugins, secret_key=TEST_KEY)
    ws.init()
    yield ws
    ws.close()


def load_units(ws: Workspace, units: tuple[dict[str, Any], ...] = LINYI_UNITS) -> ActorSession:
    root = ws.bootstrap_root(units[0])
    for unit in units[1:]:
        root.add_unit(unit)
    return root


@pytest.fixture
def kexie_linyi(kexie_workspace: Workspace) -> ActorSession:
    return load_units(kexie_workspace)
