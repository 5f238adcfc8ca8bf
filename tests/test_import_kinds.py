"""Every kind imports from CSV and XLSX, with Chinese and with English headers; a second import of
the same file changes nothing."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date
from pathlib import Path

import pytest

from kexie_core.ledger import import_records
from kexie_core.testing import TEST_KEY

from .test_ledger_support import (
    ID_A,
    NEEDS,
    SAMPLES,
    TABLES,
    USCC_A,
    count,
    rows_of,
    write_ledger,
)


def load(session, kind: str, tmp_path: Path, suffix: str = ".csv", lang: str = "zh"):
    path = write_ledger(tmp_path / f"{kind}-{lang}{suffix}", kind, SAMPLES[kind], lang=lang)
    return import_records(session, kind, path, keep_problems=10)


def _check_units(engine) -> None:
    tree = rows_of(
        engine,
        "SELECT a.code, d.code, t.depth FROM unit_tree t JOIN unit a ON a.id = t.ancestor_id "
        "JOIN unit d ON d.id = t.descendant_id WHERE d.code = '371323-XX-1' ORDER BY t.depth",
    )
    assert [(a, depth) for a, _, depth in tree] == [
        ("371323-XX-1", 0),
        ("371323-XX", 1),
        ("371323", 2),
        ("371300", 3),
    ]
    assert rows_of(engine, "SELECT kind, founded_on FROM unit WHERE code = '371323-XX'") == [
        ("institution", date(2018, 5, 4))
    ]
    linked = rows_of(
        engine,
        f"SELECT u.code FROM host h JOIN unit u ON u.id = h.unit_id WHERE h.uscc = '{USCC_A}'",
    )
    assert linked == [("E-YS02",)]


def _check_hosts(engine) -> None:
    assert rows_of(engine, f"SELECT category, science_type FROM host WHERE uscc = '{USCC_A}'") == [
        ("industrial_above_size", True)
    ]
    assert rows_of(engine, "SELECT uscc, category FROM host WHERE name = '临沂高新区某中学'") == [
        (None, "middle_school")
    ]


def _check_members(engine) -> None:
    (row,) = rows_of(
        engine,
        "SELECT id_hash, id_masked, gender, birth_date, phone, degree, title_level, "
        "expert_level, linyi_native, joined_on FROM member WHERE member_no = 'M001'",
    )
    expected_hash = hmac.new(TEST_KEY, ID_A.encode(), hashlib.sha256).hexdigest()
    assert row == (
        expected_hash,
        ID_A[:3] + "*" * 14 + ID_A[-1],
        "male",
        date(1980, 5, 17),
        "13812345678",
        "doctorate",
        "senior",
        "academician",
        True,
        date(2019, 7, 1),
    )
    assert rows_of(
        engine, "SELECT phone, study_status, joined_on FROM member WHERE member_no = 'M002'"
    ) == [("0539-8123456", "postdoc", date(2020, 3, 5))]


def _check_memberships(engine) -> None:
    assert rows_of(
        engine,
        "SELECT m.member_no, u.code, s.role FROM membership s JOIN member m ON m.id = s.member_id "
        "JOIN unit u ON u.id = s.unit_id ORDER BY m.member_no",
    ) == [("M001", "E-YS01", "理事"), ("M002", "S-NXH", "会员")]


def _check_work_items(engine) -> None:
    (w1,) = rows_of(
        engine,
        "SELECT kind, area, participants, hours, started_on, ended_on FROM work_item "
        "WHERE external_id = 'W1'",
    )
    assert w1 == ("training", "7", 80, 16.0, date(2026, 7, 1), date(2026, 7, 1))
    assert rows_of(
        engine,
        "SELECT m.member_no FROM work_item_member x JOIN member m ON m.id = x.member_id "
        "ORDER BY m.member_no",
    ) == [("M001",), ("M002",)]
    assert rows_of(engine, "SELECT kind, area FROM work_item WHERE external_id IS NULL") == [
        ("study_session", "1")
    ]


def _check_platforms(engine) -> None:
    assert rows_of(engine, "SELECT code, kind FROM platform ORDER BY code") == [
        ("P1", "home_of_workers"),
        ("P2", "media_account"),
    ]


def _check_targets(engine) -> None:
    assert rows_of(engine, "SELECT metric, period, value FROM target ORDER BY metric") == [
        ("members_total", "2026", 1200.0),
        ("work_items", "2026H1", 12.5),
    ]


CHECKS = {
    "units": _check_units,
    "hosts": _check_hosts,
    "members": _check_members,
    "memberships": _check_memberships,
    "work-items": _check_work_items,
    "platforms": _check_platforms,
    "targets": _check_targets,
}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("kind", list(SAMPLES))
def test_each_kind_imports_and_reimports_as_a_no_op(
    kexie_linyi, engine, tmp_path, kind, suffix, lang
) -> None:
    for needed in NEEDS[kind]:
        assert load(kexie_linyi, needed, tmp_path).ok
    before = count(engine, TABLES[kind])
    first = load(kexie_linyi, kind, tmp_path, suffix, lang)
    assert first.ok, first.problems
    assert (first.created, first.updated, first.rejected) == (len(SAMPLES[kind]), 0, 0)
    assert count(engine, TABLES[kind]) == before + len(SAMPLES[kind])
    CHECKS[kind](engine)
    again = load(kexie_linyi, kind, tmp_path, suffix, lang)
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(SAMPLES[kind]))
    assert not again.loaded


def test_json_imports_too(kexie_linyi, engine, tmp_path) -> None:
    result = load(kexie_linyi, "members", tmp_path, ".json")
    assert (result.created, result.rejected) == (3, 0)
    _check_members(engine)


def test_an_import_writes_one_audit_entry_per_batch_not_per_row(kexie_linyi, engine, tmp_path):
    rows = [{"member_no": f"A{i:03d}", "name": "甲", "unit": "371323"} for i in range(25)]
    path = write_ledger(tmp_path / "m.csv", "members", rows)
    result = import_records(kexie_linyi, "members", path, batch_size=10)
    assert (result.created, result.batches) == (25, 3)
    entries = rows_of(
        engine, "SELECT actor, action, entity, entity_key FROM audit_log WHERE action = 'import'"
    )
    assert entries == [("371300", "import", "member", "m.csv")] * 3
    # Unchanged batches change nothing, so they are not logged.
    import_records(kexie_linyi, "members", path, batch_size=10)
    assert count(engine, "audit_log") == len(rows_of(engine, "SELECT id FROM audit_log"))
    assert len(rows_of(engine, "SELECT id FROM audit_log WHERE action = 'import'")) == 3


def test_only_the_columns_a_file_has_are_updated(kexie_linyi, engine, tmp_path) -> None:
    load(kexie_linyi, "members", tmp_path)
    phones = write_ledger(
        tmp_path / "phones.csv",
        "members",
        [{"member_no": "M001", "name": "张伟", "unit": "371323", "phone": "13900000000"}],
    )
    result = import_records(kexie_linyi, "members", phones)
    assert (result.updated, result.unchanged) == (1, 0)
    # Degree, ID hash and join date were not in the file: they are kept.
    assert rows_of(
        engine,
        "SELECT phone, degree, id_hash IS NOT NULL, joined_on FROM member WHERE member_no = 'M001'",
    ) == [("13900000000", "doctorate", True, date(2019, 7, 1))]
    # A blank cell in a column the file has clears the field.
    cleared = write_ledger(
        tmp_path / "cleared.csv",
        "members",
        [{"member_no": "M001", "name": "张伟", "unit": "371323", "phone": ""}],
        fields=["member_no", "name", "unit", "phone"],
    )
    assert import_records(kexie_linyi, "members", cleared).updated == 1
    assert rows_of(engine, "SELECT phone FROM member WHERE member_no = 'M001'") == [(None,)]


def test_excel_cells_numbers_dates_and_booleans(kexie_linyi, engine, tmp_path) -> None:
    # What Excel makes of a ledger: codes as numbers, dates as date cells, 是/否 as booleans.
    rows = [
        {
            "member_no": 1001,
            "name": "赵敏",
            "unit": 371323,
            "phone": 13812345678,
            "linyi_native": True,
            "joined_on": date(2021, 3, 4),
            "birth_date": date(1990, 1, 2),
        }
    ]
    path = write_ledger(tmp_path / "excel.xlsx", "members", rows)
    result = import_records(kexie_linyi, "members", path, keep_problems=5)
    assert result.ok, result.problems
    assert rows_of(
        engine,
        "SELECT m.member_no, u.code, m.phone, m.linyi_native, m.joined_on, m.birth_date "
        "FROM member m JOIN unit u ON u.id = m.unit_id",
    ) == [("1001", "371323", "13812345678", True, date(2021, 3, 4), date(1990, 1, 2))]


def test_work_items_without_an_id_match_on_unit_kind_title_and_date(kexie_linyi, tmp_path):
    load(kexie_linyi, "members", tmp_path)
    rows = [
        {
            "kind": "理论学习",
            "unit": "GXQ",
            "title": "理论学习会",
            "started_on": "2026-06-03",
            "participants": 30,
        }
    ]
    path = write_ledger(tmp_path / "w.csv", "work-items", rows)
    assert import_records(kexie_linyi, "work-items", path).created == 1
    assert import_records(kexie_linyi, "work-items", path).unchanged == 1
    rows[0]["participants"] = 35
    write_ledger(path, "work-items", rows)
    again = import_records(kexie_linyi, "work-items", path)
    assert (again.created, again.updated) == (0, 1)


def test_participants_are_replaced_when_they_change(kexie_linyi, engine, tmp_path) -> None:
    load(kexie_linyi, "members", tmp_path)
    load(kexie_linyi, "work-items", tmp_path)
    rows = [dict(SAMPLES["work-items"][0], member_nos=["M003"])]
    path = write_ledger(tmp_path / "w.csv", "work-items", rows)
    assert import_records(kexie_linyi, "work-items", path).updated == 1
    assert rows_of(
        engine,
        "SELECT m.member_no FROM work_item_member x JOIN member m ON m.id = x.member_id",
    ) == [("M003",)]
