"""Charts as PNG pictures for DOCX and XLSX (matplotlib, Agg, a CJK font).

We never import ``pyplot`` nor call ``matplotlib.use``: a ``Figure`` renders through the Agg
canvas on its own, so the user's backend and configuration stay untouched. Font settings apply only
inside ``rc_context`` while a chart is drawn. The HTML page draws its own SVG charts
(``templates/``) so that its figures are text in the page, not pictures.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .fonts import cjk_font
from .model import Number, ReportData
from .text import number, t

#: Colours of the charts (the network's red, then muted companions).
PALETTE = ("#c0392b", "#2c6fbb", "#27ae60", "#8e44ad", "#d68910")
DPI = 150


@dataclass(frozen=True)
class Chart:
    """A rendered chart: PNG bytes, its size in inches and the texts drawn on it."""

    key: str
    title: str
    png: bytes
    width_in: float
    height_in: float
    texts: tuple[str, ...]


def _rc() -> Any:  # matplotlib types the keys as a Literal of every rc name
    font = cjk_font()
    return {
        "font.family": "sans-serif",
        "font.sans-serif": [font.family, "DejaVu Sans"],
        "axes.unicode_minus": False,  # the CJK font may lack U+2212
        "axes.spines.top": False,
        "axes.spines.right": False,
        "font.size": 9,
    }


def _render(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight")
    return buf.getvalue()


def _bars(
    key: str,
    title: str,
    names: Sequence[str],
    values: Sequence[Number | None],
    *,
    percent: bool,
) -> Chart:
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.ticker import PercentFormatter

    plain = [float(v or 0) for v in values]
    shown = [v * 100 for v in plain] if percent else plain
    height = max(1.6, 0.32 * len(names) + 0.9)
    labels = [number(v, percent=percent) for v in values]
    with matplotlib.rc_context(_rc()):
        fig = Figure(figsize=(6.0, height))
        ax = fig.add_subplot()
        rows = list(range(len(names)))[::-1]  # first name at the top
        ax.barh(rows, shown, color=PALETTE[0], height=0.6)
        ax.set_yticks(rows, labels=list(names))
        ax.set_title(title, loc="left", fontsize=10)
        top = max(shown, default=0.0)
        ax.set_xlim(0, 100 if percent and top <= 100 else max(top * 1.18, 1.0))
        for y, x, text in zip(rows, shown, labels, strict=True):
            ax.text(x, y, f" {text}", va="center", fontsize=8)
        if percent:
            ax.xaxis.set_major_formatter(PercentFormatter())
        png = _render(fig)
    return Chart(key, title, png, 6.0, height, (title, *names, *labels))


def _trend(report: ReportData) -> Chart | None:
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    series = [s for s in report.trend if s.points][:3]
    if not series:
        return None
    title = t("trend", report.lang)
    texts: list[str] = [title]
    with matplotlib.rc_context(_rc()):
        fig = Figure(figsize=(6.0, 2.2))
        axes = fig.subplots(1, len(series), squeeze=False)[0]
        for i, (ax, s) in enumerate(zip(axes, series, strict=True)):
            xs = [p.period for p in s.points]  # 2026Q3 fits under a point; 2026年第三季度 not
            ys = [float(p.value or 0) * (100 if s.percent else 1) for p in s.points]
            ax.plot(xs, ys, marker="o", color=PALETTE[i % len(PALETTE)], linewidth=1.5)
            ax.set_title(s.label, fontsize=9)
            ax.tick_params(axis="x", labelrotation=45, labelsize=7)
            ax.set_ylim(bottom=0, top=max(max(ys, default=0) * 1.2, 1.0))
            if not s.percent:
                ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            texts += [s.label, *xs]
        fig.suptitle(title, x=0.02, ha="left", fontsize=10)
        png = _render(fig)
    return Chart("trend", title, png, 6.0, 2.2, tuple(texts))


def children_chart(report: ReportData) -> Chart | None:
    """Bars of each child unit's figure for the first column of the comparison table."""
    table = report.children
    if not table.rows or not table.columns:
        return None
    column = table.columns[0]
    title = f"{t('children', report.lang)}：{column.label}"
    names = [row.unit.name for row in table.rows]
    return _bars("children", title, names, table.column_values(column.key), percent=column.percent)


def coverage_chart(report: ReportData) -> Chart | None:
    """Bars of the coverage rate of each host category that has hosts."""
    rows = [r for r in report.coverage if r.hosts]
    if not rows:
        return None
    title = t("coverage", report.lang)
    return _bars("coverage", title, [r.label for r in rows], [r.rate for r in rows], percent=True)


@lru_cache(maxsize=4)
def report_charts(report: ReportData) -> tuple[Chart, ...]:
    """Every picture chart of a report, drawn once even when docx and xlsx are both written."""
    charts = (children_chart(report), coverage_chart(report), _trend(report))
    return tuple(c for c in charts if c is not None)
