"""Discovery that cannot take the tool down: each ``kexie`` entry point is loaded on its own, and
one that fails to import, misspells a hook or is disabled is reported by name and skipped.

Distributions are written to a temporary folder on ``sys.path`` (``kexie_distribution``) or on
``PYTHONPATH`` for a subprocess: nothing is pip-installed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kexie_core import Workspace
from kexie_core.plugin import PluginError, PluginHost, Stage, load_plugins
from kexie_core.testing import TEST_KEY, load_units, write_distribution

GOOD = """
from kexie_core import WorkKind, hookimpl

@hookimpl
def kexie_register_work_kinds():
    return [WorkKind("{key}", "8", "走访", "visit")]
"""
BROKEN = """
import pathlib
pathlib.Path({marker!r}).write_text("imported")
raise RuntimeError("cannot reach the county server")
"""
MISSPELT = """
from kexie_core import hookimpl

@hookimpl
def kexie_check_pending():
    return []
"""


def _external(host: PluginHost, *names: str) -> dict[str, object]:
    return {i.name: i for i in host.plugins() if i.name in names}


def test_entry_point_is_found_with_distribution_version_and_hooks(kexie_distribution) -> None:
    kexie_distribution(
        "kexie-mengyin",
        {"kexie_mengyin": GOOD.format(key="mengyin_visit")},
        {"mengyin": "kexie_mengyin"},
    )
    host = load_plugins(strict=False, disabled=set())
    info = host.get("mengyin")
    assert (info.distribution, info.version, info.status) == ("kexie-mengyin", "0.1", "loaded")
    assert info.hooks == ["kexie_register_work_kinds"] and not info.builtin
    assert host.work_kinds().get("mengyin_visit").plugin == "mengyin"


def test_a_plugin_that_fails_to_import_is_named_and_the_others_load(
    kexie_distribution, tmp_path
) -> None:
    marker = tmp_path / "imported"
    kexie_distribution(
        "kexie-broken",
        {"kexie_broken": BROKEN.format(marker=str(marker))},
        {"broken": "kexie_broken"},
    )
    kexie_distribution(
        "kexie-mengyin",
        {"kexie_mengyin": GOOD.format(key="mengyin_visit")},
        {"mengyin": "kexie_mengyin"},
    )
    host = load_plugins(strict=False, disabled=set())
    broken, mengyin = host.get("broken"), host.get("mengyin")
    assert broken.status == "failed" and mengyin.status == "loaded"
    assert broken.distribution == "kexie-broken"
    assert broken.error == "failed to import: RuntimeError: cannot reach the county server"
    (failure,) = [f for f in host.failures if f.plugin == "broken"]
    assert failure.stage is Stage.IMPORT and "Traceback" in failure.detail
    assert "mengyin_visit" in host.work_kinds() and "training" in host.work_kinds()


def test_a_plugin_that_exits_at_import_does_not_end_the_tool(kexie_distribution) -> None:
    kexie_distribution(
        "kexie-quits", {"kexie_quits": "import sys\nsys.exit(3)\n"}, {"quits": "kexie_quits"}
    )
    host = load_plugins(strict=False, disabled=set())
    assert host.get("quits").error == "failed to import: SystemExit: 3"


def test_a_misspelt_hook_is_reported_with_a_suggestion_and_the_plugin_skipped(
    kexie_distribution,
) -> None:
    kexie_distribution("kexie-typo", {"kexie_typo": MISSPELT}, {"typo": "kexie_typo"})
    typo_kind = """
from kexie_core import hookimpl

@hookimpl
def kexie_register_work_kind():
    raise AssertionError("never called")
"""
    kexie_distribution("kexie-typo2", {"kexie_typo2": typo_kind}, {"typo2": "kexie_typo2"})
    host = load_plugins(strict=False, disabled=set())
    typo, typo2 = host.get("typo"), host.get("typo2")
    assert typo.status == typo2.status == "failed"
    assert "unknown hook 'kexie_check_pending'" in (typo.error or "")
    assert "did you mean 'kexie_register_work_kinds'?" in (typo2.error or "")
    assert not host.pm.has_plugin("typo") and not host.pm.has_plugin("typo2")
    host.work_kinds()  # the misspelt implementation is never called
    assert {f.plugin for f in host.failures} == {"typo", "typo2"}


def test_undecorated_hooks_count_so_their_mistakes_are_reported_too() -> None:
    class Forgot:
        def kexie_register_work_kinds(self):
            from kexie_core import WorkKind

            return [WorkKind("forgot_visit", "8", "走访", "visit")]

    class ForgotAndMisspelt:
        def kexie_register_work_kind(self):
            return []

    host = PluginHost(strict=False)
    assert host.register(Forgot(), "forgot").status == "loaded"
    assert host.work_kinds().get("forgot_visit").plugin == "forgot"
    assert host.register(ForgotAndMisspelt(), "forgot2").status == "failed"


def test_arguments_not_in_the_spec_and_wrappers_are_refused() -> None:
    from kexie_core import hookimpl

    class WrongArgs:
        @hookimpl
        def kexie_validate_record(self, kind, recrd):
            return None

    class Wrapper:
        @hookimpl(wrapper=True)
        def kexie_register_work_kinds(self):
            return (yield)

    host = PluginHost(strict=False)
    assert host.register(WrongArgs(), "args").status == "failed"
    assert "recrd" in (host.get("args").error or "")
    assert host.register(Wrapper(), "wrapper").status == "failed"
    assert "wrapper implementations are not supported" in (host.get("wrapper").error or "")
    # Nothing of a refused plug-in stays behind in pluggy.
    assert not host.pm.hook.kexie_validate_record.get_hookimpls()
    assert [i.plugin_name for i in host.pm.hook.kexie_register_work_kinds.get_hookimpls()] == []


def test_disabled_plugins_are_not_imported(kexie_distribution, tmp_path, monkeypatch) -> None:
    markers = {n: tmp_path / f"{n}.imported" for n in ("a", "b", "c")}
    for name, marker in markers.items():
        kexie_distribution(
            f"kexie-{name}",
            {f"kexie_{name}": BROKEN.format(marker=str(marker))},
            {name: f"kexie_{name}"},
        )
    # By entry-point name, and by distribution name in any spelling.
    monkeypatch.setenv("KEXIE_DISABLE_PLUGINS", "a, Kexie_B ,nosuch")
    host = load_plugins(strict=False)
    assert host.get("a").status == host.get("b").status == "disabled"
    assert host.get("c").status == "failed"
    assert not markers["a"].exists() and not markers["b"].exists() and markers["c"].exists()
    assert {f.plugin for f in host.failures} == {"c"}
    assert host.notices == ["KEXIE_DISABLE_PLUGINS names nosuch, which is not an installed plug-in"]

    monkeypatch.setenv("KEXIE_DISABLE_PLUGINS", "*")
    everything_off = load_plugins(strict=False)
    assert {i.status for i in everything_off.plugins() if not i.builtin} == {"disabled"}
    assert everything_off.get("kexie.work_kinds").status == "loaded"  # built-ins stay


def test_strict_mode_fails_naming_every_failed_plugin(
    kexie_distribution, monkeypatch, tmp_path
) -> None:
    kexie_distribution(
        "kexie-broken",
        {"kexie_broken": BROKEN.format(marker=str(tmp_path / "m"))},
        {"broken": "kexie_broken"},
    )
    kexie_distribution("kexie-typo", {"kexie_typo": MISSPELT}, {"typo": "kexie_typo"})
    with pytest.raises(PluginError) as failed:
        load_plugins(strict=True, disabled=set())
    message = str(failed.value)
    assert "plug-in 'broken' failed to import" in message
    assert "plug-in 'typo' failed to register" in message
    assert len(failed.value.failures) == 2
    monkeypatch.setenv("KEXIE_STRICT_PLUGINS", "1")
    with pytest.raises(PluginError, match="broken"):
        load_plugins(disabled=set())


def test_two_distributions_with_one_plugin_name_keep_the_first(kexie_distribution) -> None:
    kexie_distribution(
        "kexie-one", {"kexie_one": GOOD.format(key="one_visit")}, {"same": "kexie_one"}
    )
    kexie_distribution(
        "kexie-two", {"kexie_two": GOOD.format(key="two_visit")}, {"same": "kexie_two"}
    )
    host = load_plugins(strict=False, disabled=set())
    rows = [i for i in host.plugins() if i.name == "same"]
    assert [(r.distribution, r.status) for r in rows] == [
        ("kexie-one", "loaded"),
        ("kexie-two", "failed"),
    ]
    assert "already used by kexie-one" in (rows[1].error or "")
    assert "one_visit" in host.work_kinds() and "two_visit" not in host.work_kinds()


def test_builtins_run_last_so_plugin_contributions_come_first(kexie_distribution) -> None:
    from kexie_core import WorkKind, hookimpl

    class County:
        @hookimpl
        def kexie_register_work_kinds(self):
            return [WorkKind("county_visit", "8", "走访", "visit")]

    # A built-in module that forgot trylast: the host makes it trylast anyway.
    kexie_distribution("fake", {"fake_builtin": GOOD.format(key="builtin_visit")}, {})
    host = PluginHost(strict=False)
    host.register(County(), "county")
    host.load_builtins(["fake_builtin", "kexie_core.builtins.work_kinds"])
    impls = host.pm.hook.kexie_register_work_kinds.get_hookimpls()
    assert {i.plugin_name: i.trylast for i in impls} == {
        "county": False,
        "kexie.fake_builtin": True,
        "kexie.work_kinds": True,
    }
    # Registered after the plug-in, pluggy alone would call the built-ins first.
    assert host.work_kinds().keys()[0] == "county_visit"
    assert host.get("kexie.fake_builtin").builtin


# -- the real command line, in a subprocess ---------------------------------------------------
KEXIE = Path(sys.executable).with_name("kexie")


def _env(site: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEXIE_")}
    env.update(PYTHONPATH=str(site), KEXIE_SECRET_KEY=TEST_KEY.decode(), **extra)
    return env


@pytest.fixture
def broken_site(tmp_path) -> tuple[Path, Path]:
    """A folder on which a broken plug-in is installed, and the file its import would write."""
    marker = tmp_path / "imported"
    site = write_distribution(
        tmp_path / "site",
        "kexie-broken",
        {"kexie_broken": BROKEN.format(marker=str(marker))},
        {"broken": "kexie_broken"},
    )
    return site, marker


def test_importing_any_kexie_module_loads_no_plugin(broken_site) -> None:
    site, marker = broken_site
    code = """
import importlib, pkgutil, kexie_core, kexie_core.cli
for module in pkgutil.walk_packages(kexie_core.__path__, "kexie_core."):
    if ".migrations" not in module.name and not module.name.endswith("__main__"):
        importlib.import_module(module.name)
"""
    done = subprocess.run(
        [sys.executable, "-c", code], env=_env(site), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert not marker.exists()
    # …while loading plug-ins does import it (so the check above can fail).
    loaded = subprocess.run(
        [sys.executable, "-c", "import kexie_core; print(kexie_core.load_plugins().failures)"],
        env=_env(site),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert loaded.returncode == 0 and "broken" in loaded.stdout and marker.exists()


def test_core_commands_work_with_a_broken_plugin_installed(broken_site, tmp_path) -> None:
    site, _ = broken_site
    db = f"sqlite:///{tmp_path / 'k.db'}"

    def kexie(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(KEXIE), "--db", db, *args],
            env=_env(site, **env),
            capture_output=True,
            text=True,
            timeout=120,
        )

    helped = kexie("--help")
    assert helped.returncode == 0 and "plugins" in helped.stdout
    assert "broken" not in helped.stderr  # --help runs no command: nothing to warn about
    created = kexie("init")
    assert created.returncode == 0, created.stderr
    assert "插件 broken 导入失败：RuntimeError: cannot reach the county server" in created.stderr
    with Workspace.open(db, plugins=PluginHost(), secret_key=TEST_KEY) as ws:
        load_units(ws)
    tree = kexie("units", "tree", "--format", "json")
    assert tree.returncode == 0, tree.stderr
    assert json.loads(tree.stdout)[0]["name"] == "临沂市科协"
    assert "插件 broken 导入失败" in tree.stderr
    listed = kexie("--lang", "en", "plugins", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    # The example plug-ins under plugins/ are installed too (dev.py): look at this one's row.
    row = {r["name"]: r for r in json.loads(listed.stdout)}["broken"]
    assert (row["name"], row["status"], row["distribution"]) == ("broken", "failed", "kexie-broken")
    assert "cannot reach the county server" in row["error"]

    strict = kexie("--strict-plugins", "init")
    assert strict.returncode == 2
    assert "plug-in 'broken' failed to import" in strict.stderr
    assert "Traceback" in strict.stderr  # plug-in authors get the traceback in strict mode
    assert kexie("init", KEXIE_STRICT_PLUGINS="1").returncode == 2
    disabled = kexie("init", KEXIE_DISABLE_PLUGINS="broken")
    assert disabled.returncode == 0 and disabled.stderr == ""
