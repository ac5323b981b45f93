"""Dealer KPIs for a period: seed 000's prospect and owner KPIs and seed 002's club KPIs.

:func:`dealer_kpis` reads each record stream once, in a fixed order, keeping counters and
at most one small integer per owner or per record of the period — never the streams
themselves — so a DMS can feed it cursors over tens of millions of rows. It computes
every dealer found in the streams at once (a dealer group), or one dealer.

Every KPI is a :class:`~crm_core.scoring.kpi.KpiValue`; its numerator and denominator
are documented in ``docs/kpis.md`` and on :class:`KpiCode`. Records dated after the
period are ignored except callbacks (a callback due in March may be made in April) and
renewals (a policy ending in March may be renewed in April).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, time, timedelta, timezone, tzinfo
from decimal import Decimal
from types import MappingProxyType

import attrs

from crm_core.domain.anchor import AnchorKind
from crm_core.domain.customer import Customer, CustomerType
from crm_core.domain.ids import CustomerId, DealerId, InteractionId, TaskId
from crm_core.domain.insurance import InsurancePolicy, PolicyId
from crm_core.domain.interaction import (
    Callback,
    ClubActivity,
    Interaction,
    InteractionKind,
    RepairOrder,
    Sale,
    ServiceKind,
)
from crm_core.domain.membership import (
    ClubMember,
    MembershipStatus,
    PointsEntry,
    PointsKind,
    Referral,
)
from crm_core.domain.survey import SurveyKind, SurveyResponse
from crm_core.domain.task import FollowUpTask, TaskStatus
from crm_core.domain.vehicle import Ownership
from crm_core.errors import ValidationError
from crm_core.scoring.churn import LostOwnerConfig
from crm_core.scoring.kpi import (
    KpiValue,
    Threshold,
    ThresholdOutcome,
    anchor_kinds,
    count,
    decimal_places,
    rate,
)
from crm_core.scoring.period import Period

__all__ = ["KpiCode", "KpiConfig", "KpiSet", "dealer_kpis"]


class KpiCode(enum.StrEnum):
    """Every KPI :func:`dealer_kpis` reports (numerator / denominator in ``docs/kpis.md``)."""

    # prospects (seed 000, 潜在客户关系管理)
    INBOUND_CALLS = "inbound_calls"  # 来电量
    SHOWROOM_VISITS = "showroom_visits"  # 来店量
    FILING_RATE = "filing_rate"  # 留档率
    LEAD_CONVERSION_RATE = "lead_conversion_rate"  # 销售线索转化率
    TEST_DRIVE_RATE = "test_drive_rate"  # 试乘试驾率
    CLOSING_RATE = "closing_rate"  # 成交率
    PROSPECT_LOSS_RATE = "prospect_loss_rate"  # 潜在客户流失率
    DELIVERY_CEREMONY_RATE = "delivery_ceremony_rate"  # 新车交付仪式率
    SALES_CALLBACK_RATE = "sales_callback_rate"  # 客户回访率 (售时)
    SALES_SATISFACTION = "sales_satisfaction"  # 售时满意度 (完全满意率)
    # owners (seed 000, 保有客户关系管理)
    OWNERS_ON_FILE = "owners_on_file"  # 保有客户量
    WORKSHOP_VISITS = "workshop_visits"  # 维修/保养台次
    LOST_OWNERS = "lost_owners"  # 售后流失客户
    LONG_LOST_OWNERS = "long_lost_owners"
    APPOINTMENT_RATE = "appointment_rate"  # 预约维修/保养率
    REFERRAL_RATE = "referral_rate"  # 老客户推荐率 (= seed 002 推荐购车率)
    REPURCHASES = "repurchases"  # 再次购车量
    INSURANCE_RENEWAL_RATE = "insurance_renewal_rate"  # 续保率
    AFTER_SALES_CALLBACK_RATE = "after_sales_callback_rate"  # 客户回访率 (售后)
    AFTER_SALES_SATISFACTION = "after_sales_satisfaction"  # 售后满意度 (完全满意率)
    # owners' club (seed 002, 车友汇)
    CUMULATIVE_ENROLMENT_RATE = "cumulative_enrolment_rate"  # 累计入会率
    PERIOD_ENROLMENT_RATE = "period_enrolment_rate"  # 当季入会率
    MEMBER_ACTIVITY_RATE = "member_activity_rate"  # 当季会员活跃度


def _threshold(minimum: str, below: ThresholdOutcome) -> Threshold:
    return Threshold(Decimal(minimum), below)


_MOST_LOOKBACK_DAYS = 36_525


@attrs.frozen(slots=True)
class KpiConfig:
    """Every number the KPIs use; the defaults are the seeds' (see ``docs/kpis.md``)."""

    prospect_loss_days: int = 90  # a prospect with no sales contact for this long is lost
    sales_callback_anchors: frozenset[str] = attrs.field(
        default=frozenset({AnchorKind.SALE, AnchorKind.DELIVERY}), validator=anchor_kinds
    )
    after_sales_callback_anchors: frozenset[str] = attrs.field(
        default=frozenset(
            {
                AnchorKind.REPAIR_HANDED_BACK,
                AnchorKind.LAST_VISIT,
                AnchorKind.WARRANTY_END,
                AnchorKind.INSURANCE_EXPIRY,
                AnchorKind.FIRST_REGISTRATION,
            }
        ),
        validator=anchor_kinds,
    )
    completely_satisfied: int = 5  # overall score that counts as 完全满意
    lost: LostOwnerConfig = attrs.field(factory=LostOwnerConfig)
    cumulative_enrolment: Threshold = attrs.field(
        factory=lambda: _threshold("0.5", ThresholdOutcome.NOT_ELIGIBLE)
    )
    period_enrolment: Threshold = attrs.field(
        factory=lambda: _threshold("0.8", ThresholdOutcome.SCORES_ZERO)
    )
    member_activity: Threshold = attrs.field(
        factory=lambda: _threshold("0.3", ThresholdOutcome.SCORES_ZERO)
    )
    event_points_min: int = 100  # event points below this do not make a member active
    renewal_lookback_days: int = 366  # renewals starting earlier cannot renew this period
    places: int = attrs.field(default=4, validator=decimal_places)

    def __attrs_post_init__(self) -> None:
        # a century of look-back is more than any KPI needs, and stays a date
        for name in ("prospect_loss_days", "renewal_lookback_days"):
            if not 0 < getattr(self, name) <= _MOST_LOOKBACK_DAYS:
                raise ValidationError(f"must be 1 to {_MOST_LOOKBACK_DAYS} days", field=name)
        if not 1 <= self.completely_satisfied <= 5:
            raise ValidationError("must be a score from 1 to 5", field="completely_satisfied")


@attrs.frozen(slots=True)
class KpiSet:
    """All KPIs of one dealer for one period; ``kpis[code]`` or ``kpis.get(code)``."""

    dealer_id: DealerId
    period: Period
    values: Mapping[str, KpiValue]

    def __getitem__(self, code: str) -> KpiValue:
        return self.values[code]

    def __iter__(self) -> Iterator[KpiValue]:
        return iter(self.values.values())


# owner flags, packed with the owner's "last seen" day ordinal into one int per owner
_INDIVIDUAL = 1
_HOLDS_AT_END = 2
_REPORTED = 4  # an ownership started on or before the period's last day
_NEW = 8  # an ownership started inside the period
_EARLIER = 16  # an ownership started before the period
_SHIFT = 5

# prospect flags for the period
_CALL = 1
_VISIT = 2
_SHOWROOM = 4
_DRIVE = 8
_ORDER = 16

_SALES = 1
_AFTER_SALES = 2

_SHOWROOM_KINDS = frozenset(
    {InteractionKind.VISIT, InteractionKind.NEGOTIATION, InteractionKind.TEST_DRIVE}
)


class _Dealer:
    """Counters and per-owner state of one dealer (mutable, local to one computation)."""

    __slots__ = (
        "active_members",
        "appointments",
        "callbacks_due",
        "calls",
        "ceremonies",
        "deliveries",
        "delivery_ids",
        "due_tasks",
        "event_customers",
        "filed",
        "made_tasks",
        "members_at_end",
        "members_cumulative",
        "members_new",
        "owners",
        "points_active",
        "policies_ending",
        "prospects",
        "referred_sales",
        "renewed",
        "sat",
        "silence",
        "visits",
        "workshop",
    )

    def __init__(self) -> None:
        self.owners: dict[CustomerId, int] = {}
        self.calls = self.visits = self.filed = 0
        self.prospects: dict[CustomerId, int] = {}
        self.silence: dict[CustomerId, tuple[int, int]] = {}
        self.deliveries = self.ceremonies = 0
        self.delivery_ids: set[InteractionId] = set()
        self.workshop = self.appointments = 0
        self.due_tasks: dict[TaskId, int] = {}
        self.callbacks_due = [0, 0, 0]
        self.made_tasks: set[TaskId] = set()
        self.event_customers: set[CustomerId] = set()
        self.points_active: set[str] = set()
        self.members_cumulative = self.members_new = 0
        self.members_at_end = self.active_members = 0
        self.referred_sales: set[InteractionId] = set()
        self.policies_ending: set[PolicyId] = set()
        self.renewed: set[PolicyId] = set()
        # survey kind -> [responses, completely satisfied]
        self.sat: dict[SurveyKind, list[int]] = {k: [0, 0] for k in SurveyKind}


# a zone's view of the period: start, end, start of the prospect-loss window, the shift
# from the zone's wall time to the dealer's (``None``: none needed), and whether records in
# the zone must be converted to the dealer's zone first (the bounds are then the dealer's)
_Bounds = tuple[datetime, datetime, datetime, timedelta | None, bool]
_ZERO = timedelta(0)
_UNSEEN = object()  # the zone before the first record: no record's tzinfo is this


class _Zones:
    """The period's bounds as seen from each timezone the records arrive in.

    Comparing two datetimes that share a tzinfo object is a plain field comparison;
    across zones Python computes both UTC offsets on every comparison, and converting
    each record to the dealer's zone costs as much. So the bounds are converted once per
    record zone instead. A fixed-offset record zone (UTC, +08:00) also gets the shift
    that turns its wall time into the dealer's local day; any other zone (a DST zone that
    is not the dealer's) is converted record by record, which is always exact.
    """

    __slots__ = ("fixed", "home", "offset", "tz", "views")

    def __init__(self, tz: tzinfo, start: datetime, end: datetime, loss_start: datetime) -> None:
        self.home: _Bounds = (start, end, loss_start, None, False)
        probes = (loss_start, start, end, datetime(start.year, 7, 1, tzinfo=tz))
        offsets = {probe.utcoffset() for probe in probes}
        self.fixed = len(offsets) == 1
        self.offset = start.utcoffset() or _ZERO
        self.views: dict[tzinfo | None, _Bounds] = {tz: self.home}
        self.tz = tz

    def view(self, zone: tzinfo | None) -> _Bounds:
        """The bounds in ``zone``, or the dealer's with the flag to convert each record."""
        bounds = self.views.get(zone)
        if bounds is not None:
            return bounds
        start, end, loss_start, _, _ = self.home
        if self.fixed and isinstance(zone, timezone):
            shift = self.offset - (zone.utcoffset(None) or _ZERO)
            bounds = (
                start.astimezone(zone),
                end.astimezone(zone),
                loss_start.astimezone(zone),
                shift or None,
                False,
            )
        else:
            bounds = (start, end, loss_start, None, True)
        self.views[zone] = bounds
        return bounds

    def within(self, at: datetime) -> bool:
        """Whether ``at`` falls in the period."""
        start, end, _, _, convert = self.view(at.tzinfo)
        return start <= (at.astimezone(self.tz) if convert else at) < end


def dealer_kpis(
    period: Period,
    *,
    ownerships: Iterable[Ownership] = (),
    customers: Iterable[Customer] = (),
    tasks: Iterable[FollowUpTask] = (),
    interactions: Iterable[Interaction] = (),
    points: Iterable[PointsEntry] = (),
    members: Iterable[ClubMember] = (),
    referrals: Iterable[Referral] = (),
    policies: Iterable[InsurancePolicy] = (),
    surveys: Iterable[SurveyResponse] = (),
    dealer_id: DealerId | None = None,
    config: KpiConfig | None = None,
) -> dict[DealerId, KpiSet]:
    """Every KPI of ``period`` for each dealer in the streams (or only ``dealer_id``).

    The streams are read once each, in the order of the parameters above (ownerships
    first, surveys last), so they may be generators or database cursors; later streams
    are joined against what earlier ones left in memory.

    >>> from datetime import UTC, datetime
    >>> from crm_core.domain.interaction import Interaction, InteractionKind
    >>> calls = [Interaction(id=f"I{n}", dealer_id="D1", kind=InteractionKind.INBOUND_CALL,
    ...                      occurred_at=datetime(2026, 3, n, 2, tzinfo=UTC),
    ...                      customer_id="C1" if n < 3 else None) for n in (1, 2, 3)]
    >>> kpis = dealer_kpis(Period.month(2026, 3), interactions=calls)["D1"]
    >>> kpis["inbound_calls"].value, kpis["filing_rate"].value
    (Decimal('3'), Decimal('0.6667'))
    >>> kpis["showroom_visits"].value, kpis["test_drive_rate"].value
    (Decimal('0'), NOT_APPLICABLE)
    """
    cfg = config or KpiConfig()
    tz = period.tz
    start = datetime.combine(period.first_day, time(), tz)
    end = datetime.combine(period.end_day, time(), tz)
    first, last = period.first_day, period.last_day
    loss_start = start - timedelta(days=cfg.prospect_loss_days)
    dealers: dict[DealerId, _Dealer] = {}
    if dealer_id is not None:
        dealers[dealer_id] = _Dealer()

    def state(did: DealerId) -> _Dealer | None:
        """A dealer first seen (loops call it only when ``dealers.get`` found nothing)."""
        if dealer_id is not None:
            return None
        acc = dealers[did] = _Dealer()
        return acc

    # the loops below run once per record, millions of times: enum members are bound to
    # locals (an enum class attribute costs a __getattr__ hook in Python 3.11) and the
    # dealer is looked up inline, calling state() only for a dealer not yet seen
    low_bits = ~(-1 << _SHIFT)
    held, new, earlier = _REPORTED | _HOLDS_AT_END, _NEW, _EARLIER
    for o in ownerships:
        since = o.since
        if since > last:
            continue
        acc = dealers.get(o.dealer_id) or state(o.dealer_id)
        if acc is None:
            continue
        until = o.until
        # Ownership.active_on(last), inlined; the owner's clock is the ownership's start
        holds = until is None or last < until
        packed = held | since.toordinal() << _SHIFT if holds else _REPORTED
        packed |= new if since >= first else earlier
        owners = acc.owners
        customer = o.customer_id
        old = owners.get(customer)
        if old is not None:  # a second car: merge the flags, keep the later clock
            packed = (old | packed) & low_bits | max(old, packed) >> _SHIFT << _SHIFT
        owners[customer] = packed

    individual = CustomerType.INDIVIDUAL
    for c in customers:
        if c.type is not individual:
            continue
        acc = dealers.get(c.dealer_id)
        if acc is None:
            continue
        known = acc.owners.get(c.id)
        if known is not None:
            acc.owners[c.id] = known | _INDIVIDUAL

    zones = _Zones(tz, start, end, loss_start)
    cancelled = TaskStatus.CANCELLED
    for t in tasks:
        acc = dealers.get(t.dealer_id) or state(t.dealer_id)
        if acc is None or t.attempt != 1 or t.status is cancelled or not zones.within(t.due_from):
            continue
        if t.anchor in cfg.sales_callback_anchors:
            group = _SALES
        elif t.anchor in cfg.after_sales_callback_anchors:
            group = _AFTER_SALES
        else:
            continue
        if t.id not in acc.due_tasks:
            acc.due_tasks[t.id] = group
            acc.callbacks_due[group] += 1

    # the loop below runs once per interaction — tens of millions for a dealer group — so
    # names are bound to locals, and the zone's bounds are looked up only when the zone
    # changes from one record to the next
    k = InteractionKind
    repair, callback, order_kind, delivery = k.REPAIR_ORDER, k.CALLBACK, k.ORDER, k.DELIVERY
    event, call, visit, drive = k.EVENT, k.INBOUND_CALL, k.VISIT, k.TEST_DRIVE
    pdi = ServiceKind.PDI
    visit_kinds = (call, visit)
    showroom_kinds = _SHOWROOM_KINDS
    zone: object = _UNSEEN
    p_start, p_end, p_loss, shift, convert = zones.home
    for i in interactions:
        acc = dealers.get(i.dealer_id) or state(i.dealer_id)
        if acc is None:
            continue
        kind = i.kind
        if kind is callback:  # the only kind whose time does not matter: no zone work
            detail = i.detail
            if isinstance(detail, Callback) and detail.task_id in acc.due_tasks:
                acc.made_tasks.add(detail.task_id)
            continue
        at = i.occurred_at
        if at.tzinfo is not zone:
            zone = at.tzinfo
            p_start, p_end, p_loss, shift, convert = zones.view(at.tzinfo)
        if convert:
            at = at.astimezone(tz)
        cid = i.customer_id
        if kind is repair:  # the whole history counts: the owner's last workshop visit
            if at >= p_end:
                continue
            detail = i.detail
            if isinstance(detail, RepairOrder) and detail.service_kind is pdi:
                continue
            if at >= p_start:
                acc.workshop += 1
                if isinstance(detail, RepairOrder) and detail.by_appointment:
                    acc.appointments += 1
            if cid is not None:
                owners = acc.owners
                seen = owners.get(cid)
                if seen is not None:
                    # the day, shifted into place: greater than seen iff a later day
                    day = (at.toordinal() if shift is None else (at + shift).toordinal()) << _SHIFT
                    if day > seen:
                        owners[cid] = seen & low_bits | day
        elif not p_loss <= at < p_end:  # every other kind counts from the loss window on
            continue
        elif kind in visit_kinds or kind in showroom_kinds or kind is order_kind:
            if cid is not None:
                day = at.toordinal() if shift is None else (at + shift).toordinal()
                contact, order = acc.silence.get(cid, (0, 0))
                if kind is order_kind:
                    order = max(order, day)
                elif kind is not call:
                    contact = max(contact, day)
                acc.silence[cid] = (contact, order)
            if at < p_start:
                continue
            if kind is call:
                acc.calls += 1
                flag = _CALL
            elif kind is visit:
                acc.visits += 1
                flag = _VISIT | _SHOWROOM
            elif kind is order_kind:
                flag = _ORDER | _SHOWROOM
            elif kind is drive:
                flag = _DRIVE | _SHOWROOM
            else:
                flag = _SHOWROOM
            if cid is not None:
                if kind in visit_kinds:
                    acc.filed += 1
                acc.prospects[cid] = acc.prospects.get(cid, 0) | flag
        elif kind is delivery:
            detail = i.detail
            if cid is not None:
                day = at.toordinal() if shift is None else (at + shift).toordinal()
                contact, order = acc.silence.get(cid, (0, 0))
                acc.silence[cid] = (contact, max(order, day))
            if at < p_start or (isinstance(detail, Sale) and detail.is_virtual):
                continue
            acc.deliveries += 1
            acc.delivery_ids.add(i.id)
            if isinstance(detail, Sale) and detail.ceremony:
                acc.ceremonies += 1
        elif kind is event:
            detail = i.detail
            if (
                at >= p_start
                and cid is not None
                and isinstance(detail, ClubActivity)
                and detail.recorded_in_system
                and (detail.points == 0 or detail.points >= cfg.event_points_min)
            ):
                acc.event_customers.add(cid)

    expire = PointsKind.EXPIRE
    for e in points:
        acc = dealers.get(e.dealer_id) or state(e.dealer_id)
        if acc is None or e.kind is expire or not zones.within(e.at):
            continue
        if e.from_event and 0 < e.points < cfg.event_points_min:
            continue
        acc.points_active.add(e.member_id)

    lapsed, active = MembershipStatus.LAPSED, MembershipStatus.ACTIVE
    for m in members:
        acc = dealers.get(m.dealer_id) or state(m.dealer_id)
        if acc is None or m.applied_on > last or m.status is lapsed:
            continue
        acc.members_cumulative += 1
        if m.applied_on >= first:
            acc.members_new += 1
        if m.status is active and (m.joined_on is None or m.joined_on <= last):
            acc.members_at_end += 1
            if m.id in acc.points_active or m.customer_id in acc.event_customers:
                acc.active_members += 1

    for r in referrals:
        acc = dealers.get(r.dealer_id) or state(r.dealer_id)
        if acc is not None and r.sale_interaction_id in acc.delivery_ids:
            acc.referred_sales.add(r.sale_interaction_id)

    renew_from = first - timedelta(days=cfg.renewal_lookback_days)
    for p in policies:
        acc = dealers.get(p.dealer_id) or state(p.dealer_id)
        if acc is None:
            continue
        if first <= p.ends_on <= last:
            acc.policies_ending.add(p.id)
        if p.renewal_of is not None and p.sold_by_dealer and p.starts_on >= renew_from:
            acc.renewed.add(p.renewal_of)

    for s in surveys:
        acc = dealers.get(s.dealer_id) or state(s.dealer_id)
        if acc is None or not zones.within(s.answered_at):
            continue
        tally = acc.sat[s.kind]
        tally[0] += 1
        tally[1] += s.overall >= cfg.completely_satisfied

    lost_cut, long_cut = cfg.lost.cutoffs(last)
    return {
        did: _kpi_set(did, period, acc, cfg, lost_cut.toordinal(), long_cut.toordinal())
        for did, acc in dealers.items()
    }


def _kpi_set(
    did: DealerId, period: Period, acc: _Dealer, cfg: KpiConfig, lost_cut: int, long_cut: int
) -> KpiSet:
    places = cfg.places
    loss_cut = period.end_day.toordinal() - cfg.prospect_loss_days
    live_from = period.first_day.toordinal() - cfg.prospect_loss_days
    live = lost = 0
    for contact, order in acc.silence.values():
        if contact >= live_from and order < contact:
            live += 1
            lost += contact < loss_cut
    callers = called_in = showroom = drove = ordered = 0
    for flags in acc.prospects.values():
        if flags & _CALL:
            callers += 1
            called_in += bool(flags & _VISIT)
        if flags & _SHOWROOM:
            showroom += 1
            drove += bool(flags & _DRIVE)
            ordered += bool(flags & _ORDER)
    on_file = lost_owners = long_lost = repurchases = 0
    reported = new_owners = 0
    for packed in acc.owners.values():
        if packed & _HOLDS_AT_END:
            on_file += 1
            clock = packed >> _SHIFT
            if clock <= long_cut:
                long_lost += 1
            elif clock <= lost_cut:
                lost_owners += 1
        if packed & _NEW and packed & _EARLIER:
            repurchases += 1
        if packed & _INDIVIDUAL:
            reported += bool(packed & _REPORTED)
            new_owners += bool(packed & _NEW)
    made = [0, 0, 0]
    for task_id in acc.made_tasks:
        made[acc.due_tasks[task_id]] += 1
    sales, after = acc.sat[SurveyKind.SALES], acc.sat[SurveyKind.AFTER_SALES]
    k = KpiCode
    values = [
        count(k.INBOUND_CALLS, acc.calls),
        count(k.SHOWROOM_VISITS, acc.visits),
        rate(k.FILING_RATE, acc.filed, acc.calls + acc.visits, places=places),
        rate(k.LEAD_CONVERSION_RATE, called_in, callers, places=places),
        rate(k.TEST_DRIVE_RATE, drove, showroom, places=places),
        rate(k.CLOSING_RATE, ordered, showroom, places=places),
        rate(k.PROSPECT_LOSS_RATE, lost, live, places=places),
        rate(k.DELIVERY_CEREMONY_RATE, acc.ceremonies, acc.deliveries, places=places),
        rate(k.SALES_CALLBACK_RATE, made[_SALES], acc.callbacks_due[_SALES], places=places),
        rate(k.SALES_SATISFACTION, sales[1], sales[0], places=places),
        count(k.OWNERS_ON_FILE, on_file),
        count(k.WORKSHOP_VISITS, acc.workshop),
        rate(k.LOST_OWNERS, lost_owners, on_file, places=places),
        rate(k.LONG_LOST_OWNERS, long_lost, on_file, places=places),
        rate(k.APPOINTMENT_RATE, acc.appointments, acc.workshop, places=places),
        rate(k.REFERRAL_RATE, len(acc.referred_sales), acc.deliveries, places=places),
        count(k.REPURCHASES, repurchases),
        rate(
            k.INSURANCE_RENEWAL_RATE,
            len(acc.policies_ending & acc.renewed),
            len(acc.policies_ending),
            places=places,
        ),
        rate(
            k.AFTER_SALES_CALLBACK_RATE,
            made[_AFTER_SALES],
            acc.callbacks_due[_AFTER_SALES],
            places=places,
        ),
        rate(k.AFTER_SALES_SATISFACTION, after[1], after[0], places=places),
        rate(
            k.CUMULATIVE_ENROLMENT_RATE,
            acc.members_cumulative,
            reported,
            cfg.cumulative_enrolment,
            places,
        ),
        rate(k.PERIOD_ENROLMENT_RATE, acc.members_new, new_owners, cfg.period_enrolment, places),
        rate(
            k.MEMBER_ACTIVITY_RATE,
            acc.active_members,
            acc.members_at_end,
            cfg.member_activity,
            places,
        ),
    ]
    return KpiSet(did, period, MappingProxyType({v.code: v for v in values}))
