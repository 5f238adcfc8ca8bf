"""``kexie import`` and ``kexie export`` from the command line."""

from __future__ import annotations

import json

import openpyxl
import pytest
from click.testing import CliRunner

from kexie_core.cli import build_cli
from kexie_core.testing import LINYI_UNITS, TEST_KEY

from .test_ledger_support import MEMBERS, count, rows_of, write_ledger


@pytest.fixture
def kexie(kexie_workspace, kexie_plugins, monkeypatch):
    monkeypatch.setenv("KEXIE_SECRET_KEY", TEST_KEY.decode())
    runner = CliRunner()

    def invoke(*args: str, code: int = 0):
        result = runner.invoke(build_cli(kexie_plugins), ["--db", kexie_workspace.url, *args])
        assert result.exit_code == code, result.output + str(result.exception)
        return result

    return invoke


def test_import_builds_an_empty_database_then_reports_a_summary(kexie, engine, tmp_path) -> None:
    units = write_ledger(tmp_path / "units.csv", "units", [dict(u) for u in LINYI_UNITS])
    out = kexie("import", "units", str(units)).output
    assert "新增" in out and str(len(LINYI_UNITS)) in out
    members = write_ledger(tmp_path / "members.xlsx", "members", MEMBERS)
    summary = json.loads(kexie("import", "members", str(members), "--format", "json").output)
    assert (summary["created"], summary["rejected"], summary["ok"]) == (3, 0, True)
    again = json.loads(kexie("import", "members", str(members), "--format", "json").output)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)
    english = kexie("--lang", "en", "import", "members", str(members)).output
    assert "unchanged" in english


def test_rejected_rows_give_a_non_zero_status_and_an_error_file(
    kexie, kexie_linyi, engine, tmp_path
) -> None:
    rows = [
        *MEMBERS,
        {"member_no": "BAD", "name": "错", "unit": "371323", "joined_on": "2026-02-30"},
    ]
    path = write_ledger(tmp_path / "m.csv", "members", rows)
    result = kexie("--as", "371323", "import", "members", str(path), code=1)
    assert "错误文件" in result.output
    assert (tmp_path / "m.errors.csv").exists()
    assert count(engine, "member") == 2  # 沂水县's two good rows; M003 (高新区) and BAD refused
    errors = tmp_path / "custom-errors.csv"
    strict = kexie(
        "import",
        "members",
        str(path),
        "--strict",
        "--errors",
        str(errors),
        "--format",
        "json",
        code=1,
    )
    assert json.loads(strict.output)["loaded"] is False and errors.exists()
    dry = json.loads(
        kexie("import", "members", str(path), "--dry-run", "--format", "json", code=1).output
    )
    assert dry["dry_run"] and dry["created"] == 1  # only M003 would be new
    assert count(engine, "member") == 2


def test_export_formats_scope_and_personal_numbers(kexie, kexie_linyi, engine, tmp_path) -> None:
    kexie("import", "members", str(write_ledger(tmp_path / "m.csv", "members", MEMBERS)))
    text = kexie("--as", "371323", "export", "members").output
    assert text.splitlines()[0].startswith("会员编号,姓名") and "M003" not in text
    assert "138****5678" in text
    records = json.loads(kexie("export", "members", "--format", "json", "--unit", "GXQ").output)
    assert [r["member_no"] for r in records] == ["M003"]
    xlsx = tmp_path / "out.xlsx"
    kexie("export", "members", "--format", "xlsx", "--out", str(xlsx), "--lang", "en")
    assert openpyxl.load_workbook(xlsx).active["A1"].value == "member_no"
    refused = kexie("--as", "371323", "export", "members", "--include-personal", code=3)
    assert "only the root unit" in refused.output
    assert "13812345678" in kexie("export", "members", "--include-personal").output
    assert rows_of(engine, "SELECT count(*) FROM audit_log WHERE action = 'export_personal'") == [
        (1,)
    ]
    kexie("export", "members", "--format", "nope", code=2)
