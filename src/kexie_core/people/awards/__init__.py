"""Award selection (评选表彰, clause 4): rounds, nominations, review, public notice, honours.

>>> awards = Awards(ws.as_root())
>>> awards.open_round("youth_st_award", 2026)
>>> Awards(ws.as_unit("371323")).nominate("youth_st_award/2026", "YS0001")   # 沂水县 nominates
>>> awards.add_scores("youth_st_award/2026", [{"member_no": "YS0001", "reviewer": "专家A",
...                                            "score": 88}, ...])
>>> awards.decide("youth_st_award/2026"); awards.open_notice("youth_st_award/2026")
>>> awards.finalise("youth_st_award/2026")          # after the notice: winners become honours

Every step acts as the session's unit, within its scope, and is written to the audit log in the
same transaction. The modules: ``rounds`` (open, quotas, listing), ``nominations`` (nominate
within quota, eligibility with reasons), ``review`` (scores, decision), ``notice`` (公示, 异议,
final award), ``scoring`` (mean, trimmed mean, weighted), ``access`` (who may do what).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from ...workspace import ActorSession
from ..programmes import Catalogue, Programme, default_catalogue
from ..rules import Verdict
from . import nominations, notice, review, rounds
from .model import (
    AwardStateError,
    NominationInfo,
    ObjectionInfo,
    Refused,
    RoundInfo,
)
from .scoring import combine, combined_scores


class Awards:
    """The award workflow for one acting unit (an ``ActorSession``)."""

    def __init__(self, session: ActorSession, catalogue: Catalogue | None = None) -> None:
        self.session = session
        self.catalogue = catalogue if catalogue is not None else default_catalogue()

    def programmes(self) -> list[Programme]:
        return self.catalogue.awards()

    # -- rounds ---------------------------------------------------------------------------------
    def open_round(self, programme: str, year: int, **options: Any) -> RoundInfo:
        return rounds.open_round(self.session, self.catalogue, programme, year, **options)

    def set_quota(self, ref: str | int, unit: str, quota: int) -> None:
        rounds.set_quota(self.session, ref, unit, quota)

    def round(self, ref: str | int) -> RoundInfo:
        return rounds.round_info(self.session, ref)

    def rounds(self, *, year: int | None = None) -> list[RoundInfo]:
        return rounds.list_rounds(self.session, year=year)

    # -- nominations ----------------------------------------------------------------------------
    def check(self, ref: str | int, member_no: str) -> Verdict:
        return nominations.check(self.session, ref, member_no)

    def nominate(self, ref: str | int, member_no: str, **options: Any) -> NominationInfo:
        return nominations.nominate(self.session, ref, member_no, **options)

    def nominations(self, ref: str | int) -> list[NominationInfo]:
        return nominations.list_nominations(self.session, ref)

    # -- review ---------------------------------------------------------------------------------
    def score(
        self, ref: str | int, member_no: str, reviewer: str, score: float, weight: float = 1.0
    ) -> None:
        review.add_scores(
            self.session,
            ref,
            [{"member_no": member_no, "reviewer": reviewer, "score": score, "weight": weight}],
        )

    def add_scores(self, ref: str | int, rows: Iterable[Mapping[str, Any]]) -> int:
        return review.add_scores(self.session, ref, rows)

    def decide(self, ref: str | int, *, on: date | None = None) -> int:
        return review.decide(self.session, ref, on=on)

    # -- public notice and award ----------------------------------------------------------------
    def open_notice(
        self, ref: str | int, *, starts_on: date | None = None, days: int | None = None
    ) -> tuple[date, date]:
        return notice.open_notice(self.session, ref, starts_on=starts_on, days=days)

    def lodge_objection(self, ref: str | int, member_no: str, summary: str, **options: Any) -> int:
        return notice.lodge_objection(self.session, ref, member_no, summary, **options)

    def resolve_objection(
        self, objection_id: int, *, upheld: bool, resolution: str, **options: Any
    ) -> None:
        notice.resolve_objection(
            self.session, objection_id, upheld=upheld, resolution=resolution, **options
        )

    def objections(self, ref: str | int) -> list[ObjectionInfo]:
        return notice.list_objections(self.session, ref)

    def finalise(self, ref: str | int, *, on: date | None = None) -> int:
        return notice.finalise(self.session, ref, on=on)


__all__ = [
    "AwardStateError",
    "Awards",
    "NominationInfo",
    "ObjectionInfo",
    "Refused",
    "RoundInfo",
    "combine",
    "combined_scores",
]
