from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from crm_core import (
    Customer,
    CustomerId,
    CustomerType,
    DealerId,
    Interaction,
    InteractionId,
    InteractionKind,
    RepairOrder,
    Vehicle,
    VehicleId,
)
from crm_core.domain.rules import (
    CompletenessMetric,
    CompletenessPolicy,
    CompletenessTarget,
    RepairReport,
    SaleReport,
    completeness,
    repair_order_completeness,
    sale_report_completeness,
)
from crm_core.errors import ValidationError

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def sale_report(
    plate: str | None, email: str | None, industry: str | None, occupation: str | None
) -> SaleReport:
    customer = Customer(
        id=CustomerId("C1"),
        dealer_id=DealerId("D1"),
        type=CustomerType.INDIVIDUAL,
        name="王芳",
        email=email,
        industry=industry,
        occupation=occupation,
    )
    vehicle = Vehicle(
        id=VehicleId("V1"), dealer_id=DealerId("D1"), vin="LSVAU218XN2183294", plate=plate
    )
    sale = Interaction(
        id=InteractionId("I1"),
        dealer_id=DealerId("D1"),
        kind=InteractionKind.DELIVERY,
        occurred_at=T0,
    )
    return SaleReport(sale, customer, vehicle)


def repair_report(plate: str | None) -> RepairReport:
    vehicle = Vehicle(
        id=VehicleId("V1"), dealer_id=DealerId("D1"), vin="LSVAU218XN2183294", plate=plate
    )
    order = Interaction(
        id=InteractionId("I2"),
        dealer_id=DealerId("D1"),
        kind=InteractionKind.REPAIR_ORDER,
        occurred_at=T0,
        detail=RepairOrder(reporter_name="李强"),
    )
    return RepairReport(order, vehicle)


def test_sale_report_targets_at_the_boundaries() -> None:
    # 10 reports: 9 plates (90 % passes), 5 e-mails (50 % passes), 7 industry or
    # occupation (70 % fails the 80 % target)
    reports = [
        sale_report(
            plate="沪A1234" + str(i) if i < 9 else "无牌",
            email=f"u{i}@qq.com" if i < 5 else " ",
            industry="物流" if i < 4 else None,
            occupation="教师" if 4 <= i < 7 else None,
        )
        for i in range(10)
    ]
    result = sale_report_completeness(reports)
    assert result.total == 10
    assert [(line.metric, line.met, line.passed) for line in result.lines] == [
        (CompletenessMetric.PLATE_FILLED, 9, True),
        (CompletenessMetric.EMAIL_FILLED, 5, True),
        (CompletenessMetric.INDUSTRY_OR_OCCUPATION_FILLED, 7, False),
    ]
    assert not result.passed
    assert [line.metric for line in result.failing] == [
        CompletenessMetric.INDUSTRY_OR_OCCUPATION_FILLED
    ]
    assert result.lines[0].share == Decimal("0.9")


def test_repair_orders_count_only_valid_plates() -> None:
    plates = ["沪A12345"] * 8 + ["沪A-12345", "A12345"]
    result = repair_order_completeness(repair_report(p) for p in plates)
    (line,) = result.lines
    assert (line.metric, line.met, line.total, line.passed) == (
        CompletenessMetric.PLATE_VALID,
        8,
        10,
        False,
    )
    assert str(line) == "plate_valid: 8/10 = 80.0 % (target 90 %) FAIL"


def test_the_batch_is_read_once() -> None:
    consumed = 0

    def stream() -> Iterator[RepairReport]:
        nonlocal consumed
        for _ in range(5):
            consumed += 1
            yield repair_report("沪A12345")

    result = completeness(
        stream(),
        [
            CompletenessTarget(CompletenessMetric.PLATE_VALID, Decimal("0.9")),
            CompletenessTarget(CompletenessMetric.PLATE_FILLED, Decimal("1")),
        ],
    )
    assert consumed == 5
    assert result.passed
    assert [line.met for line in result.lines] == [5, 5]


def test_thresholds_are_data() -> None:
    lenient = CompletenessPolicy(
        sale_report=(CompletenessTarget(CompletenessMetric.PLATE_FILLED, "0.5"),)
    )
    reports = [sale_report("沪A12345", None, None, None), sale_report(None, None, None, None)]
    assert sale_report_completeness(reports, targets=lenient).passed
    assert not sale_report_completeness(reports).passed
    with pytest.raises(ValidationError, match="between 0 and 1"):
        CompletenessTarget(CompletenessMetric.PLATE_FILLED, Decimal("90"))


def test_empty_batch_passes_with_no_share() -> None:
    result = sale_report_completeness([])
    assert result.total == 0
    assert result.passed
    assert all(line.share is None for line in result.lines)
    assert str(result.lines[0]) == "plate_filled: 0/0 = n/a (target 90 %) ok"
