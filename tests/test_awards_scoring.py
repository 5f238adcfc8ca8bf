"""Combining review scores: the trimmed mean on a fixture, and the SQL (window functions on both
engines) held to the plain-Python arithmetic for every method."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kexie_core.people import Awards, builtin_catalogue
from kexie_core.people.awards import combine, combined_scores
from kexie_core.people.programmes import ScoringSpec
from kexie_core.store.tables_people import score_t
from kexie_core.workspace import ActorSession

FIXTURE = [60.0, 80.0, 85.0, 90.0, 100.0]


def test_trimmed_mean_drops_the_highest_and_the_lowest() -> None:
    spec = ScoringSpec(method="trimmed_mean", trim=1, min_reviewers=3)
    assert combine(FIXTURE, spec) == 85.0  # (80 + 85 + 90) / 3
    assert combine(FIXTURE, ScoringSpec(method="mean")) == 83.0
    assert combine([90.0, 90.0, 90.0, 10.0, 90.0], spec) == 90.0  # ties dropped one at a time
    two = ScoringSpec(method="trimmed_mean", trim=2, min_reviewers=5)
    assert combine(FIXTURE, two) == 85.0
    with pytest.raises(ValueError, match="at least 3"):
        combine([80.0, 90.0], spec)


def test_weighted_uses_the_weight_beside_each_score() -> None:
    spec = ScoringSpec(method="weighted")
    assert combine([90.0, 60.0], spec, [0.7, 0.3]) == pytest.approx(81.0)
    assert combine([90.0, 60.0], spec) == 75.0


def test_a_trimmed_mean_needs_enough_reviewers_by_declaration() -> None:
    with pytest.raises(ValueError, match="min_reviewers of at least 5"):
        ScoringSpec(method="trimmed_mean", trim=2, min_reviewers=3)


@pytest.fixture
def scored_round(kexie_linyi: ActorSession) -> tuple[ActorSession, int, list[int]]:
    """A round with five nominations whose scores each example replaces."""
    for i in range(5):
        kexie_linyi.add_member(
            {"member_no": f"N{i}", "name": f"候选{i}", "unit": "371302", "birth_date": "1990-05-01"}
        )
    awards = Awards(kexie_linyi, builtin_catalogue())
    info = awards.open_round("youth_st_award", 2026, quota=5, opened_on=date(2026, 3, 1))
    ids = [awards.nominate(info.ref, f"N{i}", unit="371302").id for i in range(5)]
    return kexie_linyi, info.id, ids


score_lists = st.lists(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=1000).map(lambda n: n / 10),
            st.sampled_from([0.5, 1.0, 2.0, 0.3]),
        ),
        min_size=0,
        max_size=7,
    ),
    min_size=5,
    max_size=5,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    sheets=score_lists,
    method=st.sampled_from(["mean", "trimmed_mean", "weighted"]),
    trim=st.integers(min_value=1, max_value=2),
)
def test_sql_combination_equals_the_arithmetic(scored_round, sheets, method, trim) -> None:
    session, round_id, ids = scored_round
    spec = ScoringSpec(method=method, trim=trim, min_reviewers=2 * trim + 1)
    engine = session.workspace.engine
    with engine.begin() as conn:
        conn.execute(score_t.delete())
        rows = [
            {"nomination_id": nid, "reviewer": f"R{j}", "score": s, "weight": w}
            for nid, sheet in zip(ids, sheets, strict=True)
            for j, (s, w) in enumerate(sheet)
        ]
        if rows:
            conn.execute(score_t.insert(), rows)
    with engine.connect() as conn:
        got = {r.nomination_id: r for r in conn.execute(combined_scores(round_id, spec))}
    for nid, sheet in zip(ids, sheets, strict=True):
        if not sheet:
            assert nid not in got
            continue
        assert got[nid].reviewers == len(sheet)
        scores, weights = [s for s, _ in sheet], [w for _, w in sheet]
        if method == "trimmed_mean" and len(sheet) <= 2 * trim:
            assert got[nid].score is None  # nothing left after trimming
            continue
        loose = spec.model_copy(update={"min_reviewers": 1})
        expected = combine(scores, loose, weights)
        assert float(got[nid].score) == pytest.approx(expected, abs=1e-9)


def test_decide_ranks_by_the_declared_method(scored_round) -> None:
    session, round_id, _ = scored_round
    awards = Awards(session, builtin_catalogue())
    # N0 has the best plain mean but the trimmed mean (the programme's method) favours N1.
    sheets = {
        "N0": [100, 100, 100, 40, 40],  # mean 76, trimmed 80
        "N1": [82, 82, 82, 82, 82],  # 82
        "N2": [70, 70, 70, 70, 70],
        "N3": [60, 60, 60, 60, 60],
        "N4": [50, 50, 50, 50, 50],
    }
    awards.add_scores(
        round_id,
        [
            {"member_no": no, "reviewer": f"专家{j}", "score": s}
            for no, scores in sheets.items()
            for j, s in enumerate(scores)
        ],
    )
    assert awards.decide(round_id, on=date(2026, 6, 1)) == 5  # places 10 > 5 nominees
    ranked = {n.member_no: (n.rank, n.score) for n in awards.nominations(round_id)}
    assert ranked["N1"] == (1, 82.0) and ranked["N0"] == (2, 80.0)
    with session.workspace.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(score_t)).scalar_one() == 25
