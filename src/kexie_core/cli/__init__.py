"""The ``kexie`` command-line tool: one module per command group."""

from .main import build_cli, main

__all__ = ["build_cli", "main"]
