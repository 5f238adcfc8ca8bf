"""Records as they arrive at the edge (API calls, ledger rows), validated once with pydantic.

These are plain pydantic models, not table models: validation at the edge must be fast enough for
a million-row import, and the database rows (``kexie_core.store.tables``) carry surrogate ids that
an input never has. Units, hosts and members refer to each other here by natural key (unit code,
USCC, member number).

``hide_input_in_errors`` is set on every model: a validation error must never echo an ID or phone
number into a log or an error file.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from .dates import parse_date
from .enums import (
    Area,
    Degree,
    ExpertLevel,
    Gender,
    HostCategory,
    PlatformKind,
    StudyStatus,
    TitleLevel,
    UnitKind,
    UnitStatus,
)
from .identifiers import (
    normalize_phone,
    normalize_uscc,
    parse_resident_id,
    validate_division_code,
)
from .period import Period


def _blank_to_none(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _date_or_none(value: Any) -> Any:
    value = _blank_to_none(value)
    return None if value is None else parse_date(value)


def _bool(value: Any) -> Any:
    value = _blank_to_none(value)
    if value is None:
        return False
    if isinstance(value, str):
        text = value.strip().lower()
        if text in {"1", "true", "yes", "y", "是", "√", "✓"}:
            return True
        if text in {"0", "false", "no", "n", "否", "×"}:
            return False
    return value


def _enum(cls: Any) -> Any:
    return BeforeValidator(lambda v: cls.parse("" if v is None else v))


OptDate = Annotated[date | None, BeforeValidator(_date_or_none)]
Flag = Annotated[bool, BeforeValidator(_bool)]
OptStr = Annotated[str | None, BeforeValidator(_blank_to_none)]
Code = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[0-9A-Za-z][0-9A-Za-z_.\-]*$")]
OptCode = Annotated[Code | None, BeforeValidator(_blank_to_none)]


def split_list(value: Any) -> Any:
    """A list typed into one cell: ``M1；M2、M3``, ``M1, M2`` or ``M1 M2`` → ``["M1", "M2", "M3"]``
    (full- and half-width separators and spaces); None is the empty list, a list stays a list."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part for part in re.split(r"[;；,，、\s]+", value) if part]
    return value


def _str_code(value: Any) -> Any:
    # Excel turns 371323 into the float 371323.0; a code is always text.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    return value.strip() if isinstance(value, str) else value


CodeIn = Annotated[Code, BeforeValidator(_str_code)]
OptCodeIn = Annotated[OptCode, BeforeValidator(_str_code)]


class Record(BaseModel):
    """Base of every input record."""

    model_config = ConfigDict(
        hide_input_in_errors=True,
        str_strip_whitespace=True,
        extra="forbid",
        frozen=False,
    )


class UnitIn(Record):
    """A unit (组织单元): the municipal association, a county, a society, an enterprise one…"""

    code: CodeIn
    name: str = Field(min_length=1, max_length=200)
    kind: Annotated[UnitKind, _enum(UnitKind)]
    parent: OptCodeIn = None
    division_code: OptCodeIn = None
    host_uscc: OptStr = None
    status: Annotated[UnitStatus, _enum(UnitStatus)] = UnitStatus.ACTIVE
    founded_on: OptDate = None
    dissolved_on: OptDate = None
    term_ends_on: OptDate = None
    contact_name: OptStr = None
    contact_phone: OptStr = None

    @field_validator("division_code")
    @classmethod
    def _division(cls, value: str | None) -> str | None:
        return None if value is None else validate_division_code(value)

    @field_validator("host_uscc")
    @classmethod
    def _host(cls, value: str | None) -> str | None:
        return None if value is None else normalize_uscc(value, legacy="warn")[0]

    @field_validator("contact_phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        return None if value is None else normalize_phone(value)

    @model_validator(mode="after")
    def _dates(self) -> UnitIn:
        if self.founded_on and self.dissolved_on and self.dissolved_on < self.founded_on:
            raise ValueError("dissolved_on is before founded_on")
        if self.parent == self.code:
            raise ValueError("a unit cannot be its own parent")
        return self


class HostIn(Record):
    """A host organisation (依托单位) where an association lives, or should."""

    name: str = Field(min_length=1, max_length=200)
    category: Annotated[HostCategory, _enum(HostCategory)]
    territory: CodeIn
    uscc: OptStr = None
    science_type: Flag = False
    _warnings: list[str] = PrivateAttr(default_factory=list)

    @field_validator("uscc")
    @classmethod
    def _uscc(cls, value: str | None) -> str | None:
        return None if value is None else normalize_uscc(value, legacy="warn")[0]

    @model_validator(mode="after")
    def _legacy_warning(self) -> HostIn:
        if self.uscc is not None:
            warning = normalize_uscc(self.uscc, legacy="warn")[1]
            if warning:
                self._warnings.append(f"uscc: {warning}")
        return self

    @property
    def warnings(self) -> list[str]:
        return list(self._warnings)


class MemberIn(Record):
    """A science-and-technology worker (科技工作者) or member (会员).

    ``id_number`` is accepted here only to be hashed and masked by the store; it is never kept.
    Birth date and gender are taken from it when it is given, and must agree with it.
    """

    member_no: CodeIn
    name: str = Field(min_length=1, max_length=100)
    unit: CodeIn
    id_number: OptStr = Field(default=None, repr=False)
    gender: Annotated[
        Gender | None,
        BeforeValidator(lambda v: None if _blank_to_none(v) is None else Gender.parse(v)),
    ] = None
    birth_date: OptDate = None
    lunar_birthday: Flag = False
    phone: OptStr = Field(default=None, repr=False)
    email: OptStr = None
    degree: Annotated[Degree, _enum(Degree)] = Degree.OTHER
    title_level: Annotated[TitleLevel, _enum(TitleLevel)] = TitleLevel.NONE
    field: OptStr = None
    employer: OptStr = None
    political_status: OptStr = None
    expert_level: Annotated[ExpertLevel, _enum(ExpertLevel)] = ExpertLevel.NONE
    linyi_native: Flag = False
    works_in_linyi: Flag = False
    study_status: Annotated[StudyStatus, _enum(StudyStatus)] = StudyStatus.NONE
    joined_on: OptDate = None
    left_on: OptDate = None

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        return None if value is None else normalize_phone(value)

    @model_validator(mode="after")
    def _from_id(self) -> MemberIn:
        if self.id_number is not None:
            rid = parse_resident_id(self.id_number)
            if self.birth_date is not None and self.birth_date != rid.birth_date:
                raise ValueError("birth_date does not agree with the ID number")
            if self.gender is not None and self.gender.value != rid.gender:
                raise ValueError("gender does not agree with the ID number")
            # Straight into the instance dict: the values are already valid, and pydantic's
            # __setattr__ costs about 1 µs each on the million-row import path.
            self.__dict__.update(
                id_number=rid.number, birth_date=rid.birth_date, gender=Gender(rid.gender)
            )
        if self.joined_on and self.left_on and self.left_on < self.joined_on:
            raise ValueError("left_on is before joined_on")
        return self


class MembershipIn(Record):
    """A member's place in a further unit (one person can be in a society and an enterprise)."""

    member_no: CodeIn
    unit: CodeIn
    role: str = Field(default="会员", max_length=50)
    joined_on: OptDate = None
    left_on: OptDate = None


class HonourIn(Record):
    """An honour or award a member received (e.g. 临沂市青年科技奖)."""

    member_no: CodeIn
    title: str = Field(min_length=1, max_length=200)
    level: OptStr = None
    awarded_on: OptDate = None
    awarding_body: OptStr = None
    programme: OptStr = None


_LINK = re.compile(r"^(https?://|file:|/|[A-Za-z]:\\|\S+\.\w{2,5}$)")


class WorkItemIn(Record):
    """One activity (工作事项) of a kind; the kind decides the area and the ``details`` model."""

    kind: str = Field(min_length=1, max_length=60)
    unit: CodeIn
    title: str = Field(min_length=1, max_length=300)
    started_on: Annotated[date, BeforeValidator(parse_date)]
    ended_on: OptDate = None
    external_id: OptStr = None
    area: Annotated[
        Area | None, BeforeValidator(lambda v: None if _blank_to_none(v) is None else Area.parse(v))
    ] = None
    participants: int = Field(default=0, ge=0)
    hours: float = Field(default=0.0, ge=0)
    member_nos: list[str] = Field(default_factory=list)
    details: dict[str, Any] = Field(default_factory=dict)
    evidence: list[str] = Field(default_factory=list)

    @field_validator("participants", "hours", mode="before")
    @classmethod
    def _zero(cls, value: Any) -> Any:
        return 0 if _blank_to_none(value) is None else value

    @field_validator("member_nos", "evidence", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        return split_list(value)

    @model_validator(mode="after")
    def _dates(self) -> WorkItemIn:
        if self.ended_on is None:
            self.ended_on = self.started_on
        if self.ended_on < self.started_on:
            raise ValueError("ended_on is before started_on")
        return self


class PlatformIn(Record):
    """A standing platform (阵地): a home of S&T workers, an expert workstation, a media account…"""

    code: CodeIn
    name: str = Field(min_length=1, max_length=200)
    kind: Annotated[PlatformKind, _enum(PlatformKind)]
    unit: CodeIn
    established_on: OptDate = None
    closed_on: OptDate = None
    url: OptStr = None
    details: dict[str, Any] = Field(default_factory=dict)


class TargetIn(Record):
    """A target value for one unit, metric and period."""

    unit: CodeIn
    metric: str = Field(min_length=1, max_length=80)
    period: Period
    value: float
