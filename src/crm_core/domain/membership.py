"""Owners'-club (车友会 / 车友汇) records: members, their points ledger, referrals (seed 002)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

import attrs

from crm_core.domain._validators import as_members, aware, finite, non_empty, non_negative
from crm_core.domain.ids import CustomerId, DealerId, InteractionId
from crm_core.errors import ValidationError


class Tier(enum.StrEnum):
    """An owners'-club card tier: silver (银卡), gold (金卡) or diamond (钻石卡), seed 002.

    Which one a member qualifies for is :func:`~crm_core.scoring.qualifying_tier`'s answer.
    """

    SILVER = "silver"  # 银卡
    GOLD = "gold"  # 金卡
    DIAMOND = "diamond"  # 钻石卡


class MembershipStatus(enum.StrEnum):
    """Where a club membership stands: application pending, active, or lapsed.

    Pending applications already count toward the enrolment rates (seed 002); lapsed
    members count toward none of the club figures.
    """

    PENDING = "pending"  # application submitted; counts toward enrolment rates (seed 002)
    ACTIVE = "active"
    LAPSED = "lapsed"


class PointsKind(enum.StrEnum):
    """What a points-ledger line does: points earned, redeemed, expired, or an adjustment.

    The sign of :attr:`PointsEntry.points` must fit: earn > 0, redeem and expire < 0; an
    adjustment (a correction) goes either way.
    """

    EARN = "earn"
    REDEEM = "redeem"
    EXPIRE = "expire"
    ADJUST = "adjust"


class PointsSource(enum.StrEnum):
    """Points from the carmaker and from the dealer are separate pots (seed 002)."""

    OEM = "oem"
    DEALER = "dealer"


@attrs.frozen(slots=True)
class ClubMember:
    """An owners'-club (车友会) member: the customer, when they applied, status, tier and card.

    ``applied_on`` dates the application, which counts toward the enrolment rates while it
    is pending; ``joined_on`` is set once the membership is active.
    """

    id: str = attrs.field(validator=non_empty)
    dealer_id: DealerId = attrs.field(validator=non_empty)
    customer_id: CustomerId = attrs.field(validator=non_empty)
    applied_on: date
    status: MembershipStatus = MembershipStatus.PENDING
    tier: Tier = Tier.SILVER
    joined_on: date | None = None
    card_number: str | None = None
    version: int = attrs.field(default=0, validator=non_negative)
    updated_at: datetime | None = attrs.field(default=None, validator=aware)

    __attrs_post_init__ = as_members


@attrs.frozen(slots=True)
class PointsEntry:
    """One line of a member's points ledger: points earned, redeemed, expired or adjusted.

    ``points`` is signed as it affects the balance: positive for earn (and positive
    adjustments), negative for redeem and expire.
    ``spend`` is the money behind an earn entry, which tier rules may count."""

    id: str = attrs.field(validator=non_empty)
    dealer_id: DealerId = attrs.field(validator=non_empty)
    member_id: str = attrs.field(validator=non_empty)
    kind: PointsKind
    source: PointsSource
    points: int
    at: datetime = attrs.field(validator=aware)
    expires_on: date | None = None
    spend: Decimal | None = attrs.field(default=None, validator=finite)
    reference: str | None = None  # the repair order, event or redemption it belongs to
    from_event: bool = False  # points a club event awarded (seed 002: < 100 do not count)
    version: int = attrs.field(default=0, validator=non_negative)
    updated_at: datetime | None = attrs.field(default=None, validator=aware)

    def __attrs_post_init__(self) -> None:
        as_members(self)
        if self.kind is PointsKind.EARN and self.points <= 0:
            raise ValidationError("earned points must be positive", field="points")
        if self.kind in (PointsKind.REDEEM, PointsKind.EXPIRE) and self.points >= 0:
            raise ValidationError(f"{self.kind} entries must be negative", field="points")


@attrs.frozen(slots=True)
class Referral:
    """A recorded referral relation: only these count for the referral KPI (seed 002)."""

    id: str = attrs.field(validator=non_empty)
    dealer_id: DealerId = attrs.field(validator=non_empty)
    referrer_id: CustomerId = attrs.field(validator=non_empty)
    referred_id: CustomerId = attrs.field(validator=non_empty)
    recorded_at: datetime = attrs.field(validator=aware)
    sale_interaction_id: InteractionId | None = None  # the purchase it led to, once made
    version: int = attrs.field(default=0, validator=non_negative)
    updated_at: datetime | None = attrs.field(default=None, validator=aware)

    def __attrs_post_init__(self) -> None:
        if self.referrer_id == self.referred_id:
            raise ValidationError("a customer cannot refer themselves", field="referred_id")
