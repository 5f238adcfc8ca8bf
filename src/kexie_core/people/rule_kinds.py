"""The kinds of eligibility rule (资格条件), each one SQL condition on the ``member`` table.

See ``kexie_core.people.rules`` for how rule sets are declared and evaluated. Every rule can say
what it asks (``describe``) and, for a member who fails it, why (``explain``, from the member's
own facts: birth date, title level, study status… never an ID or phone number).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, ClassVar, Literal

import sqlalchemy as sa
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from ..model.dates import parse_date
from ..model.enums import Degree, ExpertLevel, StudyStatus, TitleLevel
from ..store.tables import honour_t, member_t
from ..store.tables_people import disqualification_t
from .ages import age_on, latest_birth_date
from .occasions import DisqualificationKind

Lang = Literal["zh", "en"]
Condition = sa.ColumnElement[bool]

_TITLE_ORDER = ("none", "junior", "intermediate", "deputy_senior", "senior")
_DEGREE_ORDER = ("other", "associate", "bachelor", "master", "doctorate")
#: Member columns an explanation may read (never the ID hash, masked ID or phone).
FACT_COLUMNS = (
    "birth_date",
    "title_level",
    "degree",
    "study_status",
    "expert_level",
    "linyi_native",
    "works_in_linyi",
    "joined_on",
    "left_on",
)


@dataclass(frozen=True)
class RuleContext:
    """What rules are judged against: the day (``on``) and the programme being run."""

    on: date
    programme: str | None = None


def _parse_enum(cls: Any) -> Any:
    return BeforeValidator(lambda v: v if v is None else cls.parse(v))


def _optional_date(value: Any) -> Any:
    return None if value in (None, "") else parse_date(value)


OptDate = Annotated[date | None, BeforeValidator(_optional_date)]


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def predicate(self, ctx: RuleContext) -> Condition:
        raise NotImplementedError

    def describe(self, ctx: RuleContext, lang: Lang = "zh") -> str:
        raise NotImplementedError

    def explain(self, facts: Mapping[str, Any], ctx: RuleContext, lang: Lang = "zh") -> str:
        """Why a member with ``facts`` fails this rule (called only when it does)."""
        raise NotImplementedError


class _AgeRule(_Rule):
    years: int = Field(ge=0, le=150)
    on: OptDate = None  # a fixed day; default: the context's day (the round's reference date)

    def day(self, ctx: RuleContext) -> date:
        return self.on or ctx.on

    def explain(self, facts: Mapping[str, Any], ctx: RuleContext, lang: Lang = "zh") -> str:
        birth = facts.get("birth_date")
        if birth is None:
            return "出生日期未登记" if lang == "zh" else "birth date not recorded"
        day = self.day(ctx)
        age = age_on(birth, day)
        return f"{day.isoformat()}时{age}周岁" if lang == "zh" else f"aged {age} on {day}"


class AgeAtMost(_AgeRule):
    """年龄不超过 N 周岁: age ≤ N on the day."""

    rule: Literal["age_at_most"] = "age_at_most"

    def predicate(self, ctx: RuleContext) -> Condition:
        return member_t.c.birth_date > latest_birth_date(self.day(ctx), self.years + 1)

    def describe(self, ctx: RuleContext, lang: Lang = "zh") -> str:
        day = self.day(ctx).isoformat()
        if lang == "zh":
            return f"年龄不超过{self.years}周岁（以{day}计）"
        return f"aged at most {self.years} on {day}"


class AgeUnder(_AgeRule):
    """未满 N 周岁: age < N on the day (on the N-th birthday a person is N, no longer under)."""

    rule: Literal["age_under"] = "age_under"

    def predicate(self, ctx: RuleContext) -> Condition:
        return member_t.c.birth_date > latest_birth_date(self.day(ctx), self.years)

    def describe(self, ctx: RuleContext, lang: Lang = "zh") -> str:
        day = self.day(ctx).isoformat()
        return (
            f"未满{self.years}周岁（以{day}计）" if lang == "zh" else f"under {self.years} on {day}"
        )


class AgeAtLeast(_AgeRule):
    """年满 N 周岁: age ≥ N on the day."""

    rule: Literal["age_at_least"] = "age_at_least"

    def predicate(self, ctx: RuleContext) -> Condition:
        return member_t.c.birth_date <= latest_birth_date(self.day(ctx), self.years)

    def describe(self, ctx: RuleContext, lang: Lang = "zh") -> str:
        day = self.day(ctx).isoformat()
        if lang == "zh":
            return f"年满{self.years}周岁（以{day}计）"
        return f"aged at least {self.years} on {day}"


class MemberOfNetwork(_Rule):
    """在册会员: joined (or joining date unknown) and not left on the day."""

    rule: Literal["member_of_network"] = "member_of_network"

    def predicate(self, ctx: RuleContext) -> Condition:
        return sa.and_(
            sa.or_(member_t.c.joined_on.is_(None), member_t.c.joined_on <= ctx.on),
            sa.or_(member_t.c.left_on.is_(None), member_t.c.left_on > ctx.on),
        )

    def describe(self, ctx: RuleContext, lang: Lang = "zh") -> str:
        return f"{ctx.on}为在册会员" if lang == "zh" else f"a member of the network on {ctx.on}"

    def explain(self, facts: Mapping[str, Any], ctx: RuleContext, lang: Lang = "zh") -> str:
        left, joined = facts.get("left_on"), facts.get("joined_on")
        if left is not None and left <= ctx.on:
            return f"已于{left}退会" if lang == "zh" else f"left on {left}"
        return f"{joined}才入会" if lang == "zh" else f"joined only on {joined}"


class _LevelRule(_Rule):
    _column: ClassVar[str]
    _order: ClassVar[tuple[str, ...]]
    _what: ClassVar[tuple[str, str]]
    _labels: ClassVar[Any]

    def _level(self) -> str:
        raise NotImplementedError

    def predicate(self, ctx: RuleContext) -> Condition:
        allowed = self._order[self._order.index(self._level()) :]
        return member_t.c[self._column].in_(allowed)

    def describe(self, ctx: RuleContext, lang: Lang = "zh") -> str:
        label = self._labels.parse(self._level()).label(lang)
        return f"{self._what[0]}{label}及以上" if lang == "zh" else f"{self._what[1]} {label} or up"

    def explain(self, facts: Mapping[str, Any], ctx: RuleContext, lang: Lang = "zh") -> str:
        value = facts.get(self._column)
        label = self._labels.parse(value).label(lang) if value else "?"
        return f"{self._what[0]}为{label}" if lang == "zh" else f"{self._what[1]} is {label}"


class TitleLevelAtLeast(_LevelRule):
    """职称级别不低于 level."""

    rule: Literal["title_level_at_least"] = "title_level_at_least"
    level: Annotated[TitleLevel, _parse_enum(TitleLevel)]
    _column = "title_level"
    _order = _TITLE_ORDER
    _what = ("职称", "title level")
    _labels = TitleLevel

    def _level(self) -> str:
        return self.level.value


class DegreeAtLeast(_LevelRule):
    """学历不低于 level."""

    rule: Literal["degree_at_least"] = "degree_at_least"
    level: Annotated[Degree, _parse_enum(Degree)]
    _column = "degree"
    _order = _DEGREE_ORDER
    _what = ("学历", "degree")
    _labels = Degree

    def _level(self) -> str:
        return self.level.value


class _InRule(_Rule):
    _column: ClassVar[str]
    _what: ClassVar[tuple[str, str]]
    _labels: ClassVar[Any]
    values: Any  # the subclass's list of enum members

    def _values(self) -> list[str]:
        return [v.value for v in self.values]

    def predicate(self, ctx: RuleContext) -> Condition:
        return member_t.c[self._column].in_(self._values())

    def describe(self, ctx: RuleContext, lang: Lang = "zh") -> str:
        labels = [self._labels.parse(v).label(lang) for v in self._values()]
        if lang == "zh":
            return f"{self._what[0]}为{'或'.join(labels)}"
        return f"{self._what[1]} is {' or '.join(labels)}"

    def explain(self, facts: Mapping[str, Any], ctx: RuleContext, lang: Lang = "zh") -> str:
        value = facts.get(self._column)
        label = self._labels.parse(value).label(lang) if value else "?"
        return f"{self._what[0]}为{label}" if lang == "zh" else f"{self._what[1]} is {label}"


class StudyStatusIn(_InRule):
    """在读状态为博士研究生或博士后… (the youth lifting programme's pool)."""

    rule: Literal["study_status_in"] = "study_status_in"
    values: list[Annotated[StudyStatus, _parse_enum(StudyStatus)]] = Field(min_length=1)
    _column = "study_status"
    _what = ("在读状态", "study status")
    _labels = StudyStatus


class ExpertLevelIn(_InRule):
    """专家类别为院士或高层次专家…"""

    rule: Literal["expert_level_in"] = "expert_level_in"
    values: list[Annotated[ExpertLevel, _parse_enum(ExpertLevel)]] = Field(min_length=1)
    _column = "expert_level"
    _what = ("专家类别", "expert level")
    _labels = ExpertLevel


class LinyiConnected(_Rule):
    """临沂籍或在临工作."""

    rule: Literal["linyi_connected"] = "linyi_connected"

    def predicate(self, ctx: RuleContext) -> Condition:
        return sa.or_(member_t.c.linyi_native.is_(True), member_t.c.works_in_linyi.is_(True))

    def describe(self, ctx: RuleContext, lang: Lang = "zh") -> str:
        return "临沂籍或在临工作" if lang == "zh" else "native to or working in Linyi"

    def explain(self, facts: Mapping[str, Any], ctx: RuleContext, lang: Lang = "zh") -> str:
        return (
            "既非临沂籍也不在临工作" if lang == "zh" else "neither native to nor working in Linyi"
        )


class NoDisqualifyingRecord(_Rule):
    """无在效的取消资格记录: no misconduct, sanction or penalty record in force on the day."""

    rule: Literal["no_disqualifying_record"] = "no_disqualifying_record"
    kinds: list[Annotated[DisqualificationKind, _parse_enum(DisqualificationKind)]] | None = None

    def predicate(self, ctx: RuleContext) -> Condition:
        d = disqualification_t
        found = sa.select(d.c.id).where(
            d.c.member_id == member_t.c.id,
            d.c.noted_on <= ctx.on,
            sa.or_(d.c.expires_on.is_(None), d.c.expires_on > ctx.on),
        )
        if self.kinds:
            found = found.where(d.c.kind.in_([k.value for k in self.kinds]))
        return ~sa.exists(found)

    def _kinds(self, lang: Lang) -> str:
        kinds = self.kinds or list(DisqualificationKind)
        return ("、" if lang == "zh" else ", ").join(k.label(lang) for k in kinds)

    def describe(self, ctx: RuleContext, lang: Lang = "zh") -> str:
        if lang == "zh":
            return f"无在效的不良记录（{self._kinds(lang)}）"
        return f"no record in force ({self._kinds(lang)})"

    def explain(self, facts: Mapping[str, Any], ctx: RuleContext, lang: Lang = "zh") -> str:
        if lang == "zh":
            return f"{ctx.on}时有在效的不良记录"
        return f"has a disqualifying record in force on {ctx.on}"


class NoPriorHonour(_Rule):
    """此前未获本奖项 (or ``programme``), ever or in the last ``within_years`` years.

    An honour without a date counts: it cannot be shown to be older.
    """

    rule: Literal["no_prior_honour"] = "no_prior_honour"
    programme: str | None = None
    within_years: int | None = Field(default=None, ge=1)

    def _programme(self, ctx: RuleContext) -> str:
        programme = self.programme or ctx.programme
        if programme is None:
            raise ValueError("no_prior_honour needs a programme (none is being run)")
        return programme

    def predicate(self, ctx: RuleContext) -> Condition:
        h = honour_t
        found = sa.select(h.c.id).where(
            h.c.member_id == member_t.c.id, h.c.programme == self._programme(ctx)
        )
        if self.within_years is not None:
            since = latest_birth_date(ctx.on, self.within_years)
            found = found.where(sa.or_(h.c.awarded_on.is_(None), h.c.awarded_on > since))
        return ~sa.exists(found)

    def describe(self, ctx: RuleContext, lang: Lang = "zh") -> str:
        programme = self._programme(ctx)
        if lang == "zh":
            span = f"近{self.within_years}年内" if self.within_years else "此前"
            return f"{span}未获{programme}"
        span = f" in the last {self.within_years} years" if self.within_years else ""
        return f"not honoured by {programme}{span}"

    def explain(self, facts: Mapping[str, Any], ctx: RuleContext, lang: Lang = "zh") -> str:
        return "已获得过该荣誉" if lang == "zh" else "already honoured by it"


class AnyOf(_Rule):
    """满足其一: at least one of ``rules`` holds."""

    rule: Literal["any_of"] = "any_of"
    rules: list[Rule] = Field(min_length=1)

    def predicate(self, ctx: RuleContext) -> Condition:
        return sa.or_(*(r.predicate(ctx) for r in self.rules))

    def describe(self, ctx: RuleContext, lang: Lang = "zh") -> str:
        parts = [r.describe(ctx, lang) for r in self.rules]
        return f"满足其一：{'；'.join(parts)}" if lang == "zh" else f"one of: {'; '.join(parts)}"

    def explain(self, facts: Mapping[str, Any], ctx: RuleContext, lang: Lang = "zh") -> str:
        parts = [r.explain(facts, ctx, lang) for r in self.rules]
        return (
            f"均不满足：{'；'.join(parts)}" if lang == "zh" else f"none holds: {'; '.join(parts)}"
        )


Rule = Annotated[
    AgeAtMost
    | AgeUnder
    | AgeAtLeast
    | MemberOfNetwork
    | TitleLevelAtLeast
    | DegreeAtLeast
    | StudyStatusIn
    | ExpertLevelIn
    | LinyiConnected
    | NoDisqualifyingRecord
    | NoPriorHonour
    | AnyOf,
    Field(discriminator="rule"),
]
AnyOf.model_rebuild()


__all__ = [
    "FACT_COLUMNS",
    "AgeAtLeast",
    "AgeAtMost",
    "AgeUnder",
    "AnyOf",
    "DegreeAtLeast",
    "ExpertLevelIn",
    "Lang",
    "LinyiConnected",
    "MemberOfNetwork",
    "NoDisqualifyingRecord",
    "NoPriorHonour",
    "Rule",
    "RuleContext",
    "StudyStatusIn",
    "TitleLevelAtLeast",
]
