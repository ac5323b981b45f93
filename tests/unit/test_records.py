from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest

from crm_core import (
    Case,
    CaseId,
    CaseKind,
    CaseStatus,
    CaseStatusChange,
    Channel,
    Customer,
    CustomerId,
    CustomerType,
    DealerId,
    FollowUpTask,
    InsurancePolicy,
    Interaction,
    InteractionId,
    InteractionKind,
    MessageId,
    OutboxMessage,
    Ownership,
    OwnershipId,
    PointsEntry,
    PointsKind,
    PointsSource,
    PolicyId,
    Referral,
    RepairOrder,
    Sale,
    Staff,
    StaffId,
    StaffRole,
    TaskId,
    Vehicle,
    VehicleId,
)
from crm_core.domain._mask import mask_email, mask_id_number, mask_phone, mask_text
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


# --- constructors refuse values that cannot exist -------------------------------------

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("bad_id", ["", "   ", "\t\n"])
def test_blank_ids_are_refused(bad_id: str) -> None:
    with pytest.raises(ValidationError, match="non-empty") as caught:
        Customer(
            id=CustomerId(bad_id),
            dealer_id=DealerId("D1"),
            type=CustomerType.INDIVIDUAL,
            name="王芳",
        )
    assert caught.value.field == "id"


def test_negative_version_and_mileage_are_refused() -> None:
    with pytest.raises(ValidationError, match="must not be negative") as caught:
        Vehicle(id=VehicleId("V1"), dealer_id=DealerId("D1"), vin="X", version=-1)
    assert caught.value.field == "version"
    with pytest.raises(ValidationError, match="must not be negative") as caught:
        Vehicle(id=VehicleId("V1"), dealer_id=DealerId("D1"), vin="X", mileage_km=-10)
    assert caught.value.field == "mileage_km"


def test_ownership_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValidationError, match="ends before it starts"):
        Ownership(
            id=OwnershipId("O1"),
            dealer_id=DealerId("D1"),
            customer_id=CustomerId("C1"),
            vehicle_id=VehicleId("V1"),
            since=date(2026, 3, 1),
            until=date(2026, 2, 28),
        )
    held = Ownership(
        id=OwnershipId("O1"),
        dealer_id=DealerId("D1"),
        customer_id=CustomerId("C1"),
        vehicle_id=VehicleId("V1"),
        since=date(2026, 3, 1),
        until=date(2026, 3, 10),
    )
    assert held.active_on(date(2026, 3, 1))
    assert not held.active_on(date(2026, 3, 10))


def test_case_needs_an_opening_status() -> None:
    with pytest.raises(ValidationError, match="at least its opening status"):
        Case(
            id=CaseId("K1"),
            dealer_id=DealerId("D1"),
            kind=CaseKind.COMPLAINT,
            opened_at=T0,
            history=(),
        )


def test_case_status_and_first_reached() -> None:
    k = Case(
        id=CaseId("K1"),
        dealer_id=DealerId("D1"),
        kind=CaseKind.COMPLAINT,
        opened_at=T0,
        history=(
            CaseStatusChange(CaseStatus.OPEN, T0),
            CaseStatusChange(CaseStatus.ESCALATED, T0 + timedelta(hours=3)),
            CaseStatusChange(CaseStatus.ANSWERED, T0 + timedelta(hours=20)),
        ),
    )
    assert k.status is CaseStatus.ANSWERED
    assert k.first_reached(CaseStatus.ESCALATED) == T0 + timedelta(hours=3)
    assert k.first_reached(CaseStatus.RESOLVED) is None


def _task(**changes: object) -> FollowUpTask:
    fields: dict[str, object] = {
        "id": TaskId("T1"),
        "dealer_id": DealerId("D1"),
        "rule_id": "svw.sales.d1",
        "customer_id": CustomerId("C1"),
        "due_from": T0,
        "due_until": T0 + timedelta(days=1),
        "role": StaffRole.SALES_CONSULTANT,
        "channels": (Channel.PHONE,),
        "anchor": "delivery",
        "anchor_date": date(2026, 2, 28),
        "explanation": "1 day after delivery",
    }
    fields.update(changes)
    return FollowUpTask(**fields)  # type: ignore[arg-type]


def test_task_window_and_channels_are_checked() -> None:
    assert _task().due_until == T0 + timedelta(days=1)
    with pytest.raises(ValidationError, match="due window ends before it starts"):
        _task(due_until=T0 - timedelta(seconds=1))
    with pytest.raises(ValidationError, match="at least one channel"):
        _task(channels=())


@pytest.mark.parametrize(
    ("kind", "points", "message"),
    [
        (PointsKind.EARN, 0, "earned points must be positive"),
        (PointsKind.EARN, -5, "earned points must be positive"),
        (PointsKind.REDEEM, 100, "redeem entries must be negative"),
        (PointsKind.EXPIRE, 0, "expire entries must be negative"),
    ],
)
def test_points_sign_must_fit_the_kind(kind: PointsKind, points: int, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        PointsEntry(
            id="P1",
            dealer_id=DealerId("D1"),
            member_id="M1",
            kind=kind,
            source=PointsSource.DEALER,
            points=points,
            at=T0,
        )


def test_adjustments_may_have_either_sign() -> None:
    for points in (-30, 0, 30):
        entry = PointsEntry(
            id="P1",
            dealer_id=DealerId("D1"),
            member_id="M1",
            kind=PointsKind.ADJUST,
            source=PointsSource.OEM,
            points=points,
            at=T0,
        )
        assert entry.points == points


def test_a_customer_cannot_refer_themselves() -> None:
    with pytest.raises(ValidationError, match="refer themselves"):
        Referral(
            id="R1",
            dealer_id=DealerId("D1"),
            referrer_id=CustomerId("C1"),
            referred_id=CustomerId("C1"),
            recorded_at=T0,
        )


def test_detail_must_fit_the_interaction_kind() -> None:
    with pytest.raises(ValidationError, match="Sale detail does not belong to a callback"):
        Interaction(
            id=InteractionId("I1"),
            dealer_id=DealerId("D1"),
            kind=InteractionKind.CALLBACK,
            occurred_at=T0,
            detail=Sale(),
        )
    with pytest.raises(ValidationError, match="RepairOrder detail does not belong to a visit"):
        Interaction(
            id=InteractionId("I1"),
            dealer_id=DealerId("D1"),
            kind=InteractionKind.VISIT,
            occurred_at=T0,
            detail=RepairOrder(),
        )


def test_a_kind_given_as_its_value_is_checked_like_a_member() -> None:
    """The constructor skips the enum call for members; plain strings still go through it
    and are stored as the member (the scores select interactions by identity)."""
    visit = Interaction(
        id=InteractionId("I1"),
        dealer_id=DealerId("D1"),
        kind="visit",  # type: ignore[arg-type]
        occurred_at=T0,
    )
    assert visit.kind is InteractionKind.VISIT
    with pytest.raises(ValidationError, match="RepairOrder detail does not belong to a visit"):
        attrs.evolve(visit, detail=RepairOrder())
    bad_kinds: list[Any] = ["walk_in", 3, None]
    for bad in bad_kinds:
        with pytest.raises(ValidationError, match="is not one of: inbound_call, visit") as caught:
            attrs.evolve(visit, kind=bad)
        assert caught.value.field == "kind"


class _NoOffset(tzinfo):
    """A tzinfo that knows no offset: datetimes in it count as naive."""

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        return None

    def dst(self, dt: datetime | None) -> timedelta | None:
        return None

    def tzname(self, dt: datetime | None) -> str | None:
        return None


@pytest.mark.parametrize(
    ("zone", "accepted"),
    [
        (UTC, True),
        (timezone(timedelta(hours=8)), True),
        (ZoneInfo("Asia/Shanghai"), True),
        (ZoneInfo("America/New_York"), True),
        (_NoOffset(), False),
        (None, False),
    ],
    ids=str,
)
def test_aware_accepts_every_zone_with_an_offset(zone: tzinfo | None, accepted: bool) -> None:
    moment = datetime(2026, 3, 8, 2, 30, tzinfo=zone)
    visit = Interaction(
        id=InteractionId("I1"),
        dealer_id=DealerId("D1"),
        kind=InteractionKind.VISIT,
        occurred_at=T0,
    )
    if accepted:
        assert attrs.evolve(visit, occurred_at=moment, updated_at=moment).updated_at == moment
        return
    naive: list[dict[str, Any]] = [{"occurred_at": moment}, {"updated_at": moment}]
    for changes in naive:
        with pytest.raises(ValidationError, match="timezone-aware") as caught:
            attrs.evolve(visit, **changes)
        assert caught.value.field in changes


def test_flags_decide_whether_a_customer_may_be_contacted() -> None:
    base = Customer(
        id=CustomerId("C1"), dealer_id=DealerId("D1"), type=CustomerType.COMPANY, name="某公司"
    )
    assert base.contactable
    assert base.is_company
    assert not attrs.evolve(base, do_not_disturb=True).contactable
    assert not attrs.evolve(base, blacklisted=True).contactable
    assert attrs.evolve(base, complaining=True, redlisted=True).contactable


# --- personal data never appears in repr ----------------------------------------------


def test_customer_repr_masks_every_personal_field() -> None:
    c = Customer(
        id=CustomerId("C1"),
        dealer_id=DealerId("D1"),
        type=CustomerType.INDIVIDUAL,
        name="王芳",
        mobile="13812345678",
        office_phone="021-62345678",
        home_phone="010-87654321",
        id_number="11010519491231002X",
        email="wang.fang@example.com",
        home_address="上海市徐汇区漕溪北路88号",
        company_address="北京市朝阳区建国路1号",
        uscc="91310000MA1FL4T27K",
    )
    text = repr(c)
    for secret in (
        "13812345678",
        "62345678",
        "87654321",
        "11010519491231002X",
        "wang.fang",
        "漕溪北路",
        "建国路",
        "MA1FL4T27K",
    ):
        assert secret not in text, secret
    assert "'1101************2X'" in text
    assert "'w***@example.com'" in text
    assert "'上************'" in text


def test_other_records_mask_phones() -> None:
    s = Staff(
        id=StaffId("S1"),
        dealer_id=DealerId("D1"),
        name="李明",
        role=StaffRole.SERVICE_ADVISOR,
        phone="13900001111",
    )
    assert "13900001111" not in repr(s)
    assert "139****1111" in repr(s)
    r = RepairOrder(reporter_phone="13712345678", callback_phone="13698765432")
    assert "13712345678" not in repr(r)
    assert "13698765432" not in repr(r)
    m = OutboxMessage(
        id=MessageId("M1"),
        dealer_id=DealerId("D1"),
        customer_id=CustomerId("C1"),
        channel=Channel.SMS,
        recipient="13812345678",
        body="您好",
        not_before=T0,
    )
    assert "13812345678" not in repr(m)


@pytest.mark.parametrize(
    ("mask", "value", "expected"),
    [
        (mask_phone, None, "None"),
        (mask_phone, "12345", "'*****'"),
        (mask_phone, "13812345678", "'138****5678'"),
        (mask_id_number, "123456", "'******'"),
        (mask_id_number, "91310000MA1FL4T27K", "'9131************7K'"),
        (mask_email, "no-at-sign", "'**********'"),
        (mask_email, "@example.com", "'***@example.com'"),
        (mask_text, "", "''"),
        (mask_text, "上海", "'上*'"),
    ],
)
def test_masks(mask: Callable[[object], str], value: object, expected: str) -> None:
    assert mask(value) == expected


@pytest.mark.parametrize("bad", ["NaN", "sNaN", "Infinity", "-Infinity"])
@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda amount: Sale(amount=amount), "amount"),
        (lambda amount: RepairOrder(amount=amount), "amount"),
        (
            lambda amount: InsurancePolicy(
                id=PolicyId("P1"),
                dealer_id=DealerId("D1"),
                vehicle_id=VehicleId("V1"),
                starts_on=date(2026, 1, 1),
                ends_on=date(2026, 12, 31),
                premium=amount,
            ),
            "premium",
        ),
    ],
)
def test_money_that_is_no_number_is_refused(
    build: Callable[[Decimal], object], field: str, bad: str
) -> None:
    # a CSV cell "NaN" parses as Decimal: it poisoned every sum, and JSON refused it back
    with pytest.raises(ValidationError, match="must be a finite amount") as caught:
        build(Decimal(bad))
    assert caught.value.field == field
