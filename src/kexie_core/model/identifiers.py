"""Validation, normalisation and masking of Chinese identifiers.

Covered here:

* resident ID numbers (公民身份号码, GB 11643-1999), including first-generation
  15-digit numbers (一代身份证);
* mobile and landline phone numbers (手机号码 / 固定电话);
* unified social credit codes (统一社会信用代码, GB 32100-2015);
* administrative division codes (行政区划代码, GB/T 2260), with the Linyi (临沂)
  divisions shipped as package data.

Personal information must never reach logs or error messages, so every
:class:`IdentifierError` carries a *masked* form of the offending value, never
the value itself.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Literal

__all__ = [
    "LINYI_DIVISIONS",
    "MIN_BIRTH_DATE",
    "PROVINCE_CODES",
    "USCC_ALPHABET",
    "Division",
    "IdentifierError",
    "ResidentId",
    "hash_identifier",
    "make_resident_id",
    "make_uscc",
    "mask_phone",
    "mask_resident_id",
    "normalize_phone",
    "normalize_resident_id",
    "normalize_uscc",
    "parse_resident_id",
    "resident_id_check_char",
    "uscc_check_char",
    "validate_division_code",
]

Gender = Literal["male", "female"]


class IdentifierError(ValueError):
    """An identifier failed validation.

    The message is ``"<kind> <masked value>: <reason>"``. It never contains the
    full identifier; ``kind``, ``masked`` and ``reason`` are also available as
    attributes for callers that build their own messages.
    """

    def __init__(self, kind: str, masked: str, reason: str) -> None:
        self.kind = kind
        self.masked = masked
        self.reason = reason
        prefix = f"{kind} {masked}" if masked else kind
        super().__init__(f"{prefix}: {reason}")

    def __reduce__(self) -> tuple[type[IdentifierError], tuple[str, str, str]]:
        # Keeps the exception picklable (e.g. across multiprocessing workers).
        return (type(self), (self.kind, self.masked, self.reason))


# --------------------------------------------------------------------------- helpers

# First two digits of GB/T 2260 codes: provinces, autonomous regions, municipalities,
# 71 Taiwan, 81 Hong Kong, 82 Macao.
PROVINCE_CODES: frozenset[str] = frozenset(
    [str(n) for n in range(11, 16)]
    + [str(n) for n in range(21, 24)]
    + [str(n) for n in range(31, 38)]
    + [str(n) for n in range(41, 47)]
    + [str(n) for n in range(50, 55)]
    + [str(n) for n in range(61, 66)]
    + ["71", "81", "82"]
)

_WHITESPACE = re.compile(r"\s+")


def _require_str(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, got {type(value).__name__}")
    return value


def _compact(value: str) -> str:
    """NFKC-normalise (full-width digits and letters become ASCII) and drop all whitespace."""
    if value.isascii() and value.isalnum():
        return value  # the common case (a clean ID or code): nothing to normalise
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", value))


def _mask_middle(text: str) -> str:
    """Keep the first 3 and the last character; strings of 4 or fewer become all stars."""
    n = len(text)
    if n <= 4:
        return "*" * n
    return text[:3] + "*" * (n - 4) + text[-1]


# --------------------------------------------------------------- resident ID numbers

_RID_KIND = "resident ID"
_RID_FIRST17 = re.compile(r"[0-9]{17}")
_RID_18 = re.compile(r"[0-9]{17}[0-9X]")
_RID_15 = re.compile(r"[0-9]{15}")

#: Earliest birth date accepted by default: anything older is almost certainly a typo
#: in a register of living people. Pass ``earliest=`` to widen it (the standard's own
#: example 440524188001010014 is born in 1880).
MIN_BIRTH_DATE = date(1900, 1, 1)


def mask_resident_id(number: str) -> str:
    """Mask a resident ID number for display, logs and exports: ``110**************X``.

    Keeps the first 3 and the last character (so an 18-character input gives an
    18-character output); inputs of 4 characters or fewer become all stars.
    """
    # Why so little is kept: the birth date (digits 7-14) is stored and exported
    # separately, and the division code (digits 1-6) is usually known from the member's
    # organisation. A conventional "first 6 + last 4" mask would therefore leave only the
    # 15th-17th digits unknown (the check character fixes the rest): a few hundred
    # candidates at most, which anyone could rebuild. Keeping 3 + 1 leaves enough unknown.
    return _mask_middle(_compact(_require_str(number, "number")))


def resident_id_check_char(first17: str) -> str:
    """Check character of a resident ID (ISO 7064 MOD 11-2 as used by GB 11643-1999).

    ``first17`` is the first 17 digits; the result is ``"0"``-``"9"`` or ``"X"`` (for 10).
    """
    _require_str(first17, "first17")
    if not _RID_FIRST17.fullmatch(first17):
        raise IdentifierError(_RID_KIND, _mask_middle(first17), "expected exactly 17 digits")
    # The weights are 2^(18-i) mod 11 (i = 1..17 from the left), so the weighted sum is, modulo
    # 11, twice the digits read as a base-2 number. 13 = 2 (mod 11): reading them in base 13 gives
    # the same remainder in one C call (a hot path on import: 10x the sum over the weights).
    total = 2 * int(first17, 13)
    # The full 18-character weighted sum (weight 1 for the check) must be 1 modulo 11.
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def normalize_resident_id(
    value: str, *, today: date | None = None, earliest: date | None = None
) -> str:
    """Validate a resident ID number (公民身份号码) and return its canonical 18-character form.

    Whitespace (and full-width characters) are tolerated, a trailing ``x`` is upper-cased
    and a first-generation 15-digit number is converted to 18 digits (``19`` is inserted
    before the two-digit birth year and the check character computed).

    The number must have 17 digits and a correct check character, a real province code
    as its first two digits, and a real birth date between ``earliest`` (default
    :data:`MIN_BIRTH_DATE`) and ``today`` (default: the current date).

    Raises :class:`IdentifierError`, whose message names the problem and shows only the
    masked number.
    """
    return _validate_resident_id(value, today, earliest)[0]


def _validate_resident_id(
    value: str, today: date | None, earliest: date | None
) -> tuple[str, date]:
    """The canonical number and its birth date (shared by normalising and parsing, which sit
    on the bulk-import path: the number is checked and its date built once)."""
    s = _compact(_require_str(value, "value"))
    if s.endswith("x"):
        s = s[:-1] + "X"

    def fail(reason: str) -> IdentifierError:
        return IdentifierError(_RID_KIND, _mask_middle(s), reason)

    if len(s) == 15:
        if not _RID_15.fullmatch(s):
            raise fail("a 15-digit (first-generation) number must contain only digits")
        first17 = s[:6] + "19" + s[6:]
        s = first17 + resident_id_check_char(first17)
    elif len(s) == 18:
        if not _RID_18.fullmatch(s):
            raise fail("expected 17 digits followed by a digit or X")
        if s[17] != resident_id_check_char(s[:17]):
            raise fail("check character is wrong")
    else:
        raise fail(f"expected 18 characters (or 15 for a first-generation number), got {len(s)}")

    if s[:2] not in PROVINCE_CODES:
        raise fail(f"{s[:2]} is not a real province code")

    y, m, d = s[6:10], s[10:12], s[12:14]
    try:
        birth = date(int(y), int(m), int(d))
    except ValueError:
        raise fail(f"birth date {y}-{m}-{d} is not a real date") from None
    today = today if today is not None else date.today()
    earliest = earliest if earliest is not None else MIN_BIRTH_DATE
    if birth > today:
        raise fail(f"birth date {birth.isoformat()} is in the future")
    if birth < earliest:
        raise fail(f"birth date {birth.isoformat()} is before {earliest.isoformat()}")
    return s, birth


@dataclass(frozen=True)
class ResidentId:
    """A validated resident ID number with the facts it encodes.

    ``repr()`` shows only the masked number, so the object is safe to log.
    """

    number: str
    birth_date: date
    gender: Gender
    division_code: str  # 6-digit GB/T 2260 code of the issuing place (may be historic)

    @property
    def masked(self) -> str:
        return mask_resident_id(self.number)

    def __repr__(self) -> str:
        return (
            f"ResidentId(number={self.masked!r}, birth_date={self.birth_date!r}, "
            f"gender={self.gender!r}, division_code={self.division_code!r})"
        )

    def __str__(self) -> str:
        return self.masked


def parse_resident_id(
    value: str, *, today: date | None = None, earliest: date | None = None
) -> ResidentId:
    """Validate like :func:`normalize_resident_id` and decode birth date, gender and division.

    The 17th digit gives the gender (性别): odd for male, even for female.
    """
    number, birth = _validate_resident_id(value, today, earliest)
    gender: Gender = "male" if int(number[16]) % 2 == 1 else "female"
    return ResidentId(number=number, birth_date=birth, gender=gender, division_code=number[:6])


# -------------------------------------------------------------------- phone numbers

_PHONE_KIND = "phone number"
# Spaces are removed by _compact; these are the dashes people type between groups.
_PHONE_SEPARATORS = re.compile(r"[-‐‑‒–—.]")
_MOBILE = re.compile(r"(?:\+86|0086|86)?(1[3-9][0-9]{9})")
# Area codes: 010 and 020-029 have three digits, all others four (03xx-09xx).
# Local numbers have 7 or 8 digits and never start with 0 or 1.
_LANDLINE = re.compile(r"(010|02[0-9]|0[3-9][0-9]{2})([2-9][0-9]{6,7})")
_INTL_PREFIX = re.compile(r"(?:\+86|0086)")


def _phone_parts(value: str) -> tuple[str, str] | None:
    """Return ("mobile", digits) / (area, local) for a recognised number, else None."""
    s = _PHONE_SEPARATORS.sub("", _compact(value))
    m = _MOBILE.fullmatch(s)
    if m:
        return ("mobile", m.group(1))
    # "(0539)8123456" — parentheses only around a leading area code.
    pm = re.fullmatch(r"\((0[0-9]{2,3})\)([0-9]+)", s)
    if pm:
        s = pm.group(1) + pm.group(2)
    else:
        intl = _INTL_PREFIX.match(s)
        if intl and not s[intl.end() :].startswith("0"):
            # +86 539 8123456: international form drops the trunk prefix 0.
            s = "0" + s[intl.end() :]
    lm = _LANDLINE.fullmatch(s)
    if lm:
        return (lm.group(1), lm.group(2))
    return None


def normalize_phone(value: str) -> str:
    """Normalise a Chinese phone number (电话号码).

    * mobile (手机): 11 digits starting ``13``-``19``; spaces, hyphens and a ``+86`` /
      ``86`` / ``0086`` prefix are tolerated → ``"13812345678"``;
    * landline (固定电话) with area code, e.g. ``0539-8123456``, ``0539 8123456``,
      ``(0539)8123456`` → ``"0539-8123456"``.

    Anything else raises :class:`IdentifierError`.
    """
    parts = _phone_parts(_require_str(value, "value"))
    if parts is None:
        raise IdentifierError(
            _PHONE_KIND,
            _mask_middle(_compact(value)),
            "not a mobile number (11 digits starting 13-19) or a landline with area code",
        )
    head, rest = parts
    return rest if head == "mobile" else f"{head}-{rest}"


def mask_phone(value: str) -> str:
    """Mask a phone number: ``138****5678``; landline ``0539-*****56``.

    Values that are not recognised phone numbers have all but their last 2 characters
    replaced by stars (values of 2 characters or fewer become all stars).
    """
    parts = _phone_parts(_require_str(value, "value"))
    if parts is not None:
        head, rest = parts
        if head == "mobile":
            return rest[:3] + "****" + rest[-4:]
        return f"{head}-{'*' * (len(rest) - 2)}{rest[-2:]}"
    s = _compact(value)
    if len(s) <= 2:
        return "*" * len(s)
    return "*" * (len(s) - 2) + s[-2:]


# ---------------------------------------------------------- unified social credit codes

_USCC_KIND = "unified social credit code"
#: Characters of GB 32100-2015 in value order (I, O, Z, S and V are never used).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}
# W_i = 3^(i-1) mod 31 for positions 1-17.
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# GB 11714 organisation code (组织机构代码) check weights, used only by make_uscc.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _uscc_bad_chars(text: str) -> list[int]:
    return [i + 1 for i, c in enumerate(text) if c not in _USCC_VALUE]


def uscc_check_char(first17: str) -> str:
    """Check character (校验码) of a unified social credit code from its first 17 characters.

    ``C18 = 31 - MOD(sum(C_i * W_i), 31)``, where 31 becomes 0, mapped back through
    :data:`USCC_ALPHABET`.
    """
    _require_str(first17, "first17")
    if len(first17) != 17 or _uscc_bad_chars(first17):
        raise IdentifierError(
            _USCC_KIND,
            _mask_middle(first17),
            f"expected 17 characters from {USCC_ALPHABET}",
        )
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def normalize_uscc(
    value: str, *, legacy: Literal["error", "warn"] = "error"
) -> tuple[str, str | None]:
    """Validate a unified social credit code (统一社会信用代码); return ``(code, warning)``.

    The code is upper-cased and stripped of whitespace. Structural problems (length,
    characters outside :data:`USCC_ALPHABET`, positions 3-8 not a six-digit division
    code) always raise :class:`IdentifierError`. A wrong check character raises when
    ``legacy="error"``; with ``legacy="warn"`` the code is returned together with a
    warning message, because real legacy registers contain such codes and clerks must
    still be able to load them. ``warning`` is ``None`` for a fully valid code.
    """
    if legacy not in ("error", "warn"):
        raise ValueError(f"legacy must be 'error' or 'warn', got {legacy!r}")
    s = _compact(_require_str(value, "value")).upper()
    masked = _mask_middle(s)
    if len(s) != 18:
        raise IdentifierError(_USCC_KIND, masked, f"expected 18 characters, got {len(s)}")
    bad = _uscc_bad_chars(s)
    if bad:
        where = ", ".join(str(p) for p in bad)
        raise IdentifierError(
            _USCC_KIND,
            masked,
            f"character(s) at position {where} not allowed (only 0-9 and letters "
            "other than I, O, S, V, Z)",
        )
    if not s[2:8].isdigit():
        raise IdentifierError(_USCC_KIND, masked, "positions 3-8 must be a six-digit division code")
    if s[17] != uscc_check_char(s[:17]):
        reason = "check character is wrong"
        if legacy == "error":
            raise IdentifierError(_USCC_KIND, masked, reason)
        return s, f"{_USCC_KIND} {masked}: {reason} (kept as a legacy code)"
    return s, None


# ------------------------------------------------------------------ division codes


@dataclass(frozen=True)
class Division:
    """An administrative division (行政区划) from GB/T 2260."""

    code: str
    name: str
    level: str  # "province", "prefecture" (地级), "county" (县级) or "district" (市辖区)
    status: Literal["current", "historic"]
    note: str = ""


def validate_division_code(value: str) -> str:
    """Validate a six-digit GB/T 2260 division code (行政区划代码) and return it.

    Checks the shape and that the first two digits are a real province code; it does not
    check that the county exists (codes change over time and old ones stay on ID cards).
    """
    s = _compact(_require_str(value, "value"))
    if not re.fullmatch(r"[0-9]{6}", s):
        raise IdentifierError("division code", _mask_middle(s), "expected six digits")
    if s[:2] not in PROVINCE_CODES:
        raise IdentifierError(
            "division code", _mask_middle(s), f"{s[:2]} is not a real province code"
        )
    return s


_DATA_PACKAGE = __name__.rpartition(".")[0]  # "kexie_core.model"


@cache
def _linyi_divisions() -> Mapping[str, Division]:
    text = (
        resources.files(_DATA_PACKAGE)
        .joinpath("data")
        .joinpath("linyi_divisions.csv")
        .read_text(encoding="utf-8-sig")
    )
    result: dict[str, Division] = {}
    for row in csv.DictReader(io.StringIO(text)):
        code = validate_division_code(row["code"])
        status = row["status"].strip()
        if status not in ("current", "historic"):
            raise ValueError(f"linyi_divisions.csv: bad status {status!r} for {code}")
        result[code] = Division(
            code=code,
            name=row["name"].strip(),
            level=row["level"].strip(),
            status="current" if status == "current" else "historic",
            note=(row.get("note") or "").strip(),
        )
    return MappingProxyType(result)


class _LazyDivisions(Mapping[str, Division]):
    """Read-only mapping that loads the package data file on first use."""

    def __getitem__(self, code: str) -> Division:
        return _linyi_divisions()[code]

    def __iter__(self) -> Iterator[str]:
        return iter(_linyi_divisions())

    def __len__(self) -> int:
        return len(_linyi_divisions())

    def __repr__(self) -> str:
        return "<LINYI_DIVISIONS: GB/T 2260 divisions of Linyi, current and pre-1994>"


#: Linyi (临沂) division codes, current (3713xx) and historic (3728xx, before 1994):
#: code → :class:`Division`. Loaded lazily from ``model/data/linyi_divisions.csv``.
LINYI_DIVISIONS: Mapping[str, Division] = _LazyDivisions()


# ------------------------------------------------------------------------ hashing

_MIN_KEY_BYTES = 16
HashKind = Literal["auto", "resident_id", "phone", "uscc"]


def _canonical(value: str, kind: HashKind) -> str:
    if kind == "resident_id":
        return normalize_resident_id(value, earliest=date(1800, 1, 1))
    if kind == "phone":
        return normalize_phone(value)
    if kind == "uscc":
        return normalize_uscc(value, legacy="warn")[0]
    if kind != "auto":
        raise ValueError(f"unknown identifier kind {kind!r}")
    attempts: tuple[HashKind, ...] = ("resident_id", "uscc", "phone")
    for attempt in attempts:
        try:
            return _canonical(value, attempt)
        except IdentifierError:
            continue
    return _compact(value).upper()


def hash_identifier(value: str, key: bytes, *, kind: HashKind = "auto") -> str:
    """HMAC-SHA256 (hex) of the normalised identifier, for pseudonymous linking.

    With ``kind="auto"`` the value is normalised as a resident ID (15-digit numbers become
    18), a credit code or a phone number, whichever validates first; anything else is
    hashed after NFKC, whitespace removal and upper-casing. With an explicit ``kind``
    the value must validate as that kind.

    ``key`` must come from the workspace's configuration (at least 16 bytes); there is
    deliberately no default key.
    """
    if not isinstance(key, bytes | bytearray) or len(key) < _MIN_KEY_BYTES:
        raise ValueError(
            f"hash key must be at least {_MIN_KEY_BYTES} bytes, taken from the workspace "
            "configuration"
        )
    canonical = _canonical(_require_str(value, "value"), kind)
    return hmac.new(bytes(key), canonical.encode("utf-8"), hashlib.sha256).hexdigest()


# --------------------------------------------------------------- synthetic data


def make_resident_id(division_code: str, birth: date, seq: int, gender: Gender) -> str:
    """Build a valid synthetic resident ID number (for tests and demos).

    ``seq`` (0-99) fills digits 15-16; the 17th digit is chosen odd for male and even for
    female. ``birth`` must lie between :data:`MIN_BIRTH_DATE` and today.
    """
    code = validate_division_code(division_code)
    if not 0 <= seq <= 99:
        raise ValueError(f"seq must be 0-99, got {seq}")
    if gender not in ("male", "female"):
        raise ValueError(f"gender must be 'male' or 'female', got {gender!r}")
    if not MIN_BIRTH_DATE <= birth <= date.today():
        raise ValueError(f"birth must be between {MIN_BIRTH_DATE} and today, got {birth}")
    gender_digit = (seq % 5) * 2 + (1 if gender == "male" else 0)
    first17 = f"{code}{birth.year:04d}{birth.month:02d}{birth.day:02d}{seq:02d}{gender_digit}"
    return first17 + resident_id_check_char(first17)


def _org_check_char(body8: str) -> str:
    total = sum(int(c, 36) * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return "X" if value == 10 else "0" if value == 11 else str(value)


def make_uscc(division_code: str, serial: int, *, authority: str = "9", category: str = "1") -> str:
    """Build a valid synthetic unified social credit code (for tests and demos).

    ``authority`` (登记管理部门代码, e.g. 9 for market regulation) and ``category``
    (机构类别代码, e.g. 1 for an enterprise) are single characters of
    :data:`USCC_ALPHABET`. Positions 9-17 are an organisation code built from ``serial``
    (0 to 99,999,999) with its own GB 11714 check digit, like real codes.
    """
    code = validate_division_code(division_code)
    if not 0 <= serial < 10**8:
        raise ValueError(f"serial must be 0-99999999, got {serial}")
    for name, ch in (("authority", authority), ("category", category)):
        if len(ch) != 1 or ch not in _USCC_VALUE:
            raise ValueError(f"{name} must be one character of {USCC_ALPHABET}, got {ch!r}")
    body = f"{serial:08d}"
    first17 = authority + category + code + body + _org_check_char(body)
    return first17 + uscc_check_char(first17)


# --------------------------------------------------------------- numbers in free text

# Digit runs not glued to other digits, so unit codes (371323), dates and counts are left alone.
_TEXT_RESIDENT_ID = re.compile(r"(?<![0-9A-Za-z])([0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9A-Za-z])")
_TEXT_MOBILE = re.compile(r"(?<![0-9])(?:\+?86[ -]?)?(1[3-9][0-9](?:[ -]?[0-9]{4}){2})(?![0-9])")
_TEXT_LANDLINE = re.compile(r"(?<![0-9])(0[1-9][0-9]{1,2}[ -]?[2-9][0-9]{6,7})(?![0-9])")


def mask_personal_numbers(text: str) -> str:
    """``text`` (a narrative, a title, an error message…) with every resident-ID-like and
    phone-like number masked as the rest of the package masks them. Used wherever free text or a
    message could carry one out: reports, the command line, plug-in failures."""
    text = _TEXT_RESIDENT_ID.sub(lambda m: mask_resident_id(m.group(1)), text)
    text = _TEXT_MOBILE.sub(lambda m: mask_phone(m.group(1)), text)
    return _TEXT_LANDLINE.sub(lambda m: mask_phone(m.group(1)), text)


def contains_personal_number(text: str) -> bool:
    """Whether ``text`` still holds something that looks like an ID or phone number."""
    return any(p.search(text) for p in (_TEXT_RESIDENT_ID, _TEXT_MOBILE, _TEXT_LANDLINE))
