"""Exports: what the actor may see, personal numbers masked, typed XLSX cells, formulas
neutralised; and export → import restores the same records."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from kexie_core import ScopeError
from kexie_core.ledger import import_records
from kexie_core.ledger.export import export_records
from kexie_core.ledger.writers import write_csv, write_json, write_xlsx
from kexie_core.model.identifiers import mask_phone, mask_resident_id

from .test_ledger_support import ID_A, ID_B, MEMBERS, rows_of, write_ledger

WRITERS = {".csv": write_csv, ".json": write_json, ".xlsx": write_xlsx}


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.fixture
def members(kexie_linyi, tmp_path):
    result = import_records(
        kexie_linyi, "members", write_ledger(tmp_path / "m.csv", "members", MEMBERS)
    )
    assert result.ok
    return kexie_linyi


def test_personal_numbers_are_masked(members, tmp_path) -> None:
    out = io.BytesIO()
    write_csv(export_records(members, "members"), out)
    text = out.getvalue().decode("utf-8")
    assert ID_A not in text and ID_B not in text and "13812345678" not in text
    first = csv_rows(out.getvalue())[0]
    assert first["身份证号"] == mask_resident_id(ID_A)
    assert first["手机号"] == mask_phone("13812345678")
    assert first["学历"] == "博士" and first["临沂籍"] == "是"  # Chinese labels by default


def test_include_personal_is_for_the_root_only_and_audited(
    members, kexie_workspace, engine
) -> None:
    with pytest.raises(ScopeError, match="only the root unit"):
        export_records(kexie_workspace.as_unit("371323"), "members", include_personal=True)
    out = io.BytesIO()
    write_json(export_records(members, "members", include_personal=True), out)
    records = json.loads(out.getvalue())
    assert records[0]["phone"] == "13812345678"
    assert records[0]["id_number"] == mask_resident_id(ID_A)  # the full ID is never stored
    assert rows_of(
        engine, "SELECT actor, action, entity FROM audit_log WHERE action = 'export_personal'"
    ) == [("371300", "export_personal", "member")]


def test_an_actor_exports_its_own_subtree_only(members, kexie_workspace) -> None:
    yishui = kexie_workspace.as_unit("371323")
    numbers = [r["member_no"] for r in export_records(yishui, "members")]
    assert numbers == ["M001", "M002"]  # M003 is kept by the 高新区, outside 沂水县
    assert [r["member_no"] for r in export_records(members, "members", unit="GXQ")] == ["M003"]
    with pytest.raises(ScopeError):
        export_records(yishui, "members", unit="GXQ")


def test_formulas_are_neutralised(kexie_linyi, tmp_path) -> None:
    rows = [
        {"member_no": "F1", "name": '=HYPERLINK("http://x","点我")', "unit": "371323"},
        {"member_no": "F2", "name": "+86", "unit": "371323", "employer": "@SUM(A1)"},
        {"member_no": "F3", "name": "-1", "unit": "371323", "field": "正常文本"},
    ]
    import_records(kexie_linyi, "members", write_ledger(tmp_path / "f.csv", "members", rows))
    records = export_records(kexie_linyi, "members")
    out = io.BytesIO()
    write_csv(records, out)
    got = {r["会员编号"]: r for r in csv_rows(out.getvalue())}
    assert got["F1"]["姓名"] == '\'=HYPERLINK("http://x","点我")'
    assert got["F2"]["姓名"] == "'+86" and got["F2"]["工作单位"] == "'@SUM(A1)"
    assert got["F3"]["姓名"] == "'-1" and got["F3"]["专业领域"] == "正常文本"
    xlsx = tmp_path / "f.xlsx"
    write_xlsx(records, xlsx)
    sheet = openpyxl.load_workbook(xlsx).active
    names = {row[0].value: row[1] for row in sheet.iter_rows(min_row=2)}
    assert names["F1"].data_type == "s"  # a string cell, never a formula
    assert names["F1"].value.startswith("=HYPERLINK")
    # Read back, the neutralised values are the same text again.
    path = tmp_path / "back.csv"
    path.write_bytes(out.getvalue())
    assert import_records(kexie_linyi, "members", path).unchanged == 3


def test_xlsx_cells_are_typed_and_the_header_frozen(members, kexie_linyi, tmp_path) -> None:
    import_records(
        kexie_linyi,
        "work-items",
        write_ledger(
            tmp_path / "w.csv",
            "work-items",
            [
                {
                    "external_id": "W1",
                    "kind": "training",
                    "unit": "371323",
                    "title": "培训",
                    "started_on": "2026-07-01",
                    "participants": 80,
                    "hours": 2.5,
                }
            ],
        ),
    )
    path = tmp_path / "m.xlsx"
    write_xlsx(export_records(members, "members"), path)
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet.title == "会员" and sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    row = {h: c for h, c in zip(header, sheet[2], strict=True)}
    assert row["身份证号"].data_type == "s" and row["身份证号"].number_format == "@"
    assert row["会员编号"].data_type == "s"
    assert isinstance(row["入会日期"].value, datetime)
    assert row["入会日期"].value.date() == date(2019, 7, 1)
    work = tmp_path / "w.xlsx"
    write_xlsx(export_records(kexie_linyi, "work-items"), work, lang="en")
    sheet = openpyxl.load_workbook(work).active
    header = [c.value for c in sheet[1]]
    row = {h: c.value for h, c in zip(header, sheet[2], strict=True)}
    assert sheet.title == "work-items" and header[0] == "external_id"
    assert row["participants"] == 80 and row["hours"] == 2.5 and row["kind"] == "training"


@pytest.mark.parametrize("suffix", list(WRITERS))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_kind_reads_back_unchanged(members, kexie_linyi, tmp_path, suffix, lang) -> None:
    from .test_ledger_support import NEEDS, SAMPLES

    for kind in ("hosts", "units", "memberships", "work-items", "platforms", "targets"):
        for needed in NEEDS[kind]:
            import_records(
                kexie_linyi,
                needed,
                write_ledger(tmp_path / f"{needed}.csv", needed, SAMPLES[needed]),
            )
        import_records(
            kexie_linyi, kind, write_ledger(tmp_path / f"{kind}.csv", kind, SAMPLES[kind])
        )
    for kind in SAMPLES:
        path = tmp_path / f"export-{kind}{suffix}"
        WRITERS[suffix](export_records(kexie_linyi, kind), path, lang=lang)
        result = import_records(kexie_linyi, kind, path, keep_problems=3)
        assert result.ok, (kind, result.problems)
        assert (result.created, result.updated) == (0, 0), (kind, result)
        assert result.unchanged > 0


def test_exports_stream_a_large_set(kexie_linyi, tmp_path) -> None:
    rows = [{"member_no": f"S{i:05d}", "name": "流", "unit": "371323"} for i in range(5000)]
    import_records(kexie_linyi, "members", write_ledger(tmp_path / "s.csv", "members", rows))
    out = tmp_path / "s.json"
    assert write_json(export_records(kexie_linyi, "members"), out) == 5000
    lines = Path(out).read_text(encoding="utf-8").splitlines()
    assert lines[0] == "[" and lines[-1] == "]" and len(lines) == 5002
    assert json.loads(Path(out).read_text(encoding="utf-8"))[4999]["member_no"] == "S04999"
