"""Every hook a kexie plug-in can implement (pluggy project ``kexie``).

Registering hooks return a list of contributions; the host stamps each with the plug-in that gave
it and refuses duplicate keys naming both plug-ins. Arguments are keyword-only (pluggy passes them
by name): an implementation may ask for fewer arguments than the spec offers, and a hook may gain
arguments over time, never lose them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click
    from pydantic import BaseModel

    from ..store.scope import Actor
    from .contributions import WorkKind

PROJECT = "kexie"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def kexie_register_metrics() -> list[Any]:
    """Give metric definitions (``kexie_core.metrics.Metric``).

    Each has a key, Chinese and English labels, a unit of measure, an area (1–8, R1–R3), a roll-up
    rule (sum, ratio of sums, distinct count, max, min, latest) and a set-based compute function.

    :return: a list of metrics; keys must be unique across all plug-ins.

    .. versionadded:: 0.1
    """


@hookspec
def kexie_register_work_kinds() -> list[WorkKind]:
    """Give kinds of work item (``kexie_core.WorkKind``).

    A kind has a key, an area (1–8, R1–R3), Chinese and English labels, and optionally a pydantic
    model that every write path enforces on the work item's ``details``.

    :return: a list of work kinds; keys must be unique across all plug-ins.

    .. versionadded:: 0.1
    """


@hookspec
def kexie_register_exporters() -> list[Any]:
    """Give exporters (key such as ``xlsx`` or ``docx``, label, file suffix, what they export).

    :return: a list of exporters; keys must be unique across all plug-ins.

    .. versionadded:: 0.1
    """


@hookspec
def kexie_register_importers() -> list[Any]:
    """Give readers for other input layouts (a county's legacy spreadsheet).

    :return: a list of importers; keys must be unique across all plug-ins.

    .. versionadded:: 0.1
    """


@hookspec
def kexie_register_rubrics() -> list[Any]:
    """Give performance-evaluation rubrics (weights, targets and scoring rules on metrics).

    :return: a list of rubrics; keys must be unique across all plug-ins.

    .. versionadded:: 0.1
    """


@hookspec
def kexie_register_commands(cli: click.Group) -> None:
    """Add click commands to the ``kexie`` command group.

    :param cli: the root ``kexie`` group; call ``cli.add_command(...)`` or decorate with
        ``@cli.command()``.

    .. versionadded:: 0.1
    """


@hookspec
def kexie_validate_record(kind: str, record: BaseModel, actor: Actor | None) -> list[str] | None:
    """Check a record that is about to be written, beyond the built-in rules.

    Called for every record on every write path (API and import) after the built-in validation.

    :param kind: what is being written: ``unit``, ``host``, ``member``, ``membership``,
        ``honour``, ``work_item``, ``platform`` or ``target``.
    :param record: the validated input record (``kexie_core.model.records.*In``).
    :param actor: the unit doing the write, or None for a system write.
    :return: problems as messages (each naming the field), or None/empty when the record is fine.
        Never raise for bad data: return a message. A hook that raises is reported as a plug-in
        failure and the record is not held back by it (unless plug-ins run in strict mode).

    .. versionadded:: 0.1
    """


@hookspec
def kexie_report_status_changed(
    report: Any, old_status: str | None, new_status: str, actor: Actor | None
) -> None:
    """React to a periodic report moving in the reporting workflow (e.g. send a message).

    Fires after the transition has been committed; a plug-in that raises here never loses it.

    :param report: the report after the transition.
    :param old_status: the status before (None for a new report).
    :param new_status: the status after: ``draft``, ``submitted``, ``returned``, ``accepted``.
    :param actor: the unit that made the transition.

    .. versionadded:: 0.1
    """
