from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_core.domain.rules import Severity, plate
from crm_core.errors import InvalidComponent, InvalidFormat, InvalidLength
from crm_core.testing.strategies import plates


def codes(value: object, **kw: object) -> list[str]:
    return [v.code for v in plate.check(value, **kw)]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "value",
    [
        "沪A12345",  # ordinary
        "京N8P8F8",  # ordinary with letters in the serial
        "粤BD12345",  # small new-energy, battery electric
        "浙AFA1234",  # small new-energy, letter in position 4
        "苏E12345D",  # large new-energy
        "京A1234学",  # driving school
        "沪A0001警",  # police
        "鲁B1234挂",  # trailer
        "沪A1234领",  # consulate
        "粤Z1234港",  # Hong Kong car in Guangdong
        "粤Z5678澳",  # Macao
        "使014578",  # embassy, old form
        "224578使",  # embassy, new form
    ],
)
def test_valid_plates(value: str) -> None:
    assert plate.check(value) == ()
    assert plate.validate(value) == value
    assert plate.is_valid(value)


@pytest.mark.parametrize(
    ("value", "expected", "error"),
    [
        ("沪A-12345", ["PLATE_JOINING_SYMBOL"], None),  # seed 000: joining symbol
        ("沪A·12345", ["PLATE_JOINING_SYMBOL"], None),
        ("沪A 12345", ["PLATE_JOINING_SYMBOL"], None),
        ("A12345", ["PLATE_NO_PROVINCE"], InvalidComponent),  # seed 000: no province
        ("AD12345", ["PLATE_NO_PROVINCE"], InvalidComponent),
        ("A-12345", ["PLATE_JOINING_SYMBOL", "PLATE_NO_PROVINCE"], InvalidComponent),
        ("港A12345", ["PLATE_UNKNOWN_PROVINCE"], InvalidComponent),
        ("沪A1234O", ["PLATE_LETTER_I_O"], InvalidFormat),
        ("沪I12345", ["PLATE_LETTER_I_O"], InvalidFormat),
        ("沪A123", ["PLATE_LENGTH"], InvalidLength),
        ("沪A1234567", ["PLATE_LENGTH"], InvalidLength),
        ("沪12345A", ["PLATE_FORMAT"], InvalidFormat),
        ("沪A1234港", ["PLATE_FORMAT"], InvalidFormat),  # 港 only on 粤Z plates
        ("沪AX12345", ["PLATE_FORMAT"], InvalidFormat),  # 8 characters, not new energy
        ("无牌", ["PLATE_PLACEHOLDER"], InvalidFormat),
        ("", ["PLATE_MISSING"], InvalidLength),
    ],
)
def test_invalid_plates(value: str, expected: list[str], error: type[Exception] | None) -> None:
    assert codes(value) == expected
    assert all(v.severity is Severity.ERROR for v in plate.check(value))
    if error is None:  # a joining symbol is a defect of the record, not of the plate
        assert plate.validate(value) == plate.compact(value)
    else:
        with pytest.raises(error):
            plate.validate(value)


def test_lower_case_and_full_width_are_warnings() -> None:
    for value in ("沪a12345", "沪Ａ１２３４５"):
        found = plate.check(value)
        assert [(v.code, v.severity) for v in found] == [("PLATE_NOT_NORMALISED", Severity.WARNING)]
        assert plate.validate(value) == "沪A12345"


def test_policy_can_change_provinces_suffixes_and_placeholders() -> None:
    policy = plate.PlatePolicy(special_suffixes="学", placeholders=frozenset({"待上牌"}))
    assert codes("沪A1234警", policy=policy) == ["PLATE_FORMAT"]
    assert codes("粤Z1234港", policy=policy) == ["PLATE_FORMAT"]
    assert codes("待上牌", policy=policy) == ["PLATE_PLACEHOLDER"]
    assert codes("京A1234学", policy=policy) == []
    assert plate.PlatePolicy(provinces="沪").is_placeholder(" 无牌 ")


@given(plates())
def test_generated_plates_validate(value: str) -> None:
    assert plate.check(value) == ()
    assert plate.format(value) == value


@given(plates(), st.sampled_from("-·. _"), st.integers(min_value=1, max_value=6))
def test_a_joining_symbol_anywhere_is_reported(value: str, symbol: str, at: int) -> None:
    joined = value[:at] + symbol + value[at:]
    assert "PLATE_JOINING_SYMBOL" in codes(joined)
    assert plate.compact(joined) == value


@given(plates().filter(lambda p: p[0] in plate.PROVINCES))
def test_dropping_the_province_is_reported(value: str) -> None:
    assert codes(value[1:]) == ["PLATE_NO_PROVINCE"]
