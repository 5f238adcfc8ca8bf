"""Report documents (报告文书): a unit's period report as Word, Excel, web page, Markdown, JSON.

>>> from kexie_core.documents import assemble_report, write_docx
>>> report = assemble_report(ws.as_unit("371323"), "2026Q3")   # figures from the metrics engine
>>> write_docx(report, "371323_2026Q3.docx")                    # GB/T 9704 layout

``assemble_report`` (or ``assemble_child_reports`` for every child of a unit) builds a
``ReportData`` once; every writer — built in or a plug-in's exporter — only lays it out. The
writers are imported lazily, so importing this package does not import python-docx, xlsxwriter
or matplotlib.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .assemble import (
    HEADLINE,
    ReportOptions,
    assemble_child_reports,
    assemble_report,
    assemble_reports,
)
from .exporters import UnknownFormat, default_filename, resolve_exporter, write_report
from .model import (
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

if TYPE_CHECKING:
    from .docx_writer import write_docx
    from .html_writer import write_html
    from .json_writer import write_json
    from .md_writer import write_markdown
    from .xlsx_writer import write_xlsx

_WRITERS = {
    "write_docx": "docx_writer",
    "write_xlsx": "xlsx_writer",
    "write_html": "html_writer",
    "write_markdown": "md_writer",
    "write_json": "json_writer",
}


def __getattr__(name: str) -> Any:
    if name in _WRITERS:
        from importlib import import_module

        return getattr(import_module(f".{_WRITERS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "HEADLINE",
    "ChildRow",
    "ChildTable",
    "Column",
    "CoverageRow",
    "MetricRow",
    "ReportData",
    "ReportOptions",
    "Section",
    "TrendPoint",
    "TrendSeries",
    "UnitInfo",
    "UnknownFormat",
    "WorkItemRow",
    "assemble_child_reports",
    "assemble_report",
    "assemble_reports",
    "default_filename",
    "resolve_exporter",
    "write_docx",
    "write_html",
    "write_json",
    "write_markdown",
    "write_report",
    "write_xlsx",
]
