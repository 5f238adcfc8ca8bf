"""Neutralising spreadsheet formulas in what we write (公式注入防护).

A cell whose text starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which
some spreadsheets skip before looking) is run as a formula when a CSV file is opened in Excel or
WPS; a record field or an error message could carry one. Such text gets a leading apostrophe,
which spreadsheets show as text; the importer drops it again (``restore``), so an export read back
in restores the same value. Text that already starts with apostrophes before such a character
gets one more, so that dropping one gives it back exactly.
"""

from __future__ import annotations

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(text: str) -> bool:
    return text.startswith(_TRIGGERS)


def neutralise(text: str) -> str:
    """``=1+1`` → ``'=1+1``; other text unchanged."""
    return "'" + text if text.lstrip("'").startswith(_TRIGGERS) else text


def restore(text: str) -> str:
    """What ``neutralise`` was given: ``'=1+1`` → ``=1+1``."""
    if text.startswith("'") and text.lstrip("'").startswith(_TRIGGERS):
        return text[1:]
    return text
