"""Validated registries (登记表) of contributions: every item stamped with the plug-in that gave
it, and a key given twice is an error that names both plug-ins, never a silent rename."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from typing import Any, Generic, TypeVar, cast

from pydantic import BaseModel

T = TypeVar("T")

#: Keys are what users type (``kexie export --format xlsx``, a ``kind`` column), so they stay
#: short and free of spaces; the longest a work item's ``kind`` column accepts is 60.
MAX_KEY_LENGTH = 60


class DuplicateKeyError(ValueError):
    """Two plug-ins (or one plug-in twice) gave the same key.

    :ivar what: the kind of contribution (``work kind``, ``metric``…).
    :ivar key: the key given twice.
    :ivar plugins: the two plug-ins, sorted by name.

    ``DuplicateKeyError("message")`` also works, for keys that do not come from plug-ins.
    """

    def __init__(
        self, what: str, key: str | None = None, plugins: tuple[str, str] | None = None
    ) -> None:
        self.plugins: tuple[str, ...] = ()
        if key is None or plugins is None:  # a plain message (keys outside plug-ins)
            super().__init__(what)
            self.what, self.key = "", ""
            return
        self.what = what
        self.key = key
        first, second = sorted(plugins)  # the same message whatever order they came in
        self.plugins = (first, second)
        if first == second:
            message = f"{what} {key!r} is given twice by plug-in {first!r}"
        else:
            message = (
                f"{what} {key!r} is given by both plug-in {first!r} and plug-in {second!r}; "
                f"rename one key, or disable one plug-in (KEXIE_DISABLE_PLUGINS)"
            )
        super().__init__(message)


class ContributionError(ValueError):
    """A registering hook returned something that is not a valid contribution."""


def stamp(item: T, plugin: str) -> T:
    """A copy of ``item`` whose ``plugin`` field names the plug-in that gave it.

    Contributions are usually frozen dataclasses (or pydantic models), so the stamp makes a copy
    rather than mutating what the plug-in module holds: registering one module in two hosts (as
    the tests do) never lets one host's stamp leak into the other.
    """
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        if "plugin" not in {f.name for f in dataclasses.fields(item)}:
            raise ContributionError(f"{type(item).__name__} has no 'plugin' field to stamp")
        return dataclasses.replace(item, plugin=plugin)
    if isinstance(item, BaseModel):
        if "plugin" not in type(item).model_fields:
            raise ContributionError(f"{type(item).__name__} has no 'plugin' field to stamp")
        return item.model_copy(update={"plugin": plugin})
    try:
        item.plugin = plugin  # type: ignore[attr-defined]
    except AttributeError as exc:
        raise ContributionError(f"{type(item).__name__} cannot be stamped: {exc}") from None
    return item


def check_key(item: object) -> str:
    key = getattr(item, "key", None)
    if not isinstance(key, str) or not key.strip():
        raise ContributionError(f"{type(item).__name__} has no 'key' (a non-empty string)")
    if key != key.strip() or any(ch.isspace() for ch in key) or len(key) > MAX_KEY_LENGTH:
        raise ContributionError(
            f"key {key!r} must have no spaces and at most {MAX_KEY_LENGTH} characters"
        )
    return key


class Registry(Generic[T]):
    """Contributions of one type keyed by ``key``, each stamped with its plug-in.

    :param what: the name of the contribution type in messages (``work kind``).
    :param expected: when given, every item must be an instance of it.
    """

    def __init__(self, what: str, expected: type[Any] | None = None) -> None:
        self.what = what
        self.expected = expected
        self._items: dict[str, T] = {}

    def validate(self, items: Iterable[object], plugin: str) -> list[T]:
        """Check and stamp one plug-in's items without adding them (all or nothing).

        Raises ``ContributionError`` for an item that is not a valid contribution, and
        ``DuplicateKeyError`` for a key the plug-in gives twice.
        """
        if isinstance(items, str | bytes | BaseModel) or not isinstance(items, Iterable):
            raise ContributionError(f"expected a list of {self.what}s, got {type(items).__name__}")
        checked: dict[str, T] = {}
        for position, item in enumerate(items, start=1):
            if self.expected is not None and not isinstance(item, self.expected):
                raise ContributionError(
                    f"{self.what} #{position} is a {type(item).__name__}, "
                    f"not a {self.expected.__name__}"
                )
            key = check_key(item)
            if key in checked:
                raise DuplicateKeyError(self.what, key, (plugin, plugin))
            checked[key] = cast(T, stamp(item, plugin))
        return list(checked.values())

    def add(self, item: T, plugin: str) -> T:
        """Stamp and add one item; a key already present raises ``DuplicateKeyError``."""
        (stamped,) = self.validate([item], plugin)
        self.extend([stamped])
        return stamped

    def extend(self, stamped: Iterable[T]) -> None:
        """Add items already checked by ``validate``: all of them, or none if a key is taken."""
        items = list(stamped)
        for item in items:
            key: str = item.key  # type: ignore[attr-defined]
            if key in self._items:
                other: str = self._items[key].plugin  # type: ignore[attr-defined]
                mine: str = item.plugin  # type: ignore[attr-defined]
                raise DuplicateKeyError(self.what, key, (other, mine))
        self._items.update((item.key, item) for item in items)  # type: ignore[attr-defined]

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

    def by_plugin(self, plugin: str) -> list[T]:
        """The items one plug-in gave."""
        return [i for i in self._items.values() if i.plugin == plugin]  # type: ignore[attr-defined]
