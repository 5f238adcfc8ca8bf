"""``kexie audit``: the audit log read back within the actor's scope."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kexie_core.workflow import Reports


def test_audit_reads_back_writes_in_scope(kexie_linyi, kexie_actor, kexie_cli) -> None:
    kexie_linyi.update_unit("371302", contact_phone="13912345678")
    Reports(kexie_actor("371323")).submit("2026Q1")
    Reports(kexie_linyi).return_("371323", "2026Q1", "请补充数据")
    rows = kexie_cli.json("audit")
    assert rows[0]["action"] == "return" and rows[0]["entity"] == "report"
    assert rows[0]["entity_key"] == "371323/2026Q1" and rows[0]["unit"] == "371323"
    assert rows[0]["actor"] == "371300" and rows[0]["detail"]["reason"] == "请补充数据"
    assert any(r["entity"] == "unit" and r["entity_key"] == "371302" for r in rows)
    # A county sees its own subtree's entries only; another county's are out of reach.
    own = kexie_cli.json("--as", "371323", "audit")
    assert {r["unit"] for r in own} <= {"371323", "371323-YC", "E-YS01"}
    assert any(r["action"] == "return" for r in own)
    refused = kexie_cli("--as", "371323", "audit", "--unit", "371302", expect=3)
    assert "outside" in refused.stderr
    # Personal numbers were masked before they were logged.
    text = kexie_cli("audit").stdout + kexie_cli("audit", "--format", "csv").stdout
    assert "13912345678" not in text and "操作单位" in text
    assert len(kexie_cli.json("audit", "--limit", "2")) == 2


def test_audit_since(kexie_linyi, kexie_cli) -> None:
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    assert kexie_cli.json("audit", "--since", tomorrow) == []
    an_hour_ago = (datetime.now(UTC) - timedelta(hours=1)).isoformat(timespec="seconds")
    assert len(kexie_cli.json("audit", "--since", an_hour_ago)) == 7  # the seven units
    bad = kexie_cli("audit", "--since", "yesterday", expect=2)
    assert "not a date" in bad.stderr
