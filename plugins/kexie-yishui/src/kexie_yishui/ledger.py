"""The county's own work ledger (沂水县科协工作台账), an exporter of work items.

``kexie export work-items --format yishui-ledger --out 台账.xlsx`` hands ``write_ledger`` the
work items the acting unit may see (a ``RecordSet``: typed rows, oldest first). The workbook has
the layout the county office files, not kexie's generic one:

- sheet 工作台账: a title row, then 序号, 季度, 日期, 承办单位, 工作类别, 工作领域, 活动名称,
  参与人次, 学时, 事项编号, and a 合计 row;
- sheet 果树技术培训: the orchard trainings with their details (镇街, 村居, 品种, 培训农民).

Rows are streamed to disk as they come (xlsxwriter's constant-memory mode), so a large export
never sits in memory; totals are summed on the way and written as formulas with their values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from kexie_core import Area, Period

from .training import ORCHARD_TRAINING

if TYPE_CHECKING:
    from kexie_core.ledger.export import RecordSet

Out = str | Path | IO[bytes]

TITLE = ("沂水县科协工作台账", "Yishui county association: work ledger")
TRAINING_TITLE = ("沂水县果树技术培训台账", "Yishui county: orchard trainings")

# (field, Chinese header, English header, column width); ``no`` is the running number (序号).
LEDGER_COLUMNS: tuple[tuple[str, str, str, int], ...] = (
    ("no", "序号", "no.", 6),
    ("quarter", "季度", "quarter", 16),
    ("started_on", "日期", "date", 12),
    ("unit", "承办单位", "unit", 12),
    ("kind", "工作类别", "kind of work", 20),
    ("area", "工作领域", "area", 18),
    ("title", "活动名称", "title", 36),
    ("participants", "参与人次", "participants", 10),
    ("hours", "学时", "hours", 8),
    ("external_id", "事项编号", "item id", 16),
)
TRAINING_COLUMNS: tuple[tuple[str, str, str, int], ...] = (
    ("no", "序号", "no.", 6),
    ("started_on", "日期", "date", 12),
    ("township", "镇（街道）", "township", 14),
    ("village", "村（社区）", "village", 14),
    ("varieties", "品种", "varieties", 24),
    ("trainees", "培训农民", "farmers trained", 10),
    ("participants", "参与人次", "participants", 10),
    ("title", "活动名称", "title", 36),
    ("unit", "承办单位", "unit", 12),
)
TOTALS = {"participants", "hours", "trainees"}


@dataclass
class _Sheet:
    """One worksheet being streamed: its columns, next row and running totals."""

    sheet: Any
    columns: Sequence[tuple[str, str, str, int]]
    row: int = 2  # row 0 is the title, row 1 the headers
    totals: dict[str, float] = field(default_factory=dict)

    def append(self, values: dict[str, Any], formats: dict[str, Any]) -> None:
        values = {**values, "no": self.row - 1}
        for col, (name, *_) in enumerate(self.columns):
            value = values.get(name)
            if value is None or value == "":
                continue
            if isinstance(value, date):
                self.sheet.write_datetime(self.row, col, value, formats["date"])
            elif isinstance(value, int | float) and not isinstance(value, bool):
                self.sheet.write_number(self.row, col, value)
                if name in TOTALS:
                    self.totals[name] = self.totals.get(name, 0) + value
            else:  # always a string cell: never a formula or a number, whatever it looks like
                self.sheet.write_string(self.row, col, str(value), formats["text"])
        self.row += 1

    def finish(self, lang: str, formats: dict[str, Any]) -> None:
        """The 合计 row: a SUM formula per total column, with its value for viewers that do
        not calculate."""
        from xlsxwriter.utility import xl_rowcol_to_cell

        self.sheet.write_string(self.row, 0, "合计" if lang == "zh" else "total", formats["bold"])
        for col, (name, *_) in enumerate(self.columns):
            if name in TOTALS:
                first, last = xl_rowcol_to_cell(2, col), xl_rowcol_to_cell(self.row - 1, col)
                formula = f"=SUM({first}:{last})" if self.row > 2 else "=0"
                total = self.totals.get(name, 0)
                self.sheet.write_formula(self.row, col, formula, formats["bold"], total)


def _start_sheet(book: Any, name: str, title: str, columns: Any, lang: str, fmt: Any) -> _Sheet:
    sheet = book.add_worksheet(name)
    for col, (_, _, en, width) in enumerate(columns):
        sheet.set_column(col, col, width if lang == "zh" else max(width, len(en) + 2))
    sheet.merge_range(0, 0, 0, len(columns) - 1, title, fmt["title"])
    sheet.write_row(1, 0, [zh if lang == "zh" else en for _, zh, en, _ in columns], fmt["bold"])
    sheet.freeze_panes(2, 0)
    return _Sheet(sheet, columns)


def write_ledger(records: RecordSet, out: Out, *, lang: str = "zh", **_: Any) -> int:
    """Write work items in the county's layout; returns the number of work items written.

    :raises ValueError: the records are not work items (the ledger lists only those).
    """
    if records.kind != "work-items":
        raise ValueError(
            f"沂水县工作台账只能导出工作事项（work-items），不能导出 {records.kind} / the Yishui "
            f"ledger exports work-items only, not {records.kind}"
        )
    import xlsxwriter  # imported when writing, so loading the plug-in stays cheap

    zh = lang == "zh"
    kind_labels = records.labels.get("kind", {}) if zh else {}
    book = xlsxwriter.Workbook(
        str(out) if isinstance(out, Path) else out,
        {
            "constant_memory": True,
            "in_memory": not isinstance(out, str | Path),
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    try:
        formats = {
            "title": book.add_format({"bold": True, "font_size": 14, "align": "center"}),
            "bold": book.add_format({"bold": True, "bg_color": "#E2EFDA", "border": 1}),
            "date": book.add_format({"num_format": "yyyy-mm-dd"}),
            "text": book.add_format({"num_format": "@"}),
        }
        ledger = _start_sheet(
            book,
            "工作台账" if zh else "ledger",
            TITLE[0 if zh else 1],
            LEDGER_COLUMNS,
            lang,
            formats,
        )
        trainings = _start_sheet(
            book,
            "果树技术培训" if zh else "orchard trainings",
            TRAINING_TITLE[0 if zh else 1],
            TRAINING_COLUMNS,
            lang,
            formats,
        )
        count = 0
        for row in records:
            started: date = row["started_on"]
            quarter = Period.containing(started, "quarter")
            ledger.append(
                {
                    **row,
                    "quarter": quarter.label_zh if zh else str(quarter),
                    "kind": kind_labels.get(row["kind"], row["kind"]),
                    "area": Area(row["area"]).label(lang),
                },
                formats,
            )
            if row["kind"] == ORCHARD_TRAINING:
                details = row.get("details") or {}
                trainings.append(
                    {**row, **details, "varieties": "、".join(details.get("varieties", []))},
                    formats,
                )
            count += 1
        ledger.finish(lang, formats)
        trainings.finish(lang, formats)
        return count
    finally:
        book.close()
