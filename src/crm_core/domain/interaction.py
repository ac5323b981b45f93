"""Everything that happens between the dealer and a customer (seed 000's contact list).

One record type covers every kind so a host can stream a customer's history in time
order; kind-specific facts live in ``detail`` (a sale, a repair order, a callback, a club
event), which the serializer tags with its ``kind``.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

import attrs

from crm_core.domain._mask import mask_phone
from crm_core.domain._validators import as_members, aware, finite, non_empty, non_negative
from crm_core.domain.contact import Channel
from crm_core.domain.ids import CustomerId, DealerId, InteractionId, StaffId, TaskId, VehicleId
from crm_core.errors import ValidationError


class InteractionKind(enum.StrEnum):
    """What one contact was: a call, visit, test drive, order, delivery, repair, callback, SMS …

    Seed 000's contact list, inbound (the customer comes to the dealer) then outbound (the
    dealer reaches out, ``is_outbound``). ORDER and DELIVERY carry a :class:`Sale`,
    REPAIR_ORDER a :class:`RepairOrder`, CALLBACK a :class:`Callback`, EVENT and
    CLUB_ENROLMENT a :class:`ClubActivity`.
    """

    # inbound (the customer comes to the dealer)
    INBOUND_CALL = "inbound_call"  # 来电
    VISIT = "visit"  # 来店
    NEGOTIATION = "negotiation"  # 商谈
    TEST_DRIVE = "test_drive"  # 试驾
    ORDER = "order"  # 订车
    DELIVERY = "delivery"  # 交车
    REPAIR_ORDER = "repair_order"  # 保养/维修 (工单)
    # outbound (the dealer reaches out)
    CALLBACK = "callback"  # 回访
    SMS = "sms"  # 短信
    MAIL = "mail"  # 直邮
    EMAIL = "email"  # 电邮
    EVENT = "event"  # 活动
    CLUB_ENROLMENT = "club_enrolment"  # 入会

    @property
    def is_outbound(self) -> bool:
        return self in _OUTBOUND


_OUTBOUND = frozenset(
    {
        InteractionKind.CALLBACK,
        InteractionKind.SMS,
        InteractionKind.MAIL,
        InteractionKind.EMAIL,
        InteractionKind.EVENT,
        InteractionKind.CLUB_ENROLMENT,
    }
)


class ServiceKind(enum.StrEnum):
    """What a repair order was for: first service, maintenance, repair, warranty, accident, PDI.

    PDI (售前检查) orders are for stock cars (商品车), not customers: they are no workshop
    visit for the churn and KPI figures.
    """

    FIRST_SERVICE = "first_service"  # 首保
    MAINTENANCE = "maintenance"  # 保养
    REPAIR = "repair"  # 维修
    WARRANTY = "warranty"  # 索赔 / 保修
    ACCIDENT = "accident"  # 事故车
    PDI = "pdi"  # 售前检查 (stock vehicles)


class CallbackOutcome(enum.StrEnum):
    """How a callback went: reached, not reached, refused, call later, or a complaint found.

    NOT_REACHED and CALL_LATER make the planner try again (seed 000: the next day);
    REFUSED stops phone callbacks for a while; COMPLAINT_FOUND starts seed 001's escalation.
    REACHED and COMPLAINT_FOUND are successful callbacks in the monthly report.
    """

    REACHED = "reached"  # 回访成功
    NOT_REACHED = "not_reached"  # 未接通
    REFUSED = "refused"  # 拒绝回访
    CALL_LATER = "call_later"  # 客户要求稍后再打
    COMPLAINT_FOUND = "complaint_found"  # 发现抱怨/投诉


class Recommendation(enum.StrEnum):
    """The four-level "would you recommend us" answer of seed 000's surveys."""

    DEFINITELY = "definitely"
    PROBABLY = "probably"
    PROBABLY_NOT = "probably_not"
    DEFINITELY_NOT = "definitely_not"


@attrs.frozen(slots=True)
class Sale:
    """Detail of an ORDER or DELIVERY: what was sold and to whom it was reported."""

    amount: Decimal | None = attrs.field(default=None, validator=finite)
    is_used_car: bool = False
    referred_by: CustomerId | None = None  # recorded referral relation (seed 002)
    is_virtual: bool = False  # "virtual" deliveries do not count in KPIs (seed 002)
    remarks: str | None = None  # sale report remarks; a test-drive car says 试乘试驾车
    ceremony: bool = False  # a delivery ceremony was held (新车交付仪式, seed 000 KPI)


@attrs.frozen(slots=True)
class RepairOrder:
    """Detail of a repair order (工单): who brought the car, what was done, callback consent.

    The reporter (报修人) is the person who brought the car; seed 000 calls them back, not
    the registered owner. ``callback_consent`` and the preferred time and phone are what
    the service advisor records for after-sales callbacks (seed 001).
    """

    reporter_name: str | None = None
    reporter_phone: str | None = attrs.field(default=None, repr=mask_phone)
    service_kind: ServiceKind = ServiceKind.MAINTENANCE
    handed_back_at: datetime | None = attrs.field(default=None, validator=aware)
    mileage_km: int | None = attrs.field(default=None, validator=non_negative)
    amount: Decimal | None = attrs.field(default=None, validator=finite)
    is_paid: bool = True  # customer-paid, as opposed to warranty or internal
    callback_consent: bool = True
    preferred_callback_time: str | None = None  # e.g. "weekday evenings", "09:00-11:00"
    callback_phone: str | None = attrs.field(default=None, repr=mask_phone)
    by_appointment: bool = False  # booked in advance (预约维修/保养, seed 000 KPI)

    __attrs_post_init__ = as_members


@attrs.frozen(slots=True)
class SurveyAnswer:
    """One answer of a callback's questionnaire: a question key and a score from 1 to 5.

    The callback report averages the scores per question (seed 001's monthly report).
    """

    question: str  # a stable key of the host's questionnaire, e.g. "repair_quality"
    score: int  # 1 (very dissatisfied) .. 5 (completely satisfied)


@attrs.frozen(slots=True)
class Callback:
    """Detail of a CALLBACK: how it went and what the customer said."""

    outcome: CallbackOutcome
    task_id: TaskId | None = None  # the follow-up task this call worked off
    rule_id: str | None = None
    satisfaction: int | None = None  # overall, 1..5
    would_recommend: Recommendation | None = None
    answers: tuple[SurveyAnswer, ...] = ()
    issues: tuple[str, ...] = ()  # issue codes found (e.g. "repair_quality", "waiting_time")

    __attrs_post_init__ = as_members


@attrs.frozen(slots=True)
class ClubActivity:
    """Detail of a club event or enrolment: the event, the points it gave, whether recorded.

    Seed 002's activity KPI ignores events not recorded in the system and event points
    under 100.
    """

    event_name: str | None = None
    points: int = 0
    recorded_in_system: bool = True  # seed 002: events not recorded do not count


Detail = Sale | RepairOrder | Callback | ClubActivity


@attrs.frozen(slots=True)
class Interaction:
    """One contact: who (customer, staff), about what (vehicle), how (channel), when."""

    id: InteractionId = attrs.field(validator=non_empty)
    dealer_id: DealerId = attrs.field(validator=non_empty)
    kind: InteractionKind
    occurred_at: datetime = attrs.field(validator=aware)
    customer_id: CustomerId | None = None  # None for an anonymous inbound call
    vehicle_id: VehicleId | None = None
    staff_id: StaffId | None = None
    channel: Channel = Channel.PHONE
    notes: str | None = None
    detail: Detail | None = None
    version: int = attrs.field(default=0, validator=non_negative)
    updated_at: datetime | None = attrs.field(default=None, validator=aware)

    def __attrs_post_init__(self) -> None:
        # a DMS streams millions of these: even as_members' generated test costs a tenth
        # of the constructor, so members (the usual case) are recognised here; anything
        # else goes through it, which stores a value string ("callback") as the member
        if type(self.kind) is not InteractionKind or type(self.channel) is not Channel:
            as_members(self)
        detail = self.detail
        if detail is not None and not isinstance(detail, _DETAIL_FOR_KIND.get(self.kind, ())):
            raise ValidationError(
                f"{type(self.detail).__name__} detail does not belong to a {self.kind} interaction",
                field="detail",
            )


_DETAIL_FOR_KIND: dict[InteractionKind, tuple[type, ...]] = {
    InteractionKind.ORDER: (Sale,),
    InteractionKind.DELIVERY: (Sale,),
    InteractionKind.REPAIR_ORDER: (RepairOrder,),
    InteractionKind.CALLBACK: (Callback,),
    InteractionKind.EVENT: (ClubActivity,),
    InteractionKind.CLUB_ENROLMENT: (ClubActivity,),
}
