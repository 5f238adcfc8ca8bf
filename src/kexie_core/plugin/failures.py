"""Plug-in failures (插件故障): recorded against the plug-in's name, never allowed to leak
personal numbers.

A failure is kept as data (``PluginFailure``) so that the CLI can list the failures of one command
at its end, ``kexie plugins`` can show them, and strict mode can turn them into a ``PluginError``.
"""

from __future__ import annotations

import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from ..model.identifiers import mask_personal_numbers


class PluginError(RuntimeError):
    """A plug-in failed and plug-ins run in strict mode (``--strict-plugins``,
    ``KEXIE_STRICT_PLUGINS=1``), or a plug-in that a caller asked for is missing.

    :ivar failures: the failures it stands for (each with its traceback in ``detail``).
    """

    def __init__(self, message: str, failures: Sequence[PluginFailure] = ()) -> None:
        super().__init__(message)
        self.failures = list(failures)

    @classmethod
    def of(cls, failures: Sequence[PluginFailure]) -> PluginError:
        return cls("\n".join(str(f) for f in failures), failures)


class Stage(StrEnum):
    """When a plug-in failed."""

    IMPORT = "import"  # loading the entry point's module
    REGISTER = "register"  # pluggy refused it: unknown (misspelt) hook, bad arguments, name clash
    CALL = "call"  # one of its hooks, its command, or a contribution (metric, exporter) raised

    def label(self, lang: str = "zh") -> str:
        return _STAGE_LABELS[self][0 if lang == "zh" else 1]


_STAGE_LABELS = {
    Stage.IMPORT: ("导入失败", "failed to import"),
    Stage.REGISTER: ("注册失败", "failed to register"),
    Stage.CALL: ("运行出错", "failed"),
}


@dataclass(frozen=True)
class PluginFailure:
    """One failure of one plug-in.

    :param plugin: the plug-in's name (entry-point name, or ``kexie.<module>`` for built-ins).
    :param stage: import, register or call.
    :param error: ``ExceptionType: message``, with ID and phone numbers masked.
    :param where: what was running for call failures, e.g. ``kexie_register_work_kinds`` or
        ``metric yishui_training_days``.
    :param detail: the traceback (masked too), for ``--strict-plugins`` and the debug log.
    """

    plugin: str
    stage: Stage
    error: str
    where: str = ""
    detail: str = ""

    @classmethod
    def from_exception(
        cls, plugin: str, stage: Stage, exc: BaseException, where: str = ""
    ) -> PluginFailure:
        detail = "".join(traceback.format_exception(exc))
        return cls(plugin, stage, describe_exception(exc), where, mask_personal_numbers(detail))

    def summary(self, lang: str = "zh") -> str:
        """The failure without the plug-in's name: ``failed in kexie_x: RuntimeError: boom``."""
        if lang == "zh":
            where = f"（{self.where}）" if self.where else ""
            return f"{self.stage.label('zh')}{where}：{self.error}"
        where = f" in {self.where}" if self.where else ""
        return f"{self.stage.label('en')}{where}: {self.error}"

    def describe(self, lang: str = "zh") -> str:
        if lang == "zh":
            return f"插件 {self.plugin} {self.summary('zh')}"
        return f"plug-in {self.plugin!r} {self.summary('en')}"

    def __str__(self) -> str:
        return self.describe("en")


def describe_exception(exc: BaseException) -> str:
    """``Type: message`` of an exception, with personal numbers masked."""
    message = str(exc).strip()
    text = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    return mask_personal_numbers(text)
