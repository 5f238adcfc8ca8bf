"""Tests for kexie_core.model.identifiers."""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kexie_core.model import identifiers as ids
from kexie_core.model.identifiers import (
    LINYI_DIVISIONS,
    USCC_ALPHABET,
    IdentifierError,
    hash_identifier,
    make_resident_id,
    make_uscc,
    mask_phone,
    mask_resident_id,
    normalize_phone,
    normalize_resident_id,
    normalize_uscc,
    parse_resident_id,
    resident_id_check_char,
    uscc_check_char,
    validate_division_code,
)

# Examples printed in GB 11643-1999 itself.
STANDARD_EXAMPLE_1 = "11010519491231002X"  # Beijing Chaoyang, 1949-12-31, female
STANDARD_EXAMPLE_2 = "440524188001010014"  # Guangdong Shantou, 1880-01-01, male
OLD_ENOUGH = date(1800, 1, 1)  # the second example predates the default 1900 limit

# Worked example of GB 32100-2015 (its input ends in "Z"; the correct check is "3").
USCC_EXAMPLE = "91350100M000100Y43"
# Codes published by large listed companies (annual reports / registration notices).
# Each also satisfies the GB 11714 check of its embedded organisation code, which a
# mis-remembered code would do only by chance (about 1 in 341 with the USCC check).
PUBLISHED_USCC = [
    "914403001922038216",  # Huawei Technologies Co., Ltd.
    "91440300708461136T",  # Shenzhen Tencent Computer Systems Co., Ltd.
    "91110000710926094P",  # China Petroleum & Chemical Corp. (Sinopec)
    "9111000071093123XX",  # PetroChina Co., Ltd.
    "91520000214434146R",  # Kweichow Moutai Co., Ltd.
    "91440300100012316L",  # Ping An Insurance (Group) Co. of China
    "91310000132200821H",  # SAIC Motor Corp.
]

RID_CHARS = "0123456789X"
TODAY = date(2026, 6, 30)


def substitutions(code: str, alphabet: str) -> list[tuple[int, str]]:
    """Every (position, variant) obtained by replacing one character within ``alphabet``."""
    out = []
    for i, original in enumerate(code):
        for c in alphabet:
            if c != original:
                out.append((i, code[:i] + c + code[i + 1 :]))
    return out


# ----------------------------------------------------------------- resident IDs


def test_check_char_of_standard_examples() -> None:
    assert resident_id_check_char(STANDARD_EXAMPLE_1[:17]) == "X"
    assert resident_id_check_char(STANDARD_EXAMPLE_2[:17]) == "4"


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_check_char_is_the_standards_weighted_sum(first17: str) -> None:
    # GB 11643-1999 written out: weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, and the check
    # character makes the 18-character sum (weight 1 for it) equal 1 modulo 11.
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(first17, weights, strict=True))
    check = resident_id_check_char(first17)
    assert (total + (10 if check == "X" else int(check))) % 11 == 1


@pytest.mark.parametrize("bad", ["", "1234567890123456", "1101051949123100X", "１２"])
def test_check_char_rejects_non_17_digits(bad: str) -> None:
    with pytest.raises(IdentifierError):
        resident_id_check_char(bad)


def test_standard_example_1_parses() -> None:
    rid = parse_resident_id(STANDARD_EXAMPLE_1)
    assert rid.number == STANDARD_EXAMPLE_1
    assert rid.birth_date == date(1949, 12, 31)
    assert rid.gender == "female"
    assert rid.division_code == "110105"


def test_standard_example_2_parses_with_wider_limit() -> None:
    rid = parse_resident_id(STANDARD_EXAMPLE_2, earliest=OLD_ENOUGH)
    assert rid.number == STANDARD_EXAMPLE_2
    assert rid.birth_date == date(1880, 1, 1)
    assert rid.gender == "male"
    assert rid.division_code == "440524"


def test_birth_before_1900_rejected_by_default() -> None:
    with pytest.raises(IdentifierError, match="before 1900-01-01") as info:
        normalize_resident_id(STANDARD_EXAMPLE_2)
    assert STANDARD_EXAMPLE_2 not in str(info.value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("11010519491231002x", STANDARD_EXAMPLE_1),
        ("  110105 19491231 002X\n", STANDARD_EXAMPLE_1),
        ("１１０１０５１９４９１２３１００２Ｘ", STANDARD_EXAMPLE_1),  # full-width
        ("110105491231002", STANDARD_EXAMPLE_1),  # first generation, 15 digits
        (" 110105 491231 002 ", STANDARD_EXAMPLE_1),
    ],
)
def test_normalize_resident_id(raw: str, expected: str) -> None:
    assert normalize_resident_id(raw) == expected


def test_fifteen_digit_conversion_keeps_gender_and_date() -> None:
    rid = parse_resident_id("371323650704131")
    assert rid.number == "37132319650704131" + resident_id_check_char("37132319650704131")
    assert rid.birth_date == date(1965, 7, 4)
    assert rid.gender == "male"


@pytest.mark.parametrize(
    "example,earliest", [(STANDARD_EXAMPLE_1, None), (STANDARD_EXAMPLE_2, OLD_ENOUGH)]
)
def test_every_single_substitution_rejected(example: str, earliest: date | None) -> None:
    variants = substitutions(example, RID_CHARS)
    assert len(variants) == 18 * 10
    for _, variant in variants:
        with pytest.raises(IdentifierError) as info:
            normalize_resident_id(variant, earliest=earliest)
        assert variant not in str(info.value)


def test_every_lowercase_x_variant_is_normalised_not_rejected() -> None:
    assert normalize_resident_id(STANDARD_EXAMPLE_1.lower()) == STANDARD_EXAMPLE_1


def test_wrong_check_char_message() -> None:
    wrong = STANDARD_EXAMPLE_1[:17] + "1"
    with pytest.raises(IdentifierError, match="check character is wrong") as info:
        normalize_resident_id(wrong)
    assert wrong not in str(info.value)
    assert info.value.masked == "110**************1"


def test_impossible_birth_date_rejected_without_echo() -> None:
    first17 = "371323" + "20260230" + "001"
    number = first17 + resident_id_check_char(first17)
    with pytest.raises(IdentifierError, match="birth date 2026-02-30 is not a real date") as info:
        normalize_resident_id(number, today=date(2027, 1, 1))
    message = str(info.value)
    assert number not in message
    assert first17 not in message
    assert mask_resident_id(number) in message


def test_future_birth_date_rejected_without_echo() -> None:
    first17 = "371323" + "20260701" + "001"
    number = first17 + resident_id_check_char(first17)
    with pytest.raises(IdentifierError, match="in the future") as info:
        normalize_resident_id(number, today=TODAY)
    assert number not in str(info.value)
    # the same number is fine one day later
    assert normalize_resident_id(number, today=date(2026, 7, 1)) == number


@pytest.mark.parametrize(
    "prefix", ["00", "10", "16", "20", "38", "47", "55", "60", "70", "83", "99"]
)
def test_unknown_province_rejected(prefix: str) -> None:
    first17 = prefix + "1323" + "19800101" + "001"
    number = first17 + resident_id_check_char(first17)
    with pytest.raises(IdentifierError, match="not a real province code") as info:
        normalize_resident_id(number)
    assert number not in str(info.value)


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "X",
        "1101051949123100",
        "1101051949123100X2",
        "11010519491231002X1",
        "A1010519491231002X",
        "1101054912310X2",
        "11010519491231002Y",
    ],
)
def test_malformed_resident_ids_rejected(bad: str) -> None:
    with pytest.raises(IdentifierError) as info:
        normalize_resident_id(bad)
    if bad:
        assert bad not in str(info.value)


def test_resident_id_error_is_value_error_and_picklable() -> None:
    with pytest.raises(ValueError) as info:
        normalize_resident_id("11010519491231002")
    err = info.value
    assert isinstance(err, IdentifierError)
    copy = pickle.loads(pickle.dumps(err))
    assert str(copy) == str(err)
    assert copy.reason == err.reason


def test_resident_id_repr_is_masked() -> None:
    rid = parse_resident_id(STANDARD_EXAMPLE_1)
    assert STANDARD_EXAMPLE_1 not in repr(rid)
    assert STANDARD_EXAMPLE_1 not in str(rid)
    assert rid.masked == "110**************X"


division_codes = st.sampled_from(
    [*sorted(LINYI_DIVISIONS), "110105", "440524", "650102", "820000", "710000"]
)
birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=date.today())
genders = st.sampled_from(["male", "female"])


@given(division_codes, birth_dates, st.integers(0, 99), genders)
def test_make_resident_id_round_trip(division: str, birth: date, seq: int, gender: str) -> None:
    number = make_resident_id(division, birth, seq, gender)  # type: ignore[arg-type]
    assert len(number) == 18
    assert number[14:16] == f"{seq:02d}"
    rid = parse_resident_id(number)
    assert rid.number == number
    assert rid.birth_date == birth
    assert rid.gender == gender
    assert rid.division_code == division
    # a first-generation number built from it converts back (20th-century births only)
    if 1900 <= birth.year <= 1999:
        old = number[:6] + number[8:17]
        assert normalize_resident_id(old) == number


@pytest.mark.parametrize(
    "kwargs",
    [
        {"seq": 100},
        {"seq": -1},
        {"birth": date(1899, 12, 31)},
        {"birth": date(9999, 1, 1)},
        {"division_code": "991323"},
        {"gender": "other"},
    ],
)
def test_make_resident_id_rejects_bad_input(kwargs: dict[str, object]) -> None:
    args: dict[str, object] = {
        "division_code": "371323",
        "birth": date(1980, 1, 1),
        "seq": 1,
        "gender": "male",
    }
    args.update(kwargs)
    with pytest.raises(ValueError):
        make_resident_id(**args)  # type: ignore[arg-type]


def test_mask_resident_id_examples() -> None:
    assert mask_resident_id(STANDARD_EXAMPLE_1) == "110**************X"
    assert mask_resident_id(" 440524188001010014 ") == "440**************4"
    assert mask_resident_id("110105491231002") == "110***********2"
    assert mask_resident_id("12345") == "123*5"
    assert mask_resident_id("1234") == "****"
    assert mask_resident_id("") == ""


@given(st.text(alphabet=RID_CHARS, max_size=30))
def test_mask_never_reveals_more_than_four_characters(number: str) -> None:
    masked = mask_resident_id(number)
    assert len(masked) == len(number)
    assert sum(c != "*" for c in masked) <= 4
    if number:
        assert masked != number


@given(division_codes, birth_dates, st.integers(0, 99), genders)
def test_mask_hides_birth_date_and_sequence(
    division: str, birth: date, seq: int, gender: str
) -> None:
    number = make_resident_id(division, birth, seq, gender)  # type: ignore[arg-type]
    masked = mask_resident_id(number)
    assert masked == number[:3] + "*" * 14 + number[17]


# ------------------------------------------------------------------------ phones


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+8613812345678", "13812345678"),
        ("86 13812345678", "13812345678"),
        ("0086-138-1234-5678", "13812345678"),
        ("１９９１２３４５６７８", "19912345678"),
        ("0539-8123456", "0539-8123456"),
        ("0539 8123456", "0539-8123456"),
        ("(0539)8123456", "0539-8123456"),
        ("（0539）8123456", "0539-8123456"),
        ("( 0539 ) 812-3456", "0539-8123456"),
        ("05398123456", "0539-8123456"),
        ("010-62345678", "010-62345678"),
        ("(010)62345678", "010-62345678"),
        ("021 5123 4567", "021-51234567"),
        ("+86 539 8123456", "0539-8123456"),
    ],
)
def test_normalize_phone(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "12812345678",  # no mobile prefix 12
        "1381234567",  # 10 digits
        "138123456789",  # 12 digits
        "8123456",  # landline without area code
        "0539-0123456",  # local number cannot start with 0
        "0539-123456",  # too short
        "0539-812345678",  # too long
        "011-62345678",  # no such area code
        "(0539)",
        "phone: 13812345678",
        "+1 415 555 0100",
    ],
)
def test_normalize_phone_rejects(bad: str) -> None:
    with pytest.raises(IdentifierError) as info:
        normalize_phone(bad)
    if len(bad) > 4:
        assert bad not in str(info.value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812345678", "138****5678"),
        ("+86 138-1234-5678", "138****5678"),
        ("0539-8123456", "0539-*****56"),
        ("(010)62345678", "010-******78"),
        ("12345", "***45"),
        ("ab", "**"),
        ("", ""),
    ],
)
def test_mask_phone(raw: str, expected: str) -> None:
    assert mask_phone(raw) == expected


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_mobile_mask_hides_middle_four(mobile: str) -> None:
    assert normalize_phone(mobile) == mobile
    masked = mask_phone(mobile)
    assert masked == mobile[:3] + "****" + mobile[7:]
    assert mobile not in masked


# ------------------------------------------------------------------------- USCC


def test_uscc_weights_are_powers_of_three_mod_31() -> None:
    table = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    assert tuple(pow(3, i, 31) for i in range(17)) == table
    assert table == ids._USCC_WEIGHTS


def test_uscc_worked_example() -> None:
    # GB 32100-2015 worked example: weighted sum 1640, 1640 mod 31 = 28, 31 - 28 = 3.
    first17 = USCC_EXAMPLE[:17]
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, ids._USCC_WEIGHTS, strict=True))
    assert total == 1640
    assert uscc_check_char(first17) == "3"
    assert normalize_uscc(USCC_EXAMPLE) == (USCC_EXAMPLE, None)
    assert normalize_uscc(" 91350100m000100y43 ") == (USCC_EXAMPLE, None)


def test_uscc_worked_example_input_is_rejected() -> None:
    # The standard's input "…Y4Z" is invalid: Z is not even in the alphabet.
    for mode in ("error", "warn"):
        with pytest.raises(IdentifierError, match="position 18"):
            normalize_uscc("91350100M000100Y4Z", legacy=mode)


@pytest.mark.parametrize("code", PUBLISHED_USCC)
def test_published_uscc_accepted(code: str) -> None:
    assert normalize_uscc(code) == (code, None)


def test_check_value_31_maps_to_zero() -> None:
    # With a weighted sum divisible by 31, "31 - 0 = 31" must become check character "0".
    # Position 17 has weight 28, invertible mod 31, so some character there gets us there.
    def weighted(s: str) -> int:
        return sum(USCC_ALPHABET.index(c) * w for c, w in zip(s, ids._USCC_WEIGHTS, strict=True))

    candidates = ["9137132300000000" + c for c in USCC_ALPHABET]
    hits = [c for c in candidates if weighted(c) % 31 == 0]
    assert len(hits) == 1
    assert uscc_check_char(hits[0]) == "0"
    assert normalize_uscc(hits[0] + "0") == (hits[0] + "0", None)


@pytest.mark.parametrize("code", [USCC_EXAMPLE, *PUBLISHED_USCC[:3]])
def test_every_uscc_substitution_caught(code: str) -> None:
    variants = substitutions(code, USCC_ALPHABET)
    assert len(variants) == 18 * 30
    for position, variant in variants:
        with pytest.raises(IdentifierError) as info:
            normalize_uscc(variant)
        assert variant not in str(info.value)
        structural = 2 <= position <= 7 and not variant[position].isdigit()
        if structural:
            with pytest.raises(IdentifierError):
                normalize_uscc(variant, legacy="warn")
        else:
            normalized, warning = normalize_uscc(variant, legacy="warn")
            assert normalized == variant
            assert warning is not None and "check character is wrong" in warning
            assert variant not in warning


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "91350100M000100Y4",  # 17 characters
        "91350100M000100Y433",  # 19 characters
        "91350100O000100Y43",  # O is not used
        "9135010IM000100Y43",  # I is not used; also position 8
        "91A50100M000100Y43",  # positions 3-8 must be digits
        "91350100M000100Y4-",
    ],
)
def test_uscc_structural_errors_raise_in_both_modes(bad: str) -> None:
    for mode in ("error", "warn"):
        with pytest.raises(IdentifierError):
            normalize_uscc(bad, legacy=mode)


def test_uscc_legacy_mode_validated() -> None:
    with pytest.raises(ValueError, match="legacy"):
        normalize_uscc(USCC_EXAMPLE, legacy="ignore")  # type: ignore[arg-type]


@given(
    division_codes,
    st.integers(0, 10**8 - 1),
    st.sampled_from(USCC_ALPHABET),
    st.sampled_from(USCC_ALPHABET),
)
def test_make_uscc_round_trip(division: str, serial: int, authority: str, category: str) -> None:
    code = make_uscc(division, serial, authority=authority, category=category)
    assert normalize_uscc(code) == (code, None)
    assert code[0] == authority
    assert code[1] == category
    assert code[2:8] == division
    assert code[8:16] == f"{serial:08d}"
    assert code[16] == ids._org_check_char(code[8:16])


def test_make_uscc_organisation_check_matches_published_codes() -> None:
    for code in PUBLISHED_USCC:
        assert ids._org_check_char(code[8:16]) == code[16]


@pytest.mark.parametrize(
    "kwargs",
    [{"serial": -1}, {"serial": 10**8}, {"authority": "I"}, {"category": "12"}],
)
def test_make_uscc_rejects_bad_input(kwargs: dict[str, object]) -> None:
    args: dict[str, object] = {"division_code": "371323", "serial": 1}
    args.update(kwargs)
    with pytest.raises(ValueError):
        make_uscc(**args)  # type: ignore[arg-type]


# ------------------------------------------------------------------- divisions


@pytest.mark.parametrize("code", ["371323", "110105", "710000", "810000", "820000", " 371302 "])
def test_validate_division_code(code: str) -> None:
    assert validate_division_code(code) == code.strip()


@pytest.mark.parametrize("code", ["", "37132", "3713233", "37132a", "991323", "001323", "831323"])
def test_validate_division_code_rejects(code: str) -> None:
    with pytest.raises(IdentifierError):
        validate_division_code(code)


def test_linyi_divisions() -> None:
    yishui = LINYI_DIVISIONS["371323"]
    assert yishui.name == "沂水县"
    assert yishui.status == "current"
    assert yishui.level == "county"
    cangshan = LINYI_DIVISIONS["372823"]
    assert cangshan.name == "苍山县"
    assert cangshan.status == "historic"
    assert LINYI_DIVISIONS["371300"].name == "临沂市"
    assert "110105" not in LINYI_DIVISIONS
    assert len(LINYI_DIVISIONS) == 24
    for code, division in LINYI_DIVISIONS.items():
        assert division.code == code
        assert validate_division_code(code) == code
        expected = "current" if code.startswith("3713") else "historic"
        assert code[:4] in ("3713", "3728")
        assert division.status == expected


def test_resident_id_from_historic_linyi_code() -> None:
    number = make_resident_id("372823", date(1975, 3, 9), 12, "female")
    rid = parse_resident_id(number)
    assert LINYI_DIVISIONS[rid.division_code].name == "苍山县"
    assert LINYI_DIVISIONS[rid.division_code].status == "historic"


def test_linyi_divisions_load_lazily() -> None:
    src = Path(ids.__file__).resolve().parents[2]
    code = (
        "import kexie_core.model.identifiers as m\n"
        "assert m._linyi_divisions.cache_info().currsize == 0\n"
        "assert m.LINYI_DIVISIONS['371323'].name == '沂水县'\n"
        "assert m._linyi_divisions.cache_info().currsize == 1\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(src), os.environ.get("PYTHONPATH", "")]),
    }
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


# ---------------------------------------------------------------------- hashing

KEY = b"0123456789abcdef-test-only-key"


def test_hash_identifier_is_hmac_of_normalised_value() -> None:
    expected = hmac.new(KEY, STANDARD_EXAMPLE_1.encode(), hashlib.sha256).hexdigest()
    assert hash_identifier(STANDARD_EXAMPLE_1, KEY) == expected
    assert hash_identifier("110105491231002", KEY) == expected
    assert hash_identifier(" 11010519491231002x ", KEY) == expected
    assert hash_identifier(STANDARD_EXAMPLE_1, KEY, kind="resident_id") == expected


def test_hash_identifier_normalises_phones_and_codes() -> None:
    assert hash_identifier("+86 138-1234-5678", KEY) == hash_identifier("13812345678", KEY)
    assert hash_identifier("(0539)8123456", KEY) == hash_identifier("0539-8123456", KEY)
    assert hash_identifier("91350100m000100y43", KEY) == hash_identifier(USCC_EXAMPLE, KEY)
    assert hash_identifier("free text", KEY) == hash_identifier("FREE TEXT", KEY)


def test_hash_identifier_depends_on_key_and_value() -> None:
    other_key = b"another-key-of-enough-length"
    a = hash_identifier(STANDARD_EXAMPLE_1, KEY)
    assert len(a) == 64
    assert a != hash_identifier(STANDARD_EXAMPLE_1, other_key)
    assert a != hash_identifier(STANDARD_EXAMPLE_2, KEY)


@pytest.mark.parametrize("key", [b"", b"short", "a-str-key-that-is-long-enough"])
def test_hash_identifier_requires_real_key(key: bytes) -> None:
    with pytest.raises(ValueError, match="key"):
        hash_identifier(STANDARD_EXAMPLE_1, key)


def test_hash_identifier_explicit_kind_validates() -> None:
    with pytest.raises(IdentifierError):
        hash_identifier("13812345678", KEY, kind="resident_id")
    with pytest.raises(IdentifierError):
        hash_identifier(STANDARD_EXAMPLE_1, KEY, kind="phone")
