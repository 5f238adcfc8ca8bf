"""Every hook a kexie plug-in can implement (pluggy project ``kexie``, 钩子规范).

A plug-in is a module (or an object) with functions named after these hooks and decorated with
``@hookimpl`` (``from kexie_core import hookimpl``). Hooks are called by keyword: an
implementation may take fewer arguments than the spec offers, in any order, and a hook may gain
arguments over time, never lose them (a removal is announced first with pluggy's
``warn_on_impl_args``).

Registering hooks (``kexie_register_*``) return a list of contributions. The host stamps each
with the plug-in that gave it and refuses a key given twice, naming both plug-ins. They are called
lazily, the first time a command needs that registry, and once per plug-in host.

Each implementation is called on its own (``PluginHost.call_each``): one that raises is recorded
against its plug-in and the others still run. Wrapper implementations (``hookwrapper=True`` or
``wrapper=True``) are therefore refused.

Types used only in signatures are imported under ``TYPE_CHECKING``, so importing this module
imports nothing else of the package; hooks whose contribution types live in higher layers
(metrics, rubrics, reports) are typed ``list[Any]``/``Any`` and name the type in the docstring.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click
    from pydantic import BaseModel

    from ..model.errors import Problem
    from ..store.scope import Actor
    from .contributions import Exporter, Importer, WorkKind

PROJECT = "kexie"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def kexie_register_metrics() -> list[Any]:
    """Give metric definitions (指标), each a ``kexie_core.metrics.Metric``.

    A metric has a key, Chinese and English labels, a unit of measure, an area (1–8, R1–R3), a
    roll-up rule (sum, ratio of sums, distinct count, max, min, latest) and a set-based compute
    function. Computing one is isolated: a metric that raises is reported against its plug-in and
    every other metric is still produced.

    Fires: the first time a command needs the metric registry (``kexie metrics``, ``kexie
    evaluate``, ``kexie report build``, ``kexie plugins``).

    :return: a list of ``Metric``; keys must be unique across all plug-ins.

    .. versionadded:: 0.1
    """


@hookspec
def kexie_register_work_kinds() -> list[WorkKind]:
    """Give kinds of work item (工作事项类型), each a ``kexie_core.WorkKind``.

    A kind has a key, an area (1–8, R1–R3), Chinese and English labels, and optionally a pydantic
    model that every write path (API and import) enforces on the work item's ``details``.

    Fires: the first time a work item is validated (adding or importing work items), and in
    ``kexie plugins``.

    :return: a list of ``WorkKind``; keys must be unique across all plug-ins (a plug-in cannot
        redefine a built-in kind: give yours a key of its own, e.g. ``yishui_orchard_training``).

    .. versionadded:: 0.1
    """


@hookspec
def kexie_register_exporters() -> list[Exporter]:
    """Give exporters (导出格式), each a ``kexie_core.plugin.Exporter``.

    An exporter has a key (``xlsx``, ``docx``, ``yishui-ledger``…), labels, a file suffix, what
    it can export (``records`` and/or ``report``) and a ``write`` function. Writing is isolated: an
    exporter that raises is reported against its plug-in and the other outputs are still written.

    Fires: the first time a command needs the exporter registry (``kexie export``, ``kexie report
    build``), and in ``kexie plugins``.

    :return: a list of ``Exporter``; keys must be unique across all plug-ins.

    .. versionadded:: 0.1
    """


@hookspec
def kexie_register_importers() -> list[Importer]:
    """Give readers for other input layouts (导入格式), each a ``kexie_core.plugin.Importer``,
    e.g. a county's legacy spreadsheet.

    Fires: the first time ``kexie import`` chooses a reader, and in ``kexie plugins``.

    :return: a list of ``Importer``; keys must be unique across all plug-ins.

    .. versionadded:: 0.1
    """


@hookspec
def kexie_register_rubrics() -> list[Any]:
    """Give performance-evaluation rubrics (绩效评估细则), each a
    ``kexie_core.metrics.Rubric``: weights, targets and scoring rules on metrics.

    Fires: the first time ``kexie evaluate`` looks a rubric up, and in ``kexie plugins``.

    :return: a list of ``Rubric``; keys must be unique across all plug-ins.

    .. versionadded:: 0.1
    """


@hookspec
def kexie_register_commands(cli: click.Group) -> None:
    """Add click commands to the ``kexie`` command group (命令).

    Fires: once, when the command line is built (``kexie_core.cli.build_cli``), before arguments
    are parsed, so the commands appear in ``kexie --help``.

    A command name already taken (by a built-in command or another plug-in) is refused and
    reported naming both; the existing command stays. An unexpected exception raised while a
    plug-in's command runs is reported against the plug-in (exit status 2).

    :param cli: the root ``kexie`` group; call ``cli.add_command(...)`` or decorate with
        ``@cli.command()``. Use ``kexie_core.cli.context.pass_ctx`` to receive the shared
        database, actor and language, and ``kexie_core.cli.output.format_option`` for
        ``--format``.

    .. versionadded:: 0.1
    """


@hookspec
def kexie_validate_record(
    kind: str, record: BaseModel, actor: Actor | None
) -> list[Problem | str] | None:
    """Check a record that is about to be written, beyond the built-in rules (校验规则).

    Fires: for every record on every write path (API and import), after the record passed the
    built-in validation and before anything is written.

    :param kind: what is being written: ``unit``, ``host``, ``member``, ``membership``,
        ``honour``, ``work_item``, ``platform`` or ``target``.
    :param record: the validated input record (``kexie_core.model.records.UnitIn``,
        ``WorkItemIn``…). Treat it as read-only.
    :param actor: the unit doing the write, or None for a system write.
    :return: problems, each a ``kexie_core.Problem(field, message)`` (or a plain message), or
        None/empty when the record is fine. Any problem rejects the record, naming the field.
        Never raise for bad data: return a problem. A hook that raises is reported as a plug-in
        failure and the record is not held back by it (strict mode re-raises).

    .. versionadded:: 0.1
    """


@hookspec
def kexie_report_status_changed(
    report: Any, old_status: str | None, new_status: str, actor: Actor | None
) -> None:
    """React to a periodic work report moving in the reporting workflow (报告状态变更), e.g.
    send a message to the county's office.

    Fires: after the transition has been committed; a plug-in that raises here is reported and
    never undoes the transition.

    :param report: the report after the transition (``kexie_core.workflow`` report record).
    :param old_status: the status before (None for a new report).
    :param new_status: the status after: ``draft``, ``submitted``, ``returned``, ``accepted``,
        ``reopened``.
    :param actor: the unit that made the transition.

    .. versionadded:: 0.1
    """
