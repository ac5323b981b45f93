"""The record checks' inlined clean tests agree with the rule modules' own.

``check_customer`` and ``check_vehicle`` do not call each module's ``is_clean()``: they
bind its compiled pattern once per :class:`RulePolicy` and test the value in place (see
``checks._customer_check``). These properties hold each inlined test to the module: a
field value in an otherwise clean record draws violations exactly when the module's
``is_clean()`` turns it down, and then exactly the module's ``check()`` violations — for
generated clean values, their near misses and junk, under the default policy and a
host's.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs
from hypothesis import given
from hypothesis import strategies as st

from crm_core import Customer, DealerId, Vehicle, VehicleId
from crm_core.domain.rules import (
    RulePolicy,
    Violation,
    check_customer,
    check_vehicle,
    email,
    person_name,
    phone,
    plate,
    vin,
)
from crm_core.domain.rules.email import EmailPolicy
from crm_core.domain.rules.person_name import NamePolicy
from crm_core.domain.rules.phone import PhonePolicy
from crm_core.domain.rules.plate import PlatePolicy
from crm_core.testing import records
from crm_core.testing.strategies import chinese_names, landlines, mobiles, plates, vins

HOST_POLICY = RulePolicy(
    name=NamePolicy(titles=("先生", "总", "Mr"), company_markers=("厂", "公司", "LTD")),
    phone=PhonePolicy(mobile_prefixes=frozenset({"138", "1390"})),
    plate=PlatePolicy(special_suffixes="学警"),
    email=EmailPolicy(domain_typos={"qq.cm": "qq.com"}),
    stock_marker="库存车",
)
POLICIES = st.sampled_from([RulePolicy(), HOST_POLICY])
JUNK = st.sampled_from(
    [None, "", " ", "\t", 0, 13812345678, 1.5, b"x", "😀", "\x00", "None", "商品车", "库存车"]
)


def near_misses(values: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """A clean value with one character changed, dropped or added: what typing does."""

    def mutate(value: str, position: int, char: str, how: int) -> str:
        at = position % (len(value) + 1)
        if how == 0:
            return value[:at] + char + value[at + 1 :]
        if how == 1:
            return value[:at] + value[at + 1 :]
        return value[:at] + char + value[at:]

    chars = st.sampled_from("0189AIOXx-@. 先生公司总沪学警港" + "\u3000")
    return st.builds(mutate, values, st.integers(0, 40), chars, st.integers(0, 2))


def field_values(clean: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    return st.one_of(clean, near_misses(clean), st.text(max_size=20), JUNK)


def person(**changes: Any) -> Customer:
    customer = records.customer("C1", mobile="13812345678")  # 王芳, an individual
    for field, value in changes.items():  # as a host's import may: no validation
        object.__setattr__(customer, field, value)
    return customer


def car(**changes: Any) -> Vehicle:
    vehicle = Vehicle(
        id=VehicleId("V1"),
        dealer_id=DealerId("D1"),
        vin="LSVAU218XN2183294",
        plate="沪A12345",
        purchase_date=date(2026, 2, 20),
        delivery_date=date(2026, 2, 28),
    )
    return attrs.evolve(vehicle, **changes) if changes else vehicle


def on(field: str, found: tuple[Violation, ...]) -> tuple[Violation, ...]:
    return tuple(v for v in found if v.field == field)


def blank(value: object) -> bool:
    return not value or (isinstance(value, str) and value.isspace())


PLACEHOLDER_NAMES = st.sampled_from(sorted(NamePolicy().placeholders))
# passes the address pattern, but longer than the 254 characters an address may have
TOO_LONG_ADDRESS = "a" * 64 + "@" + ("b" * 63 + ".") * 3 + "com"


@given(st.one_of(field_values(chinese_names()), PLACEHOLDER_NAMES), POLICIES)
def test_name(value: Any, policy: RulePolicy) -> None:
    found = on("name", check_customer(person(name=value), policy=policy))
    if value == policy.stock_marker or person_name.is_clean(value, policy.name):
        assert found == ()
    else:
        assert found == person_name.check(value, field="name", policy=policy.name)


@given(field_values(st.one_of(mobiles(), landlines())), POLICIES)
def test_mobile(value: Any, policy: RulePolicy) -> None:
    found = on("mobile", check_customer(person(mobile=value), policy=policy))
    if blank(value):
        assert [v.code for v in found] == ["CUSTOMER_NO_PHONE"]
    elif phone.is_clean(value, policy.phone) and value.startswith("1"):
        assert found == ()
    else:
        expected = phone.check(value, field="mobile", policy=policy.phone)
        assert found[: len(expected)] == expected
        assert {v.code for v in found[len(expected) :]} <= {"PHONE_NOT_MOBILE"}


@given(field_values(st.one_of(mobiles(), landlines())), POLICIES)
def test_office_phone(value: Any, policy: RulePolicy) -> None:
    found = on("office_phone", check_customer(person(office_phone=value), policy=policy))
    if blank(value) or phone.is_clean(value, policy.phone):
        assert found == ()
    else:
        assert found == phone.check(value, field="office_phone", policy=policy.phone)


@given(st.one_of(field_values(st.emails()), st.just(TOO_LONG_ADDRESS)), POLICIES)
def test_email(value: Any, policy: RulePolicy) -> None:
    found = on("email", check_customer(person(email=value), policy=policy))
    if blank(value) or email.is_clean(value, policy.email):
        assert found == ()
    else:
        assert found == email.check(value, field="email", policy=policy.email)


@given(field_values(st.from_regex(r"[0-9]{6}", fullmatch=True)), POLICIES)
def test_postcode(value: Any, policy: RulePolicy) -> None:
    found = on("postcode", check_customer(person(postcode=value), policy=policy))
    six_digits = isinstance(value, str) and len(value) == 6 and value.isascii()
    assert (found == ()) == (blank(value) or (six_digits and value.isdigit()))


@given(field_values(vins()), POLICIES)
def test_vin(value: Any, policy: RulePolicy) -> None:
    found = on("vin", check_vehicle(car(vin=value), policy=policy))
    if vin.is_clean(value):
        assert found == ()
    else:
        assert found == vin.check(value, field="vin", policy=policy.vin)


@given(field_values(plates()), POLICIES)
def test_plate(value: Any, policy: RulePolicy) -> None:
    found = on("plate", check_vehicle(car(plate=value), policy=policy))
    if blank(value) or plate.is_clean(value, policy.plate):
        assert found == ()
    else:
        assert found == plate.check(value, field="plate", policy=policy.plate)
