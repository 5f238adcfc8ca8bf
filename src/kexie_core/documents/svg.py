"""Geometry of the HTML page's SVG charts, computed here and drawn by ``templates/charts.j2``.

The page's charts are SVG written into the page itself, with their labels and figures as real
text: no script, no picture file, no web font, so the page makes no request at all and a reader
(or a test) finds every figure in the page's text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .model import ChildTable, CoverageRow, Number, TrendSeries
from .text import display_width, number

BAR_HEIGHT = 22
BAR_GAP = 8
CHART_WIDTH = 640


@dataclass(frozen=True)
class Bar:
    y: float
    width: float
    label: str
    value_text: str


@dataclass(frozen=True)
class BarChart:
    title: str
    width: int
    height: int
    label_width: int
    plot_width: int
    bars: tuple[Bar, ...]


def bar_chart(
    title: str, labels: Sequence[str], values: Sequence[Number | None], *, percent: bool
) -> BarChart:
    """Horizontal bars, longest value = the full plot width (100 % for rates)."""
    label_width = min(max((display_width(s) for s in labels), default=4) * 7 + 12, 260)
    plot_width = CHART_WIDTH - label_width - 70
    plain = [float(v or 0) for v in values]
    top = 1.0 if percent else max(plain, default=0.0)
    scale = plot_width / top if top > 0 else 0.0
    bars = tuple(
        Bar(
            y=i * (BAR_HEIGHT + BAR_GAP),
            width=round(min(v, top) * scale, 1) if top > 0 else 0.0,
            label=label,
            value_text=number(raw, percent=percent),
        )
        for i, (label, v, raw) in enumerate(zip(labels, plain, values, strict=True))
    )
    height = max(len(bars), 1) * (BAR_HEIGHT + BAR_GAP)
    return BarChart(title, CHART_WIDTH, height, label_width, plot_width, bars)


def children_bars(table: ChildTable, title: str) -> BarChart | None:
    if not table.rows or not table.columns:
        return None
    column = table.columns[0]
    return bar_chart(
        f"{title}：{column.label}",
        [r.unit.name for r in table.rows],
        table.column_values(column.key),
        percent=column.percent,
    )


@dataclass(frozen=True)
class Gauge:
    """A ring whose coloured arc is the coverage rate (``dash`` of ``circumference``)."""

    label: str
    rate_text: str
    detail: str
    dash: float
    circumference: float


RADIUS = 34


def gauges(rows: Sequence[CoverageRow]) -> tuple[Gauge, ...]:
    circumference = round(2 * math.pi * RADIUS, 2)
    return tuple(
        Gauge(
            label=r.label,
            rate_text=number(r.rate, percent=True),
            detail=f"{r.covered}/{r.hosts}",
            dash=round(circumference * min(max(r.rate or 0.0, 0.0), 1.0), 2),
            circumference=circumference,
        )
        for r in rows
    )


@dataclass(frozen=True)
class LinePoint:
    x: float
    y: float
    label: str
    value_text: str


@dataclass(frozen=True)
class LineChart:
    title: str
    width: int
    height: int
    baseline: float
    points: tuple[LinePoint, ...]

    @property
    def path(self) -> str:
        return " ".join(f"{p.x},{p.y}" for p in self.points)


def line_charts(series: Sequence[TrendSeries], limit: int = 3) -> tuple[LineChart, ...]:
    """One small line chart per series (different measures never share an axis)."""
    width, height, pad_x, top, bottom = 300, 150, 24, 22, 40
    out = []
    for s in [s for s in series if s.points][:limit]:
        values = [float(p.value or 0) for p in s.points]
        high = max(values, default=0.0) or 1.0
        step = (width - 2 * pad_x) / max(len(values) - 1, 1)
        base = height - bottom
        points = tuple(
            LinePoint(
                x=round(pad_x + i * step, 1),
                y=round(base - (v / high) * (base - top), 1),
                label=p.period,  # 2026Q3 fits under a point; 2026年第三季度 would overlap
                value_text=number(p.value, percent=s.percent),
            )
            for i, (p, v) in enumerate(zip(s.points, values, strict=True))
        )
        out.append(LineChart(s.label, width, height, base, points))
    return tuple(out)
