"""The rule modules' fast paths agree with the plain formulas and the full diagnosis.

The bulk checks are written for speed (see docs/performance.md): checksums as big-integer
or base-n arithmetic, a clean test before every diagnosis, shortcuts around repeated
Unicode normalisation, shared violation values. Each shortcut is held here to the
straightforward version it replaces, on generated input.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_core.domain.rules import (
    Severity,
    Violation,
    email,
    id_card,
    person_name,
    phone,
    plate,
    uscc,
    vin,
)
from crm_core.domain.rules import _support as support
from crm_core.domain.rules.email import EmailPolicy
from crm_core.domain.rules.id_card import IdCardPolicy
from crm_core.testing.strategies import mobiles, resident_ids, usccs, vins

VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def _textbook_check_digit(value: str) -> str:
    values = vin._TRANSLITERATION
    total = sum(w * values[c] for w, c in zip(VIN_WEIGHTS, value, strict=True))
    return "0123456789X"[total % 11]


@given(st.text(alphabet=vin.ALPHABET, min_size=17, max_size=17))
def test_check_digit_is_the_textbook_sum(value: str) -> None:
    assert vin._check_digit(value) == _textbook_check_digit(value)


@pytest.mark.parametrize("value", ["9" * 17, "ZRZRZRZRZRZRZRZRZ", "Z" * 17, "0" * 17, "A" * 17])
def test_check_digit_lanes_hold_the_largest_sums(value: str) -> None:
    # every character worth 9 (R, Z, 9) gives the largest sum no lane may carry out of
    assert vin._check_digit(value) == _textbook_check_digit(value)


def test_calc_check_digit_takes_any_placeholder_in_position_9() -> None:
    # the placeholder is ignored; a non-ASCII one used to raise UnicodeEncodeError
    assert vin.calc_check_digit("1M8GDM9A中KP042788") == "X"
    assert vin.calc_check_digit("1M8GDM9A😀KP042788") == "X"


@given(vins(), st.integers(min_value=0, max_value=16), st.sampled_from(vin.ALPHABET))
def test_vin_is_clean_means_check_finds_nothing(value: str, position: int, char: str) -> None:
    changed = value[:position] + char + value[position + 1 :]
    for candidate in (value, changed):
        assert vin.is_clean(candidate) == (vin.check(candidate) == ())


@given(st.text(alphabet=uscc.ALPHABET, min_size=17, max_size=17))
def test_uscc_check_char_is_the_textbook_sum(value: str) -> None:
    total = sum(uscc.ALPHABET.index(c) * (3**i % 31) for i, c in enumerate(value))
    assert uscc._check_char(value) == uscc.ALPHABET[(31 - total % 31) % 31]


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_id_check_char_is_the_textbook_sum(value: str) -> None:
    total = sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(value))
    assert id_card._check_char(value) == "10X98765432"[total % 11]


@settings(max_examples=300)
@given(
    st.one_of(resident_ids(), st.text(alphabet="0123456789Xx -", max_size=20)),
    st.sampled_from([None, date(1990, 1, 1), date(2030, 1, 1)]),
    st.sampled_from([IdCardPolicy(), IdCardPolicy(earliest_birth_year=1960)]),
)
def test_clean_birth_date_is_check_and_decode_in_one(
    value: str, today: date | None, policy: IdCardPolicy
) -> None:
    born = id_card.clean_birth_date(value, policy, today)
    if born is not None:
        assert id_card.check(value, policy=policy, today=today) == ()
        assert born == id_card.decode_birth_date(value)
    assert id_card.is_clean(value, policy, today) == (born is not None)


SEPARATORS = [vin._SEPARATORS, phone._STRIP, plate.DEFAULT_POLICY._strip]
UNICODE_MIX = st.text(
    alphabet=st.sampled_from(
        [*"沪A-12 ·xX", "\u0301", "\u0308", "ǰ", "ß", "Ａ", "１", "－", "\u3000", "ﬁ", "ⅷ"]
    ),
    max_size=12,
)


@settings(max_examples=300)
@given(st.one_of(st.text(max_size=12), UNICODE_MIX), st.sampled_from(SEPARATORS))
def test_canonical_shortcuts_reach_the_same_fixed_point(
    value: str, separators: support.Separators
) -> None:
    def step(text: str) -> str:
        return separators.pattern.sub("", support.fold(text))

    assert support.canonical(value, separators) == support.fixed_point(step, value)


POLICIES = [EmailPolicy(), EmailPolicy(domain_typos={}), EmailPolicy(domain_typos={"a.bc": "b.cd"})]


@settings(max_examples=300)
@given(
    st.one_of(
        st.emails(),
        st.from_regex(r"[a-z0-9._+-]{1,70}@[a-zA-Z0-9.-]{1,20}\.[a-z]{2,4}", fullmatch=True),
        st.sampled_from(["a@a.bc", "wang@qq.con", "WANG@QQ.CON", "a" * 65 + "@qq.com"]),
    ),
    st.sampled_from(POLICIES),
)
def test_email_is_clean_never_hides_a_violation(value: str, policy: EmailPolicy) -> None:
    if email.is_clean(value, policy):
        assert email.check(value, policy=policy) == ()


def test_email_fast_path_takes_the_common_address_only() -> None:
    assert email.is_clean("wang.fang@qq.com")
    assert not email.is_clean("wang@qq.con")  # a typo: check() warns
    assert email.is_clean("wang@qq.con", EmailPolicy(domain_typos={}))
    assert not email.is_clean("li@my-company.cn")  # left to check(), which passes it
    assert email.check("li@my-company.cn") == ()


@given(mobiles())
def test_phone_analyse_of_clean_mobiles(value: str) -> None:
    assert phone.analyse(value, "mobile", phone.DEFAULT_POLICY) == (
        phone.PhoneKind.MOBILE,
        value,
        (),
    )


@given(usccs())
def test_uscc_is_clean_agrees_with_check(value: str) -> None:
    assert uscc.is_clean(value)
    assert uscc.check(value) == ()


def test_violations_are_shared_values() -> None:
    first = support.violation("PLATE_NO_PROVINCE", "plate", "no province")
    again = support.violation("PLATE_NO_PROVINCE", "plate", "no province")
    assert first is again
    assert first == Violation("PLATE_NO_PROVINCE", "plate", "no province", Severity.ERROR)
    warning = support.violation("PLATE_NO_PROVINCE", "plate", "no province", Severity.WARNING)
    assert warning is not first
    assert warning.severity is Severity.WARNING


def test_the_shared_violations_are_bounded() -> None:
    limit = support.violation.cache_info().maxsize
    assert limit is not None
    for n in range(limit + 10):
        support.violation("PHONE_FORMAT", "phone", f"{n} characters long")
    assert support.violation.cache_info().currsize <= limit


@given(resident_ids(), st.sampled_from("0123456789X"))
def test_id_clean_test_reads_the_check_character_like_the_formula(
    value: str, check_char: str
) -> None:
    number = value[:17] + check_char
    expected = check_char == id_card.calc_check_digit(value[:17])
    assert (id_card.clean_birth_date(number) is not None) == expected


@given(
    st.dictionaries(st.text(alphabet="LWV1", max_size=3), st.sampled_from(Severity)),
    st.text(alphabet="LWV1", max_size=5),
)
def test_severity_for_is_the_longest_matching_prefix(
    regions: dict[str, Severity], value: str
) -> None:
    policy = vin.VinPolicy(regions=regions)
    matches = [prefix for prefix in regions if prefix and value.startswith(prefix)]
    expected = regions[max(matches, key=len)] if matches else policy.default_severity
    assert policy.severity_for(value) is expected


# --- the diagnoses' shortcuts (docs/performance.md, "Rule checks") ---

CJK_RANGES = [(0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0x20000, 0x2A6DF)]


def test_plain_characters_are_nfkc_letters() -> None:
    # person_name._PLAIN trusts Python's Unicode database for these ranges
    assert "".join(f"{chr(a)}-{chr(b)}" for a, b in CJK_RANGES) == person_name._CJK
    for first, last in CJK_RANGES:
        text = "".join(map(chr, range(first, last + 1)))
        assert text.isalpha()
        assert unicodedata.is_normalized("NFKC", text)
        assert text.upper() == text


NAME_POLICIES = [
    person_name.DEFAULT_POLICY,
    person_name.NamePolicy(joining_symbols="/"),  # the hyphen is no joining symbol here
    person_name.NamePolicy(joining_symbols="-a王 9"),  # letters, digits and space as joiners
]
PLAIN_NAMES = st.text(alphabet=st.sampled_from([*"王芳先生李𠀀䶵Ab z09 -"]), min_size=1, max_size=8)


@settings(max_examples=500)
@given(PLAIN_NAMES, st.sampled_from(NAME_POLICIES))
def test_plain_traits_are_the_general_ones(value: str, policy: person_name.NamePolicy) -> None:
    assert unicodedata.is_normalized("NFKC", value)  # check() skips nfkc() for these
    stripped = value.strip()
    if stripped:
        assert person_name._PLAIN.fullmatch(stripped)
        has_cjk = person_name._CJK_CHAR.search(stripped) is not None
        assert has_cjk is not stripped.isascii()  # how check() tells it for a plain name
        assert person_name._plain_traits(stripped, has_cjk, policy) == person_name._traits(
            stripped, has_cjk, policy
        )


def _separator_walk(raw: str, area: str) -> bool:
    """phone._separator_in_area_code as it was before its shortcuts: the walk alone."""
    if raw.startswith(area) and not re.match(r"(?:\+|00)86", raw):
        return False
    text = support.nfkc(raw.strip())
    country = re.match(r"(?:\+|00)86", text)
    text = (text[country.end() :] if country else text).lstrip(phone._SEPARATORS)
    if phone._without_trunk_zero(text):
        area = area[1:]
    return phone._walk_splits(text, len(area))


PHONE_TEXT = st.text(alphabet=st.sampled_from([*"0215789-－ ()（）./+86\t\u3000١"]), max_size=16)


@settings(max_examples=500)
@given(PHONE_TEXT, st.sampled_from(["021", "010", "0571", "0535", "0411"]))
def test_separator_shortcuts_are_the_walk(raw: str, area: str) -> None:
    assert phone._separator_in_area_code(raw, area) == _separator_walk(raw, area)


@settings(max_examples=300)
@given(st.one_of(PHONE_TEXT, st.text(alphabet="0123456789", max_size=14)))
def test_phone_digits_skip_canonical(value: str) -> None:
    if value.isdigit() and value.isascii():
        assert phone._national(value) == phone.compact(value)
    # and analyse() gives what it gave with compact() for every value
    _, digits, _ = phone.analyse(value, "phone", phone.DEFAULT_POLICY)
    if digits and not phone.is_clean(value):
        assert digits == phone.compact(value)


PLATE_POLICIES = [plate.DEFAULT_POLICY, plate.PlatePolicy(joining_symbols="-ｘＡ\u0301")]


@settings(max_examples=500)
@given(
    st.one_of(UNICODE_MIX, st.text(alphabet=st.sampled_from([*"沪闽JAI12·-. Ｍｘ\u3000\u0301"]))),
    st.sampled_from(PLATE_POLICIES),
)
def test_plate_bare_is_the_canonical_plate(value: str, policy: plate.PlatePolicy) -> None:
    bare = policy._strip.pattern.sub("", value)
    # plate.check() hands canonical() the text it has already taken the separators out of
    taken = support.canonical(value, policy._strip, dropped=bare)
    assert taken == support.canonical(value, policy._strip)
    if (
        value.upper() == value
        and unicodedata.is_normalized("NFKC", value)
        and unicodedata.is_normalized("NFKC", bare)
    ):
        assert support.canonical(value, policy._strip) == bare


@given(
    st.one_of(
        resident_ids(),
        st.from_regex(r"[0-9]{17}[0-9X]", fullmatch=True),
    )
)
def test_shaped_birth_date_is_the_decoded_one(value: str) -> None:
    assert id_card._shaped_birth_date(value) == id_card.decode_birth_date(value)


@given(resident_ids(), st.sampled_from("0123456789X"))
def test_id_diagnosis_reads_the_check_character_like_the_formula(
    value: str, check_char: str
) -> None:
    number = value[:17] + check_char
    codes = [v.code for v in id_card.check(number)]
    assert ("ID_CARD_CHECKSUM" in codes) == (check_char != id_card.calc_check_digit(number))
