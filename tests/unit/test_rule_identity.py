"""Person names, resident ID numbers, credit codes and e-mail addresses."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_core import Gender
from crm_core.domain.rules import Severity, email, id_card, person_name, uscc
from crm_core.domain.rules._cn_tables import DIVISION_CODES
from crm_core.errors import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from crm_core.testing.strategies import chinese_names, resident_ids, usccs


def codes(module: object, value: object, **kw: object) -> list[str]:
    return [v.code for v in module.check(value, **kw)]  # type: ignore[attr-defined]


# --- person names ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["王芳", "欧阳娜娜", "诸葛亮", "买买提·艾力", "Zhang Wei", "Jean-Pierre O'Neil"]
)
def test_valid_names(value: str) -> None:
    assert person_name.check(value) == ()
    assert person_name.validate(value) == value


@pytest.mark.parametrize(
    ("value", "expected", "error"),
    [
        ("王先生", ["NAME_TITLE"], InvalidComponent),  # seed 000: a title
        ("李小姐", ["NAME_TITLE"], InvalidComponent),
        ("陈女士", ["NAME_TITLE"], InvalidComponent),
        ("刘太太", ["NAME_TITLE"], InvalidComponent),
        ("张总", ["NAME_TITLE"], InvalidComponent),
        ("Mr. John Smith", ["NAME_TITLE"], InvalidComponent),
        ("王 芳", ["NAME_SPACE"], None),  # seed 000: spaces (compact removes them)
        ("王\u3000芳", ["NAME_SPACE"], None),
        ("王-芳", ["NAME_JOINING_SYMBOL"], InvalidFormat),  # seed 000: joining symbols
        ("王_芳", ["NAME_JOINING_SYMBOL"], InvalidFormat),
        ("王芳2", ["NAME_DIGITS"], InvalidFormat),  # seed 000: digits
        ("王先生2", ["NAME_TITLE", "NAME_DIGITS"], InvalidComponent),
        ("杭州顺达物流有限公司", ["NAME_COMPANY"], InvalidComponent),  # the reporter defect
        ("ABC Trading Co., Ltd", ["NAME_COMPANY", "NAME_JOINING_SYMBOL"], InvalidComponent),
        ("客户", ["NAME_PLACEHOLDER"], InvalidFormat),
        ("先生", ["NAME_PLACEHOLDER"], InvalidFormat),
        ("王芳😀", ["NAME_CHARACTERS"], InvalidFormat),
        ("", ["NAME_MISSING"], InvalidLength),
        ("王" * 31, ["NAME_LENGTH"], InvalidLength),
    ],
)
def test_invalid_names(value: str, expected: list[str], error: type[Exception] | None) -> None:
    assert codes(person_name, value) == expected
    if error is None:
        assert person_name.validate(value) == "王芳"
    else:
        with pytest.raises(error):
            person_name.validate(value)


def test_single_character_name_is_a_warning() -> None:
    found = person_name.check("王")
    assert [(v.code, v.severity) for v in found] == [("NAME_TOO_SHORT", Severity.WARNING)]


def test_name_policy_is_data() -> None:
    policy = person_name.NamePolicy(titles=("老板",), company_markers=("车队",))
    assert codes(person_name, "王先生", policy=policy) == []
    assert codes(person_name, "王老板", policy=policy) == ["NAME_TITLE"]
    assert codes(person_name, "顺风车队", policy=policy) == ["NAME_COMPANY"]
    assert person_name.looks_like_company("上汽集团")
    assert not person_name.looks_like_company("王芳")


@given(chinese_names())
def test_generated_names_are_clean(value: str) -> None:
    assert person_name.check(value) == ()


@given(chinese_names(), st.sampled_from(["先生", "小姐", "女士", "太太"]))
def test_any_name_with_a_title_is_reported(value: str, title: str) -> None:
    assert codes(person_name, value + title) == ["NAME_TITLE"]


@given(chinese_names(), st.integers(min_value=0, max_value=9), st.data())
def test_a_digit_anywhere_is_reported(value: str, digit: int, data: st.DataObject) -> None:
    at = data.draw(st.integers(min_value=0, max_value=len(value)))
    assert codes(person_name, value[:at] + str(digit) + value[at:]) == ["NAME_DIGITS"]


# --- resident ID numbers ---------------------------------------------------------------

VALID_ID = "11010519491231002X"  # the GB 11643 example


def _with_check(first17: str) -> str:
    return first17 + id_card.calc_check_digit(first17)


def test_valid_id_number() -> None:
    assert id_card.validate(VALID_ID) == VALID_ID
    assert id_card.validate("11010519491231002x") == VALID_ID
    assert id_card.birth_date(VALID_ID) == date(1949, 12, 31)
    assert id_card.gender(VALID_ID) is Gender.FEMALE
    assert id_card.calc_check_digit(VALID_ID) == "X"


@pytest.mark.parametrize(
    ("value", "expected", "error"),
    [
        ("110105194912310021", ["ID_CARD_CHECKSUM"], InvalidChecksum),
        ("11010519491231002", ["ID_CARD_LENGTH"], InvalidLength),
        ("110105491231002", ["ID_CARD_FIRST_GENERATION"], InvalidLength),
        ("11010519491231X02X", ["ID_CARD_FORMAT"], InvalidFormat),
        (_with_check("11010519490230002"), ["ID_CARD_BIRTH_DATE"], InvalidComponent),
        (_with_check("11010518991231002"), ["ID_CARD_BIRTH_DATE"], InvalidComponent),
        (_with_check("99010519491231002"), ["ID_CARD_PROVINCE"], InvalidComponent),
        ("", ["ID_CARD_MISSING"], InvalidLength),
    ],
)
def test_invalid_id_numbers(value: str, expected: list[str], error: type[Exception]) -> None:
    assert codes(id_card, value) == expected
    with pytest.raises(error):
        id_card.validate(value)


def test_unlisted_area_code_is_a_warning_not_an_error() -> None:
    # a county code of Henan (41) that no edition of GB/T 2260 lists: counties are
    # merged and renamed while their people keep their numbers (python-stdnum #442)
    assert "419999" not in DIVISION_CODES
    number = _with_check("41999919800101001")
    found = id_card.check(number)
    assert [(v.code, v.severity) for v in found] == [("ID_CARD_AREA_UNKNOWN", Severity.WARNING)]
    assert id_card.is_valid(number)
    strict = id_card.IdCardPolicy(unknown_area_severity=Severity.ERROR)
    with pytest.raises(InvalidComponent):
        id_card.validate(number, strict)


def test_county_created_after_the_birth_is_valid() -> None:
    # 412702 (项城市) exists since 1993; a person born there in 1980 got it with their
    # first ID card. python-stdnum compares the county's years with the birth year and
    # rejects such numbers; GB 11643 takes the code of the place of registration.
    assert id_card.check(_with_check("41270219800101001")) == ()


def test_future_birth_date_needs_today() -> None:
    number = _with_check("11010520300101001")
    assert id_card.check(number) == ()
    assert codes(id_card, number, today=date(2026, 3, 1)) == ["ID_CARD_BIRTH_DATE"]


@given(resident_ids())
def test_generated_ids_validate(value: str) -> None:
    assert id_card.check(value) == ()
    assert id_card.birth_date(value).year >= 1920


@given(resident_ids(), st.integers(min_value=0, max_value=16), st.data())
def test_one_changed_digit_breaks_the_checksum(
    value: str, position: int, data: st.DataObject
) -> None:
    digit = data.draw(st.sampled_from([d for d in "0123456789" if d != value[position]]))
    changed = value[:position] + digit + value[position + 1 :]
    assert "ID_CARD_CHECKSUM" in codes(id_card, changed)


# --- unified social credit codes -------------------------------------------------------


@pytest.mark.parametrize("value", ["91110000600037341L", "91310000MA1FL4T27Y"])
def test_valid_usccs(value: str) -> None:
    assert uscc.check(value) == ()
    assert uscc.validate(value.lower()) == value


@pytest.mark.parametrize(
    ("value", "expected", "error"),
    [
        ("91110000600037341A", ["USCC_CHECKSUM"], InvalidChecksum),
        ("9111000060003734", ["USCC_LENGTH"], InvalidLength),
        ("911100006000373410L", ["USCC_LENGTH"], InvalidLength),
        ("91110000600037I41L", ["USCC_FORMAT"], InvalidFormat),  # no I
        ("911A0000600037341L", ["USCC_FORMAT"], InvalidFormat),  # area code digits
        ("", ["USCC_MISSING"], InvalidLength),
    ],
)
def test_invalid_usccs(value: str, expected: list[str], error: type[Exception]) -> None:
    assert codes(uscc, value) == expected
    with pytest.raises(error):
        uscc.validate(value)


def test_unknown_registration_authority_is_a_warning() -> None:
    first17 = "B1110000600037341"
    code = first17 + uscc.calc_check_digit(first17)
    found = uscc.check(code)
    assert [(v.code, v.severity) for v in found] == [("USCC_AUTHORITY", Severity.WARNING)]
    assert uscc.is_valid(code)


@given(usccs())
def test_generated_usccs_validate(value: str) -> None:
    assert uscc.check(value) == ()


@given(usccs(), st.integers(min_value=0, max_value=16), st.data())
def test_one_changed_character_breaks_the_uscc_checksum(
    value: str, position: int, data: st.DataObject
) -> None:
    pool = "0123456789" if 2 <= position <= 7 else uscc.ALPHABET
    char = data.draw(st.sampled_from([c for c in pool if c != value[position]]))
    changed = value[:position] + char + value[position + 1 :]
    assert "USCC_CHECKSUM" in codes(uscc, changed)


# --- e-mail ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "validated"),
    [
        ("wang.fang@example.com", "wang.fang@example.com"),
        ("Wang.Fang@QQ.COM", "Wang.Fang@qq.com"),
        ("zhang+crm@mail.xn--fiqs8s", "zhang+crm@mail.xn--fiqs8s"),
        ("li_ming＠163.com", "li_ming@163.com"),
    ],
)
def test_valid_emails(value: str, validated: str) -> None:
    assert email.validate(value) == validated
    assert email.is_valid(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("wang.fang", ["EMAIL_FORMAT"]),
        ("wang@@qq.com", ["EMAIL_FORMAT"]),
        ("wang@qq", ["EMAIL_FORMAT"]),
        ("wang fang@qq.com", ["EMAIL_FORMAT"]),
        (".wang@qq.com", ["EMAIL_FORMAT"]),
        ("wang@-qq.com", ["EMAIL_FORMAT"]),
        ("王芳@qq.com", ["EMAIL_FORMAT"]),
        ("a" * 65 + "@qq.com", ["EMAIL_LENGTH"]),
        ("a@" + "b" * 250 + ".com", ["EMAIL_LENGTH"]),
        ("", ["EMAIL_MISSING"]),
    ],
)
def test_invalid_emails(value: str, expected: list[str]) -> None:
    assert codes(email, value) == expected
    assert not email.is_valid(value)


def test_misspelt_provider_is_a_warning() -> None:
    found = email.check("wang@qq.con")
    assert [(v.code, v.severity, v.message) for v in found] == [
        ("EMAIL_DOMAIN_TYPO", Severity.WARNING, "did you mean @qq.com?")
    ]
    assert email.is_valid("wang@qq.con")
    assert email.check("wang@qq.con", policy=email.EmailPolicy(domain_typos={})) == ()


@settings(max_examples=30)  # st.emails() is slow to generate
@given(st.emails())
def test_generated_addresses_validate(value: str) -> None:
    assert not any(v.is_error for v in email.check(value))
