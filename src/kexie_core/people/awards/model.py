"""Values of the award workflow: statuses with labels, what listings return, and its errors.

A round moves ``open`` (推荐中: nominations and scores) → ``decided`` (已评审: ranked, the best
``places`` selected) → ``notice`` (公示中: objections may be lodged) → ``closed`` (已结束: winners
recorded as honours). A nomination is ``nominated`` → ``selected`` or ``not_selected`` →
``winner``, or ``removed`` when an objection against it is upheld (异议成立).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ...model.errors import InvalidRecord, Problem

ROUND_STATUS = {
    "open": ("推荐中", "open for nominations"),
    "decided": ("已评审", "decided"),
    "notice": ("公示中", "on public notice"),
    "closed": ("已结束", "closed"),
}
NOMINATION_STATUS = {
    "nominated": ("已推荐", "nominated"),
    "selected": ("拟表彰", "selected"),
    "not_selected": ("未入选", "not selected"),
    "removed": ("异议成立撤销", "removed on objection"),
    "winner": ("获奖", "winner"),
}
OBJECTION_STATUS = {
    "pending": ("待核实", "pending"),
    "upheld": ("成立", "upheld"),
    "dismissed": ("不成立", "dismissed"),
}


def status_label(table: dict[str, tuple[str, str]], status: str, lang: str = "zh") -> str:
    zh, en = table.get(status, (status, status))
    return zh if lang == "zh" else en


class Refused(InvalidRecord):
    """A nomination or score was refused; each problem names the rule or field that failed."""

    def __init__(self, problems: list[Problem], *, what: str, key: str | None = None) -> None:
        super().__init__(problems, what=what, key=key)
        label = f"{what} {key}" if key else what
        self.args = (f"{label} refused: " + "; ".join(str(p) for p in problems),)


class AwardStateError(ValueError):
    """A step that the round's status (or the notice window) does not allow now."""


@dataclass(frozen=True)
class RoundInfo:
    """One round as listed (``kexie awards list``)."""

    id: int
    programme: str
    label_zh: str
    label_en: str
    year: int
    organiser_code: str
    organiser_name: str
    title: str
    reference_date: date
    quota: int
    places: int
    status: str
    opened_on: date
    decided_on: date | None = None
    notice_starts_on: date | None = None
    notice_ends_on: date | None = None
    closed_on: date | None = None
    nominations: int = 0
    winners: int = 0

    @property
    def ref(self) -> str:
        """How the CLI names this round: ``programme/year@organiser``."""
        return f"{self.programme}/{self.year}@{self.organiser_code}"

    def as_row(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "id": self.id,
            "ref": self.ref,
            "programme": self.programme,
            "label": self.label_zh if lang == "zh" else self.label_en,
            "year": self.year,
            "organiser": self.organiser_name,
            "title": self.title,
            "reference_date": self.reference_date,
            "quota": self.quota,
            "places": self.places,
            "status": self.status,
            "status_label": status_label(ROUND_STATUS, self.status, lang),
            "opened_on": self.opened_on,
            "decided_on": self.decided_on,
            "notice_starts_on": self.notice_starts_on,
            "notice_ends_on": self.notice_ends_on,
            "closed_on": self.closed_on,
            "nominations": self.nominations,
            "winners": self.winners,
        }


@dataclass(frozen=True)
class NominationInfo:
    """One nomination as listed: the nominee by number and name, never personal numbers."""

    id: int
    member_no: str
    name: str
    unit_code: str
    unit_name: str
    nominated_on: date
    status: str
    score: float | None = None
    reviewers: int | None = None
    rank: int | None = None
    objections: int = 0
    eligibility: list[dict[str, Any]] = field(default_factory=list)
    summary: str | None = None

    def as_row(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "id": self.id,
            "member_no": self.member_no,
            "name": self.name,
            "unit_code": self.unit_code,
            "unit": self.unit_name,
            "nominated_on": self.nominated_on,
            "status": self.status,
            "status_label": status_label(NOMINATION_STATUS, self.status, lang),
            "score": None if self.score is None else round(self.score, 2),
            "reviewers": self.reviewers,
            "rank": self.rank,
            "objections": self.objections,
            "summary": self.summary,
        }


@dataclass(frozen=True)
class ObjectionInfo:
    """An objection (异议) and how it was resolved."""

    id: int
    member_no: str
    name: str
    lodged_on: date
    lodged_by: str | None
    summary: str
    status: str
    resolved_on: date | None
    resolution: str | None

    def as_row(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "id": self.id,
            "member_no": self.member_no,
            "name": self.name,
            "lodged_on": self.lodged_on,
            "lodged_by": self.lodged_by,
            "summary": self.summary,
            "status": self.status,
            "status_label": status_label(OBJECTION_STATUS, self.status, lang),
            "resolved_on": self.resolved_on,
            "resolution": self.resolution,
        }
