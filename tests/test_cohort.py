"""The youth lifting cohort (托举工程): who is under 32 on the day, support records, scope, the
CLI — and the rules engine's SQL held to the age arithmetic."""

from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kexie_core.model.errors import InvalidRecord
from kexie_core.people import RuleContext, RuleSet, add_support, age_on, cohort, end_support
from kexie_core.store.scope import ScopeError
from kexie_core.store.tables import member_t
from kexie_core.workspace import ActorSession

CUT_OFF = date(2026, 6, 30)
PEOPLE = (
    # member_no, unit, birth date, study status
    ("D32", "371302", "1994-06-30", "doctoral"),  # 32 on the cut-off day: out
    ("D31", "371302", "1994-07-01", "doctoral"),  # 31 on the cut-off day: in
    ("P30", "371323", "1996-01-01", "博士后"),  # postdoc, 30
    ("P29", "371323-YC", "1997-01-01", "postdoc"),
    ("N25", "371323", "2001-01-01", "none"),  # young but not a doctoral student
    ("DXX", "371302", None, "doctoral"),  # no birth date: cannot be shown to be under 32
)


@pytest.fixture
def root(kexie_linyi: ActorSession) -> ActorSession:
    for no, unit, born, status in PEOPLE:
        kexie_linyi.add_member(
            {
                "member_no": no,
                "name": f"青年{no}",
                "unit": unit,
                "birth_date": born,
                "study_status": status,
            }
        )
    return kexie_linyi


def numbers(rows) -> list[str]:
    return [r.member_no for r in rows]


def test_a_32_year_old_and_a_31_year_old_land_on_the_right_sides(root: ActorSession) -> None:
    on_day = cohort(root, on=CUT_OFF)
    assert numbers(on_day) == ["D31", "P30", "P29"]
    assert {r.member_no: r.age for r in on_day}["D31"] == 31
    day_before = cohort(root, on=date(2026, 6, 29))
    assert "D32" in numbers(day_before)  # still 31 the day before the 32nd birthday
    assert all(r.eligible and not r.supported for r in on_day)


def test_the_age_limit_is_configurable(root: ActorSession) -> None:
    assert numbers(cohort(root, on=CUT_OFF, age_under=33)) == ["D31", "D32", "P30", "P29"]
    assert numbers(cohort(root, on=CUT_OFF, age_under=30)) == ["P29"]
    with pytest.raises(ValueError):
        cohort(root, on=CUT_OFF, age_under=0)


def test_support_is_recorded_only_for_the_eligible(root: ActorSession) -> None:
    add_support(root, "P30", since=date(2026, 1, 1), unit="371323", note="科研启动经费")
    with pytest.raises(InvalidRecord) as refused:
        add_support(root, "D32", since=CUT_OFF)
    assert [p.field for p in refused.value.problems] == ["age_under"]
    assert "2026-06-30时32周岁" in str(refused.value)
    with pytest.raises(InvalidRecord, match="study_status_in"):
        add_support(root, "N25", since=CUT_OFF)
    with pytest.raises(InvalidRecord, match="already supported"):
        add_support(root, "P30", since=date(2026, 3, 1))
    rows = {r.member_no: r for r in cohort(root, on=CUT_OFF)}
    assert rows["P30"].supported and rows["P30"].since == date(2026, 1, 1)
    assert rows["P30"].supporting_unit_name == "沂水县科协"
    log = root.audit_log(limit=1)[0]
    assert (log["entity"], log["actor"]) == ("programme_support", "371300")


def test_a_supported_member_who_ages_out_is_listed_with_the_reason(root: ActorSession) -> None:
    add_support(root, "D31", since=date(2026, 1, 1), unit="371302")
    later = {r.member_no: r for r in cohort(root, on=date(2026, 7, 1))}
    assert later["D31"].supported and not later["D31"].eligible
    assert later["D31"].reasons_zh == "未满32周岁（以2026-07-01计）：2026-07-01时32周岁"
    end_support(root, "D31", until=date(2026, 7, 1))
    assert "D31" not in numbers(cohort(root, on=date(2026, 7, 1)))
    assert "D31" in numbers(cohort(root, on=date(2026, 6, 30)))  # still supported then


def test_a_county_sees_and_supports_only_its_subtree(root: ActorSession) -> None:
    county = root.workspace.as_unit("371323")
    assert numbers(cohort(county, on=CUT_OFF)) == ["P30", "P29"]
    assert numbers(cohort(county, on=CUT_OFF, unit="371323-YC")) == ["P29"]
    with pytest.raises(ScopeError):
        cohort(county, on=CUT_OFF, unit="371302")
    with pytest.raises(ScopeError):
        add_support(county, "D31", since=CUT_OFF)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    births=st.lists(
        st.one_of(st.none(), st.dates(min_value=date(1980, 1, 1), max_value=date(2010, 12, 31))),
        min_size=1,
        max_size=12,
    ),
    on=st.dates(min_value=date(2020, 1, 1), max_value=date(2032, 12, 31)),
    years=st.integers(min_value=18, max_value=45),
)
def test_age_rules_in_sql_agree_with_age_on(kexie_linyi, births, on, years) -> None:
    engine = kexie_linyi.workspace.engine
    unit_id = kexie_linyi.actor.unit_id
    with engine.begin() as conn:
        conn.execute(member_t.delete().where(member_t.c.member_no.like("H%")))
        conn.execute(
            member_t.insert(),
            [
                {"member_no": f"H{i}", "name": "测", "unit_id": unit_id, "birth_date": b}
                for i, b in enumerate(births)
            ],
        )
    ctx = RuleContext(on=on)
    for rule, holds in (
        ("age_under", lambda age: age < years),
        ("age_at_most", lambda age: age <= years),
        ("age_at_least", lambda age: age >= years),
    ):
        rules = RuleSet.model_validate({"rules": [{"rule": rule, "years": years}]})
        with engine.connect() as conn:
            found = set(
                conn.execute(
                    sa.select(member_t.c.member_no).where(
                        member_t.c.member_no.like("H%"), rules.predicate(ctx)
                    )
                ).scalars()
            )
            ids = conn.execute(
                sa.select(member_t.c.id, member_t.c.member_no).where(
                    member_t.c.member_no.like("H%")
                )
            ).all()
            verdicts = rules.evaluate(conn, [i for i, _ in ids], ctx)
        expected = {f"H{i}" for i, b in enumerate(births) if b and holds(age_on(b, on))}
        assert found == expected, rule
        assert {no for i, no in ids if verdicts[i].passed} == expected  # reasons agree too


def test_cli_youth_lifting(root: ActorSession, run) -> None:
    run("--as", "371323", "cohort", "support", "P30", "--since", "2026-01-01", "--note", "导师配套")
    data = json.loads(
        run("cohort", "youth-lifting", "--on", "2026-06-30", "--format", "json").output
    )
    assert [r["member_no"] for r in data] == ["D31", "P30", "P29"]
    p30 = data[1]
    assert p30["supported"] is True and p30["since"] == "2026-01-01"
    assert p30["supporting_unit_code"] == "371323" and p30["study_status"] == "postdoc"
    csv_out = run("cohort", "youth-lifting", "--on", "2026-06-30", "--format", "csv").output
    assert csv_out.splitlines()[0].startswith("会员编号,姓名,所属单位,在读状态,年龄")
    assert "青年P30,沂水县科协,博士后,30,是,是,2026-01-01,沂水县科协" in csv_out
    wider = run("cohort", "youth-lifting", "--on", "2026-06-30", "--age-under", "33").output
    assert "青年D32" in wider
    refused = run("cohort", "support", "D32", "--since", "2026-06-30", ok=False)
    assert refused.exit_code == 1 and "age_under" in refused.output
    run("cohort", "end-support", "P30", "--on", "2026-09-01")
    after = json.loads(
        run("cohort", "youth-lifting", "--on", "2026-09-01", "--format", "json").output
    )
    assert next(r for r in after if r["member_no"] == "P30")["supported"] is False
