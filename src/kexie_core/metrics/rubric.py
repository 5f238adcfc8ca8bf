"""Performance-evaluation rubrics (绩效评估细则): weighted items on metrics, declared rules only.

A rubric is data: a TOML file or a plug-in's ``Rubric`` object. Each item names a metric and one
scoring rule from a closed list — there is no expression language, no ``eval``, no code in data:

=================== ==========================================================================
rule                points
=================== ==========================================================================
``ratio_to_target`` weight × min(value ÷ target, cap) — cap 1.0 unless given (完成率计分)
``thresholds``      the points of the highest band the value reaches (分档计分)
``rank``            by rank among the units evaluated: the listed points, else weight × (n − r)
                    ÷ (n − 1); nothing below ``at_least`` (排名计分)
``bonus``           added on top of the weights: per unit of value up to a maximum, or a fixed
                    amount once the value reaches a level (加分项)
``veto``            the total becomes 0 when the value is below / above a limit (一票否决)
=================== ==========================================================================

A TOML rubric::

    key = "yishui"
    label_zh = "沂水县乡镇科协考核"
    kinds = ["township"]

    [[items]]
    key = "members"
    label_zh = "会员发展"
    metric = "members.net"
    rule = "ratio_to_target"
    weight = 20

    [[items]]
    key = "blank"
    label_zh = "全年无工作事项"
    metric = "work_items"
    rule = "veto"
    below = 1
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..model.enums import UnitKind
from ..model.errors import InvalidRecord, Problem, problems_from_validation

_KEY = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)


class _Item(_Model):
    key: str = Field(pattern=_KEY, max_length=60)
    label_zh: str = Field(min_length=1)
    label_en: str = ""
    metric: str = Field(min_length=1, description="the metric key the item scores")
    own: bool = Field(
        default=False, description="score the unit's own figure (本级) instead of its subtree's"
    )
    if_missing: Literal["zero", "full"] = Field(
        default="zero",
        description="points when the unit has no value (e.g. no university to cover): "
        "none, or the item's full weight",
    )
    note: str = ""

    def label(self, lang: str = "zh") -> str:
        return self.label_zh if lang == "zh" or not self.label_en else self.label_en

    @property
    def max_points(self) -> float:
        return 0.0


class RatioToTarget(_Item):
    """weight × min(value ÷ target, cap)."""

    rule: Literal["ratio_to_target"]
    weight: float = Field(gt=0)
    cap: float = Field(default=1.0, gt=0)

    @property
    def max_points(self) -> float:
        return self.weight * self.cap


class Band(_Model):
    at_least: float
    points: float = Field(ge=0)


class Thresholds(_Item):
    """The points of the highest band whose ``at_least`` the value reaches."""

    rule: Literal["thresholds"]
    weight: float = Field(gt=0)
    bands: tuple[Band, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _bands(self) -> Thresholds:
        over = [b.points for b in self.bands if b.points > self.weight]
        if over:
            raise ValueError(f"a band gives {max(over)} points, more than the weight {self.weight}")
        levels = [b.at_least for b in self.bands]
        if len(set(levels)) != len(levels):
            raise ValueError("two bands have the same at_least")
        object.__setattr__(
            self, "bands", tuple(sorted(self.bands, key=lambda b: b.at_least, reverse=True))
        )
        return self

    @property
    def max_points(self) -> float:
        return self.weight


class Rank(_Item):
    """Points by rank among the units evaluated (higher value ranks first; ties share a rank)."""

    rule: Literal["rank"]
    weight: float = Field(gt=0)
    points: tuple[float, ...] = Field(
        default=(), description="points for rank 1, 2, …; later ranks get 0. Empty: linear"
    )
    at_least: float | None = Field(
        default=None,
        description="a value below this scores nothing whatever its rank (units tied at 0 "
        "would otherwise share first place)",
    )

    @model_validator(mode="after")
    def _points(self) -> Rank:
        if any(p > self.weight or p < 0 for p in self.points):
            raise ValueError(f"rank points must lie between 0 and the weight {self.weight}")
        return self

    @property
    def max_points(self) -> float:
        return self.weight


class Bonus(_Item):
    """Extra points beyond the weights: ``per`` point(s) per unit of value up to ``max_points``,
    or ``points`` once the value reaches ``at_least``."""

    rule: Literal["bonus"]
    per: float | None = Field(default=None, gt=0)
    at_least: float | None = None
    points: float | None = Field(default=None, gt=0)
    max: float = Field(gt=0, description="the most this item can add")

    @model_validator(mode="after")
    def _one_form(self) -> Bonus:
        by_value = self.per is not None
        by_level = self.at_least is not None or self.points is not None
        if by_value == by_level:
            raise ValueError("give either per (points per unit of value) or at_least and points")
        if by_level and (self.at_least is None or self.points is None):
            raise ValueError("a bonus by level needs both at_least and points")
        return self

    @property
    def max_points(self) -> float:
        return self.max


class Veto(_Item):
    """一票否决: the unit's total becomes 0 when the value is below ``below`` (or above
    ``above``)."""

    rule: Literal["veto"]
    below: float | None = None
    above: float | None = None

    @model_validator(mode="after")
    def _one_limit(self) -> Veto:
        if (self.below is None) == (self.above is None):
            raise ValueError("a veto item needs exactly one of below or above")
        return self

    def triggered(self, value: float | None) -> bool:
        """Whether ``value`` vetoes the total; a missing value counts as 0 (``if_missing =
        "zero"``) or never vetoes (``"full"``)."""
        if value is None:
            if self.if_missing == "full":
                return False
            value = 0
        if self.below is not None:
            return value < self.below
        assert self.above is not None
        return value > self.above


Item = Annotated[RatioToTarget | Thresholds | Rank | Bonus | Veto, Field(discriminator="rule")]


class Rubric(_Model):
    """A performance-evaluation rubric (绩效评估细则).

    :param key: how ``kexie evaluate --rubric KEY`` names it.
    :param kinds: the kinds of unit it ranks against each other (default counties and zones).
    :param items: the scored items; their weights need not add up to 100.
    :param plugin: the plug-in that gave it (the host stamps it; a file rubric leaves it empty).
    """

    key: str = Field(pattern=_KEY, max_length=60)
    label_zh: str = Field(min_length=1)
    label_en: str = ""
    description: str = ""
    kinds: tuple[str, ...] = ("county", "zone")
    items: tuple[Item, ...] = Field(min_length=1)
    plugin: str = ""

    @model_validator(mode="after")
    def _check(self) -> Rubric:
        kinds = tuple(UnitKind.parse(k).value for k in self.kinds)
        object.__setattr__(self, "kinds", kinds)
        seen: set[str] = set()
        for item in self.items:
            if item.key in seen:
                raise ValueError(f"two items have the key {item.key!r}")
            seen.add(item.key)
        return self

    def label(self, lang: str = "zh") -> str:
        return self.label_zh if lang == "zh" or not self.label_en else self.label_en

    @property
    def max_points(self) -> float:
        """Points available from weighted items (bonuses come on top)."""
        return sum(i.max_points for i in self.items if not isinstance(i, Bonus | Veto))

    @property
    def metric_keys(self) -> list[str]:
        return list(dict.fromkeys(item.metric for item in self.items))


def parse_rubric(data: dict[str, Any], *, source: str = "rubric") -> Rubric:
    """Validate rubric data (from TOML or code); errors name the item and field."""
    try:
        return Rubric.model_validate(data)
    except ValidationError as exc:
        problems = [_name_item(p, data) for p in problems_from_validation(exc)]
        raise InvalidRecord(problems, what="rubric", key=source) from None


def _name_item(problem: Problem, data: dict[str, Any]) -> Problem:
    """``items.2.rank.weight`` → ``items[3] (members).weight``: what a clerk finds in the file."""
    parts = problem.field.split(".")
    if len(parts) >= 2 and parts[0] == "items" and parts[1].isdigit():
        index = int(parts[1])
        rest = [p for p in parts[2:] if p not in _RULES]
        items = data.get("items") or []
        key = (
            items[index].get("key")
            if index < len(items) and isinstance(items[index], dict)
            else None
        )
        where = f"items[{index + 1}]" + (f" ({key})" if key else "")
        return Problem(".".join([where, *rest]), problem.message)
    return problem


_RULES = {"ratio_to_target", "thresholds", "rank", "bonus", "veto"}


def load_rubric(path: str | Path) -> Rubric:
    """Read a rubric from a TOML file."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        problem = Problem("", f"not valid TOML: {exc}")
        raise InvalidRecord([problem], what="rubric", key=str(path)) from None
    return parse_rubric(data, source=str(path))


def packaged_rubric(name: str) -> Rubric:
    """A rubric shipped with the package (``kexie_core/metrics/rubrics/NAME.toml``)."""
    resource = resources.files("kexie_core.metrics").joinpath("rubrics", f"{name}.toml")
    data = tomllib.loads(resource.read_text(encoding="utf-8"))
    return parse_rubric(data, source=f"kexie_core/metrics/rubrics/{name}.toml")
