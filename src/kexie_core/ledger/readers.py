"""Reading ledger files (台账文件): CSV, XLSX and JSON, streamed row by row.

Each reader returns a ``Sheet``: an iterable of ``(row number, {field: cell})`` — the shape the
``Importer`` contribution promises — that also knows the headers as written (for the error
file) and how far it has got (for the progress bar). Row numbers are the ones a clerk sees in the
spreadsheet: the header is row 1.

- CSV: UTF-8 with or without BOM, else GB18030 (what Excel on a Chinese Windows writes), else
  UTF-16 with BOM (Excel's "Unicode text"); comma, tab or semicolon separated. Lines are decoded
  one by one, so a row pasted in another encoding fails alone instead of the whole file.
- XLSX: the sheet named after the kind (``members`` or ``会员``), else the first. Small
  workbooks are read with python-calamine (fast; it holds the sheet in memory); large ones are
  streamed by ``xlsx_stream``, which keeps one row at a time, so memory stays flat whatever the
  size. (openpyxl's read-only mode is not used: it keeps every row element it has parsed,
  about 90 bytes per row.)
- JSON: a list of objects. Our own exports put one object per line, which is read line by line;
  any other layout is parsed whole. JSON Lines (``.jsonl``) is read line by line.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import itertools
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .cells import BAD_ENCODING, EXTRA
from .columns import KINDS, KindColumns, normalize_header
from .xlsx_stream import SheetRows, WorkbookError, XlsxWorkbook, fill_gaps

#: Above this much uncompressed sheet XML, XLSX is streamed by ``xlsx_stream`` (one row in memory
#: at a time) instead of read by calamine. calamine needs ~1.4 bytes of memory per byte of sheet
#: XML (measured: 80 MB of XML, 100,000 member rows → 110 MB); 32 MB keeps it near 45 MB.
CALAMINE_LIMIT = 32 * 1024 * 1024
_SAMPLE = 1 << 16

Row = tuple[int, dict[str, Any]]


class LedgerFileError(ValueError):
    """The file as a whole cannot be read (encoding, headers, empty): nothing is loaded.

    :param row: the row the problem is on (1 = the header row).
    :param column: the offending header(s), if any.
    """

    def __init__(self, zh: str, en: str, *, row: int = 1, column: str = "") -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en
        self.row = row
        self.column = column


@dataclass
class Sheet:
    """Rows of one ledger file, as ``(row number, {field: cell})``.

    :param headers: field → the header as the file writes it.
    :param rows: the row iterator.
    :param position: a function giving the fraction read so far (0–1), if known.
    :param on_close: what closes the file.
    """

    headers: dict[str, str]
    rows: Iterator[Row]
    position: Callable[[], float | None] = lambda: None
    on_close: Callable[[], None] = lambda: None
    encoding: str | None = None
    #: cells may carry the apostrophe CSV exports put before formula-like text
    restores_formulas: bool = False
    _closed: bool = field(default=False, repr=False)

    def __iter__(self) -> Iterator[Row]:
        return self.rows

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self.on_close()

    def __enter__(self) -> Sheet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def columns_of(kind: str) -> KindColumns:
    try:
        return KINDS[kind]
    except KeyError:
        raise ValueError(f"unknown kind {kind!r}; one of: {', '.join(KINDS)}") from None


def map_headers(kind: str, headers: Sequence[Any]) -> list[str | None]:
    """The field of each header cell (None for a blank header).

    Raises ``LedgerFileError`` for unknown headers (listing the accepted ones), for two headers
    naming one field, and for missing required columns — each reported once, for the file.
    """
    spec = columns_of(kind)
    accepted = spec.header_map()
    fields: list[str | None] = []
    unknown: list[str] = []
    seen: dict[str, str] = {}
    for cell in headers:
        text = "" if cell is None else str(cell).strip().lstrip("\ufeff")
        if not text:
            fields.append(None)
            continue
        name = accepted.get(normalize_header(text))
        if name is None:
            unknown.append(text)
            fields.append(None)
            continue
        if name in seen:
            raise LedgerFileError(
                f"“{seen[name]}”和“{text}”是同一列（{name}），只能保留一个",
                f"{seen[name]!r} and {text!r} are the same column ({name}); keep one",
                column=text,
            )
        seen[name] = text
        fields.append(name)
    if unknown:
        listing = "、".join(f"{c.zh}（{c.name}）" for c in spec.columns)
        raise LedgerFileError(
            f"不认识的列：{'、'.join(unknown)}。{kind} 可用的列：{listing}",
            f"unknown column(s): {', '.join(unknown)}. Accepted for {kind}: "
            + ", ".join(f"{c.name} ({c.zh})" for c in spec.columns),
            column="、".join(unknown),
        )
    if not seen:
        raise LedgerFileError(
            "第 1 行应为表头，但是空的", "row 1 should hold the headers but is empty"
        )
    missing = [c for c in spec.required() if c.name not in seen]
    if missing:
        raise LedgerFileError(
            "缺少必填列：" + "、".join(f"{c.zh}（{c.name}）" for c in missing),
            "missing required column(s): " + ", ".join(f"{c.name} ({c.zh})" for c in missing),
            column="、".join(c.zh for c in missing),
        )
    return fields


def _rows_from_cells(
    fields: list[str | None], cells: Iterable[Sequence[Any]], first_row: int
) -> Iterator[Row]:
    """Pair cells with fields; skip blank rows; put cells under blank headers into EXTRA."""
    width = len(fields)
    pairs = [(i, name) for i, name in enumerate(fields) if name is not None]
    names = [name for _, name in pairs]
    positions = [i for i, _ in pairs]
    blank_headers = [i for i, name in enumerate(fields) if name is None]
    contiguous = positions == list(range(len(positions)))
    for offset, row_cells in enumerate(cells):
        if len(row_cells) == width and contiguous and not blank_headers:
            values: Sequence[Any] = row_cells  # the common case: one cell per header
        else:
            values = [row_cells[i] if i < len(row_cells) else None for i in positions]
        if (
            not any(values)  # fast; the exact test is for rows of 0 or False
            and not any(v is not None and v != "" for v in values)
            and not _has_extra(row_cells, width, blank_headers)
        ):
            continue
        row = dict(zip(names, values, strict=False))
        if len(row_cells) > width or blank_headers:
            extra = _extra(row_cells, width, blank_headers)
            if extra is not None:
                row[EXTRA] = extra
        yield first_row + offset, row


def _extra(cells: Sequence[Any], width: int, blank_headers: list[int]) -> str | None:
    for i in blank_headers:
        if i < len(cells) and cells[i] not in (None, ""):
            return str(cells[i])
    for value in cells[width:]:
        if value not in (None, ""):
            return str(value)
    return None


def _has_extra(cells: Sequence[Any], width: int, blank_headers: list[int]) -> bool:
    return _extra(cells, width, blank_headers) is not None


# -- CSV ---------------------------------------------------------------------------------------


def detect_encoding(head: bytes) -> str:
    """The encoding of a CSV file from its first bytes: utf-8-sig, utf-8, gb18030 or utf-16."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if head.startswith(b"PK\x03\x04"):
        raise LedgerFileError(
            "这是一个 XLSX（压缩）文件，却以 .csv 结尾；请改回 .xlsx",
            "this is an XLSX (zip) file named .csv; rename it to .xlsx",
        )
    if b"\x00" in head:
        raise LedgerFileError(
            "文件编码无法识别（像是没有 BOM 的 UTF-16 或二进制文件）；请另存为“CSV UTF-8”",
            "cannot tell the file's encoding (it looks like UTF-16 without a BOM, or binary); "
            "save it as CSV UTF-8",
        )
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
            return encoding
        except UnicodeDecodeError:
            continue
    # Neither decodes all of it: a few rows pasted in from a file in the other encoding. Read it
    # as the encoding most lines are in; the others are refused one by one. UTF-8 first: GBK
    # bytes are almost never valid UTF-8, but UTF-8 bytes often decode as (wrong) GB18030.
    lines = head.splitlines()[:-1] or head.splitlines()
    for encoding in ("utf-8", "gb18030"):
        if sum(1 for line in lines if _decodes(line, encoding)) * 2 > len(lines):
            return encoding
    from charset_normalizer import from_bytes

    best = from_bytes(head).best()
    guess = f"（看起来是 {best.encoding}）" if best else ""
    raise LedgerFileError(
        f"文件既不是 UTF-8 也不是 GB18030 编码{guess}；请另存为“CSV UTF-8”",
        "the file is neither UTF-8 nor GB18030"
        + (f" (it looks like {best.encoding})" if best else "")
        + "; save it as CSV UTF-8",
    )


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
        return True
    except UnicodeDecodeError:
        return False


_UNDECODED = re.compile("[\udc80-\udcff]")


def read_csv(path: str | Path, kind: str) -> Sheet:
    """Read a CSV ledger (see the module docstring for encodings)."""
    import csv

    path = Path(path)
    handle = path.open("rb")
    try:
        head = handle.read(_SAMPLE)
        if not head.strip(b" \t\r\n\xef\xbb\xbf"):
            raise LedgerFileError("文件是空的", "the file is empty")
        encoding = detect_encoding(head)
        handle.seek(0)
        size = path.stat().st_size or 1
        # Bytes that do not decode become lone surrogates instead of stopping the whole file:
        # the row that holds them is refused alone (a line pasted from a GBK file into a UTF-8
        # one, say).
        text = io.TextIOWrapper(handle, encoding=encoding, errors="surrogateescape", newline="")
        first_line = text.readline()
        delimiter = max(",\t;", key=first_line.count) if first_line else ","
        header = next(csv.reader([first_line], delimiter=delimiter), [])
        fields = map_headers(kind, header)
    except BaseException:
        handle.close()
        raise
    shown = encoding.removesuffix("-sig")

    def rows() -> Iterator[Row]:
        try:
            for row_no, row in _rows_from_cells(fields, csv.reader(text, delimiter=delimiter), 2):
                if _UNDECODED.search("".join(filter(None, row.values()))):
                    row[BAD_ENCODING] = shown
                yield row_no, row
        except UnicodeDecodeError:
            raise LedgerFileError(
                f"文件中途出现无法按 {shown} 解码的内容", f"the file stops being valid {shown}"
            ) from None
        finally:
            text.close()

    def position() -> float | None:
        try:
            return min(handle.tell() / size, 1.0)
        except (ValueError, OSError):
            return None

    headers = {name: str(h).strip() for name, h in zip(fields, header, strict=False) if name}
    return Sheet(headers, rows(), position, text.close, encoding, restores_formulas=True)


# -- XLSX --------------------------------------------------------------------------------------


def _sheet_xml_size(path: Path) -> int:
    try:
        with zipfile.ZipFile(path) as archive:
            return sum(
                info.file_size
                for info in archive.infolist()
                if info.filename.startswith("xl/worksheets/")
                or info.filename == "xl/sharedStrings.xml"
            )
    except zipfile.BadZipFile:
        return 0  # an .xls (not a zip): calamine reads those


def _pick_sheet(names: Sequence[str], kind: str) -> str:
    wanted = {n.lower() for n in columns_of(kind).sheet_names()}
    return next((n for n in names if n.strip().lower() in wanted), names[0])


def read_xlsx(path: str | Path, kind: str) -> Sheet:
    """Read an XLSX (or XLS/ODS) ledger: the sheet named after the kind, else the first."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    if path.stat().st_size == 0:
        raise LedgerFileError("文件是空的", "the file is empty")
    if _sheet_xml_size(path) > CALAMINE_LIMIT:
        return _read_streamed(path, kind)
    return _read_calamine(path, kind)


def _not_a_workbook(exc: Exception) -> LedgerFileError:
    return LedgerFileError(
        "无法作为 Excel 工作簿打开（文件损坏，或并非 XLSX）",
        f"cannot open the file as an Excel workbook ({type(exc).__name__})",
    )


def _read_calamine(path: Path, kind: str) -> Sheet:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for every broken file
        raise _not_a_workbook(exc) from None
    try:
        sheet = book.get_sheet_by_name(_pick_sheet(book.sheet_names, kind))
        start = sheet.start[0] if sheet.start else 0
        return _sheet(kind, sheet.iter_rows(), start + 2, max(sheet.height, 1), book.close)
    except BaseException:
        book.close()
        raise


def _read_streamed(path: Path, kind: str) -> Sheet:
    """A large workbook, streamed by ``xlsx_stream``: memory stays flat whatever the number of
    rows. The header is the first row with a value in it; progress is a share of the sheet's
    declared height, or of its XML read when it declares none."""
    try:
        book = XlsxWorkbook(path)
    except (WorkbookError, OSError) as exc:
        raise _not_a_workbook(exc) from None
    try:
        if not book.sheet_names:
            raise _not_a_workbook(WorkbookError("no worksheet"))
        rows = book.rows(_pick_sheet(book.sheet_names, kind))
        header = _first_filled(rows)
        if header is None:
            return _sheet(kind, iter(()), 2, 1, book.close)
        cells = _guarded(fill_gaps(itertools.chain([header], rows)))
        height = rows.dimension[3] if rows.dimension else 0
        if height <= header[0]:  # no <dimension>, or one that is plainly wrong ("A1")
            return _sheet(kind, cells, header[0] + 1, 1, book.close, rows.position)
        return _sheet(kind, cells, header[0] + 1, height, book.close)
    except WorkbookError as exc:
        book.close()
        raise _damaged(exc) from None
    except BaseException:
        book.close()
        raise


def _first_filled(rows: SheetRows) -> tuple[int, list[Any]] | None:
    """The first row holding a value: rows above a sheet's header are often left blank."""
    return next((row for row in rows if any(v is not None and v != "" for v in row[1])), None)


def _guarded(cells: Iterator[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    """Damage found half-way through a sheet stops the file with a message, not a traceback."""
    try:
        yield from cells
    except WorkbookError as exc:
        raise _damaged(exc) from None


def _damaged(exc: WorkbookError) -> LedgerFileError:
    if exc.row is None:
        return _not_a_workbook(exc)
    return LedgerFileError(
        f"工作簿在第 {exc.row} 行之后损坏，无法继续读取",
        f"the workbook is damaged after row {exc.row} and cannot be read further",
        row=exc.row + 1,
    )


def _sheet(
    kind: str,
    cells: Iterator[Sequence[Any]],
    first_row: int,
    height: int,
    close: Callable[[], None],
    position: Callable[[], float | None] | None = None,
) -> Sheet:
    """A workbook sheet as a ``Sheet``: header mapped, rows streamed, the book closed when the
    rows run out (or by ``Sheet.close``), progress as a share of the sheet's height (or as
    ``position`` says, for a sheet that does not tell its height)."""
    header = next(cells, None)
    if header is None:
        raise LedgerFileError("工作表是空的", "the sheet is empty")
    fields = map_headers(kind, header)
    done = [0]

    def counted() -> Iterator[Sequence[Any]]:
        for row in cells:
            done[0] += 1
            yield row

    def rows() -> Iterator[Row]:
        try:
            yield from _rows_from_cells(fields, counted(), first_row)
        finally:
            close()

    def close_quietly() -> None:
        with contextlib.suppress(Exception):  # already closed by the row iterator
            close()

    def share_of_height() -> float | None:
        return min(done[0] / height, 1.0)

    headers = {name: str(h).strip() for name, h in zip(fields, header, strict=False) if name}
    return Sheet(headers, rows(), position or share_of_height, close_quietly)


# -- JSON --------------------------------------------------------------------------------------


def read_json(path: str | Path, kind: str) -> Sheet:
    """Read a JSON ledger: a list of objects (keys: English field names or Chinese headers)."""
    path = Path(path)
    handle = path.open("rb")
    try:
        head = handle.read(_SAMPLE).lstrip(codecs.BOM_UTF8).lstrip()
        if not head:
            raise LedgerFileError("文件是空的", "the file is empty")
        handle.seek(0)
        objects = _json_objects(handle, head[:1] == b"[")
        first = next(objects, None)
        if first is None:
            raise LedgerFileError("文件中没有记录", "the file holds no records")
        fields = map_headers(kind, list(first[1]))
    except BaseException:
        handle.close()
        raise
    spec = columns_of(kind).header_map()
    size = path.stat().st_size or 1

    def rows() -> Iterator[Row]:
        try:
            current: tuple[int, dict[str, Any]] | None = first
            while current is not None:
                number, obj = current
                row: dict[str, Any] = {}
                for key, value in obj.items():
                    name = spec.get(normalize_header(str(key)))
                    if name is None:
                        row[EXTRA] = str(key)
                    else:
                        row[name] = _json_cell(value)
                yield number, row
                current = next(objects, None)
        finally:
            handle.close()

    def position() -> float | None:
        try:
            return min(handle.tell() / size, 1.0)
        except (ValueError, OSError):
            return None

    headers = {name: str(key) for name, key in zip(fields, list(first[1]), strict=False) if name}
    return Sheet(headers, rows(), position, handle.close, "utf-8")


def _json_cell(value: Any) -> Any:
    # Lists stay lists (member_nos, evidence) and objects stay objects (details).
    return value


def _json_objects(handle: IO[bytes], array: bool) -> Iterator[tuple[int, dict[str, Any]]]:
    """Objects with their position (1-based record number + 1, like a sheet's row number)."""

    def invalid(where: str) -> LedgerFileError:
        return LedgerFileError(f"不是有效的 JSON（{where}）", f"not valid JSON ({where})", row=1)

    def whole(body: str, number: int) -> Iterator[tuple[int, dict[str, Any]]]:
        """The objects of ``[body]`` parsed at once, numbered on from ``number``."""
        try:
            items = json.loads(f"[{body}]")
        except ValueError:
            raise invalid("无法解析 / cannot be parsed") from None
        for obj in items:
            if not isinstance(obj, dict):
                raise invalid("列表中应是对象 / the list must hold objects")
            number += 1
            yield number, obj

    lines: Iterator[str] = (line.decode("utf-8-sig").strip() for line in handle)
    number = 1
    if array:
        opening = next(lines, "")
        if opening != "[":  # not our one-object-per-line layout: parse it whole
            lines = iter([opening[1:] if opening.startswith("[") else opening, *lines])
            yield from whole("\n".join(lines).rstrip().removesuffix("]"), number)
            return
    if not array:  # JSON Lines
        for text in lines:
            if not text:
                continue
            number += 1
            try:
                obj = json.loads(text)
            except ValueError:
                raise invalid(f"第 {number} 行 / line {number}") from None
            if not isinstance(obj, dict):
                raise invalid("每行应是一个对象 / each line must be an object")
            yield number, obj
        return
    # Our exports write "[", one object per line (comma-terminated), then "]".
    buffered: list[str] = []
    for text in lines:
        if text in ("[", "]", ""):
            continue
        candidate = text[:-1] if text.endswith(",") else text
        try:
            obj = json.loads(candidate)
        except ValueError:
            buffered.append(text)
            break
        if not isinstance(obj, dict):
            raise invalid("列表中应是对象 / the list must hold objects")
        number += 1
        yield number, obj
    if not buffered:
        return
    # Some other layout (pretty-printed): parse what is left as a whole.
    rest = "\n".join([*buffered, *lines]).rstrip().rstrip("]").strip().strip(",")
    yield from whole(rest, number)
