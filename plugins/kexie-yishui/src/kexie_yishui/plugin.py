"""The hooks of the 沂水县科协 plug-in (entry point ``yishui`` in the group ``kexie``).

Only hooks live here; what they hand over is defined in the modules beside this one. Every
function in this module named ``kexie_*`` is taken for a hook, so import modules, not hook-named
functions, into it.
"""

from __future__ import annotations

import click
from kexie_core import Problem, WorkItemIn, WorkKind, hookimpl
from kexie_core.metrics import Metric
from kexie_core.plugin import Exporter
from pydantic import BaseModel

from . import ledger, metrics, report, training


@hookimpl
def kexie_register_work_kinds() -> list[WorkKind]:
    return [training.WORK_KIND]


@hookimpl
def kexie_register_metrics() -> list[Metric]:
    return list(metrics.METRICS)


@hookimpl
def kexie_register_exporters() -> list[Exporter]:
    return [
        Exporter(
            "yishui-ledger",
            "沂水县科协工作台账",
            "Yishui county work ledger",
            ".xlsx",
            frozenset({"records"}),
            ledger.write_ledger,
            description="工作台账 and 果树技术培训 sheets in the county office's layout",
        ),
        Exporter(
            "yishui-report",
            "沂水县科协季度工作报表",
            "Yishui county quarterly return",
            ".txt",
            frozenset({"report"}),
            report.write_report,
            description="a period report in the county office's one-page text layout",
        ),
    ]


@hookimpl
def kexie_register_commands(cli: click.Group) -> None:
    # Imported here: only the command line needs it, and a program that embeds kexie then
    # never loads the command-line modules.
    from . import commands

    cli.add_command(commands.yishui)


@hookimpl
def kexie_validate_record(kind: str, record: BaseModel) -> list[Problem]:
    if kind == "work_item" and isinstance(record, WorkItemIn):
        return training.training_problems(record)
    return []
