"""Eligibility rules as data (资格条件): a closed vocabulary, evaluated in SQL, never ``eval``.

A programme (an award, the youth lifting cohort) declares its rules in TOML::

    [[rules]]
    rule = "age_at_most"      # 年龄不超过40周岁，以评选基准日计
    years = 40

    [[rules]]
    rule = "no_disqualifying_record"

Each rule turns into one SQL condition on the ``member`` table, so "everyone eligible" is a single
query (the cohort) and "why is this nominee not eligible" is the same conditions evaluated one per
column for the nominee (the awards); the two can never disagree. A condition that is unknown
(NULL: no birth date recorded) fails. Ages follow ``kexie_core.people.ages``.

Rule keys: ``age_at_most``, ``age_under``, ``age_at_least``, ``member_of_network``,
``title_level_at_least``, ``degree_at_least``, ``study_status_in``, ``expert_level_in``,
``linyi_connected``, ``no_disqualifying_record``, ``no_prior_honour`` and ``any_of`` (a group of
which one must hold).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.engine import Connection

from ..store.tables import member_t
from .rule_kinds import (
    FACT_COLUMNS,
    AgeAtLeast,
    AgeAtMost,
    AgeUnder,
    AnyOf,
    DegreeAtLeast,
    ExpertLevelIn,
    Lang,
    LinyiConnected,
    MemberOfNetwork,
    NoDisqualifyingRecord,
    NoPriorHonour,
    Rule,
    RuleContext,
    StudyStatusIn,
    TitleLevelAtLeast,
)

Condition = sa.ColumnElement[bool]


@dataclass(frozen=True)
class RuleResult:
    """One rule judged for one member: the rule's key and text, and why it failed."""

    rule: str
    passed: bool
    requirement_zh: str
    requirement_en: str
    reason_zh: str = ""
    reason_en: str = ""

    def message(self, lang: Lang = "zh") -> str:
        if lang == "zh":
            return (
                f"{self.requirement_zh}：{self.reason_zh}"
                if self.reason_zh
                else self.requirement_zh
            )
        return f"{self.requirement_en}: {self.reason_en}" if self.reason_en else self.requirement_en

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "passed": self.passed,
            "requirement_zh": self.requirement_zh,
            "requirement_en": self.requirement_en,
            "reason_zh": self.reason_zh,
            "reason_en": self.reason_en,
        }


@dataclass(frozen=True)
class Verdict:
    """Every rule of a set judged for one member."""

    member_id: int
    results: list[RuleResult] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)

    @property
    def failures(self) -> list[RuleResult]:
        return [r for r in self.results if not r.passed]


class RuleSet(BaseModel):
    """Rules that must all hold (an empty set admits everyone)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rules: list[Rule] = Field(default_factory=list)

    def predicate(self, ctx: RuleContext) -> Condition:
        """One SQL condition on ``member``: true for members who pass every rule."""
        return sa.and_(sa.true(), *(r.predicate(ctx) for r in self.rules))

    def describe(self, ctx: RuleContext, lang: Lang = "zh") -> list[str]:
        return [r.describe(ctx, lang) for r in self.rules]

    def evaluate(
        self, conn: Connection, member_ids: Iterable[int], ctx: RuleContext
    ) -> dict[int, Verdict]:
        """Judge each rule for each member in one query (one column per rule)."""
        ids = list(member_ids)
        if not ids:
            return {}
        checks = [
            sa.case((r.predicate(ctx), 1), else_=0).label(f"rule_{i}")
            for i, r in enumerate(self.rules)
        ]
        facts = [member_t.c[name] for name in FACT_COLUMNS]
        rows = conn.execute(
            sa.select(member_t.c.id, *facts, *checks).where(member_t.c.id.in_(ids))
        ).all()
        verdicts: dict[int, Verdict] = {}
        for row in rows:
            data: Mapping[str, Any] = dict(row._mapping)
            results = []
            for i, r in enumerate(self.rules):
                passed = bool(data[f"rule_{i}"])
                results.append(
                    RuleResult(
                        r.rule,
                        passed,
                        r.describe(ctx, "zh"),
                        r.describe(ctx, "en"),
                        "" if passed else r.explain(data, ctx, "zh"),
                        "" if passed else r.explain(data, ctx, "en"),
                    )
                )
            verdicts[int(row.id)] = Verdict(int(row.id), results)
        return verdicts


__all__ = [
    "FACT_COLUMNS",
    "AgeAtLeast",
    "AgeAtMost",
    "AgeUnder",
    "AnyOf",
    "DegreeAtLeast",
    "ExpertLevelIn",
    "LinyiConnected",
    "MemberOfNetwork",
    "NoDisqualifyingRecord",
    "NoPriorHonour",
    "Rule",
    "RuleContext",
    "RuleResult",
    "RuleSet",
    "StudyStatusIn",
    "TitleLevelAtLeast",
    "Verdict",
]
