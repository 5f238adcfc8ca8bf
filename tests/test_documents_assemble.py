"""Report assembly against the metrics engine, on SQLite and PostgreSQL: same figures, scope,
empty units, personal data."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import docx
import jsonschema
import openpyxl
import pytest

from kexie_core.documents import (
    ReportOptions,
    assemble_child_reports,
    assemble_report,
    assemble_reports,
)
from kexie_core.documents.exporters import report_exporters, resolve_exporter, write_report
from kexie_core.documents.json_writer import schema
from kexie_core.documents.model import ReportData
from kexie_core.metrics import MetricTable, compute_metrics
from kexie_core.model.enums import Gender
from kexie_core.model.identifiers import contains_personal_number, make_resident_id, make_uscc
from kexie_core.store.scope import ScopeError
from kexie_core.workspace import ActorSession

PERIOD = "2026Q3"
NOW = datetime(2026, 10, 8, 9, 30, tzinfo=UTC)
PHONE = "13905391234"
RESIDENT_ID = make_resident_id("371323", datetime(1980, 5, 4).date(), 12, Gender.MALE)


def populate(root: ActorSession) -> None:
    """Work, members, hosts and a target under 沂水县 and the 农学会; one Q2 item for the trend."""
    items = [
        ("training", "371323", "科技人员培训班（联系人电话 13812345678）", "2026-07-01", 80),
        ("study_session", "371323-YC", "理论学习会", "2026-08-01", 30),
        ("academic_exchange", "S-NXH", "农业学术交流会", "2026-09-10", 50),
        ("training", "371323", "春季培训", "2026-05-01", 20),
        ("study_session", "371302", "兰山区理论学习", "2026-07-15", 12),
    ]
    for kind, unit, title, day, people in items:
        root.add_work_item(
            {"kind": kind, "unit": unit, "title": title, "started_on": day, "participants": people}
        )
    members = [
        ("M1", "张三", "371323", {"phone": PHONE, "id_number": RESIDENT_ID}),
        ("M2", "李四", "371323-YC", {}),
        ("M3", "王五", "S-NXH", {}),
    ]
    for no, name, unit, extra in members:
        root.add_member({"member_no": no, "name": name, "unit": unit, "joined_on": "2026-07-02",
                         **extra})  # fmt: skip
    for serial, name in ((1, "沂水某机械有限公司"), (2, "沂水某食品有限公司")):
        root.add_host(
            {
                "name": name,
                "category": "industrial_above_size",
                "territory": "371323",
                "uscc": make_uscc("371323", serial),
            }
        )
    root.update_unit("E-YS01", host_uscc=make_uscc("371323", 1))
    root.set_target({"unit": "371323", "metric": "work_items", "period": PERIOD, "value": 4})


@pytest.fixture
def linyi(kexie_linyi: ActorSession) -> ActorSession:
    populate(kexie_linyi)
    return kexie_linyi


def _options() -> ReportOptions:
    return ReportOptions(now=NOW)


def _engine_value(table: MetricTable, unit: str, key: str, *, own: bool = False) -> object:
    metric = table.metric(key)
    value = table.value(unit, key, own=own)
    return value / 100 if value is not None and metric.percent else value


def test_figures_equal_the_metrics_engine(linyi: ActorSession) -> None:
    yishui = linyi.workspace.as_unit("371323")
    report = assemble_report(yishui, PERIOD, options=_options())
    table = compute_metrics(yishui, PERIOD, depth=1)
    shown = report.all_metrics()
    assert len(shown) > 40
    for row in shown:
        assert row.value == pytest.approx(_engine_value(table, "371323", row.key)), row.key
        assert row.own == pytest.approx(_engine_value(table, "371323", row.key, own=True))
    assert report.metric("work_items").value == 2 and report.metric("work_items").own == 1
    assert report.metric("participants").value == 110
    assert report.metric("work_items").target == 4
    assert report.metric("work_items").achievement == pytest.approx(0.5)
    assert report.section("7").work_items == 1 and report.section("1").work_items == 1
    assert report.metric("members.count").value == 2
    coverage = {c.category: c for c in report.coverage}
    assert (coverage["industrial_above_size"].hosts, coverage["industrial_above_size"].covered) == (
        2,
        1,
    )
    assert coverage["industrial_above_size"].rate == pytest.approx(0.5)
    assert coverage["industrial_above_size"].label == "规模以上工业企业"
    assert coverage["all"].label == "全部类别" and coverage["all"].hosts == 2
    # Children: each in one row, with the engine's subtree figures.
    rows = {r.unit.code: r for r in report.children.rows}
    assert set(rows) == {"371323-YC", "E-YS01"}
    keys = [c.key for c in report.children.columns]
    for code, row in rows.items():
        for key, value in zip(keys, row.values, strict=True):
            assert value == pytest.approx(_engine_value(table, code, key)), (code, key)
    # Trend: Q4 2025 … Q3 2026, this period last.
    work = next(s for s in report.trend if s.key == "work_items")
    assert [p.period for p in work.points] == ["2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3"]
    assert [p.value for p in work.points] == [0, 0, 0, 1, 2]
    # Notable work items: largest first, across the subtree, only this period.
    assert [w.participants for w in report.work_items] == [80, 30]
    assert report.work_items[1].unit_name == "沂城街道科协"


def test_xlsx_figures_equal_the_metrics_engine(linyi: ActorSession, tmp_path: Path) -> None:
    yishui = linyi.workspace.as_unit("371323")
    report = assemble_report(yishui, PERIOD, options=_options())
    exporter = resolve_exporter(yishui.plugins, "xlsx")
    path = tmp_path / "r.xlsx"
    assert write_report(yishui.plugins, exporter, report, path)
    table = compute_metrics(yishui, PERIOD, depth=1)
    wb = openpyxl.load_workbook(path)
    ws = wb["分领域指标"]
    header = [c.value for c in ws[1]]
    key_col, own_col, total_col = (header.index(h) for h in ("指标代码", "本级", "合计"))
    seen = 0
    for row in ws.iter_rows(min_row=2, values_only=True):
        key = row[key_col]
        assert row[total_col] == pytest.approx(_engine_value(table, "371323", key)), key
        assert row[own_col] == pytest.approx(_engine_value(table, "371323", key, own=True)), key
        seen += 1
    assert seen == sum(len(s.metrics) for s in report.sections)
    children = wb["下级单位对比"]
    header = [c.value for c in children[1]]
    members_col = next(i for i, h in enumerate(header) if str(h).startswith("会员人数"))
    for row in children.iter_rows(min_row=2, values_only=True):
        assert row[members_col] == table.value(row[0], "members.count")


def test_every_format_builds_for_a_unit_without_data(linyi: ActorSession, tmp_path: Path) -> None:
    zone = linyi.workspace.as_unit("GXQ")  # 高新区: no members, work, hosts or children
    report = assemble_report(zone, PERIOD, options=_options())
    assert report.metric("work_items").value == 0
    assert report.children.rows == () and report.work_items == ()
    assert all(c.rate is None for c in report.coverage)
    host = zone.plugins
    for exporter in report_exporters(host):
        path = tmp_path / f"empty{exporter.suffix}"
        assert write_report(host, exporter, report, path), exporter.key
        assert path.stat().st_size > 0
    assert docx.Document(str(tmp_path / "empty.docx")).paragraphs[0].text.startswith("临沂高新区")
    jsonschema.validate(json.loads((tmp_path / "empty.json").read_text("utf-8")), schema())
    wb = openpyxl.load_workbook(tmp_path / "empty.xlsx")
    totals = [r[4] for r in wb["主要指标"].iter_rows(min_row=2, values_only=True)]
    assert totals[:4] == [0, 0, 0, 0]


def test_scope_is_the_actors(linyi: ActorSession) -> None:
    yishui = linyi.workspace.as_unit("371323")
    with pytest.raises(ScopeError):
        assemble_report(yishui, PERIOD, unit="371302")
    township = assemble_report(yishui, PERIOD, unit="371323-YC", options=_options())
    assert township.metric("work_items").value == 1
    with pytest.raises(ScopeError, match="root"):
        assemble_report(yishui, PERIOD, options=ReportOptions(unmasked=True))


def test_child_reports_share_one_run_and_equal_single_reports(linyi: ActorSession) -> None:
    reports = assemble_child_reports(linyi, PERIOD, kinds=["county", "society"], options=_options())
    assert [r.unit.code for r in reports] == ["371302", "371323", "S-NXH"]
    for report in reports:
        single = assemble_report(linyi, PERIOD, unit=report.unit.code, options=_options())
        assert report == single
    # Units at different depths in one run: a county and a township below another county.
    mixed = assemble_reports(linyi, PERIOD, ["371323-YC", "371302"], options=_options())
    assert [r.unit.code for r in mixed] == ["371302", "371323-YC"]
    assert mixed[1] == assemble_report(linyi, PERIOD, unit="371323-YC", options=_options())
    yishui = linyi.workspace.as_unit("371323")
    with pytest.raises(ScopeError):
        assemble_reports(yishui, PERIOD, ["371323-YC", "371302"])
    with pytest.raises(ScopeError):
        assemble_child_reports(yishui, PERIOD, unit="371300")


def _document_texts(report: ReportData, host, tmp_path: Path) -> dict[str, str]:
    texts = {}
    for exporter in report_exporters(host):
        path = tmp_path / f"r{exporter.suffix}"
        assert write_report(host, exporter, report, path)
        if exporter.suffix in (".docx", ".xlsx"):
            with zipfile.ZipFile(path) as z:
                texts[exporter.key] = "".join(
                    z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml")
                )
        else:
            texts[exporter.key] = path.read_text("utf-8")
    return texts


def test_no_id_or_phone_numbers_in_any_format(linyi: ActorSession, tmp_path: Path) -> None:
    report = assemble_report(linyi, PERIOD, unit="371323", options=_options())
    assert report.work_items[0].title == "科技人员培训班（联系人电话 138****5678）"
    for key, text in _document_texts(report, linyi.plugins, tmp_path).items():
        for secret in (PHONE, RESIDENT_ID, "13812345678", RESIDENT_ID[6:14]):
            assert secret not in text, (key, secret)
    assert not contains_personal_number(json.dumps(_as_json(report), ensure_ascii=False))
    unmasked = assemble_report(
        linyi, PERIOD, unit="371323", options=ReportOptions(now=NOW, unmasked=True)
    )
    assert "13812345678" in unmasked.work_items[0].title  # only when the root asks


def _as_json(report: ReportData) -> dict[str, object]:
    from kexie_core.documents.json_writer import report_to_dict

    return report_to_dict(report)


def test_narrative_comes_from_the_reporting_workflow(linyi: ActorSession) -> None:
    from kexie_core.workflow.reports import Reports

    yishui = linyi.workspace.as_unit("371323")
    Reports(yishui).new(PERIOD, narrative="三季度举办培训班1期。\n联系电话 13812345678。")
    report = assemble_report(yishui, PERIOD, options=_options())
    assert report.narrative == "三季度举办培训班1期。\n联系电话 138****5678。"
    assert report.narrative_status == "draft"
    out = io.BytesIO()
    resolve_exporter(yishui.plugins, "docx").write(report, out)
    texts = [p.text for p in docx.Document(io.BytesIO(out.getvalue())).paragraphs]
    assert "三季度举办培训班1期。" in texts
    other = assemble_report(linyi, PERIOD, unit="371302", options=_options())
    assert other.narrative is None
