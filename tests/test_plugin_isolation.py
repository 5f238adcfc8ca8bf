"""Isolation at call time: a plug-in that raises is recorded against its name, everything else is
still produced, the CLI prints the failure at the end and exits 2; strict mode re-raises."""

from __future__ import annotations

import json

import click
import pytest

from kexie_core import WorkKind, hookimpl
from kexie_core.cli.context import CliContext, pass_ctx
from kexie_core.plugin import PluginError, PluginHost
from kexie_core.testing import cli_runner

ID_NUMBER = "11010519491231002X"  # the GB 11643 example number
PHONE = "13812345678"


class RaisesWhenRegistering:
    @hookimpl
    def kexie_register_work_kinds(self):
        raise RuntimeError("the kinds file is missing")


class Yishui:
    @hookimpl
    def kexie_register_work_kinds(self):
        return [WorkKind("yishui_visit", "8", "走访", "visit")]


@click.command("add-visit")
@pass_ctx
def add_visit(obj: CliContext) -> None:
    """Adds one work item (a plug-in command that makes the core build the kinds registry)."""
    obj.session().add_work_item(
        {"kind": "yishui_visit", "unit": "371323", "title": "走访", "started_on": "2026-05-30"}
    )
    click.echo("added")


class YishuiCommands:
    @hookimpl
    def kexie_register_commands(self, cli):
        cli.add_command(add_visit)


@pytest.fixture
def lenient(kexie_plugins: PluginHost) -> PluginHost:
    kexie_plugins.strict = False
    return kexie_plugins


def test_a_raising_registering_hook_leaves_the_others_and_is_reported(
    kexie_linyi, lenient, kexie_cli
) -> None:
    lenient.register(RaisesWhenRegistering(), "raiser")
    lenient.register(Yishui(), "yishui")
    kinds = lenient.work_kinds()
    assert "yishui_visit" in kinds and "training" in kinds
    assert [(f.plugin, f.where, f.error) for f in lenient.failures] == [
        ("raiser", "kexie_register_work_kinds", "RuntimeError: the kinds file is missing")
    ]
    tree = kexie_cli("units", "tree", "--format", "json")
    assert json.loads(tree.stdout)[0]["code"] == "371300"
    listed = kexie_cli("--lang", "en", "plugins", "--format", "json")  # exit 0: it is a report
    rows = {r["name"]: r for r in json.loads(listed.stdout)}
    assert rows["raiser"]["status"] == "failed"
    assert rows["raiser"]["error"] == (
        "failed in kexie_register_work_kinds: RuntimeError: the kinds file is missing"
    )
    assert rows["yishui"]["status"] == "loaded"
    assert rows["yishui"]["contributes"] == {"work kind": ["yishui_visit"]}
    table = kexie_cli("plugins", "--format", "csv").stdout.splitlines()
    assert table[0] == "插件,发行包,版本,状态,钩子,贡献,错误"
    assert "raiser,,,出错,kexie_register_work_kinds,," in table[1]
    assert (
        "运行出错（kexie_register_work_kinds）：RuntimeError: the kinds file is missing" in table[1]
    )
    assert table[2] == "yishui,,,已加载,kexie_register_work_kinds,工作事项类型 ×1,"


def test_a_failure_during_a_command_is_printed_at_its_end_with_exit_status_2(
    kexie_linyi, lenient
) -> None:
    lenient.register(RaisesWhenRegistering(), "raiser")
    lenient.register(Yishui(), "yishui")
    lenient.register(YishuiCommands(), "yishui-commands")
    cli = cli_runner(lenient, kexie_linyi.workspace.url)
    result = cli("add-visit", expect=2)
    assert result.stdout == "added\n"  # the command's own work was done
    assert result.stderr.splitlines()[0] == (
        "错误 Error: 插件 raiser 运行出错（kexie_register_work_kinds）："
        "RuntimeError: the kinds file is missing"
    )
    assert len(kexie_linyi.work_items()) == 1
    # The registry is built once: the next command has nothing new to report.
    again = cli("units", "tree")
    assert "raiser" in again.stderr and "警告 Warning" in again.stderr


def test_a_plugin_command_that_crashes_is_named_and_strict_mode_keeps_the_traceback(
    kexie_linyi, lenient
) -> None:
    @click.command("crash")
    def crash() -> None:
        raise KeyError("column 工作量 not found")

    class Crasher:
        @hookimpl
        def kexie_register_commands(self, cli):
            cli.add_command(crash)

    lenient.register(Crasher(), "crasher")
    cli = cli_runner(lenient, kexie_linyi.workspace.url, lang="en")
    result = cli("crash", expect=2)
    assert "plug-in 'crasher' failed in command crash: KeyError: 'column 工作量 not found'" in (
        result.stderr
    )
    assert "Traceback" not in result.output
    # Strict mode (docs/plugins.md): the failure with its traceback, exit status 2.
    lenient.strict = True
    strict = cli("crash", expect=2)
    assert "plug-in 'crasher' failed in command crash" in strict.stderr
    assert "Traceback" in strict.stderr and "column 工作量 not found" in strict.stderr


def test_a_raising_validation_rule_never_holds_a_record_back(kexie_linyi, lenient) -> None:
    class BuggyRule:
        @hookimpl
        def kexie_validate_record(self, record):
            return record.no_such_field

    lenient.register(BuggyRule(), "buggy")
    kexie_linyi.add_member({"member_no": "M1", "name": "李四", "unit": "371323"})
    assert [m.member_no for m in kexie_linyi.members()] == ["M1"]
    assert lenient.failures[0].plugin == "buggy"
    assert "AttributeError" in lenient.failures[0].error
    lenient.strict = True
    with pytest.raises(PluginError, match="buggy"):
        kexie_linyi.add_member({"member_no": "M2", "name": "王五", "unit": "371323"})
    assert [m.member_no for m in kexie_linyi.members()] == ["M1"]


@pytest.mark.parametrize(
    "returned",
    [
        "not a list",  # a string is not a list of work kinds
        [WorkKind("ok_kind", "8", "走访", "visit"), {"key": "x"}],  # one bad item spoils all
        [WorkKind("ok_kind", "8", "走访", "visit"), WorkKind("ok_kind", "8", "走访", "visit")],
    ],
    ids=["string", "dict-item", "same-key-twice"],
)
def test_an_invalid_contribution_is_refused_whole_and_named(returned) -> None:
    class Sloppy:
        @hookimpl
        def kexie_register_work_kinds(self):
            return returned

    host = PluginHost(strict=False)
    host.load_builtins()
    host.register(Sloppy(), "sloppy")
    kinds = host.work_kinds()
    assert "ok_kind" not in kinds and "training" in kinds
    (failure,) = host.failures
    assert failure.plugin == "sloppy" and failure.where == "kexie_register_work_kinds"
    assert host.get("sloppy").status == "failed"


def test_guard_records_swallows_and_reraises_in_strict_mode() -> None:
    host = PluginHost(strict=False)
    with host.guard("yishui", "exporter yishui-ledger") as guard:
        raise OSError("disk full")
    assert guard.failed and guard.failure is not None
    assert (
        str(guard.failure)
        == "plug-in 'yishui' failed in exporter yishui-ledger: OSError: disk full"
    )
    with host.guard("yishui", "metric ok") as fine:
        pass
    assert not fine.failed and len(host.failures) == 1

    host.strict = True
    with pytest.raises(PluginError) as strict, host.guard("yishui", "metric x"):
        raise ZeroDivisionError("division by zero")
    assert isinstance(strict.value.__cause__, ZeroDivisionError)
    # An inner guard already recorded it: the outer one passes it on without a second record.
    with pytest.raises(PluginError), host.guard("outer", "report"), host.guard("inner", "metric"):
        raise ValueError("bad")
    assert [f.plugin for f in host.failures][-1] == "inner"


def test_personal_numbers_in_a_plugins_error_are_masked(kexie_linyi, lenient) -> None:
    class Leaky:
        @hookimpl
        def kexie_validate_record(self, kind, record):
            raise ValueError(f"member {ID_NUMBER} tel {PHONE} / +86 {PHONE} is odd")

    lenient.register(Leaky(), "leaky")
    kexie_linyi.add_member({"member_no": "M1", "name": "李四", "unit": "371323"})
    failure = lenient.failures[0]
    assert ID_NUMBER not in failure.error + failure.detail
    assert PHONE not in failure.error + failure.detail
    assert "110**************X" in failure.error and "138****5678" in failure.error


def test_load_failures_are_warnings_and_strict_flag_fails_on_them(kexie_linyi, lenient) -> None:
    class Misspelt:
        @hookimpl
        def kexie_register_metric(self):
            return []

    lenient.register(Misspelt(), "misspelt")
    cli = cli_runner(lenient, kexie_linyi.workspace.url)
    tree = cli("units", "tree", "--format", "json")  # exit 0: nothing failed during the command
    assert json.loads(tree.stdout)[0]["code"] == "371300"
    assert "警告 Warning: 插件 misspelt 注册失败" in tree.stderr
    assert "did you mean 'kexie_register_metrics'?" in tree.stderr
    strict = cli("--strict-plugins", "units", "tree", expect=2)
    assert "plug-in 'misspelt' failed to register" in strict.stderr


def test_a_metric_that_raises_leaves_kexie_metrics_and_plugins_working(
    kexie_linyi, lenient
) -> None:
    import sqlalchemy as sa

    from kexie_core.metrics.definition import Metric
    from kexie_core.store.tables import work_t

    def count(ctx):
        return (
            sa.select(work_t.c.unit_id, sa.func.count())
            .where(ctx.in_scope(work_t.c.unit_id), ctx.in_period(work_t.c.started_on))
            .group_by(work_t.c.unit_id)
        )

    def broken(ctx):
        raise ZeroDivisionError("division by zero")

    class County:
        @hookimpl
        def kexie_register_metrics(self):
            common = {"unit_zh": "项", "unit_en": "items", "area": "5", "rollup": "sum"}
            return [
                Metric("county.items", "事项数", "items", compute=count, **common),
                Metric("county.broken", "坏指标", "broken", compute=broken, **common),
            ]

    lenient.register(County(), "county")
    kexie_linyi.add_work_item(
        {"kind": "training", "unit": "371323", "title": "培训", "started_on": "2026-05-30"}
    )
    cli = cli_runner(lenient, kexie_linyi.workspace.url, lang="en")
    result = cli(
        "metrics", "--period", "2026", "--metric", "county.*", "--format", "json", expect=2
    )
    rows = json.loads(result.stdout)
    assert {r["metric"] for r in rows} == {"county.items"}  # the good metric is still produced
    assert "plug-in 'county' failed in computing metric county.broken" in result.stderr
    assert "ZeroDivisionError" in result.stderr
    listed = {r["name"]: r for r in cli.json("plugins")}
    assert listed["county"]["status"] == "failed"
    assert listed["county"]["contributes"] == {"metric": ["county.items", "county.broken"]}


def test_a_missing_command_warns_of_the_plugins_that_did_not_load(kexie_linyi, lenient) -> None:
    """A clerk types a plug-in's command after the plug-in failed to load: the usage error
    comes with the reason (docs/plugins.md: each command warns)."""

    class CommandsRaise:
        @hookimpl
        def kexie_register_commands(self, cli):
            raise ImportError("No module named 'lanshan_missing_dependency'")

    lenient.register(CommandsRaise(), "lanshan")
    cli = cli_runner(lenient, kexie_linyi.workspace.url)
    missing = cli("lanshan", "lectures", expect=2)
    assert "No such command 'lanshan'" in missing.stderr
    assert "lanshan" in missing.stderr.split("No such command")[0]
    assert "警告 Warning" in missing.stderr
