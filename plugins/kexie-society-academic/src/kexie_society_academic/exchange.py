"""What an academic exchange (学术交流活动) records, and the rule that checks it.

``academic_exchange`` is a built-in kind: a plug-in cannot give it a details model of its own
(keys are unique across plug-ins), but it can check the details through
``kexie_validate_record``, which sees every work item before it is written, on every write path.
The rule only reads the record, so the details are stored as the clerk gave them: a level is its
key (``provincial``) or its Chinese name (省级), and the metrics accept both.
"""

from __future__ import annotations

from kexie_core import Problem, WorkItemIn
from kexie_core.model.errors import problems_from_validation
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

ACADEMIC_EXCHANGE = "academic_exchange"

#: Level of an exchange (学术交流级别): key → Chinese name.
LEVELS: dict[str, str] = {
    "international": "国际",
    "national": "全国",
    "provincial": "省级",
    "municipal": "市级",
    "county": "县级",
}
#: Provincial level and above (省级及以上), as stored: keys and Chinese names.
HIGH_LEVELS: tuple[str, ...] = tuple(
    name for key in ("international", "national", "provincial") for name in (key, LEVELS[key])
)
_CHOICES = "、".join(f"{zh}（{key}）" for key, zh in LEVELS.items())


class ExchangeDetails(BaseModel):
    """The details of an academic exchange that this plug-in checks and counts."""

    # Other facts may sit beside these (a theme, the host society): they are left alone.
    model_config = ConfigDict(extra="allow", hide_input_in_errors=True)

    level: str | None = Field(default=None, validate_default=True, description="学术交流级别")
    # Strict: the metrics sum them in SQL, where "12篇" could not be added up.
    papers: int = Field(default=0, ge=0, strict=True, description="交流论文（篇）")
    expert_reports: int = Field(default=0, ge=0, strict=True, description="专家学术报告（场）")

    @field_validator("level")
    @classmethod
    def _known_level(cls, value: str | None) -> str | None:
        if value not in LEVELS and value not in LEVELS.values():
            raise ValueError(f"须注明学术交流级别：{_CHOICES} / name the level of the exchange")
        return value


def exchange_problems(record: WorkItemIn) -> list[Problem]:
    """Problems with an academic exchange: its details, and participants > 0.

    Problems are returned, never raised: a rule that raises is a failure of the plug-in, and the
    record would be written unchecked.
    """
    if record.kind != ACADEMIC_EXCHANGE:
        return []
    problems: list[Problem] = []
    try:
        ExchangeDetails.model_validate(record.details)
    except ValidationError as exc:
        problems += [
            Problem(f"details.{p.field}", p.message) for p in problems_from_validation(exc)
        ]
    if record.participants <= 0:
        problems.append(
            Problem("participants", "学术交流须填写参与人次（大于 0）/ participants must be > 0")
        )
    return problems
