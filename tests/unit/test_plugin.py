"""The pytest plugin and rule assertions, seen from a host's test suite (pytester)."""

from __future__ import annotations

import pytest

from crm_core import Customer, CustomerId, CustomerType, DealerId, Vehicle, VehicleId
from crm_core.domain.rules import SaleReport
from crm_core.testing.assertions import (
    RuleAssertions,
    assert_valid,
    assert_valid_customer,
    assert_valid_vehicle,
    assert_violations,
    violations_of,
)

pytest_plugins = ["pytester"]

HOST_RECORDS = """
import pytest
from crm_core import Customer, CustomerType, Vehicle
from crm_core.testing.assertions import assert_valid_customer, assert_violations

def customer(name, mobile="13912345678"):
    return Customer(id="C9", dealer_id="D1", type=CustomerType.INDIVIDUAL, name=name,
                    mobile=mobile)
"""


def test_plugin_fixtures_are_available_in_a_host_suite(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HOST_RECORDS
        + """
def test_clean(crm_rules):
    crm_rules.assert_valid(customer("王芳"))

def test_known_defect(crm_rules):
    found = crm_rules.assert_violations(customer("王先生"), {"NAME_TITLE"})
    assert found[0].field == "name"

def test_plain_functions():
    assert_valid_customer(customer("李明"))
    assert_violations(Vehicle(id="V", dealer_id="D", vin="LSVAU218XN2183294",
                              plate="沪A-12345"), {"PLATE_JOINING_SYMBOL"})
"""
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)


def test_failure_message_lists_the_violations(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HOST_RECORDS
        + """
def test_dirty(crm_rules):
    crm_rules.assert_valid(customer("王 芳2", mobile="62345678"))
"""
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*AssertionError: Customer C9 has 3 violation(s):",
            "*NAME_DIGITS [[]error[]] name: contains digits",
            "*NAME_SPACE [[]error[]] name: contains spaces",
            "*PHONE_NO_AREA_CODE [[]error[]] mobile: *without its area code",
        ]
    )


def test_host_overrides_policy_and_staff_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
import pytest
from crm_core.domain.rules import RulePolicy, Severity, StaffPhones

@pytest.fixture
def crm_rule_policy():
    return RulePolicy(severity_overrides={"NAME_TITLE": Severity.WARNING})

@pytest.fixture
def crm_staff_phones():
    return StaffPhones.of(["139-1234-5678"])
"""
    )
    pytester.makepyfile(
        HOST_RECORDS
        + """
def test_title_is_only_a_warning_here(crm_rules):
    crm_rules.assert_valid(customer("王先生", mobile="13800000000"))

def test_staff_number_is_caught(crm_rules):
    crm_rules.assert_violations(customer("王芳"), {"PHONE_STAFF_NUMBER"})
"""
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def _customer(name: str, **kw: str) -> Customer:
    return Customer(
        id=CustomerId("C1"),
        dealer_id=DealerId("D1"),
        type=CustomerType.INDIVIDUAL,
        name=name,
        mobile=kw.get("mobile", "13912345678"),
        email=kw.get("email"),
    )


def test_assert_violations_reports_missing_and_unexpected_codes() -> None:
    with pytest.raises(AssertionError) as caught:
        assert_violations(_customer("王先生"), {"NAME_DIGITS"})
    message = str(caught.value)
    assert "NAME_TITLE [error] name" in message
    assert "missing: NAME_DIGITS" in message
    assert "unexpected: NAME_TITLE" in message


def test_assert_violations_refuses_a_bare_code_string() -> None:
    # a str is a Collection[str] of letters: it would fail with "missing: A, E, I, …"
    record = _customer("王先生")
    with pytest.raises(TypeError, match=r"\{'NAME_TITLE'\}, not the string 'NAME_TITLE'"):
        assert_violations(record, "NAME_TITLE")
    with pytest.raises(TypeError, match="not the string"):
        RuleAssertions().assert_violations(record, "NAME_TITLE", exact=False)
    assert [v.code for v in assert_violations(record, ("NAME_TITLE",))] == ["NAME_TITLE"]


def test_assert_violations_subset_mode() -> None:
    record = _customer("王先生2")
    found = assert_violations(record, {"NAME_TITLE"}, exact=False)
    assert {v.code for v in found} == {"NAME_TITLE", "NAME_DIGITS"}
    with pytest.raises(AssertionError, match="has no violations\nmissing: NAME_TITLE"):
        assert_violations(_customer("王芳"), {"NAME_TITLE"})


def test_warnings_pass_unless_strict() -> None:
    record = _customer("王芳", email="wang@qq.con")
    assert_valid_customer(record)
    with pytest.raises(AssertionError, match="EMAIL_DOMAIN_TYPO"):
        assert_valid_customer(record, strict=True)


def test_assertions_dispatch_on_record_type() -> None:
    vehicle = Vehicle(
        id=VehicleId("V1"), dealer_id=DealerId("D1"), vin="LSVAU218XN2183294", plate="沪A12345"
    )
    assert_valid_vehicle(vehicle)
    assert_valid(vehicle)
    assert violations_of(vehicle) == ()
    with pytest.raises(TypeError, match="not str"):
        RuleAssertions().violations_of("沪A12345")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="expected a Customer, not Vehicle"):
        assert_valid_customer(vehicle)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="expected a Vehicle, not Customer"):
        assert_valid_vehicle(_customer("王芳"))  # type: ignore[arg-type]
    assert isinstance(SaleReport, type)
