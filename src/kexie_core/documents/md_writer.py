"""The report as Markdown (GitHub-flavoured tables), for embedding in a wiki, a README or a chat.

Same sections as the other formats; charts are left out (the tables carry the same figures).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from .model import MetricRow, ReportData
from .text import heading, number, t


def _cell(text: str) -> str:
    # A pipe ends a cell and a newline ends a row: escape the one, fold the other.
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[bool]) -> str:
    head = "| " + " | ".join(_cell(h) for h in headers) + " |"
    rule = "|" + "|".join("---:" if n else "---" for n in numeric) + "|"
    body = ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join([head, rule, *body])


def _metric_table(rows: Sequence[MetricRow], lang: str) -> str:
    headers = [t(k, lang) for k in ("metric", "measure", "own", "value", "target", "achievement")]
    cells = [
        [
            m.label,
            m.measure,
            number(m.own, percent=m.percent),
            number(m.value, percent=m.percent),
            number(m.target, percent=m.percent),
            number(m.achievement, percent=True),
        ]
        for m in rows
    ]
    return _table(headers, cells, [False, False, True, True, True, True])


def render_markdown(report: ReportData) -> str:
    lang = report.lang
    out: list[str] = [f"# {report.title}", ""]
    out += [
        f"- {t('unit', lang)}：{report.unit.name}（{report.unit.code}，{report.unit.kind_label}）",
        f"- {t('period', lang)}：{report.period_label}（{report.period}）",
        f"- {t('generated', lang)}：{report.generated_at:%Y-%m-%d %H:%M}",
        "",
    ]
    n = 0

    def h2(key: str) -> None:
        nonlocal n
        n += 1
        out.extend([f"## {heading(1, n, t(key, lang), lang)}", ""])

    h2("narrative")
    text = (report.narrative or "").strip() or t("no_narrative", lang)
    for para in text.splitlines():
        if para.strip():
            out.extend([para.strip(), ""])

    h2("headline")
    out.extend([_metric_table(report.headline, lang), ""])
    if report.trend and report.trend[0].points:
        periods = [p.label for p in report.trend[0].points]
        rows = [
            [s.label, *(number(p.value, percent=s.percent) for p in s.points)]
            for s in report.trend
            if len(s.points) == len(periods)
        ]
        out.extend([f"**{t('trend', lang)}**", ""])
        out.extend([_table([t("metric", lang), *periods], rows, [False, *[True] * len(periods)])])
        out.append("")

    h2("sections")
    for i, s in enumerate(report.sections, start=1):
        title = f"{s.area} {s.title}" if lang == "en" else s.title
        out.extend([f"### {heading(2, i, title, lang)}", "", t("work_count", lang, n=s.work_items)])
        out.append("")
        out.extend([_metric_table(s.metrics, lang) if s.metrics else t("no_metrics", lang), ""])

    h2("coverage")
    out.append(
        _table(
            [t(k, lang) for k in ("category", "hosts", "covered", "rate")],
            [
                [c.label, number(c.hosts), number(c.covered), number(c.rate, percent=True)]
                for c in report.coverage
            ],
            [False, True, True, True],
        )
    )
    out.append("")

    h2("children")
    table = report.children
    if table.rows:
        out.append(
            _table(
                [t("unit", lang), t("unit_kind", lang), *(c.label for c in table.columns)],
                [
                    [
                        r.unit.name,
                        r.unit.kind_label,
                        *(
                            number(v, percent=c.percent)
                            for v, c in zip(r.values, table.columns, strict=True)
                        ),
                    ]
                    for r in table.rows
                ],
                [False, False, *(True for _ in table.columns)],
            )
        )
    else:
        out.append(t("no_rows", lang))
    out.append("")

    h2("work_items")
    if report.work_items:
        out.append(
            _table(
                [t(k, lang) for k in ("date", "title", "kind", "organiser", "participants")],
                [
                    [
                        w.started_on.isoformat(),
                        w.title,
                        w.kind_label,
                        w.unit_name,
                        str(w.participants),
                    ]
                    for w in report.work_items
                ],
                [False, False, False, False, True],
            )
        )
    else:
        out.append(t("no_rows", lang))
    out.append("")
    return "\n".join(out)


def write_markdown(report: ReportData, out: str | Path | IO[bytes], **options: Any) -> None:
    """Exporter entry point: write the report as ``.md`` (UTF-8) to a path or binary file."""
    data = render_markdown(report).encode("utf-8")
    if isinstance(out, str | Path):
        Path(out).write_bytes(data)
    else:
        out.write(data)
