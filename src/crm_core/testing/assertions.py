"""Rule assertions for a host's own test suite.

A DMS that embeds crm_core wants its fixtures and its import code held to the same rules
the library applies in production: ``assert_valid_customer(c)`` fails with the list of
violations, ``assert_violations(record, {"PLATE_NO_PROVINCE"})`` pins the defects a
known-bad record must show. The pytest plugin (:mod:`crm_core.testing.plugin`) exposes
the same through the ``crm_rules`` fixture, configured by the host's
``crm_rule_policy`` and ``crm_staff_phones`` fixtures.

>>> from crm_core import Vehicle
>>> v = Vehicle(id="V1", dealer_id="D1", vin="LSVAU218XN2183294", plate="A12345")
>>> assert_valid_vehicle(v)
Traceback (most recent call last):
    ...
AssertionError: Vehicle V1 has 1 violation(s):
  PLATE_NO_PROVINCE [error] plate: starts without the province abbreviation (沪, 京, 粤…)
>>> _ = assert_violations(v, {"PLATE_NO_PROVINCE"})
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

import attrs

from crm_core.domain.customer import Customer
from crm_core.domain.rules.checks import (
    DEFAULT_RULE_POLICY,
    NO_STAFF,
    RepairReport,
    RulePolicy,
    SaleReport,
    StaffPhones,
    check_customer,
    check_repair_order,
    check_sale_report,
    check_vehicle,
)
from crm_core.domain.rules.violation import Severity, Violation
from crm_core.domain.vehicle import Vehicle

__all__ = [
    "RuleAssertions",
    "assert_valid",
    "assert_valid_customer",
    "assert_valid_vehicle",
    "assert_violations",
    "violations_of",
]

Checkable = Customer | Vehicle | SaleReport | RepairReport


@attrs.frozen(slots=True)
class RuleAssertions:
    """Rule assertions bound to one policy, staff list and day: the ``crm_rules`` fixture."""

    policy: RulePolicy = DEFAULT_RULE_POLICY
    staff: StaffPhones = NO_STAFF
    today: date | None = None

    def violations_of(self, record: Checkable) -> tuple[Violation, ...]:
        """Run the check that fits the record's type."""
        if isinstance(record, Customer):
            return check_customer(record, staff=self.staff, policy=self.policy, today=self.today)
        if isinstance(record, Vehicle):
            return check_vehicle(record, policy=self.policy)
        if isinstance(record, SaleReport):
            return check_sale_report(record, staff=self.staff, policy=self.policy, today=self.today)
        if isinstance(record, RepairReport):
            return check_repair_order(
                record, staff=self.staff, policy=self.policy, today=self.today
            )
        raise TypeError(
            "crm_core rule assertions check a Customer, Vehicle, SaleReport or "
            f"RepairReport, not {type(record).__name__}"
        )

    def assert_valid(self, record: Checkable, *, strict: bool = False) -> None:
        """Fail when the record has an error (with ``strict``, also a warning)."""
        found = self.violations_of(record)
        failing = found if strict else tuple(v for v in found if v.severity is Severity.ERROR)
        if failing:
            raise AssertionError(_describe(record, failing))

    def assert_violations(
        self, record: Checkable, expected: Collection[str], *, exact: bool = True
    ) -> tuple[Violation, ...]:
        """Fail unless the record shows exactly the ``expected`` codes (with
        ``exact=False``: at least them). Returns the violations for further asserts.

        ``expected`` is a collection of codes, ``{"NAME_TITLE"}``: a bare string is
        refused with :class:`TypeError`, since it would be read as a set of letters and
        fail with "missing: A, E, I, L, M, N, T, _"."""
        if isinstance(expected, str):
            raise TypeError(
                f"expected rule codes as a collection, e.g. {{{expected!r}}}, "
                f"not the string {expected!r}"
            )
        found = self.violations_of(record)
        codes = {v.code for v in found}
        wanted = set(expected)
        missing = wanted - codes
        unexpected = codes - wanted if exact else set()
        if missing or unexpected:
            lines = [_describe(record, found)]
            if missing:
                lines.append(f"missing: {', '.join(sorted(missing))}")
            if unexpected:
                lines.append(f"unexpected: {', '.join(sorted(unexpected))}")
            raise AssertionError("\n".join(lines))
        return found


def _name(record: object) -> str:
    ident = getattr(record, "id", None)
    if ident is None:
        inner = getattr(record, "sale", None) or getattr(record, "order", None)
        ident = getattr(inner, "id", None)
    return f"{type(record).__name__} {ident}" if ident else type(record).__name__


def _describe(record: object, violations: Collection[Violation]) -> str:
    if not violations:
        return f"{_name(record)} has no violations"
    listed = "\n".join(f"  {v}" for v in violations)
    return f"{_name(record)} has {len(violations)} violation(s):\n{listed}"


_DEFAULT = RuleAssertions()


def violations_of(record: Checkable) -> tuple[Violation, ...]:
    """The violations of any checkable record, under the default policy."""
    return _DEFAULT.violations_of(record)


def assert_valid(record: Checkable, *, strict: bool = False) -> None:
    """Fail, listing the violations, when any checkable record has an error (default policy).

    A customer, vehicle, sale report or repair report; with ``strict`` a warning fails too.
    """
    _DEFAULT.assert_valid(record, strict=strict)


def assert_valid_customer(
    customer: Customer,
    *,
    staff: StaffPhones = NO_STAFF,
    policy: RulePolicy = DEFAULT_RULE_POLICY,
    today: date | None = None,
    strict: bool = False,
) -> None:
    """Fail, listing the violations, when the customer record has an error."""
    if not isinstance(customer, Customer):
        raise TypeError(f"expected a Customer, not {type(customer).__name__}")
    RuleAssertions(policy, staff, today).assert_valid(customer, strict=strict)


def assert_valid_vehicle(
    vehicle: Vehicle, *, policy: RulePolicy = DEFAULT_RULE_POLICY, strict: bool = False
) -> None:
    """Fail, listing the violations, when the vehicle record has an error."""
    if not isinstance(vehicle, Vehicle):
        raise TypeError(f"expected a Vehicle, not {type(vehicle).__name__}")
    RuleAssertions(policy).assert_valid(vehicle, strict=strict)


def assert_violations(
    record: Checkable,
    expected: Collection[str],
    *,
    exact: bool = True,
    staff: StaffPhones = NO_STAFF,
    policy: RulePolicy = DEFAULT_RULE_POLICY,
    today: date | None = None,
) -> tuple[Violation, ...]:
    """Fail unless ``record`` shows exactly the rule codes in ``expected``."""
    return RuleAssertions(policy, staff, today).assert_violations(record, expected, exact=exact)
