"""XLSX, Markdown and JSON writers, chart fonts and personal-data scrubbing (no database)."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import jsonschema
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kexie_core.documents import charts, fonts
from kexie_core.documents.json_writer import render_json, report_from_dict, report_to_dict, schema
from kexie_core.documents.md_writer import render_markdown
from kexie_core.documents.model import (
    ChildRow,
    ChildTable,
    Column,
    CoverageRow,
    MetricRow,
    ReportData,
    Section,
    TrendPoint,
    TrendSeries,
    UnitInfo,
    WorkItemRow,
)
from kexie_core.documents.sample import sample_report
from kexie_core.documents.text import display_width
from kexie_core.documents.xlsx_writer import write_xlsx
from kexie_core.model.identifiers import contains_personal_number
from kexie_core.model.identifiers import mask_personal_numbers as scrub
from kexie_core.model.period import Period

# -- xlsx -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    path = tmp_path_factory.mktemp("xlsx") / "report.xlsx"
    write_xlsx(sample_report(), path)
    return openpyxl.load_workbook(path)


def test_one_sheet_per_section_with_a_frozen_chinese_header(workbook: openpyxl.Workbook) -> None:
    assert workbook.sheetnames == [
        "报告信息",
        "主要指标",
        "分领域指标",
        "组织覆盖情况",
        "下级单位对比",
        "重点工作事项",
        "指标趋势",
        "工作总结",
    ]
    for ws in workbook:
        assert ws.freeze_panes == "A2", ws.title
        assert ws["A1"].font.b, ws.title
    headline = workbook["主要指标"]
    assert [c.value for c in headline[1]] == [
        "指标", "指标代码", "计量单位", "本级", "合计", "目标", "完成率",
    ]  # fmt: skip


def test_cells_are_typed(workbook: openpyxl.Workbook) -> None:
    rows = {r[1].value: r for r in workbook["主要指标"].iter_rows(min_row=2)}
    members = rows["members"]
    assert [members[i].value for i in (3, 4, 5)] == [35, 1280, 1200]
    assert members[4].number_format == "#,##0"
    assert members[6].value == pytest.approx(1280 / 1200)
    assert members[6].number_format == "0.0%"
    rate = rows["coverage_rate"]
    assert rate[4].value == pytest.approx(0.625) and rate[4].number_format == "0.0%"
    assert rate[3].value is None  # no own figure: an empty cell, not 0 or "—"

    children = workbook["下级单位对比"]
    code = children["A2"]
    assert code.value == "371323-YC" and code.data_type == "s" and code.number_format == "@"
    info = {r[0].value: r[1] for r in workbook["报告信息"].iter_rows(min_row=2)}
    assert info["单位代码"].value == "371323" and info["单位代码"].data_type == "s"
    assert info["生成时间"].value == datetime(2026, 10, 8, 9, 30)
    work = workbook["重点工作事项"]
    assert work["A2"].value == datetime(2026, 7, 12) and work["A2"].number_format == "yyyy-mm-dd"
    assert work["F2"].value == 80


def test_column_widths_fit_chinese_text(workbook: openpyxl.Workbook) -> None:
    ws = workbook["重点工作事项"]
    longest = max(display_width(str(c.value)) for c in ws["B"] if c.value)
    assert ws.column_dimensions["B"].width >= longest
    assert longest == display_width("科技工作者学习强国专题学习会") == 28


def test_native_charts_are_drawn_from_the_cells(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "r.xlsx"
    write_xlsx(sample_report(), path)
    with zipfile.ZipFile(path) as z:
        charts_xml = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts_xml) == 3  # coverage, children, trend
        text = "".join(z.read(n).decode() for n in charts_xml)
    assert "下级单位对比!$D$2:$D$3" in text  # the members column of both children


def test_xlsx_to_a_file_object() -> None:
    out = io.BytesIO()
    write_xlsx(sample_report(), out)
    wb = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    assert wb["主要指标"]["E2"].value == 1280


# -- markdown ------------------------------------------------------------------------------------


def test_markdown_sections_and_tables() -> None:
    text = render_markdown(sample_report())
    assert text.startswith("# 沂水县科协2026年第三季度工作报告\n")
    assert "## 二、主要指标" in text
    assert "| 会员人数 | 人 | 35 | 1280 | 1200 | 106.7% |" in text
    assert "|---|---|---:|---:|---:|---:|" in text
    assert "### （十一）扩大组织覆盖" in text
    assert "| 沂城街道科协 | 乡镇（街道）科协 | 420 | 50.0% |" in text


def test_markdown_escapes_cells() -> None:
    report = sample_report()
    item = WorkItemRow(date(2026, 7, 1), "a|b\nc", "学习会", "1", "沂水县科协", 3)
    text = render_markdown(_replace(report, work_items=(item,)))
    assert "| a\\|b c |" in text


# -- json ----------------------------------------------------------------------------------------


def test_json_follows_the_schema() -> None:
    for report in (sample_report(), sample_report(empty=True), sample_report(lang="en")):
        data = json.loads(render_json(report))
        jsonschema.validate(data, schema())
    data = json.loads(render_json(sample_report()))
    assert data["period"] == "2026Q3"
    assert data["children"]["rows"][0]["values"] == {"members": 420, "coverage_rate": 0.5}


def test_the_schema_rejects_a_wrong_document() -> None:
    data = report_to_dict(sample_report())
    data["headline"][0]["value"] = "1280"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema())


_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
_num = st.one_of(st.none(), st.integers(-(10**6), 10**6), st.floats(0, 10**6, allow_nan=False))
_unit = st.builds(UnitInfo, _text, _text, _text, _text)
_metric = st.builds(MetricRow, _text, _text, _text, _num, _num, _num, _num, st.booleans())


@st.composite
def reports(draw: st.DrawFn) -> ReportData:
    columns = tuple(
        Column(f"k{i}", draw(_text), draw(_text), draw(st.booleans()))
        for i in range(draw(st.integers(0, 3)))
    )
    rows = draw(
        st.lists(st.builds(ChildRow, _unit, st.tuples(*(_num for _ in columns))), max_size=3)
    )
    period = draw(st.sampled_from(["2026", "2026H2", "2025Q4", "2026-07"]))
    return ReportData(
        unit=draw(_unit),
        period=Period.parse(period),
        period_label=draw(_text),
        lang=draw(st.sampled_from(["zh", "en"])),
        title=draw(_text),
        generated_at=datetime(2026, 10, 8, tzinfo=UTC),
        headline=tuple(draw(st.lists(_metric, max_size=3))),
        sections=tuple(
            draw(
                st.lists(
                    st.builds(
                        Section,
                        st.sampled_from(["1", "8", "R3"]),
                        _text,
                        st.tuples(_metric),
                        st.integers(0, 99),
                    ),
                    max_size=2,
                )
            )
        ),
        coverage=tuple(
            draw(
                st.lists(
                    st.builds(
                        CoverageRow,
                        _text,
                        _text,
                        st.integers(0, 99),
                        st.integers(0, 99),
                        st.one_of(st.none(), st.floats(0, 1)),
                    ),
                    max_size=2,
                )
            )
        ),
        children=ChildTable(columns, tuple(rows)),
        work_items=tuple(
            draw(
                st.lists(
                    st.builds(
                        WorkItemRow,
                        st.dates(),
                        _text,
                        _text,
                        _text,
                        _text,
                        st.integers(0, 999),
                    ),
                    max_size=2,
                )
            )
        ),
        trend=tuple(
            draw(
                st.lists(
                    st.builds(
                        TrendSeries,
                        _text,
                        _text,
                        _text,
                        st.booleans(),
                        st.tuples(st.builds(TrendPoint, _text, _text, _num)),
                    ),
                    max_size=2,
                )
            )
        ),
        narrative=draw(st.one_of(st.none(), _text)),
        narrative_status=draw(st.one_of(st.none(), st.sampled_from(["draft", "accepted"]))),
        generator="test",
    )


@settings(max_examples=40, deadline=None)
@given(reports())
def test_json_round_trips_and_always_validates(report: ReportData) -> None:
    data = json.loads(render_json(report))
    jsonschema.validate(data, schema())
    assert report_from_dict(data) == report
    render_markdown(report)  # and every report lays out as Markdown without error


# -- fonts and charts ---------------------------------------------------------------------------


def test_the_chart_font_has_a_glyph_for_every_label() -> None:
    font = fonts.cjk_font()
    assert "CJK" in font.family or "SC" in font.family
    drawn = charts.report_charts(sample_report())
    assert {c.key for c in drawn} == {"children", "coverage", "trend"}
    texts = [text for chart in drawn for text in chart.texts]
    assert "沂水某机械有限公司科协" in texts and "规模以上工业企业" in texts
    assert fonts.missing_glyphs(font, texts) == set()
    for chart in drawn:
        assert chart.png.startswith(b"\x89PNG")


def test_glyph_check_finds_missing_characters() -> None:
    font = fonts.cjk_font()
    # U+E000 is a private-use code point no CJK font maps: the check must report it.
    assert fonts.missing_glyphs(font, ["科协\ue000"]) == {"\ue000"}


def test_a_missing_cjk_font_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    fonts.cjk_font.cache_clear()
    monkeypatch.setattr(fonts, "PREFERRED_FAMILIES", ())
    from matplotlib import font_manager

    monkeypatch.setattr(font_manager.fontManager, "ttflist", [])
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *a, **k: [])
    monkeypatch.setattr(fonts, "PACKAGED_FONT", ("kexie_no_such_font_package", "FONT_PATH"))
    try:
        with pytest.raises(fonts.FontError, match=r"fonts-noto-cjk.*kexie-core\[fonts\]"):
            fonts.cjk_font()
    finally:
        fonts.cjk_font.cache_clear()


def test_without_a_system_font_the_packaged_noto_sans_cjk_sc_is_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A fresh machine with only Python: the ``fonts`` extra (installed with ``dev``) draws the
    charts, with its Simplified Chinese face, not the Japanese one the collection starts with."""
    from matplotlib import font_manager

    fonts.cjk_font.cache_clear()
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [])
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *a, **k: [])
    try:
        font = fonts.cjk_font()
        assert font.family == "Noto Sans CJK SC"
        assert "noto_cjk_sans_otc" in font.path
        assert fonts.missing_glyphs(font, ["沂水县科协规模以上工业企业"]) == set()
    finally:
        fonts.cjk_font.cache_clear()


def test_a_font_installed_after_matplotlibs_cache_is_found(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """CI installs fonts-noto-cjk after matplotlib may have cached the system's fonts."""
    from matplotlib import font_manager

    fonts.cjk_font.cache_clear()
    stale = [e for e in font_manager.fontManager.ttflist if "CJK" not in e.name]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", stale)
    try:
        font = fonts.cjk_font()
        assert font.family == "Noto Sans CJK SC"
        assert fonts.missing_glyphs(font, ["沂水县科协"]) == set()
    finally:
        fonts.cjk_font.cache_clear()


def test_font_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fonts.cjk_font.cache_clear()
    try:
        monkeypatch.setenv(fonts.ENV_FONT, str(tmp_path / "missing.ttf"))
        with pytest.raises(fonts.FontError, match="not a font file"):
            fonts.cjk_font()
    finally:
        fonts.cjk_font.cache_clear()


# -- personal data -------------------------------------------------------------------------------


def test_scrub_masks_numbers_in_free_text() -> None:
    assert scrub("走访张院士 13812345678") == "走访张院士 138****5678"
    assert scrub("身份证371302199001011234号") == "身份证371**************4号"
    assert scrub("电话0539-8123456") == "电话0539-*****56"
    kept = "沂水县科协371323于2026-07-01开展培训，参与80人"
    assert scrub(kept) == kept


@settings(max_examples=60)
@given(
    st.text(max_size=20),
    st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    st.from_regex(r"[1-6][0-9]{16}[0-9X]", fullmatch=True),
    st.text(max_size=20),
)
def test_scrubbed_text_holds_no_phone_or_id(head: str, phone: str, rid: str, tail: str) -> None:
    text = f"{head} {phone} {rid} {tail}"
    clean = scrub(text)
    assert phone not in clean and rid not in clean
    assert not contains_personal_number(scrub(f"联系{phone}，证件{rid}。"))


def _replace(report: ReportData, **changes: object) -> ReportData:
    from dataclasses import replace

    return replace(report, **changes)  # type: ignore[arg-type]
