"""Salutations the way a Chinese dealer writes them."""

from __future__ import annotations

import pytest

from crm_core.domain.customer import Customer, CustomerType, Gender
from crm_core.domain.ids import CustomerId, DealerId
from crm_core.texts.catalog import Catalogs
from crm_core.texts.names import salutation, surname

ZH = Catalogs().translations("zh_CN").gettext
EN = Catalogs().translations("en").gettext


def _person(name: str, gender: Gender) -> Customer:
    return Customer(
        id=CustomerId("C1"),
        dealer_id=DealerId("D1"),
        type=CustomerType.INDIVIDUAL,
        name=name,
        gender=gender,
    )


def _company(name: str, contact: str | None) -> Customer:
    return Customer(
        id=CustomerId("C2"),
        dealer_id=DealerId("D1"),
        type=CustomerType.COMPANY,
        name=name,
        contact_person=contact,
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("王伟", "王"),
        ("欧阳娜娜", "欧阳"),
        ("司马光", "司马"),
        ("诸葛亮", "诸葛"),
        ("单于", "单于"),  # a compound surname alone
        ("张", "张"),
        ("John Smith", "Smith"),
        ("  李娜 ", "李"),
        ("阿卜杜拉·买买提", "阿卜杜拉·买买提"),
        ("", ""),
    ],
)
def test_surname(name: str, expected: str) -> None:
    assert surname(name) == expected


def test_a_host_can_add_compound_surnames() -> None:
    assert surname("老李明") == "老"
    assert surname("老李明", compound={"老李"}) == "老李"


@pytest.mark.parametrize(
    ("name", "gender", "zh", "en"),
    [
        ("王伟", Gender.MALE, "王先生", "Mr 王"),
        ("李娜", Gender.FEMALE, "李女士", "Ms 李"),
        ("欧阳娜娜", Gender.FEMALE, "欧阳女士", "Ms 欧阳"),
        ("王芳", Gender.UNKNOWN, "王芳", "王芳"),  # no guessing
        ("王先生", Gender.MALE, "王先生", "王先生"),  # already titled: used as it is
        ("John Smith", Gender.MALE, "Smith先生", "Mr Smith"),
    ],
)
def test_individuals(name: str, gender: Gender, zh: str, en: str) -> None:
    customer = _person(name, gender)
    assert salutation(customer, ZH) == zh
    assert salutation(customer, EN) == en


def test_company_through_its_contact_person() -> None:
    company = _company("上海某某物流有限公司", "张伟")
    assert salutation(company, ZH) == "上海某某物流有限公司 张伟"
    assert salutation(company, EN) == "张伟 (上海某某物流有限公司)"


@pytest.mark.parametrize("contact", [None, "", "  "])
def test_company_without_a_contact_person(contact: str | None) -> None:
    assert salutation(_company("上海某某物流有限公司", contact), ZH) == "上海某某物流有限公司"
