"""The demo's report bundle: the municipal association's report in every built-in format and
each county's and zone's quarterly report, written by the same exporters as
``kexie report build``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from ..documents.assemble import assemble_report, assemble_reports
from ..documents.exporters import default_filename, resolve_exporter, write_report
from ..model.period import Period
from ..workspace import Workspace

CITY_FORMATS = ("docx", "xlsx", "html", "md", "json")
COUNTY_FORMATS = ("docx",)


@dataclass(frozen=True)
class Bundle:
    folder: Path
    files: list[Path]
    failed: list[str]


def latest_quarter(today: date) -> Period:
    """The latest quarter whose reporting deadline (10 days after its end) has passed."""
    quarter = Period.containing(today, "quarter").previous()
    return quarter if quarter.end + timedelta(days=10) < today else quarter.previous()


def write_bundle(ws: Workspace, folder: Path, *, today: date, lang: str = "zh") -> Bundle:
    """Write the bundle into ``folder``; returns the files written and any format that failed."""
    host = ws.plugins
    root = ws.as_root()
    files: list[Path] = []
    failed: list[str] = []
    year = Period.containing(today, "year")
    city = assemble_report(root, year)
    for fmt in CITY_FORMATS:
        exporter = resolve_exporter(host, fmt)
        path = folder / default_filename(city, exporter)
        if write_report(host, exporter, city, path, lang=lang):
            files.append(path)
        else:
            failed.append(str(path))
    quarter = latest_quarter(today)
    codes = [u.code for u in root.units(max_depth=1) if u.kind in ("county", "zone")]
    for report in assemble_reports(root, quarter, codes):
        for fmt in COUNTY_FORMATS:
            exporter = resolve_exporter(host, fmt)
            path = folder / "counties" / default_filename(report, exporter)
            if write_report(host, exporter, report, path, lang=lang):
                files.append(path)
            else:
                failed.append(str(path))
    return Bundle(folder, files, failed)
