"""Keeping ID and phone numbers out of reports (个人信息保护).

A report needs no personal number: it shows figures, unit names and work items. The only way one
could slip in is free text a clerk typed — a work item's title ("走访张院士 13812345678") or a
narrative. ``scrub`` masks anything in such text that looks like a resident ID number or a
Chinese mobile or landline number, with the same masks the rest of the package uses. Only the
root unit may ask for unmasked text (``unmasked=True`` in the assembly).
"""

from __future__ import annotations

import re

from ..model.identifiers import mask_phone, mask_resident_id

# Digit runs not glued to other digits, so unit codes (371323), dates and counts are left alone.
_RESIDENT_ID = re.compile(r"(?<![0-9A-Za-z])([0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9])(?:\+?86[ -]?)?(1[3-9][0-9](?:[ -]?[0-9]{4}){2})(?![0-9])")
_LANDLINE = re.compile(r"(?<![0-9])(0[1-9][0-9]{1,2}[ -]?[2-9][0-9]{6,7})(?![0-9])")


def scrub(text: str) -> str:
    """``text`` with every ID-like and phone-like number masked."""
    text = _RESIDENT_ID.sub(lambda m: mask_resident_id(m.group(1)), text)
    text = _MOBILE.sub(lambda m: mask_phone(m.group(1).replace(" ", "").replace("-", "")), text)
    return _LANDLINE.sub(lambda m: mask_phone(m.group(1)), text)


def contains_personal_number(text: str) -> bool:
    """Whether ``text`` still holds something that looks like an ID or phone number."""
    return any(p.search(text) for p in (_RESIDENT_ID, _MOBILE, _LANDLINE))
