"""Reading ledger files: encodings, headers in both languages, Excel's cells, JSON layouts, and
messages in Chinese and English. No database."""

from __future__ import annotations

import codecs
import json
from datetime import date, datetime
from pathlib import Path

import pytest

from kexie_core.ledger import readers
from kexie_core.ledger.cells import BAD_ENCODING, EXTRA, CellReader
from kexie_core.ledger.columns import KINDS
from kexie_core.ledger.messages import translate
from kexie_core.ledger.readers import LedgerFileError, read_csv, read_json, read_xlsx
from kexie_core.ledger.safety import neutralise, restore

from .test_ledger_support import ID_A, write_ledger

HEADER = "会员编号,姓名,所属单位代码\n"


def rows(sheet) -> list[tuple[int, dict]]:
    with sheet:
        return list(sheet)


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"], ids=lambda e: e or "none"
)
def test_csv_encodings(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "m.csv"
    path.write_bytes((HEADER + "M1,张伟,371323\n").encode(encoding))
    sheet = read_csv(path, "members")
    assert sheet.headers == {"member_no": "会员编号", "name": "姓名", "unit": "所属单位代码"}
    assert rows(sheet) == [(2, {"member_no": "M1", "name": "张伟", "unit": "371323"})]


def test_tab_separated_english_headers_and_blank_rows(tmp_path: Path) -> None:
    path = tmp_path / "m.txt"
    path.write_text("member_no\tname\tunit\n\t\t\nM1\t张伟\t371323\n", encoding="utf-8")
    assert rows(read_csv(path, "members")) == [
        (3, {"member_no": "M1", "name": "张伟", "unit": "371323"})
    ]


def test_a_quoted_field_may_span_lines(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text(HEADER + 'M1,"张\n伟",371323\nM2,李娜,371323\n', encoding="utf-8")
    assert [(n, r["name"]) for n, r in rows(read_csv(path, "members"))] == [
        (2, "张\n伟"),
        (3, "李娜"),
    ]


def test_cells_without_a_header_and_undecodable_rows_are_marked(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    body = HEADER.encode() + "M1,张伟,371323,多余\n".encode() + "M2,李娜,371323\n".encode("gbk")
    path.write_bytes(body)
    (first, second) = rows(read_csv(path, "members"))
    assert first[1][EXTRA] == "多余"
    assert second[1][BAD_ENCODING] == "utf-8"


@pytest.mark.parametrize(
    ("content", "zh"),
    [
        (b"", "文件是空的"),
        (b"PK\x03\x04rest", "XLSX"),
        ("会员编号,姓名\n".encode("utf-16-le"), "编码"),
        ("会员编号,名字,所属单位代码\n".encode(), "不认识的列：名字"),
        ("会员编号,姓名,手机号,联系电话,所属单位代码\n".encode(), "是同一列"),
        ("会员编号,所属单位代码\n".encode(), "缺少必填列：姓名（name）"),
    ],
)
def test_file_level_problems(tmp_path: Path, content: bytes, zh: str) -> None:
    path = tmp_path / "m.csv"
    path.write_bytes(content)
    with pytest.raises(LedgerFileError) as info:
        rows(read_csv(path, "members"))
    assert zh in info.value.zh and info.value.en and info.value.row == 1


@pytest.mark.parametrize("reader", ["calamine", "streamed"])
def test_xlsx_sheet_by_kind_and_typed_cells(tmp_path: Path, monkeypatch, reader: str) -> None:
    if reader == "streamed":
        monkeypatch.setattr(readers, "CALAMINE_LIMIT", 0)  # as for a large workbook
    import xlsxwriter

    path = tmp_path / "m.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("说明").write(0, 0, "本表为会员台账")
    sheet = book.add_worksheet("会员")
    sheet.write_row(0, 0, ["会员编号", "姓名", "所属单位代码", "入会日期", "临沂籍"])
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_number(1, 0, 1001)
    sheet.write_string(1, 1, "张伟")
    sheet.write_number(1, 2, 371323)
    sheet.write_datetime(1, 3, date(2021, 3, 4), day)
    sheet.write_boolean(1, 4, True)
    book.close()
    ((number, row),) = rows(read_xlsx(path, "members"))
    data, masked, problems = CellReader(KINDS["members"]).read(row)
    assert number == 2 and not problems and not masked
    assert data["member_no"] == "1001" and data["unit"] == "371323"
    assert data["joined_on"] == date(2021, 3, 4) and data["linyi_native"] is True


def test_excel_numbers_that_lost_digits_are_refused() -> None:
    cells = CellReader(KINDS["members"])
    for value in (3.713231980051712e17, 371323198005171200, "3.71323E+17"):
        _, _, problems = cells.read({"member_no": "M1", "id_number": value})
        assert problems and "后几位已丢失" in problems[0].zh
    data, _, problems = cells.read({"member_no": "M1", "id_number": 371323800517121})
    assert not problems and data["id_number"] == "371323800517121"  # 15 digits survive


def test_masked_personal_numbers_are_set_aside() -> None:
    cells = CellReader(KINDS["members"])
    data, masked, problems = cells.read({"id_number": "371**************X", "phone": "138****5678"})
    assert masked == {"id_number", "phone"} and not problems and not data


def test_formula_apostrophes_are_dropped_only_where_exports_put_them() -> None:
    for text in ("=1+1", "+86", "-1", "@x", "'=x", "''@y", "'plain", "plain"):
        assert restore(neutralise(text)) == text
    assert neutralise("=1+1") == "'=1+1" and neutralise("'plain") == "'plain"
    spreadsheet = CellReader(KINDS["members"])
    plain = CellReader(KINDS["members"], restore_formulas=False)
    assert spreadsheet.read({"name": "'=1+1"})[0]["name"] == "=1+1"
    assert plain.read({"name": "'=1+1"})[0]["name"] == "'=1+1"


def test_json_layouts(tmp_path: Path) -> None:
    records = [
        {"member_no": "M1", "name": "张伟", "unit": "371323"},
        {"会员编号": "M2", "姓名": "李娜", "所属单位代码": "371323"},
    ]
    ours = tmp_path / "ours.json"
    ours.write_text(
        "[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n]\n",
        encoding="utf-8",
    )
    pretty = tmp_path / "pretty.json"
    pretty.write_text(json.dumps(records, ensure_ascii=False, indent=2), encoding="utf-8")
    compact = tmp_path / "compact.json"
    compact.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    lines = tmp_path / "lines.jsonl"
    lines.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8"
    )
    for path in (ours, pretty, compact, lines):
        got = rows(read_json(path, "members"))
        assert [n for n, _ in got] == [2, 3], path.name
        assert got[1][1] == {"member_no": "M2", "name": "李娜", "unit": "371323"}


def test_messages_are_translated_and_never_echo_a_number() -> None:
    zh, field = translate(
        f"resident ID {ID_A[:3]}**************{ID_A[-1]}: check character is wrong"
    )
    assert zh.startswith("身份证号") and zh.endswith("校验码错误") and field == "id_number"
    assert translate("2026-02-30 is not a real date")[0] == "2026-02-30 不是真实存在的日期"
    assert translate("left_on is before joined_on") == (
        "退出（退会）日期早于加入（入会）日期",
        "left_on",
    )
    assert (
        translate("a plug-in's own words (county-rules)")[0]
        == "a plug-in's own words (county-rules)"
    )


def test_written_ledgers_have_bom_for_excel(tmp_path: Path) -> None:
    path = write_ledger(
        tmp_path / "m.csv", "members", [{"member_no": "M1", "name": "甲", "unit": "371323"}]
    )
    assert path.read_bytes().startswith(codecs.BOM_UTF8)
    assert rows(read_csv(path, "members"))[0][1]["member_no"] == "M1"
    assert isinstance(datetime.now(), datetime)
