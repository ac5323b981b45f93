"""RFM (recency, frequency, monetary) scores for workshop customers.

Each dimension scores 1–5 against fixed thresholds rather than quintiles of the current
population: a fixed scale is computable in one streaming pass, does not shift when the
customer base changes, and lets a host compare this month with last. The thresholds are
data (:class:`RfmConfig`); the defaults suit a Chinese 4S workshop (maintenance every
5 000–10 000 km, roughly twice a year).

>>> from datetime import UTC, datetime, date
>>> from decimal import Decimal
>>> from crm_core.domain.interaction import Interaction, InteractionKind, RepairOrder
>>> ros = [Interaction(id=f"I{m}", dealer_id="D1", kind=InteractionKind.REPAIR_ORDER,
...                    occurred_at=datetime(2025, m, 10, tzinfo=UTC), customer_id="C1",
...                    detail=RepairOrder(amount=Decimal("800"))) for m in (2, 6, 11)]
>>> rfm_scores(ros, date(2026, 1, 1))["C1"]
RfmScore(customer_id='C1', recency_days=52, frequency=3, monetary=Decimal('2400'), r=5, f=4, m=3)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

import attrs

from crm_core.domain._validators import non_negative
from crm_core.domain.ids import CustomerId
from crm_core.domain.interaction import Interaction, RepairOrder
from crm_core.errors import ValidationError
from crm_core.scoring.churn import is_workshop_visit
from crm_core.scoring.period import months_before, zone

__all__ = ["RfmConfig", "RfmScore", "rfm_scores"]


def _ascending(_: Any, attribute: attrs.Attribute[Any], value: tuple[Any, ...]) -> None:
    if len(value) != 4 or list(value) != sorted(value) or len(set(value)) != 4:
        raise ValidationError("need four strictly ascending thresholds", field=attribute.name)


@attrs.frozen(slots=True)
class RfmConfig:
    """The RFM thresholds: four ascending ones per dimension split it into scores 1..5.

    Recency: days since the last paid visit at most ``recency_days[0]`` scores 5, at most
    ``[1]`` 4, … beyond ``[3]`` 1. Frequency and monetary: at least ``[3]`` scores 5, at
    least ``[2]`` 4, … below ``[0]`` 1. Visits and money count over ``window_months``.
    """

    window_months: int = attrs.field(default=24, validator=non_negative)
    recency_days: tuple[int, ...] = attrs.field(default=(90, 180, 365, 730), validator=_ascending)
    frequency: tuple[int, ...] = attrs.field(default=(1, 2, 3, 5), validator=_ascending)
    monetary: tuple[Decimal, ...] = attrs.field(
        default=(Decimal(500), Decimal(1500), Decimal(3000), Decimal(6000)), validator=_ascending
    )
    paid_only: bool = True


@attrs.frozen(slots=True)
class RfmScore:
    """One workshop customer's RFM scores: recency, frequency and money, each 1–5.

    What :func:`rfm_scores` returns per customer: the raw figures (days since the last
    paid visit, visits and money in the window) and their scores; ``code`` is the usual
    three-digit label.
    """

    customer_id: CustomerId
    recency_days: int
    frequency: int
    monetary: Decimal
    r: int
    f: int
    m: int

    @property
    def code(self) -> str:
        """The usual three-digit label, e.g. ``"543"``."""
        return f"{self.r}{self.f}{self.m}"


def _up(value: int | Decimal, thresholds: tuple[Any, ...]) -> int:
    return 1 + sum(1 for t in thresholds if value >= t)


def rfm_scores(
    interactions: Iterable[Interaction],
    as_of: date,
    config: RfmConfig | None = None,
    timezone: str = "Asia/Shanghai",
) -> dict[CustomerId, RfmScore]:
    """RFM per customer with a paid workshop visit in the window, in one pass.

    Memory holds three numbers per workshop customer, never the interactions.
    """
    cfg = config or RfmConfig()
    tz = zone(timezone)
    start = months_before(as_of, cfg.window_months, field="window_months")
    acc: dict[CustomerId, list[Any]] = {}
    for i in interactions:
        cid = i.customer_id
        if cid is None or not is_workshop_visit(i):
            continue
        detail = i.detail
        if cfg.paid_only and isinstance(detail, RepairOrder) and not detail.is_paid:
            continue
        day = i.occurred_at.astimezone(tz).date()
        if not start < day <= as_of:
            continue
        amount = detail.amount if isinstance(detail, RepairOrder) and detail.amount else Decimal(0)
        entry = acc.get(cid)
        if entry is None:
            acc[cid] = [day, 1, amount]
        else:
            entry[0] = max(entry[0], day)
            entry[1] += 1
            entry[2] += amount
    result: dict[CustomerId, RfmScore] = {}
    for cid, (last, n, money) in acc.items():
        days = (as_of - last).days
        r = 5 - sum(1 for t in cfg.recency_days if days > t)
        result[cid] = RfmScore(
            cid, days, n, money, r, _up(n, cfg.frequency), _up(money, cfg.monetary)
        )
    return result
