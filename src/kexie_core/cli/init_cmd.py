"""``kexie init``: create or upgrade the database."""

from __future__ import annotations

import click

from ..store.engine import redact_url
from ..store.keys import key_file, load_key
from .context import CliContext, pass_ctx


@click.command("init")
@pass_ctx
def init(obj: CliContext) -> None:
    """Create or upgrade the database to this version's schema (创建或升级数据库).

    Also creates the key used to hash resident ID numbers when none is configured
    (KEXIE_SECRET_KEY, KEXIE_KEY_FILE, or a key file beside a SQLite database). Keep that key
    safe and separate from backups of the database.
    """
    ws = obj.workspace(check=False)
    had_key = load_key(ws.url) is not None
    before, after = ws.init()
    where = redact_url(ws.url)
    if before == after:
        click.echo(
            obj.t(
                f"数据库已是最新版本（{after}）：{where}",
                f"database is up to date ({after}): {where}",
            )
        )
    elif before is None:
        click.echo(
            obj.t(f"已创建数据库（{after}）：{where}", f"created database ({after}): {where}")
        )
    else:
        click.echo(
            obj.t(
                f"已升级数据库 {before} → {after}：{where}",
                f"upgraded database {before} → {after}: {where}",
            )
        )
    if not had_key and load_key(ws.url) is not None:
        click.echo(
            obj.t(
                f"已生成身份证号哈希密钥：{key_file(ws.url)}（请妥善保管）",
                f"created the ID-hash key: {key_file(ws.url)} (keep it safe)",
            )
        )


def register(cli: click.Group) -> None:
    cli.add_command(init)
