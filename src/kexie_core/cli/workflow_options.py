"""Options and helpers shared by the workflow commands (report, matters, suggestions, tasks)."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from ..model.identifiers import mask_phone
from ..store.scope import ScopeError
from .context import CliContext
from .output import DATE, mask_free_text, masked


def on_option(help_text: str) -> Any:
    """``--on DATE``: the day something happens or is looked at (default: today)."""
    return click.option("--on", "on", type=DATE, default=None, metavar="DATE", help=help_text)


def period_option(required: bool = True) -> Any:
    return click.option(
        "--period",
        "-p",
        required=required,
        metavar="PERIOD",
        help="Period (期间): 2026, 2026H1, 2026Q1, 2026-07, 2026年第一季度 …",
    )


def text_or_file(text: str | None, path: Path | None, what: str) -> str | None:
    """Text given inline or read from a UTF-8 file (a narrative is often long)."""
    if text is not None and path is not None:
        raise click.UsageError(f"give the {what} inline or as a file, not both")
    if path is not None:
        return path.read_text(encoding="utf-8-sig")
    return text


def to_json(data: Any) -> str:
    def default(value: Any) -> Any:
        if isinstance(value, date | datetime):
            return value.isoformat()
        raise TypeError(f"not JSON serialisable: {type(value).__name__}")

    return json.dumps(mask_free_text(data), ensure_ascii=False, indent=2, default=default)


def phone_for_output(obj: CliContext, phone: str | None, include_personal: bool) -> str | None:
    """A contact phone masked, unless the root asked for personal numbers (--include-personal)."""
    if phone is None:
        return None
    return phone if include_personal else mask_phone(phone)


def require_root_for_personal(obj: CliContext, include_personal: bool) -> None:
    if include_personal and not obj.session().actor.is_root:
        raise ScopeError("only the root unit may print personal numbers unmasked")


def ratio_text(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


def done(obj: CliContext, zh: str, en: str) -> None:
    """A one-line confirmation of a write, in the chosen language (it may quote a typed title or
    reason: personal numbers masked)."""
    click.echo(masked(obj.t(zh, en)))
