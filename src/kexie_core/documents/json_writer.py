"""The report as JSON, following the JSON Schema shipped beside it (``schema/report.schema.json``).

Keys are English and stable; labels are in the report's language. Rates (``percent: true``,
``achievement``, coverage ``rate``) are fractions: 0.625 means 62.5 %. ``report_from_dict`` reads
the JSON back into a ``ReportData``, so a report built elsewhere can be laid out by any writer.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import IO, Any

from ..model.period import Period
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

FORMAT = "kexie-report"
VERSION = 1


def schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) every report document follows."""
    text = resources.files(__package__).joinpath("schema/report.schema.json").read_text("utf-8")
    return dict(json.loads(text))


def _unit(u: UnitInfo) -> dict[str, Any]:
    return {"code": u.code, "name": u.name, "kind": u.kind, "kind_label": u.kind_label}


def _metric(m: MetricRow) -> dict[str, Any]:
    return {
        "key": m.key,
        "label": m.label,
        "measure": m.measure,
        "percent": m.percent,
        "value": m.value,
        "own": m.own,
        "target": m.target,
        "achievement": m.achievement,
    }


def report_to_dict(report: ReportData) -> dict[str, Any]:
    columns = report.children.columns
    return {
        "format": FORMAT,
        "version": VERSION,
        "title": report.title,
        "lang": report.lang,
        "unit": _unit(report.unit),
        "period": str(report.period),
        "period_label": report.period_label,
        "generated_at": report.generated_at.isoformat(),
        "generator": report.generator,
        "headline": [_metric(m) for m in report.headline],
        "sections": [
            {
                "area": s.area,
                "title": s.title,
                "work_items": s.work_items,
                "metrics": [_metric(m) for m in s.metrics],
            }
            for s in report.sections
        ],
        "coverage": [
            {
                "category": c.category,
                "label": c.label,
                "hosts": c.hosts,
                "covered": c.covered,
                "rate": c.rate,
            }
            for c in report.coverage
        ],
        "children": {
            "columns": [
                {"key": c.key, "label": c.label, "measure": c.measure, "percent": c.percent}
                for c in columns
            ],
            "rows": [
                {
                    "unit": _unit(r.unit),
                    "values": {c.key: v for c, v in zip(columns, r.values, strict=True)},
                }
                for r in report.children.rows
            ],
        },
        "work_items": [
            {
                "started_on": w.started_on.isoformat(),
                "title": w.title,
                "kind_label": w.kind_label,
                "area": w.area,
                "unit_name": w.unit_name,
                "participants": w.participants,
            }
            for w in report.work_items
        ],
        "trend": [
            {
                "key": s.key,
                "label": s.label,
                "measure": s.measure,
                "percent": s.percent,
                "points": [
                    {"period": p.period, "label": p.label, "value": p.value} for p in s.points
                ],
            }
            for s in report.trend
        ],
        "narrative": report.narrative,
        "narrative_status": report.narrative_status,
    }


def _unit_from(d: dict[str, Any]) -> UnitInfo:
    return UnitInfo(d["code"], d["name"], d["kind"], d["kind_label"])


def _metric_from(d: dict[str, Any]) -> MetricRow:
    return MetricRow(
        d["key"],
        d["label"],
        d["measure"],
        d["value"],
        d.get("own"),
        d.get("target"),
        d.get("achievement"),
        d.get("percent", False),
    )


def report_from_dict(data: dict[str, Any]) -> ReportData:
    """The inverse of ``report_to_dict`` (for a document that passed the schema)."""
    if data.get("format") != FORMAT:
        raise ValueError(f"not a kexie report document (format is {data.get('format')!r})")
    columns = tuple(
        Column(c["key"], c["label"], c.get("measure", ""), c.get("percent", False))
        for c in data["children"]["columns"]
    )
    return ReportData(
        unit=_unit_from(data["unit"]),
        period=Period.parse(data["period"]),
        period_label=data["period_label"],
        lang=data["lang"],
        title=data["title"],
        generated_at=datetime.fromisoformat(data["generated_at"]),
        generator=data.get("generator", ""),
        headline=tuple(_metric_from(m) for m in data["headline"]),
        sections=tuple(
            Section(
                s["area"], s["title"], tuple(_metric_from(m) for m in s["metrics"]), s["work_items"]
            )
            for s in data["sections"]
        ),
        coverage=tuple(
            CoverageRow(c["category"], c["label"], c["hosts"], c["covered"], c.get("rate"))
            for c in data["coverage"]
        ),
        children=ChildTable(
            columns,
            tuple(
                ChildRow(_unit_from(r["unit"]), tuple(r["values"].get(c.key) for c in columns))
                for r in data["children"]["rows"]
            ),
        ),
        work_items=tuple(
            WorkItemRow(
                date.fromisoformat(w["started_on"]),
                w["title"],
                w["kind_label"],
                w["area"],
                w["unit_name"],
                w["participants"],
            )
            for w in data["work_items"]
        ),
        trend=tuple(
            TrendSeries(
                s["key"],
                s["label"],
                s["measure"],
                s["percent"],
                tuple(TrendPoint(p["period"], p["label"], p.get("value")) for p in s["points"]),
            )
            for s in data["trend"]
        ),
        narrative=data.get("narrative"),
        narrative_status=data.get("narrative_status"),
    )


def render_json(report: ReportData) -> str:
    return json.dumps(report_to_dict(report), ensure_ascii=False, indent=2) + "\n"


def write_json(report: ReportData, out: str | Path | IO[bytes], **options: Any) -> None:
    """Exporter entry point: write the report as ``.json`` (UTF-8) to a path or binary file."""
    data = render_json(report).encode("utf-8")
    if isinstance(out, str | Path):
        Path(out).write_bytes(data)
    else:
        out.write(data)
