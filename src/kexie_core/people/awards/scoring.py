"""Combining reviewers' scores (评分汇总) by the programme's declared method, in SQL.

* ``mean``: the plain average.
* ``trimmed_mean``: drop the ``trim`` highest and ``trim`` lowest scores, average the rest
  (去掉最高分、最低分后取平均). Ties are dropped one score at a time, so exactly ``2 × trim``
  scores go whatever their values.
* ``weighted``: Σ score × weight ÷ Σ weight, with the weight recorded beside each score (e.g. an
  expert panel 0.7 in all and a public vote 0.3).

``combined_scores`` computes every nomination of a round in one query (window functions for the
trimmed mean, on SQLite and PostgreSQL alike); ``combine`` is the same arithmetic in Python, the
reference the tests hold the SQL to.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from ...store.tables_people import nomination_t, score_t
from ..programmes import ScoringSpec


def combine(scores: Sequence[float], spec: ScoringSpec, weights: Sequence[float] = ()) -> float:
    """The combined score of one nomination (raises ValueError when there are too few)."""
    if len(scores) < max(1, spec.min_reviewers):
        raise ValueError(f"{len(scores)} score(s); at least {spec.min_reviewers} needed")
    if spec.method == "weighted":
        weights = list(weights) or [1.0] * len(scores)
        return sum(s * w for s, w in zip(scores, weights, strict=True)) / sum(weights)
    kept = sorted(scores)
    if spec.method == "trimmed_mean" and spec.trim:
        kept = kept[spec.trim : len(kept) - spec.trim]
    return sum(kept) / len(kept)


def combined_scores(round_id: int, spec: ScoringSpec) -> sa.Select[Any]:
    """``(nomination_id, score, reviewers)`` for every scored nomination of the round."""
    s = score_t
    in_round = s.c.nomination_id.in_(
        sa.select(nomination_t.c.id).where(nomination_t.c.round_id == round_id).scalar_subquery()
    )
    counts = (
        sa.select(s.c.nomination_id, sa.func.count().label("reviewers"))
        .where(in_round)
        .group_by(s.c.nomination_id)
        .subquery("counts")
    )
    if spec.method == "mean":
        values = sa.select(s.c.nomination_id, sa.func.avg(s.c.score).label("score"))
        values = values.where(in_round).group_by(s.c.nomination_id)
    elif spec.method == "weighted":
        weighted = sa.func.sum(s.c.score * s.c.weight) / sa.func.sum(s.c.weight)
        values = sa.select(s.c.nomination_id, weighted.label("score"))
        values = values.where(in_round).group_by(s.c.nomination_id)
    else:
        ranked = (
            sa.select(
                s.c.nomination_id,
                s.c.score,
                sa.func.row_number()
                .over(partition_by=s.c.nomination_id, order_by=(s.c.score, s.c.id))
                .label("low"),
                sa.func.row_number()
                .over(partition_by=s.c.nomination_id, order_by=(s.c.score.desc(), s.c.id.desc()))
                .label("high"),
            )
            .where(in_round)
            .subquery("ranked")
        )
        values = (
            sa.select(ranked.c.nomination_id, sa.func.avg(ranked.c.score).label("score"))
            .where(ranked.c.low > spec.trim, ranked.c.high > spec.trim)
            .group_by(ranked.c.nomination_id)
        )
    combined = values.subquery("combined")
    return sa.select(counts.c.nomination_id, combined.c.score, counts.c.reviewers).outerjoin(
        combined, combined.c.nomination_id == counts.c.nomination_id
    )


__all__ = ["combine", "combined_scores"]
