"""Imports every module that declares tables, so ``metadata`` is complete (for migrations and
the test that checks them). A feature that adds tables in a module of its own adds it here."""

from . import (
    tables,  # noqa: F401
    tables_people,  # noqa: F401
    tables_workflow,  # noqa: F401
)
from .tables import metadata

__all__ = ["metadata"]
