from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_core.domain.rules import Severity, vin
from crm_core.errors import InvalidChecksum, InvalidFormat, InvalidLength
from crm_core.testing.strategies import vins

# real-looking VINs with correct check digits
VALID = [
    "LSVAU218XN2183294",  # SAIC Volkswagen
    "LFV2A21K8A3000001",  # FAW-Volkswagen
    "1M8GDM9AXKP042788",  # the 49 CFR 565 worked example
    "WVWZZZ1JZXW000001",  # European, no check digit: advisory only
]


def codes(value: object, **kw: object) -> list[str]:
    return [v.code for v in vin.check(value, **kw)]  # type: ignore[arg-type]


@pytest.mark.parametrize("value", VALID)
def test_valid_vins(value: str) -> None:
    assert vin.validate(value) == value
    assert vin.is_valid(value)
    assert vin.format(value) == value


@pytest.mark.parametrize(
    ("value", "expected", "error"),
    [
        ("LSVAU2180N2183294", ["VIN_CHECK_DIGIT"], InvalidChecksum),  # China: mandatory
        ("1M8GDM9A1KP042788", ["VIN_CHECK_DIGIT"], InvalidChecksum),  # North America
        ("LSVAU218XN218329", ["VIN_LENGTH"], InvalidLength),
        ("LSVAU218XN21832945", ["VIN_LENGTH"], InvalidLength),
        ("LSVAU218XN218329O", ["VIN_FORBIDDEN_LETTER"], InvalidFormat),
        ("LSVIU218XN2183294", ["VIN_FORBIDDEN_LETTER"], InvalidFormat),
        ("LSVAU218XN218329*", ["VIN_FORMAT"], InvalidFormat),
        ("DC12345678901", ["VIN_LEGACY_LENGTH"], InvalidLength),  # seed 000: DC… < 16
        ("LDC61234567890AB", ["VIN_LEGACY_LENGTH"], InvalidLength),  # seed 000: LDC… < 17
        ("", ["VIN_MISSING"], InvalidLength),
    ],
)
def test_invalid_vins(value: str, expected: list[str], error: type[Exception]) -> None:
    assert codes(value) == expected
    with pytest.raises(error):
        vin.validate(value)
    assert not vin.is_valid(value)


def test_error_names_the_field_and_not_the_value() -> None:
    with pytest.raises(InvalidChecksum) as caught:
        vin.validate("LSVAU2180N2183294")
    assert caught.value.field == "vin"
    assert "LSVAU2180N2183294" not in str(caught.value)


def test_legacy_dc_frame_number_is_a_warning_in_check_but_not_a_vin() -> None:
    found = vin.check("DC1234567890ABCD")  # 16 characters
    assert [(v.code, v.severity) for v in found] == [("VIN_LEGACY", Severity.WARNING)]
    with pytest.raises(InvalidLength, match="a VIN has 17"):
        vin.validate("DC1234567890ABCD")


def test_european_vin_without_check_digit_is_a_warning() -> None:
    found = vin.check("WVWZZZ1JZXW000001")
    assert [(v.code, v.severity) for v in found] == [("VIN_CHECK_DIGIT", Severity.WARNING)]


def test_check_digit_policy_per_region_is_configurable() -> None:
    strict_europe = vin.VinPolicy(regions={"W": Severity.ERROR, "WVW": Severity.WARNING})
    assert strict_europe.severity_for("WAUZZZ8V0KA000001") is Severity.ERROR
    assert strict_europe.severity_for("WVWZZZ1JZXW000001") is Severity.WARNING
    assert strict_europe.severity_for("LSVAU2180N2183294") is Severity.WARNING
    assert not vin.is_valid("WAUZZZ8V0KA000001", strict_europe)
    assert vin.is_valid("LSVAU2180N2183294", strict_europe)


@pytest.mark.parametrize("year", ["I", "O", "Q", "U", "Z", "0"])
def test_position_10_must_be_a_model_year_code(year: str) -> None:
    body = "LSVAU218X" + year + "2183294"
    if year in "IOQ":
        assert codes(body) == ["VIN_FORBIDDEN_LETTER"]
        with pytest.raises(InvalidFormat):
            vin.calc_check_digit(body)
        return
    number = body[:8] + vin.calc_check_digit(body) + body[9:]
    assert codes(number) == ["VIN_MODEL_YEAR"]
    european = "WVWZZZ1JZ" + year + "W000001"
    if year not in "IOQ":
        found = vin.check(european)
        assert ("VIN_MODEL_YEAR", Severity.WARNING) in [(v.code, v.severity) for v in found]


def test_legacy_prefixes_are_configurable() -> None:
    none = vin.VinPolicy(legacy_prefixes=())
    assert codes("DC12345678901", policy=none) == ["VIN_LENGTH"]


def test_compact_and_not_normalised_warning() -> None:
    assert vin.compact(" lsvau218x-n2183294 ") == "LSVAU218XN2183294"
    assert vin.compact("ＬＳＶＡＵ218XN2183294") == "LSVAU218XN2183294"
    found = vin.check("lsvau218xn2183294")
    assert [(v.code, v.severity) for v in found] == [("VIN_NOT_NORMALISED", Severity.WARNING)]


def test_check_digit_x_and_transliteration() -> None:
    assert vin.calc_check_digit("1M8GDM9A_KP042788") == "X"
    assert vin.calc_check_digit("LSVAU218_N2183294") == "X"
    assert vin.calc_check_digit("LFV2A21K_A3000001") == "8"


@given(vins())
def test_generated_vins_validate(value: str) -> None:
    assert vin.validate(value) == value
    assert vin.check(value) == ()


@given(vins(wmi="LSV"), st.integers(min_value=0, max_value=16), st.data())
def test_one_changed_character_breaks_the_check_digit(
    value: str, position: int, data: st.DataObject
) -> None:
    values = vin._TRANSLITERATION
    if position == 8:
        replacement = data.draw(st.sampled_from([c for c in "0123456789X" if c != value[8]]))
    else:
        replacement = data.draw(
            st.sampled_from([c for c in vin.ALPHABET if values[c] != values[value[position]]])
        )
    changed = value[:position] + replacement + value[position + 1 :]
    everywhere = vin.VinPolicy(regions={}, default_severity=Severity.ERROR)
    assert "VIN_CHECK_DIGIT" in codes(changed, policy=everywhere)
    with pytest.raises(InvalidChecksum):
        vin.validate(changed, everywhere)


@given(st.text(max_size=40))
def test_compact_is_idempotent(value: str) -> None:
    assert vin.compact(vin.compact(value)) == vin.compact(value)
