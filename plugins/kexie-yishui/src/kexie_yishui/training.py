"""Orchard trainings (果树技术培训): the county's own kind of work item.

沂水县科协 and its rural technology associations (农技协) train fruit farmers in their villages:
which varieties (苹果、大樱桃、桃…), how many farmers, in which village of which township. A work
item of this kind keeps those facts in its ``details``, checked by ``OrchardTrainingDetails`` on
every write path (the API and ``kexie import``); its errors name the field
(``details.trainees``).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from kexie_core import Area, Problem, WorkItemIn, WorkKind
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

ORCHARD_TRAINING = "yishui_orchard_training"


def _split(value: Any) -> Any:
    """Varieties as a clerk types them in one cell: ``红富士、烟富3号；大樱桃``."""
    if isinstance(value, str):
        return [part for part in re.split(r"[、,，;；/\s]+", value) if part]
    return value


class OrchardTrainingDetails(BaseModel):
    """What an orchard training records beyond any work item (its ``details``)."""

    # Unknown fields are refused, so that a misspelt ledger column is caught instead of lost.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, hide_input_in_errors=True)

    township: str = Field(min_length=1, max_length=40, description="镇（街道）, e.g. 沂城街道")
    village: str = Field(min_length=1, max_length=40, description="村（社区） where it was held")
    varieties: Annotated[list[str], BeforeValidator(_split)] = Field(
        min_length=1, description="fruit varieties taught (品种): 红富士, 烟富3号, 大樱桃"
    )
    trainees: int = Field(ge=1, le=5000, description="farmers trained (培训农民人数)")
    lecturer: str | None = Field(default=None, max_length=40, description="授课专家")


WORK_KIND = WorkKind(
    ORCHARD_TRAINING,
    Area.PRACTICE,  # 5 强化岗位践行活动: agricultural technical service and training
    "果树技术培训",
    "orchard training",
    details_model=OrchardTrainingDetails,
    description="Fruit-growing training for farmers in a village, by the county or its 农技协.",
)


def training_problems(record: WorkItemIn) -> list[Problem]:
    """The county's rule for an orchard training, beyond its details model.

    The farmers trained are among the people who took part, so ``participants`` (参与人次) may
    not be fewer than ``details.trainees``. The details model cannot say this: it sees only the
    details, while the rule sees the whole work item (its details already validated).
    """
    trainees = record.details.get("trainees")
    if record.kind != ORCHARD_TRAINING or not isinstance(trainees, int):
        return []
    if record.participants < trainees:
        return [
            Problem(
                "participants",
                f"参与人次（{record.participants}）少于培训农民人数（{trainees}）"
                f" / participants ({record.participants}) fewer than trainees ({trainees})",
            )
        ]
    return []
