"""``kexie audit``: the audit log, read back within the acting unit's scope (操作日志).

Every write lands in the append-only audit log (who, when, what); users can read it back for
their own subtree. Personal numbers were masked before they were logged.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from typing import Any

import click
import sqlalchemy as sa

from ..model.dates import parse_date
from ..store.tables import unit_t
from .context import CliContext, pass_ctx
from .output import Column, emit, format_option, mask_free_text


class SinceParam(click.ParamType):
    """A date (local midnight) or an ISO date-time."""

    name = "since"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime:
        if isinstance(value, datetime):
            return value
        text = str(value).strip()
        try:
            moment = datetime.fromisoformat(text)
            if "T" in text or " " in text:
                return _utc(moment)
        except ValueError:
            pass
        try:
            day: date = parse_date(text)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)
        # A date means that day from midnight where the user is, not UTC midnight.
        return _utc(datetime.combine(day, time()))


def _utc(moment: datetime) -> datetime:
    """In UTC, as the log stores it (a naive time is taken as local time)."""
    return (moment if moment.tzinfo else moment.astimezone()).astimezone(UTC)


@click.command("audit")
@click.option("--unit", "-u", metavar="CODE", help="Entries about this unit's subtree.")
@click.option("--since", type=SinceParam(), metavar="DATE", help="From this date or date-time.")
@click.option("--limit", type=int, default=200, show_default=True, help="At most this many.")
@format_option
@pass_ctx
def audit(obj: CliContext, unit: str | None, since: datetime | None, limit: int, fmt: str) -> None:
    """The audit log of writes in the acting unit's subtree, newest first (操作日志)."""
    session = obj.session()
    entries = session.audit_log(unit=unit, since=since, limit=limit)
    ids = {e["unit_id"] for e in entries if e["unit_id"] is not None}
    codes: dict[int, str] = {}
    if ids:
        with session.workspace.read() as conn:
            codes = dict(
                conn.execute(
                    sa.select(unit_t.c.id, unit_t.c.code).where(unit_t.c.id.in_(ids))
                ).all()
            )
    rows = []
    for e in entries:
        row = dict(e)
        row["unit"] = codes.get(e["unit_id"]) if e["unit_id"] is not None else None
        row["detail"] = mask_free_text(e["detail"])
        if fmt != "json":
            row["detail"] = json.dumps(row["detail"], ensure_ascii=False, sort_keys=True)
        rows.append(row)
    emit(
        rows,
        [
            Column("id", "序号", "id", "right"),
            Column("at", "时间", "at"),
            Column("actor", "操作单位", "actor"),
            Column("action", "操作", "action"),
            Column("entity", "对象", "entity"),
            Column("entity_key", "对象标识", "key"),
            Column("unit", "所属单位", "unit"),
            Column("detail", "详情", "detail"),
        ],
        fmt=fmt,
        lang=obj.lang,
    )


def register(cli: click.Group) -> None:
    cli.add_command(audit)
