"""The report as one self-contained web page (HTML with inline CSS and inline SVG charts).

Nothing is fetched: no script, no stylesheet, no font, no picture file. A Content-Security-Policy
meta tag (``default-src 'none'; style-src 'unsafe-inline'; img-src data:``) makes any request the
page might ever try fail visibly in a browser, which is how the test proves it is whole. Fonts
come from the reader's system (a stack of common Chinese UI fonts ending in Noto Sans CJK SC);
the layout is one column that reflows on a phone, with wide tables scrolling on their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

import jinja2

from . import svg
from .model import Number, ReportData
from .text import number, t

TEMPLATE = "report.html.j2"


@lru_cache(maxsize=8)
def environment(extra_paths: tuple[str, ...] = ()) -> jinja2.Environment:
    """The Jinja environment of the built-in templates; ``extra_paths`` come first, so a
    plug-in's folder can hold its own ``report.html.j2`` and still import ``charts.j2``."""
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(p) for p in extra_paths]
    loaders.append(jinja2.PackageLoader("kexie_core.documents", "templates"))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def context(report: ReportData) -> dict[str, Any]:
    """What the templates see: the report, its chart geometry and two helpers."""
    lang = report.lang

    def text(key: str, **kwargs: object) -> str:
        return t(key, lang, **kwargs)

    def fmt(value: Number | None, percent: bool = False) -> str:
        return number(value, percent=percent)

    narrative: Sequence[str] = [
        line.strip() for line in (report.narrative or "").splitlines() if line.strip()
    ] or [t("no_narrative", lang)]
    return {
        "report": report,
        "html_lang": "zh-CN" if lang == "zh" else "en",
        "t": text,
        "fmt": fmt,
        "narrative": narrative,
        "generated": report.generated_at.strftime("%Y-%m-%d %H:%M"),
        "children_chart": svg.children_bars(report.children, t("children", lang)),
        "gauges": svg.gauges([c for c in report.coverage if c.hosts]),
        "trend": svg.line_charts(report.trend),
    }


def render_html(
    report: ReportData, *, template: str = TEMPLATE, extra_paths: Sequence[str] = ()
) -> str:
    """The page as text."""
    env = environment(tuple(str(p) for p in extra_paths))
    return env.get_template(template).render(**context(report))


def write_html(report: ReportData, out: str | Path | IO[bytes], **options: Any) -> None:
    """Exporter entry point: write the report as ``.html`` (UTF-8) to a path or binary file."""
    data = render_html(report).encode("utf-8")
    if isinstance(out, str | Path):
        Path(out).write_bytes(data)
    else:
        out.write(data)
