"""Spreadsheet cells → values the input records accept (单元格转换).

Readers hand over cells as they are: text from CSV; numbers, dates and booleans from XLSX. This
module undoes what spreadsheets do to ledgers before the pydantic record validates them:

- Excel stores a code typed as ``371323`` as the number ``371323.0``: code columns get the text
  back. An ID number stored as a number has lost its last digits (Excel keeps 15 significant
  digits): that cell is refused with a message saying how to fix the column, never guessed.
- Blank cells are left out, so the record's default applies (and an existing record's field is
  cleared, see ``ledger.loaders``).
- A vocabulary label (``博士``, ``县区科协``) is looked up once in a table built per column, and a
  ``YYYY-MM-DD`` date is parsed directly; anything else is passed on for the model to parse and to
  explain. This is only a fast path: the model still validates every value.
- A personal number written masked (``371**************X``, as exports write it) is not a number
  to store: the field is reported as masked and left out.
- ``'=…`` is how exports neutralise a formula; the apostrophe is dropped again on the way in
  (``ledger.safety``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any

from ..model.enums import LabelledEnum
from .columns import ColumnType, KindColumns
from .messages import Message
from .safety import restore

#: Key under which a reader puts cells that have no header (see ``readers``).
EXTRA = "_extra"
#: Key a reader sets (to the file's encoding) on a row whose bytes did not decode.
BAD_ENCODING = "_bad_encoding"

_BOOL_WORDS = {
    "1": True,
    "true": True,
    "yes": True,
    "y": True,
    "是": True,
    "√": True,
    "✓": True,
    "有": True,
    "0": False,
    "false": False,
    "no": False,
    "n": False,
    "否": False,
    "×": False,
    "无": False,
}
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")
_MASKED_ID = re.compile(r"^[0-9]{3}\*{11,14}[0-9X]$")


class CellError(ValueError):
    """A cell that cannot be read as its column's value; carries both languages."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en


def _lost_digits(what_zh: str, what_en: str) -> CellError:
    return CellError(
        f"{what_zh}在 Excel 中被存成了数字，后几位已丢失；请把该列设为“文本”格式后重新录入",
        f"the {what_en} was stored as a number in Excel and has lost its last digits; format "
        "the column as text and type it again",
    )


def _number_text(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _text(value: Any) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        return _number_text(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _date(value: Any) -> Any:
    if isinstance(value, str):
        if len(value) == 10 and value[4] == "-" and value[7] == "-":
            try:
                return date.fromisoformat(value)
            except ValueError:
                return value  # the model names the impossible date
        return value
    if isinstance(value, datetime):
        return value.date()
    return value


def _list(value: Any) -> Any:
    # JSON ledgers give lists as lists; spreadsheets as text the record splits.
    return value if isinstance(value, list | tuple) else _text(value)


def _int(value: Any) -> Any:
    if isinstance(value, str) and value.endswith(".0") and value[:-2].isdigit():
        return value[:-2]
    return value


def _bool(value: Any) -> Any:
    if isinstance(value, str):
        return _BOOL_WORDS.get(value.lower(), value)
    if isinstance(value, int | float) and not isinstance(value, bool) and value in (0, 1):
        return bool(value)
    return value


def _enum(vocab: type[LabelledEnum]) -> Callable[[Any], Any]:
    table: dict[str, LabelledEnum] = {}
    for member in vocab:
        for text in (member.value, member.label_zh, member.label_en):
            table[text] = member
            table[text.lower()] = member
    for alias, key in vocab._aliases.items():
        if alias:
            table[alias] = vocab(key)

    def convert(value: Any) -> Any:
        if isinstance(value, str):
            return table.get(value) or table.get(value.lower()) or value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return _number_text(value)
        return value

    return convert


def _json(value: Any) -> Any:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise CellError(
                '不是有效的 JSON；请写成 {"键": 值} 的形式，例如 {"days": 2}',
                'not valid JSON; write an object such as {"days": 2}',
            ) from None
        if not isinstance(value, dict):
            raise CellError(
                '应为 JSON 对象，例如 {"days": 2}', 'expected a JSON object such as {"days": 2}'
            )
    return value


def _id_number(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = _number_text(value)
        # A 15-digit first-generation number survives as a number; 18 digits never do.
        if text.isdigit() and len(text) == 15:
            return text
        raise _lost_digits("身份证号", "ID number")
    if isinstance(value, str) and _SCIENTIFIC.match(value):
        raise _lost_digits("身份证号", "ID number")
    return _text(value)


def _phone(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _number_text(value)
    return _text(value)


def _uscc(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise _lost_digits("统一社会信用代码", "credit code")
    if isinstance(value, str) and _SCIENTIFIC.match(value):
        raise _lost_digits("统一社会信用代码", "credit code")
    return _text(value)


def _period(value: Any) -> Any:
    if isinstance(value, date):
        # Excel turns a typed "2026-07" into 1 July 2026.
        return f"{value.year:04d}-{value.month:02d}"
    return _text(value)


def _work_kind(kinds: Mapping[str, str]) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        text = _text(value)
        return kinds.get(text) or kinds.get(text.lower()) or text

    return convert


_BY_TYPE: dict[ColumnType, Callable[[Any], Any]] = {
    ColumnType.TEXT: _text,
    ColumnType.CODE: _text,
    ColumnType.DATE: _date,
    ColumnType.INT: _int,
    ColumnType.FLOAT: lambda v: v,
    ColumnType.BOOL: _bool,
    ColumnType.LIST: _list,
    ColumnType.JSON: _json,
    ColumnType.ID_NUMBER: _id_number,
    ColumnType.PHONE: _phone,
    ColumnType.USCC: _uscc,
    ColumnType.PERIOD: _period,
}


_TEXT_READY = frozenset(
    {ColumnType.TEXT, ColumnType.CODE, ColumnType.LIST, ColumnType.FLOAT, ColumnType.PHONE}
)
_NONE: frozenset[str] = frozenset()


class CellReader:
    """Turns one kind's raw rows into record input, built once per import.

    :param columns: the kind's columns.
    :param work_kinds: work kind labels (Chinese, English, key) → key, for ``work_kind``
        columns.
    :param restore_formulas: drop the apostrophe CSV exports put before formula-like text
        (``ledger.safety``); a JSON or XLSX file never has one.
    """

    def __init__(
        self,
        columns: KindColumns,
        work_kinds: Mapping[str, str] | None = None,
        *,
        restore_formulas: bool = True,
    ) -> None:
        self.columns = columns
        self.restore_formulas = restore_formulas
        # Per field: (conversion of a text cell or None when text is already what the record
        # takes, conversion of any other cell, personal type or None). One lookup per cell: this
        # loop runs for every cell of a million-row file.
        self._plan: dict[str, tuple[Any, Any, ColumnType | None]] = {}
        for col in columns.columns:
            if col.type is ColumnType.ENUM:
                assert col.vocab is not None
                convert = _enum(col.vocab)
            elif col.type is ColumnType.WORK_KIND:
                convert = _work_kind(work_kinds or {})
            else:
                convert = _BY_TYPE[col.type]
            on_text = None if col.type in _TEXT_READY else convert
            self._plan[col.name] = (on_text, convert, col.type if col.personal else None)

    def read(self, raw: Mapping[str, Any]) -> tuple[dict[str, Any], frozenset[str], list[Message]]:
        """``(input for the record, masked fields, problems)`` for one row."""
        data: dict[str, Any] = {}
        masked: list[str] | None = None
        problems: list[Message] = []
        plan = self._plan
        restoring = self.restore_formulas
        for name, value in raw.items():
            if value is None:
                continue
            step = plan.get(name)
            if step is None:
                problems.append(_unknown(name, value))
                continue
            on_text, convert, personal = step
            if type(value) is str:
                value = value.strip()
                if not value:
                    continue
                if restoring and value[0] == "'":
                    value = restore(value)
                if personal is not None and "*" in value:
                    masked = [*(masked or []), name]
                    problems.extend(_check_mask(name, personal, value))
                    continue
                if on_text is None:
                    data[name] = value
                    continue
                convert = on_text
            try:
                data[name] = convert(value)
            except CellError as exc:
                problems.append(Message(name, exc.zh, exc.en))
        return data, (frozenset(masked) if masked else _NONE), problems


def masked_value(raw: Mapping[str, Any], name: str) -> str | None:
    """The masked text of a personal field (as exports write it), or None."""
    value = raw.get(name)
    if isinstance(value, str):
        value = value.strip()
        return value if "*" in value else None
    return None


def _check_mask(name: str, kind: ColumnType, value: str) -> Iterable[Message]:
    if kind is ColumnType.ID_NUMBER and not _MASKED_ID.match(value):
        yield Message(
            name,
            "身份证号只能是完整号码，或导出时的脱敏形式（前 3 位 + * + 末位）",
            "an ID number must be the full number, or the masked form exports write (first 3 "
            "characters, stars, last character)",
        )


def _unknown(name: str, value: Any) -> Message:
    if name == BAD_ENCODING:
        return Message(
            "",
            f"该行有无法按 {value} 解码的字节（可能是从别的编码的文件粘贴来的）；"
            "请在表格中重新录入该行",
            f"the row has bytes that are not valid {value} (pasted from a file in another "
            "encoding?); type the row again",
        )
    if name == EXTRA:
        return Message(
            "",
            "有内容的单元格没有对应的表头；请补上表头或删除该列",
            "a cell has content but its column has no header; add the header or remove the column",
        )
    return Message(name, f"不认识的列 {name}", f"unknown column {name}")
