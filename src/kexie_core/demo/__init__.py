"""The deterministic Linyi demo: a realistic network generated offline from a seed."""

from .generator import SIZES, DemoSize, generate

__all__ = ["SIZES", "DemoSize", "generate"]
