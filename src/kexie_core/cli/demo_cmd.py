"""``kexie demo``: build the Linyi demo database (and its report bundle), offline."""

from __future__ import annotations

import time
from datetime import date, datetime
from pathlib import Path

import click

from ..demo import SIZES, generate
from ..demo.bundle import write_bundle
from ..store.engine import redact_url, sqlite_file
from ..workspace import Workspace
from .context import CliContext, pass_ctx
from .output import Column, emit

LABELS = {
    "units": ("组织单元", "units"),
    "hosts": ("依托单位", "host organisations"),
    "members": ("会员", "members"),
    "memberships": ("兼职会员关系", "memberships"),
    "honours": ("荣誉", "honours"),
    "work_items": ("工作事项", "work items"),
    "visits": ("走访专家（人次）", "expert visits"),
    "platforms": ("阵地平台", "platforms"),
    "targets": ("目标值", "targets"),
    "reports": ("工作报告", "work reports"),
    "matters": ("重要情况报告", "important matters"),
    "suggestions": ("科技工作者建议", "suggestions"),
    "assignments": ("督办事项", "supervision assignments"),
    "documents": ("报告文件", "documents"),
}


@click.command("demo")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("kexie-demo"),
    show_default=True,
    help="Folder for the demo database and its documents.",
)
@click.option(
    "--size",
    type=click.Choice(list(SIZES)),
    default="small",
    show_default=True,
    help="small: seconds; large: the benchmark scale (5,000 units, 1,000,000 members).",
)
@click.option("--seed", type=int, default=2019, show_default=True, help="Same seed, same data.")
@click.option(
    "--today",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Pretend today is this date (default: today).",
)
@click.option("--force", is_flag=True, help="Replace a demo database already in --out.")
@click.option(
    "--documents/--no-documents",
    default=True,
    show_default=True,
    help="Also write the report bundle (OUT/reports).",
)
@pass_ctx
def demo(
    obj: CliContext,
    out_dir: Path,
    size: str,
    seed: int,
    today: datetime | None,
    force: bool,
    documents: bool,
) -> None:
    """Build a realistic Linyi network (演示数据): the city association, its 12 counties and
    4 zones, societies, enterprise, university, hospital and park associations, members,
    two years of work in every area, platforms — all synthetic, generated offline.

    Then reports in every workflow state, important matters, suggestions and supervision
    assignments, and the report bundle in OUT/reports: the municipal association's report for
    the year in every format, and each county's and zone's latest quarterly report.

    The database is OUT/kexie.db unless --db (or KEXIE_DATABASE_URL) names another, which must
    be empty: on PostgreSQL, a new database or schema.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    url = obj.db or f"sqlite:///{out_dir / 'kexie.db'}"
    if obj.db is None:
        db_file = out_dir / "kexie.db"
        if db_file.exists():
            if not force:
                raise click.UsageError(
                    f"{db_file} exists; use --force to replace it or another --out"
                )
            for stale in out_dir.glob("kexie.db*"):
                if stale.suffix != ".key":
                    stale.unlink()
    started = time.perf_counter()
    ws = Workspace.open(url, plugins=obj.plugins)
    try:
        ws.init()
        day = today.date() if isinstance(today, datetime) else date.today()
        summary = generate(ws, size=size, seed=seed, today=day)
        bundle = (
            write_bundle(ws, out_dir / "reports", today=day, lang=obj.lang) if documents else None
        )
    finally:
        ws.close()
    elapsed = time.perf_counter() - started
    if bundle is not None:
        summary.counts["documents"] = len(bundle.files)
    rows = [{"what": obj.t(*LABELS.get(k, (k, k))), "count": v} for k, v in summary.counts.items()]
    shown = redact_url(url)  # never a password on the screen
    # What to type: a SQLite file by its path (a URL of a name with ? or # needs its quoting).
    typed = sqlite_file(url) or shown
    emit(
        rows,
        [Column("what", "内容", "what"), Column("count", "数量", "count", "right")],
        lang=obj.lang,
        title=obj.t(f"临沂演示数据（{size}，种子 {seed}）", f"Linyi demo ({size}, seed {seed})"),
    )
    click.echo(
        obj.t(f"数据库：{shown}（用时 {elapsed:.1f} 秒）", f"database: {shown} ({elapsed:.1f} s)")
    )
    if bundle is not None:
        click.echo(
            obj.t(
                f"报告：{bundle.folder}（{len(bundle.files)} 个文件）",
                f"reports: {bundle.folder} ({len(bundle.files)} files)",
            )
        )
        if bundle.failed:
            raise click.ClickException("some documents failed: " + ", ".join(bundle.failed))
    click.echo(
        obj.t(
            f"试试：kexie --db {typed} --as 371323 units tree",
            f"try: kexie --db {typed} --as 371323 units tree",
        )
    )


def register(cli: click.Group) -> None:
    cli.add_command(demo)
