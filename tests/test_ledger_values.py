"""The bulk importer stores members exactly as the single-record API does."""

from __future__ import annotations

from datetime import date
from enum import Enum

from hypothesis import given, settings
from hypothesis import strategies as st

from kexie_core.ledger.kinds import member_values
from kexie_core.model.enums import Degree, ExpertLevel, StudyStatus, TitleLevel
from kexie_core.model.identifiers import make_resident_id
from kexie_core.model.records import MemberIn
from kexie_core.testing import TEST_KEY
from kexie_core.workspace import member_row


@st.composite
def members(draw: st.DrawFn) -> MemberIn:
    data: dict = {"member_no": "M1", "name": "张伟", "unit": "371323"}
    if draw(st.booleans()):
        born = draw(st.dates(min_value=date(1920, 1, 1), max_value=date(2010, 1, 1)))
        number = make_resident_id(
            draw(st.sampled_from(["371323", "110105", "440524"])),
            born,
            draw(st.integers(0, 99)),
            draw(st.sampled_from(["male", "female"])),
        )
        # First-generation numbers and lower-case x are accepted and normalised.
        data["id_number"] = number.lower() if draw(st.booleans()) else number
    for name, vocab in (
        ("degree", Degree),
        ("title_level", TitleLevel),
        ("expert_level", ExpertLevel),
        ("study_status", StudyStatus),
    ):
        data[name] = draw(st.sampled_from(list(vocab)))
    data["linyi_native"] = draw(st.booleans())
    data["phone"] = draw(st.sampled_from([None, "13812345678", "0539-8123456"]))
    return MemberIn.model_validate(data)


@settings(max_examples=60)
@given(members())
def test_member_values_equal_member_row(member: MemberIn) -> None:
    assert member_values(member, TEST_KEY) == member_row(member, TEST_KEY)
    # Plain text, not enum members: drivers would write an enum's name, not its value.
    assert not any(isinstance(v, Enum) for v in member_values(member, TEST_KEY).values())
