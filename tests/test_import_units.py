"""Importing units: the first import builds the tree; parents may come later in the file; cycles,
orphans and moves outside the actor's subtree are refused; hosts are linked."""

from __future__ import annotations

from pathlib import Path

from kexie_core.ledger import errorfile, import_records
from kexie_core.metrics import compute_metrics
from kexie_core.testing import LINYI_UNITS

from .test_ledger_support import USCC_A, count, rows_of, write_ledger


def units_file(tmp_path: Path, rows: list[dict], name: str = "units.csv") -> Path:
    return write_ledger(tmp_path / name, "units", rows, fields=_fields(rows))


def _fields(rows: list[dict]) -> list[str]:
    from .test_ledger_support import fields_of

    return fields_of("units", rows)


def errors_by_row(result) -> dict[int, dict[str, str]]:
    return {int(e["行号"]): e for e in errorfile.read(result.errors_file)}


def ancestors(engine, code: str) -> list[str]:
    rows = rows_of(
        engine,
        "SELECT a.code FROM unit_tree t JOIN unit a ON a.id = t.ancestor_id "
        f"JOIN unit d ON d.id = t.descendant_id WHERE d.code = '{code}' ORDER BY t.depth",
    )
    return [r[0] for r in rows]


def test_the_first_import_builds_the_tree_children_before_parents(
    kexie_workspace, engine, tmp_path
) -> None:
    # Children first: the file is read as a whole before anything is written.
    rows = [dict(u) for u in reversed(LINYI_UNITS)]
    result = import_records(kexie_workspace, "units", units_file(tmp_path, rows))
    assert (result.created, result.rejected) == (len(LINYI_UNITS), 0), result
    assert ancestors(engine, "371323-YC") == ["371323-YC", "371323", "371300"]
    assert rows_of(engine, "SELECT actor FROM audit_log WHERE action = 'import'") == [("371300",)]
    assert kexie_workspace.as_root().actor.code == "371300"


def test_only_one_root_and_no_orphans(kexie_workspace, engine, tmp_path) -> None:
    rows = [
        {"code": "A", "name": "甲", "kind": "municipal"},
        {"code": "B", "name": "乙", "kind": "municipal"},
        {"code": "C", "name": "丙", "kind": "county", "parent": "NOWHERE"},
    ]
    result = import_records(kexie_workspace, "units", units_file(tmp_path, rows))
    errors = errors_by_row(result)
    assert "只能有一个根单位" in errors[3]["问题"]
    assert "上级单位 NOWHERE 不存在" in errors[4]["问题"]
    assert rows_of(engine, "SELECT code FROM unit") == [("A",)]


def test_a_new_unit_needs_a_parent(kexie_linyi, tmp_path) -> None:
    result = import_records(
        kexie_linyi,
        "units",
        units_file(tmp_path, [{"code": "X", "name": "无上级", "kind": "society"}]),
    )
    assert "新单位需要上级单位代码" in errors_by_row(result)[2]["问题"]


def test_parent_links_may_not_form_a_cycle(kexie_linyi, engine, tmp_path) -> None:
    rows = [
        {"code": "A1", "name": "甲", "kind": "society", "parent": "B1"},
        {"code": "B1", "name": "乙", "kind": "society", "parent": "A1"},
        # Moving a county under its own township would hang the county below itself.
        {"code": "371323", "name": "沂水县科协", "kind": "county", "parent": "371323-YC"},
    ]
    result = import_records(kexie_linyi, "units", units_file(tmp_path, rows))
    errors = errors_by_row(result)
    assert all("循环" in errors[n]["问题"] for n in (2, 3, 4))
    assert result.rejected == 3 and count(engine, "unit") == len(LINYI_UNITS)
    assert ancestors(engine, "371323") == ["371323", "371300"]


def test_a_child_of_a_refused_row_is_refused(kexie_linyi, engine, tmp_path) -> None:
    rows = [
        {"code": "S-NEW", "name": "", "kind": "society", "parent": "371300"},
        {"code": "S-NEW-1", "name": "分会", "kind": "society", "parent": "S-NEW"},
    ]
    result = import_records(kexie_linyi, "units", units_file(tmp_path, rows))
    errors = errors_by_row(result)
    assert "S-NEW（第 2 行）未能导入" in errors[3]["问题"]
    assert count(engine, "unit") == len(LINYI_UNITS)


def test_moving_a_unit_rewrites_its_ancestry(kexie_linyi, engine, tmp_path) -> None:
    rows = [
        {
            "code": "E-YS01",
            "name": "沂水某机械有限公司科协",
            "kind": "enterprise",
            "parent": "371302",
        }
    ]
    result = import_records(kexie_linyi, "units", units_file(tmp_path, rows))
    assert (result.updated, result.rejected) == (1, 0)
    assert ancestors(engine, "E-YS01") == ["E-YS01", "371302", "371300"]
    assert import_records(kexie_linyi, "units", units_file(tmp_path, rows)).unchanged == 1


def test_a_county_works_only_inside_its_subtree(kexie_linyi, kexie_workspace, engine, tmp_path):
    yishui = kexie_workspace.as_unit("371323")
    rows = [
        {"code": "371323", "name": "沂水县科学技术协会", "kind": "county", "parent": "371300"},
        {"code": "371323-SH", "name": "沙沟镇科协", "kind": "township", "parent": "371323"},
        {"code": "371302-X", "name": "越界", "kind": "township", "parent": "371302"},
        {"code": "371302", "name": "兰山区科协（改）", "kind": "county", "parent": "371300"},
        {"code": "371323", "name": "沂水县科协", "kind": "county", "parent": "371302"},
    ]
    result = import_records(yishui, "units", units_file(tmp_path, rows[:4]))
    errors = errors_by_row(result)
    assert (result.updated, result.created) == (1, 1)  # its own name; a township under it
    assert "上级单位 371302 不在 371323" in errors[4]["问题"]
    assert "单位 371302 不在 371323" in errors[5]["问题"]
    moved = import_records(yishui, "units", units_file(tmp_path, rows[4:], "move.csv"))
    assert "不能调整自己的上级" in errors_by_row(moved)[2]["问题"]
    assert rows_of(engine, "SELECT name FROM unit WHERE code = '371302'") == [("兰山区科协",)]


def test_hosts_are_linked_once_they_exist(kexie_linyi, engine, tmp_path) -> None:
    rows = [
        {
            "code": "E-YS02",
            "name": "沂水某机械科协",
            "kind": "enterprise",
            "parent": "371323",
            "host_uscc": USCC_A,
        }
    ]
    first = import_records(kexie_linyi, "units", units_file(tmp_path, rows))
    assert (first.created, first.warnings, first.ok) == (1, 1, True)
    assert "尚未导入" in errors_by_row(first)[2]["问题"]
    hosts = write_ledger(
        tmp_path / "hosts.csv",
        "hosts",
        [{"name": "沂水某机械有限公司", "uscc": USCC_A, "category": "其他", "territory": "371323"}],
    )
    assert import_records(kexie_linyi, "hosts", hosts).created == 1
    second = import_records(kexie_linyi, "units", units_file(tmp_path, rows))
    assert (second.updated, second.warnings) == (1, 0)
    assert rows_of(engine, "SELECT u.code FROM host h JOIN unit u ON u.id = h.unit_id") == [
        ("E-YS02",)
    ]
    assert import_records(kexie_linyi, "units", units_file(tmp_path, rows)).unchanged == 1
    # Another association cannot take the same host.
    other = [
        {
            "code": "E-YS03",
            "name": "另一科协",
            "kind": "enterprise",
            "parent": "371323",
            "host_uscc": USCC_A,
        }
    ]
    refused = import_records(kexie_linyi, "units", units_file(tmp_path, other, "other.csv"))
    assert "已关联另一个单位" in errors_by_row(refused)[2]["问题"]


def test_the_linyi_example_ledgers_load_and_reload_unchanged(kexie_workspace, tmp_path) -> None:
    folder = Path(__file__).parent.parent / "examples" / "linyi"
    steps = [
        ("units", "units.csv"),
        ("hosts", "hosts.csv"),
        ("units", "units.csv"),
        ("members", "members.csv"),
    ]
    for kind, name in steps:
        result = import_records(kexie_workspace, kind, folder / name, errors=tmp_path / "e.csv")
        assert result.rejected == 0, result
    for kind, name in steps:
        again = import_records(kexie_workspace, kind, folder / name, errors=tmp_path / "e.csv")
        assert (again.created, again.updated, again.rejected) == (0, 0, 0)
    # The how-to's work-items step, as the county whose quarter it is.
    yishui = kexie_workspace.as_unit("371323")
    for created in (9, 0):
        work = import_records(
            yishui, "work-items", folder / "work_items.csv", errors=tmp_path / "w.csv"
        )
        assert (work.created, work.updated, work.unchanged, work.rejected) == (
            created,
            0,
            9 - created,
            0,
        )
    table = compute_metrics(yishui, "2026Q3", metrics=["work_items.area.*"])
    assert table.figure(table.units[0].id, "work_items.area.service").subtree == 3
