"""The error file (错误文件) an import writes next to its input: one line per problem.

CSV in UTF-8 with a BOM, so that Excel on a Chinese Windows opens it without garbling; columns
行号 (row), 列 (column), 值 (value: masked when the column is personal), 问题 (the message in
Chinese) and message (in English). It is written as the import goes, never held in memory.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from .messages import RowError
from .safety import neutralise

HEADER = ("行号", "列", "值", "问题", "message")
WARNING_ZH = "（警告，已导入）"
WARNING_EN = "(warning: the row was loaded) "


def default_path(source: str | Path) -> Path:
    """``members.xlsx`` → ``members.errors.csv`` beside it."""
    source = Path(source)
    return source.with_name(f"{source.stem}.errors.csv")


class ErrorFile:
    """Writes problems as they are found; creates the file only when there is one to write."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.count = 0
        self._handle: IO[str] | None = None
        self._csv: Any = None

    def write(self, errors: Iterable[RowError]) -> None:
        for error in errors:
            if self.path is None:
                self.count += 1
                continue
            if self._handle is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._handle = self.path.open("w", encoding="utf-8-sig", newline="")
                self._csv = csv.writer(self._handle)
                self._csv.writerow(HEADER)
            zh = f"{WARNING_ZH}{error.zh}" if error.warning else error.zh
            en = f"{WARNING_EN}{error.en}" if error.warning else error.en
            self._csv.writerow(
                (error.row, neutralise(error.column), neutralise(error.value), zh, en)
            )
            self.count += 1

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        elif self.path is not None and _is_ours(self.path):
            # A clean run removes the error file a previous run left, so it cannot mislead.
            self.path.unlink()

    def __enter__(self) -> ErrorFile:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _is_ours(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            first = handle.readline()
    except OSError:
        return False
    expected = codecs.BOM_UTF8 + ",".join(HEADER).encode()
    return first.rstrip(b"\r\n") == expected


def read(path: str | Path) -> list[dict[str, str]]:
    """The rows of an error file (for tests and scripts)."""
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))
