"""``kexie report build``: a unit's period report as docx, xlsx, html, md, json or a plug-in's
layout.

The ``report`` group belongs to the reporting workflow (``report_cmd``); ``register`` attaches
``build`` to it, or creates the group when the workflow's commands are not there.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..documents.assemble import ReportOptions, assemble_child_reports, assemble_report
from ..documents.exporters import default_filename, report_exporters, resolve_exporter, write_report
from ..model.period import Period
from .context import CliContext, pass_ctx


def _formats_help() -> str:
    return (
        "docx (Word 公文), xlsx, html, md, json, or the key of a plug-in's report exporter "
        "(see `kexie report build --list-formats`)."
    )


def make_build_command() -> click.Command:
    """A new ``build`` command.

    A new object for every CLI that ``build_cli`` makes, never one shared at module level: click
    caches a command's help option (``-h``) on the object the first time it runs under a parent
    that names it, which would leak from one CLI (a test's) into another (the generated
    reference).
    """

    @click.command("build")
    @click.option("--unit", metavar="CODE", help="The reporting unit (default: the acting unit).")
    @click.option("--period", metavar="P", help="2026, 2026H1, 2026Q3, 2026-07 or 2026年第三季度.")
    @click.option(
        "--format", "fmt", default="docx", show_default=True, metavar="FORMAT", help=_formats_help()
    )
    @click.option(
        "--out",
        type=click.Path(path_type=Path),
        help="File to write (default CODE_PERIOD.suffix); with --all-children, a folder.",
    )
    @click.option("--all-children", is_flag=True, help="One report per child unit into --out DIR.")
    @click.option(
        "--kind",
        "kinds",
        multiple=True,
        metavar="KIND",
        help="With --all-children: only children of this kind (county, society…); repeatable.",
    )
    @click.option(
        "--unmasked",
        is_flag=True,
        help="Root only: leave ID/phone-like numbers in free text unmasked (默认脱敏).",
    )
    @click.option("--list-formats", is_flag=True, help="List the report formats and exit.")
    @pass_ctx
    def build(
        obj: CliContext,
        unit: str | None,
        period: str | None,
        fmt: str,
        out: Path | None,
        all_children: bool,
        kinds: tuple[str, ...],
        unmasked: bool,
        list_formats: bool,
    ) -> None:
        """Build a unit's period report (生成单位期间工作报告).

        Headline figures, every area 1–8 and R1–R3 against targets, coverage, the children's
        comparison, notable work items and the unit's narrative, from the same metrics as
        `kexie metrics`. Examples:

            kexie --as 371323 report build --period 2026Q3 --format docx

            kexie report build --period 2026Q3 --format xlsx --all-children --kind county --out q3/
        """
        session = obj.session()
        host = session.plugins
        if list_formats:
            for exporter in report_exporters(host):
                short = exporter.key.removeprefix("report-")
                click.echo(f"{short:<14} {exporter.suffix:<6} {exporter.label(obj.lang)}")
            return
        if not period:
            raise click.UsageError("--period is required (e.g. --period 2026Q3)")
        exporter = resolve_exporter(host, fmt)
        options = ReportOptions(lang=obj.lang, unmasked=unmasked)
        parsed = Period.parse(period)
        if all_children:
            reports = assemble_child_reports(
                session, parsed, unit=unit, kinds=kinds, options=options
            )
            folder = out or Path(f"{unit or session.actor.code}_{parsed}")
            if folder.exists() and not folder.is_dir():
                raise click.UsageError(f"--out {folder} is a file; --all-children needs a folder")
            targets = [(r, folder / default_filename(r, exporter)) for r in reports]
            if not targets:
                click.echo(obj.t("没有符合条件的下级单位", "no child units match"), err=True)
        else:
            if kinds:
                raise click.UsageError("--kind goes with --all-children")
            report = assemble_report(session, parsed, unit=unit, options=options)
            targets = [(report, out or Path(default_filename(report, exporter)))]
        failed = 0
        for report, path in targets:
            if write_report(host, exporter, report, path, lang=obj.lang):
                click.echo(obj.t(f"已生成 {path}", f"wrote {path}"))
            else:
                failed += 1
        if failed:
            # The kexie group prints each failure with its plug-in and exits with status 2.
            click.echo(
                obj.t(f"{failed} 份报告未能生成", f"{failed} report(s) could not be written"),
                err=True,
            )

    return build


def register(cli: click.Group) -> None:
    group = cli.commands.get("report")
    if not isinstance(group, click.Group):
        group = click.Group("report", help="Periodic reports and report documents (工作报告).")
        cli.add_command(group)
    group.add_command(make_build_command())
