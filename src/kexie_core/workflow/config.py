"""The reporting configuration (报告制度配置): who reports which period, by when; when an
important matter counts as reported in time.

Configuration, not code. The rules shipped with the package are ``reporting.toml`` beside this
module; a workspace replaces them with a TOML file of the same shape (``kexie report config --set
FILE`` or :func:`set_config`), and goes back to them with ``--reset``. The workspace's periodic
rules are rows of ``report_rule`` so that "who is expected to report" is a join in SQL
(:func:`rules_subquery`); the important-matter limits are a setting in ``kexie_setting``. Every
reader of the configuration goes through this module, so the CLI, the metrics and the API always
agree.
"""

from __future__ import annotations

import json
import tomllib
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy.engine import Connection

from ..model.enums import UnitKind
from ..model.errors import InvalidRecord, Problem, problems_from_validation
from ..model.period import PERIOD_KINDS, Period, PeriodKind
from ..store import audit
from ..store.scope import Actor, ScopeError
from ..store.tables import setting_t
from ..store.tables_workflow import report_rule_t

if TYPE_CHECKING:
    from ..workspace import ActorSession

MATTERS_SETTING = "workflow.matters"
URGENCIES = ("normal", "urgent", "critical")


class PeriodicRule(BaseModel):
    """Units of these kinds report for periods of this kind, ``due_days`` after the period ends."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kinds: tuple[str, ...] = Field(min_length=1)
    period: PeriodKind
    due_days: int = Field(ge=0, le=366)

    @field_validator("kinds", mode="before")
    @classmethod
    def _kinds(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        return tuple(UnitKind.parse(v).value for v in value)


class MattersConfig(BaseModel):
    """Important matters: reported within this many days of happening is timely, by urgency."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    timely_within_days: dict[str, int] = Field(default_factory=dict)

    @field_validator("timely_within_days")
    @classmethod
    def _days(cls, value: dict[str, int]) -> dict[str, int]:
        unknown = set(value) - set(URGENCIES)
        if unknown:
            raise ValueError(
                f"unknown urgency {', '.join(sorted(unknown))}; expected {', '.join(URGENCIES)}"
            )
        if any(days < 0 for days in value.values()):
            raise ValueError("days must be 0 or more")
        return value


class ReportingConfig(BaseModel):
    """The whole reporting configuration, as in ``reporting.toml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    periodic: tuple[PeriodicRule, ...] = ()
    matters: MattersConfig = MattersConfig()

    def rules(self) -> dict[tuple[str, str], int]:
        """``(unit kind, period kind) → due days``; a pair given twice is an error."""
        out: dict[tuple[str, str], int] = {}
        for index, rule in enumerate(self.periodic):
            for kind in rule.kinds:
                if (kind, rule.period) in out:
                    raise InvalidRecord(
                        [
                            Problem(
                                f"periodic.{index}.kinds",
                                f"{kind} already has a rule for {rule.period} periods",
                            )
                        ],
                        what="reporting configuration",
                    )
                out[(kind, rule.period)] = rule.due_days
        return out

    def due_days(self, unit_kind: str, period_kind: str) -> int | None:
        return self.rules().get((unit_kind, period_kind))

    def due_on(self, unit_kind: str, period: Period) -> date | None:
        """The deadline of a ``unit_kind`` unit for ``period`` (None: it need not report)."""
        days = self.due_days(unit_kind, period.kind)
        return None if days is None else period.end + timedelta(days=days)

    def timely_days(self, urgency: str) -> int:
        """Days within which a matter of ``urgency`` counts as reported in time (an urgency the
        workspace leaves out takes its ``normal`` limit, else the shipped one)."""
        days = self.matters.timely_within_days
        if urgency in days:
            return days[urgency]
        if "normal" in days:
            return days["normal"]
        return default_config().matters.timely_within_days.get(urgency, 0)

    def to_toml(self) -> str:
        """The configuration as a TOML file of the shape ``--set`` reads."""
        lines = ["# 报告制度配置 reporting configuration (kexie report config)", ""]
        for rule in self.periodic:
            kinds = ", ".join(json.dumps(k) for k in rule.kinds)
            lines += [
                "[[periodic]]",
                f"kinds = [{kinds}]",
                f'period = "{rule.period}"',
                f"due_days = {rule.due_days}",
                "",
            ]
        lines.append("[matters.timely_within_days]")
        for urgency, days in self.matters.timely_within_days.items():
            lines.append(f"{urgency} = {days}")
        return "\n".join(lines) + "\n"


def parse_config(text: str) -> ReportingConfig:
    """Read a configuration from TOML text; problems name the field."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidRecord(
            [Problem("", f"not valid TOML: {exc}")], what="reporting configuration"
        ) from None
    try:
        config = ReportingConfig.model_validate(data)
    except ValidationError as exc:
        raise InvalidRecord(problems_from_validation(exc), what="reporting configuration") from None
    config.rules()  # a kind given two rules for one kind of period is an error now, not later
    return config


@cache
def default_config() -> ReportingConfig:
    """The configuration shipped with the package (``workflow/reporting.toml``)."""
    text = resources.files(__package__).joinpath("reporting.toml").read_text(encoding="utf-8")
    return parse_config(text)


def load_config(conn: Connection) -> ReportingConfig:
    """The workspace's configuration: its own where set, the shipped one otherwise."""
    rows = conn.execute(
        sa.select(report_rule_t.c.unit_kind, report_rule_t.c.period_kind, report_rule_t.c.due_days)
    ).all()
    default = default_config()
    periodic = default.periodic
    if rows:
        periodic = tuple(
            PeriodicRule(kinds=(kind,), period=period_kind, due_days=days)
            for kind, period_kind, days in sorted(rows)
        )
    stored = conn.execute(
        sa.select(setting_t.c.value).where(setting_t.c.key == MATTERS_SETTING)
    ).scalar()
    matters = MattersConfig.model_validate(json.loads(stored)) if stored else default.matters
    return ReportingConfig(periodic=periodic, matters=matters)


def set_config(session: ActorSession, config: ReportingConfig | str) -> ReportingConfig:
    """Replace the workspace's configuration (the root unit only), audited.

    ``config`` is a :class:`ReportingConfig` or TOML text in the shape of ``reporting.toml``.
    """
    actor = _root_only(session.actor)
    if isinstance(config, str):
        config = parse_config(config)
    rules = config.rules()
    with session.workspace.engine.begin() as conn:
        conn.execute(report_rule_t.delete())
        if rules:
            conn.execute(
                report_rule_t.insert(),
                [
                    {"unit_kind": kind, "period_kind": period_kind, "due_days": days}
                    for (kind, period_kind), days in rules.items()
                ],
            )
        _put_setting(conn, MATTERS_SETTING, json.dumps(config.matters.model_dump()))
        audit.record(
            conn,
            actor,
            "set",
            "reporting_config",
            None,
            unit_id=actor.unit_id,
            detail=config.model_dump(mode="json"),
        )
    return config


def reset_config(session: ActorSession) -> ReportingConfig:
    """Go back to the shipped configuration (the root unit only), audited."""
    actor = _root_only(session.actor)
    with session.workspace.engine.begin() as conn:
        conn.execute(report_rule_t.delete())
        conn.execute(setting_t.delete().where(setting_t.c.key == MATTERS_SETTING))
        audit.record(conn, actor, "reset", "reporting_config", None, unit_id=actor.unit_id)
    return default_config()


def current_config(session: ActorSession) -> ReportingConfig:
    """The configuration in force in the session's workspace."""
    with session.workspace.read() as conn:
        return load_config(conn)


def _root_only(actor: Actor) -> Actor:
    if not actor.is_root:
        raise ScopeError(f"{actor} may not change the reporting configuration: only the root unit")
    return actor


def _put_setting(conn: Connection, key: str, value: str) -> None:
    updated = conn.execute(setting_t.update().where(setting_t.c.key == key).values(value=value))
    if updated.rowcount == 0:
        conn.execute(setting_t.insert().values(key=key, value=value))


def rules_subquery() -> sa.Subquery:
    """The periodic rules in force, as rows ``(unit_kind, period_kind, due_days)``.

    The workspace's rows when it has any, else the shipped rules as literal rows: one select that
    SQL can join to units, needing no connection to build (the metrics engine builds statements
    before it has one).
    """
    own = sa.select(
        report_rule_t.c.unit_kind, report_rule_t.c.period_kind, report_rule_t.c.due_days
    )
    none_set = ~sa.exists(sa.select(report_rule_t.c.unit_kind))
    shipped = [
        sa.select(
            sa.literal(kind, sa.String(20)).label("unit_kind"),
            sa.literal(period_kind, sa.String(10)).label("period_kind"),
            sa.literal(days, sa.Integer).label("due_days"),
        ).where(none_set)
        for (kind, period_kind), days in sorted(default_config().rules().items())
    ]
    return sa.union_all(own, *shipped).subquery("rules")


__all__ = [
    "PERIOD_KINDS",
    "URGENCIES",
    "MattersConfig",
    "PeriodicRule",
    "ReportingConfig",
    "current_config",
    "default_config",
    "load_config",
    "parse_config",
    "reset_config",
    "rules_subquery",
    "set_config",
]
