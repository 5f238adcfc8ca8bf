"""``kexie yishui …``: the county's own commands (沂水县科协的命令).

They use kexie's shared context, so they act as ``--as`` (seeing only that unit's subtree), speak
``--lang``, and print ``--format table|csv|json`` like the built-in commands.
"""

from __future__ import annotations

from typing import Any

import click
import sqlalchemy as sa
from kexie_core import ActorSession, Period
from kexie_core.cli.context import CliContext, pass_ctx
from kexie_core.cli.output import Column, emit, format_option
from kexie_core.store.scope import visible_unit_ids
from kexie_core.store.tables import unit_t, work_t

from .training import ORCHARD_TRAINING

COLUMNS = (
    Column("started_on", "日期", "date", no_wrap=True),
    Column("township", "镇（街道）", "township"),
    Column("village", "村（社区）", "village"),
    Column("varieties", "品种", "varieties"),
    Column("trainees", "培训农民", "farmers", "right"),
    Column("participants", "参与人次", "participants", "right"),
    Column("title", "活动名称", "title"),
    Column("unit_name", "承办单位", "unit"),
)


def orchard_trainings(session: ActorSession, period: Period) -> list[dict[str, Any]]:
    """The orchard trainings of the period in the actor's subtree, oldest first: one query."""
    w = work_t.c
    rows = (
        sa.select(
            w.started_on,
            w.title,
            w.participants,
            w.details,
            unit_t.c.name.label("unit_name"),
        )
        .join(unit_t, unit_t.c.id == w.unit_id)
        .where(
            w.kind == ORCHARD_TRAINING,
            w.started_on.between(period.start, period.end),
            # Scope: only what the acting unit may see (its subtree; the root sees all).
            w.unit_id.in_(visible_unit_ids(session.actor).scalar_subquery()),
        )
        .order_by(w.started_on, w.id)
    )
    with session.workspace.read() as conn:
        return [
            {
                **{k: v for k, v in r.items() if k != "details"},
                **r["details"],
                "varieties": "、".join(r["details"].get("varieties", [])),
            }
            for r in conn.execute(rows).mappings()
        ]


@click.group("yishui")
def yishui() -> None:
    """沂水县科协的命令 (commands of the Yishui county association)."""


@yishui.command("ledger")
@click.option(
    "--period", "-p", required=True, metavar="PERIOD", help="2026, 2026H1, 2026Q3, 2026-07 (期间)."
)
@format_option
@pass_ctx
def ledger(obj: CliContext, period: str, fmt: str) -> None:
    """The orchard trainings of a period (果树技术培训台账), with a total row in tables.

    The file the county office keeps for the whole year is `kexie export work-items --format
    yishui-ledger`; this is the quick look at one period.
    """
    chosen = Period.parse(period)  # a ValueError is shown as a clean message, exit status 1
    rows = orchard_trainings(obj.session(), chosen)
    title = None
    if fmt == "table":
        total = {
            "started_on": obj.t("合计", "total"),
            "trainees": sum(r["trainees"] for r in rows),
            "participants": sum(r["participants"] for r in rows),
        }
        rows = [*rows, total]
        title = obj.t(
            f"沂水县果树技术培训台账（{chosen.label_zh}）", f"Yishui orchard trainings, {chosen}"
        )
    emit(rows, COLUMNS, fmt=fmt, lang=obj.lang, title=title)
