"""The report state machine (报告审核流程), as data.

::

    (none) ─new→ draft ─submit→ submitted ─accept→ accepted ─reopen→ reopened ─submit→ submitted
                                     │  ↑
                              return │  │ submit
                                     ↓  │
                                   returned

Two sides act on a report. The *reporting* side is the unit itself: it writes the narrative and
submits. The *reviewing* side is any unit above it in the tree (a closure row with ancestor =
reviewer, descendant = unit, depth > 0): it accepts, returns (with a reason) and reopens (with a
reason). A unit never reviews its own report, and no unit submits another's.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ..model.enums import LabelledEnum, set_labels


class ReportStatus(LabelledEnum):
    """Where a periodic report stands (报告状态)."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"
    REOPENED = "reopened"


set_labels(
    ReportStatus,
    {
        "draft": ("草稿", "draft"),
        "submitted": ("已报送", "submitted"),
        "returned": ("已退回", "returned"),
        "accepted": ("已审核通过", "accepted"),
        "reopened": ("已重新打开", "reopened"),
    },
    {"待审核": "submitted", "退回": "returned", "通过": "accepted"},
)


class Side(StrEnum):
    REPORTER = "reporter"
    REVIEWER = "reviewer"


@dataclass(frozen=True)
class Transition:
    """One step: from which statuses, to which, by which side, and whether it needs a reason."""

    action: str
    sources: frozenset[ReportStatus]
    target: ReportStatus
    side: Side
    needs_reason: bool
    label_zh: str
    label_en: str


_S = ReportStatus
TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition(
            "submit",
            frozenset({_S.DRAFT, _S.RETURNED, _S.REOPENED}),
            _S.SUBMITTED,
            Side.REPORTER,
            False,
            "报送",
            "submit",
        ),
        Transition(
            "accept",
            frozenset({_S.SUBMITTED}),
            _S.ACCEPTED,
            Side.REVIEWER,
            False,
            "审核通过",
            "accept",
        ),
        Transition(
            "return", frozenset({_S.SUBMITTED}), _S.RETURNED, Side.REVIEWER, True, "退回", "return"
        ),
        Transition(
            "reopen",
            frozenset({_S.ACCEPTED}),
            _S.REOPENED,
            Side.REVIEWER,
            True,
            "重新打开",
            "reopen",
        ),
    )
}

#: Every action a report's history records, in Chinese and English: the transitions, and the
#: two steps that change no status.
ACTION_LABELS: dict[str, tuple[str, str]] = {
    "new": ("新建", "new"),
    "edit": ("修改", "edit"),
    **{t.action: (t.label_zh, t.label_en) for t in TRANSITIONS.values()},
}


def past_tense(action: str) -> str:
    """``submit`` → ``submitted``…, as messages say what a report cannot be."""
    return {"submit": "submitted", "accept": "accepted", "return": "returned"}.get(
        action, f"{action}ed"
    )


#: Statuses in which the unit may still change the narrative (the report is in its hands).
EDITABLE: frozenset[ReportStatus] = frozenset({_S.DRAFT, _S.RETURNED, _S.REOPENED})

#: Statuses that count as reported for completeness: handed in and not sent back. A reopened
#: report stays counted: the reviewer, not the unit, asked to amend it.
COUNTED: frozenset[ReportStatus] = frozenset({_S.SUBMITTED, _S.ACCEPTED, _S.REOPENED})


def allowed_actions(status: ReportStatus | None) -> list[str]:
    """The actions possible from ``status`` (None: no report yet), for messages and tests."""
    if status is None:
        return ["new", "submit"]
    return [t.action for t in TRANSITIONS.values() if status in t.sources]
