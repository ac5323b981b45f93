"""Small, valid sample records and a controllable clock, for storage tests.

The contract suites build their scenarios from these; a host's own adapter tests may too.
Every builder takes the id and keyword overrides, so a test says only what matters to it.

>>> customer("C1", name="王芳").name
'王芳'
>>> clock = TickingClock()
>>> clock() < clock()
True
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from crm_core.domain.action import ActionId, ActionKind, CorrectiveAction
from crm_core.domain.audit import AuditEntry
from crm_core.domain.case import Case, CaseKind, CaseStatus, CaseStatusChange
from crm_core.domain.contact import Channel
from crm_core.domain.customer import Customer, CustomerType
from crm_core.domain.dealer import Dealer, Staff, StaffRole
from crm_core.domain.ids import (
    CaseId,
    CustomerId,
    DealerId,
    InteractionId,
    MessageId,
    OwnershipId,
    StaffId,
    TaskId,
    VehicleId,
)
from crm_core.domain.insurance import InsurancePolicy, PolicyId
from crm_core.domain.interaction import Interaction, InteractionKind, RepairOrder
from crm_core.domain.membership import ClubMember, PointsEntry, PointsKind, PointsSource, Referral
from crm_core.domain.message import OutboxMessage
from crm_core.domain.survey import SurveyId, SurveyKind, SurveyResponse
from crm_core.domain.task import FollowUpTask
from crm_core.domain.vehicle import Ownership, Vehicle

__all__ = [
    "D1",
    "D2",
    "T0",
    "TickingClock",
    "audit_entry",
    "case",
    "club_member",
    "corrective_action",
    "customer",
    "dealer",
    "insurance_policy",
    "interaction",
    "message",
    "ownership",
    "points_entry",
    "referral",
    "repair_order",
    "staff_member",
    "survey_response",
    "task",
    "vehicle",
]

D1 = DealerId("D1")
D2 = DealerId("D2")
T0 = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
"""The suites' "now": 1 March 2026, 10:00 in Shanghai."""


class TickingClock:
    """A storage clock that moves one millisecond per reading, from :data:`T0` by default.

    Successive writes get distinct, predictable ``updated_at`` stamps."""

    def __init__(self, start: datetime = T0, step: timedelta = timedelta(milliseconds=1)) -> None:
        self.now = start
        self.step = step

    def __call__(self) -> datetime:
        self.now += self.step
        return self.now

    def advance(self, by: timedelta) -> None:
        self.now += by


def dealer(id: str = "D1", **kw: Any) -> Dealer:
    """A dealership (上海大众 示例 4S 店, Asia/Shanghai); keywords override any field."""
    return Dealer(id=DealerId(id), **{"name": "上海大众 示例 4S 店", **kw})


def staff_member(id: str, dealer_id: DealerId = D1, **kw: Any) -> Staff:
    """A CR representative (周杰) of dealer D1; keywords override any field."""
    return Staff(
        id=StaffId(id),
        dealer_id=dealer_id,
        **{"name": "周杰", "role": StaffRole.CR_REPRESENTATIVE, **kw},
    )


def customer(id: str, dealer_id: DealerId = D1, **kw: Any) -> Customer:
    """An individual customer (王芳) of dealer D1; keywords override any field."""
    return Customer(
        id=CustomerId(id),
        dealer_id=dealer_id,
        **{"type": CustomerType.INDIVIDUAL, "name": "王芳", **kw},
    )


def vehicle(id: str, dealer_id: DealerId = D1, **kw: Any) -> Vehicle:
    """A vehicle of dealer D1 with a valid VIN; keywords override any field."""
    return Vehicle(id=VehicleId(id), dealer_id=dealer_id, **{"vin": "LSVAU2180N2183294", **kw})


def ownership(
    id: str, customer_id: str, vehicle_id: str, dealer_id: DealerId = D1, **kw: Any
) -> Ownership:
    """A customer holding a vehicle since 2020-01-01 (no end); keywords override any field."""
    return Ownership(
        id=OwnershipId(id),
        dealer_id=dealer_id,
        customer_id=CustomerId(customer_id),
        vehicle_id=VehicleId(vehicle_id),
        **{"since": date(2020, 1, 1), **kw},
    )


def interaction(id: str, dealer_id: DealerId = D1, **kw: Any) -> Interaction:
    """A showroom visit (来店) at :data:`T0`; keywords override the kind, the time or any field."""
    return Interaction(
        id=InteractionId(id),
        dealer_id=dealer_id,
        **{"kind": InteractionKind.VISIT, "occurred_at": T0, **kw},
    )


def repair_order(
    id: str,
    vehicle_id: str,
    customer_id: str | None,
    occurred_at: datetime,
    dealer_id: DealerId = D1,
    handed_back_at: datetime | None = None,
    **kw: Any,
) -> Interaction:
    """A repair order (工单) for a car, its customer or none; extra keywords go to its detail.

    ``handed_back_at`` and the other keywords are fields of the
    :class:`~crm_core.domain.interaction.RepairOrder` detail.
    """
    return interaction(
        id,
        dealer_id,
        kind=InteractionKind.REPAIR_ORDER,
        occurred_at=occurred_at,
        customer_id=None if customer_id is None else CustomerId(customer_id),
        vehicle_id=VehicleId(vehicle_id),
        detail=RepairOrder(handed_back_at=handed_back_at, **kw),
    )


def case(id: str, dealer_id: DealerId = D1, **kw: Any) -> Case:
    """An open complaint case, opened at :data:`T0`; keywords override any field."""
    opened = kw.pop("opened_at", T0)
    return Case(
        id=CaseId(id),
        dealer_id=dealer_id,
        opened_at=opened,
        **{
            "kind": CaseKind.COMPLAINT,
            "history": (CaseStatusChange(CaseStatus.OPEN, opened),),
            **kw,
        },
    )


def task(id: str, customer_id: str, dealer_id: DealerId = D1, **kw: Any) -> FollowUpTask:
    """A sales consultant's day-3 delivery callback, due from :data:`T0`; keywords override."""
    due_from = kw.pop("due_from", T0)
    return FollowUpTask(
        id=TaskId(id),
        dealer_id=dealer_id,
        customer_id=CustomerId(customer_id),
        due_from=due_from,
        **{
            "rule_id": "svw.sales.d3",
            "due_until": due_from + timedelta(days=1),
            "role": StaffRole.SALES_CONSULTANT,
            "channels": (Channel.PHONE,),
            "anchor": "delivery",
            "anchor_date": date(2026, 2, 26),
            "explanation": "交车后第 3 天回访",
            **kw,
        },
    )


def message(id: str, customer_id: str, dealer_id: DealerId = D1, **kw: Any) -> OutboxMessage:
    """A queued insurance-reminder SMS, sendable from :data:`T0`; keywords override any field."""
    return OutboxMessage(
        id=MessageId(id),
        dealer_id=dealer_id,
        customer_id=CustomerId(customer_id),
        **{
            "channel": Channel.SMS,
            "recipient": "13812345678",
            "body": "王女士您好，您的爱车保险将于下月到期。",
            "not_before": T0,
            **kw,
        },
    )


def club_member(id: str, customer_id: str, dealer_id: DealerId = D1, **kw: Any) -> ClubMember:
    """An owners'-club application (pending) made on 2025-06-01; keywords override any field."""
    return ClubMember(
        id=id,
        dealer_id=dealer_id,
        customer_id=CustomerId(customer_id),
        **{"applied_on": date(2025, 6, 1), **kw},
    )


def points_entry(id: str, member_id: str, dealer_id: DealerId = D1, **kw: Any) -> PointsEntry:
    """100 dealer points earned by a club member at :data:`T0`; keywords override any field."""
    return PointsEntry(
        id=id,
        dealer_id=dealer_id,
        member_id=member_id,
        **{
            "kind": PointsKind.EARN,
            "source": PointsSource.DEALER,
            "points": 100,
            "at": T0,
            **kw,
        },
    )


def referral(
    id: str, referrer_id: str, referred_id: str, dealer_id: DealerId = D1, **kw: Any
) -> Referral:
    """One customer referring another, recorded at :data:`T0`; keywords override any field."""
    return Referral(
        id=id,
        dealer_id=dealer_id,
        referrer_id=CustomerId(referrer_id),
        referred_id=CustomerId(referred_id),
        **{"recorded_at": T0, **kw},
    )


def audit_entry(id: str, subject_id: str, dealer_id: DealerId = D1, **kw: Any) -> AuditEntry:
    """An audit entry of a customer merge by staff S1 at :data:`T0`; keywords override any field."""
    return AuditEntry(
        id=id,
        dealer_id=dealer_id,
        subject_id=subject_id,
        **{
            "at": T0,
            "actor": "S1",
            "action": "customer.merge",
            "subject_type": "customer",
            **kw,
        },
    )


def insurance_policy(
    id: str, vehicle_id: str, dealer_id: DealerId = D1, **kw: Any
) -> InsurancePolicy:
    """A one-year term sold by the dealer, ending on 28 February 2027."""
    return InsurancePolicy(
        id=PolicyId(id),
        dealer_id=dealer_id,
        vehicle_id=VehicleId(vehicle_id),
        **{"starts_on": date(2026, 3, 1), "ends_on": date(2027, 2, 28), **kw},
    )


def survey_response(id: str, dealer_id: DealerId = D1, **kw: Any) -> SurveyResponse:
    """An after-sales response answered at :data:`T0`, completely satisfied."""
    return SurveyResponse(
        id=SurveyId(id),
        dealer_id=dealer_id,
        **{"kind": SurveyKind.AFTER_SALES, "answered_at": T0, "overall": 5, **kw},
    )


def corrective_action(id: str, dealer_id: DealerId = D1, **kw: Any) -> CorrectiveAction:
    """An open corrective action on waiting times, opened at :data:`T0`, due in two weeks."""
    return CorrectiveAction(
        id=ActionId(id),
        dealer_id=dealer_id,
        **{
            "kind": ActionKind.CORRECTIVE,
            "issue": "waiting_time",
            "description": "增设一个接待台",
            "owner_id": StaffId("S1"),
            "deadline": date(2026, 3, 15),
            "opened_at": T0,
            **kw,
        },
    )
