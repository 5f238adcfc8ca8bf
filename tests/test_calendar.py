"""The care calendar on fixed dates: birthdays (incl. lunar), festivals, visits done, follow-ups,
congratulations, renewals, scope, and the iCalendar output."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime

import pytest

from kexie_core.people import CalendarOptions, Occasion, add_visit, care_calendar, to_ics
from kexie_core.people.ics import fold
from kexie_core.store.scope import ScopeError
from kexie_core.workspace import ActorSession

ID_NUMBER = "11010519491231002X"
PHONE = "13912345678"


def add_experts(root: ActorSession) -> None:
    root.add_member(
        {
            "member_no": "E1",
            "name": "王院士",
            "unit": "371323",
            "birth_date": "1950-09-26",  # 农历八月十五
            "lunar_birthday": True,
            "expert_level": "academician",
            "linyi_native": True,
        }
    )
    root.add_member(
        {
            "member_no": "E2",
            "name": "李专家",
            "unit": "371302",
            "id_number": ID_NUMBER,  # born 1949-12-31
            "phone": PHONE,
            "expert_level": "high_level",
        }
    )
    root.add_member(
        {
            "member_no": "E3",
            "name": "赵专家",
            "unit": "371323-YC",
            "birth_date": "1990-01-15",
            "expert_level": "high_level",
        }
    )
    root.add_member({"member_no": "M1", "name": "普通会员", "unit": "371302"})


@pytest.fixture
def root(kexie_linyi: ActorSession) -> ActorSession:
    add_experts(kexie_linyi)
    return kexie_linyi


def lines_for(lines, occasion: Occasion, member_no: str | None = None):
    return [
        line
        for line in lines
        if line.occasion is occasion and (member_no is None or line.member_no == member_no)
    ]


def test_a_lunar_birthday_of_the_fifteenth_of_the_eighth_month_lands_on_25_september_2026(
    root: ActorSession,
) -> None:
    lines = care_calendar(root, start=date(2026, 9, 1), days=30)
    (birthday,) = lines_for(lines, Occasion.BIRTHDAY, "E1")
    assert birthday.on == date(2026, 9, 25)
    assert birthday.lunar == "农历八月十五"
    assert birthday.age == 76 and not birthday.round_birthday
    assert birthday.expert == "王院士" and birthday.unit_name == "沂水县科协"
    assert {line.member_no for line in lines} <= {"E1", "E2", "E3", None}  # never M1


def test_round_birthdays_are_flagged(root: ActorSession) -> None:
    lines = care_calendar(root, start=date(2019, 12, 1), days=40)
    (birthday,) = lines_for(lines, Occasion.BIRTHDAY, "E2")
    assert birthday.on == date(2019, 12, 31) and birthday.age == 70 and birthday.round_birthday


def test_spring_festival_2027_with_a_visit_shows_as_done(root: ActorSession) -> None:
    add_visit(root, on=date(2027, 1, 28), experts=["E1"], occasion="festival", festival="春节")
    # A mid-autumn visit in the window does not count for the Spring Festival.
    add_visit(root, on=date(2027, 1, 29), experts=["E3"], occasion="节日", festival="中秋")
    lines = care_calendar(root, start=date(2027, 1, 20), days=30)
    spring = {line.member_no: line for line in lines_for(lines, Occasion.SPRING_FESTIVAL)}
    assert {line.on for line in spring.values()} == {date(2027, 2, 6)}
    assert spring["E1"].visited is True and spring["E1"].visited_on == date(2027, 1, 28)
    assert spring["E2"].visited is False and spring["E2"].visited_on is None
    assert spring["E3"].visited is False


def test_a_visit_outside_the_window_does_not_count(root: ActorSession) -> None:
    add_visit(root, on=date(2027, 1, 1), experts=["E1"], occasion="festival")
    options = CalendarOptions(visit_before=20)
    lines = care_calendar(root, start=date(2027, 2, 1), days=10, options=options)
    (line,) = lines_for(lines, Occasion.SPRING_FESTIVAL, "E1")
    assert line.visited is False  # 36 days before the festival


def test_30_may_always_appears_even_without_experts(root: ActorSession) -> None:
    zone = root.workspace.as_unit("GXQ")  # no experts kept there
    lines = care_calendar(zone, start=date(2026, 5, 20), days=20)
    (day,) = lines
    assert (day.on, day.occasion, day.unit_code) == (
        date(2026, 5, 30),
        Occasion.ST_WORKERS_DAY,
        "GXQ",
    )
    everyone = care_calendar(root, start=date(2026, 5, 30), days=1)
    assert {line.member_no for line in everyone} == {None, "E1", "E2", "E3"}
    assert all(line.occasion is Occasion.ST_WORKERS_DAY for line in everyone)


def test_double_ninth_only_for_experts_of_the_configured_age(root: ActorSession) -> None:
    lines = care_calendar(root, start=date(2026, 10, 18), days=1)
    assert {line.member_no for line in lines_for(lines, Occasion.DOUBLE_NINTH)} == {"E1", "E2"}
    younger = care_calendar(
        root, start=date(2026, 10, 18), days=1, options=CalendarOptions(double_ninth_min_age=30)
    )
    assert {line.member_no for line in lines_for(younger, Occasion.DOUBLE_NINTH)} == {
        "E1",
        "E2",
        "E3",
    }


def test_an_illness_visit_schedules_a_follow_up_that_a_later_visit_completes(
    root: ActorSession,
) -> None:
    add_visit(
        root,
        on=date(2026, 9, 1),
        experts=["E2"],
        occasion="生病",
        follow_up_on="2026年10月8日",
        visitors=["张主席", "刘部长"],
    )
    lines = care_calendar(root, start=date(2026, 10, 1), days=14)
    (follow_up,) = lines_for(lines, Occasion.FOLLOW_UP, "E2")
    assert follow_up.on == date(2026, 10, 8) and follow_up.visited is False
    assert "2026-09-01" in follow_up.note_zh
    add_visit(root, on=date(2026, 10, 9), experts=["E2"], occasion="routine")
    (done,) = lines_for(care_calendar(root, start=date(2026, 10, 1), days=14), Occasion.FOLLOW_UP)
    assert done.visited is True and done.visited_on == date(2026, 10, 9)


def test_an_honour_schedules_a_congratulation(root: ActorSession) -> None:
    root.add_honour({"member_no": "E1", "title": "全国创新争先奖", "awarded_on": "2026-06-01"})
    lines = care_calendar(root, start=date(2026, 6, 1), days=20)
    (line,) = lines_for(lines, Occasion.CONGRATULATION, "E1")
    assert line.on == date(2026, 6, 8) and "全国创新争先奖" in line.note_zh
    add_visit(root, on=date(2026, 6, 10), experts=["E1"], occasion="achievement")
    (line,) = lines_for(
        care_calendar(root, start=date(2026, 6, 1), days=20), Occasion.CONGRATULATION
    )
    assert line.visited is True


def test_council_renewals_appear_for_the_parent_not_the_unit_itself(root: ActorSession) -> None:
    root.update_unit("371323", term_ends_on="2026-11-20")
    root.update_unit("371323-YC", term_ends_on="2026-11-25")
    city = lines_for(care_calendar(root, start=date(2026, 11, 1), days=30), Occasion.RENEWAL)
    assert [(line.unit_code, line.on) for line in city] == [
        ("371323", date(2026, 11, 20)),
        ("371323-YC", date(2026, 11, 25)),
    ]
    assert "临沂市科协" in city[0].note_zh and city[0].visited is None
    county = root.workspace.as_unit("371323")
    own = lines_for(care_calendar(county, start=date(2026, 11, 1), days=30), Occasion.RENEWAL)
    assert [line.unit_code for line in own] == ["371323-YC"]


def test_a_county_sees_only_the_experts_kept_in_its_subtree(root: ActorSession) -> None:
    county = root.workspace.as_unit("371323")
    lines = care_calendar(county, start=date(2026, 1, 1), days=365)
    assert {line.member_no for line in lines} == {None, "E1", "E3"}
    with pytest.raises(ScopeError):
        care_calendar(county, start=date(2026, 1, 1), unit="371302")
    with pytest.raises(ValueError, match="days"):
        care_calendar(root, days=0)


def test_a_visit_by_another_unit_counts_but_shows_only_its_day(root: ActorSession) -> None:
    add_visit(root, on=date(2027, 2, 1), experts=["E1"], occasion="festival")  # the city's visit
    county = root.workspace.as_unit("371323")
    (line,) = lines_for(
        care_calendar(county, start=date(2027, 2, 6), days=1), Occasion.SPRING_FESTIVAL, "E1"
    )
    assert line.visited and line.visited_on == date(2027, 2, 1)


# -- iCalendar ---------------------------------------------------------------------------------


def parse_ics(text: str) -> list[tuple[str, dict[str, str], str]]:
    """A strict reader of what RFC 5545 requires: CRLF lines, folds of a single space."""
    assert text.endswith("\r\n")
    physical = text[:-2].split("\r\n")
    assert not any("\n" in line or "\r" in line for line in physical)
    assert all(len(line.encode("utf-8")) <= 75 for line in physical)
    unfolded: list[str] = []
    for line in physical:
        if line.startswith(" "):
            unfolded[-1] += line[1:]
        else:
            unfolded.append(line)
    props = []
    for line in unfolded:
        match = re.match(r"^([A-Z-]+)((?:;[A-Z-]+=[^;:]+)*):(.*)$", line)
        assert match, line
        params = dict(p.split("=", 1) for p in match[2].split(";")[1:])
        props.append((match[1], params, match[3]))
    return props


def unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m[1] in "nN" else m[1], value)


def test_fold_never_splits_a_character_and_keeps_75_octets() -> None:
    line = "DESCRIPTION:" + "临沂市科学技术协会走访看望院士专家" * 10
    folded = fold(line)
    pieces = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in pieces)
    assert "".join(p[1:] if i else p for i, p in enumerate(pieces)) == line


def test_ics_is_valid_rfc_5545(root: ActorSession) -> None:
    add_visit(
        root, on=date(2026, 9, 20), experts=["E1"], occasion="festival", festival="mid_autumn"
    )
    root.update_unit("371323", term_ends_on="2026-10-10")
    lines = care_calendar(root, start=date(2026, 9, 15), days=40)
    text = to_ics(lines, stamp=datetime(2026, 9, 1, 8, 0, tzinfo=UTC))
    props = parse_ics(text)
    names = [name for name, _, _ in props]
    assert names[0] == "BEGIN" and props[0][2] == "VCALENDAR" and props[-1][2] == "VCALENDAR"
    assert ("VERSION", {}, "2.0") in props and any(n == "PRODID" for n in names)
    assert names.count("BEGIN") == names.count("END")
    events = [p for p in props if p[0] == "BEGIN" and p[2] == "VEVENT"]
    assert len(events) == len(lines)
    uids = [value for name, _, value in props if name == "UID"]
    assert len(set(uids)) == len(lines)
    starts = [(params, value) for name, params, value in props if name == "DTSTART"]
    assert all(params == {"VALUE": "DATE"} and re.fullmatch(r"\d{8}", v) for params, v in starts)
    assert ({"VALUE": "DATE"}, "20260925") in starts
    assert all(v == "20260901T080000Z" for n, _, v in props if n == "DTSTAMP")
    summaries = [unescape(v) for n, _, v in props if n == "SUMMARY"]
    assert "中秋节：王院士（已走访）" in summaries
    assert "生日：王院士（76岁）" in summaries
    # the same occasion keeps its UID when the calendar is rebuilt (re-import updates)
    again = to_ics(care_calendar(root, start=date(2026, 9, 20), days=10))
    assert set(v for n, _, v in parse_ics(again) if n == "UID") <= set(uids)


def test_ics_escapes_text() -> None:
    from kexie_core.people.ics import escape_text

    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


# -- command line ------------------------------------------------------------------------------


def test_cli_calendar_formats_and_no_personal_numbers(root: ActorSession, run, tmp_path) -> None:
    add_visit(root, on=date(2026, 9, 20), experts=["E1"], occasion="festival", festival="中秋")
    data = json.loads(
        run("calendar", "--from", "2026-09-15", "--days", "30", "--format", "json").output
    )
    by = {(r["occasion"], r["member_no"]): r for r in data}
    assert by[("birthday", "E1")]["date"] == "2026-09-25"
    assert by[("birthday", "E1")]["lunar"] == "农历八月十五"
    assert by[("mid_autumn", "E1")]["visited"] is True
    assert by[("mid_autumn", "E2")]["visited"] is False
    table = run("calendar", "--from", "2026-09-15", "--days", "30").output
    assert "王院士" in table and "已走访" in table and "2026-09-25 五" in table
    chinese = run("calendar", "--from", "2026-09-15", "--format", "csv").output
    assert chinese.splitlines()[0] == "日期,事由,专家,单位,年龄,整寿,农历,走访,备注"
    assert "2026-09-25,生日,王院士,沂水县科协,76,,农历八月十五,未走访," in chinese
    english = run("--lang", "en", "calendar", "--from", "2026-09-15", "--format", "csv").output
    assert english.splitlines()[0].startswith("date,occasion,expert,unit,age")
    assert "Mid-Autumn Festival" in english and "visited 09-20" in english
    out = tmp_path / "care.ics"
    run("calendar", "--from", "2026-09-15", "--days", "60", "--format", "ics", "--out", str(out))
    raw = out.read_bytes()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and parse_ics(raw.decode("utf-8"))
    for output in (table, chinese, english, json.dumps(data), raw.decode("utf-8")):
        assert ID_NUMBER not in output and PHONE not in output


def test_cli_calendar_scope_and_bad_input(root: ActorSession, run) -> None:
    result = run("--as", "371323", "calendar", "--unit", "371302", ok=False)
    assert result.exit_code == 3 and "371302" in result.output
    result = run("calendar", "--from", "2026-02-30", ok=False)
    assert result.exit_code == 2 and "not a real date" in result.output
