"""Validated registries: every contribution stamped with its plug-in, a key given twice fails
naming both plug-ins (never a rename), and contributions check themselves."""

from __future__ import annotations

import json

import click
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from kexie_core import Area, InvalidRecord, WorkKind, hookimpl
from kexie_core.builtins.work_kinds import _KINDS as BUILTIN_KINDS
from kexie_core.plugin import DuplicateKeyError, Exporter, Importer, PluginHost
from kexie_core.testing import cli_runner


def _plugin(hook: str, items: list[object]) -> object:
    """A throwaway plug-in object implementing one registering hook."""

    def implementation() -> list[object]:
        return list(items)

    implementation.__name__ = hook
    return type("Throwaway", (), {hook: staticmethod(hookimpl(implementation))})()


def _kind(key: str) -> WorkKind:
    return WorkKind(key, "5", "学术交流", "exchange")


def _exporter(key: str) -> Exporter:
    return Exporter(key, "台账", "ledger", ".xlsx", frozenset({"records"}), lambda *a, **k: None)


def _importer(key: str) -> Importer:
    return Importer(key, "旧台账", "legacy", (".xls",), lambda path, kind: iter(()))


CASES = {
    "work kind": ("kexie_register_work_kinds", _kind, PluginHost.work_kinds),
    "exporter": ("kexie_register_exporters", _exporter, PluginHost.exporters),
    "importer": ("kexie_register_importers", _importer, PluginHost.importers),
}


@pytest.mark.parametrize("what", list(CASES))
def test_two_plugins_giving_one_key_fail_naming_both(what) -> None:
    hook, make, registry = CASES[what]
    host = PluginHost(strict=False)
    host.register(_plugin(hook, [make("shared"), make("yishui_only")]), "yishui")
    host.register(_plugin(hook, [make("shared")]), "society")
    with pytest.raises(DuplicateKeyError) as clash:
        registry(host)
    assert set(clash.value.plugins) == {"yishui", "society"} and clash.value.key == "shared"
    assert f"{what} 'shared' is given by both plug-in" in str(clash.value)
    assert {f.plugin for f in host.failures} == {"yishui", "society"}
    # Asked again, it fails again (never a silent winner) without recording it twice.
    with pytest.raises(DuplicateKeyError):
        registry(host)
    assert len(host.failures) == 2
    host.unregister("society")
    assert registry(host).get("shared").plugin == "yishui"


def test_a_plugin_cannot_redefine_a_builtin_kind(kexie_linyi, kexie_plugins, kexie_cli) -> None:
    kexie_plugins.strict = False
    kexie_plugins.register(_plugin("kexie_register_work_kinds", [_kind("training")]), "county")
    with pytest.raises(DuplicateKeyError) as clash:
        kexie_plugins.work_kinds()
    assert clash.value.plugins == ("county", "kexie.work_kinds")
    assert "both plug-in 'county' and plug-in 'kexie.work_kinds'" in str(clash.value)
    # Only the external plug-in is marked; the built-in is not at fault.
    assert kexie_plugins.get("county").status == "failed"
    assert kexie_plugins.get("kexie.work_kinds").status == "loaded"
    rows = {r["name"]: r for r in kexie_cli.json("--lang", "en", "plugins", "--all")}
    assert rows["county"]["status"] == "failed" and "kexie.work_kinds" in rows["county"]["error"]
    # Core commands that do not need the kinds still work.
    assert kexie_cli.json("units", "tree")[0]["code"] == "371300"
    with pytest.raises(DuplicateKeyError):
        kexie_linyi.add_work_item(
            {"kind": "training", "unit": "371323", "title": "培训", "started_on": "2026-05-30"}
        )


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["yishui", "society", "lanshan"]),
        st.lists(st.sampled_from(["a", "b", "c", "d"]), max_size=3),
        max_size=3,
    )
)
def test_registry_stamps_every_item_or_names_both_givers(given_keys) -> None:
    host = PluginHost(strict=False)
    for plugin, keys in given_keys.items():
        host.register(_plugin("kexie_register_work_kinds", [_kind(k) for k in keys]), plugin)
    # A plug-in that gives a key twice is refused whole; the others compete for keys.
    valid = {p: ks for p, ks in given_keys.items() if len(set(ks)) == len(ks)}
    givers: dict[str, set[str]] = {}
    for plugin, keys in valid.items():
        for key in keys:
            givers.setdefault(key, set()).add(plugin)
    try:
        registry = host.work_kinds()
    except DuplicateKeyError as clash:
        assert len(set(clash.plugins)) == 2 and set(clash.plugins) <= givers[clash.key]
        return
    assert all(len(ps) == 1 for ps in givers.values())
    assert {k.key: k.plugin for k in registry} == {k: next(iter(ps)) for k, ps in givers.items()}
    assert {f.plugin for f in host.failures} == set(given_keys) - set(valid)


def test_command_names_are_unique_naming_both_owners(kexie_linyi, kexie_plugins) -> None:
    kexie_plugins.strict = False

    @click.command("units")
    def fake_units() -> None:
        click.echo("hijacked")

    @click.command("report-yishui")
    def report_a() -> None:
        click.echo("a")

    @click.command("report-yishui")
    def report_b() -> None:
        click.echo("b")

    class Hijack:
        @hookimpl
        def kexie_register_commands(self, cli):
            cli.add_command(report_a)
            cli.add_command(fake_units)

    class Second:
        @hookimpl
        def kexie_register_commands(self, cli):
            cli.add_command(report_b)

    kexie_plugins.register(Hijack(), "hijack")
    kexie_plugins.register(Second(), "second")
    cli = cli_runner(kexie_plugins, kexie_linyi.workspace.url)
    assert json.loads(cli("units", "tree", "--format", "json").stdout)[0]["code"] == "371300"
    errors = [f.error for f in kexie_plugins.failures]
    assert any(
        "command 'units' is given by both plug-in 'hijack' and plug-in 'kexie-core'" in e
        for e in errors
    )
    clash = "command 'report-yishui' is given by both plug-in 'hijack' and plug-in 'second'"
    assert {f.plugin for f in kexie_plugins.failures if clash in f.error} == {"hijack", "second"}
    # Neither of two plug-ins gets a contested name: their order is undefined.
    assert "No such command 'report-yishui'" in cli("report-yishui", expect=2).stderr


def test_contributions_check_themselves_naming_the_field() -> None:
    with pytest.raises(ValueError, match="area"):
        WorkKind("k", "9", "走访", "visit")
    with pytest.raises(ValueError, match="label_zh"):
        WorkKind("k", "8", "", "visit")
    with pytest.raises(ValueError, match="details_model"):
        WorkKind("k", "8", "走访", "visit", details_model=dict)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="exports"):
        Exporter("x", "台账", "ledger", ".xlsx", "records", print)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="write must be callable"):
        Exporter("x", "台账", "ledger", ".xlsx", frozenset({"records"}), None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="suffixes"):
        Importer("x", "台账", "ledger", ".xls", print)  # type: ignore[arg-type]
    assert WorkKind("k", "practice", "交流", "exchange").area is Area.PRACTICE

    host = PluginHost(strict=False)
    host.register(_plugin("kexie_register_work_kinds", [_kind("has space")]), "spaces")
    assert "has space" not in host.work_kinds()
    assert "must have no spaces" in host.failures[0].error


def test_contributions_without_a_plugin_field_are_refused() -> None:
    class NoStamp(BaseModel):
        key: str

    host = PluginHost(strict=False)
    host.register(_plugin("kexie_register_metrics", [NoStamp(key="m")]), "nostamp")
    assert len(host.metrics()) == 0
    assert "metric #1 is a NoStamp, not a Metric" in host.failures[0].error


def test_builtin_kinds_cover_every_area_and_enforce_their_details(kexie_linyi) -> None:
    assert {k.area for k in BUILTIN_KINDS} == set(Area)
    assert all(k.plugin == "kexie.work_kinds" for k in kexie_linyi.plugins.work_kinds())
    base = {"unit": "371323", "title": "走访院士", "started_on": "2026-09-10"}
    with pytest.raises(InvalidRecord) as bad:
        kexie_linyi.prepare_work_item(
            {**base, "kind": "expert_visit", "details": {"occasion": "party"}}
        )
    assert [p.field for p in bad.value.problems] == ["details.occasion"]
    good = kexie_linyi.prepare_work_item(
        {**base, "kind": "expert_visit", "details": {"occasion": "birthday"}}
    )
    assert good.details["occasion"] == "birthday" and good.area is Area.SERVICE
