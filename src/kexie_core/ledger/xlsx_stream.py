"""Streaming the rows of a large XLSX sheet with the standard library (大型工作簿的流式读取).

Why not openpyxl's read-only mode: its worksheet parser clears each ``<row>`` element once read
but leaves the emptied element inside ``<sheetData>``, so it keeps about 90 bytes for every row
it has read — 90 MB for a million-row ledger. This reader removes each row from ``<sheetData>``
as soon as its values are taken, and stops parsing where ``<sheetData>`` ends, so memory stays
flat whatever the number of rows. Only the shared-string table (where Excel keeps the text of
the whole workbook) is held, as any reader must.

Cells come back as openpyxl's ``iter_rows(values_only=True)`` with ``data_only=True`` gives
them: text, ``int`` (an integer literal) or ``float``, ``bool``, the error text (``#N/A``), the
cached result of a formula, ``datetime.datetime`` for a number in a date format (``time`` below
one day, ``timedelta`` for elapsed-time formats such as ``[h]:mm``), the ISO date of a ``t="d"``
cell (a ``date`` when it has no time), ``None`` for a blank cell.
Where this reader differs from openpyxl, it is on purpose:

- a row ends at its last cell instead of being padded with ``None`` to the sheet's width, and a
  row missing from the file is ``()`` (``fill_gaps``);
- ``_xHHHH_`` escapes in text are decoded (``_x000D_`` is a carriage return), as Excel and
  python-calamine do; openpyxl keeps them;
- the built-in East Asian date formats (ids 27–36 and 50–58, e.g. ``yyyy"年"m"月"d"日"``) are
  dates; openpyxl does not know them and returns the serial number;
- a number cell whose text is not a number, or a date serial outside the calendar, is returned
  as it stands instead of failing the whole file.

Tags are compared by local name, so the transitional and the strict OOXML namespaces both work.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
import zlib
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import Element, ParseError, fromstring, iterparse

from ..model.dates import from_serial

__all__ = ["SheetRows", "WorkbookError", "XlsxWorkbook", "fill_gaps", "format_kind"]

#: Built-in number formats that show a date or a time (ECMA-376 §18.8.30, with the East Asian
#: ids Excel uses for 年/月/日 and 上午/下午 formats).
_BUILTIN_DATES = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])
#: Built-in elapsed-time formats: ``[h]:mm:ss``.
_BUILTIN_ELAPSED = frozenset([46])
_DATE_LETTERS = frozenset("yYmMdDhHsS")
_ELAPSED = re.compile(r"h+|m+|s+", re.IGNORECASE)
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_SURROGATES = re.compile("[\ud800-\udfff]")
_DIGITS = "0123456789"

#: Errors from a damaged zip member or malformed XML, turned into ``WorkbookError``.
_DAMAGE = (ParseError, zipfile.BadZipFile, zlib.error, EOFError, KeyError, IndexError)

Value = Any  # str | int | float | bool | datetime | time | timedelta | date | None


class WorkbookError(ValueError):
    """The workbook (or the part of it being read) is damaged or is not an XLSX.

    :param row: the last sheet row read before the damage, if rows were being read.
    """

    def __init__(self, message: str, *, row: int | None = None) -> None:
        super().__init__(message)
        self.row = row


# -- names and parts ---------------------------------------------------------------------------

_LOCAL: dict[str, str] = {}


def _local(tag: str) -> str:
    """``{namespace}name`` → ``name``, memoised: a sheet has a dozen tags but millions of
    elements, and the two OOXML flavours (transitional, strict) differ only in the namespace."""
    name = _LOCAL.get(tag)
    if name is None:
        name = _LOCAL[tag] = tag.rpartition("}")[2]
    return name


def _attribute(element: Element, local: str) -> str | None:
    """An attribute by local name, whatever its namespace (``r:id`` is in a different namespace
    in strict OOXML)."""
    for key, value in element.attrib.items():
        if key.rpartition("}")[2] == local and key != local:
            return value
    return element.get(local)


def _resolve(base: str, target: str) -> str:
    """A relationship target as a zip member name: ``/xl/x.xml`` is absolute, ``x.xml`` is
    relative to the folder of the part that points to it."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(base, target))


@dataclass(frozen=True)
class _Relationship:
    type: str
    target: str


@dataclass(frozen=True)
class _Styles:
    """Style indexes (as written in ``s="…"``) whose number format shows a date or a duration."""

    dates: frozenset[str]
    elapsed: frozenset[str]


# -- number formats ----------------------------------------------------------------------------


def format_kind(code: str) -> str | None:
    """``"date"``, ``"elapsed"`` or ``None`` for a custom number format code.

    Only the first section (before ``;``) counts, as in openpyxl. Quoted text (``"年"``),
    escaped characters (``\\d``), padding and fill (``_x``, ``*x``) and bracketed sections
    (``[Red]``, ``[$-804]``, ``[DBNum1]``) are not date letters; ``[h]``, ``[mm]``, ``[ss]``
    are elapsed time.
    """
    found = elapsed = False
    i, end = 0, len(code)
    while i < end:
        char = code[i]
        if char == '"':
            close = code.find('"', i + 1)
            i = end if close < 0 else close + 1
        elif char in "\\_*":
            i += 2
        elif char == "[":
            close = code.find("]", i + 1)
            if close < 0:
                break
            if _ELAPSED.fullmatch(code[i + 1 : close]):
                found = elapsed = True
            i = close + 1
        elif char == ";":
            break
        else:
            found = found or char in _DATE_LETTERS
            i += 1
    if elapsed:
        return "elapsed"
    return "date" if found else None


def _styles(root: Element | None) -> _Styles:
    """Which ``cellXfs`` indexes show dates, from the built-in ids and the custom ``numFmts``."""
    if root is None:
        return _Styles(frozenset(), frozenset())
    custom: dict[str, str] = {}
    xfs: list[str] = []
    for child in root:
        name = _local(child.tag)
        if name == "numFmts":
            custom.update(
                (fmt.get("numFmtId", ""), fmt.get("formatCode", ""))
                for fmt in child
                if _local(fmt.tag) == "numFmt"
            )
        elif name == "cellXfs":
            xfs = [xf.get("numFmtId", "0") for xf in child if _local(xf.tag) == "xf"]
    dates: set[str] = set()
    elapsed: set[str] = set()
    for index, fmt_id in enumerate(xfs):
        kind = _builtin_kind(fmt_id) if fmt_id not in custom else format_kind(custom[fmt_id])
        if kind is not None:
            dates.add(str(index))
        if kind == "elapsed":
            elapsed.add(str(index))
    return _Styles(frozenset(dates), frozenset(elapsed))


def _builtin_kind(fmt_id: str) -> str | None:
    try:
        number = int(fmt_id)
    except ValueError:
        return None
    if number in _BUILTIN_ELAPSED:
        return "elapsed"
    return "date" if number in _BUILTIN_DATES else None


# -- cell values -------------------------------------------------------------------------------


def _unescape(text: str) -> str:
    """Decode OOXML's ``_xHHHH_`` escapes (characters XML cannot hold, and ``_x005F_`` for an
    underscore that precedes such a pattern)."""
    text = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    if _SURROGATES.search(text):  # an escaped surrogate pair (emoji)
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return text


def _text(text: str) -> str:
    return _unescape(text) if "_x" in text else text


def _rich_text(element: Element) -> str:
    """The text of an ``<si>`` or ``<is>``: its ``<t>``, or its runs' ``<t>`` joined; phonetic
    runs (``<rPh>``, the furigana of Japanese files) are not part of the value."""
    parts: list[str] = []
    for child in element:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(sub.text or "" for sub in child if _local(sub.tag) == "t")
    return _text(parts[0] if len(parts) == 1 else "".join(parts))


def _number(text: str) -> int | float | str:
    """As openpyxl: an integer literal is an ``int``, anything else a ``float``; text that is
    no number at all is kept, so that the cell (not the file) is refused."""
    try:
        if "." in text or "e" in text or "E" in text:
            return float(text)
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


def _iso(text: str) -> Value:
    """A ``t="d"`` cell: ISO 8601 read as openpyxl reads it — a ``datetime``, or a ``date`` or
    ``time`` when only that is written; text that is no date is kept."""
    text = text.strip().removesuffix("Z")
    try:
        if "T" in text:
            return dt.datetime.fromisoformat(text)
        if ":" in text:
            return dt.time.fromisoformat(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        return text


def _column_number(letters: str) -> int:
    """``A`` → 1, ``AB`` → 28; 0 when there are no letters."""
    number = 0
    for char in letters.upper():
        if not "A" <= char <= "Z":
            return 0
        number = number * 26 + ord(char) - 64
    return number


_COLUMNS: dict[str, int] = {}


def _column(ref: str) -> int:
    """The column of a cell reference (``C5`` → 3), memoised by its letters."""
    letters = ref.rstrip(_DIGITS)
    number = _COLUMNS.get(letters)
    if number is None:
        number = _COLUMNS[letters] = _column_number(letters)
    return number


def _parse_dimension(ref: str | None) -> tuple[int, int, int, int] | None:
    """``A1:T1000001`` → (min column, min row, max column, max row)."""
    if not ref:
        return None
    first, _, last = ref.partition(":")
    last = last or first
    try:
        return (
            _column(first),
            int(first[len(first.rstrip(_DIGITS)) :]),
            _column(last),
            int(last[len(last.rstrip(_DIGITS)) :]),
        )
    except ValueError:
        return None


# -- the workbook ------------------------------------------------------------------------------


class XlsxWorkbook:
    """An XLSX file opened for streaming: its sheet names, date system and styles are read at
    once; shared strings when the first sheet is read; rows as they are asked for.

    Raises ``WorkbookError`` if the file is not a zip or lacks the workbook part.
    """

    def __init__(self, path: str | Path) -> None:
        try:
            self._archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise WorkbookError(f"not a zip file ({exc})") from None
        self._open: list[SheetRows] = []
        self._shared: list[str] | None = None
        try:
            self._members = {name.lower(): name for name in self._archive.namelist()}
            self._load()
        except BaseException:
            self._archive.close()
            raise

    # -- opening

    def _load(self) -> None:
        workbook_part = "xl/workbook.xml"
        for rel in self._relationships("").values():
            if rel.type.endswith("/officeDocument"):
                workbook_part = rel.target
        root = self._xml(workbook_part)
        if root is None:
            raise WorkbookError(f"the workbook part {workbook_part} is missing")
        rels = self._relationships(workbook_part)
        self.date1904 = False
        self._sheets: dict[str, str] = {}
        for child in root:
            name = _local(child.tag)
            if name == "workbookPr":
                self.date1904 = child.get("date1904", "").lower() in ("1", "true")
            elif name == "sheets":
                self._add_sheets(child, rels)
        self._shared_part = self._part_of(rels, "/sharedStrings", "xl/sharedStrings.xml")
        styles_part = self._part_of(rels, "/styles", "xl/styles.xml")
        self._styles = _styles(self._xml(styles_part) if styles_part else None)

    def _add_sheets(self, sheets: Element, rels: dict[str, _Relationship]) -> None:
        """Worksheets only (not chart or dialog sheets), in the workbook's order."""
        for sheet in sheets:
            rel = rels.get(_attribute(sheet, "id") or "")
            name = sheet.get("name")
            if rel is None or name is None:
                continue
            if rel.type and not rel.type.endswith("/worksheet"):
                continue
            self._sheets[name] = rel.target

    def _part_of(self, rels: dict[str, _Relationship], suffix: str, default: str) -> str | None:
        for rel in rels.values():
            if rel.type.endswith(suffix) and self._member(rel.target):
                return rel.target
        return default if self._member(default) else None

    def _member(self, part: str) -> str | None:
        """The zip member for a part name (some writers differ in letter case)."""
        return self._members.get(part.lower())

    def _xml(self, part: str) -> Element | None:
        """A small part, parsed whole; ``None`` if the zip lacks it."""
        member = self._member(part)
        if member is None:
            return None
        try:
            return fromstring(self._archive.read(member))
        except _DAMAGE as exc:
            raise WorkbookError(f"{part} cannot be read ({type(exc).__name__})") from None

    def _relationships(self, part: str) -> dict[str, _Relationship]:
        """``Id`` → (type, target as a zip member name) of ``part``'s relationships."""
        folder, _, name = part.rpartition("/")
        root = self._xml(posixpath.join(folder, "_rels", f"{name}.rels"))
        if root is None:
            return {}
        rels: dict[str, _Relationship] = {}
        for rel in root:
            target = rel.get("Target")
            if target is None or rel.get("TargetMode") == "External":
                continue
            rels[rel.get("Id", "")] = _Relationship(rel.get("Type", ""), _resolve(folder, target))
        return rels

    # -- reading

    @property
    def sheet_names(self) -> list[str]:
        return list(self._sheets)

    def rows(self, name: str) -> SheetRows:
        """The rows of the sheet ``name``, as ``(row number, values)``."""
        member = self._member(self._sheets[name])
        if member is None:
            raise WorkbookError(f"the sheet part {self._sheets[name]} is missing")
        rows = SheetRows(self._archive, member, self.shared_strings(), self._styles, self.date1904)
        self._open.append(rows)
        return rows

    def shared_strings(self) -> list[str]:
        """The workbook's shared-string table, read once, streamed so that only the strings
        stay in memory."""
        if self._shared is None:
            member = self._member(self._shared_part) if self._shared_part else None
            self._shared = _read_shared_strings(self._archive, member) if member else []
        return self._shared

    def close(self) -> None:
        """Stop every sheet being read, then close the zip."""
        for rows in self._open:
            rows.close()
        self._open.clear()
        self._archive.close()

    def __enter__(self) -> XlsxWorkbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _read_shared_strings(archive: zipfile.ZipFile, member: str) -> list[str]:
    strings: list[str] = []
    try:
        with archive.open(member) as stream:
            table: Element | None = None
            for event, element in iterparse(stream, events=("start", "end")):
                name = _local(element.tag)
                if event == "start":
                    if name == "sst":
                        table = element
                elif name == "si":
                    strings.append(_rich_text(element))
                    if table is not None:
                        table.remove(element)
                    element.clear()
    except _DAMAGE as exc:
        raise WorkbookError(f"the shared strings cannot be read ({type(exc).__name__})") from None
    return strings


# -- a sheet's rows ----------------------------------------------------------------------------


class SheetRows:
    """The rows of one sheet, as ``(row number, [value, …])``, parsed as they are asked for.

    ``dimension`` is the sheet's ``<dimension ref>`` as (min column, min row, max column, max
    row) once parsing has passed it (it precedes the rows), else ``None``. ``position()`` is
    the share of the sheet's XML read so far. Damage found on the way raises ``WorkbookError``
    carrying the last row read.
    """

    def __init__(
        self,
        archive: zipfile.ZipFile,
        member: str,
        shared: Sequence[str],
        styles: _Styles,
        date1904: bool,
    ) -> None:
        self.dimension: tuple[int, int, int, int] | None = None
        self.row = 0
        self._size = max(archive.getinfo(member).file_size, 1)
        self._stream: IO[bytes] = archive.open(member)
        self._shared = shared
        self._dates = styles.dates
        self._elapsed = styles.elapsed
        self._date1904 = date1904
        self._rows = self._parse()

    def __iter__(self) -> Iterator[tuple[int, list[Value]]]:
        return self

    def __next__(self) -> tuple[int, list[Value]]:
        return next(self._rows)

    def position(self) -> float | None:
        try:
            return min(self._stream.tell() / self._size, 1.0)
        except (ValueError, OSError):  # closed
            return None

    def close(self) -> None:
        self._rows.close()
        self._stream.close()

    def _parse(self) -> Generator[tuple[int, list[Value]], None, None]:
        try:
            yield from self._parse_rows()
        except WorkbookError:
            raise
        except (*_DAMAGE, ValueError) as exc:  # ValueError: a shared-string index that is not one
            raise WorkbookError(
                f"the sheet is damaged after row {self.row} ({type(exc).__name__})", row=self.row
            ) from None
        finally:
            self._stream.close()

    def _parse_rows(self) -> Iterator[tuple[int, list[Value]]]:
        """Each ``<row>`` is read at its end, then removed from ``<sheetData>`` and cleared, so
        that the tree never holds more than one row; parsing stops where ``<sheetData>`` ends
        (what follows — merged cells, formatting, page setup — is not needed)."""
        data: Element | None = None
        local = _LOCAL  # tag → local name; looked up inline, as this loop runs for every element
        for event, element in iterparse(self._stream, events=("start", "end")):
            if event == "start":
                if data is None and _local(element.tag) == "sheetData":
                    data = element
                continue
            name = local.get(element.tag) or _local(element.tag)
            if name == "row":
                number = self._row_number(element.get("r"))
                values = self._values(element)
                if data is not None:
                    data.remove(element)
                element.clear()
                self.row = number
                yield number, values
            elif data is None:
                if name == "dimension":
                    self.dimension = _parse_dimension(element.get("ref"))
                element.clear()  # sheet properties, views, column widths: not needed
            elif name == "sheetData":
                return

    def _row_number(self, ref: str | None) -> int:
        if ref is None:
            return self.row + 1
        try:
            number = int(ref)
        except ValueError:
            raise WorkbookError(f"row number {ref!r} is not a number", row=self.row) from None
        if number <= self.row:
            raise WorkbookError(
                f"row {number} comes after row {self.row}: rows are out of order", row=self.row
            )
        return number

    def _values(self, row: Element) -> list[Value]:
        """The row's values by column: gaps between cells are ``None``; a cell without a
        reference takes the column after the previous one."""
        values: list[Value] = []
        column = 0
        local = _LOCAL
        for cell in row:
            if (local.get(cell.tag) or _local(cell.tag)) != "c":
                continue
            ref = cell.get("r")
            column = (_column(ref) if ref else 0) or column + 1
            value = self._value(cell)
            width = len(values)
            if column == width + 1:
                values.append(value)
            elif column > width:
                values.extend([None] * (column - width - 1))
                values.append(value)
            else:  # a second cell for a column already filled: the last one wins
                values[column - 1] = value
        return values

    def _value(self, cell: Element) -> Value:
        kind = cell.get("t")
        text: str | None = None
        inline: Element | None = None
        local = _LOCAL
        for child in cell:
            name = local.get(child.tag) or _local(child.tag)
            if name == "v":
                text = child.text
            elif name == "is":
                inline = child
        if kind is None or kind == "n":
            if not text:
                return None
            number = _number(text)
            style = cell.get("s")
            if style is not None and style in self._dates and not isinstance(number, str):
                return from_serial(number, date1904=self._date1904, elapsed=style in self._elapsed)
            return number
        if kind == "inlineStr":
            return None if inline is None else _rich_text(inline)
        if not text:
            return None
        if kind == "s":
            return self._shared[int(text)]
        if kind == "str":
            return _text(text)
        if kind == "b":
            return text.strip().lower() in ("1", "true")
        if kind == "d":
            return _iso(text)
        return text  # "e": the error as Excel shows it (#N/A, #DIV/0!, …)


def fill_gaps(rows: Iterable[tuple[int, Sequence[Value]]]) -> Iterator[Sequence[Value]]:
    """The values of each row, with ``()`` for each row number the file skips (Excel does not
    write empty rows), so that a row's position is its row number."""
    previous: int | None = None
    for number, values in rows:
        if previous is not None:
            for _ in range(number - previous - 1):
                yield ()
        previous = number
        yield values
