"""The testing kit for plug-in authors (``kexie_core.testing``, the ``kexie`` pytest plug-in),
used here the way a county's plug-in package uses it: from a test suite of its own."""

from __future__ import annotations

import pytest

from kexie_core import ScopeError, hookimpl
from kexie_core.plugin import PluginError, PluginHost
from kexie_core.testing import KexieCli, register_plugin

pytest_plugins = ["pytester"]

COUNTY_TESTS = """
import click
import pytest
from kexie_core import WorkKind, hookimpl
from kexie_core.cli.context import pass_ctx


class Yishui:
    @hookimpl
    def kexie_register_work_kinds(self):
        return [WorkKind("yishui_visit", "8", "走访", "visit")]

    @hookimpl
    def kexie_register_commands(self, cli):
        @cli.command("yishui-count")
        @pass_ctx
        def count(obj):
            click.echo(len(obj.session().work_items()))


class Broken:
    @hookimpl
    def kexie_register_work_kinds(self):
        raise RuntimeError("bug in the plug-in")


def test_kind_and_command(kexie_actor, kexie_register_plugin, kexie_cli):
    kexie_register_plugin(Yishui(), "yishui")
    kexie_actor("371323").add_work_item(
        {"kind": "yishui_visit", "unit": "371323-YC", "title": "走访", "started_on": "2026-01-02"}
    )
    assert kexie_cli("--as", "371323", "yishui-count").stdout == "1\\n"


def test_a_bug_in_the_plugin_fails_the_test(kexie_plugins, kexie_register_plugin):
    kexie_register_plugin(Broken(), "broken")
    kexie_plugins.work_kinds()


def test_a_misspelt_hook_fails_at_registration(kexie_register_plugin):
    class Typo:
        @hookimpl
        def kexie_register_work_kind(self):
            return []

    kexie_register_plugin(Typo(), "typo")
"""


def test_a_plugin_package_tests_itself_with_the_kit(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_county=COUNTY_TESTS)
    pytester.makeini("[pytest]\nkexie_strict_plugins = true\nfilterwarnings = error\n")
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(
        [
            "E*PluginError: plug-in 'broken' failed in kexie_register_work_kinds: "
            "RuntimeError: bug in the plug-in",
            "E*PluginError: plug-in 'typo' failed to register*"
            "unknown hook 'kexie_register_work_kind'*",
        ],
        consecutive=False,
    )


def test_without_the_ini_option_failures_are_recorded_not_raised(kexie_plugins) -> None:
    assert kexie_plugins.strict is False
    assert kexie_plugins.get("kexie.work_kinds").builtin


def test_register_plugin_raises_when_refused_and_returns_the_info() -> None:
    class Typo:
        @hookimpl
        def kexie_validate_records(self):
            return []

    class Fine:
        @hookimpl
        def kexie_validate_record(self):
            return []

    host = PluginHost(strict=False)
    with pytest.raises(PluginError, match="kexie_validate_records"):
        register_plugin(host, Typo(), "typo")
    assert register_plugin(host, Fine(), "fine").hooks == ["kexie_validate_record"]


def test_kexie_actor_acts_within_its_subtree(kexie_actor) -> None:
    yishui = kexie_actor("371323")
    assert {u.code for u in yishui.units()} == {"371323", "371323-YC", "E-YS01"}
    with pytest.raises(ScopeError):
        yishui.units(under="371302")
    assert kexie_actor().actor.is_root


def test_kexie_cli_reports_what_went_wrong(kexie_linyi, kexie_cli: KexieCli) -> None:
    assert kexie_cli.json("units", "tree")[0]["code"] == "371300"
    with pytest.raises(AssertionError) as wrong:
        kexie_cli("--as", "371323", "units", "tree", "--unit", "371302")
    message = str(wrong.value)
    assert "exited 3, expected 0" in message and "outside" in message
    assert kexie_cli("--as", "371323", "units", "tree", "--unit", "371302", expect=3)
