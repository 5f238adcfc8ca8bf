"""Tests for kexie_core.model.period."""

from __future__ import annotations

import itertools
import json
from datetime import date, timedelta

import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kexie_core.model.period import PERIOD_KINDS, Period

INDEX_COUNT = {"year": 1, "half": 2, "quarter": 4, "month": 12}
kinds = st.sampled_from(PERIOD_KINDS)
years = st.integers(1, 9999)


@st.composite
def periods(draw: st.DrawFn, year_range: tuple[int, int] = (1, 9999)) -> Period:
    kind = draw(kinds)
    year = draw(st.integers(*year_range))
    index = draw(st.integers(1, INDEX_COUNT[kind]))
    return Period(kind, year, index)


def contiguous(parts: tuple[Period, ...], whole: Period) -> None:
    """Assert that ``parts`` cover ``whole`` exactly: no gap, no overlap, in order."""
    assert parts, whole
    assert parts[0].start == whole.start
    assert parts[-1].end == whole.end
    for a, b in itertools.pairwise(parts):
        assert b.start == a.end + timedelta(days=1)
    assert sum(p.days for p in parts) == whole.days


# ------------------------------------------------------------------------ parsing


@pytest.mark.parametrize(
    ("text", "kind", "year", "index"),
    [
        ("2026", "year", 2026, 1),
        ("2026H1", "half", 2026, 1),
        ("2026h2", "half", 2026, 2),
        ("2026Q3", "quarter", 2026, 3),
        ("2026q4", "quarter", 2026, 4),
        ("2026-07", "month", 2026, 7),
        ("2026-7", "month", 2026, 7),
        ("2026-12", "month", 2026, 12),
        ("2026年", "year", 2026, 1),
        ("2026年上半年", "half", 2026, 1),
        ("2026年下半年", "half", 2026, 2),
        ("2026年第一季度", "quarter", 2026, 1),
        ("2026年第三季度", "quarter", 2026, 3),
        ("2026年第3季度", "quarter", 2026, 3),
        ("2026年第四季度", "quarter", 2026, 4),
        ("2026年7月", "month", 2026, 7),
        ("2026年07月", "month", 2026, 7),
        ("  2026Q3 ", "quarter", 2026, 3),
        ("２０２６年第３季度", "quarter", 2026, 3),  # full-width digits
    ],
)
def test_parse(text: str, kind: str, year: int, index: int) -> None:
    assert Period.parse(text) == Period(kind, year, index)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "26",
        "20260",
        "2026H3",
        "2026H0",
        "2026Q0",
        "2026Q5",
        "2026-0",
        "2026-13",
        "2026-007",
        "2026年第五季度",
        "2026年第0季度",
        "2026年13月",
        "2026年0月",
        "2026年中半年",
        "0000",
        "2026 Q3",
        "Q3 2026",
        "2026/07",
    ],
)
def test_parse_rejects_with_accepted_forms(text: str) -> None:
    with pytest.raises(ValueError) as info:
        Period.parse(text)
    message = str(info.value)
    for form in ("2026H1", "2026Q3", "2026-07", "2026年上半年", "2026年第三季度", "2026年7月"):
        assert form in message


def test_parse_rejects_non_str() -> None:
    with pytest.raises(TypeError):
        Period.parse(2026)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("period", "text", "label"),
    [
        (Period("year", 2026), "2026", "2026年"),
        (Period("half", 2026, 1), "2026H1", "2026年上半年"),
        (Period("half", 2026, 2), "2026H2", "2026年下半年"),
        (Period("quarter", 2026, 3), "2026Q3", "2026年第三季度"),
        (Period("month", 2026, 7), "2026-07", "2026年7月"),
        (Period("month", 2026, 12), "2026-12", "2026年12月"),
    ],
)
def test_format(period: Period, text: str, label: str) -> None:
    assert str(period) == text
    assert period.label_zh == label


@given(periods())
def test_text_round_trip(period: Period) -> None:
    assert Period.parse(str(period)) == period
    assert Period.ensure(str(period)) == period
    assert Period.parse(period.label_zh) == period


@given(periods())
def test_ensure_returns_same_object(period: Period) -> None:
    assert Period.ensure(period) is period


@pytest.mark.parametrize(
    ("kind", "year", "index"),
    [
        ("year", 2026, 2),
        ("half", 2026, 3),
        ("quarter", 2026, 0),
        ("quarter", 2026, 5),
        ("month", 2026, 13),
        ("week", 2026, 1),
        ("year", 0, 1),
        ("year", 10000, 1),
    ],
)
def test_constructor_validates(kind: str, year: int, index: int) -> None:
    with pytest.raises(ValueError):
        Period(kind, year, index)  # type: ignore[arg-type]


def test_constructor_rejects_non_int() -> None:
    with pytest.raises(TypeError):
        Period("year", "2026")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Period("month", 2026, True)


# -------------------------------------------------------------------------- ranges


def test_leap_year_ranges() -> None:
    feb = Period.parse("2028-02")
    assert feb.start == date(2028, 2, 1)
    assert feb.end == date(2028, 2, 29)
    assert feb.days == 29
    assert feb.contains(date(2028, 2, 29))
    assert not feb.contains(date(2028, 3, 1))
    assert not feb.contains(date(2028, 1, 31))
    q1 = Period.parse("2028Q1")
    assert q1.days == 91
    assert q1.contains(date(2028, 2, 29))
    assert Period.parse("2028H1").days == 182
    assert Period.parse("2028").days == 366
    assert Period.containing(date(2028, 2, 29), "month") == feb


def test_non_leap_and_century_years() -> None:
    assert Period.parse("2026-02").end == date(2026, 2, 28)
    assert Period.parse("2100-02").days == 28  # divisible by 100, not by 400
    assert Period.parse("2000-02").days == 29  # divisible by 400
    assert Period.parse("2026").days == 365
    assert Period.parse("2026Q1").days == 90


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026", date(2026, 1, 1), date(2026, 12, 31)),
        ("2026H1", date(2026, 1, 1), date(2026, 6, 30)),
        ("2026H2", date(2026, 7, 1), date(2026, 12, 31)),
        ("2026Q2", date(2026, 4, 1), date(2026, 6, 30)),
        ("2026Q3", date(2026, 7, 1), date(2026, 9, 30)),
        ("2026Q4", date(2026, 10, 1), date(2026, 12, 31)),
        ("2026-04", date(2026, 4, 1), date(2026, 4, 30)),
        ("9999-12", date(9999, 12, 1), date(9999, 12, 31)),
        ("0001", date(1, 1, 1), date(1, 12, 31)),
    ],
)
def test_start_end(text: str, start: date, end: date) -> None:
    p = Period.parse(text)
    assert (p.start, p.end) == (start, end)
    assert p.contains(start) and p.contains(end)
    assert p.days == (end - start).days + 1


@given(st.dates(), kinds)
def test_containing_contains(d: date, kind: str) -> None:
    p = Period.containing(d, kind)  # type: ignore[arg-type]
    assert p.kind == kind
    assert p.contains(d)
    assert p.start <= d <= p.end


@given(periods(), st.dates())
def test_contains_matches_range(period: Period, d: date) -> None:
    assert period.contains(d) == (period.start <= d <= period.end)
    assert period.contains(d) == (Period.containing(d, period.kind) == period)


def test_containing_rejects_unknown_kind() -> None:
    with pytest.raises(ValueError):
        Period.containing(date(2026, 1, 1), "week")  # type: ignore[arg-type]


# ---------------------------------------------------------------------- structure


def test_children() -> None:
    assert [str(p) for p in Period.parse("2026").children()] == [
        "2026Q1",
        "2026Q2",
        "2026Q3",
        "2026Q4",
    ]
    assert [str(p) for p in Period.parse("2026H2").children()] == ["2026Q3", "2026Q4"]
    assert [str(p) for p in Period.parse("2026Q3").children()] == [
        "2026-07",
        "2026-08",
        "2026-09",
    ]
    assert Period.parse("2026-07").children() == ()
    assert [str(p) for p in Period.parse("2026H1").months()] == [
        f"2026-{m:02d}" for m in range(1, 7)
    ]
    assert Period.parse("2026-07").months() == (Period.parse("2026-07"),)


@given(years)
def test_year_children_partition_year(year: int) -> None:
    whole = Period.year_of(year)
    quarters = whole.children()
    assert [q.kind for q in quarters] == ["quarter"] * 4
    contiguous(quarters, whole)
    for quarter in quarters:
        contiguous(quarter.children(), quarter)
    contiguous(whole.months(), whole)
    halves = (Period("half", year, 1), Period("half", year, 2))
    contiguous(halves, whole)
    for half in halves:
        contiguous(half.children(), half)
    assert tuple(m for q in quarters for m in q.children()) == whole.months()


@given(periods())
def test_every_period_partitioned_by_months(period: Period) -> None:
    contiguous(period.months(), period)
    assert all(m.parent_year == period.parent_year for m in period.months())
    for child in period.children():
        assert period.start <= child.start and child.end <= period.end


@given(periods(year_range=(2, 9998)))
def test_next_previous(period: Period) -> None:
    assert period.next().previous() == period
    assert period.previous().next() == period
    assert period.next().start == period.end + timedelta(days=1)
    assert period.previous().end == period.start - timedelta(days=1)
    assert period.next().kind == period.kind


def test_next_previous_across_years() -> None:
    assert Period.parse("2026Q4").next() == Period.parse("2027Q1")
    assert Period.parse("2026-01").previous() == Period.parse("2025-12")
    assert Period.parse("2026H2").next() == Period.parse("2027H1")
    assert Period.parse("2026").previous() == Period.parse("2025")
    with pytest.raises(ValueError):
        Period.parse("9999-12").next()
    with pytest.raises(ValueError):
        Period.parse("0001Q1").previous()


def test_parent_year_and_year_of() -> None:
    assert Period.parse("2026Q3").parent_year == Period.year_of(2026)
    assert Period.parse("2026-07").parent_year == Period("year", 2026, 1)
    assert Period.year_of(2026).parent_year == Period.year_of(2026)


# ------------------------------------------------------------------------ ordering


def test_ordering_examples() -> None:
    texts = ["2026", "2026-01", "2025Q4", "2026H1", "2026Q1", "2026-02", "2026Q2", "2026H2"]
    ordered = sorted(Period.parse(t) for t in texts)
    assert [str(p) for p in ordered] == [
        "2025Q4",
        "2026-01",
        "2026Q1",
        "2026H1",
        "2026",
        "2026-02",
        "2026Q2",
        "2026H2",
    ]
    # A plain field-by-field comparison would put every "month" after every "half".
    assert Period.parse("2025-12") < Period.parse("2026H1")
    assert Period.parse("2026Q4") > Period.parse("2026-09")


@given(periods(), periods())
def test_ordering_is_by_start_then_length(a: Period, b: Period) -> None:
    key_a, key_b = (a.start, a.end), (b.start, b.end)
    assert (a < b) == (key_a < key_b)
    assert (a <= b) == (key_a <= key_b)
    assert (a > b) == (key_a > key_b)
    assert (a >= b) == (key_a >= key_b)
    assert (a == b) == (key_a == key_b)


def test_comparison_with_other_types() -> None:
    p = Period.parse("2026")
    text: object = "2026"
    assert p != text
    with pytest.raises(TypeError):
        _ = p < "2027"  # type: ignore[operator]


def test_hashable_and_immutable() -> None:
    p = Period.parse("2026Q3")
    assert {p: 1}[Period("quarter", 2026, 3)] == 1
    with pytest.raises(AttributeError):
        p.year = 2027  # type: ignore[misc]


# ------------------------------------------------------------------------ pydantic


class Report(pydantic.BaseModel):
    period: Period
    optional: Period | None = None


def test_pydantic_validates_from_str_and_period() -> None:
    assert Report.model_validate({"period": "2026年第三季度"}).period == Period("quarter", 2026, 3)
    p = Period.parse("2026-07")
    assert Report(period=p).period is p
    assert Report.model_validate({"period": "2026H1"}).period == Period("half", 2026, 1)


@pytest.mark.parametrize("bad", ["2026Q5", 2026, None, 3.5])
def test_pydantic_rejects(bad: object) -> None:
    with pytest.raises(pydantic.ValidationError):
        Report.model_validate({"period": bad})


@given(periods())
def test_pydantic_json_round_trip(period: Period) -> None:
    report = Report(period=period, optional=period.parent_year)
    dumped = report.model_dump_json()
    assert json.loads(dumped) == {"period": str(period), "optional": str(period.parent_year)}
    assert Report.model_validate_json(dumped) == report
    assert report.model_dump(mode="json")["period"] == str(period)
    assert report.model_dump()["period"] is period  # python mode keeps the object


def test_pydantic_json_schema_is_string() -> None:
    schema = Report.model_json_schema()
    assert schema["properties"]["period"]["type"] == "string"
