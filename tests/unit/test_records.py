from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crm_core import (
    Customer,
    CustomerId,
    CustomerType,
    DealerId,
    Interaction,
    InteractionId,
    InteractionKind,
)
from crm_core.errors import ValidationError


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValidationError, match="timezone-aware"):
        Interaction(
            id=InteractionId("I1"),
            dealer_id=DealerId("D1"),
            kind=InteractionKind.VISIT,
            occurred_at=datetime(2026, 1, 1),  # noqa: DTZ001
        )


def test_customer_repr_masks_mobile() -> None:
    c = Customer(
        id=CustomerId("C1"),
        dealer_id=DealerId("D1"),
        type=CustomerType.INDIVIDUAL,
        name="王芳",
        mobile="13812345678",
    )
    assert "13812345678" not in repr(c)
    assert "138****5678" in repr(c)


def test_interaction_accepts_aware_datetime() -> None:
    i = Interaction(
        id=InteractionId("I1"),
        dealer_id=DealerId("D1"),
        kind=InteractionKind.VISIT,
        occurred_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    assert i.kind.is_outbound is False
