"""The rule checks find every defect the demo generator planted, and nothing else."""

from __future__ import annotations

from datetime import date

import pytest

from crm_core import InteractionKind
from crm_core.demo import CustomerFile, DefectKind, DefectRates, DemoConfig, DemoGenerator
from crm_core.domain.rules import (
    RepairReport,
    SaleReport,
    Severity,
    StaffPhones,
    Violation,
    check_customer,
    check_repair_order,
    check_sale_report,
    check_vehicle,
)

TODAY = date(2026, 11, 23)

# The rule code that must report each planted defect.
EXPECTED = {
    DefectKind.NAME_TITLE: "NAME_TITLE",
    DefectKind.NAME_SPACE: "NAME_SPACE",
    DefectKind.NAME_SYMBOL: "NAME_JOINING_SYMBOL",
    DefectKind.NAME_DIGIT: "NAME_DIGITS",
    DefectKind.PHONE_STAFF: "PHONE_STAFF_NUMBER",
    DefectKind.PHONE_LENGTH: "PHONE_LENGTH",
    DefectKind.LANDLINE_NO_AREA_CODE: "PHONE_NO_AREA_CODE",
    DefectKind.LANDLINE_AREA_SEPARATOR: "PHONE_SEPARATOR_IN_AREA_CODE",
    DefectKind.ID_CHECKSUM: "ID_CARD_CHECKSUM",
    DefectKind.USAGE_MISMATCH: "USAGE_MISMATCH",
    DefectKind.TEST_DRIVE_UNMARKED: "TEST_DRIVE_NOT_MARKED",
    DefectKind.REPORTER_COMPANY: "NAME_COMPANY",
    DefectKind.VIN_CHECK_DIGIT: "VIN_CHECK_DIGIT",
    DefectKind.VIN_LEGACY_SHORT: "VIN_LEGACY_LENGTH",
    DefectKind.PLATE_JOINING: "PLATE_JOINING_SYMBOL",
    DefectKind.PLATE_NO_PROVINCE: "PLATE_NO_PROVINCE",
    DefectKind.STOCK_UNDER_PERSON: "STOCK_NOT_MARKED",
}


def findings(
    gen: DemoGenerator, f: CustomerFile, staff: StaffPhones, *, errors_only: bool = False
) -> dict[str, set[str]]:
    """Rule codes per record id (sale reports are filed under the vehicle's id)."""
    customers = {c.id: c for c in (f.customer, *f.duplicates)}
    vehicles = {v.id: v for v in f.vehicles}
    vehicles.update({v.id: v for d in gen.dealers() for v in d.stock_vehicles})
    found: dict[str, set[str]] = {}

    def add(key: str, violations: tuple[Violation, ...]) -> None:
        codes = {v.code for v in violations if v.severity is Severity.ERROR or not errors_only}
        found.setdefault(key, set()).update(codes)

    for c in customers.values():
        add(c.id, check_customer(c, staff=staff, today=TODAY))
    for v in f.vehicles:
        add(v.id, check_vehicle(v))
    for i in f.interactions:
        if i.customer_id is None or i.vehicle_id is None:
            continue
        if i.kind is InteractionKind.DELIVERY:
            report = SaleReport(i, customers[i.customer_id], vehicles[i.vehicle_id])
            add(i.vehicle_id, check_sale_report(report, staff=staff, today=TODAY))
        elif i.kind is InteractionKind.REPAIR_ORDER:
            order = RepairReport(i, vehicles[i.vehicle_id], customers[i.customer_id])
            add(i.id, check_repair_order(order, staff=staff, today=TODAY))
    return found


@pytest.mark.parametrize("seed", [1, 2])
def test_checks_find_every_planted_defect(seed: int) -> None:
    config = DemoConfig(
        today=TODAY,
        seed=seed,
        dealers=3,
        customers_per_dealer=500,
        defects=DefectRates().scaled(3),
        task_days=0,
    )
    gen = DemoGenerator(config)
    staff = StaffPhones.of(s for d in gen.dealers() for s in d.staff)
    missed: list[tuple[DefectKind, str]] = []
    seen: set[DefectKind] = set()
    for f in gen.files():
        found = findings(gen, f, staff)
        sold = {i.vehicle_id for i in f.interactions if i.kind is InteractionKind.DELIVERY}
        for d in f.defects:
            if d.kind is DefectKind.DUPLICATE_CUSTOMER:
                continue
            if d.kind is DefectKind.USAGE_MISMATCH and d.record_id not in sold:
                continue  # only a sale report shows the usage nature next to the buyer
            seen.add(d.kind)
            if EXPECTED[d.kind] not in found.get(d.record_id, set()):
                missed.append((d.kind, d.record_id))
    assert missed == []
    assert seen == set(EXPECTED)


def test_clean_demo_has_no_errors() -> None:
    config = DemoConfig(
        today=TODAY, dealers=3, customers_per_dealer=300, defects=DefectRates.none()
    )
    gen = DemoGenerator(config)
    staff = StaffPhones.of(s for d in gen.dealers() for s in d.staff)
    for f in gen.files():
        assert {k: v for k, v in findings(gen, f, staff, errors_only=True).items() if v} == {}
    for dealer in gen.dealers():
        for order in dealer.stock_interactions:
            vehicle = next(v for v in dealer.stock_vehicles if v.id == order.vehicle_id)
            report = RepairReport(order, vehicle, dealer.stock_customer)
            errors = [
                v for v in check_repair_order(report, staff=staff) if v.severity is Severity.ERROR
            ]
            assert errors == []
