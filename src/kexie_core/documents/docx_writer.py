"""The report as a Word document in the official-document layout (公文, GB/T 9704-2012).

``docx_layout`` sets the page, styles and fonts; this module lays the report's content out in the
order a county's work report follows: narrative, headline figures, every area, coverage, the
children's comparison, notable work items, then the issuing unit and date.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

import docx
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt

from . import charts as chart_module
from .docx_layout import (
    BODY_FONT,
    BODY_SIZE_PT,
    HEADING1_FONT,
    HEADING2_FONT,
    MARGIN_LEFT_MM,
    MARGIN_RIGHT_MM,
    PAGE_WIDTH_MM,
    STYLE_BODY,
    STYLE_HEADING1,
    STYLE_HEADING2,
    STYLE_PICTURE,
    STYLE_TABLE_TEXT,
    STYLE_TITLE,
    TABLE_SIZE_PT,
    TITLE_FONT,
    FontSpec,
    add_page_numbers,
    apply_layout,
    set_run_fonts,
)
from .model import MetricRow, Number, ReportData
from .text import display_width, heading, number, t

TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM


def _run(para: Any, text: str, font: FontSpec, *, bold: bool = False) -> Any:
    run = para.add_run(text)
    if bold:
        run.bold = True
    set_run_fonts(run._element.get_or_add_rPr(), font)
    return run


def _para(doc: DocxDocument, text: str, style: str, font: FontSpec) -> Any:
    para = doc.add_paragraph(style=style)
    _run(para, text, font)
    return para


def _repeat_header(row: Any) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _table(
    doc: DocxDocument,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    numeric: Sequence[bool],
) -> None:
    """A grid table with a Chinese header row repeated on every page and numbers right-aligned."""
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = _column_widths(headers, rows)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    header = table.rows[0]
    _repeat_header(header)
    # The style id is set on the XML directly: python-docx's ``paragraph.style = …`` looks the
    # default style up again for every cell, which made a table of 150 rows take a second.
    style_id = doc.styles[STYLE_TABLE_TEXT].style_id
    for cell, text, width in zip(header.cells, headers, widths, strict=True):
        cell.width = width
        para = cell.paragraphs[0]
        para._p.style = style_id
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(para, text, HEADING1_FONT)
    for values in rows:
        cells = table.add_row().cells
        for cell, text, is_number, width in zip(cells, values, numeric, widths, strict=True):
            cell.width = width
            para = cell.paragraphs[0]
            para._p.style = style_id
            if is_number:
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _run(para, text, BODY_FONT)
    doc.add_paragraph(style=STYLE_PICTURE)  # a blank line after the table


#: Millimetres per half-width cell at the table's 12 pt (0.65 em: Latin digits and ``%`` in a
#: serif face are wider than half a CJK character), and a cell's left + right margin.
_HALF_WIDTH_MM = TABLE_SIZE_PT * 0.65 * 25.4 / 72
_CELL_PADDING_MM = 4.0
#: Columns whose widest text is at most this many half-width cells (numbers, 计量单位) keep their
#: natural width; the long-text columns (names, titles) share what is left and may wrap.
_SHORT = 12


def _column_widths(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[Length]:
    """Column widths that fill the text block: short columns get exactly what their widest text
    needs (CJK counts double), so numbers and two-character headers never wrap; long columns
    share the rest in proportion to their text."""
    need = [display_width(h) for h in headers]
    for values in rows[:200]:  # a sample is enough to size columns, and keeps this cheap
        need = [max(n, display_width(v)) for n, v in zip(need, values, strict=True)]
    natural = [min(n, 40) * _HALF_WIDTH_MM + _CELL_PADDING_MM for n in need]
    short = [n <= _SHORT for n in need]
    fixed = sum(w for w, s in zip(natural, short, strict=True) if s)
    flexible = sum(w for w, s in zip(natural, short, strict=True) if not s)
    room = TEXT_WIDTH_MM - fixed
    if flexible and room >= flexible * 0.4:
        scale = room / flexible
        widths = [w if s else w * scale for w, s in zip(natural, short, strict=True)]
    else:  # all short, or too many columns: everything in proportion
        widths = [w * TEXT_WIDTH_MM / sum(natural) for w in natural]
    return [Mm(w) for w in widths]


def _metric_cells(row: MetricRow) -> list[str]:
    return [
        row.label,
        row.measure,
        number(row.own, percent=row.percent),
        number(row.value, percent=row.percent),
        number(row.target, percent=row.percent),
        number(row.achievement, percent=True),
    ]


def _metric_table(doc: DocxDocument, rows: Sequence[MetricRow], lang: str) -> None:
    headers = [t(k, lang) for k in ("metric", "measure", "own", "value", "target", "achievement")]
    _table(doc, headers, [_metric_cells(r) for r in rows], [False, False, True, True, True, True])


def _picture(doc: DocxDocument, chart: chart_module.Chart) -> None:
    para = doc.add_paragraph(style=STYLE_PICTURE)
    width = min(TEXT_WIDTH_MM - 6, chart.width_in * 25.4)
    para.add_run().add_picture(io.BytesIO(chart.png), width=Mm(width))


def _narrative(doc: DocxDocument, report: ReportData) -> None:
    text = (report.narrative or "").strip() or t("no_narrative", report.lang)
    for block in text.splitlines():
        if block.strip():
            _para(doc, block.strip(), STYLE_BODY, BODY_FONT)


def build_docx(report: ReportData, *, with_charts: bool = True) -> DocxDocument:
    """The report as a python-docx ``Document`` (call ``.save(path)``)."""
    lang = report.lang
    doc = docx.Document()
    apply_layout(doc)
    props = doc.core_properties
    props.title = report.title
    props.author = report.unit.name
    props.language = "zh-CN" if lang == "zh" else "en-GB"
    props.created = report.generated_at
    props.comments = report.generator

    _para(doc, report.title, STYLE_TITLE, TITLE_FONT)
    doc.add_paragraph(style=STYLE_TITLE)  # one blank line under the title, as the standard has
    scope = (
        f"统计期间：{report.period_label}；统计范围：{report.unit.name}（{report.unit.code}）"
        "及其所属单位。"
        if lang == "zh"
        else f"Period: {report.period_label}. Scope: {report.unit.name} ({report.unit.code}) "
        "and the units under it."
    )
    _para(doc, scope, STYLE_BODY, BODY_FONT)
    charts = {c.key: c for c in chart_module.report_charts(report)} if with_charts else {}

    n = 0

    def h1(key: str) -> None:
        nonlocal n
        n += 1
        _para(doc, heading(1, n, t(key, lang), lang), STYLE_HEADING1, HEADING1_FONT)

    h1("narrative")
    _narrative(doc, report)

    h1("headline")
    _metric_table(doc, report.headline, lang)
    if "trend" in charts:
        _picture(doc, charts["trend"])

    h1("sections")
    for i, section in enumerate(report.sections, start=1):
        title = f"{section.area} {section.title}" if lang == "en" else section.title
        _para(doc, heading(2, i, title, lang), STYLE_HEADING2, HEADING2_FONT)
        _para(doc, t("work_count", lang, n=section.work_items), STYLE_BODY, BODY_FONT)
        if section.metrics:
            _metric_table(doc, section.metrics, lang)
        else:
            _para(doc, t("no_metrics", lang), STYLE_BODY, BODY_FONT)

    h1("coverage")
    _table(
        doc,
        [t(k, lang) for k in ("category", "hosts", "covered", "rate")],
        [
            [r.label, number(r.hosts), number(r.covered), number(r.rate, percent=True)]
            for r in report.coverage
        ],
        [False, True, True, True],
    )
    if "coverage" in charts:
        _picture(doc, charts["coverage"])

    h1("children")
    table = report.children
    if table.rows:
        headers = [t("unit", lang), *(c.label for c in table.columns)]
        rows = [
            [
                row.unit.name,
                *(_cell(v, c.percent) for v, c in zip(row.values, table.columns, strict=True)),
            ]
            for row in table.rows
        ]
        _table(doc, headers, rows, [False, *(True for _ in table.columns)])
        if "children" in charts:
            _picture(doc, charts["children"])
    else:
        _para(doc, t("no_rows", lang), STYLE_BODY, BODY_FONT)

    h1("work_items")
    if report.work_items:
        _table(
            doc,
            [t(k, lang) for k in ("date", "title", "kind", "organiser", "participants")],
            [
                [w.started_on.isoformat(), w.title, w.kind_label, w.unit_name, str(w.participants)]
                for w in report.work_items
            ],
            [False, False, False, False, True],
        )
    else:
        _para(doc, t("no_rows", lang), STYLE_BODY, BODY_FONT)

    _signature(doc, report)
    add_page_numbers(doc)
    return doc


def _cell(value: Number | None, percent: bool) -> str:
    return number(value, percent=percent)


def _signature(doc: DocxDocument, report: ReportData) -> None:
    """发文机关署名 and 成文日期, right-aligned four characters in from the edge."""
    doc.add_paragraph(style=STYLE_BODY)
    day = report.generated_at.date()
    date_text = f"{day.year}年{day.month}月{day.day}日" if report.lang == "zh" else day.isoformat()
    for text in (report.unit.name, date_text):
        para = _para(doc, text, STYLE_BODY, BODY_FONT)
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        para.paragraph_format.first_line_indent = Pt(0)
        para.paragraph_format.right_indent = Pt(BODY_SIZE_PT * 4)


def write_docx(report: ReportData, out: str | Path | IO[bytes], **options: Any) -> None:
    """Exporter entry point: write the report as ``.docx`` to a path or a binary file."""
    doc = build_docx(report, with_charts=options.get("charts", True))
    doc.save(out)  # type: ignore[arg-type]
