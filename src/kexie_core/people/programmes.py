"""Programmes declared as data (评选奖项与人才项目): awards and cohorts with their rules.

The built-in programmes are TOML files shipped in ``kexie_core/people/data/``: the four awards of
clause 4 (青年科技奖, 优秀科技工作者, 最美科技工作者, 新时代优秀科普工作者) and the youth lifting
cohort of clause 7 (托举工程). More come from

* TOML files in the directories named by ``KEXIE_PROGRAMME_PATH`` (``os.pathsep``-separated): a
  county adds its own award without code;
* the Python API: ``catalogue.add(Programme(...), source="my-plugin")``.

There is no plug-in hook for programmes yet; a key given twice is an error naming both sources.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterator, Mapping
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..model.errors import problems_from_validation
from ..plugin.contributions import DuplicateKeyError
from .rules import Rule, RuleContext, RuleSet

ENV_PROGRAMME_PATH = "KEXIE_PROGRAMME_PATH"
BUILTIN_SOURCE = "kexie-core"


class ProgrammeError(ValueError):
    """A programme file is invalid, or a programme key is unknown."""


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScoringSpec(_Spec):
    """How reviewers' scores combine (评分办法).

    ``mean`` is the plain average; ``trimmed_mean`` drops the ``trim`` highest and ``trim``
    lowest scores first (去掉最高分和最低分); ``weighted`` weighs each score by the weight
    recorded with it.
    """

    method: Literal["mean", "trimmed_mean", "weighted"] = "mean"
    trim: int = Field(default=1, ge=0)
    min_reviewers: int = Field(default=1, ge=1)
    score_min: float = 0.0
    score_max: float = 100.0

    @model_validator(mode="after")
    def _enough_reviewers(self) -> ScoringSpec:
        if self.method == "trimmed_mean" and self.min_reviewers < 2 * self.trim + 1:
            raise ValueError(
                f"a trimmed mean that drops {self.trim} score(s) at each end needs "
                f"min_reviewers of at least {2 * self.trim + 1}"
            )
        if self.score_max <= self.score_min:
            raise ValueError("score_max must be above score_min")
        return self


class AwardSpec(_Spec):
    """What an award programme needs beyond its rules."""

    honour_title: str = Field(min_length=1, max_length=200)
    honour_level: str | None = Field(default=None, max_length=40)
    awarding_body: str | None = Field(default=None, max_length=200)
    reference_day: str = Field(default="12-31", pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
    quota_per_unit: int = Field(default=1, ge=1)
    places: int = Field(default=10, ge=1)
    notice_days: int = Field(default=7, ge=1)
    scoring: ScoringSpec = Field(default_factory=ScoringSpec)

    def reference_date(self, year: int) -> date:
        """The day of ``year`` on which ages and status are judged (评选基准日)."""
        month, day = (int(part) for part in self.reference_day.split("-"))
        try:
            return date(year, month, day)
        except ValueError:
            raise ProgrammeError(
                f"reference_day {self.reference_day} does not exist in {year}"
            ) from None


class Programme(_Spec):
    """An award or a cohort programme: key, labels, eligibility rules and, for awards, the rest."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=80)
    kind: Literal["award", "cohort"]
    label_zh: str = Field(min_length=1)
    label_en: str = Field(min_length=1)
    description: str = ""
    rules: list[Rule] = Field(default_factory=list)
    award: AwardSpec | None = None
    source: str = Field(default="", exclude=True)

    @model_validator(mode="after")
    def _award_needs_spec(self) -> Programme:
        if self.kind == "award" and self.award is None:
            raise ValueError("an award programme needs an [award] table")
        if self.kind == "cohort" and self.award is not None:
            raise ValueError("a cohort programme has no [award] table")
        return self

    @property
    def ruleset(self) -> RuleSet:
        return RuleSet(rules=self.rules)

    def label(self, lang: str = "zh") -> str:
        return self.label_zh if lang == "zh" else self.label_en

    def context(self, on: date) -> RuleContext:
        return RuleContext(on=on, programme=self.key)

    def spec(self) -> dict[str, Any]:
        """The programme as JSON, stored with a round so that later edits never change it."""
        return self.model_dump(mode="json")


def parse_programme(data: Mapping[str, Any], source: str) -> Programme:
    """Validate a programme; errors name the source and each field."""
    try:
        return Programme.model_validate({**data, "source": source})
    except ValidationError as exc:
        problems = "; ".join(str(p) for p in problems_from_validation(exc))
        raise ProgrammeError(f"invalid programme in {source}: {problems}") from None


class Catalogue:
    """The programmes known to a process: built-in, from ``KEXIE_PROGRAMME_PATH``, and added."""

    def __init__(self) -> None:
        self._items: dict[str, Programme] = {}

    def add(self, programme: Programme | Mapping[str, Any], source: str | None = None) -> Programme:
        if not isinstance(programme, Programme):
            programme = parse_programme(programme, source or "the Python API")
        elif source is not None:
            programme = programme.model_copy(update={"source": source})
        existing = self._items.get(programme.key)
        if existing is not None:
            raise DuplicateKeyError(
                f"programme {programme.key!r} is declared by both {existing.source} and "
                f"{programme.source}; rename one of them"
            )
        self._items[programme.key] = programme
        return programme

    def load_toml(self, path: Path, source: str | None = None) -> Programme:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ProgrammeError(f"{path}: not valid TOML: {exc}") from None
        return self.add(parse_programme(data, source or str(path)))

    def load_dir(self, directory: Path) -> None:
        for path in sorted(directory.glob("*.toml")):
            self.load_toml(path)

    def get(self, key: str, kind: str | None = None) -> Programme:
        programme = self._items.get(key)
        if programme is None or (kind is not None and programme.kind != kind):
            known = ", ".join(sorted(k for k, p in self._items.items() if kind in (None, p.kind)))
            raise ProgrammeError(f"unknown programme {key!r}; known: {known or 'none'}")
        return programme

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[Programme]:
        return iter(self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def awards(self) -> list[Programme]:
        return [p for p in self if p.kind == "award"]

    def cohorts(self) -> list[Programme]:
        return [p for p in self if p.kind == "cohort"]


def builtin_catalogue() -> Catalogue:
    """A fresh catalogue of the programmes shipped with kexie-core."""
    catalogue = Catalogue()
    data = resources.files("kexie_core.people") / "data"
    for entry in sorted(data.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            parsed = tomllib.loads(entry.read_text(encoding="utf-8"))
            catalogue.add(parse_programme(parsed, f"{BUILTIN_SOURCE} ({entry.name})"))
    return catalogue


def default_catalogue() -> Catalogue:
    """Built-in programmes plus those in the directories of ``KEXIE_PROGRAMME_PATH``."""
    catalogue = builtin_catalogue()
    for part in os.environ.get(ENV_PROGRAMME_PATH, "").split(os.pathsep):
        if part.strip():
            directory = Path(part.strip())
            if not directory.is_dir():
                raise ProgrammeError(f"{ENV_PROGRAMME_PATH}: {directory} is not a directory")
            catalogue.load_dir(directory)
    return catalogue


__all__ = [
    "ENV_PROGRAMME_PATH",
    "AwardSpec",
    "Catalogue",
    "Programme",
    "ProgrammeError",
    "ScoringSpec",
    "builtin_catalogue",
    "default_catalogue",
    "parse_programme",
]
