"""Helpers shared by the ledger tests (import, export): writing ledger files as clerks do.

No tests here; the module is named like a test module so that it belongs with them.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from kexie_core.ledger.columns import KINDS
from kexie_core.model.identifiers import make_resident_id, make_uscc

ID_A = make_resident_id("371323", date(1980, 5, 17), 12, "male")
ID_B = make_resident_id("371302", date(1992, 11, 3), 45, "female")
USCC_A = make_uscc("371323", 1001)
USCC_B = make_uscc("371302", 2002)


def headers(kind: str, fields: Iterable[str], lang: str) -> list[str]:
    spec = KINDS[kind]
    return [spec.spec(f).zh if lang == "zh" else f for f in fields]


def fields_of(kind: str, rows: list[Mapping[str, Any]]) -> list[str]:
    present = {k for row in rows for k in row}
    return [name for name in KINDS[kind].names() if name in present]


def write_ledger(
    path: Path,
    kind: str,
    rows: list[Mapping[str, Any]],
    *,
    lang: str = "zh",
    encoding: str = "utf-8-sig",
    fields: list[str] | None = None,
) -> Path:
    """A ledger file of ``rows`` (dicts of field → value) in CSV, XLSX or JSON by suffix."""
    fields = fields or fields_of(kind, rows)
    head = headers(kind, fields, lang)
    if path.suffix == ".xlsx":
        import xlsxwriter

        book = xlsxwriter.Workbook(str(path))
        sheet = book.add_worksheet(KINDS[kind].zh_name if lang == "zh" else kind)
        day = book.add_format({"num_format": "yyyy-mm-dd"})
        sheet.write_row(0, 0, head)
        for r, row in enumerate(rows, start=1):
            for c, name in enumerate(fields):
                value = row.get(name)
                if value is None or value == "":
                    continue
                if isinstance(value, date):
                    sheet.write_datetime(r, c, value, day)
                elif isinstance(value, bool):
                    sheet.write_boolean(r, c, value)
                elif isinstance(value, int | float):
                    sheet.write_number(r, c, value)
                elif isinstance(value, dict):
                    sheet.write_string(r, c, json.dumps(value, ensure_ascii=False))
                elif isinstance(value, list):
                    sheet.write_string(r, c, ";".join(value))
                else:
                    sheet.write_string(r, c, str(value))
        book.close()
        return path
    if path.suffix == ".json":
        objects = [
            {h: row[f] for h, f in zip(head, fields, strict=True) if f in row} for row in rows
        ]
        path.write_text(json.dumps(objects, ensure_ascii=False, default=str), encoding="utf-8")
        return path
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(head)
        for row in rows:
            writer.writerow([_text(row.get(f)) for f in fields])
    return path


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return ";".join(value)
    return str(value)


def count(engine: sa.Engine, table: str) -> int:
    with engine.connect() as conn:
        return int(conn.exec_driver_sql(f'SELECT count(*) FROM "{table}"').scalar_one())


def rows_of(engine: sa.Engine, sql: str) -> list[tuple[Any, ...]]:
    """Rows of a plain SQL query; SQLite's ISO date text is read as dates, as PostgreSQL's are."""
    with engine.connect() as conn:
        return [tuple(_typed(v) for v in r) for r in conn.exec_driver_sql(sql)]


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _typed(value: Any) -> Any:
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        return date.fromisoformat(value)
    return value


MEMBERS = [
    {
        "member_no": "M001",
        "name": "张伟",
        "unit": "371323",
        "id_number": ID_A,
        "phone": "13812345678",
        "degree": "博士",
        "title_level": "正高级",
        "expert_level": "院士",
        "linyi_native": True,
        "joined_on": "2019/7/1",
    },
    {
        "member_no": "M002",
        "name": "李娜",
        "unit": "371323-YC",
        "id_number": ID_B,
        "phone": "0539-8123456",
        "degree": "硕士",
        "study_status": "博士后",
        "joined_on": "2020年3月5日",
    },
    {"member_no": "M003", "name": "王强", "unit": "GXQ", "joined_on": "2021-01-10"},
]

# One small, valid ledger per kind, on top of testing.LINYI_UNITS (after MEMBERS and HOSTS).
HOSTS = [
    {
        "name": "沂水某机械有限公司",
        "uscc": USCC_A,
        "category": "规模以上工业企业",
        "territory": "371323",
        "science_type": True,
    },
    {"name": "兰山某医院", "uscc": USCC_B, "category": "医院", "territory": "371302"},
    {"name": "临沂高新区某中学", "category": "中学", "territory": "GXQ"},
]
UNITS = [
    {
        "code": "371323-XX",
        "name": "沂水某学校科协",
        "kind": "事业单位科协",
        "parent": "371323",
        "founded_on": "2018-05-04",
    },
    {"code": "371323-XX-1", "name": "沂水某学校分会", "kind": "institution", "parent": "371323-XX"},
    {
        "code": "E-YS02",
        "name": "沂水某机械有限公司科协",
        "kind": "企业科协",
        "parent": "371323",
        "host_uscc": USCC_A,
        "contact_phone": "13900001111",
    },
]
MEMBERSHIPS = [
    {"member_no": "M001", "unit": "E-YS01", "role": "理事", "joined_on": "2022-01-01"},
    {"member_no": "M002", "unit": "S-NXH"},
]
WORK_ITEMS = [
    {
        "external_id": "W1",
        "kind": "培训班/研修班",
        "unit": "371323",
        "title": "科技人员培训班",
        "started_on": "2026-07-01",
        "participants": 80,
        "hours": 16,
        "member_nos": ["M001", "M002"],
        "details": {"days": 2},
    },
    {"kind": "study_session", "unit": "GXQ", "title": "理论学习会", "started_on": "2026/6/3"},
]
PLATFORMS = [
    {
        "code": "P1",
        "name": "沂水县科技工作者之家",
        "kind": "科技工作者之家",
        "unit": "371323",
        "established_on": "2020-10-01",
        "url": "https://example.cn/home",
    },
    {
        "code": "P2",
        "name": "临沂科协微信公众号",
        "kind": "media_account",
        "unit": "371300",
        "details": {"followers": 12000},
    },
]
TARGETS = [
    {"unit": "371323", "metric": "members_total", "period": "2026", "value": 1200},
    {"unit": "GXQ", "metric": "work_items", "period": "2026H1", "value": 12.5},
]
SAMPLES: dict[str, list[dict[str, Any]]] = {
    "units": UNITS,
    "hosts": HOSTS,
    "members": MEMBERS,
    "memberships": MEMBERSHIPS,
    "work-items": WORK_ITEMS,
    "platforms": PLATFORMS,
    "targets": TARGETS,
}
#: What each kind's sample needs loaded first.
NEEDS: dict[str, tuple[str, ...]] = {
    "units": ("hosts",),
    "hosts": (),
    "members": (),
    "memberships": ("members",),
    "work-items": ("members",),
    "platforms": (),
    "targets": (),
}
TABLES = {
    "units": "unit",
    "hosts": "host",
    "members": "member",
    "memberships": "membership",
    "work-items": "work_item",
    "platforms": "platform",
    "targets": "target",
}
