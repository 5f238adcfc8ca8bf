"""Write a plug-in and register it in code (no packaging): a work kind with its own details
model, a validation rule and a metric — then use them.

    python examples/plugin_in_code.py

A county would normally ship the same module as a package with an entry point in the group
``kexie`` (see plugins/kexie-yishui and docs/plugins.md); registering in code is handy in a
program that embeds kexie-core, and in tests.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, Field

from kexie_core import Area, InvalidRecord, Problem, WorkKind, Workspace, hookimpl, load_plugins
from kexie_core.metrics import Measure, MetricContext, compute_metrics, metric
from kexie_core.store.tables import work_t

SEEDLINGS = Measure("株", "seedlings")


class SeedlingDetails(BaseModel):
    """What a seedling-distribution day records (its ``details``)."""

    variety: str = Field(min_length=1)
    seedlings: int = Field(ge=1)


def seedlings_given(ctx: MetricContext) -> sa.Select[Any]:
    """Own rows (unit_id, value): seedlings handed out by each unit in the period."""
    seedlings = sa.cast(work_t.c.details["seedlings"].as_string(), sa.Integer)
    return sa.select(work_t.c.unit_id, seedlings).where(
        work_t.c.kind == "seedling_day",
        ctx.in_period(work_t.c.started_on),
        ctx.in_scope(work_t.c.unit_id),
    )


class SeedlingPlugin:
    """A plug-in is any object (or module) with ``kexie_*`` hook functions."""

    @hookimpl
    def kexie_register_work_kinds(self) -> list[WorkKind]:
        return [
            WorkKind(
                "seedling_day",
                Area.PRACTICE,
                "良种苗木发放",
                "seedling distribution day",
                details_model=SeedlingDetails,
            )
        ]

    @hookimpl
    def kexie_register_metrics(self) -> list[Any]:
        return [
            metric(
                "seedlings.given",
                "发放苗木数",
                "seedlings handed out",
                SEEDLINGS,
                Area.PRACTICE,
                "sum",
                seedlings_given,
            )
        ]

    @hookimpl
    def kexie_validate_record(self, kind: str, record: Any) -> list[Problem] | None:
        if kind == "work_item" and record.kind == "seedling_day" and record.participants == 0:
            return [Problem("participants", "a distribution day records how many farmers came")]
        return None


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="kexie-plugin-"))
    host = load_plugins(extra=[("seedlings", SeedlingPlugin())])
    ws = Workspace.open(
        f"sqlite:///{folder / 'kexie.db'}", plugins=host, secret_key="example-key-0123456789"
    )
    ws.init()
    city = ws.bootstrap_root({"code": "371300", "name": "临沂市科学技术协会", "kind": "municipal"})
    city.add_unit(
        {
            "code": "371328",
            "name": "蒙阴县科学技术协会",
            "kind": "county",
            "parent": "371300",
            "division_code": "371328",
        }
    )
    mengyin = ws.as_unit("371328")
    mengyin.add_work_item(
        {
            "kind": "seedling_day",
            "unit": "371328",
            "title": "蜜桃良种发放",
            "started_on": "2026-03-12",
            "participants": 85,
            "details": {"variety": "蒙阴蜜桃", "seedlings": 4000},
        }
    )
    for bad in ({"variety": "蒙阴蜜桃", "seedlings": 0}, None):
        try:
            mengyin.add_work_item(
                {
                    "kind": "seedling_day",
                    "unit": "371328",
                    "title": "再次发放",
                    "started_on": "2026-03-20",
                    "participants": 0 if bad is None else 10,
                    "details": bad or {"variety": "蜜桃", "seedlings": 5},
                }
            )
        except InvalidRecord as exc:
            print("refused:", exc)
    table = compute_metrics(city, "2026", depth=1, metrics=["seedlings.given"])
    print("全市发放苗木数:", table.value("371300", "seedlings.given"))
    ws.close()


if __name__ == "__main__":
    main()
