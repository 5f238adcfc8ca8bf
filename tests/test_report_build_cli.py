"""``kexie report build``: every format, --all-children, scope, and plug-in exporters."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from click.testing import CliRunner

from kexie_core import hookimpl
from kexie_core.cli import build_cli
from kexie_core.metrics import compute_metrics
from kexie_core.plugin import Exporter
from kexie_core.testing import TEST_KEY
from tests.test_documents_assemble import PERIOD, populate


@pytest.fixture
def run(kexie_linyi, kexie_plugins, monkeypatch, tmp_path):
    monkeypatch.setenv("KEXIE_SECRET_KEY", TEST_KEY.decode())
    monkeypatch.chdir(tmp_path)
    populate(kexie_linyi)
    url = kexie_linyi.workspace.url

    def invoke(*args: str, code: int = 0):
        result = CliRunner().invoke(build_cli(kexie_plugins), ["--db", url, *args])
        assert result.exit_code == code, result.output + str(result.exception)
        return result

    return invoke


def test_each_format_for_the_acting_unit(run, tmp_path: Path) -> None:
    for fmt in ("docx", "xlsx", "html", "md", "json"):
        out = run("--as", "371323", "report", "build", "--period", "2026年第三季度",
                  "--format", fmt).output  # fmt: skip
        path = tmp_path / f"371323_2026Q3.{fmt}"
        assert f"已生成 {path.name}" in out and path.stat().st_size > 0
    data = json.loads((tmp_path / "371323_2026Q3.json").read_text("utf-8"))
    assert data["unit"]["code"] == "371323" and data["period"] == "2026Q3"
    title = docx.Document(str(tmp_path / "371323_2026Q3.docx")).paragraphs[0].text
    assert title == "沂水县科协2026年第三季度工作报告"


def test_xlsx_figures_equal_kexie_metrics(run, tmp_path: Path) -> None:
    run("report", "build", "--unit", "371323", "--period", PERIOD, "--format", "xlsx")
    printed = run("metrics", "--unit", "371323", "--period", PERIOD, "--depth", "1",
                  "--format", "json").output  # fmt: skip
    engine = {(r["unit_code"], r["metric"]): r for r in json.loads(printed)}
    wb = openpyxl.load_workbook(tmp_path / "371323_2026Q3.xlsx")
    compared = 0
    for sheet in ("主要指标", "分领域指标"):
        ws = wb[sheet]
        header = [c.value for c in ws[1]]
        key, own, total, target = (header.index(h) for h in ("指标代码", "本级", "合计", "目标"))
        for row in ws.iter_rows(min_row=2, values_only=True):
            expected = engine[("371323", row[key])]
            scale = 100 if expected["measure"] == "%" else 1  # the sheet keeps rates as fractions
            for column, name in ((own, "own"), (total, "subtree"), (target, "target")):
                want = expected[name]
                got = row[column]
                assert (got is None and want is None) or got * scale == pytest.approx(want), (
                    sheet, row[key], name
                )  # fmt: skip
            compared += 1
    assert compared > 50
    children = wb["下级单位对比"]
    header = [c.value for c in children[1]]
    members = next(i for i, h in enumerate(header) if str(h).startswith("会员人数"))
    for row in children.iter_rows(min_row=2, values_only=True):
        assert row[members] == engine[(row[0], "members.count")]["subtree"]


def test_out_file_and_english(run, tmp_path: Path) -> None:
    run("--lang", "en", "report", "build", "--unit", "371323", "--period", PERIOD,
        "--format", "report-xlsx", "--out", "q3/yishui.xlsx")  # fmt: skip
    wb = openpyxl.load_workbook(tmp_path / "q3" / "yishui.xlsx")
    assert wb.sheetnames[1] == "Headline figures"


def test_all_children_into_a_folder(run, kexie_linyi, tmp_path: Path) -> None:
    out = run("report", "build", "--period", PERIOD, "--format", "xlsx", "--all-children",
              "--kind", "county", "--kind", "society", "--out", "reports").output  # fmt: skip
    files = sorted(p.name for p in (tmp_path / "reports").iterdir())
    assert files == ["371302_2026Q3.xlsx", "371323_2026Q3.xlsx", "S-NXH_2026Q3.xlsx"]
    assert out.count("已生成") == 3
    table = compute_metrics(kexie_linyi, PERIOD, depth=1)
    for code in ("371302", "371323", "S-NXH"):
        wb = openpyxl.load_workbook(tmp_path / "reports" / f"{code}_2026Q3.xlsx")
        rows = {r[1]: r for r in wb["主要指标"].iter_rows(min_row=2, values_only=True)}
        assert rows["work_items"][4] == table.value(code, "work_items")
        assert rows["participants"][4] == table.value(code, "participants")


def test_errors_are_clear(run) -> None:
    bad = run("report", "build", "--period", PERIOD, "--format", "pdf", code=1)
    assert "no report exporter for format 'pdf'" in bad.output and "docx" in bad.output
    scope = run("--as", "371323", "report", "build", "--unit", "371302", "--period", PERIOD,
                code=3)  # fmt: skip
    assert "outside 371323's subtree" in scope.output
    period = run("report", "build", "--period", "2026Q5", code=1)
    assert "not a reporting period" in period.output
    missing = run("report", "build", code=2)
    assert "--period is required" in missing.output


class CountyExporter:
    """A county's own layout: a plain-text brief, through the same command."""

    @staticmethod
    def write(report: Any, out: Path, **options: Any) -> None:
        lines = [report.title, *(f"{m.label}：{m.value}" for m in report.headline)]
        Path(out).write_text("\n".join(lines), encoding="utf-8")

    @hookimpl
    def kexie_register_exporters(self) -> list[Exporter]:
        return [
            Exporter(
                "yishui-brief",
                "沂水县简报",
                "Yishui brief",
                ".txt",
                frozenset({"report"}),
                self.write,
            ),
            Exporter(
                "broken-docx",
                "坏的模板",
                "broken template",
                ".docx",
                frozenset({"report"}),
                _broken,
            ),
        ]


def _broken(report: Any, out: Path, **options: Any) -> None:
    Path(out).write_bytes(b"half a file")
    raise RuntimeError("template missing")


def test_a_plugin_exporter_works_through_the_command(run, kexie_plugins, tmp_path) -> None:
    kexie_plugins.register(CountyExporter(), "yishui-templates")
    listed = run("report", "build", "--list-formats").output
    assert "yishui-brief" in listed and "沂水县简报" in listed
    run("--as", "371323", "report", "build", "--period", PERIOD, "--format", "yishui-brief")
    text = (tmp_path / "371323_2026Q3.txt").read_text("utf-8")
    assert text.splitlines()[0] == "沂水县科协2026年第三季度工作报告"
    assert "工作事项合计：2" in text
    # Two .docx writers now: the short name still means the built-in one.
    run("--as", "371323", "report", "build", "--period", PERIOD, "--format", "docx")
    assert docx.Document(str(tmp_path / "371323_2026Q3.docx")).paragraphs[0].text


def test_a_failing_plugin_exporter_is_named_and_leaves_no_file(run, kexie_plugins, tmp_path):
    kexie_plugins.register(CountyExporter(), "yishui-templates")
    result = run("report", "build", "--unit", "371323", "--period", PERIOD,
                 "--format", "broken-docx", code=2)  # fmt: skip
    assert "yishui-templates" in result.output and "template missing" in result.output
    assert not list(tmp_path.glob("*.docx")) and not list(tmp_path.glob(".*.part"))
