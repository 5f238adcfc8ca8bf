"""A plug-in exporter that fails is named, leaves no half-written file, and the command exits 2;
an import error inside a work item's details names the inner field."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from kexie_core import hookimpl
from kexie_core.ledger.export import export_records
from kexie_core.plugin.contributions import Exporter


class HalfWritingLedger:
    """A county layout that writes half a file, then raises ``error``."""

    def __init__(self, key: str, error: Exception) -> None:
        self.key, self.error = key, error

    @hookimpl
    def kexie_register_exporters(self) -> list[Exporter]:
        def write(records: Any, out: Any, **options: Any) -> int:
            with open(out, "wb") as handle:
                handle.write(b"half a ledger")
            raise self.error

        return [Exporter(self.key, "台账", "ledger", ".xlsx", frozenset({"records"}), write)]


def test_failing_exporter_is_isolated(
    kexie_linyi, kexie_register_plugin, kexie_cli, tmp_path
) -> None:
    kexie_register_plugin(HalfWritingLedger("broken-ledger", OSError("disk full")), "broken-county")
    target = tmp_path / "台账.xlsx"
    result = kexie_cli(
        "export", "units", "--format", "broken-ledger", "--out", str(target), expect=2
    )
    assert "broken-county" in result.output
    assert not target.exists()
    assert list(tmp_path.glob("*.part")) == []
    good = kexie_cli("export", "units", "--format", "csv", "--out", str(tmp_path / "u.csv"))
    assert good.exit_code == 0 and (tmp_path / "u.csv").exists()
    assert "已导出 7 条组织单元记录" in good.stderr


def test_import_names_the_inner_details_field(kexie_linyi, kexie_cli, tmp_path) -> None:
    ledger = tmp_path / "work.csv"
    ledger.write_text(
        "事项类型,组织单位代码,事项名称,开始日期,参与人次,详情\n"
        'training,371323,培训班,2026-07-01,30,"{""days"": -1}"\n',
        encoding="utf-8",
    )
    kexie_cli("import", "work-items", str(ledger), expect=1)
    with open(tmp_path / "work.errors.csv", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    text = " ".join(" ".join(r) for r in rows[1:])
    assert "days" in text and "详情" in text


def test_a_closed_pipe_is_not_blamed_on_the_exporter(kexie_linyi, kexie_plugins) -> None:
    """``kexie export … | head``: the reader going away is not a plug-in failure."""
    exporter = next(e for e in kexie_plugins.exporters() if e.key == "json")

    class Closed(io.BytesIO):
        def write(self, data: Any) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    records = export_records(kexie_linyi, "units")
    with (
        pytest.raises(BrokenPipeError),
        kexie_plugins.guard(exporter.plugin, f"exporter {exporter.key}"),
    ):
        exporter.write(records, Closed(), lang="zh")
    assert not kexie_plugins.failures


def test_an_exporters_value_error_is_bad_input_not_a_plugin_failure(
    kexie_linyi, kexie_register_plugin, kexie_cli, kexie_plugins, tmp_path
) -> None:
    # A county layout that only takes work items: anything else is the clerk's mistake.
    refusal = ValueError("兰山区台账只能导出工作事项（问 13912345678）/ only work items")
    kexie_register_plugin(HalfWritingLedger("picky", refusal), "picky-county")
    target = tmp_path / "台账.txt"
    result = kexie_cli("export", "units", "--format", "picky", "--out", str(target), expect=1)
    assert "兰山区台账只能导出工作事项" in result.stderr
    assert "13912345678" not in result.stderr and "139****5678" in result.stderr
    assert not target.exists() and list(tmp_path.glob("*.part")) == []
    assert not kexie_plugins.failures
