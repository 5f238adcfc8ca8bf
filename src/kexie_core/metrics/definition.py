"""What a metric (指标) is: key, labels, unit of measure, area, roll-up rule and compute function.

A plug-in gives metrics through ``kexie_register_metrics``; the built-in ones in
``kexie_core.metrics.builtin`` are registered the same way and are the examples to copy.

A compute function receives a :class:`MetricContext` and returns a SQLAlchemy ``select`` of the
*own* rows of units (rows that belong to a unit itself, not to its subtree), in the shape its
roll-up rule needs:

========== =============================================== =========================================
rule       columns, by position                            a unit's subtree figure
========== =============================================== =========================================
sum        ``(unit_id, value)``                            sum of the subtree's values
ratio      ``(unit_id, numerator, denominator)``           Σ numerators ÷ Σ denominators
distinct   ``(unit_id, item)``                             number of different items in the subtree
max / min  ``(unit_id, value)``                            largest / smallest value in the subtree
latest     ``(unit_id, value, as_of)``                     each unit's value with the latest
                                                           ``as_of``, added up over the subtree
========== =============================================== =========================================

The engine does the roll-up over the closure table in SQL, for every unit asked for in one
statement per metric; a compute function never loops over units.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

import sqlalchemy as sa

from ..model.enums import Area, LabelledEnum, set_labels
from ..model.period import Period

if TYPE_CHECKING:
    from .sources import Source, SourceCache


class Rollup(LabelledEnum):
    """How a metric rolls up the unit tree (汇总规则)."""

    SUM = "sum"
    RATIO = "ratio"
    DISTINCT = "distinct"
    MAX = "max"
    MIN = "min"
    LATEST = "latest"

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns a compute function returns for this rule, by position."""
        return _COLUMNS[self]


set_labels(
    Rollup,
    {
        "sum": ("求和", "sum"),
        "ratio": ("比率（分子、分母分别汇总）", "ratio of sums"),
        "distinct": ("去重计数", "distinct count"),
        "max": ("最大值", "maximum"),
        "min": ("最小值", "minimum"),
        "latest": ("最新值（各单位最新值之和）", "latest value (summed over units)"),
    },
)

_COLUMNS: dict[Rollup, tuple[str, ...]] = {
    Rollup.SUM: ("unit_id", "value"),
    Rollup.RATIO: ("unit_id", "numerator", "denominator"),
    Rollup.DISTINCT: ("unit_id", "item"),
    Rollup.MAX: ("unit_id", "value"),
    Rollup.MIN: ("unit_id", "value"),
    Rollup.LATEST: ("unit_id", "value", "as_of"),
}


class Measure(NamedTuple):
    """A unit of measure (计量单位) in Chinese and English."""

    zh: str
    en: str


ITEMS = Measure("项", "items")
COUNT = Measure("个", "units")
PEOPLE = Measure("人", "people")
PERSON_TIMES = Measure("人次", "person-times")
PERCENT = Measure("%", "%")
HOURS = Measure("小时", "hours")
TEN_THOUSAND_YUAN = Measure("万元", "10k yuan")

_KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")


def on_record(since: Any, until: Any, day: date) -> sa.ColumnElement[bool]:
    """A record that started on ``since`` (or undated) and had not ended by ``day`` (``until``
    empty or later than it)."""
    return sa.and_(sa.or_(since.is_(None), since <= day), sa.or_(until.is_(None), until > day))


@dataclass(frozen=True)
class MetricContext:
    """What a compute function may use: the period, the units in scope, helpers.

    :param period: the period (年/半年/季/月) being computed.
    :param units: a select of the ids of every unit in scope (the acting unit's subtree, or the
        subtree asked for). Restricting own rows to it keeps the work proportional to the scope.
    :param dialect: ``sqlite`` or ``postgresql``, for the rare function that must differ.
    :param everything: the scope is the whole tree (the root acting on itself), so
        ``in_scope`` needs no filter at all.
    """

    period: Period
    units: sa.Select[Any]
    dialect: str = "sqlite"
    everything: bool = False
    sources: SourceCache | None = field(default=None, repr=False, compare=False)

    @property
    def start(self) -> date:
        """First day of the period."""
        return self.period.start

    @property
    def end(self) -> date:
        """Last day of the period (inclusive)."""
        return self.period.end

    def in_period(self, column: Any) -> sa.ColumnElement[bool]:
        """``column`` (a date) falls within the period, both ends included."""
        return sa.and_(column >= self.start, column <= self.end)

    def in_scope(self, column: Any) -> sa.ColumnElement[bool]:
        """``column`` (a unit id) is one of the units in scope."""
        if self.everything:
            # For the whole tree a filter only costs: on SQLite an IN list turns a table scan
            # into an index probe per unit (measured 10x slower over a million members).
            return sa.true()
        return column.in_(self.units.scalar_subquery())

    def active_at_end(self, since: Any, until: Any) -> sa.ColumnElement[bool]:
        """A record that started on ``since`` (or undated) and had not ended by the period's end
        (``until`` empty or later than the last day)."""
        return on_record(since, until, self.end)

    def source(self, source: Source) -> sa.FromClause:
        """Rows of a shared source (``kexie_core.metrics.sources``) for this period and scope.

        Several metrics reading one source share its work: the engine materialises it once per
        run. Without an engine (e.g. compiling a statement in a test) it is an inline subquery.
        """
        if self.sources is None:
            return source.build(self).subquery(source.key.replace(".", "_"))
        return self.sources.get(source, self)

    def has_source(self, source: Source) -> bool:
        """Whether ``source`` is already built in this run (a source may then derive from it
        instead of reading the base table again)."""
        return self.sources is not None and self.sources.built(source)


Compute = Callable[[MetricContext], "sa.Select[Any] | sa.CompoundSelect[Any]"]


@dataclass(frozen=True)
class Metric:
    """A metric definition (指标定义).

    :param key: stable key, lower-case dotted words (``members.count``); targets and rubrics
        refer to it.
    :param label_zh: Chinese label (the default in tables and exports).
    :param label_en: English label.
    :param unit_zh: unit of measure in Chinese: 个 人 人次 % 项 小时 …
    :param unit_en: unit of measure in English.
    :param area: the clause (1–8) or requirement (R1–R3) the metric measures.
    :param rollup: how it rolls up the tree (:class:`Rollup`).
    :param compute: ``(MetricContext) -> select`` of own rows (see the module docstring).
    :param description: what exactly is counted, for the catalogue and ``--explain``.
    :param default_target: the target when none is set for a unit and period (e.g. 100 for the
        universities' coverage rate).
    :param plugin: the plug-in that gave it (the host stamps it).

    A ratio metric whose unit is ``%`` is shown as a percentage (numerator ÷ denominator × 100).
    """

    key: str
    label_zh: str
    label_en: str
    unit_zh: str
    unit_en: str
    area: Area
    rollup: Rollup
    compute: Compute
    description: str = ""
    default_target: float | None = None
    plugin: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.key, str) or not _KEY.match(self.key):
            raise ValueError(
                f"metric key {self.key!r} must be lower-case dotted words (e.g. members.count)"
            )
        # Accept what a plug-in author is likely to type ("8", "service", "sum", "求和").
        object.__setattr__(self, "area", _parse(self.key, "area", Area, self.area))
        object.__setattr__(self, "rollup", _parse(self.key, "rollup", Rollup, self.rollup))
        for name in ("label_zh", "label_en", "unit_zh", "unit_en"):
            if not isinstance(getattr(self, name), str):
                raise TypeError(f"metric {self.key}: {name} must be a string")
        if not self.label_zh.strip() or not self.label_en.strip():
            raise ValueError(f"metric {self.key}: label_zh and label_en must not be empty")
        if not callable(self.compute):
            raise TypeError(f"metric {self.key}: compute must be a function of the context")

    def label(self, lang: str = "zh") -> str:
        return self.label_zh if lang == "zh" else self.label_en

    def unit(self, lang: str = "zh") -> str:
        return self.unit_zh if lang == "zh" else self.unit_en

    @property
    def percent(self) -> bool:
        """A ratio shown as a percentage."""
        return self.rollup is Rollup.RATIO and self.unit_en.strip() == "%"

    @property
    def scale(self) -> float:
        return 100.0 if self.percent else 1.0

    def as_dict(self, lang: str = "zh") -> dict[str, Any]:
        """The catalogue entry (no compute function)."""
        return {
            "key": self.key,
            "label": self.label(lang),
            "label_zh": self.label_zh,
            "label_en": self.label_en,
            "unit": self.unit(lang),
            "area": self.area.value,
            "area_label": self.area.label(lang),
            "rollup": self.rollup.value,
            "rollup_label": self.rollup.label(lang),
            "default_target": self.default_target,
            "description": self.description,
            "plugin": self.plugin,
        }


def _parse(key: str, name: str, vocabulary: Any, value: Any) -> Any:
    try:
        return vocabulary.parse(value)
    except ValueError as exc:
        raise ValueError(f"metric {key}: {name}: {exc}") from None


def metric(
    key: str,
    label_zh: str,
    label_en: str,
    measure: Measure,
    area: Area | str,
    rollup: Rollup | str,
    compute: Compute,
    description: str = "",
    *,
    default_target: float | None = None,
) -> Metric:
    """Shorthand for :class:`Metric` with a :class:`Measure` (``PEOPLE``, ``PERCENT`` …)."""
    return Metric(
        key=key,
        label_zh=label_zh,
        label_en=label_en,
        unit_zh=measure.zh,
        unit_en=measure.en,
        area=_parse(key, "area", Area, area),
        rollup=_parse(key, "rollup", Rollup, rollup),
        compute=compute,
        description=description,
        default_target=default_target,
    )
