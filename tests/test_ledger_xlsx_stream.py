"""The streaming XLSX reader for large workbooks (``ledger.xlsx_stream``): the same values as
openpyxl for workbooks written by openpyxl and xlsxwriter, hand-made edge cases (strict OOXML,
missing references, rich text), flat memory, and damaged files. No database.

Compared with openpyxl, rows are taken without their trailing ``None`` cells: openpyxl pads
every row to the sheet's width, this reader ends a row at its last cell (``_trimmed``).
"""

from __future__ import annotations

import math
import tempfile
import tracemalloc
import zipfile
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kexie_core.ledger import readers
from kexie_core.ledger.readers import LedgerFileError, read_xlsx
from kexie_core.ledger.xlsx_stream import (
    WorkbookError,
    XlsxWorkbook,
    fill_gaps,
    format_kind,
)
from kexie_core.model.dates import from_serial

# -- helpers ------------------------------------------------------------------------------------


def _trimmed(row: Sequence[Any]) -> list[Any]:
    cells = list(row)
    while cells and cells[-1] is None:
        cells.pop()
    return cells


def ours(path: Path, sheet: str | None = None) -> list[list[Any]]:
    with XlsxWorkbook(path) as book:
        rows = book.rows(sheet or book.sheet_names[0])
        return [_trimmed(r) for r in fill_gaps(rows)]


def openpyxl_rows(path: Path, sheet: str | None = None) -> list[list[Any]]:
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        ws = book[sheet] if sheet else book.worksheets[0]
        return [_trimmed(r) for r in ws.iter_rows(values_only=True)]
    finally:
        book.close()


SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def _content_types(parts: dict[str, str]) -> str:
    """``[Content_Types].xml``: openpyxl finds the parts through it."""
    overrides = "".join(
        f'<Override PartName="{part}" ContentType="{_XML_TYPE}.{kind}+xml"/>'
        for part, kind in parts.items()
    )
    return (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Default Extension="xml" ContentType="application/xml"/>{overrides}</Types>'
    )


STRICT_SHEET_NS = "http://purl.oclc.org/ooxml/spreadsheetml/main"
STRICT_REL_NS = "http://purl.oclc.org/ooxml/officeDocument/relationships"


def handmade(
    path: Path,
    sheet_data: str | Iterator[str],
    *,
    shared: Sequence[str] = (),
    styles: str = "",
    strict: bool = False,
    target: str = "worksheets/sheet1.xml",
    head: str = "",
) -> Path:
    """A minimal workbook written part by part; ``sheet_data`` (the rows' XML) may be a
    generator, so that large sheets are written without holding them."""
    ns, rel_ns = (STRICT_SHEET_NS, STRICT_REL_NS) if strict else (SHEET_NS, REL_NS)
    rel_type = f"{rel_ns}/worksheet"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        parts = {"/xl/workbook.xml": "sheet.main", "/xl/worksheets/sheet1.xml": "worksheet"}
        if shared:
            parts["/xl/sst.xml"] = "sharedStrings"
        if styles:
            parts["/xl/styles.xml"] = "styles"
        archive.writestr("[Content_Types].xml", _content_types(parts))
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{PKG_NS}"><Relationship Id="rId1" '
            f'Type="{rel_ns}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{ns}" xmlns:r="{rel_ns}"><sheets>'
            f'<sheet name="会员" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        rels = f'<Relationship Id="rId1" Type="{rel_type}" Target="{target}"/>'
        if shared:
            rels += f'<Relationship Id="rId2" Type="{rel_ns}/sharedStrings" Target="sst.xml"/>'
            archive.writestr("xl/sst.xml", f'<sst xmlns="{ns}">{"".join(shared)}</sst>')
        if styles:
            rels += f'<Relationship Id="rId3" Type="{rel_ns}/styles" Target="styles.xml"/>'
            archive.writestr("xl/styles.xml", f'<styleSheet xmlns="{ns}">{styles}</styleSheet>')
        archive.writestr(
            "xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{PKG_NS}">{rels}</Relationships>'
        )
        with archive.open("xl/" + target.removeprefix("/xl/"), "w") as sheet:
            sheet.write(f'<worksheet xmlns="{ns}">{head}<sheetData>'.encode())
            for chunk in [sheet_data] if isinstance(sheet_data, str) else sheet_data:
                sheet.write(chunk.encode())
            sheet.write(b"</sheetData></worksheet>")
    return path


# -- the same values as openpyxl ---------------------------------------------------------------

DAY = date(2021, 3, 4)
MOMENT = datetime(2021, 3, 4, 9, 30, 15)


def _write_xlsxwriter(path: Path, options: dict[str, Any]) -> Path:
    book = xlsxwriter.Workbook(str(path), options)
    book.add_worksheet("说明").write(0, 0, "本表为会员台账")
    sheet = book.add_worksheet("会员")
    builtin = book.add_format({"num_format": 14})
    chinese = book.add_format({"num_format": 'yyyy"年"m"月"d"日"'})
    slashes = book.add_format({"num_format": "yyyy/m/d"})
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    sheet.write_row(0, 0, ["会员编号", "姓名", "数", "是否", "日期", "年月日", "斜线", "时刻"])
    sheet.write_row(1, 0, [1001, "张伟", 1.5, True])
    sheet.write_datetime(1, 4, DAY, builtin)
    sheet.write_datetime(1, 5, DAY, chinese)
    sheet.write_datetime(1, 6, date(1900, 1, 30), slashes)  # before Excel's fake 1900-02-29
    sheet.write_datetime(1, 7, MOMENT, stamp)
    # row 3 left empty: a gap
    sheet.write_row(3, 0, [-7, "李娜", 3.14159, False])  # then blank cells: a gap in the row
    sheet.write_number(3, 6, 1e20)
    sheet.write_formula(4, 0, "=1+1", None, 2)
    sheet.write_formula(4, 1, '="甲"&"乙"', None, "甲乙")
    sheet.write_formula(4, 2, "=NA()", None, "#N/A")
    sheet.write_formula(4, 3, "=1>0", None, True)
    sheet.write_string(5, 1, "  前后有空格  ")
    book.close()
    return path


@pytest.mark.parametrize("options", [{}, {"constant_memory": True}], ids=["shared", "inline"])
def test_xlsxwriter_workbooks_read_as_openpyxl_reads_them(
    tmp_path: Path, options: dict[str, Any]
) -> None:
    path = _write_xlsxwriter(tmp_path / "m.xlsx", options)
    got = ours(path, "会员")
    assert got == openpyxl_rows(path, "会员")
    assert got[1][:6] == [1001, "张伟", 1.5, True, datetime(2021, 3, 4), datetime(2021, 3, 4)]
    assert got[1][6:] == [datetime(1900, 1, 30), MOMENT]
    assert got[2] == [] and got[3] == [-7, "李娜", 3.14159, False, None, None, 1e20]
    assert got[4] == [2, "甲乙", "#N/A", True] and got[5] == [None, "  前后有空格  "]
    assert ours(path, "说明") == [["本表为会员台账"]]


@pytest.mark.parametrize("options", [{}, {"constant_memory": True}], ids=["shared", "inline"])
def test_escaped_text_is_decoded(tmp_path: Path, options: dict[str, Any]) -> None:
    """xlsxwriter writes a control character as ``_x0001_`` and protects text that looks like
    an escape with ``_x005F_``; both come back as typed (openpyxl keeps the escapes)."""
    book = xlsxwriter.Workbook(str(tmp_path / "e.xlsx"), options)
    book.add_worksheet().write_row(0, 0, ["a_x0041_b", "换行\r\n", "响铃\x07"])
    book.close()
    assert ours(tmp_path / "e.xlsx") == [["a_x0041_b", "换行\r\n", "响铃\x07"]]


def test_openpyxl_workbooks_read_as_openpyxl_reads_them(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "会员"
    sheet.append(["会员编号", "姓名", "日期", "年月日", "斜线", "时刻", "错误", "真假"])
    sheet.append([1, "王芳", DAY, DAY, DAY, MOMENT, "#DIV/0!", False])
    sheet["D2"].number_format = 'yyyy"年"m"月"d"日"'
    sheet["E2"].number_format = "yyyy/m/d"
    sheet["F2"].number_format = "[$-804]yyyy-mm-dd h:mm;@"
    sheet.append([2.25, None, None, "赵磊"])
    sheet["A5"] = "跳过一行"
    sheet["C6"] = time(8, 30)
    sheet["D6"] = timedelta(hours=30)
    sheet["D6"].number_format = "[h]:mm:ss"
    path = tmp_path / "o.xlsx"
    book.save(path)
    got = ours(path)
    assert got == openpyxl_rows(path)
    assert got[1][2:6] == [datetime(2021, 3, 4), datetime(2021, 3, 4), datetime(2021, 3, 4), MOMENT]
    assert got[3] == [] and got[5] == [None, None, time(8, 30), timedelta(hours=30)]


@pytest.mark.parametrize("writer", ["xlsxwriter", "openpyxl"])
def test_1904_date_system(tmp_path: Path, writer: str) -> None:
    path = tmp_path / "mac.xlsx"
    if writer == "xlsxwriter":
        book = xlsxwriter.Workbook(str(path), {"date_1904": True})
        sheet = book.add_worksheet()
        sheet.write_datetime(0, 0, MOMENT, book.add_format({"num_format": "yyyy-mm-dd hh:mm"}))
        sheet.write_number(0, 1, 0, book.add_format({"num_format": 14}))
        book.close()
    else:
        wb = openpyxl.Workbook()
        wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
        wb.active.append([MOMENT, 1])
        wb.active["B1"].number_format = "yyyy-mm-dd"
        wb.save(path)
    got = ours(path)
    assert got == openpyxl_rows(path)
    assert got[0][0] == MOMENT


def test_iso_dates_are_read(tmp_path: Path) -> None:
    book = openpyxl.Workbook(iso_dates=True)
    book.active.append([MOMENT, DAY])
    path = tmp_path / "iso.xlsx"
    book.save(path)
    assert b't="d"' in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    assert ours(path) == openpyxl_rows(path) == [[MOMENT, DAY]]  # a date alone stays a date


TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
CELL = st.one_of(
    st.none(),
    TEXT,
    st.integers(-(10**15), 10**15),
    st.floats(-1e300, 1e300),  # xlsxwriter writes 16 digits: 1.8e308 would come back as inf
    st.booleans(),
)


def _same(got: Any, written: Any) -> bool:
    if written is None or written == "":
        return got is None or got == ""
    if isinstance(written, bool) or isinstance(got, bool):
        return type(got) is type(written) and got == written
    if isinstance(written, int | float):  # xlsxwriter writes 15-16 significant digits
        return isinstance(got, int | float) and math.isclose(got, written, rel_tol=1e-15)
    return got == written


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(CELL, max_size=6), min_size=1, max_size=8), inline=st.booleans())
def test_round_trip_of_random_cells(rows: list[list[Any]], inline: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "r.xlsx"
        book = xlsxwriter.Workbook(str(path), {"constant_memory": inline})
        sheet = book.add_worksheet()
        sheet.write(0, 0, "头")  # so that row 1 is there and rows start at 1
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if isinstance(value, str):
                    sheet.write_string(r, c, value)
                elif value is not None:
                    sheet.write(r, c, value)
        book.close()
        got = ours(path)
    assert got[0] == ["头"]
    got_rows = got[1:] + [[]] * (len(rows) - len(got) + 1)
    for written, read in zip(rows, got_rows, strict=True):
        padded = read + [None] * (len(written) - len(read))
        assert len(padded) == len(written) or not any(padded[len(written) :])
        assert all(_same(g, w) for g, w in zip(padded, written, strict=False)), (read, written)


# -- hand-made edge cases ----------------------------------------------------------------------


def test_strict_namespace_and_absolute_target(tmp_path: Path) -> None:
    path = handmade(
        tmp_path / "s.xlsx",
        '<row r="1"><c r="A1" t="inlineStr"><is><t>会员编号</t></is></c></row>'
        '<row r="2"><c r="A2"><v>7</v></c></row>',
        strict=True,
        target="/xl/worksheets/sheet1.xml",
    )
    assert ours(path) == [["会员编号"], [7]]


def test_references_missing_text_runs_and_escapes(tmp_path: Path) -> None:
    shared = [
        "<si><t>纯文本</t></si>",
        "<si><r><t>张</t></r><r><rPr><b/></rPr><t>伟</t></r>"
        '<rPh sb="0" eb="1"><t>ちょう</t></rPh></si>',
        "<si><t>a_x000D_b_x005F_x0041_</t></si>",
    ]
    rows = (
        '<row><c t="s"><v>0</v></c><c t="s"><v>1</v></c><c r="E1" t="s"><v>1</v></c>'
        "<c><v>2.5</v></c></row>"  # no references: A, B; then E; then F
        '<row r="4"><c r="B4" t="inlineStr"><is><r><t>李</t></r><r><t>娜</t></r></is></c>'
        '<c r="C4"/><c r="D4" t="str"><v></v></c><c r="E4" t="e"><v>#REF!</v></c></row>'
        "<row><c><v>1</v></c></row>"  # no r: the row after 4
    )
    path = handmade(tmp_path / "h.xlsx", rows, shared=shared)
    assert ours(path) == openpyxl_rows(path)
    assert ours(path) == [
        ["纯文本", "张伟", None, None, "张伟", 2.5],
        [],
        [],
        [None, "李娜", None, None, "#REF!"],
        [1],
    ]
    escaped = handmade(tmp_path / "e.xlsx", '<row><c t="s"><v>2</v></c></row>', shared=shared)
    assert ours(escaped) == [["a\rb_x0041_"]]  # openpyxl: "a_x000D_bx0041_"


def test_date_styles_from_builtin_and_custom_formats(tmp_path: Path) -> None:
    styles = (
        '<numFmts><numFmt numFmtId="164" '
        'formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>'
        '<numFmt numFmtId="165" formatCode="#,##0.00&quot;元&quot;"/></numFmts>'
        '<cellStyleXfs><xf numFmtId="14"/></cellStyleXfs>'  # not cell styles: ignored
        '<cellXfs><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="31"/>'
        '<xf numFmtId="46"/></cellXfs>'
    )
    rows = (
        '<row r="1"><c r="A1"><v>44259</v></c><c r="B1" s="1"><v>44259</v></c>'
        '<c r="C1" s="2"><v>44259</v></c><c r="D1" s="3"><v>44259</v></c>'
        '<c r="E1" s="4"><v>1.25</v></c><c r="F1" s="1"><v>1e300</v></c></row>'
    )
    path = handmade(tmp_path / "d.xlsx", rows, styles=styles)
    assert ours(path) == [
        [44259, datetime(2021, 3, 4), 44259, datetime(2021, 3, 4), timedelta(hours=30), 1e300]
    ]


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ('yyyy"年"m"月"d"日"', "date"),
        ("yyyy/m/d", "date"),
        ("[$-804]yyyy-mm-dd;@", "date"),
        ("[Red]h:mm AM/PM", "date"),
        ("[h]:mm:ss", "elapsed"),
        ("[mm]:ss", "elapsed"),
        ('#,##0.00"元"', None),
        ("0.00_);[Red](0.00)", None),
        ("[DBNum1][$-804]General", None),
        ('\\d0 "days"', None),
        ("@", None),
        ("General", None),
        ('0;"yyyy"', None),  # only the first section counts
    ],
)
def test_format_kind(code: str, kind: str | None) -> None:
    assert format_kind(code) == kind


def test_excel_serials() -> None:
    assert from_serial(1) == datetime(1900, 1, 1)
    assert from_serial(59) == datetime(1900, 2, 28)
    assert from_serial(61) == datetime(1900, 3, 1)
    assert from_serial(44259.5) == datetime(2021, 3, 4, 12)
    assert from_serial(0.25) == time(6)
    assert from_serial(0, date1904=True) == time(0)
    assert from_serial(1, date1904=True) == datetime(1904, 1, 2)
    assert from_serial(1.5, elapsed=True) == timedelta(days=1, hours=12)
    assert from_serial(1e10) == 1e10  # beyond the calendar: left as it is


# -- through read_xlsx ---------------------------------------------------------------------------


def test_read_xlsx_streams_large_workbooks(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(readers, "CALAMINE_LIMIT", 0)
    opened: list[XlsxWorkbook] = []

    class Spy(XlsxWorkbook):
        def __init__(self, path: str | Path) -> None:
            super().__init__(path)
            opened.append(self)

    monkeypatch.setattr(readers, "XlsxWorkbook", Spy)
    rows = (
        '<row r="3"><c r="B3" t="inlineStr"><is><t>会员编号</t></is></c>'
        '<c r="C3" t="inlineStr"><is><t>姓名</t></is></c>'
        '<c r="D3" t="inlineStr"><is><t>所属单位代码</t></is></c></row>'
        '<row r="4"><c r="B4"><v>1</v></c><c r="C4" t="inlineStr"><is><t>甲</t></is></c>'
        '<c r="D4"><v>371323</v></c></row>'
        '<row r="7"><c r="B7"><v>2</v></c><c r="C7" t="inlineStr"><is><t>乙</t></is></c>'
        '<c r="D7"><v>371323</v></c></row>'
    )
    head = '<dimension ref="B3:D8"/>'
    path = handmade(tmp_path / "m.xlsx", '<row r="1"/>' + rows, head=head)
    sheet = read_xlsx(path, "members")
    assert sheet.headers == {"member_no": "会员编号", "name": "姓名", "unit": "所属单位代码"}
    assert sheet.position() == 0
    got = list(sheet)
    assert [(n, r["name"]) for n, r in got] == [(4, "甲"), (7, "乙")]
    assert sheet.position() == 4 / 8
    assert opened[0]._archive.fp is None  # closed when the rows ran out

    no_dimension = handmade(tmp_path / "n.xlsx", rows)
    sheet = read_xlsx(no_dimension, "members")
    next(iter(sheet))
    assert 0 < (sheet.position() or 0) <= 1  # the share of the sheet's XML read
    sheet.close()
    assert opened[1]._archive.fp is None  # closed by Sheet.close half-way

    empty = handmade(tmp_path / "e.xlsx", '<row r="1"/><row r="2"><c r="A2"/></row>')
    with pytest.raises(LedgerFileError) as info:
        read_xlsx(empty, "members")
    assert info.value.zh == "工作表是空的" and opened[2]._archive.fp is None


def test_damage_half_way_stops_the_file_with_the_row(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(readers, "CALAMINE_LIMIT", 0)
    header = (
        '<row r="1"><c t="inlineStr"><is><t>会员编号</t></is></c>'
        '<c t="inlineStr"><is><t>姓名</t></is></c><c t="inlineStr"><is><t>所属单位代码</t></is></c>'
        "</row>"
    )
    body = '<row r="2"><c><v>1</v></c><c t="inlineStr"><is><t>甲</t></is></c><c><v>1</v></c></row>'
    path = handmade(tmp_path / "bad.xlsx", header + body + '<row r="3"><c><v>2</c></row>')
    sheet = read_xlsx(path, "members")
    rows = iter(sheet)
    assert next(rows)[0] == 2
    with pytest.raises(LedgerFileError) as info:
        next(rows)
    assert "第 2 行之后损坏" in info.value.zh and info.value.row == 3


def test_not_a_workbook(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(readers, "CALAMINE_LIMIT", 0)
    no_workbook = tmp_path / "no-workbook.xlsx"
    with zipfile.ZipFile(no_workbook, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", f'<worksheet xmlns="{SHEET_NS}"/>')
    not_a_zip = tmp_path / "not-a-zip.xlsx"
    not_a_zip.write_bytes(b"PK\x03\x04 this is no zip")
    broken_xml = handmade(tmp_path / "broken.xlsx", "")
    with zipfile.ZipFile(broken_xml, "a") as archive:
        archive.writestr("xl/styles.xml", "<styleSheet")
    for path in (no_workbook, not_a_zip, broken_xml):
        with pytest.raises(LedgerFileError) as info:
            readers._read_streamed(path, "members")
        assert "无法作为 Excel 工作簿打开" in info.value.zh, path.name
    with pytest.raises(LedgerFileError):  # read_xlsx takes this one to the streaming reader
        read_xlsx(no_workbook, "members")
    with pytest.raises(WorkbookError):
        XlsxWorkbook(not_a_zip)


# -- memory ------------------------------------------------------------------------------------


def test_memory_stays_flat_whatever_the_number_of_rows(tmp_path: Path) -> None:
    """Peak traced memory after 80,000 rows is that after 20,000: nothing is kept per row.
    (Measured the same way, openpyxl's read-only reader grows by ~80 bytes a row: 5 MB.)
    The sheet is written by hand, rows of a number and a shared string, because xlsxwriter
    takes several seconds for it and tracing every allocation slows reading threefold."""
    total, checkpoint = 80_000, 20_000
    shared = [f"<si><t>会员{i}</t></si>" for i in range(97)]

    def sheet_rows() -> Iterator[str]:
        for r in range(1, total + 1):
            yield (
                f'<row r="{r}"><c r="A{r}"><v>{r}</v></c>'
                f'<c r="B{r}" t="s"><v>{r % 97}</v></c></row>'
            )

    path = handmade(tmp_path / "big.xlsx", sheet_rows(), shared=shared)
    with XlsxWorkbook(path) as book:
        rows = book.rows(book.sheet_names[0])
        tracemalloc.start()
        try:
            for number, values in rows:
                if number == checkpoint:
                    early_current, early_peak = tracemalloc.get_traced_memory()
                    assert values == [checkpoint, f"会员{checkpoint % 97}"]
            late_current, late_peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert number == total
    assert late_peak - early_peak < 256 * 1024, (early_peak, late_peak)
    assert late_current - early_current < 64 * 1024, (early_current, late_current)
    assert late_peak < 2 * 1024 * 1024
