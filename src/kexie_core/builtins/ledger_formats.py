"""Built-in ledger formats: CSV, XLSX and JSON importers and record exporters.

They are registered through ``kexie_register_importers`` and ``kexie_register_exporters``, the
same hooks a county's plug-in uses for its own legacy spreadsheet layout; read them as examples.
An importer's ``read(path, kind)`` yields ``(row number, {field: cell})``; a record exporter's
``write(records, out, lang=…)`` writes a ``kexie_core.ledger.RecordSet`` to a binary file or path.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from ..plugin.contributions import Exporter, Importer
from ..plugin.hookspecs import hookimpl

# Readers and writers are imported when a file is read or written, so that loading the plug-ins
# (every command does) stays cheap.


def read_csv(path: str | Path, kind: str) -> Any:
    from ..ledger.readers import read_csv

    return read_csv(path, kind)


def read_xlsx(path: str | Path, kind: str) -> Any:
    from ..ledger.readers import read_xlsx

    return read_xlsx(path, kind)


def read_json(path: str | Path, kind: str) -> Any:
    from ..ledger.readers import read_json

    return read_json(path, kind)


def write_csv(records: Any, out: str | Path | IO[bytes], **options: Any) -> int:
    from ..ledger.writers import write_csv

    return write_csv(records, out, **options)


def write_json(records: Any, out: str | Path | IO[bytes], **options: Any) -> int:
    from ..ledger.writers import write_json

    return write_json(records, out, **options)


def write_xlsx(records: Any, out: str | Path | IO[bytes], **options: Any) -> int:
    from ..ledger.writers import write_xlsx

    return write_xlsx(records, out, **options)


@hookimpl(trylast=True)
def kexie_register_importers() -> list[Importer]:
    return [
        Importer(
            "csv",
            "CSV 表格",
            "CSV",
            (".csv", ".txt", ".tsv"),
            read_csv,
            description="UTF-8 (with or without BOM), GB18030 or UTF-16; comma, tab or semicolon",
        ),
        Importer(
            "xlsx",
            "Excel 工作簿",
            "Excel workbook",
            (".xlsx", ".xlsm", ".xls", ".ods"),
            read_xlsx,
            description="the sheet named after the kind (members, 会员…), else the first",
        ),
        Importer(
            "json",
            "JSON",
            "JSON",
            (".json", ".jsonl"),
            read_json,
            description="a list of objects, or JSON Lines; keys are field names or headers",
        ),
    ]


@hookimpl(trylast=True)
def kexie_register_exporters() -> list[Exporter]:
    return [
        Exporter(
            "csv",
            "CSV 表格",
            "CSV",
            ".csv",
            frozenset({"records"}),
            write_csv,
            description="UTF-8 with BOM (opens in Excel); formulas neutralised",
        ),
        Exporter(
            "json",
            "JSON",
            "JSON",
            ".json",
            frozenset({"records"}),
            write_json,
            description="a list of objects with English keys, one per line",
        ),
        Exporter(
            "xlsx",
            "Excel 工作簿",
            "Excel workbook",
            ".xlsx",
            frozenset({"records"}),
            write_xlsx,
            description="typed cells, frozen header row; ID and phone numbers as text",
        ),
    ]
