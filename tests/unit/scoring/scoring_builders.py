"""Short builders for scoring tests: every record with only the fields a test cares about."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

import attrs

from crm_core.domain.action import ActionId, ActionKind, ActionStatus, CorrectiveAction
from crm_core.domain.case import Case, CaseKind, CaseSource, CaseStatus, CaseStatusChange
from crm_core.domain.contact import Channel
from crm_core.domain.customer import Customer, CustomerType
from crm_core.domain.dealer import StaffRole
from crm_core.domain.ids import (
    CaseId,
    CustomerId,
    DealerId,
    InteractionId,
    OwnershipId,
    StaffId,
    TaskId,
    VehicleId,
)
from crm_core.domain.insurance import InsurancePolicy, PolicyId
from crm_core.domain.interaction import Detail, Interaction, InteractionKind
from crm_core.domain.membership import (
    ClubMember,
    MembershipStatus,
    PointsEntry,
    PointsKind,
    PointsSource,
    Referral,
)
from crm_core.domain.survey import SurveyId, SurveyKind, SurveyResponse, SurveySource
from crm_core.domain.task import FollowUpTask, TaskStatus
from crm_core.domain.vehicle import Ownership

D1 = DealerId("D1")


def at(y: int, m: int, d: int, h: int = 4) -> datetime:
    """A UTC moment; 04:00 UTC is noon in Shanghai, far from any day boundary."""
    return datetime(y, m, d, h, tzinfo=UTC)


def inter(
    n: str,
    kind: InteractionKind,
    when: datetime,
    customer: str | None = None,
    detail: Detail | None = None,
    vehicle: str | None = None,
    dealer: str = "D1",
) -> Interaction:
    return Interaction(
        id=InteractionId(n),
        dealer_id=DealerId(dealer),
        kind=kind,
        occurred_at=when,
        customer_id=CustomerId(customer) if customer else None,
        vehicle_id=VehicleId(vehicle) if vehicle else None,
        detail=detail,
    )


def owner(n: str, customer: str, vehicle: str, since: date, until: date | None = None) -> Ownership:
    return Ownership(
        id=OwnershipId(n),
        dealer_id=D1,
        customer_id=CustomerId(customer),
        vehicle_id=VehicleId(vehicle),
        since=since,
        until=until,
    )


def person(n: str, kind: CustomerType = CustomerType.INDIVIDUAL) -> Customer:
    return Customer(id=CustomerId(n), dealer_id=D1, type=kind, name="王芳")


def task(
    n: str,
    anchor: str,
    due: datetime,
    anchor_day: date | None = None,
    *,
    attempt: int = 1,
    status: TaskStatus = TaskStatus.PLANNED,
    rule: str = "rule",
) -> FollowUpTask:
    return FollowUpTask(
        id=TaskId(n),
        dealer_id=D1,
        rule_id=rule,
        customer_id=CustomerId("C1"),
        due_from=due,
        due_until=due + timedelta(days=3),
        role=StaffRole.CR_REPRESENTATIVE,
        channels=(Channel.PHONE,),
        anchor=anchor,
        anchor_date=anchor_day or due.date(),
        explanation="test",
        attempt=attempt,
        status=status,
    )


def member(
    n: str,
    customer: str,
    applied: date,
    status: MembershipStatus = MembershipStatus.ACTIVE,
    joined: date | None = None,
) -> ClubMember:
    return ClubMember(
        id=n,
        dealer_id=D1,
        customer_id=CustomerId(customer),
        applied_on=applied,
        status=status,
        joined_on=joined if joined else (applied if status is MembershipStatus.ACTIVE else None),
    )


def points(
    n: str,
    member_id: str,
    kind: PointsKind,
    amount: int,
    when: datetime,
    *,
    source: PointsSource = PointsSource.DEALER,
    expires: date | None = None,
    from_event: bool = False,
    spend: Decimal | None = None,
) -> PointsEntry:
    return PointsEntry(
        id=n,
        dealer_id=D1,
        member_id=member_id,
        kind=kind,
        source=source,
        points=amount,
        at=when,
        expires_on=expires,
        from_event=from_event,
        spend=spend,
    )


def referral(n: str, referrer: str, referred: str, sale: str | None = None) -> Referral:
    return Referral(
        id=n,
        dealer_id=D1,
        referrer_id=CustomerId(referrer),
        referred_id=CustomerId(referred),
        recorded_at=at(2026, 1, 1),
        sale_interaction_id=InteractionId(sale) if sale else None,
    )


def policy(
    n: str,
    vehicle: str,
    starts: date,
    ends: date,
    *,
    renewal_of: str | None = None,
    by_dealer: bool = True,
    customer: str | None = None,
) -> InsurancePolicy:
    return InsurancePolicy(
        id=PolicyId(n),
        dealer_id=D1,
        vehicle_id=VehicleId(vehicle),
        starts_on=starts,
        ends_on=ends,
        renewal_of=PolicyId(renewal_of) if renewal_of else None,
        sold_by_dealer=by_dealer,
        customer_id=CustomerId(customer) if customer else None,
    )


def survey(
    n: str,
    kind: SurveyKind,
    overall: int,
    when: datetime,
    source: SurveySource = SurveySource.DEALER,
    customer: str | None = None,
) -> SurveyResponse:
    return SurveyResponse(
        id=SurveyId(n),
        dealer_id=D1,
        kind=kind,
        answered_at=when,
        overall=overall,
        source=source,
        customer_id=CustomerId(customer) if customer else None,
    )


def complaint(
    n: str,
    customer: str,
    opened: datetime,
    *,
    resolved: bool = False,
    source: CaseSource = CaseSource.HOTLINE,
) -> Case:
    history = [CaseStatusChange(CaseStatus.OPEN, opened)]
    if resolved:
        history.append(CaseStatusChange(CaseStatus.RESOLVED, opened + timedelta(days=1)))
    return Case(
        id=CaseId(n),
        dealer_id=D1,
        kind=CaseKind.COMPLAINT,
        opened_at=opened,
        history=tuple(history),
        source=source,
        customer_id=CustomerId(customer),
    )


def action(
    n: str,
    issue: str,
    deadline: date,
    opened: datetime,
    *,
    owner_id: str = "S1",
    status: ActionStatus = ActionStatus.OPEN,
    closed: datetime | None = None,
) -> CorrectiveAction:
    return CorrectiveAction(
        id=ActionId(n),
        dealer_id=D1,
        kind=ActionKind.CORRECTIVE,
        issue=issue,
        description="fix it",
        owner_id=StaffId(owner_id),
        deadline=deadline,
        opened_at=opened,
        status=status,
        closed_at=closed,
    )


R = TypeVar("R", bound=attrs.AttrsInstance)


def from_value_strings(record: R) -> R:
    """The same record built again with every enum given as its plain value string, as a
    DMS row or a JSON payload hands it over (``"callback"``, not ``InteractionKind.CALLBACK``);
    nested records (an interaction's detail, a case's history) too."""
    changes = {
        f.name: _plain(getattr(record, f.name)) for f in attrs.fields(type(record)) if f.init
    }
    rebuilt: R = type(record)(**changes)
    return rebuilt


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        plain = value.value
        assert type(plain) is str  # the value itself, not the member
        return plain
    if attrs.has(type(value)):
        return from_value_strings(value)
    if isinstance(value, tuple | frozenset):
        return type(value)(_plain(v) for v in value)
    return value
