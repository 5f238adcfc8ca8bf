"""Contribution types that plug-ins register, and the registry that holds them."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from pydantic import BaseModel

from ..model.enums import Area


class Contribution(Protocol):
    key: str
    plugin: str


T = TypeVar("T")


class DuplicateKeyError(ValueError):
    """Two plug-ins gave the same key."""


class Registry(Generic[T]):
    """Contributions of one type keyed by ``key``, each stamped with its plug-in."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._items: dict[str, T] = {}

    def add(self, item: T, plugin: str) -> T:
        if dataclasses.is_dataclass(item) and not isinstance(item, type):
            item = dataclasses.replace(item, plugin=plugin)
        else:
            item.plugin = plugin  # type: ignore[attr-defined]
        key = item.key  # type: ignore[attr-defined]
        if key in self._items:
            other = self._items[key].plugin  # type: ignore[attr-defined]
            raise DuplicateKeyError(
                f"{self.what} {key!r} is registered by both plug-in {other!r} and plug-in "
                f"{plugin!r}; rename one of them"
            )
        self._items[key] = item
        return item

    def get(self, key: str) -> T:
        try:
            return self._items[key]
        except KeyError:
            known = ", ".join(sorted(self._items)) or "none"
            raise KeyError(f"unknown {self.what} {key!r}; known: {known}") from None

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[T]:
        return iter(self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def keys(self) -> list[str]:
        return list(self._items)


@dataclass(frozen=True)
class WorkKind:
    """A kind of work item (工作事项类型).

    ``details_model``, when given, is a pydantic model that every write path validates the work
    item's ``details`` against; its errors name the field.
    """

    key: str
    area: Area
    label_zh: str
    label_en: str
    details_model: type[BaseModel] | None = None
    description: str = ""
    plugin: str = ""

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
