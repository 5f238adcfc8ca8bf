"""Finding the exporter for a report format and writing a report file with it.

``--format`` names an exporter that can export ``"report"``. Three ways match, in order:

1. the exporter's own key (``report-docx``, or a plug-in's ``yishui-docx``);
2. the short name of a built-in: ``docx`` → ``report-docx`` (keys are unique across all
   exporters, and ``kexie export`` already owns ``csv``/``json``/``xlsx`` for records);
3. a file suffix that exactly one report exporter has (``docx`` → the one ``.docx`` writer),
   so a county that replaces the built-ins still answers to ``--format docx``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from ..plugin.contributions import Exporter
from ..plugin.host import PluginHost
from .model import ReportData

TARGET = "report"
PREFIX = "report-"


class UnknownFormat(ValueError):
    """No report exporter answers to the format asked for."""


def report_exporters(host: PluginHost) -> list[Exporter]:
    return [e for e in host.exporters() if TARGET in e.exports]


def format_names(exporters: Iterable[Exporter]) -> list[str]:
    """The names ``--format`` accepts: short names of built-ins, then every key."""
    names: list[str] = []
    for e in exporters:
        names.append(e.key.removeprefix(PREFIX))
    return names


def resolve_exporter(host: PluginHost, fmt: str) -> Exporter:
    wanted = fmt.strip().lower().lstrip(".")
    exporters = report_exporters(host)
    by_key = {e.key: e for e in exporters}
    for key in (wanted, PREFIX + wanted):
        if key in by_key:
            return by_key[key]
    by_suffix = [e for e in exporters if e.suffix.lower().lstrip(".") == wanted]
    if len(by_suffix) == 1:
        return by_suffix[0]
    known = ", ".join(format_names(exporters)) or "none"
    if by_suffix:
        keys = ", ".join(e.key for e in by_suffix)
        raise UnknownFormat(f"several report exporters write .{wanted} ({keys}); name one of them")
    raise UnknownFormat(f"no report exporter for format {fmt!r}; available: {known}")


_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)


def default_filename(report: ReportData, exporter: Exporter) -> str:
    """``371323_2026Q3.docx``: unit code and period, safe on every file system."""
    stem = _UNSAFE.sub("_", f"{report.unit.code}_{report.period}").strip("_")
    suffix = exporter.suffix if exporter.suffix.startswith(".") else f".{exporter.suffix}"
    return stem + suffix


def write_report(
    host: PluginHost, exporter: Exporter, report: ReportData, path: Path, **options: object
) -> bool:
    """Write ``report`` to ``path`` with ``exporter``; False when the exporter failed.

    The file appears only when complete: the exporter writes a temporary file beside it, which
    is renamed into place on success and removed on failure, so a failing plug-in never leaves a
    half-written report (or clobbers the last good one). A failure is recorded against the
    exporter's plug-in (``PluginHost.guard``), which the CLI reports.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.part")
    with host.guard(exporter.plugin, f"exporter {exporter.key}") as guard:
        # A path, not an open file: xlsxwriter then streams rows in constant memory.
        exporter.write(report, partial, **options)
    if not guard.failed and not partial.exists():
        guard.failed = True
        host.record_failure(
            exporter.plugin, f"exporter {exporter.key}", RuntimeError("it wrote no file")
        )
    if guard.failed:
        partial.unlink(missing_ok=True)
        return False
    os.replace(partial, path)
    return True
