"""A loyalty score per customer, 0–100, built from reasons a CR team can read.

Seven components, each a :class:`LoyaltyReason` with the points it gave:

- ``visits``: paid workshop visits in the window (points per visit, capped);
- ``spend``: money spent on paid repairs and purchases in the window (per step, capped);
- ``products``: how many of the dealer's products the customer holds (a car bought here,
  paid workshop service, insurance sold by the dealer, club membership), scored on seed
  002's retention figures — 1 product 15 %, 2 products 45–60 %, 3 or more 90 % — times a
  weight;
- ``satisfaction``: the latest overall satisfaction answer (callback or survey);
- ``complaints``: complaint cases in the window, more for those still open;
- ``referrals``: recorded referral relations the customer made (more when a purchase
  followed), capped;
- ``club``: membership and club activity (points earned or redeemed, recorded events).

Visits, spend and products only grow with more paid visits, so one more paid visit never
lowers the score. Every weight is in :class:`LoyaltyWeights`.

>>> from datetime import UTC, datetime, date
>>> from decimal import ROUND_FLOOR, Decimal
>>> from crm_core.domain.interaction import Interaction, InteractionKind, RepairOrder
>>> ro = [Interaction(id=f"I{m}", dealer_id="D1", kind=InteractionKind.REPAIR_ORDER,
...                   occurred_at=datetime(2025, m, 1, tzinfo=UTC), customer_id="C1",
...                   detail=RepairOrder(amount=Decimal("1500"))) for m in (3, 9)]
>>> s = loyalty_score("C1", date(2026, 1, 1), interactions=ro)
>>> s.score, [(r.code, r.points) for r in s.reasons]
(Decimal('14.75'), [('visits', Decimal('8')), ('spend', Decimal('3')),
 ('products', Decimal('3.75'))])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import ROUND_FLOOR, Decimal
from types import MappingProxyType

import attrs

from crm_core.domain._validators import non_negative
from crm_core.domain.case import Case, CaseKind
from crm_core.domain.ids import CustomerId
from crm_core.domain.insurance import InsurancePolicy
from crm_core.domain.interaction import (
    Callback,
    ClubActivity,
    Interaction,
    InteractionKind,
    RepairOrder,
    Sale,
)
from crm_core.domain.membership import (
    ClubMember,
    MembershipStatus,
    PointsEntry,
    PointsKind,
    Referral,
)
from crm_core.domain.survey import SurveyResponse
from crm_core.domain.vehicle import Ownership
from crm_core.errors import ValidationError
from crm_core.scoring.churn import is_workshop_visit
from crm_core.scoring.period import months_before, zone

__all__ = ["LoyaltyReason", "LoyaltyScore", "LoyaltyWeights", "loyalty_score"]

_D = Decimal


def _retention() -> Mapping[int, Decimal]:
    # seed 002: 1 product → 15 %, 2 → 45–60 % (midpoint), 3 or more → 90 %
    return MappingProxyType({0: _D(0), 1: _D(15), 2: _D("52.5"), 3: _D(90)})


def _satisfaction() -> Mapping[int, Decimal]:
    return MappingProxyType({1: _D(-15), 2: _D(-10), 3: _D(0), 4: _D(8), 5: _D(15)})


@attrs.frozen(slots=True)
class LoyaltyWeights:
    """How many loyalty points each part of a customer's history is worth, and the caps.

    ``product_retention`` maps a number of products (the highest key covers "that many or
    more") to seed 002's retention percentage, which ``product_weight`` scales into points.
    """

    window_months: int = attrs.field(default=24, validator=non_negative)
    points_per_visit: Decimal = Decimal(4)
    visits_cap: Decimal = Decimal(20)
    spend_step: Decimal = Decimal(1000)
    points_per_spend_step: Decimal = Decimal(1)
    spend_cap: Decimal = Decimal(15)
    product_retention: Mapping[int, Decimal] = attrs.field(factory=_retention)
    product_weight: Decimal = Decimal("0.25")
    satisfaction_points: Mapping[int, Decimal] = attrs.field(factory=_satisfaction)
    complaint_points: Decimal = Decimal(-5)
    open_complaint_points: Decimal = Decimal(-10)
    referral_points: Decimal = Decimal(4)
    referral_purchase_points: Decimal = Decimal(8)
    referrals_cap: Decimal = Decimal(15)
    member_points: Decimal = Decimal(5)
    club_active_points: Decimal = Decimal(5)
    club_active_months: int = attrs.field(default=12, validator=non_negative)

    def __attrs_post_init__(self) -> None:
        # a NaN or infinite weight made every score NaN or infinite without a word; a
        # float mixed with Decimal fails deep in the scoring
        for field in attrs.fields(type(self)):
            value = getattr(self, field.name)
            numbers = value.values() if isinstance(value, Mapping) else (value,)
            for number in numbers:
                if isinstance(number, float) or (
                    isinstance(number, Decimal) and not number.is_finite()
                ):
                    raise ValidationError(
                        f"expected a finite Decimal, got {number!r}", field=field.name
                    )
        if self.spend_step <= 0:
            raise ValidationError("must be positive", field="spend_step")


@attrs.frozen(slots=True)
class LoyaltyReason:
    """One part of a loyalty score: a stable code, the points it adds, and why.

    Codes: ``visits``, ``spend``, ``products``, ``satisfaction``, ``complaints``,
    ``referrals``, ``club``.
    """

    code: str
    points: Decimal
    detail: str


@attrs.frozen(slots=True)
class LoyaltyScore:
    """How loyal a customer is, 0–100, with the products they hold and the reasons.

    What :func:`loyalty_score` returns: ``products`` are the dealer's products the customer
    holds (``vehicle``, ``service``, ``insurance``, ``club``; seed 002: the more, the higher
    the retention), and the score is the sum of the reasons' points, clamped to 0–100.
    """

    customer_id: CustomerId
    score: Decimal  # 0..100
    products: tuple[str, ...]
    reasons: tuple[LoyaltyReason, ...]


def loyalty_score(
    customer_id: CustomerId,
    as_of: date,
    *,
    interactions: Iterable[Interaction] = (),
    ownerships: Iterable[Ownership] = (),
    cases: Iterable[Case] = (),
    referrals: Iterable[Referral] = (),
    members: Iterable[ClubMember] = (),
    points: Iterable[PointsEntry] = (),
    policies: Iterable[InsurancePolicy] = (),
    surveys: Iterable[SurveyResponse] = (),
    weights: LoyaltyWeights | None = None,
    timezone: str = "Asia/Shanghai",
) -> LoyaltyScore:
    """The loyalty score of one customer on ``as_of``, from their records in one pass each.

    Each iterable is read once and may hold other customers' records (they are skipped);
    records after ``as_of`` are ignored."""
    w = weights or LoyaltyWeights()
    tz = zone(timezone)
    window_start = months_before(as_of, w.window_months, field="window_months")
    club_start = months_before(as_of, w.club_active_months, field="club_active_months")

    def day_of(moment: datetime) -> date:
        return moment.astimezone(tz).date()

    products: set[str] = set()
    visits = 0
    spend = _D(0)
    latest: tuple[datetime, int] | None = None
    club_active = False
    for i in interactions:
        if i.customer_id != customer_id:
            continue
        day = day_of(i.occurred_at)
        if day > as_of:
            continue
        detail = i.detail
        if i.kind is InteractionKind.DELIVERY:
            products.add("vehicle")
            if day > window_start and isinstance(detail, Sale) and detail.amount:
                spend += detail.amount
        elif is_workshop_visit(i) and day > window_start:
            paid = not isinstance(detail, RepairOrder) or detail.is_paid
            if paid:
                visits += 1
                products.add("service")
                if isinstance(detail, RepairOrder) and detail.amount:
                    spend += detail.amount
        elif isinstance(detail, Callback) and detail.satisfaction is not None:
            if latest is None or i.occurred_at > latest[0]:
                latest = (i.occurred_at, detail.satisfaction)
        elif (
            isinstance(detail, ClubActivity)
            and i.kind is InteractionKind.EVENT
            and detail.recorded_in_system
            and day > club_start
        ):
            club_active = True
    for s in surveys:
        if (
            s.customer_id == customer_id
            and day_of(s.answered_at) <= as_of
            and (latest is None or s.answered_at > latest[0])
        ):
            latest = (s.answered_at, s.overall)
    for o in ownerships:
        if o.customer_id == customer_id and o.active_on(as_of):
            products.add("vehicle")
    for p in policies:
        if p.customer_id == customer_id and p.sold_by_dealer and p.starts_on <= as_of <= p.ends_on:
            products.add("insurance")
    member_ids: set[str] = set()
    for m in members:
        if m.customer_id == customer_id and m.status is not MembershipStatus.LAPSED:
            member_ids.add(m.id)
            products.add("club")
    for e in points:
        if (
            e.member_id in member_ids
            and e.kind is not PointsKind.EXPIRE
            and club_start < day_of(e.at) <= as_of
        ):
            club_active = True
    complaints = open_complaints = 0
    for c in cases:
        if c.customer_id != customer_id or c.kind is not CaseKind.COMPLAINT:
            continue
        day = day_of(c.opened_at)
        if window_start < day <= as_of:
            complaints += 1
            open_complaints += not c.status.is_final
    made = successful = 0
    for r in referrals:
        if r.referrer_id == customer_id and day_of(r.recorded_at) <= as_of:
            made += 1
            successful += r.sale_interaction_id is not None

    reasons: list[LoyaltyReason] = []
    if visits:
        pts = min(w.points_per_visit * visits, w.visits_cap)
        reasons.append(LoyaltyReason("visits", pts, f"{visits} paid workshop visits"))
    if spend > 0:
        steps = (spend / w.spend_step).to_integral_value(rounding=ROUND_FLOOR)
        pts = min(steps * w.points_per_spend_step, w.spend_cap)
        reasons.append(LoyaltyReason("spend", pts, f"spent {spend}"))
    if products:
        top = max(w.product_retention)
        retention = w.product_retention[min(len(products), top)]
        reasons.append(
            LoyaltyReason(
                "products",
                retention * w.product_weight,
                f"{len(products)} products held ({', '.join(sorted(products))}): "
                f"{retention} % retention",
            )
        )
    if latest is not None:
        pts = w.satisfaction_points.get(latest[1], _D(0))
        reasons.append(LoyaltyReason("satisfaction", pts, f"latest satisfaction {latest[1]}/5"))
    if complaints:
        pts = w.complaint_points * complaints + w.open_complaint_points * open_complaints
        reasons.append(
            LoyaltyReason("complaints", pts, f"{complaints} complaints, {open_complaints} open")
        )
    if made:
        pts = min(
            w.referral_points * (made - successful) + w.referral_purchase_points * successful,
            w.referrals_cap,
        )
        reasons.append(
            LoyaltyReason("referrals", pts, f"{made} referrals, {successful} led to a purchase")
        )
    if member_ids:
        pts = w.member_points + (w.club_active_points if club_active else _D(0))
        note = "club member, active" if club_active else "club member"
        reasons.append(LoyaltyReason("club", pts, note))
    total = sum((r.points for r in reasons), _D(0))
    score = min(max(total, _D(0)), _D(100))
    return LoyaltyScore(customer_id, score, tuple(sorted(products)), tuple(reasons))
