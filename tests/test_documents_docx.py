"""The Word report in the GB/T 9704 layout, read back with python-docx."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt

from kexie_core.documents import docx_layout as layout
from kexie_core.documents.docx_writer import build_docx, write_docx
from kexie_core.documents.sample import sample_report


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("docx") / "report.docx"
    write_docx(sample_report(), path)
    return path


@pytest.fixture(scope="module")
def document(written: Path) -> docx.document.Document:
    return docx.Document(str(written))


def test_page_is_a4_with_the_standard_margins(document: docx.document.Document) -> None:
    for section in document.sections:
        # Word stores twentieths of a point: a millimetre value is kept to within 0.02 mm.
        mm = pytest.approx
        assert section.page_width.mm == mm(210, abs=0.02)
        assert section.page_height.mm == mm(297, abs=0.02)
        assert section.top_margin.mm == mm(37, abs=0.02)
        assert section.bottom_margin.mm == mm(35, abs=0.02)
        assert section.left_margin.mm == mm(28, abs=0.02)
        assert section.right_margin.mm == mm(26, abs=0.02)
        grid = section._sectPr.find(qn("w:docGrid"))
        assert grid.get(qn("w:linePitch")) == "579"


def test_22_lines_of_the_text_block_fit_exactly() -> None:
    text_height_pt = (297 - 37 - 35) / 25.4 * 72
    pitch = layout.LINE_PITCH_TWIPS / 20
    assert 22 * pitch <= text_height_pt < 23 * pitch
    assert pitch == pytest.approx(28.95)


def _fonts(rpr) -> dict[str, str]:
    fonts = rpr.find(qn("w:rFonts"))
    assert fonts is not None
    return {k.split("}")[1]: v for k, v in fonts.attrib.items()}


def test_styles_name_their_east_asian_font_and_size(document: docx.document.Document) -> None:
    expected = {
        "Title": ("方正小标宋简体", 22),
        "Normal": ("仿宋_GB2312", 16),
        "Heading 1": ("黑体", 16),
        "Heading 2": ("楷体_GB2312", 16),
    }
    for name, (east_asia, size) in expected.items():
        style = document.styles[name]
        assert style.font.size == Pt(size), name
        fonts = _fonts(style.element.rPr)
        assert fonts["eastAsia"] == east_asia, name
        assert not any(k.endswith("Theme") or k == "cstheme" for k in fonts), name
    body = document.styles["Normal"].paragraph_format
    assert body.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert body.line_spacing == Pt(28.95)
    assert body.first_line_indent == Pt(32)


def test_every_run_names_its_east_asian_font(document: docx.document.Document) -> None:
    runs = [r for p in document.paragraphs for r in p.runs]
    runs += [
        r
        for table in document.tables
        for row in table.rows
        for cell in row.cells
        for p in cell.paragraphs
        for r in p.runs
    ]
    text_runs = [r for r in runs if r.text]
    assert len(text_runs) > 50
    for run in text_runs:
        fonts = _fonts(run._element.rPr)
        assert fonts.get("eastAsia"), run.text
        assert fonts.get("hint") == "eastAsia"


def test_no_japanese_fallback_anywhere(written: Path) -> None:
    with zipfile.ZipFile(written) as z:
        styles = z.read("word/styles.xml").decode()
        settings = z.read("word/settings.xml").decode()
        font_table = z.read("word/fontTable.xml").decode()
        document_xml = z.read("word/document.xml").decode()
    assert "ja-JP" not in styles + settings + document_xml
    assert 'w:eastAsia="zh-CN"' in styles and 'w:eastAsia="zh-CN"' in settings
    assert "eastAsiaTheme" not in styles + document_xml
    assert "ＭＳ" not in font_table
    for name in ("仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312"):
        assert f'w:name="{name}"' in font_table
    assert font_table.count('w:charset w:val="86"') >= 4


def test_paragraphs_follow_the_report(document: docx.document.Document) -> None:
    report = sample_report()
    paragraphs = [p for p in document.paragraphs if p.text.strip()]
    title = paragraphs[0]
    assert title.text == "沂水县科协2026年第三季度工作报告"
    assert title.style.name == "Title"
    headings1 = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    assert headings1 == [
        "一、工作总结",
        "二、主要指标",
        "三、分领域指标",
        "四、组织覆盖情况",
        "五、下级单位对比",
        "六、重点工作事项",
    ]
    headings2 = [p.text for p in paragraphs if p.style.name == "Heading 2"]
    assert headings2[0] == "（一）强化科学理论武装"
    assert headings2[-1] == "（十一）扩大组织覆盖"
    assert len(headings2) == len(report.sections) == 11
    texts = [p.text for p in paragraphs]
    assert "本季度，沂水县科协围绕科技工作者思想政治引领开展工作。" in texts
    assert texts[-2:] == ["沂水县科协", "2026年10月8日"]


def test_tables_have_chinese_headers_repeated_on_each_page(
    document: docx.document.Document,
) -> None:
    headline = document.tables[0]
    header = [c.text for c in headline.rows[0].cells]
    assert header == ["指标", "计量单位", "本级", "合计", "目标", "完成率"]
    assert headline.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in headline.rows[1:]}
    assert rows["会员人数"] == ["会员人数", "人", "35", "1280", "1200", "106.7%"]
    assert rows["组织覆盖率"][3:] == ["62.5%", "80.0%", "78.1%"]
    for table in document.tables:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_page_numbers_are_em_dash_page_fields(document: docx.document.Document) -> None:
    assert document.settings.odd_and_even_pages_header_footer
    section = document.sections[0]
    for footer in (section.footer, section.even_page_footer):
        para = footer.paragraphs[0]
        assert para.text == "— 1 —"  # the PAGE field's cached result between the dashes
        xml = para._p.xml
        assert "PAGE" in xml and 'w:fldCharType="begin"' in xml
        assert all(_fonts(r._element.rPr)["eastAsia"] == "宋体" for r in para.runs if r.text)
        assert para.runs[0].font.size == Pt(14)


def test_charts_are_embedded_pictures(document: docx.document.Document) -> None:
    assert len(document.inline_shapes) == 3  # trend, coverage, children
    plain = build_docx(sample_report(), with_charts=False)
    assert len(plain.inline_shapes) == 0


def test_an_empty_report_builds(tmp_path: Path) -> None:
    out = io.BytesIO()
    write_docx(sample_report(empty=True), out)
    doc = docx.Document(io.BytesIO(out.getvalue()))
    texts = [p.text for p in doc.paragraphs]
    assert "本期尚未填写工作总结。" in texts
    assert len(doc.inline_shapes) == 1  # only the trend (zeros); no children, no hosts


def test_english_report(tmp_path: Path) -> None:
    doc = build_docx(sample_report(lang="en"), with_charts=False)
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "1. Narrative"
    assert doc.tables[0].rows[0].cells[0].text == "Metric"
