"""docs/ledger.md documents every column of every kind, in Chinese and English, and every kind."""

from __future__ import annotations

from pathlib import Path

from kexie_core.ledger.columns import KINDS
from kexie_core.ledger.importer import KIND_NAMES

DOC = Path(__file__).parent.parent / "docs" / "ledger.md"


def test_every_column_is_documented_with_both_headers_and_its_aliases() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = []
    for kind, spec in KINDS.items():
        assert f"(`{kind}`)" in text, kind
        for col in spec.columns:
            line = next(
                (ln for ln in text.splitlines() if ln.startswith(f"| {col.zh} | `{col.name}` |")),
                None,
            )
            if line is None or any(alias not in line for alias in col.aliases):
                missing.append(f"{kind}.{col.name}")
    assert not missing, f"document these columns in docs/ledger.md: {missing}"


def test_the_kinds_are_the_contract_names() -> None:
    assert (
        KIND_NAMES
        == tuple(KINDS)
        == (
            "units",
            "hosts",
            "members",
            "memberships",
            "work-items",
            "platforms",
            "targets",
        )
    )
