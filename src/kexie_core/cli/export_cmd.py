"""``kexie export KIND``: the records the acting unit may see, as CSV, JSON or XLSX (导出)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..ledger.export import export_records
from ..ledger.importer import KIND_NAMES
from .context import CliContext, pass_ctx

TEXT_FORMATS = ("csv", "json")


@click.command("export")
@click.argument("kind", type=click.Choice(KIND_NAMES))
@click.option(
    "--format",
    "fmt",
    default="csv",
    show_default=True,
    metavar="FORMAT",
    help="csv, json, xlsx, or a plug-in's record exporter (导出格式).",
)
@click.option("--unit", metavar="CODE", help="Only this unit's subtree (default: the actor's).")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write; default standard output for csv/json, KIND.xlsx otherwise.",
)
@click.option(
    "--include-personal",
    is_flag=True,
    help="Phone numbers unmasked (root unit only; audited). ID numbers are always masked.",
)
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default=None,
    help="Headers: Chinese or English field names (default: the global --lang).",
)
@pass_ctx
def export(
    obj: CliContext,
    kind: str,
    fmt: str,
    unit: str | None,
    out: Path | None,
    include_personal: bool,
    lang: str | None,
) -> None:
    """Export the records of KIND that the acting unit may see (导出记录).

    Chinese headers by default; the file reads back with `kexie import` unchanged. ID numbers
    are written masked (the database keeps no full number) and phone numbers too, unless the
    root unit asks for --include-personal, which is written to the audit log.
    """
    session = obj.session()
    exporters = {e.key: e for e in session.plugins.exporters() if "records" in e.exports}
    if fmt not in exporters:
        raise click.BadParameter(
            f"{fmt!r}; record exporters: {', '.join(sorted(exporters))}", param_hint="--format"
        )
    exporter = exporters[fmt]
    records = export_records(session, kind, unit=unit, include_personal=include_personal)
    if out is None and fmt not in TEXT_FORMATS:
        out = Path(f"{kind}{exporter.suffix}")
    host = session.plugins
    # An exporter's ValueError is bad input for the clerk (docs/plugins.md): exit 1, its message.
    bad_input = (ValueError,)
    if out is None:
        with host.guard(exporter.plugin, f"exporter {exporter.key}", passes=bad_input):
            exporter.write(records, sys.stdout.buffer, lang=lang or obj.lang)
        return
    # Write beside the target and rename on success: a failing exporter (a plug-in's, say)
    # is reported against its plug-in and never leaves a half-written file.
    partial = out.with_name(f".{out.name}.part")
    count = None
    try:
        with host.guard(exporter.plugin, f"exporter {exporter.key}", passes=bad_input) as guard:
            count = exporter.write(records, partial, lang=lang or obj.lang)
        if guard.failed:
            return
        os.replace(partial, out)
    finally:  # failed, bad input, or a plug-in failure in strict mode: no half-written file
        partial.unlink(missing_ok=True)
    name = records.sheet_name(obj.lang)
    shown = f"{count} " if isinstance(count, int) else ""
    click.echo(
        obj.t(
            f"已导出 {count} 条{name}记录：{out}" if shown else f"已导出{name}记录：{out}",
            f"exported {shown}{kind} records: {out}",
        ),
        err=True,
    )


def register(cli: click.Group) -> None:
    cli.add_command(export)
