"""Bad rows never half-load: each kind of mistake gives the right error row, good rows load by
default, and ``strict`` loads nothing at all."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from kexie_core.ledger import errorfile, import_records
from kexie_core.model.identifiers import mask_phone, mask_resident_id

from .test_ledger_support import ID_A, ID_B, count, rows_of, write_ledger

GOOD = {"member_no": "M001", "name": "张伟", "unit": "371323", "id_number": ID_A}
WRONG_CHECK = ID_B[:-1] + ("0" if ID_B[-1] != "0" else "1")


def members_file(tmp_path: Path, *bad: dict, name: str = "members.csv") -> Path:
    return write_ledger(tmp_path / name, "members", [GOOD, *bad])


CASES = {
    "wrong check digit": (
        {"member_no": "M002", "name": "李娜", "unit": "371323", "id_number": WRONG_CHECK},
        "身份证号",
        "校验码错误",
        "check character is wrong",
    ),
    "impossible date": (
        {"member_no": "M002", "name": "李娜", "unit": "371323", "joined_on": "2026-02-30"},
        "入会日期",
        "2026-02-30 不是真实存在的日期",
        "2026-02-30 is not a real date",
    ),
    "unknown unit code": (
        {"member_no": "M002", "name": "李娜", "unit": "999999"},
        "所属单位代码",
        "单位代码 999999 不存在",
        "unit 999999 does not exist",
    ),
    "duplicate key": (
        {"member_no": "M001", "name": "张伟（重复）", "unit": "371323"},
        "会员编号",
        "与第 2 行重复",
        "duplicate of row 2",
    ),
    "duplicate ID number": (
        {"member_no": "M002", "name": "李娜", "unit": "371323", "id_number": ID_A},
        "身份证号",
        "与第 2 行的身份证号相同",
        "same ID number as row 2",
    ),
    "outside the actor's subtree": (
        {"member_no": "M002", "name": "李娜", "unit": "371302"},
        "所属单位代码",
        "不在 371323",
        "outside the subtree of 371323",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_row_is_reported_and_the_good_ones_load(
    kexie_linyi, kexie_workspace, engine, tmp_path, case
) -> None:
    bad, column, zh, en = CASES[case]
    yishui = kexie_workspace.as_unit("371323")
    path = members_file(tmp_path, bad)
    result = import_records(yishui, "members", path)
    assert (result.created, result.rejected, result.ok) == (1, 1, False)
    assert count(engine, "member") == 1
    (error,) = errorfile.read(result.errors_file)
    assert error["行号"] == "3" and error["列"] == column
    assert zh in error["问题"] and en in error["message"]
    # The error file never holds a full ID number, only its masked form.
    text = Path(result.errors_file).read_text(encoding="utf-8-sig")
    assert ID_A not in text and ID_B not in text and WRONG_CHECK not in text


@pytest.mark.parametrize("case", list(CASES))
def test_strict_loads_nothing_when_a_row_is_bad(
    kexie_linyi, kexie_workspace, engine, tmp_path, case
) -> None:
    yishui = kexie_workspace.as_unit("371323")
    result = import_records(yishui, "members", members_file(tmp_path, CASES[case][0]), strict=True)
    assert (result.rejected, result.loaded, result.ok) == (1, False, False)
    assert count(engine, "member") == 0
    assert len(errorfile.read(result.errors_file)) == 1


def test_the_error_file_masks_what_it_shows(kexie_linyi, tmp_path) -> None:
    bad_id = {"member_no": "M002", "name": "李娜", "unit": "371323", "id_number": WRONG_CHECK}
    bad_phone = {"member_no": "M003", "name": "王强", "unit": "371323", "phone": "138123456"}
    result = import_records(kexie_linyi, "members", members_file(tmp_path, bad_id, bad_phone))
    raw = Path(result.errors_file).read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)  # Excel opens it without garbling
    rows = errorfile.read(result.errors_file)
    assert list(rows[0]) == ["行号", "列", "值", "问题", "message"]
    (id_error,) = [r for r in rows if r["列"] == "身份证号"]
    assert id_error["值"] == mask_resident_id(WRONG_CHECK)
    (phone_error,) = [r for r in rows if r["列"] == "手机号"]
    assert phone_error["值"] == mask_phone("138123456") and "138123456" not in raw.decode()
    assert result.errors_file == str(tmp_path / "members.errors.csv")


def test_a_duplicate_in_a_later_batch_is_caught(kexie_linyi, engine, tmp_path) -> None:
    rows = [{"member_no": f"M{i:03d}", "name": "甲", "unit": "371323"} for i in range(7)]
    rows.append({"member_no": "M001", "name": "乙", "unit": "371323"})
    path = write_ledger(tmp_path / "m.csv", "members", rows)
    for dry_run in (True, False):
        result = import_records(kexie_linyi, "members", path, batch_size=3, dry_run=dry_run)
        assert (result.created, result.rejected) == (7, 1)
        (error,) = errorfile.read(result.errors_file)
        assert error["行号"] == "9" and "与第 3 行重复" in error["问题"]
    assert rows_of(engine, "SELECT name FROM member WHERE member_no = 'M001'") == [("甲",)]


def test_a_missing_required_column_is_reported_once(kexie_linyi, engine, tmp_path) -> None:
    rows = [{"member_no": f"M{i}", "unit": "371323"} for i in range(5)]
    path = write_ledger(tmp_path / "m.csv", "members", rows)
    result = import_records(kexie_linyi, "members", path)
    assert result.file_error is not None and not result.ok
    assert count(engine, "member") == 0
    (error,) = errorfile.read(result.errors_file)
    assert error["行号"] == "1" and "缺少必填列：姓名（name）" in error["问题"]
    assert "missing required column(s): name" in error["message"]


def test_an_unknown_column_lists_the_accepted_ones(kexie_linyi, tmp_path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("会员编号,姓名,所属单位代码,爱好\nM1,甲,371323,下棋\n", encoding="utf-8")
    result = import_records(kexie_linyi, "members", path)
    assert result.file_error is not None
    assert (
        "不认识的列：爱好" in result.file_error.zh
        and "身份证号（id_number）" in result.file_error.zh
    )


def test_an_empty_file_and_a_header_only_file_load_nothing(kexie_linyi, engine, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    header_only = tmp_path / "header.csv"
    header_only.write_text("会员编号,姓名,所属单位代码\n", encoding="utf-8-sig")
    for path, zh in ((empty, "文件是空的"), (header_only, "没有数据行")):
        result = import_records(kexie_linyi, "members", path, strict=True)
        assert result.file_error is not None and zh in result.file_error.zh
        assert not result.ok
    assert count(engine, "member") == 0


def test_a_file_in_an_unreadable_encoding_loads_nothing(kexie_linyi, engine, tmp_path) -> None:
    path = tmp_path / "m.csv"
    path.write_bytes("会员编号,姓名,所属单位代码\nM1,张伟,371323\n".encode("utf-16-le"))
    result = import_records(kexie_linyi, "members", path)
    assert result.file_error is not None and "编码" in result.file_error.zh
    assert count(engine, "member") == 0


def test_gb18030_is_detected(kexie_linyi, engine, tmp_path) -> None:
    path = write_ledger(tmp_path / "m.csv", "members", [GOOD], encoding="gb18030")
    assert import_records(kexie_linyi, "members", path).created == 1
    assert rows_of(engine, "SELECT name FROM member") == [("张伟",)]


def test_a_row_pasted_in_another_encoding_fails_alone(kexie_linyi, engine, tmp_path) -> None:
    path = tmp_path / "m.csv"
    good = "会员编号,姓名,所属单位代码\nM1,张伟,371323\n".encode()
    pasted = "M2,李娜,371323\n".encode("gbk")
    path.write_bytes(codecs.BOM_UTF8 + good + pasted + "M3,王强,371323\n".encode())
    result = import_records(kexie_linyi, "members", path)
    assert (result.created, result.rejected) == (2, 1)
    (error,) = errorfile.read(result.errors_file)
    assert error["行号"] == "3" and "无法按 utf-8 解码" in error["问题"]


def test_numbers_that_lost_digits_in_excel_are_refused(kexie_linyi, engine, tmp_path) -> None:
    rows = [dict(GOOD, id_number=float(ID_A[:17] + "1"))]
    result = import_records(
        kexie_linyi, "members", write_ledger(tmp_path / "m.xlsx", "members", rows)
    )
    (error,) = errorfile.read(result.errors_file)
    assert "被存成了数字" in error["问题"] and "format the column as text" in error["message"]
    assert count(engine, "member") == 0


def test_dry_run_counts_and_writes_nothing(kexie_linyi, engine, tmp_path) -> None:
    path = members_file(tmp_path, {"member_no": "M002", "name": "李娜", "unit": "371323"})
    result = import_records(kexie_linyi, "members", path, dry_run=True)
    assert (result.created, result.rejected, result.loaded) == (2, 0, False)
    assert count(engine, "member") == 0
    assert len(rows_of(engine, "SELECT id FROM audit_log WHERE action = 'import'")) == 0


def test_an_id_number_another_member_has_is_refused(kexie_linyi, engine, tmp_path) -> None:
    import_records(kexie_linyi, "members", members_file(tmp_path))
    other = write_ledger(
        tmp_path / "other.csv",
        "members",
        [{"member_no": "M009", "name": "冒名", "unit": "GXQ", "id_number": ID_A}],
    )
    result = import_records(kexie_linyi, "members", other)
    (error,) = errorfile.read(result.errors_file)
    assert "已有会员（M001）使用这个身份证号" in error["问题"]
    assert count(engine, "member") == 1


def test_a_member_kept_outside_the_subtree_cannot_be_changed(
    kexie_linyi, kexie_workspace, engine, tmp_path
) -> None:
    kexie_linyi.add_member({"member_no": "M001", "name": "张伟", "unit": "371302"})
    path = write_ledger(
        tmp_path / "m.csv", "members", [{"member_no": "M001", "name": "改名", "unit": "371323"}]
    )
    result = import_records(kexie_workspace.as_unit("371323"), "members", path)
    assert (result.rejected, result.updated) == (1, 0)
    assert rows_of(engine, "SELECT name FROM member") == [("张伟",)]


def test_a_masked_id_number_keeps_what_is_stored(kexie_linyi, engine, tmp_path) -> None:
    import_records(kexie_linyi, "members", members_file(tmp_path))
    before = rows_of(engine, "SELECT id_hash, id_masked FROM member")
    masked = write_ledger(
        tmp_path / "masked.csv", "members", [dict(GOOD, id_number=mask_resident_id(ID_A))]
    )
    result = import_records(kexie_linyi, "members", masked)
    assert (result.unchanged, result.rejected) == (1, 0)
    assert rows_of(engine, "SELECT id_hash, id_masked FROM member") == before
    junk = write_ledger(tmp_path / "junk.csv", "members", [dict(GOOD, id_number="37*12")])
    assert import_records(kexie_linyi, "members", junk).rejected == 1


def test_work_item_problems_name_the_field(kexie_linyi, tmp_path) -> None:
    rows = [
        {"kind": "不存在的类型", "unit": "371323", "title": "甲", "started_on": "2026-01-05"},
        {
            "kind": "training",
            "unit": "371323",
            "title": "乙",
            "started_on": "2026-01-05",
            "details": {"days": -2},
        },
        {
            "kind": "training",
            "unit": "371323",
            "title": "丙",
            "started_on": "2026-01-05",
            "member_nos": ["NOBODY"],
        },
        {
            "kind": "training",
            "unit": "371323",
            "title": "丁",
            "started_on": "2026-01-05",
            "details": "{not json",
        },
    ]
    path = write_ledger(tmp_path / "w.csv", "work-items", rows)
    result = import_records(kexie_linyi, "work-items", path)
    errors = {int(e["行号"]): e for e in errorfile.read(result.errors_file)}
    assert "未知的工作事项类型" in errors[2]["问题"] and errors[2]["列"] == "事项类型"
    assert errors[3]["列"] == "详情" and "不能小于 0" in errors[3]["问题"]
    assert errors[4]["列"] == "相关会员编号" and "NOBODY" in errors[4]["问题"]
    assert errors[5]["列"] == "详情" and "JSON" in errors[5]["问题"]
    assert result.rejected == 4


def test_a_legacy_credit_code_loads_with_a_warning(kexie_linyi, engine, tmp_path) -> None:
    from .test_ledger_support import USCC_A

    legacy = USCC_A[:-1] + ("0" if USCC_A[-1] != "0" else "1")
    rows = [{"name": "老企业", "uscc": legacy, "category": "其他", "territory": "371323"}]
    result = import_records(kexie_linyi, "hosts", write_ledger(tmp_path / "h.csv", "hosts", rows))
    assert (result.created, result.warnings, result.rejected, result.ok) == (1, 1, 0, True)
    (warning,) = errorfile.read(result.errors_file)
    assert warning["问题"].startswith("（警告，已导入）") and "按旧代码保留" in warning["问题"]


def test_a_masked_phone_keeps_the_stored_one_and_is_not_stored_for_a_new_member(
    kexie_linyi, engine, tmp_path
) -> None:
    first = write_ledger(tmp_path / "first.csv", "members", [dict(GOOD, phone="13812345678")])
    import_records(kexie_linyi, "members", first)
    rows = [
        dict(GOOD, phone="138****5678"),
        {"member_no": "M009", "name": "新人", "unit": "371323", "phone": "139****0000"},
    ]
    result = import_records(
        kexie_linyi, "members", write_ledger(tmp_path / "p.csv", "members", rows)
    )
    assert (result.created, result.unchanged, result.warnings, result.ok) == (1, 1, 1, True)
    (warning,) = errorfile.read(result.errors_file)
    assert warning["行号"] == "3" and "脱敏" in warning["问题"] and warning["值"] == "139****0000"
    assert rows_of(engine, "SELECT member_no, phone FROM member ORDER BY member_no") == [
        ("M001", "13812345678"),
        ("M009", None),
    ]
