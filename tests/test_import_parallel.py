"""A large members file imported by worker processes gives the same outcome as one process:
the same counts, the same error rows in row order, repeats across batches caught."""

from __future__ import annotations

import multiprocessing
from datetime import date, timedelta

import pytest

from kexie_core.ledger import errorfile, import_records
from kexie_core.model.identifiers import make_resident_id

from .conftest import reset_tables
from .test_ledger_support import count, rows_of, write_ledger

pytestmark = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="worker processes are forked"
)

UNITS = ("371323", "371323-YC", "GXQ", "S-NXH", "371302")


def ledger(tmp_path):
    base = date(1970, 1, 1)
    rows = [
        {
            "member_no": f"P{i:05d}",
            "name": "并行",
            "unit": UNITS[i % len(UNITS)],
            "id_number": make_resident_id("371302", base + timedelta(days=i), 7, "female"),
        }
        for i in range(2400)
    ]
    rows[1500] = dict(rows[1500], member_no="P00010")  # repeats row 12, three batches later
    rows[2100] = dict(rows[2100], id_number=rows[30]["id_number"])  # an ID number twice
    rows[700] = dict(rows[700], joined_on="2026-02-30")
    return write_ledger(tmp_path / "big.csv", "members", rows)


def outcome(result):
    errors = errorfile.read(result.errors_file)
    counts = (result.rows, result.created, result.updated, result.unchanged, result.rejected)
    return counts, [(e["行号"], e["列"], e["问题"]) for e in errors]


def test_workers_give_the_same_outcome_as_one_process(
    kexie_linyi, kexie_workspace, engine, tmp_path
) -> None:
    path = ledger(tmp_path)
    parallel = import_records(kexie_linyi, "members", path, batch_size=200, workers=2)
    got = outcome(parallel)
    assert got[0] == (2400, 2397, 0, 0, 3)
    assert [row for row, _, _ in got[1]] == ["702", "1502", "2102"]  # in row order
    assert "与第 12 行重复" in got[1][1][2]
    assert "已有会员（P00030）使用这个身份证号" in got[1][2][2]
    assert count(engine, "member") == 2397
    assert len(rows_of(engine, "SELECT id FROM audit_log WHERE action = 'import'")) == 12
    again = import_records(kexie_linyi, "members", path, batch_size=200, workers=2)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 2397, 3)
    reset_tables(engine)
    from kexie_core.testing import load_units

    root = load_units(kexie_workspace)
    single = import_records(root, "members", path, batch_size=200, workers=0)
    assert outcome(single)[0] == got[0]
    assert [(r, c) for r, c, _ in outcome(single)[1]] == [(r, c) for r, c, _ in got[1]]
