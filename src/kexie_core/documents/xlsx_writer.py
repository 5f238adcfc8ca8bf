"""The report as an Excel workbook (xlsxwriter, constant memory).

One sheet per section of the report (report information, headline figures, metrics by area,
coverage, children's comparison, notable work items, trend, narrative), each a plain table: a
Chinese header in row 1, frozen, with an autofilter, and typed cells below it — numbers are
numbers, rates are fractions shown with a ``%`` format, dates are dates, and codes (unit codes,
metric keys, area numbers) are text so that ``371323`` or ``0001`` never turn into numbers.
Column widths are fitted to the text (CJK characters count double). Charts are Excel's own,
drawn from the sheet's cells, so the figures in a chart are the figures in the table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, Literal

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from .model import MetricRow, ReportData
from .text import display_width, t

CellKind = Literal["text", "code", "number", "percent", "date", "datetime", "wrap"]

#: The font Excel shows Chinese headers in; a missing font falls back to Excel's own choice.
FONT = "等线"
MAX_WIDTH = 60


@dataclass(frozen=True)
class XColumn:
    header: str
    kind: CellKind = "text"


@dataclass(frozen=True)
class Cell:
    """A value whose kind differs from its column's (a rate in a column of counts).

    Constant-memory mode writes each row once, in order, so a cell's format must be right the
    first time: it cannot be patched after the row is done.
    """

    value: Any
    kind: CellKind


class _Formats:
    def __init__(self, wb: Workbook) -> None:
        base = {"font_name": FONT, "font_size": 11, "valign": "vcenter"}
        self.header = wb.add_format(
            {**base, "bold": True, "bg_color": "#F2DCDB", "border": 1, "text_wrap": True}
        )
        self.text = wb.add_format(base)
        self.code = wb.add_format({**base, "num_format": "@"})  # text, also when retyped
        self.wrap = wb.add_format({**base, "text_wrap": True, "valign": "top"})
        self.integer = wb.add_format({**base, "num_format": "#,##0"})
        self.decimal = wb.add_format({**base, "num_format": "#,##0.00"})
        self.percent = wb.add_format({**base, "num_format": "0.0%"})
        self.date = wb.add_format({**base, "num_format": "yyyy-mm-dd"})
        self.datetime = wb.add_format({**base, "num_format": "yyyy-mm-dd hh:mm"})


def _width(value: Any, kind: CellKind) -> int:
    if isinstance(value, Cell):
        value, kind = value.value, value.kind
    if value is None:
        return 0
    if kind == "percent":
        return 8
    if kind == "date":
        return 11
    if kind == "datetime":
        return 17
    if kind == "number":
        return len(f"{value:,.2f}" if isinstance(value, float) else f"{value:,}")
    if kind == "wrap":
        return min(display_width(str(value)), MAX_WIDTH)
    return display_width(str(value))


def _write_cell(ws: Worksheet, r: int, c: int, value: Any, kind: CellKind, f: _Formats) -> None:
    if isinstance(value, Cell):
        value, kind = value.value, value.kind
    if value is None:
        ws.write_blank(r, c, None, f.text)
    elif kind == "number":
        is_int = isinstance(value, int) or float(value).is_integer()
        ws.write_number(r, c, value, f.integer if is_int else f.decimal)
    elif kind == "percent":
        ws.write_number(r, c, value, f.percent)
    elif kind == "date" and isinstance(value, date):
        ws.write_datetime(r, c, datetime(value.year, value.month, value.day), f.date)
    elif kind == "datetime" and isinstance(value, datetime):
        ws.write_datetime(r, c, value.replace(tzinfo=None), f.datetime)
    else:
        fmt = f.wrap if kind == "wrap" else f.code if kind == "code" else f.text
        ws.write_string(r, c, str(value), fmt)


def _sheet(
    wb: Workbook,
    f: _Formats,
    name: str,
    columns: Sequence[XColumn],
    rows: Sequence[Sequence[Any]],
) -> Worksheet:
    """A sheet holding one table: frozen header row, autofilter, typed cells, fitted widths."""
    ws = wb.add_worksheet(name)
    widths = [display_width(c.header) for c in columns]
    for values in rows:
        widths = [
            max(w, _width(v, c.kind)) for w, v, c in zip(widths, values, columns, strict=True)
        ]
    for i, width in enumerate(widths):
        ws.set_column(i, i, min(width, MAX_WIDTH) + 2)
    ws.freeze_panes(1, 0)
    for c, column in enumerate(columns):
        ws.write_string(0, c, column.header, f.header)
    for r, values in enumerate(rows, start=1):
        for c, (value, column) in enumerate(zip(values, columns, strict=True)):
            _write_cell(ws, r, c, value, column.kind, f)
    ws.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)
    return ws


def _metric_columns(lang: str) -> list[XColumn]:
    return [
        XColumn(t("metric", lang)),
        XColumn("指标代码" if lang == "zh" else "Metric key", "code"),
        XColumn(t("measure", lang)),
        XColumn(t("own", lang), "number"),
        XColumn(t("value", lang), "number"),
        XColumn(t("target", lang), "number"),
        XColumn(t("achievement", lang), "percent"),
    ]


def _metric_values(row: MetricRow) -> list[Any]:
    """A metric's cells; the own, total and target of a rate carry the percent format."""
    figures: list[Any] = [row.own, row.value, row.target]
    if row.percent:
        figures = [Cell(v, "percent") for v in figures]
    return [row.label, row.key, row.measure, *figures, row.achievement]


def _metric_sheet(
    wb: Workbook,
    f: _Formats,
    name: str,
    lead: Sequence[XColumn],
    rows: Sequence[tuple[Sequence[Any], MetricRow]],
    lang: str,
) -> Worksheet:
    columns = [*lead, *_metric_columns(lang)]
    return _sheet(wb, f, name, columns, [[*pre, *_metric_values(m)] for pre, m in rows])


def _bar_chart(
    wb: Workbook, ws: Worksheet, sheet: str, title: str, n: int, cat: int, val: int, pct: bool
) -> None:
    chart = wb.add_chart({"type": "bar"})
    chart.add_series(
        {
            "name": title,
            "categories": [sheet, 1, cat, n, cat],
            "values": [sheet, 1, val, n, val],
            "fill": {"color": "#C0392B"},
            "data_labels": {"value": True, "num_format": "0.0%" if pct else "#,##0"},
        }
    )
    chart.set_title({"name": title, "name_font": {"name": FONT, "size": 12}})
    chart.set_legend({"none": True})
    chart.set_y_axis({"reverse": True, "num_font": {"name": FONT}})
    chart.set_x_axis({"num_format": "0%" if pct else "#,##0", "min": 0})
    chart.set_size({"width": 640, "height": max(240, 26 * n + 90)})
    ws.insert_chart(n + 3, 1, chart)


def build_workbook(report: ReportData, out: str | Path | IO[bytes]) -> None:
    lang = report.lang
    # A file object cannot take constant-memory temp files, so it is built in memory instead.
    on_disk = isinstance(out, str | Path)
    wb = xlsxwriter.Workbook(
        str(out) if on_disk else out, {"constant_memory": on_disk, "in_memory": not on_disk}
    )
    wb.set_properties(
        {
            "title": report.title,
            "author": report.unit.name,
            "comments": report.generator,
            "created": report.generated_at.replace(tzinfo=None),
        }
    )
    f = _Formats(wb)
    zh = lang == "zh"

    info = [
        ("报告标题" if zh else "Title", report.title),
        (t("unit", lang), report.unit.name),
        (t("unit_code", lang), Cell(report.unit.code, "code")),
        (t("unit_kind", lang), report.unit.kind_label),
        (t("period", lang), report.period_label),
        ("期间代码" if zh else "Period key", Cell(str(report.period), "code")),
        (t("generated", lang), Cell(report.generated_at, "datetime")),
    ]
    _sheet(
        wb,
        f,
        "报告信息" if zh else "Report",
        [XColumn("项目" if zh else "Item"), XColumn("内容" if zh else "Value")],
        info,
    )

    _metric_sheet(wb, f, t("headline", lang), [], [((), m) for m in report.headline], lang)

    area_rows = [((s.area, s.title), m) for s in report.sections for m in s.metrics]
    _metric_sheet(
        wb,
        f,
        t("sections", lang),
        [XColumn("领域编号" if zh else "Area", "code"), XColumn(t("area", lang))],
        area_rows,
        lang,
    )

    name = t("coverage", lang)
    rows = [(c.category, c.label, c.hosts, c.covered, c.rate) for c in report.coverage]
    ws = _sheet(
        wb,
        f,
        name,
        [
            XColumn("类别代码" if zh else "Category key", "code"),
            XColumn(t("category", lang)),
            XColumn(t("hosts", lang), "number"),
            XColumn(t("covered", lang), "number"),
            XColumn(t("rate", lang), "percent"),
        ],
        rows,
    )
    if rows:
        _bar_chart(wb, ws, name, t("rate", lang), len(rows), 1, 4, True)

    name = t("children", lang)
    table = report.children
    columns = [
        XColumn(t("unit_code", lang), "code"),
        XColumn(t("unit", lang)),
        XColumn(t("unit_kind", lang)),
        *(
            XColumn(
                f"{c.label}（{c.measure}）" if c.measure and zh else c.label,
                "percent" if c.percent else "number",
            )
            for c in table.columns
        ),
    ]
    child_rows = [(r.unit.code, r.unit.name, r.unit.kind_label, *r.values) for r in table.rows]
    ws = _sheet(wb, f, name, columns, child_rows)
    if child_rows and table.columns:
        first = table.columns[0]
        _bar_chart(wb, ws, name, first.label, len(child_rows), 1, 3, first.percent)

    _sheet(
        wb,
        f,
        t("work_items", lang),
        [
            XColumn(t("date", lang), "date"),
            XColumn(t("title", lang)),
            XColumn(t("kind", lang)),
            XColumn("领域编号" if zh else "Area", "code"),
            XColumn(t("organiser", lang)),
            XColumn(t("participants", lang), "number"),
        ],
        [
            (w.started_on, w.title, w.kind_label, w.area, w.unit_name, w.participants)
            for w in report.work_items
        ],
    )

    _trend_sheet(wb, f, report)

    text = (report.narrative or "").strip() or t("no_narrative", lang)
    ws = _sheet(
        wb,
        f,
        t("narrative", lang),
        [XColumn(t("narrative", lang), "wrap")],
        [(line,) for line in text.splitlines() if line.strip()],
    )
    wb.close()


def _trend_sheet(wb: Workbook, f: _Formats, report: ReportData) -> None:
    lang = report.lang
    name = t("trend", lang)
    periods = [p.label for p in report.trend[0].points] if report.trend else []
    columns = [
        XColumn(t("metric", lang)),
        XColumn("指标代码" if lang == "zh" else "Metric key", "code"),
        XColumn(t("measure", lang)),
        *(XColumn(p, "number") for p in periods),
    ]
    rows = [
        (
            s.label,
            s.key,
            s.measure,
            *(Cell(p.value, "percent" if s.percent else "number") for p in s.points),
        )
        for s in report.trend
        if len(s.points) == len(periods)
    ]
    ws = _sheet(wb, f, name, columns, rows)
    if rows and periods:
        chart = wb.add_chart({"type": "line"})
        for r in range(1, len(rows) + 1):
            chart.add_series(
                {
                    "name": [name, r, 0],
                    "categories": [name, 0, 3, 0, 2 + len(periods)],
                    "values": [name, r, 3, r, 2 + len(periods)],
                    "marker": {"type": "circle"},
                }
            )
        chart.set_title({"name": name, "name_font": {"name": FONT, "size": 12}})
        chart.set_size({"width": 640, "height": 300})
        ws.insert_chart(len(rows) + 3, 1, chart)


def write_xlsx(report: ReportData, out: str | Path | IO[bytes], **options: Any) -> None:
    """Exporter entry point: write the report as ``.xlsx`` to a path or a binary file."""
    build_workbook(report, out)
