"""Rule checks: one module per standard, record-level checks, completeness.

Identifier modules (python-stdnum's shape — ``compact``, ``validate``, ``is_valid``,
``format`` — plus ``check``, which lists every defect as a :class:`Violation`):
:mod:`~crm_core.domain.rules.vin`, :mod:`~crm_core.domain.rules.plate`,
:mod:`~crm_core.domain.rules.phone`, :mod:`~crm_core.domain.rules.person_name`,
:mod:`~crm_core.domain.rules.id_card`, :mod:`~crm_core.domain.rules.uscc`,
:mod:`~crm_core.domain.rules.email`.

Record checks: :func:`check_customer`, :func:`check_vehicle`, :func:`check_sale_report`,
:func:`check_repair_order`; batch completeness: :func:`completeness`.
"""

from crm_core.domain.rules import email, id_card, person_name, phone, plate, uscc, vin
from crm_core.domain.rules.checks import (
    DEFAULT_RULE_POLICY,
    RepairReport,
    RulePolicy,
    SaleReport,
    StaffPhones,
    UsagePolicy,
    check_customer,
    check_repair_order,
    check_sale_report,
    check_vehicle,
)
from crm_core.domain.rules.completeness import (
    DEFAULT_COMPLETENESS,
    CompletenessLine,
    CompletenessMetric,
    CompletenessPolicy,
    CompletenessReport,
    CompletenessTarget,
    completeness,
    repair_order_completeness,
    sale_report_completeness,
)
from crm_core.domain.rules.violation import IdentifierStandard, Severity, Violation

__all__ = [
    "DEFAULT_COMPLETENESS",
    "DEFAULT_RULE_POLICY",
    "CompletenessLine",
    "CompletenessMetric",
    "CompletenessPolicy",
    "CompletenessReport",
    "CompletenessTarget",
    "IdentifierStandard",
    "RepairReport",
    "RulePolicy",
    "SaleReport",
    "Severity",
    "StaffPhones",
    "UsagePolicy",
    "Violation",
    "check_customer",
    "check_repair_order",
    "check_sale_report",
    "check_vehicle",
    "completeness",
    "email",
    "id_card",
    "person_name",
    "phone",
    "plate",
    "repair_order_completeness",
    "sale_report_completeness",
    "uscc",
    "vin",
]
