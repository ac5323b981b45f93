"""Where a customer stands: seed 002's customer states and lifecycle stages.

Customer states (客户状态): a prospect (潜在客户) becomes a first-time customer (首次惠顾);
satisfied, a repeat customer (续购), then an advocate (大力提倡) and a core word-of-mouth
customer (核心口碑); dissatisfied, a never-return customer (永不复购), a negative
word-of-mouth customer (负面口碑) and finally a third-party complainant (第三方投诉).

Lifecycle stages (客户生命周期): need → trial → purchase → repair → service → retention →
repurchase, in a loop.

Both are derived from the customer's records by ordered rules; the result names the rule
that decided it, so "why is this customer an advocate" has an answer.

>>> from datetime import UTC, datetime, date
>>> from crm_core.domain.interaction import Interaction, InteractionKind
>>> visit = Interaction(id="I1", dealer_id="D1", kind=InteractionKind.VISIT,
...                     occurred_at=datetime(2026, 1, 5, tzinfo=UTC), customer_id="C1")
>>> drive = Interaction(id="I2", dealer_id="D1", kind=InteractionKind.TEST_DRIVE,
...                     occurred_at=datetime(2026, 1, 5, tzinfo=UTC), customer_id="C1")
>>> h = CustomerHistory.of("C1", date(2026, 2, 1), interactions=[visit, drive])
>>> customer_segment(h)
SegmentResult(segment=<Segment.PROSPECT: 'prospect'>, rule='no_purchase')
>>> lifecycle_stage(h)
StageResult(stage=<LifecycleStage.TRIAL: 'trial'>, rule='test_drive_no_order')
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, datetime

import attrs

from crm_core.domain._validators import non_negative
from crm_core.domain.case import Case, CaseKind, CaseSource
from crm_core.domain.ids import CustomerId
from crm_core.domain.interaction import (
    Callback,
    ClubActivity,
    Interaction,
    InteractionKind,
    Recommendation,
    RepairOrder,
)
from crm_core.domain.membership import ClubMember, MembershipStatus, Referral
from crm_core.domain.survey import SurveyResponse
from crm_core.scoring.churn import is_workshop_visit
from crm_core.scoring.period import months_before, zone

__all__ = [
    "CustomerHistory",
    "LifecycleStage",
    "Segment",
    "SegmentConfig",
    "SegmentResult",
    "StageResult",
    "customer_segment",
    "lifecycle_stage",
]

_SALES_CONTACT = frozenset(
    {
        InteractionKind.INBOUND_CALL,
        InteractionKind.VISIT,
        InteractionKind.NEGOTIATION,
        InteractionKind.TEST_DRIVE,
        InteractionKind.ORDER,
    }
)
_NEGATIVE_RECOMMEND = frozenset({Recommendation.PROBABLY_NOT, Recommendation.DEFINITELY_NOT})


class Segment(enum.StrEnum):
    """Seed 002's customer states, from prospect to core word-of-mouth or to complainant.

    The satisfied path: prospect, first-time, repeat, advocate, core word-of-mouth; the
    dissatisfied path: never-return, negative word-of-mouth, third-party complainant.
    """

    PROSPECT = "prospect"  # 潜在客户
    FIRST_TIME = "first_time"  # 首次惠顾客户
    REPEAT = "repeat"  # 续购客户
    ADVOCATE = "advocate"  # 大力提倡客户
    CORE_WORD_OF_MOUTH = "core_word_of_mouth"  # 核心口碑客户
    NEVER_RETURN = "never_return"  # 永不复购客户
    NEGATIVE_WORD_OF_MOUTH = "negative_word_of_mouth"  # 负面口碑客户
    THIRD_PARTY_COMPLAINANT = "third_party_complainant"  # 第三方投诉客户


class LifecycleStage(enum.StrEnum):
    """Seed 002's lifecycle stages: need, trial, purchase, repair, service, retention, rebuy.

    The loop a customer goes round: 需求, 尝试 (test drive), 购买, 维修 (first workshop visit),
    服务 (coming back), 维系 and 换购 (buying the next car here).
    """

    NEED = "need"  # 需求
    TRIAL = "trial"  # 尝试 (test drive)
    PURCHASE = "purchase"  # 购买
    REPAIR = "repair"  # 维修 (first workshop visit)
    SERVICE = "service"  # 服务 (coming back to the workshop)
    RETENTION = "retention"  # 维系
    REPURCHASE = "repurchase"  # 换购


@attrs.frozen(slots=True)
class SegmentConfig:
    """Thresholds of the segment and lifecycle rules (common CR practice; seed 002 has none)."""

    dissatisfied_at_most: int = 2  # overall satisfaction 1–2 of 5 is dissatisfied
    advocate_satisfaction: int = 5  # 完全满意
    # dissatisfied and no paid business since
    never_return_months: int = attrs.field(default=12, validator=non_negative)
    # how long a third-party complaint marks a customer
    third_party_months: int = attrs.field(default=24, validator=non_negative)
    retention_min_visits: int = attrs.field(default=3, validator=non_negative)


@attrs.frozen(slots=True)
class CustomerHistory:
    """The facts the segment and lifecycle rules need about one customer, read in one pass."""

    customer_id: CustomerId
    as_of: date
    sales_contacts: int = 0
    test_drives: int = 0
    orders: int = 0
    deliveries: int = 0
    first_delivery: date | None = None
    sales_contact_after_delivery: bool = False
    workshop_visits: int = 0
    last_business: date | None = None  # last delivery or workshop visit
    latest_satisfaction: tuple[datetime, int] | None = None
    latest_recommend: tuple[datetime, Recommendation] | None = None
    last_complaint: date | None = None
    open_complaints: int = 0
    third_party_complaint: date | None = None
    referrals_made: int = 0
    club_member: bool = False
    club_events: int = 0

    @classmethod
    def of(
        cls,
        customer_id: CustomerId,
        as_of: date,
        *,
        interactions: Iterable[Interaction] = (),
        cases: Iterable[Case] = (),
        referrals: Iterable[Referral] = (),
        members: Iterable[ClubMember] = (),
        surveys: Iterable[SurveyResponse] = (),
        timezone: str = "Asia/Shanghai",
    ) -> CustomerHistory:
        tz = zone(timezone)
        first_delivery: date | None = None
        last_business: date | None = None
        sat: tuple[datetime, int] | None = None
        rec: tuple[datetime, Recommendation] | None = None
        counts = dict.fromkeys(
            (
                "sales_contacts",
                "test_drives",
                "orders",
                "deliveries",
                "workshop_visits",
                "club_events",
            ),
            0,
        )
        latest_sales: date | None = None
        for i in interactions:
            if i.customer_id != customer_id:
                continue
            day = i.occurred_at.astimezone(tz).date()
            if day > as_of:
                continue
            kind = i.kind
            if kind in _SALES_CONTACT:
                counts["sales_contacts"] += 1
                latest_sales = max(latest_sales or day, day)
                if kind is InteractionKind.TEST_DRIVE:
                    counts["test_drives"] += 1
                elif kind is InteractionKind.ORDER:
                    counts["orders"] += 1
            elif kind is InteractionKind.DELIVERY:
                counts["deliveries"] += 1
                first_delivery = min(first_delivery or day, day)
                last_business = max(last_business or day, day)
            elif is_workshop_visit(i):
                paid = not isinstance(i.detail, RepairOrder) or i.detail.is_paid
                counts["workshop_visits"] += 1
                if paid:
                    last_business = max(last_business or day, day)
            elif kind is InteractionKind.EVENT and isinstance(i.detail, ClubActivity):
                counts["club_events"] += i.detail.recorded_in_system
            if isinstance(i.detail, Callback):
                if i.detail.satisfaction is not None and (sat is None or i.occurred_at > sat[0]):
                    sat = (i.occurred_at, i.detail.satisfaction)
                if i.detail.would_recommend is not None and (rec is None or i.occurred_at > rec[0]):
                    rec = (i.occurred_at, i.detail.would_recommend)
        for s in surveys:
            if s.customer_id != customer_id or s.answered_at.astimezone(tz).date() > as_of:
                continue
            if sat is None or s.answered_at > sat[0]:
                sat = (s.answered_at, s.overall)
            if s.would_recommend is not None and (rec is None or s.answered_at > rec[0]):
                rec = (s.answered_at, s.would_recommend)
        last_complaint: date | None = None
        third_party: date | None = None
        open_complaints = 0
        for c in cases:
            if c.customer_id != customer_id or c.kind is not CaseKind.COMPLAINT:
                continue
            day = c.opened_at.astimezone(tz).date()
            if day > as_of:
                continue
            last_complaint = max(last_complaint or day, day)
            open_complaints += not c.status.is_final
            if c.source is CaseSource.THIRD_PARTY_SURVEY:
                third_party = max(third_party or day, day)
        referrals_made = sum(
            1
            for r in referrals
            if r.referrer_id == customer_id and r.recorded_at.astimezone(tz).date() <= as_of
        )
        club_member = any(
            m.customer_id == customer_id
            and m.status is MembershipStatus.ACTIVE
            and m.applied_on <= as_of
            for m in members
        )
        return cls(
            customer_id,
            as_of,
            first_delivery=first_delivery,
            sales_contact_after_delivery=(
                first_delivery is not None
                and latest_sales is not None
                and latest_sales > first_delivery
            ),
            last_business=last_business,
            latest_satisfaction=sat,
            latest_recommend=rec,
            last_complaint=last_complaint,
            open_complaints=open_complaints,
            third_party_complaint=third_party,
            referrals_made=referrals_made,
            club_member=club_member,
            **counts,
        )

    @property
    def purchases(self) -> int:
        return max(self.deliveries, self.orders)


@attrs.frozen(slots=True)
class SegmentResult:
    """A customer's state and the rule that decided it ("why is this customer an advocate").

    What :func:`customer_segment` returns.
    """

    segment: Segment
    rule: str


@attrs.frozen(slots=True)
class StageResult:
    """A customer's lifecycle stage and the rule that decided it.

    What :func:`lifecycle_stage` returns.
    """

    stage: LifecycleStage
    rule: str


def _dissatisfied(h: CustomerHistory, cfg: SegmentConfig) -> str | None:
    """The rule that makes the customer dissatisfied now, if any: an open complaint, or a
    latest satisfaction answer at or below the threshold."""
    if h.open_complaints:
        return "open_complaint"
    if h.latest_satisfaction is not None and h.latest_satisfaction[1] <= cfg.dissatisfied_at_most:
        return "low_satisfaction"
    return None


def customer_segment(h: CustomerHistory, config: SegmentConfig | None = None) -> SegmentResult:
    """A customer's state (seed 002): prospect, first-time, repeat, advocate … complainant.

    The first rule that applies decides, negative states first: an unhappy advocate is a
    risk before an asset."""
    cfg = config or SegmentConfig()
    if h.third_party_complaint is not None and h.third_party_complaint > months_before(
        h.as_of, cfg.third_party_months, field="third_party_months"
    ):
        return SegmentResult(Segment.THIRD_PARTY_COMPLAINANT, "third_party_complaint")
    unhappy = _dissatisfied(h, cfg)
    if unhappy is not None:
        if h.latest_recommend is not None and h.latest_recommend[1] in _NEGATIVE_RECOMMEND:
            return SegmentResult(Segment.NEGATIVE_WORD_OF_MOUTH, f"{unhappy}_would_not_recommend")
        stale = months_before(h.as_of, cfg.never_return_months, field="never_return_months")
        if h.last_business is None or h.last_business <= stale:
            return SegmentResult(Segment.NEVER_RETURN, f"{unhappy}_no_business_since")
    paid_business = h.purchases + h.workshop_visits
    if h.purchases == 0 and h.workshop_visits == 0:
        return SegmentResult(Segment.PROSPECT, "no_purchase")
    if paid_business < 2:
        return SegmentResult(Segment.FIRST_TIME, "one_transaction")
    promoter = (
        h.latest_recommend is not None and h.latest_recommend[1] is Recommendation.DEFINITELY
    ) or (
        h.latest_satisfaction is not None and h.latest_satisfaction[1] >= cfg.advocate_satisfaction
    )
    if unhappy is None and promoter:
        if h.referrals_made:
            return SegmentResult(Segment.CORE_WORD_OF_MOUTH, "promoter_with_referral")
        return SegmentResult(Segment.ADVOCATE, "promoter")
    return SegmentResult(Segment.REPEAT, "repeat_transactions")


def lifecycle_stage(h: CustomerHistory, config: SegmentConfig | None = None) -> StageResult:
    """A customer's lifecycle stage (seed 002), by the first rule that applies."""
    cfg = config or SegmentConfig()
    if h.deliveries:
        if h.sales_contact_after_delivery:
            return StageResult(LifecycleStage.REPURCHASE, "sales_contact_after_delivery")
        if h.workshop_visits >= cfg.retention_min_visits or (
            h.workshop_visits and (h.club_member or h.club_events)
        ):
            return StageResult(LifecycleStage.RETENTION, "regular_visits_or_club")
        if h.workshop_visits >= 2:
            return StageResult(LifecycleStage.SERVICE, "repeat_workshop_visits")
        if h.workshop_visits == 1:
            return StageResult(LifecycleStage.REPAIR, "first_workshop_visit")
        return StageResult(LifecycleStage.PURCHASE, "delivered_no_workshop_visit")
    if h.workshop_visits >= 2:
        return StageResult(LifecycleStage.SERVICE, "repeat_workshop_visits")
    if h.workshop_visits == 1:
        return StageResult(LifecycleStage.REPAIR, "first_workshop_visit")
    if h.orders:
        return StageResult(LifecycleStage.PURCHASE, "order_placed")
    if h.test_drives:
        return StageResult(LifecycleStage.TRIAL, "test_drive_no_order")
    if h.sales_contacts:
        return StageResult(LifecycleStage.NEED, "sales_contact")
    return StageResult(LifecycleStage.NEED, "no_history")
