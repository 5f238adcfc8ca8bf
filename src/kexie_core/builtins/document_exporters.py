"""Built-in report exporters (报告导出): Word, Excel, web page, Markdown and JSON.

Each is registered through ``kexie_register_exporters`` like any county's own layout. Their keys
are ``report-<format>`` because exporter keys are unique across every target and the record
exporters of ``kexie export`` already use ``csv``/``json``/``xlsx``; ``kexie report build
--format docx`` finds ``report-docx`` from the short name (see ``kexie_core.documents.exporters``).

A plug-in adds a layout the same way::

    from kexie_core import hookimpl
    from kexie_core.plugin import Exporter

    def write_yishui(report, out, **options):   # report: kexie_core.documents.ReportData
        ...

    @hookimpl
    def kexie_register_exporters():
        return [Exporter("yishui-docx", "沂水县科协报告模板", "Yishui report template", ".docx",
                         frozenset({"report"}), write_yishui)]

and is used with ``kexie report build --format yishui-docx``. The writers are imported only when
a report is written, so loading the plug-ins stays cheap.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from ..plugin.contributions import Exporter
from ..plugin.hookspecs import hookimpl

Out = str | Path | IO[bytes]


def _docx(report: Any, out: Out, **options: Any) -> None:
    from ..documents.docx_writer import write_docx

    write_docx(report, out, **options)


def _xlsx(report: Any, out: Out, **options: Any) -> None:
    from ..documents.xlsx_writer import write_xlsx

    write_xlsx(report, out, **options)


def _html(report: Any, out: Out, **options: Any) -> None:
    from ..documents.html_writer import write_html

    write_html(report, out, **options)


def _md(report: Any, out: Out, **options: Any) -> None:
    from ..documents.md_writer import write_markdown

    write_markdown(report, out, **options)


def _json(report: Any, out: Out, **options: Any) -> None:
    from ..documents.json_writer import write_json

    write_json(report, out, **options)


REPORT = frozenset({"report"})

EXPORTERS: tuple[Exporter, ...] = (
    Exporter(
        "report-docx",
        "Word 公文（GB/T 9704-2012 版式）",
        "Word, official document layout (GB/T 9704-2012)",
        ".docx",
        REPORT,
        _docx,
        "A4, 仿宋 body and 小标宋 title, 22 lines of 28 characters, page numbers — 1 —.",
    ),
    Exporter(
        "report-xlsx",
        "Excel 工作簿（每节一表）",
        "Excel workbook, one sheet per section",
        ".xlsx",
        REPORT,
        _xlsx,
        "Chinese headers, frozen header row, typed cells, native charts.",
    ),
    Exporter(
        "report-html",
        "独立网页（内嵌图表）",
        "Self-contained web page with charts",
        ".html",
        REPORT,
        _html,
        "One file, no network requests, readable on a phone.",
    ),
    Exporter(
        "report-md",
        "Markdown 文本",
        "Markdown",
        ".md",
        REPORT,
        _md,
        "GitHub-flavoured tables, for wikis and messages.",
    ),
    Exporter(
        "report-json",
        "JSON 数据（附 JSON Schema）",
        "JSON following the documented schema",
        ".json",
        REPORT,
        _json,
        "kexie_core/documents/schema/report.schema.json",
    ),
)


@hookimpl(trylast=True)
def kexie_register_exporters() -> list[Exporter]:
    return list(EXPORTERS)
