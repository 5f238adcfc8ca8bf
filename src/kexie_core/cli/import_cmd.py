"""``kexie import KIND FILE``: a ledger (台账) into the database, as the acting unit (导入)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from ..ledger.importer import DEFAULT_BATCH_SIZE, KIND_NAMES, ImportResult, import_records
from ..ledger.importer import Progress as OnProgress
from .context import CliContext, pass_ctx
from .output import Column, emit, format_option

#: Exit status when any row was rejected or the file could not be read (1: bad input).
EXIT_REJECTED = 1

SUMMARY = (
    ("created", "新增", "created"),
    ("updated", "更新", "updated"),
    ("unchanged", "未变", "unchanged"),
    ("rejected", "拒绝", "rejected"),
    ("warnings", "警告", "warnings"),
)


@click.command("import")
@click.argument("kind", type=click.Choice(KIND_NAMES))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and count; write nothing (试运行).")
@click.option("--strict", is_flag=True, help="Load nothing unless every row is good (严格模式).")
@click.option(
    "--errors",
    "errors_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Error file (错误文件); default <name>.errors.csv beside FILE.",
)
@click.option(
    "--layout",
    metavar="KEY",
    help="Importer to read FILE with (a plug-in's layout); default: by the file's suffix.",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=DEFAULT_BATCH_SIZE,
    show_default=True,
    help="Rows per transaction (每批行数).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=None,
    help="Worker processes for a large members file (default: 2 above 12 MB; 0: none).",
)
@format_option
@pass_ctx
def import_(
    obj: CliContext,
    kind: str,
    file: Path,
    dry_run: bool,
    strict: bool,
    errors_path: Path | None,
    layout: str | None,
    batch_size: int,
    workers: int | None,
    fmt: str,
) -> None:
    """Import FILE (CSV, XLSX or JSON) as records of KIND (导入台账).

    Headers may be English field names or Chinese (会员编号, 姓名, 身份证号 …; see docs/ledger.md).
    Rows are matched on their natural key (unit code, credit code, member number, work item id):
    new ones are created, changed ones updated, equal ones left alone, so importing the same
    file twice changes nothing. Good rows load; every bad row goes to the error file with its
    row number, column and message, and the exit status is 1. Rows outside the acting unit's
    subtree are refused like any bad row. On an empty database, `kexie import units FILE`
    creates the tree: the row without a parent becomes the root.
    """
    workspace = obj.workspace()
    target = workspace if kind == "units" and obj.actor_code is None else obj.session()
    with _progress(fmt, obj) as on_progress:
        result = import_records(
            target,
            kind,
            file,
            dry_run=dry_run,
            strict=strict,
            errors=errors_path,
            batch_size=batch_size,
            importer=layout,
            progress=on_progress,
            workers=workers,
        )
    _report(obj, result, fmt)
    if not result.ok:
        click.get_current_context().exit(EXIT_REJECTED)


@contextmanager
def _progress(fmt: str, obj: CliContext) -> Iterator[OnProgress | None]:
    console = Console(stderr=True)
    if fmt != "table" or not console.is_terminal:
        yield None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[rows]:,} " + obj.t("行", "rows")),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(obj.t("导入", "importing"), total=1.0, rows=0)

        def update(rows: int, fraction: float | None, phase: str) -> None:
            label = obj.t("检查", "checking") if phase == "check" else obj.t("导入", "importing")
            bar.update(task, completed=fraction or 0.0, rows=rows, description=label)

        yield update


def _report(obj: CliContext, result: ImportResult, fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return
    rows = [{"item": obj.t(zh, en), "count": getattr(result, key)} for key, zh, en in SUMMARY]
    columns = [Column("item", "项目", "item"), Column("count", "行数", "rows", "right")]
    title = obj.t(
        f"导入 {result.kind}：{Path(result.source).name}",
        f"import {result.kind}: {Path(result.source).name}",
    )
    emit(rows, columns, fmt=fmt, lang=obj.lang, title=title)
    notes = []
    if result.file_error is not None:
        notes.append(obj.t(result.file_error.zh, result.file_error.en))
    if result.dry_run:
        notes.append(obj.t("试运行：未写入数据库。", "dry run: nothing was written."))
    elif result.strict and not result.ok:
        notes.append(
            obj.t("严格模式：有错误，未导入任何数据。", "strict: rows are bad, nothing was loaded.")
        )
    if result.errors_file:
        notes.append(obj.t(f"错误文件：{result.errors_file}", f"error file: {result.errors_file}"))
    for note in notes:
        click.echo(note, err=fmt != "table")


def register(cli: click.Group) -> None:
    cli.add_command(import_)
