"""Errors about records, worded for the clerk who has to fix the row."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a record: the field (column) and a message that never echoes a
    personal number."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class InvalidRecord(ValueError):
    """A record failed validation; ``problems`` names each field."""

    def __init__(self, problems: list[Problem], *, what: str = "record", key: str | None = None):
        self.problems = problems
        self.what = what
        self.key = key
        label = f"{what} {key}" if key else what
        super().__init__(f"invalid {label}: " + "; ".join(str(p) for p in problems))


def problems_from_validation(exc: ValidationError) -> list[Problem]:
    """Turn a pydantic error into problems. Inputs are never included (the models set
    ``hide_input_in_errors``, and only ``loc`` and ``msg`` are read here)."""
    problems = []
    for error in exc.errors(include_input=False, include_url=False):
        loc = ".".join(str(part) for part in error["loc"])
        message = error["msg"]
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        problems.append(Problem(loc, message))
    return problems
