"""Contribution types that plug-ins register (贡献项): work kinds, exporters, importers.

Each is a frozen dataclass with a ``key`` and a ``plugin`` field; the host fills ``plugin`` in
(a plug-in leaves it empty). Each checks itself on creation, so a plug-in author sees a mistake
the moment the module builds its contribution, with the field named. Metrics, rubrics and report
payloads are defined beside the code that uses them (``kexie_core.metrics``…) and follow the same
shape: ``key: str`` and ``plugin: str = ""``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from ..model.enums import Area
from .registry import DuplicateKeyError, Registry

__all__ = ["DuplicateKeyError", "Exporter", "Importer", "Registry", "WorkKind"]


def _require_labels(what: str, label_zh: str, label_en: str) -> None:
    if not (isinstance(label_zh, str) and label_zh.strip()):
        raise ValueError(f"{what}: label_zh (the Chinese label) must be a non-empty string")
    if not (isinstance(label_en, str) and label_en.strip()):
        raise ValueError(f"{what}: label_en (the English label) must be a non-empty string")


@dataclass(frozen=True)
class WorkKind:
    """A kind of work item (工作事项类型).

    :param key: what a work item's ``kind`` field holds, e.g. ``training``.
    :param area: the area of work (1–8, R1–R3); an ``Area`` or anything ``Area.parse`` accepts
        (``"5"``, ``"practice"``, ``"强化岗位践行活动"``).
    :param details_model: a pydantic model that every write path (API and import) validates the
        work item's ``details`` against; its errors name the field (``details.days``). Set
        ``hide_input_in_errors=True`` in its ``model_config`` if details could hold personal data.
    """

    key: str
    area: Area
    label_zh: str
    label_en: str
    details_model: type[BaseModel] | None = None
    description: str = ""
    plugin: str = ""

    def __post_init__(self) -> None:
        what = f"work kind {self.key!r}"
        try:
            area = Area.parse(self.area)
        except ValueError as exc:
            raise ValueError(f"{what}: area: {exc}") from None
        object.__setattr__(self, "area", area)
        _require_labels(what, self.label_zh, self.label_en)
        model = self.details_model
        if model is not None and not (isinstance(model, type) and issubclass(model, BaseModel)):
            raise ValueError(f"{what}: details_model must be a pydantic BaseModel subclass")

    def label(self, lang: str = "zh") -> str:
        return self.label_zh if lang == "zh" else self.label_en

    def validate_details(self, details: dict[str, Any]) -> dict[str, Any]:
        """Validated details in JSON form; raises ``pydantic.ValidationError``."""
        if self.details_model is None:
            return details
        return self.details_model.model_validate(details).model_dump(mode="json")


@dataclass(frozen=True)
class Exporter:
    """Writes something out in one format (``kexie export``, ``kexie report build``).

    ``exports`` says what it can write: ``"records"`` (a record set of one kind, for
    ``kexie export``) and/or ``"report"`` (a unit-period report, for ``kexie report build``).
    ``write(payload, out, **options)`` receives the payload object of that target (defined by
    ``kexie_core.ledger`` for records and ``kexie_core.documents`` for reports) and a binary
    file object or path; options include ``lang``.
    """

    key: str
    label_zh: str
    label_en: str
    suffix: str
    exports: frozenset[str]
    write: Callable[..., Any]
    description: str = ""
    plugin: str = ""

    def __post_init__(self) -> None:
        what = f"exporter {self.key!r}"
        _require_labels(what, self.label_zh, self.label_en)
        if isinstance(self.exports, str):
            raise ValueError(f"{what}: exports must be a set of targets, e.g. {{'records'}}")
        object.__setattr__(self, "exports", frozenset(self.exports))
        if not self.exports:
            raise ValueError(f"{what}: exports must name at least one target")
        if not callable(self.write):
            raise ValueError(f"{what}: write must be callable")

    def label(self, lang: str = "zh") -> str:
        return self.label_zh if lang == "zh" else self.label_en


@dataclass(frozen=True)
class Importer:
    """Reads an input layout into raw rows for one or more record kinds.

    ``read(path, kind)`` yields ``(row_number, {field_name: raw value})`` pairs, where row
    numbers are those a clerk sees in the file (header = row 1); ``suffixes`` are the file
    endings it accepts (``.csv``); ``kinds`` the record kinds it can produce (``members``…,
    empty for every kind).
    """

    key: str
    label_zh: str
    label_en: str
    suffixes: tuple[str, ...]
    read: Callable[..., Any]
    kinds: frozenset[str] = frozenset()
    description: str = ""
    plugin: str = ""

    def __post_init__(self) -> None:
        what = f"importer {self.key!r}"
        _require_labels(what, self.label_zh, self.label_en)
        if isinstance(self.suffixes, str):
            raise ValueError(f"{what}: suffixes must be a tuple, e.g. ('.xlsx',)")
        object.__setattr__(self, "suffixes", tuple(self.suffixes))
        object.__setattr__(self, "kinds", frozenset(self.kinds))
        if not callable(self.read):
            raise ValueError(f"{what}: read must be callable")

    def label(self, lang: str = "zh") -> str:
        return self.label_zh if lang == "zh" else self.label_en
