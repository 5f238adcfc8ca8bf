"""One test per hook (``test_hook_<name>``): a throwaway plug-in implements it and the core
really uses what it gives. ``test_hooks_documented.py`` checks that every hook has one."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import click
import pytest
import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field

from kexie_core import InvalidRecord, Problem, WorkKind, hookimpl
from kexie_core.plugin import Exporter, Importer, PluginHost
from kexie_core.store.tables import work_t


def _work(kind: str, **extra: object) -> dict[str, object]:
    return {"kind": kind, "unit": "371323", "title": "培训", "started_on": "2026-05-30", **extra}


def test_hook_kexie_register_metrics(kexie_linyi, kexie_plugins, kexie_register_plugin) -> None:
    from kexie_core.metrics.definition import Metric
    from kexie_core.metrics.engine import compute_metrics

    def trainings(ctx):
        return (
            sa.select(work_t.c.unit_id, sa.func.count())
            .where(ctx.in_scope(work_t.c.unit_id), ctx.in_period(work_t.c.started_on))
            .where(work_t.c.kind == "training")
            .group_by(work_t.c.unit_id)
        )

    def broken(ctx):
        raise RuntimeError("the county's spreadsheet moved")

    class Yishui:
        @hookimpl
        def kexie_register_metrics(self):
            common = {"unit_zh": "次", "unit_en": "times", "area": "7", "rollup": "sum"}
            return [
                Metric("yishui.trainings", "培训次数", "trainings", compute=trainings, **common),
                Metric("yishui.broken", "坏指标", "broken", compute=broken, **common),
            ]

    kexie_register_plugin(Yishui(), "yishui")
    kexie_linyi.add_work_item(_work("training"))
    kexie_linyi.add_work_item(_work("training", unit="371323-YC"))

    registered = kexie_plugins.metrics()
    assert registered.get("yishui.trainings").plugin == "yishui"
    table = compute_metrics(kexie_linyi, "2026", unit="371323", metrics=["yishui.*"])
    assert table.value("371323", "yishui.trainings") == 2  # rolled up from 沂城街道
    assert [f.plugin for f in table.failures] == ["yishui"]
    assert [(f.plugin, f.where) for f in kexie_plugins.failures] == [
        ("yishui", "computing metric yishui.broken")
    ]


def test_hook_kexie_register_work_kinds(kexie_linyi, kexie_plugins, kexie_register_plugin) -> None:
    class OrchardDetails(BaseModel):
        model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)
        crop: str = Field(min_length=1)
        trainees: int = Field(ge=1)

    class Yishui:
        @hookimpl
        def kexie_register_work_kinds(self):
            return [
                WorkKind(
                    "yishui_orchard_training",
                    "practice",
                    "果树技术培训",
                    "orchard training",
                    details_model=OrchardDetails,
                )
            ]

    kexie_register_plugin(Yishui(), "yishui")
    kind = kexie_plugins.work_kinds().get("yishui_orchard_training")
    assert kind.plugin == "yishui" and kind.area.value == "5"
    assert "training" in kexie_plugins.work_kinds()  # the built-ins are still there

    item = _work("yishui_orchard_training", details={"crop": "苹果", "trainees": "40"})
    kexie_linyi.add_work_item(item)
    stored = kexie_linyi.work_items(unit="371323")[0]
    assert stored.area == "5" and stored.details == {"crop": "苹果", "trainees": 40}

    with pytest.raises(InvalidRecord) as bad:
        kexie_linyi.add_work_item({**item, "details": {"crop": "苹果", "trainees": 0}})
    assert [p.field for p in bad.value.problems] == ["details.trainees"]
    with pytest.raises(InvalidRecord) as extra:
        kexie_linyi.add_work_item({**item, "details": {"crop": "梨", "trainees": 3, "x": 1}})
    assert [p.field for p in extra.value.problems] == ["details.x"]
    assert len(kexie_linyi.work_items(unit="371323")) == 1  # nothing half-written


def _exporter(key: str, **changes: object) -> Exporter:
    def write(payload, out, **options):
        out.write(f"{options.get('lang')}:{payload}".encode())

    return replace(
        Exporter(key, "沂水台账", "Yishui ledger", ".csv", frozenset({"records"}), write),
        **changes,
    )


def test_hook_kexie_register_exporters(kexie_plugins, kexie_register_plugin, tmp_path) -> None:
    class Yishui:
        @hookimpl
        def kexie_register_exporters(self):
            return [_exporter("yishui-ledger")]

    kexie_register_plugin(Yishui(), "yishui")
    exporter = kexie_plugins.exporters().get("yishui-ledger")
    assert exporter.plugin == "yishui" and exporter.exports == {"records"}
    with (tmp_path / "out.csv").open("wb") as out:
        exporter.write("rows", out, lang="zh")
    assert (tmp_path / "out.csv").read_text() == "zh:rows"


def test_hook_kexie_register_importers(kexie_plugins, kexie_register_plugin, tmp_path) -> None:
    def read(path, kind):
        for number, line in enumerate(path.read_text("utf-8").splitlines()[1:], start=2):
            code, name = line.split("|")
            yield number, {"code": code, "name": name}

    class Yishui:
        @hookimpl
        def kexie_register_importers(self):
            return [Importer("yishui-legacy", "沂水旧台账", "Yishui legacy", (".txt",), read)]

    kexie_register_plugin(Yishui(), "yishui")
    importer = kexie_plugins.importers().get("yishui-legacy")
    assert importer.plugin == "yishui" and importer.kinds == frozenset()
    (tmp_path / "old.txt").write_text("代码|名称\n371323-SZ|沙沟镇科协\n", encoding="utf-8")
    assert list(importer.read(tmp_path / "old.txt", "units")) == [
        (2, {"code": "371323-SZ", "name": "沙沟镇科协"})
    ]


def test_hook_kexie_register_rubrics(kexie_plugins, kexie_register_plugin) -> None:
    from kexie_core.metrics.rubric import Rubric

    society_rubric = Rubric.model_validate(
        {
            "key": "society-2026",
            "label_zh": "学会年度考核",
            "kinds": ["society"],
            "items": [
                {
                    "key": "exchange",
                    "label_zh": "学术交流",
                    "metric": "work_items",
                    "rule": "ratio_to_target",
                    "weight": 60,
                }
            ],
        }
    )

    class Society:
        @hookimpl
        def kexie_register_rubrics(self):
            return [society_rubric]

    kexie_register_plugin(Society(), "society")
    rubric = kexie_plugins.rubrics().get("society-2026")
    assert rubric.plugin == "society" and rubric.kinds == ("society",)
    assert society_rubric.plugin == ""  # stamped on a copy: the plug-in's object is untouched
    assert kexie_plugins.rubrics().get("county").plugin == "kexie.rubrics"


def test_hook_kexie_register_commands(kexie_linyi, kexie_register_plugin, kexie_cli) -> None:
    from kexie_core.cli.context import CliContext, pass_ctx

    @click.command("yishui")
    @pass_ctx
    def yishui(obj: CliContext) -> None:
        """沂水县科协的汇总."""
        units = obj.session().units()
        click.echo(obj.t(f"共 {len(units)} 个单位", f"{len(units)} units"))

    class Yishui:
        @hookimpl
        def kexie_register_commands(self, cli):
            cli.add_command(yishui)

    kexie_register_plugin(Yishui(), "yishui")
    assert "yishui" in kexie_cli("--help").stdout
    assert kexie_cli("--as", "371323", "yishui").stdout.strip() == "共 3 个单位"
    assert kexie_cli.host.command_owners["yishui"] == "yishui"


def test_hook_kexie_validate_record(kexie_linyi, kexie_register_plugin) -> None:
    seen = []

    class Society:
        @hookimpl
        def kexie_validate_record(self, kind, record, actor):
            seen.append((kind, actor.code if actor else None))
            if kind == "member" and record.unit.startswith("S-") and not record.field:
                return [Problem("field", "学会会员须填写专业领域")]
            if kind == "work_item" and record.participants > 500:
                return "participants over 500 need the society's approval"
            return None

    kexie_register_plugin(Society(), "society")
    with pytest.raises(InvalidRecord) as bad:
        kexie_linyi.add_member({"member_no": "S1", "name": "张三", "unit": "S-NXH"})
    assert [(p.field, p.message) for p in bad.value.problems] == [
        ("field", "学会会员须填写专业领域 (society)")
    ]
    kexie_linyi.add_member({"member_no": "S1", "name": "张三", "unit": "S-NXH", "field": "农学"})
    with pytest.raises(InvalidRecord, match="approval"):
        kexie_linyi.add_work_item(_work("training", participants=800))
    # Plug-in rules run after the built-in ones: a bad kind never reaches them.
    with pytest.raises(InvalidRecord, match="unknown work kind"):
        kexie_linyi.add_work_item(_work("no_such_kind", participants=800))
    assert seen[0] == ("member", "371300")
    assert ("work_item", "371300") in seen and len(kexie_linyi.members()) == 1


def test_hook_kexie_report_status_changed(kexie_plugins, kexie_register_plugin) -> None:
    heard = []

    class Office:
        @hookimpl
        def kexie_report_status_changed(self, report, new_status):
            heard.append((report.unit, new_status))

    class Broken:
        @hookimpl
        def kexie_report_status_changed(self, report, old_status, new_status, actor):
            raise ConnectionError("the SMS gateway is down")

    kexie_register_plugin(Office(), "office")
    kexie_register_plugin(Broken(), "sms")
    report = SimpleNamespace(unit="371323", period="2026H1")
    kexie_plugins.report_status_changed(report, "draft", "submitted", actor=None)
    assert heard == [("371323", "submitted")]
    assert [(f.plugin, f.where) for f in kexie_plugins.failures] == [
        ("sms", "kexie_report_status_changed")
    ]
    strict = PluginHost(strict=True)
    strict.register(Broken(), "sms")
    with pytest.raises(Exception, match="SMS gateway"):
        strict.report_status_changed(report, "draft", "submitted", actor=None)
