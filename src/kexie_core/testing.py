"""The testing kit for kexie and for plug-in authors (插件测试工具), loaded as the ``kexie``
pytest plug-in (entry point ``pytest11``), so installing kexie-core is enough to use it.

A county's plug-in tests itself like this::

    import yishui_plugin

    def test_orchard_training(kexie_linyi, kexie_register_plugin, kexie_cli):
        kexie_register_plugin(yishui_plugin, "yishui")
        yishui = kexie_linyi.workspace.as_unit("371323")
        yishui.add_work_item({"kind": "yishui_orchard_training", ...})
        assert "果树" in kexie_cli("--as", "371323", "yishui", "summary").stdout

Fixtures:

- ``kexie_db_url``: the URL of a fresh, migrated database (a copy of a SQLite file migrated once
  per session, under ``tmp_path``). A project can override it to run the same tests on
  PostgreSQL (kexie-core's own suite does).
- ``kexie_plugins``: a ``PluginHost`` with the built-in plug-ins only; installed entry points
  are not loaded, so tests do not depend on what else is installed. Strict (a plug-in's exception
  fails the test with its traceback) when the ini option ``kexie_strict_plugins = true`` is set;
  lenient otherwise, so that tests of failure isolation can look at ``kexie_plugins.failures``.
- ``kexie_register_plugin``: ``register(plugin, name=None)`` adds a plug-in (module or object)
  to ``kexie_plugins`` for this test only; fails the test at once if the plug-in is refused
  (misspelt hook, argument not in the spec…).
- ``kexie_workspace``: a ``Workspace`` on that database with that host and ``TEST_KEY``.
- ``kexie_linyi``: that workspace with a small Linyi tree (the city, two counties, a zone, a
  society, a township, an enterprise association), acting as its root.
- ``kexie_actor``: ``kexie_actor("371323")`` acts as a unit of that tree (沂水县科协).
- ``kexie_cli``: runs the ``kexie`` command line in-process on that database with that host:
  ``kexie_cli("units", "tree")`` returns click's ``Result`` and fails the test unless the exit
  status is 0 (pass ``expect=2`` for another); ``kexie_cli.json(...)`` parses the output.
- ``kexie_distribution``: writes a throwaway *installed* distribution (dist-info with entry
  points) to a temporary folder on ``sys.path``, to test discovery without pip.

Importing this module imports no third-party plug-in.
"""

from __future__ import annotations

import importlib
import json
import re
import shutil
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from .plugin.discovery import ENTRY_POINT_GROUP, PluginInfo
from .plugin.failures import PluginError
from .plugin.host import PluginHost
from .store.keys import ENV_KEY
from .workspace import ActorSession, Workspace

TEST_KEY = b"kexie-test-key-not-secret"
STRICT_INI = "kexie_strict_plugins"

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


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        STRICT_INI,
        type="bool",
        default=False,
        help="kexie: the kexie_plugins fixture re-raises plug-in failures (for plug-in authors)",
    )


# -- databases ----------------------------------------------------------------------------------
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


# -- plug-ins -----------------------------------------------------------------------------------
@pytest.fixture
def kexie_plugins(request: pytest.FixtureRequest) -> PluginHost:
    host = PluginHost(strict=bool(request.config.getini(STRICT_INI)))
    host.load_builtins()
    return host


def register_plugin(host: PluginHost, plugin: object, name: str | None = None) -> PluginInfo:
    """Register ``plugin`` in ``host``; raise ``PluginError`` if the host refused it."""
    mark = len(host.failures)
    info = host.register(plugin, name)
    if info.status != "loaded":
        raise PluginError.of(host.failures[mark:])
    return info


@pytest.fixture
def kexie_register_plugin(
    kexie_plugins: PluginHost,
) -> Iterator[Callable[..., PluginInfo]]:
    names: list[str] = []

    def register(plugin: object, name: str | None = None) -> PluginInfo:
        info = register_plugin(kexie_plugins, plugin, name)
        names.append(info.name)
        return info

    yield register
    for name in names:
        kexie_plugins.unregister(name)


# -- workspaces and actors ----------------------------------------------------------------------
@pytest.fixture
def kexie_workspace(kexie_db_url: str, kexie_plugins: PluginHost) -> Iterator[Workspace]:
    ws = Workspace.open(kexie_db_url, plugins=kexie_plugins, secret_key=TEST_KEY)
    ws.init()
    yield ws
    ws.close()


def load_units(ws: Workspace, units: tuple[dict[str, Any], ...] = LINYI_UNITS) -> ActorSession:
    """Create ``units`` (root first, parents before children); act as the root."""
    root = ws.bootstrap_root(units[0])
    for unit in units[1:]:
        root.add_unit(unit)
    return root


@pytest.fixture
def kexie_linyi(kexie_workspace: Workspace) -> ActorSession:
    return load_units(kexie_workspace)


@pytest.fixture
def kexie_actor(kexie_linyi: ActorSession) -> Callable[[str | None], ActorSession]:
    def act_as(code: str | None = None) -> ActorSession:
        return kexie_linyi.workspace.as_unit(code)

    return act_as


# -- the command line ---------------------------------------------------------------------------
class KexieCli:
    """Runs ``kexie`` in-process with a given plug-in host and database.

    The CLI is built afresh for every call, so a plug-in registered in between has its commands.
    ``stdout`` and ``stderr`` are kept apart on the result (click's ``Result``).
    """

    def __init__(self, host: PluginHost, db_url: str | None = None, lang: str | None = None):
        self.host = host
        self.db_url = db_url
        self.lang = lang

    def __call__(self, *args: str, expect: int | None = 0, input: str | None = None) -> Result:
        from .cli import build_cli

        argv = [*(["--db", self.db_url] if self.db_url else [])]
        argv += ["--lang", self.lang] if self.lang else []
        runner = CliRunner(env={ENV_KEY: TEST_KEY.decode()})
        result = runner.invoke(build_cli(self.host), [*argv, *args], input=input)
        if expect is not None and result.exit_code != expect:
            detail = ""
            if result.exc_info is not None and not isinstance(result.exception, SystemExit):
                import traceback

                detail = "".join(traceback.format_exception(*result.exc_info))
            raise AssertionError(
                f"kexie {' '.join(args)} exited {result.exit_code}, expected {expect}\n"
                f"--- stdout\n{result.stdout}--- stderr\n{result.stderr}{detail}"
            )
        return result

    def json(self, *args: str) -> Any:
        """Run a command with ``--format json`` and parse what it printed."""
        return json.loads(self(*args, "--format", "json").stdout)


def cli_runner(host: PluginHost, db_url: str | None = None, lang: str | None = None) -> KexieCli:
    """A ``KexieCli`` outside fixtures (e.g. on a database a test built itself)."""
    return KexieCli(host, db_url, lang)


@pytest.fixture
def kexie_cli(kexie_workspace: Workspace, kexie_plugins: PluginHost) -> KexieCli:
    return KexieCli(kexie_plugins, kexie_workspace.url)


# -- throwaway distributions --------------------------------------------------------------------
def write_distribution(
    root: Path,
    name: str,
    modules: Mapping[str, str],
    entry_points: Mapping[str, str],
    version: str = "0.1",
) -> Path:
    """Write an installed-looking distribution under ``root`` and return ``root``.

    :param name: the distribution's name, e.g. ``kexie-broken``.
    :param modules: module name → source, written as ``<module>.py``; dotted names make
        packages, and a module that is also a package (``kexie_yinan``) is its ``__init__.py``.
    :param entry_points: ``kexie`` entry-point name → value (``module`` or ``module:attr``).

    Put ``root`` on ``sys.path`` (or ``PYTHONPATH`` for a subprocess) and
    ``importlib.metadata`` finds it as if pip had installed it.
    """
    root.mkdir(parents=True, exist_ok=True)
    dist_info = root / f"{re.sub(r'[-_.]+', '_', name)}-{version}.dist-info"
    dist_info.mkdir(exist_ok=True)
    (dist_info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8"
    )
    lines = [f"[{ENTRY_POINT_GROUP}]", *(f"{k} = {v}" for k, v in entry_points.items())]
    (dist_info / "entry_points.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    packages = {m.rsplit(".", depth)[0] for m in modules for depth in range(1, m.count(".") + 1)}
    for package in sorted(packages):
        folder = root.joinpath(*package.split("."))
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "__init__.py").write_text(modules.get(package, ""), encoding="utf-8")
    for module, source in modules.items():
        if module not in packages:
            path = root.joinpath(*module.split(".")).with_suffix(".py")
            path.write_text(source, encoding="utf-8")
    return root


@pytest.fixture
def kexie_distribution(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., Path]]:
    """``install(name, modules, entry_points, version="0.1")``: a throwaway distribution on
    ``sys.path`` for this test (its modules are forgotten afterwards)."""
    root = tmp_path / "site-packages"
    modules_written: list[str] = []

    def install(
        name: str, modules: Mapping[str, str], entry_points: Mapping[str, str], version: str = "0.1"
    ) -> Path:
        if not modules_written:
            monkeypatch.syspath_prepend(str(root))
        write_distribution(root, name, modules, entry_points, version)
        modules_written.extend(modules)
        importlib.invalidate_caches()
        return root

    yield install
    for module in modules_written:
        for loaded in [m for m in sys.modules if m == module or m.startswith(module + ".")]:
            del sys.modules[loaded]
    importlib.invalidate_caches()
