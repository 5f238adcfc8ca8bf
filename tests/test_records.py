"""Records: validation at the edge, and model → row → model round trips."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kexie_core import InvalidRecord, MemberIn, UnitIn, WorkItemIn
from kexie_core.model.dates import parse_date
from kexie_core.model.identifiers import make_resident_id

from .conftest import reset_tables

ID = "11010519491231002X"


def test_member_takes_birth_date_and_gender_from_the_id_number() -> None:
    member = MemberIn(member_no="M1", name="张伟", unit="371323", id_number=ID.lower())
    assert member.birth_date == date(1949, 12, 31)
    assert member.gender == "female"
    assert member.id_number == ID
    assert ID not in repr(member)


def test_disagreeing_birth_date_is_refused_without_echoing_the_number() -> None:
    with pytest.raises(Exception) as info:
        MemberIn(member_no="M1", name="张伟", unit="371323", id_number=ID, birth_date="1950-01-01")
    assert "birth_date" in str(info.value)
    assert ID not in str(info.value)


def test_chinese_labels_are_accepted_for_vocabularies() -> None:
    unit = UnitIn(
        code="371323", name="沂水县科协", kind="县区科协", parent="371300", division_code=371323
    )
    assert unit.kind == "county" and unit.division_code == "371323"
    member = MemberIn(
        member_no=1001,
        name="李娜",
        unit="371323",
        degree="博士",
        title_level="正高级",
        expert_level="院士",
        linyi_native="是",
        study_status="博士后",
    )
    assert (
        member.member_no,
        member.degree,
        member.title_level,
        member.expert_level,
        member.linyi_native,
        member.study_status,
    ) == ("1001", "doctorate", "senior", "academician", True, "postdoc")


@pytest.mark.parametrize(
    "text", ["2026-07-01", "2026/7/1", "2026年7月1日", "2026.7.1", "20260701", 46204, "46204"]
)
def test_dates_in_the_forms_people_type(text) -> None:
    assert parse_date(text) == date(2026, 7, 1)


def test_impossible_date_is_named() -> None:
    with pytest.raises(ValueError, match="2026-02-30 is not a real date"):
        parse_date("2026-02-30")


def test_work_item_details_are_enforced_with_the_field_name(kexie_linyi) -> None:
    with pytest.raises(InvalidRecord) as info:
        kexie_linyi.add_work_item(
            {
                "kind": "training",
                "unit": "371323",
                "title": "培训班",
                "started_on": "2026-05-01",
                "details": {"days": -2},
            }
        )
    assert info.value.problems[0].field == "details.days"
    with pytest.raises(InvalidRecord, match="unknown work kind"):
        kexie_linyi.add_work_item(
            {"kind": "nonsense", "unit": "371323", "title": "x", "started_on": "2026-05-01"}
        )
    with pytest.raises(InvalidRecord, match="belongs to area 7"):
        kexie_linyi.add_work_item(
            {
                "kind": "training",
                "area": "1",
                "unit": "371323",
                "title": "x",
                "started_on": "2026-05-01",
            }
        )


names = st.text(
    alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=6
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=names,
    birth=st.dates(date(1930, 1, 1), date(2005, 12, 31)),
    seq=st.integers(0, 99),
    gender=st.sampled_from(["male", "female"]),
    expert=st.sampled_from(["none", "high_level", "academician"]),
    native=st.booleans(),
    joined=st.one_of(st.none(), st.dates(date(2000, 1, 1), date(2026, 1, 1))),
)
def test_member_round_trip_model_row_model(
    kexie_workspace, name, birth, seq, gender, expert, native, joined
) -> None:
    reset_tables(kexie_workspace.engine)
    root = kexie_workspace.bootstrap_root(
        {"code": "371300", "name": "临沂市科协", "kind": "municipal"}
    )
    record = MemberIn(
        member_no="M-1",
        name=name,
        unit="371300",
        id_number=make_resident_id("371323", birth, seq, gender),
        expert_level=expert,
        linyi_native=native,
        joined_on=joined,
        phone="13800001111",
    )
    root.add_member(record)
    row = root.members()[0]
    back = MemberIn.model_validate(
        {**row.model_dump(exclude={"id", "unit_id", "id_hash", "id_masked"}), "unit": "371300"}
    )
    assert back == record.model_copy(update={"id_number": None})
    assert row.id_masked is not None and row.id_masked.count("*") == 14
    assert row.id_hash is not None and record.id_number not in row.id_hash


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    title=names,
    start=st.dates(date(2020, 1, 1), date(2027, 12, 31)),
    days=st.integers(0, 30),
    participants=st.integers(0, 10_000),
    hours=st.floats(0, 1000, allow_nan=False).map(lambda h: round(h, 2)),
)
def test_work_item_round_trip(kexie_workspace, title, start, days, participants, hours) -> None:
    reset_tables(kexie_workspace.engine)
    root = kexie_workspace.bootstrap_root(
        {"code": "371300", "name": "临沂市科协", "kind": "municipal"}
    )
    from datetime import timedelta

    record = WorkItemIn(
        kind="training",
        unit="371300",
        title=title,
        started_on=start,
        ended_on=start + timedelta(days=days),
        participants=participants,
        hours=hours,
        external_id="W-1",
        details={"days": days},
    )
    root.add_work_item(record)
    row = root.work_items()[0]
    back = WorkItemIn.model_validate(
        {**row.model_dump(exclude={"id", "unit_id"}), "unit": "371300", "member_nos": []}
    )
    expected = root.prepare_work_item(record)
    assert back == expected


@pytest.mark.parametrize(
    ("typed", "parts"),
    [
        ("M1；M2、M3", ["M1", "M2", "M3"]),
        (" M1 ,M2，  M3;", ["M1", "M2", "M3"]),
        ("", []),
        (None, []),
        (["M1", "M2"], ["M1", "M2"]),
    ],
)
def test_a_list_typed_into_one_cell_splits_on_any_separator(typed, parts) -> None:
    """One splitter for work items' member numbers, suggestions' authors, assignments' units."""
    from kexie_core.model.records import split_list

    assert split_list(typed) == parts
