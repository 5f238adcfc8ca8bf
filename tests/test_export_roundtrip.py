"""Export → import restores the same records (a hypothesis round trip), in every format and both
header languages: members with odd text (formula-like, quotes, commas, line breaks), optional
numbers, dates and vocabularies; their memberships and work items."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kexie_core.ledger import import_records
from kexie_core.ledger.export import export_records
from kexie_core.ledger.writers import write_csv, write_json, write_xlsx
from kexie_core.model.enums import Degree, ExpertLevel, StudyStatus, TitleLevel
from kexie_core.model.identifiers import make_resident_id
from kexie_core.testing import LINYI_UNITS, load_units

from .conftest import reset_tables
from .test_ledger_support import write_ledger

WRITERS = {".csv": write_csv, ".json": write_json, ".xlsx": write_xlsx}
UNIT_CODES = [u["code"] for u in LINYI_UNITS]

# Text a clerk might type, including what spreadsheets mistake for formulas and what CSV must
# quote; no control characters (an XLSX file cannot hold them).
text = (
    st.text(
        alphabet=st.sampled_from(list("张王李科协沂水abcXYZ019 ,;\"'=+-@()（）、\n")),
        min_size=1,
        max_size=12,
    )
    .map(str.strip)
    .filter(bool)
)
days = st.dates(min_value=date(1950, 1, 1), max_value=date(2030, 12, 31))


@st.composite
def member(draw: st.DrawFn, number: int) -> dict:
    record: dict = {
        "member_no": f"H{number:04d}",
        "name": draw(text),
        "unit": draw(st.sampled_from(UNIT_CODES)),
    }
    if draw(st.booleans()):
        gender = draw(st.sampled_from(["male", "female"]))
        born = draw(st.dates(min_value=date(1940, 1, 1), max_value=date(2005, 12, 31)))
        record["id_number"] = make_resident_id("371323", born, number % 100, gender)
    elif draw(st.booleans()):
        record["gender"] = draw(st.sampled_from(["男", "女"]))
        record["birth_date"] = draw(days).isoformat()
    if draw(st.booleans()):
        record["phone"] = f"1{draw(st.sampled_from('3456789'))}{number:09d}"
    for name, vocab in (
        ("degree", Degree),
        ("title_level", TitleLevel),
        ("expert_level", ExpertLevel),
        ("study_status", StudyStatus),
    ):
        if draw(st.booleans()):
            record[name] = draw(st.sampled_from([m.label_zh for m in vocab]))
    for name in ("field", "employer", "political_status", "email"):
        if draw(st.booleans()):
            record[name] = draw(text)
    for name in ("lunar_birthday", "linyi_native", "works_in_linyi"):
        record[name] = draw(st.booleans())
    if draw(st.booleans()):
        joined = draw(days)
        record["joined_on"] = joined.isoformat()
        if draw(st.booleans()):
            record["left_on"] = (joined + timedelta(days=draw(st.integers(0, 900)))).isoformat()
    return record


@st.composite
def ledgers(draw: st.DrawFn) -> dict[str, list[dict]]:
    count = draw(st.integers(1, 6))
    members = [draw(member(i)) for i in range(count)]
    numbers = [m["member_no"] for m in members]
    memberships = [
        {"member_no": no, "unit": draw(st.sampled_from(UNIT_CODES)), "role": draw(text)}
        for no in draw(st.lists(st.sampled_from(numbers), unique=True, max_size=3))
    ]
    works = [
        {
            "external_id": f"W{i}",
            "kind": draw(st.sampled_from(["training", "科学家精神宣传", "expert_visit"])),
            "unit": draw(st.sampled_from(UNIT_CODES)),
            "title": draw(text),
            "started_on": draw(days).isoformat(),
            "participants": draw(st.integers(0, 500)),
            "hours": draw(st.sampled_from([0, 1.5, 2, 16])),
            "member_nos": draw(st.lists(st.sampled_from(numbers), unique=True, max_size=3)),
        }
        for i in range(draw(st.integers(0, 3)))
    ]
    return {"members": members, "memberships": memberships, "work-items": works}


def snapshot(session) -> dict[str, list[dict]]:
    """Every record as a JSON export sees it (personal numbers unmasked, for comparison)."""
    found = {}
    for kind in ("members", "memberships", "work-items"):
        out = io.BytesIO()
        write_json(export_records(session, kind, include_personal=True), out)
        found[kind] = json.loads(out.getvalue())
    return found


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=ledgers(),
    suffix=st.sampled_from(list(WRITERS)),
    lang=st.sampled_from(["zh", "en"]),
)
def test_export_then_import_restores_the_same_records(
    kexie_workspace, engine, tmp_path, data, suffix, lang
) -> None:
    reset_tables(engine)
    root = load_units(kexie_workspace)
    for kind, rows in data.items():
        if rows:
            result = import_records(
                root, kind, write_ledger(tmp_path / f"in{suffix}.csv", kind, rows), keep_problems=3
            )
            assert result.ok, (kind, result.problems)
    before = snapshot(root)
    files = {}
    for kind in data:
        files[kind] = tmp_path / f"{kind}-out{suffix}"
        WRITERS[suffix](export_records(root, kind, include_personal=True), files[kind], lang=lang)
    # Into the same database: nothing changes.
    for kind, path in files.items():
        if data[kind]:
            again = import_records(root, kind, path, keep_problems=3)
            assert (again.created, again.updated, again.rejected) == (0, 0, 0), again.problems
    # Into an empty one: the same records come back.
    reset_tables(engine)
    root = load_units(kexie_workspace)
    for kind, path in files.items():
        if data[kind]:
            restored = import_records(root, kind, path, keep_problems=3)
            assert restored.ok, (kind, restored.problems)
    assert snapshot(root) == before
