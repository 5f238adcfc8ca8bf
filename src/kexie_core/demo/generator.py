"""Generate a realistic Linyi network, deterministically from a seed, with set-based writes.

The same seed and size always give the same rows (only audit timestamps differ). Everything is
synthetic: ID numbers and USCCs are valid but invented, phone numbers use the 170 block reserved
for virtual operators, and company names are made up from word lists.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..model.enums import Area, HostCategory, PlatformKind, UnitKind
from ..model.identifiers import hash_identifier, make_resident_id, make_uscc, mask_resident_id
from ..people.festivals import festivals_between
from ..store import audit, tree
from ..store.tables import (
    honour_t,
    host_t,
    member_t,
    membership_t,
    platform_t,
    unit_t,
    work_member_t,
    work_t,
)
from ..workspace import Workspace
from . import names

CHUNK = 10_000


@dataclass(frozen=True)
class DemoSize:
    """How big a demo network is."""

    name: str
    towns_per_county: int
    rural_per_town: int
    enterprises_per_territory: int
    bare_hosts_per_territory: int
    members: int
    items_per_unit_year: int


SIZES: dict[str, DemoSize] = {
    "small": DemoSize("small", 3, 1, 3, 4, 2_000, 12),
    "medium": DemoSize("medium", 10, 3, 30, 40, 60_000, 30),
    # The benchmark scale: about 5,000 units, 1,000,000 members, 1,000,000 work items.
    "large": DemoSize("large", 22, 5, 180, 220, 1_000_000, 108),
}


@dataclass
class DemoSummary:
    size: str
    seed: int
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class _Unit:
    id: int
    code: str
    name: str
    kind: UnitKind
    parent_id: int | None
    division: str  # the GB/T 2260 code used for members' synthetic ID numbers


class DemoError(ValueError):
    pass


class _Builder:
    def __init__(self, conn: Connection, key: bytes, size: DemoSize, seed: int, today: date):
        self.conn, self.key, self.size, self.today = conn, key, size, today
        self.rnd = random.Random(seed)
        self.units: list[_Unit] = []
        self.hosts: list[dict[str, Any]] = []
        self.counts: dict[str, int] = {}
        self.experts: list[tuple[int, int]] = []  # (member id, unit id)
        self.company_names: set[str] = set()

    # -- units and hosts ------------------------------------------------------------------------
    def unit(
        self,
        code: str,
        name: str,
        kind: UnitKind,
        parent: _Unit | None,
        division: str | None = None,
    ) -> _Unit:
        unit = _Unit(
            len(self.units) + 1,
            code,
            name,
            kind,
            parent.id if parent else None,
            division or (parent.division if parent else "371300"),
        )
        self.units.append(unit)
        return unit

    def host(
        self,
        name: str,
        category: HostCategory,
        territory: _Unit,
        association: _Unit | None = None,
        *,
        science: bool = False,
    ) -> None:
        serial = len(self.hosts) + 1
        self.hosts.append(
            {
                "id": serial,
                "name": name,
                "category": category.value,
                "uscc": make_uscc(territory.division, serial * 7919 % 10**8),
                "science_type": science,
                "territory_id": territory.id,
                "unit_id": association.id if association else None,
            }
        )

    def company(self) -> str:
        """A made-up company name, never one already used (host names are unique per county;
        keeping them unique city-wide is simpler and just as realistic)."""
        r = self.rnd
        for _ in range(50):
            name = (
                f"山东{r.choice(names.COMPANY_PREFIX)}{r.choice(names.COMPANY_PREFIX)}"
                f"{r.choice(names.COMPANY_TRADE)}有限公司"
            )
            if name not in self.company_names:
                break
        else:
            name = name.replace("有限公司", f"第{len(self.company_names)}有限公司")
        self.company_names.add(name)
        return name

    def build_units(self) -> None:
        r, s = self.rnd, self.size
        city = self.unit("371300", "临沂市科学技术协会", UnitKind.MUNICIPAL, None, "371300")
        territories = [
            self.unit(code, f"{name}科学技术协会", UnitKind.COUNTY, city, code)
            for code, name in names.COUNTIES
        ]
        territories += [
            self.unit(code, f"{name}科学技术协会", UnitKind.ZONE, city, "371300")
            for code, name in names.ZONES
        ]
        for code, name in names.SOCIETIES:
            self.unit(code, name, UnitKind.SOCIETY, city)
        for code, name in (("D-BGS", "办公室"), ("D-XHB", "学会部"), ("D-KPB", "科普部")):
            self.unit(code, f"临沂市科协{name}", UnitKind.DEPARTMENT, city)
        self.unit("A-KJG", "临沂市科技馆", UnitKind.AFFILIATE, city)
        universities = (
            ("临沂大学", True),
            ("山东医学高等专科学校", True),
            ("临沂科技职业学院", False),
            ("临沂职业学院", True),
        )
        for i, (uni, has) in enumerate(universities, start=1):
            assoc = (
                self.unit(f"U-{i:02d}", f"{uni}科学技术协会", UnitKind.UNIVERSITY, city)
                if has
                else None
            )
            category = HostCategory.UNIVERSITY if i <= 2 else HostCategory.VOCATIONAL_COLLEGE
            self.host(uni, category, territories[0], assoc)
        for t_index, territory in enumerate(territories):
            short = territory.name.removesuffix("科学技术协会")
            for n in range(1, s.towns_per_county + 1):
                word = r.choice(names.TOWN_WORDS) + r.choice(names.TOWN_WORDS)
                town = self.unit(
                    f"{territory.code}-T{n:02d}",
                    f"{word}{r.choice(names.TOWN_SUFFIX)}科协",
                    UnitKind.TOWNSHIP,
                    territory,
                )
                for m in range(1, s.rural_per_town + 1):
                    self.unit(
                        f"{town.code}-N{m:02d}",
                        f"{word}{r.choice(names.COMPANY_TRADE)}农技协",
                        UnitKind.RURAL_TECH,
                        town,
                    )
            for n in range(1, s.enterprises_per_territory + 1):
                company = self.company()
                assoc = self.unit(
                    f"{territory.code}-E{n:03d}", f"{company}科协", UnitKind.ENTERPRISE, territory
                )
                category = (
                    HostCategory.INDUSTRIAL_ABOVE_SIZE if n % 3 else HostCategory.SCIENCE_ENTERPRISE
                )
                self.host(company, category, territory, assoc, science=n % 2 == 0)
            for n in range(s.bare_hosts_per_territory):
                category = (
                    HostCategory.INDUSTRIAL_ABOVE_SIZE,
                    HostCategory.SMALL_TECH_FIRM,
                    HostCategory.MIDDLE_SCHOOL,
                    HostCategory.AGRI_SERVICE,
                )[n % 4]
                label = (
                    self.company()
                    if n % 4 < 2
                    else f"{short}第{n + 1}{'中学' if n % 4 == 2 else '农技站'}"
                )
                self.host(label, category, territory, science=n % 8 == 1)
            hospital = f"{short}人民医院"
            assoc = (
                self.unit(
                    f"{territory.code}-H01", f"{hospital}科协", UnitKind.INSTITUTION, territory
                )
                if t_index % 3 != 2
                else None
            )
            self.host(hospital, HostCategory.HOSPITAL, territory, assoc)
            if territory.kind == UnitKind.ZONE and t_index % 2 == 0:
                park = f"{short}产业园"
                self.host(
                    park,
                    HostCategory.PARK,
                    territory,
                    self.unit(f"{territory.code}-P01", f"{park}科协", UnitKind.PARK, territory),
                )
        founded_base = date(1990, 1, 1)
        rows = [
            {
                "id": u.id,
                "code": u.code,
                "name": u.name,
                "kind": u.kind.value,
                "parent_id": u.parent_id,
                "division_code": u.division
                if u.kind in (UnitKind.COUNTY, UnitKind.MUNICIPAL)
                else None,
                "status": "active",
                "founded_on": founded_base + timedelta(days=r.randrange(12000)),
                "term_ends_on": self.today + timedelta(days=r.randrange(-60, 1500))
                if u.kind in (UnitKind.COUNTY, UnitKind.ZONE, UnitKind.SOCIETY)
                else None,
                "contact_name": self.person_name(),
                "contact_phone": f"0539-{r.randrange(2000000, 8999999)}",
            }
            for u in self.units
        ]
        self.insert(unit_t, rows)
        tree.rebuild(self.conn)
        self.insert(host_t, self.hosts)
        self.counts["units"], self.counts["hosts"] = len(rows), len(self.hosts)

    def person_name(self) -> str:
        r = self.rnd
        given = r.choice(names.GIVEN) + (r.choice(names.GIVEN) if r.random() < 0.6 else "")
        return r.choice(names.SURNAMES) + given

    # -- members --------------------------------------------------------------------------------
    def build_members(self) -> None:
        r, s = self.rnd, self.size
        weights = {
            UnitKind.ENTERPRISE: 6,
            UnitKind.SOCIETY: 30,
            UnitKind.UNIVERSITY: 40,
            UnitKind.INSTITUTION: 15,
            UnitKind.COUNTY: 8,
            UnitKind.ZONE: 6,
            UnitKind.TOWNSHIP: 3,
            UnitKind.RURAL_TECH: 2,
            UnitKind.PARK: 5,
        }
        holders = [u for u in self.units if u.kind in weights]
        cum = list(_cumulative(weights[u.kind] for u in holders))
        societies = [u for u in self.units if u.kind == UnitKind.SOCIETY]
        memberships: list[dict[str, Any]] = []
        honours: list[dict[str, Any]] = []
        born_span = (date(2001, 12, 31) - date(1946, 1, 1)).days
        used: dict[tuple[str, date], int] = {}

        def rows() -> Iterator[dict[str, Any]]:
            for i in range(1, s.members + 1):
                unit = r.choices(holders, cum_weights=cum)[0]
                roll = r.random()
                expert = (
                    "academician" if roll < 0.0008 else "high_level" if roll < 0.012 else "none"
                )
                study = "none"
                if expert != "none":
                    birth = date(1940, 1, 1) + timedelta(days=r.randrange(9000))
                elif roll > 0.985:
                    study = "doctoral" if roll > 0.993 else "postdoc"
                    birth = date(1992, 1, 1) + timedelta(days=r.randrange(3600))
                else:
                    birth = date(1946, 1, 1) + timedelta(days=r.randrange(born_span))
                gender: Literal["male", "female"] = "male" if r.random() < 0.58 else "female"
                # A per-(division, birth date) counter keeps synthetic ID numbers unique.
                seq = used.get((unit.division, birth), 0)
                while seq > 99:
                    birth += timedelta(days=1)
                    seq = used.get((unit.division, birth), 0)
                used[(unit.division, birth)] = seq + 1
                id_number = make_resident_id(unit.division, birth, seq, gender)
                joined = date(2005, 1, 1) + timedelta(days=r.randrange(7600))
                joined = min(joined, self.today)
                left = joined + timedelta(days=r.randrange(30, 1500)) if r.random() < 0.04 else None
                if left is not None and left > self.today:
                    left = None
                if expert != "none":
                    self.experts.append((i, unit.id))
                if r.random() < 0.08 and societies:
                    memberships.append(
                        {
                            "member_id": i,
                            "unit_id": r.choice(societies).id,
                            "role": r.choice(("会员", "会员", "理事", "常务理事")),
                            "joined_on": joined,
                            "left_on": None,
                        }
                    )
                if r.random() < 0.01 or (expert != "none" and r.random() < 0.3):
                    honours.append(
                        {
                            "member_id": i,
                            "title": r.choice(
                                (
                                    "临沂市青年科技奖",
                                    "临沂市优秀科技工作者",
                                    "临沂市最美科技工作者",
                                    "山东省优秀科技工作者",
                                    "新时代优秀科普工作者",
                                )
                            ),
                            "level": r.choice(("municipal", "provincial")),
                            "awarded_on": date(2015, 5, 30) + timedelta(days=365 * r.randrange(12)),
                            "awarding_body": "临沂市科学技术协会",
                            "programme": None,
                        }
                    )
                yield {
                    "id": i,
                    "member_no": f"LY{i:07d}",
                    "name": self.person_name(),
                    "unit_id": unit.id,
                    "gender": gender,
                    "birth_date": birth,
                    "lunar_birthday": expert != "none" and r.random() < 0.3,
                    "id_hash": hash_identifier(id_number, self.key),
                    "id_masked": mask_resident_id(id_number),
                    "phone": f"170{r.randrange(10**8):08d}",
                    "email": None,
                    "degree": r.choice(
                        ("doctorate", "master", "bachelor", "bachelor", "associate")
                    ),
                    "title_level": r.choice(
                        (
                            "senior",
                            "deputy_senior",
                            "intermediate",
                            "intermediate",
                            "junior",
                            "none",
                        )
                    ),
                    "field": r.choice(names.FIELDS),
                    "employer": None,
                    "political_status": r.choice(names.POLITICAL),
                    "expert_level": expert,
                    "linyi_native": r.random() < 0.7,
                    "works_in_linyi": r.random() < 0.8,
                    "study_status": study,
                    "joined_on": joined,
                    "left_on": left,
                }

        self.counts["members"] = self.insert(member_t, rows())
        # Honours are unique per (member, title, date); drop repeats the dice produced.
        unique = {(h["member_id"], h["title"], h["awarded_on"]): h for h in honours}
        honours = list(unique.values())
        self.counts["memberships"] = self.insert(membership_t, memberships)
        self.counts["honours"] = self.insert(honour_t, honours)

    # -- work and platforms ---------------------------------------------------------------------
    def build_work(self, kinds: list[tuple[str, Area]]) -> None:
        r, s = self.rnd, self.size
        by_area: dict[Area, list[str]] = {}
        for key, area in kinds:
            by_area.setdefault(area, []).append(key)
        areas = list(by_area)
        first = date(self.today.year - 1, 1, 1)
        span = (self.today - first).days
        visits: list[dict[str, Any]] = []
        experts_by_unit: dict[int, list[int]] = {}
        for member_id, unit_id in self.experts:
            experts_by_unit.setdefault(unit_id, []).append(member_id)
        ancestors = {u.id: u.parent_id for u in self.units}

        def expert_near(unit_id: int) -> int | None:
            walk: int | None = unit_id
            while walk is not None:
                pool = experts_by_unit.get(walk)
                if pool:
                    return r.choice(pool)
                walk = ancestors[walk]
            return r.choice(self.experts)[0] if self.experts else None

        def rows() -> Iterator[dict[str, Any]]:
            item_id = 0
            for unit in self.units:
                n = max(1, int(r.gauss(s.items_per_unit_year * 2 * span / 730, 3)))
                for _ in range(n):
                    item_id += 1
                    area = r.choice(areas)
                    kind = r.choice(by_area[area])
                    start = first + timedelta(days=r.randrange(span + 1))
                    details = _details(r, kind, start)
                    if kind == "expert_visit":
                        expert = expert_near(unit.id)
                        if expert is not None:
                            visits.append(
                                {"work_item_id": item_id, "member_id": expert, "role": "visited"}
                            )
                    yield {
                        "id": item_id,
                        "external_id": f"DEMO-{item_id:08d}",
                        "kind": kind,
                        "area": area.value,
                        "unit_id": unit.id,
                        "title": _title(kind, unit.name, start),
                        "started_on": start,
                        "ended_on": start + timedelta(days=r.choice((0, 0, 0, 1, 2))),
                        "participants": r.randrange(5, 300),
                        "hours": r.choice((0, 2, 3, 4, 8, 16)),
                        "details": details,
                        "evidence": [],
                    }

        self.counts["work_items"] = self.insert(work_t, rows())
        self.counts["visits"] = self.insert(work_member_t, visits)
        platforms: list[dict[str, Any]] = []
        for unit in self.units:
            if unit.kind in (UnitKind.COUNTY, UnitKind.ZONE, UnitKind.MUNICIPAL):
                chosen = [
                    PlatformKind.HOME_OF_WORKERS,
                    PlatformKind.MEDIA_ACCOUNT,
                    PlatformKind.SCIENCE_TERMINAL,
                    PlatformKind.BULLETIN_BOARD,
                ]
                if r.random() < 0.6:
                    chosen.append(PlatformKind.EXPERT_WORKSTATION)
            elif unit.kind in (UnitKind.ENTERPRISE, UnitKind.SOCIETY, UnitKind.UNIVERSITY):
                chosen = [
                    k
                    for k in (
                        PlatformKind.EXPERT_WORKSTATION,
                        PlatformKind.COOPERATION_PLATFORM,
                        PlatformKind.MEDIA_ACCOUNT,
                    )
                    if r.random() < 0.2
                ]
            else:
                chosen = [PlatformKind.HOME_OF_WORKERS] if r.random() < 0.1 else []
            for kind in chosen:
                platforms.append(
                    {
                        "code": f"PF-{len(platforms) + 1:06d}",
                        "unit_id": unit.id,
                        "name": f"{unit.name.removesuffix('科学技术协会').removesuffix('科协')}"
                        f"{kind.label_zh}",
                        "kind": kind.value,
                        "established_on": date(2016, 1, 1) + timedelta(days=r.randrange(3800)),
                        "closed_on": None,
                        "url": None,
                        "details": {},
                    }
                )
        self.counts["platforms"] = self.insert(platform_t, platforms)

    # -- writing --------------------------------------------------------------------------------
    def insert(self, table: sa.Table, rows: Iterable[dict[str, Any]]) -> int:
        total, chunk = 0, []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= CHUNK:
                self.conn.execute(table.insert(), chunk)
                total += len(chunk)
                chunk = []
        if chunk:
            self.conn.execute(table.insert(), chunk)
            total += len(chunk)
        return total


def _cumulative(values: Iterable[int]) -> Iterator[int]:
    total = 0
    for v in values:
        total += v
        yield total


_CHANNELS = (
    "website",
    "wechat",
    "wechat",
    "weibo",
    "app",
    "bulletin_board",
    "science_terminal",
    "newspaper",
    "tv",
)


def _details(r: random.Random, kind: str, start: date) -> dict[str, Any]:
    if kind in ("publicity_output", "exemplar_publicity"):
        return {"channel": r.choice(_CHANNELS), "reach": r.randrange(100, 50_000)}
    if kind in ("training", "staff_training"):
        return {"days": r.choice((1, 2, 3, 5)), "level": r.choice(("unit", "county", "municipal"))}
    if kind == "award_selection":
        nominees = r.randrange(5, 40)
        return {
            "programme": r.choice(("青年科技奖", "优秀科技工作者", "最美科技工作者")),
            "nominees": nominees,
            "winners": max(1, nominees // 5),
        }
    if kind in ("think_tank_study", "status_survey"):
        return {"adopted": r.random() < 0.4}
    if kind == "expert_visit":
        occasion = r.choice(
            ("festival", "festival", "birthday", "illness", "achievement", "routine")
        )
        details: dict[str, Any] = {"occasion": occasion}
        if occasion == "festival":
            r.randrange(5)  # once a festival was drawn here: kept so the rest stays as it was
            # The festival the visit comes before (the three weeks leading up to it); a visit
            # with none that close is a routine one.
            near = next(festivals_between(start, start + timedelta(days=21)), None)
            if near is None:
                details["occasion"] = "routine"
            else:
                details["festival"] = near[0].value
        return details
    return {}


def _title(kind: str, unit_name: str, start: date) -> str:
    short = unit_name.removesuffix("科学技术协会").removesuffix("科协")
    return f"{short}{start.year}年{start.month}月{kind_label(kind)}"


_LABELS: dict[str, str] = {}


def kind_label(kind: str) -> str:
    return _LABELS.get(kind, kind)


def generate(
    ws: Workspace,
    *,
    size: str = "small",
    seed: int = 2019,
    today: date | None = None,
    workflow: bool = True,
) -> DemoSummary:
    """Fill an empty, initialised workspace with the demo network; returns what was made."""
    spec = SIZES[size]
    today = today or date.today()
    kinds = ws.plugins.work_kinds()
    _LABELS.update({k.key: k.label_zh for k in kinds})
    builtin_kinds = [(k.key, k.area) for k in kinds if k.plugin.startswith("kexie.")]
    key = ws.key()
    assert key is not None
    with ws.engine.begin() as conn:
        if conn.execute(sa.select(sa.func.count()).select_from(unit_t)).scalar_one():
            raise DemoError("the demo needs an empty database; give it a new --db or --out")
        builder = _Builder(conn, key, spec, seed, today)
        builder.build_units()
        builder.build_members()
        builder.build_work(builtin_kinds)
        if conn.dialect.name == "postgresql":
            _reset_sequences(conn)
        audit.record(
            conn, "371300", "generate", "demo", f"{size}/{seed}", unit_id=1, detail=builder.counts
        )
    counts = dict(builder.counts)
    if workflow:
        from .workflow import add_workflow

        counts.update(add_workflow(ws, seed=seed, today=today))
    return DemoSummary(size, seed, counts)


def _reset_sequences(conn: Connection) -> None:
    """Rows were written with explicit ids; move PostgreSQL's sequences past them."""
    for table in (unit_t, host_t, member_t, membership_t, honour_t, work_t, platform_t):
        conn.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"
        )
