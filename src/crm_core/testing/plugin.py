"""pytest plugin (entry point ``pytest11``): rule assertions for a host's own tests.

Installed with crm_core, active in every pytest run of the host's environment. It adds
three fixtures; a host overrides the first two in its ``conftest.py`` to test against
its own brand's policy and its dealer's staff list::

    @pytest.fixture
    def crm_rule_policy():
        return RulePolicy(usage=UsagePolicy(allowed={...}))

    @pytest.fixture
    def crm_staff_phones():
        return StaffPhones.of(["13800001111"])

    def test_import_keeps_customers_clean(crm_rules, imported_customer):
        crm_rules.assert_valid(imported_customer)
"""

from __future__ import annotations

import pytest

from crm_core.domain.rules.checks import DEFAULT_RULE_POLICY, RulePolicy, StaffPhones
from crm_core.testing.assertions import RuleAssertions


@pytest.fixture
def crm_rule_policy() -> RulePolicy:
    """The rule policy the ``crm_rules`` assertions apply; override for another OEM."""
    return DEFAULT_RULE_POLICY


@pytest.fixture
def crm_staff_phones() -> StaffPhones:
    """Staff numbers that must not appear as customers' numbers; none by default."""
    return StaffPhones()


@pytest.fixture
def crm_rules(crm_rule_policy: RulePolicy, crm_staff_phones: StaffPhones) -> RuleAssertions:
    """``crm_rules.assert_valid(record)`` / ``crm_rules.assert_violations(record, codes)``."""
    return RuleAssertions(policy=crm_rule_policy, staff=crm_staff_phones)
