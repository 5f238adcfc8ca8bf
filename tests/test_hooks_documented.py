"""Every hook has a section in docs/plugins.md headed ``name(arg1, arg2)`` (argument names from
the spec) that mentions each argument, and a test named ``test_hook_<name>``."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from kexie_core.plugin import HOOK_NAMES, PluginHost

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
HEADING = re.compile(r"^### (kexie_\w+)\((.*)\)$", re.MULTILINE)


def _spec_args(hook: str) -> tuple[str, ...]:
    spec = getattr(PluginHost().pm.hook, hook).spec
    assert spec is not None
    return tuple(spec.argnames)


def _sections() -> dict[str, tuple[str, str]]:
    """Hook name → (argument list as written, the section's text)."""
    matches = list(HEADING.finditer(DOC))
    sections = {}
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        end = following.start() if following else DOC.find("\n## ", match.end())
        sections[match.group(1)] = (match.group(2), DOC[match.end() : end])
    return sections


def _hook_tests() -> set[str]:
    names = set()
    for path in (ROOT / "tests").glob("test_plugin*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names |= {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    return names


def test_the_spec_has_hooks() -> None:
    assert "kexie_register_work_kinds" in HOOK_NAMES and len(HOOK_NAMES) >= 8


@pytest.mark.parametrize("hook", HOOK_NAMES)
def test_hook_is_documented_with_its_arguments(hook: str) -> None:
    sections = _sections()
    assert hook in sections, f"docs/plugins.md has no section headed `### {hook}(...)`"
    written, text = sections[hook]
    args = _spec_args(hook)
    assert written == ", ".join(args), f"the heading of {hook} must be {hook}({', '.join(args)})"
    for arg in args:
        assert f"`{arg}: " in text, f"the section of {hook} does not give the type of `{arg}`"
    assert "```python" in text, f"the section of {hook} has no example"


def test_no_section_documents_a_hook_that_does_not_exist() -> None:
    assert set(_sections()) <= set(HOOK_NAMES)


@pytest.mark.parametrize("hook", HOOK_NAMES)
def test_hook_has_a_test(hook: str) -> None:
    assert f"test_hook_{hook}" in _hook_tests(), (
        f"no test named test_hook_{hook} in tests/test_plugin*.py"
    )
