from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_core.domain.rules import phone
from crm_core.domain.rules.phone import PhoneKind
from crm_core.errors import InvalidComponent, InvalidFormat, InvalidLength
from crm_core.testing.strategies import landlines, mobiles


def codes(value: object, **kw: object) -> list[str]:
    return [v.code for v in phone.check(value, **kw)]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "compact", "kind"),
    [
        ("13812345678", "13812345678", PhoneKind.MOBILE),
        ("138-1234-5678", "13812345678", PhoneKind.MOBILE),
        ("138 1234 5678", "13812345678", PhoneKind.MOBILE),
        ("+86 138 1234 5678", "13812345678", PhoneKind.MOBILE),
        ("0086-13812345678", "13812345678", PhoneKind.MOBILE),
        ("8613812345678", "13812345678", PhoneKind.MOBILE),
        ("１３８１２３４５６７８", "13812345678", PhoneKind.MOBILE),  # full-width digits
        ("17400123456", "17400123456", PhoneKind.MOBILE),  # 1740x satellite block
        ("021-62345678", "02162345678", PhoneKind.LANDLINE),
        ("(021)62345678", "02162345678", PhoneKind.LANDLINE),
        ("021 6234 5678", "02162345678", PhoneKind.LANDLINE),
        ("0571-88888888", "057188888888", PhoneKind.LANDLINE),
        ("0912-2345678", "09122345678", PhoneKind.LANDLINE),  # Yulin: 7-digit numbers
        ("+86 21 6234 5678", "02162345678", PhoneKind.LANDLINE),
        ("+86-21-62345678", "02162345678", PhoneKind.LANDLINE),
    ],
)
def test_valid_numbers(value: str, compact: str, kind: PhoneKind) -> None:
    assert phone.check(value) == ()
    assert phone.validate(value) == compact
    assert phone.compact(value) == compact
    assert phone.kind(value) is kind


@pytest.mark.parametrize(
    ("value", "expected", "error"),
    [
        ("62345678", ["PHONE_NO_AREA_CODE"], InvalidComponent),  # seed 000: landline, no area
        ("6234567", ["PHONE_NO_AREA_CODE"], InvalidComponent),  # PHS (小灵通), no area code
        ("0-21-62345678", ["PHONE_SEPARATOR_IN_AREA_CODE"], InvalidFormat),  # seed 000
        ("02-162345678", ["PHONE_SEPARATOR_IN_AREA_CODE"], InvalidFormat),
        ("057-188888888", ["PHONE_SEPARATOR_IN_AREA_CODE"], InvalidFormat),
        ("(02)162345678", ["PHONE_SEPARATOR_IN_AREA_CODE"], InvalidFormat),
        ("1381234567", ["PHONE_LENGTH"], InvalidLength),  # seed 000: wrong digit count
        ("138123456789", ["PHONE_LENGTH"], InvalidLength),
        ("0571-8888888", ["PHONE_LENGTH"], InvalidLength),  # Hangzhou has 8 digits
        ("021-623456789", ["PHONE_LENGTH"], InvalidLength),
        ("12012345678", ["PHONE_UNKNOWN_PREFIX"], InvalidComponent),
        ("0001-2345678", ["PHONE_UNKNOWN_AREA_CODE"], InvalidComponent),
        ("021-12345678", ["PHONE_FORMAT"], InvalidFormat),  # local numbers never start with 1
        ("400-820-8820", ["PHONE_FORMAT"], InvalidFormat),  # a service number
        ("138-1234-567a", ["PHONE_FORMAT"], InvalidFormat),
        ("138 1234 5678 转 8", ["PHONE_FORMAT"], InvalidFormat),
        ("", ["PHONE_MISSING"], InvalidLength),
    ],
)
def test_invalid_numbers(value: str, expected: list[str], error: type[Exception]) -> None:
    assert codes(value) == expected
    with pytest.raises(error):
        phone.validate(value)
    assert not phone.is_valid(value)


def test_messages_do_not_repeat_the_number() -> None:
    for value in ("1381234567", "0571-8888888", "62345678"):
        for violation in phone.check(value):
            assert value not in violation.message
            assert phone.compact(value) not in violation.message


def test_format_and_e164() -> None:
    assert phone.format("+8613812345678") == "138 1234 5678"
    assert phone.format("0571 8888 8888") == "0571-88888888"
    assert phone.to_e164("138-1234-5678") == "+8613812345678"
    assert phone.to_e164("(0571)88888888") == "+8657188888888"
    with pytest.raises(InvalidComponent):
        phone.to_e164("62345678")


def test_policy_tables_can_be_replaced() -> None:
    policy = phone.PhonePolicy(area_codes={"021": (8,)}, mobile_prefixes=frozenset({"139"}))
    assert codes("0571-88888888", policy=policy) == ["PHONE_UNKNOWN_AREA_CODE"]
    assert codes("13812345678", policy=policy) == ["PHONE_UNKNOWN_PREFIX"]
    assert codes("13912345678", policy=policy) == []


@given(mobiles() | landlines())
def test_generated_numbers_validate_and_round_trip_through_e164(value: str) -> None:
    assert phone.check(value) == ()
    e164 = phone.to_e164(value)
    assert e164.startswith("+86")
    assert phone.compact(e164) == value
    assert phone.compact(phone.format(value)) == value


@given(landlines())
def test_dropping_the_area_code_is_reported(value: str) -> None:
    area = phone.DEFAULT_POLICY.area_code(value)
    assert area is not None
    assert codes(value[len(area) :]) == ["PHONE_NO_AREA_CODE"]


@given(landlines(), st.data())
def test_a_separator_inside_the_area_code_is_reported(value: str, data: st.DataObject) -> None:
    area = phone.DEFAULT_POLICY.area_code(value)
    assert area is not None
    at = data.draw(st.integers(min_value=1, max_value=len(area) - 1))
    symbol = data.draw(st.sampled_from(["-", " ", ")", "."]))
    assert codes(value[:at] + symbol + value[at:]) == ["PHONE_SEPARATOR_IN_AREA_CODE"]
    assert codes(area + "-" + value[len(area) :]) == []


@given(mobiles(), st.integers(min_value=1, max_value=3), st.booleans())
def test_a_mobile_with_digits_missing_or_extra_is_a_length_error(
    value: str, count: int, extra: bool
) -> None:
    changed = value + "0" * count if extra else value[:-count]
    assert codes(changed) == ["PHONE_LENGTH"]
