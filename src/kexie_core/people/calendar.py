"""The care calendar (专家关怀日历): upcoming occasions to visit the experts a unit looks after.

For the experts whose record is kept in the actor's subtree (or ``unit``'s), between ``start`` and
``start + days - 1``:

* birthdays — Gregorian, or lunar for experts who keep a lunar birthday — with the age reached
  and round ages (70, 80, 90) flagged;
* Spring Festival, National S&T Workers' Day (30 May), Mid-Autumn, National Day, and the Double
  Ninth for experts aged 60 and over (老年人 under the law on the elderly; configurable);
* follow-ups: a visit whose ``details.follow_up_on`` falls in the window (an illness visit's 回访);
* congratulations: an honour recorded for an expert, due ``congratulation_delay`` days after it
  was awarded;
* council renewals (换届): units below the actor whose ``term_ends_on`` falls in the window;
* 30 May once more as a line of its own for the unit: the day concerns every S&T worker.

Each expert line says whether a visit has been recorded for it: an ``expert_visit`` work item
linking the expert, of the matching occasion (and festival, when the visit names one), on a day
from ``visit_before`` days before to ``visit_after`` days after the occasion. A follow-up is done by
any later visit in that window. Visits recorded by any unit count — the expert is in the actor's
scope — but only the fact and the day are shown, never another unit's visit record.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..model.enums import ExpertLevel
from ..store.tables import honour_t, tree_t, unit_t, work_member_t, work_t
from ..workspace import ActorSession
from . import _access
from .ages import age_on
from .festivals import birthdays_between, festivals_between
from .occasions import Festival, Occasion, VisitOccasion

VISIT_KIND = "expert_visit"
_ORDER = {occasion: i for i, occasion in enumerate(Occasion)}


@dataclass(frozen=True)
class CalendarOptions:
    """How the care calendar is built."""

    double_ninth_min_age: int = 60
    round_ages: tuple[int, ...] = (70, 80, 90)
    visit_before: int = 20  # a visit up to this many days before an occasion counts for it
    visit_after: int = 10  # … and up to this many days after
    congratulation_delay: int = 7
    festivals: tuple[Festival, ...] = tuple(Festival)
    renewals: bool = True


@dataclass(frozen=True)
class CalendarLine:
    """One occasion on one day, for one expert (or for a unit: renewals, 30 May)."""

    on: date
    occasion: Occasion
    unit_code: str
    unit_name: str
    member_no: str | None = None
    expert: str | None = None
    expert_level: str | None = None
    age: int | None = None
    round_birthday: bool = False
    lunar: str | None = None
    visited: bool | None = None  # None: no visit is expected for this line
    visited_on: date | None = None
    note_zh: str = ""
    note_en: str = ""

    @property
    def uid(self) -> str:
        """A stable identifier (the same occasion keeps it when the calendar is rebuilt)."""
        basis = f"{self.on.isoformat()}|{self.occasion.value}|{self.member_no or self.unit_code}"
        return hashlib.sha256(basis.encode()).hexdigest()[:24] + "@kexie"

    def title(self, lang: str = "zh") -> str:
        what = self.occasion.label(lang)
        who = self.expert or self.unit_name
        if lang == "zh":
            extra = f"（{self.age}岁{'整寿' if self.round_birthday else ''}）" if self.age else ""
            return f"{what}：{who}{extra}"
        extra = (
            f" ({self.age}{', round birthday' if self.round_birthday else ''})" if self.age else ""
        )
        return f"{what}: {who}{extra}"

    def as_row(self, lang: str = "zh") -> dict[str, Any]:
        level = ExpertLevel.parse(self.expert_level).label(lang) if self.expert_level else None
        return {
            "date": self.on,
            "weekday": "一二三四五六日"[self.on.weekday()]
            if lang == "zh"
            else self.on.strftime("%a"),
            "occasion": self.occasion.value,
            "occasion_label": self.occasion.label(lang),
            "member_no": self.member_no,
            "expert": self.expert,
            "expert_level": level,
            "unit_code": self.unit_code,
            "unit": self.unit_name,
            "age": self.age,
            "round_birthday": self.round_birthday,
            "lunar": self.lunar,
            "visited": self.visited,
            "visited_on": self.visited_on,
            "note": self.note_zh if lang == "zh" else self.note_en,
        }


@dataclass(frozen=True)
class _Visit:
    on: date
    occasion: str | None
    festival: str | None


@dataclass
class _Builder:
    start: date
    end: date
    options: CalendarOptions
    visits: dict[int, list[_Visit]] = field(default_factory=dict)
    lines: list[CalendarLine] = field(default_factory=list)

    def visited_on(
        self, member_id: int, occasion: Occasion, day: date, after: date | None = None
    ) -> date | None:
        wanted = occasion.visit_occasion
        festival = occasion.festival
        low = day - timedelta(days=self.options.visit_before)
        high = day + timedelta(days=self.options.visit_after)
        for visit in self.visits.get(member_id, []):
            if not low <= visit.on <= high or (after is not None and visit.on <= after):
                continue
            if wanted is not None and visit.occasion != wanted.value:
                continue
            if festival is not None and visit.festival not in (None, festival.value):
                continue
            return visit.on
        return None

    def add(
        self, expert: Any, occasion: Occasion, day: date, after: date | None = None, **extra: Any
    ) -> None:
        """A line for ``expert``; ``after``: only visits later than this day complete it."""
        done = self.visited_on(expert.id, occasion, day, after)
        self.lines.append(
            CalendarLine(
                on=day,
                occasion=occasion,
                unit_code=expert.unit_code,
                unit_name=expert.unit_name,
                member_no=expert.member_no,
                expert=expert.name,
                expert_level=expert.expert_level,
                visited=done is not None,
                visited_on=done,
                **extra,
            )
        )


def care_calendar(
    session: ActorSession,
    *,
    start: date | None = None,
    days: int = 30,
    unit: str | None = None,
    options: CalendarOptions | None = None,
) -> list[CalendarLine]:
    """The care calendar of ``session``'s actor (or of ``unit`` in its subtree), by date."""
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    opts = options or CalendarOptions()
    start = start or _access.today()
    end = start + timedelta(days=days - 1)
    build = _Builder(start, end, opts)
    with session.workspace.read() as conn:
        top_id = _access.top_unit_id(conn, session.actor, unit)
        top = conn.execute(
            sa.select(unit_t.c.code, unit_t.c.name).where(unit_t.c.id == top_id)
        ).one()
        experts_q = _access.experts_under(top_id, start).subquery("experts")
        experts = conn.execute(
            sa.select(
                experts_q.c.id,
                experts_q.c.member_no,
                experts_q.c.name,
                experts_q.c.birth_date,
                experts_q.c.lunar_birthday,
                experts_q.c.expert_level,
                unit_t.c.code.label("unit_code"),
                unit_t.c.name.label("unit_name"),
            )
            .join(unit_t, unit_t.c.id == experts_q.c.unit_id)
            .order_by(experts_q.c.member_no)
        ).all()
        expert_ids = sa.select(experts_q.c.id)
        build.visits = _visits(conn, expert_ids, start, end, opts)
        follow_ups = _follow_ups(conn, expert_ids, start, end)
        honours = _honours(conn, expert_ids, start, end, opts)
        renewals = _renewals(conn, top_id, start, end) if opts.renewals else []
    by_id = {e.id: e for e in experts}
    for expert in experts:
        _birthdays(build, expert)
    _festivals(build, experts, top)
    for row in follow_ups:
        _follow_up(build, by_id[row.member_id], row)
    for row in honours:
        day = row.awarded_on + timedelta(days=opts.congratulation_delay)
        build.add(
            by_id[row.member_id],
            Occasion.CONGRATULATION,
            day,
            note_zh=f"{row.awarded_on}获{row.title}",
            note_en=f"awarded {row.title} on {row.awarded_on}",
        )
    for row in renewals:
        build.lines.append(
            CalendarLine(
                on=row.term_ends_on,
                occasion=Occasion.RENEWAL,
                unit_code=row.code,
                unit_name=row.name,
                note_zh=f"本届任期届满，由{row.parent_name}指导换届",
                note_en=f"term ends; renewal guided by {row.parent_name}",
            )
        )
    return sorted(
        _dedupe(build.lines),
        key=lambda line: (line.on, _ORDER[line.occasion], line.unit_code, line.member_no or ""),
    )


def _dedupe(lines: Iterable[CalendarLine]) -> list[CalendarLine]:
    """Two illness visits may schedule the same follow-up: keep one line per occasion."""
    seen: dict[tuple[date, Occasion, str | None, str], CalendarLine] = {}
    for line in lines:
        seen.setdefault((line.on, line.occasion, line.member_no, line.unit_code), line)
    return list(seen.values())


def _birthdays(build: _Builder, expert: Any) -> None:
    if expert.birth_date is None:
        return
    for birthday in birthdays_between(
        expert.birth_date, bool(expert.lunar_birthday), build.start, build.end
    ):
        note_zh = note_en = ""
        if birthday.shifted:
            note_zh = "生于农历三十，本年该月无三十，按月末计"
            note_en = "born on the 30th; this year's month is short, kept on the 29th"
        build.add(
            expert,
            Occasion.BIRTHDAY,
            birthday.on,
            age=birthday.age,
            round_birthday=birthday.age in build.options.round_ages,
            lunar=f"农历{birthday.lunar.label_zh()}" if birthday.lunar else None,
            note_zh=note_zh,
            note_en=note_en,
        )


def _festivals(build: _Builder, experts: Sequence[Any], top: Any) -> None:
    opts = build.options
    for festival, day in festivals_between(build.start, build.end, opts.festivals):
        occasion = Occasion(festival.value)
        if festival is Festival.ST_WORKERS_DAY:
            build.lines.append(
                CalendarLine(
                    on=day,
                    occasion=occasion,
                    unit_code=top.code,
                    unit_name=top.name,
                    note_zh="全国科技工作者日：组织慰问和主题活动",
                    note_en="National S&T Workers' Day: greetings and activities for all workers",
                )
            )
        for expert in experts:
            if festival is Festival.DOUBLE_NINTH and (
                expert.birth_date is None
                or age_on(expert.birth_date, day) < opts.double_ninth_min_age
            ):
                continue
            build.add(expert, occasion, day)


def _follow_up(build: _Builder, expert: Any, row: Any) -> None:
    try:
        day = date.fromisoformat(str(row.follow_up_on))
    except ValueError:  # written before follow_up_on was validated as a date
        return
    illness = row.occasion == VisitOccasion.ILLNESS.value
    build.add(
        expert,
        Occasion.FOLLOW_UP,
        day,
        after=row.started_on,
        note_zh=f"{row.started_on}{'生病住院看望' if illness else '走访'}后回访",
        note_en=f"follow-up of the {'illness ' if illness else ''}visit on {row.started_on}",
    )


def _visits(
    conn: Connection, expert_ids: sa.Select[Any], start: date, end: date, opts: CalendarOptions
) -> dict[int, list[_Visit]]:
    rows = conn.execute(
        sa.select(work_member_t.c.member_id, work_t.c.started_on, work_t.c.details)
        .join(work_t, work_t.c.id == work_member_t.c.work_item_id)
        .where(
            work_t.c.kind == VISIT_KIND,
            work_member_t.c.member_id.in_(expert_ids.scalar_subquery()),
            work_t.c.started_on.between(
                start - timedelta(days=opts.visit_before), end + timedelta(days=opts.visit_after)
            ),
        )
        .order_by(work_t.c.started_on, work_t.c.id)
    )
    visits: dict[int, list[_Visit]] = defaultdict(list)
    for row in rows:
        details = row.details or {}
        visits[row.member_id].append(
            _Visit(row.started_on, details.get("occasion"), _festival_key(details.get("festival")))
        )
    return visits


def _festival_key(value: Any) -> str | None:
    """Bulk loads skip the details model, so accept what it would have normalised."""
    if not value:
        return None
    try:
        return Festival.parse(value).value
    except ValueError:
        return str(value)


def _follow_ups(
    conn: Connection, expert_ids: sa.Select[Any], start: date, end: date
) -> Sequence[Any]:
    follow_up_on = work_t.c.details["follow_up_on"].as_string()
    return conn.execute(
        sa.select(
            work_member_t.c.member_id,
            work_t.c.started_on,
            follow_up_on.label("follow_up_on"),
            work_t.c.details["occasion"].as_string().label("occasion"),
        )
        .join(work_t, work_t.c.id == work_member_t.c.work_item_id)
        .where(
            work_t.c.kind == VISIT_KIND,
            work_member_t.c.member_id.in_(expert_ids.scalar_subquery()),
            # ISO dates compare as text, on every engine
            follow_up_on.between(start.isoformat(), end.isoformat()),
        )
    ).all()


def _honours(
    conn: Connection, expert_ids: sa.Select[Any], start: date, end: date, opts: CalendarOptions
) -> Sequence[Any]:
    delay = timedelta(days=opts.congratulation_delay)
    return conn.execute(
        sa.select(honour_t.c.member_id, honour_t.c.title, honour_t.c.awarded_on).where(
            honour_t.c.member_id.in_(expert_ids.scalar_subquery()),
            honour_t.c.awarded_on.between(start - delay, end - delay),
        )
    ).all()


def _renewals(conn: Connection, top_id: int, start: date, end: date) -> Sequence[Any]:
    parent = unit_t.alias("parent")
    return conn.execute(
        sa.select(
            unit_t.c.code, unit_t.c.name, unit_t.c.term_ends_on, parent.c.name.label("parent_name")
        )
        .join(tree_t, tree_t.c.descendant_id == unit_t.c.id)
        .join(parent, parent.c.id == unit_t.c.parent_id)
        .where(
            tree_t.c.ancestor_id == top_id,
            tree_t.c.depth >= 1,
            unit_t.c.status == "active",
            unit_t.c.term_ends_on.between(start, end),
        )
    ).all()


__all__ = ["VISIT_KIND", "CalendarLine", "CalendarOptions", "care_calendar"]
