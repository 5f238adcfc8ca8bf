"""Writing a ``RecordSet`` as CSV, JSON or XLSX (the built-in record exporters).

- Headers follow ``lang``: Chinese (the default) or the English field names. With Chinese
  headers vocabularies are written as their Chinese labels (县区科协, 博士, 是/否); with English
  ones as their keys. The importer reads both back.
- CSV: UTF-8 with a BOM when written to a file (Excel needs it); text that a spreadsheet would
  run as a formula (``=``, ``+``, ``-``, ``@``) gets a leading apostrophe.
- XLSX (xlsxwriter, constant memory: rows go to disk as they come): header row frozen; codes, ID,
  phone and credit-code columns are text cells (Excel destroys long numbers), dates are date
  cells, counts and hours numbers; strings are never turned into formulas.
- JSON: a list of objects with English keys and keys of vocabularies, one object per line, so that
  it streams both ways.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from .columns import TEXT_TYPES, ColumnSpec, ColumnType
from .export import RecordSet
from .safety import neutralise

Out = str | Path | IO[bytes]


@contextmanager
def _binary(out: Out) -> Iterator[IO[bytes]]:
    if isinstance(out, str | Path):
        with Path(out).open("wb") as handle:
            yield handle
    else:
        yield out


def _label(spec: ColumnSpec, value: Any, lang: str, records: RecordSet) -> Any:
    if value is None:
        return None
    if spec.type is ColumnType.ENUM and spec.vocab is not None and lang == "zh":
        try:
            return spec.vocab(value).label_zh
        except ValueError:
            return value
    if spec.type is ColumnType.WORK_KIND and lang == "zh":
        return records.labels.get(spec.name, {}).get(value, value)
    return value


def cell_text(spec: ColumnSpec, value: Any, lang: str, records: RecordSet) -> str:
    """A value as CSV text (before formula neutralising)."""
    value = _label(spec, value, lang, records)
    if value is None:
        return ""
    if isinstance(value, bool):
        if lang == "zh":
            return "是" if value else "否"
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and spec.type is not ColumnType.FLOAT:
        return str(int(value))
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False) if value else ""
    return str(value)


def write_csv(
    records: RecordSet, out: Out, *, lang: str = "zh", bom: bool | None = None, **_: Any
) -> int:
    """Write ``records`` as CSV; returns the number of records."""
    if bom is None:
        bom = isinstance(out, str | Path)
    count = 0
    with _binary(out) as handle:
        if bom:
            handle.write(codecs.BOM_UTF8)
        text = io.TextIOWrapper(handle, encoding="utf-8", newline="", write_through=True)
        try:
            writer = csv.writer(text)
            writer.writerow([neutralise(h) for h in records.headers(lang)])
            columns = records.columns
            for row in records:
                cells = []
                for spec in columns:
                    value = row.get(spec.name)
                    rendered = cell_text(spec, value, lang, records)
                    is_number = isinstance(value, int | float) and not isinstance(value, bool)
                    cells.append(rendered if is_number else neutralise(rendered))
                writer.writerow(cells)
                count += 1
            text.flush()
        finally:
            text.detach()
    return count


def _json_default(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def write_json(records: RecordSet, out: Out, **_: Any) -> int:
    """Write ``records`` as a JSON list, one object per line; returns the number of records."""
    count = 0
    with _binary(out) as handle:
        handle.write(b"[")
        for row in records:
            line = json.dumps(row, ensure_ascii=False, default=_json_default)
            handle.write((",\n" if count else "\n").encode() + line.encode("utf-8"))
            count += 1
        handle.write(b"\n]\n")
    return count


def write_xlsx(records: RecordSet, out: Out, *, lang: str = "zh", **_: Any) -> int:
    """Write ``records`` as one typed, frozen-header sheet; returns the number of records."""
    import xlsxwriter

    target: Any = str(out) if isinstance(out, Path) else out
    book = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "in_memory": not isinstance(out, str | Path),
        },
    )
    try:
        sheet = book.add_worksheet(records.sheet_name(lang)[:31])
        bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        text = book.add_format({"num_format": "@"})
        day = book.add_format({"num_format": "yyyy-mm-dd"})
        columns = records.columns
        for i, spec in enumerate(columns):
            width = max(len(spec.header(lang)) * (2 if lang == "zh" else 1) + 2, 10)
            if spec.type in (ColumnType.ID_NUMBER, ColumnType.USCC):
                width = 22
            fmt = text if spec.type in TEXT_TYPES else day if spec.type is ColumnType.DATE else None
            sheet.set_column(i, i, width, fmt)
        sheet.write_row(0, 0, records.headers(lang), bold)
        sheet.freeze_panes(1, 0)
        count = 0
        for r, row in enumerate(records, start=1):
            for c, spec in enumerate(columns):
                _write_cell(sheet, r, c, spec, row.get(spec.name), lang, records, text, day)
            count = r
        return count
    finally:
        book.close()


def _write_cell(
    sheet: Any,
    r: int,
    c: int,
    spec: ColumnSpec,
    value: Any,
    lang: str,
    records: RecordSet,
    text: Any,
    day: Any,
) -> None:
    if value is None or value == "" or value == [] or value == {}:
        return
    if spec.type is ColumnType.DATE and isinstance(value, date):
        sheet.write_datetime(r, c, value, day)
    elif spec.type in (ColumnType.INT, ColumnType.FLOAT) and isinstance(value, int | float):
        sheet.write_number(r, c, value)
    elif isinstance(value, bool) and lang != "zh":
        sheet.write_boolean(r, c, value)
    else:
        # Written as a string cell: never a formula, a number or a date, whatever it looks like.
        sheet.write_string(r, c, cell_text(spec, value, lang, records), text)


def stdout_binary() -> IO[bytes]:
    return sys.stdout.buffer
