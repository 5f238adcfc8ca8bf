"""Keeping ID and phone numbers out of reports (个人信息保护).

A report needs no personal number: it shows figures, unit names and work items. The only way one
could slip in is free text a clerk typed — a work item's title ("走访张院士 13812345678") or a
narrative. ``scrub`` masks anything in such text that looks like a resident ID number or a
Chinese mobile or landline number, with the same masks the rest of the package uses. Only the
root unit may ask for unmasked text (``unmasked=True`` in the assembly).
"""

from __future__ import annotations

from ..model.identifiers import contains_personal_number
from ..model.identifiers import mask_personal_numbers as scrub

__all__ = ["contains_personal_number", "scrub"]
