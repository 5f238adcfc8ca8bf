"""Review (评审): reviewers' scores and the decision that ranks nominees and selects the best.

Scores are accepted while the round is open, from its managers only; a reviewer scoring the same
nomination again replaces the earlier score. ``add_scores`` loads a whole score sheet: every row is
checked first and nothing is written unless all are good (the problems name the row and field).

``decide`` combines the scores by the programme's method (``scoring.combined_scores``), ranks the
nominees (competition ranking: equal scores share a rank) and selects the first ``places``. It is
refused while a nominee has fewer scores than the programme's ``min_reviewers``, and when nominees
tie for the last place — the panel must break the tie, the software never does so silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ...model.errors import InvalidRecord, Problem
from ...store import audit
from ...store.tables import member_t
from ...store.tables_people import nomination_t, round_t, score_t
from ...workspace import ActorSession
from .. import _access
from . import access
from .model import AwardStateError
from .rounds import programme_of
from .scoring import combined_scores


def add_scores(session: ActorSession, ref: str | int, rows: Iterable[Mapping[str, Any]]) -> int:
    """Record reviewers' scores: rows of ``member_no``, ``reviewer``, ``score``, ``weight``.

    Returns the number of scores written. Raises ``InvalidRecord`` naming every bad row
    (``row 3 score: …``; rows count from 1) and writes nothing then.
    """
    items = list(rows)
    with session.workspace.engine.begin() as conn:
        row = access.resolve(conn, session.actor, ref, lock=True)
        access.require_manager(conn, session.actor, row, "score")
        access.require_status(row, "open", what="score")
        scoring = programme_of(row).award.scoring  # type: ignore[union-attr]
        nominated = dict(
            conn.execute(
                sa.select(member_t.c.member_no, nomination_t.c.id)
                .join(member_t, member_t.c.id == nomination_t.c.member_id)
                .where(nomination_t.c.round_id == row.id)
            ).all()
        )
        good: dict[tuple[int, str], dict[str, Any]] = {}
        problems: list[Problem] = []
        for number, item in enumerate(items, start=1):
            found = _check_row(number, item, nominated, scoring.score_min, scoring.score_max)
            if isinstance(found, list):
                problems += found
            else:
                good[(found["nomination_id"], found["reviewer"])] = found
        if problems:
            raise InvalidRecord(problems, what="score sheet")
        if not good:
            return 0
        values = list(good.values())
        conn.execute(
            score_t.delete().where(
                score_t.c.nomination_id == sa.bindparam("n"),
                score_t.c.reviewer == sa.bindparam("r"),
            ),
            [{"n": v["nomination_id"], "r": v["reviewer"]} for v in values],
        )
        conn.execute(score_t.insert(), values)
        audit.record(
            conn,
            session.actor,
            "set",
            "award_score",
            f"{row.programme}/{row.year}@{row.organiser_code}",
            unit_id=row.organiser_id,
            detail={"scores": len(values), "reviewers": sorted({v["reviewer"] for v in values})},
        )
    return len(values)


def _check_row(
    number: int, item: Mapping[str, Any], nominated: dict[str, int], low: float, high: float
) -> dict[str, Any] | list[Problem]:
    problems = []
    member_no = str(item.get("member_no") or "").strip()
    reviewer = str(item.get("reviewer") or "").strip()
    if member_no not in nominated:
        problems.append(Problem(f"row {number} member_no", f"{member_no!r} is not nominated"))
    if not reviewer or len(reviewer) > 100:
        problems.append(Problem(f"row {number} reviewer", "give the reviewer (≤ 100 characters)"))
    score = _number(item.get("score"))
    if score is None or not low <= score <= high:
        problems.append(
            Problem(f"row {number} score", f"must be a number from {low:g} to {high:g}")
        )
    raw_weight = item.get("weight")
    weight = 1.0 if raw_weight in (None, "") else _number(raw_weight)
    if weight is None or weight <= 0:
        problems.append(Problem(f"row {number} weight", "must be a number above 0"))
    if problems:
        return problems
    return {
        "nomination_id": nominated[member_no],
        "reviewer": reviewer,
        "score": score,
        "weight": weight,
    }


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number else None  # NaN is not a score


def decide(session: ActorSession, ref: str | int, *, on: date | None = None) -> int:
    """Rank the nominees and select the best ``places``; returns how many were selected."""
    with session.workspace.engine.begin() as conn:
        row = access.resolve(conn, session.actor, ref, lock=True)
        access.require_manager(conn, session.actor, row, "decide")
        access.require_status(row, "open", what="decide")
        scoring = programme_of(row).award.scoring  # type: ignore[union-attr]
        ranked = _ranking(conn, row.id, scoring)
        short = [r for r in ranked if r["reviewers"] < scoring.min_reviewers or r["score"] is None]
        if not ranked:
            raise AwardStateError("cannot decide: the round has no nominations")
        if short:
            names = ", ".join(f"{r['member_no']} ({r['reviewers']})" for r in short)
            raise AwardStateError(
                f"cannot decide: each nominee needs at least {scoring.min_reviewers} score(s); "
                f"too few for {names}"
            )
        _rank(ranked)
        places = row.places
        if len(ranked) > places and ranked[places]["rank"] <= places:
            tied = ", ".join(r["member_no"] for r in ranked if r["rank"] == ranked[places]["rank"])
            raise AwardStateError(
                f"cannot decide: {tied} tie for the last of {places} place(s) "
                f"with {ranked[places]['score']:.2f}; add a score to break the tie"
            )
        for r in ranked:
            r["status"] = "selected" if r["rank"] <= places else "not_selected"
        conn.execute(
            nomination_t.update().where(nomination_t.c.id == sa.bindparam("nid")),
            [
                {
                    "nid": r["id"],
                    "score": r["score"],
                    "reviewers": r["reviewers"],
                    "rank": r["rank"],
                    "status": r["status"],
                }
                for r in ranked
            ],
        )
        decided_on = on or _access.today()
        conn.execute(
            round_t.update()
            .where(round_t.c.id == row.id)
            .values(status="decided", decided_on=decided_on)
        )
        selected = [r["member_no"] for r in ranked if r["status"] == "selected"]
        audit.record(
            conn,
            session.actor,
            "decide",
            "award_round",
            f"{row.programme}/{row.year}@{row.organiser_code}",
            unit_id=row.organiser_id,
            detail={"method": scoring.method, "selected": selected, "decided_on": decided_on},
        )
    return len(selected)


def _ranking(conn: Connection, round_id: int, scoring: Any) -> list[dict[str, Any]]:
    scores = combined_scores(round_id, scoring).subquery("scores")
    rows = conn.execute(
        sa.select(
            nomination_t.c.id,
            member_t.c.member_no,
            scores.c.score,
            sa.func.coalesce(scores.c.reviewers, 0).label("reviewers"),
        )
        .join(member_t, member_t.c.id == nomination_t.c.member_id)
        .outerjoin(scores, scores.c.nomination_id == nomination_t.c.id)
        .where(nomination_t.c.round_id == round_id, nomination_t.c.status == "nominated")
        .order_by(member_t.c.member_no)
    ).all()
    result = [dict(r._mapping) for r in rows]
    for r in result:
        r["score"] = None if r["score"] is None else float(r["score"])
    return result


def _rank(ranked: list[dict[str, Any]]) -> None:
    """Competition ranking by score, highest first (1, 2, 2, 4); ties keep member order.

    Scores are compared rounded to 6 decimals, so that the same scores summed in another order
    by another engine never split a tie.
    """
    ranked.sort(key=lambda r: (-round(r["score"], 6), r["member_no"]))
    for i, r in enumerate(ranked):
        same = i and round(r["score"], 6) == round(ranked[i - 1]["score"], 6)
        r["rank"] = ranked[i - 1]["rank"] if same else i + 1
