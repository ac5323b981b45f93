"""RFM scores on hand-checked customers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from scoring_builders import at, inter

from crm_core.domain.ids import CustomerId
from crm_core.domain.interaction import Interaction, RepairOrder, ServiceKind
from crm_core.domain.interaction import InteractionKind as K
from crm_core.errors import ValidationError
from crm_core.scoring.rfm import RfmConfig, rfm_scores


def ro(n: str, customer: str, y: int, m: int, amount: int, paid: bool = True) -> Interaction:
    return inter(
        n, K.REPAIR_ORDER, at(y, m, 1), customer, RepairOrder(amount=Decimal(amount), is_paid=paid)
    )


def test_rfm_hand_computed() -> None:
    items = [
        ro("1", "A", 2026, 3, 7000),  # A: 30 days ago, 1 visit, 7000 -> 5 2 5
        ro("2", "B", 2025, 1, 400),  # B: last visit 454 days ago, 2 visits, 800 -> 2 3 2
        ro("3", "B", 2024, 6, 400),
        ro("4", "B", 2023, 1, 9999),  # outside the 24-month window
        ro("5", "C", 2025, 12, 600, paid=False),  # warranty only: not a workshop customer
        inter("6", K.REPAIR_ORDER, at(2026, 1, 1), "D", RepairOrder(service_kind=ServiceKind.PDI)),
        inter("7", K.VISIT, at(2026, 1, 1), "E"),
    ]
    scores = rfm_scores(items, date(2026, 3, 31))
    assert set(scores) == {"A", "B"}
    a, b = scores[CustomerId("A")], scores[CustomerId("B")]
    assert (a.recency_days, a.frequency, a.monetary, a.code) == (30, 1, Decimal(7000), "525")
    assert (b.recency_days, b.frequency, b.monetary, b.code) == (454, 2, Decimal(800), "232")


def test_thresholds_are_data_and_validated() -> None:
    cfg = RfmConfig(paid_only=False, frequency=(1, 10, 20, 30))
    scores = rfm_scores([ro("5", "C", 2025, 12, 600, paid=False)], date(2026, 3, 31), cfg)
    assert scores[CustomerId("C")].code == "422"  # 120 days, 1 visit of (1, 10, …), 600
    with pytest.raises(ValidationError, match="ascending"):
        RfmConfig(recency_days=(10, 5, 20, 30))
    with pytest.raises(ValidationError, match="ascending"):
        RfmConfig(frequency=(1, 2, 3))
