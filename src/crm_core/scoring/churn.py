"""After-sales churn: the risk that an owner stops coming to the dealer's workshop, and
the owners who already have (lost owners).

The base risk is seed 002's curve of after-sales churn by year of ownership: year 1
3–5 %, year 2 9–13 %, year 3 or out of warranty 40–50 %, years 4–5 60–80 %, year 6 and
later 90 %. The owner's own history moves it: a long time since the last workshop visit
raises it, regular visits lower it, unresolved complaints raise it. Every step is a
:class:`ChurnReason` with the percentage points it added, so a CR representative can see
why an owner is on the win-back list.

>>> from datetime import date
>>> from crm_core.domain.vehicle import Ownership
>>> o = Ownership(id="O1", dealer_id="D1", customer_id="C1", vehicle_id="V1",
...               since=date(2023, 6, 1))
>>> risk = churn_risk(o, date(2026, 3, 1), last_visit=date(2025, 1, 10),
...                   visits=[date(2025, 1, 10)])
>>> risk.ownership_year, risk.probability
(3, Decimal('0.80'))
>>> [(r.code, r.points) for r in risk.reasons]
[('ownership_year', Decimal('45')), ('no_visit_12_months', Decimal('25')),
 ('rare_visitor', Decimal('10'))]
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import attrs
from dateutil.relativedelta import relativedelta

from crm_core.domain._validators import non_negative
from crm_core.domain.case import Case, CaseKind
from crm_core.domain.ids import CustomerId, VehicleId
from crm_core.domain.interaction import Interaction, InteractionKind, RepairOrder, ServiceKind
from crm_core.domain.vehicle import Ownership, Vehicle
from crm_core.errors import ValidationError
from crm_core.scoring.period import months_before, zone

__all__ = [
    "ChurnBand",
    "ChurnConfig",
    "ChurnReason",
    "ChurnRisk",
    "LostOwner",
    "LostOwnerConfig",
    "OwnerRetention",
    "churn_risk",
    "is_workshop_visit",
    "lost_owners",
    "owner_churn_risk",
    "retention_status",
]


def is_workshop_visit(interaction: Interaction) -> bool:
    """A repair order for a customer's car: pre-delivery inspections of stock cars are not
    visits of an owner."""
    if interaction.kind is not InteractionKind.REPAIR_ORDER:
        return False
    detail = interaction.detail
    return not (isinstance(detail, RepairOrder) and detail.service_kind is ServiceKind.PDI)


@attrs.frozen(slots=True)
class ChurnBand:
    """Churn share for ownership years ``first_year`` .. ``last_year`` (None: and later)."""

    first_year: int
    last_year: int | None
    low: Decimal
    high: Decimal

    @property
    def rate(self) -> Decimal:
        """The band's midpoint, the base risk."""
        return (self.low + self.high) / 2


def _default_curve() -> tuple[ChurnBand, ...]:
    d = Decimal
    return (
        ChurnBand(1, 1, d("0.03"), d("0.05")),
        ChurnBand(2, 2, d("0.09"), d("0.13")),
        ChurnBand(3, 3, d("0.40"), d("0.50")),
        ChurnBand(4, 5, d("0.60"), d("0.80")),
        ChurnBand(6, None, d("0.90"), d("0.90")),
    )


def _curve_valid(_: Any, attribute: attrs.Attribute[Any], value: tuple[ChurnBand, ...]) -> None:
    expected = 1
    for band in value:
        if band.first_year != expected or (
            band.last_year is not None and band.last_year < expected
        ):
            raise ValidationError(
                "bands must cover years 1, 2, … without gaps", field=attribute.name
            )
        if not Decimal(0) <= band.low <= band.high <= Decimal(1):
            raise ValidationError("need 0 <= low <= high <= 1", field=attribute.name)
        if band.last_year is None:
            return
        expected = band.last_year + 1
    raise ValidationError("the last band must be open-ended", field=attribute.name)


@attrs.frozen(slots=True)
class ChurnConfig:
    """How churn risk is scored: seed 002's curve by ownership year, plus history adjustments.

    The adjustments are in percentage points (common CR practice; the seeds give the curve
    only)."""

    curve: tuple[ChurnBand, ...] = attrs.field(factory=_default_curve, validator=_curve_valid)
    out_of_warranty_year: int = 3  # an owner out of warranty is treated as year 3 at least
    no_visit_months: tuple[tuple[int, Decimal], ...] = (
        (6, Decimal(10)),
        (12, Decimal(25)),
    )
    history_months: int = attrs.field(default=24, validator=non_negative)  # visits per year
    frequent_visits_per_year: Decimal = Decimal(2)
    frequent_points: Decimal = Decimal(-10)
    rare_visits_per_year: Decimal = Decimal(1)
    rare_points: Decimal = Decimal(10)
    unresolved_complaint_points: Decimal = Decimal(10)
    unresolved_complaint_cap: Decimal = Decimal(30)


@attrs.frozen(slots=True)
class ChurnReason:
    """One part of a churn risk: a stable code, the percentage points it adds, and why.

    Codes: ``ownership_year`` (the curve's base), ``no_visit_<n>_months``,
    ``frequent_visitor`` (lowers the risk), ``rare_visitor``, ``unresolved_complaints``.
    """

    code: str
    points: Decimal  # percentage points added (negative: lowered)
    detail: str


@attrs.frozen(slots=True)
class ChurnRisk:
    """How likely an owner is to stop coming to the dealer's workshop, with the reasons.

    What :func:`churn_risk` and :func:`owner_churn_risk` return: ``probability`` (0–1, two
    decimals) is the sum of the reasons' points, clamped; ``ownership_year`` is the year of
    the curve it started from (at least 3 out of warranty).
    """

    probability: Decimal  # 0..1, two decimals
    ownership_year: int
    reasons: tuple[ChurnReason, ...]


def _pp(rate: Decimal) -> Decimal:
    return (rate * 100).normalize()


def churn_risk(
    ownership: Ownership,
    as_of: date,
    *,
    last_visit: date | None,
    visits: Iterable[date],
    unresolved_complaints: int = 0,
    vehicle: Vehicle | None = None,
    config: ChurnConfig | None = None,
) -> ChurnRisk:
    """The churn risk of one owner on ``as_of``.

    ``last_visit`` is the owner's last workshop visit with this car (``None``: never);
    ``visits`` the days of their workshop visits (only those in the history window count);
    ``vehicle`` supplies the warranty end. :func:`owner_churn_risk` derives these from
    records.
    """
    cfg = config or ChurnConfig()
    if as_of < ownership.since:
        raise ValidationError("as_of is before the ownership started", field="as_of")
    elapsed = relativedelta(as_of, ownership.since)
    year = elapsed.years + 1
    band_year = year
    reasons: list[ChurnReason] = []
    warranty_end = vehicle.warranty_end if vehicle is not None else None
    out_of_warranty = warranty_end is not None and warranty_end < as_of
    if out_of_warranty:
        band_year = max(year, cfg.out_of_warranty_year)
    band = next(
        b
        for b in cfg.curve
        if b.first_year <= band_year and (b.last_year is None or band_year <= b.last_year)
    )
    code = "out_of_warranty" if out_of_warranty and band_year > year else "ownership_year"
    reasons.append(
        ChurnReason(code, _pp(band.rate), f"year {year} of ownership: base {_pp(band.rate)} %")
    )
    # time since the last visit (or since the car was delivered, if it never came)
    clock = max(last_visit, ownership.since) if last_visit else ownership.since
    gap = relativedelta(as_of, clock)
    gap_months = gap.years * 12 + gap.months
    silent = [(m, pts) for m, pts in cfg.no_visit_months if gap_months >= m]
    if silent:
        months, points = max(silent)
        reasons.append(
            ChurnReason(
                f"no_visit_{months}_months", points, f"no workshop visit for {gap_months} months"
            )
        )
    # visit frequency, only once the owner has had a full year to show a pattern
    window_start = months_before(as_of, cfg.history_months, field="history_months")
    start = max(window_start, ownership.since)
    span_days = (as_of - start).days
    if span_days >= 365:
        n = sum(1 for day in visits if start <= day <= as_of)
        per_year = Decimal(n) * Decimal(365) / Decimal(span_days)
        if per_year >= cfg.frequent_visits_per_year:
            reasons.append(
                ChurnReason(
                    "frequent_visitor", cfg.frequent_points, f"{n} visits in {span_days} days"
                )
            )
        elif per_year < cfg.rare_visits_per_year:
            reasons.append(
                ChurnReason("rare_visitor", cfg.rare_points, f"{n} visits in {span_days} days")
            )
    if unresolved_complaints:
        points = min(
            cfg.unresolved_complaint_points * unresolved_complaints, cfg.unresolved_complaint_cap
        )
        reasons.append(
            ChurnReason(
                "unresolved_complaints", points, f"{unresolved_complaints} complaint(s) open"
            )
        )
    total = sum((r.points for r in reasons), Decimal(0)) / 100
    probability = min(max(total, Decimal(0)), Decimal(1)).quantize(Decimal("0.01"))
    return ChurnRisk(probability, year, tuple(reasons))


def owner_churn_risk(
    ownership: Ownership,
    as_of: date,
    *,
    interactions: Iterable[Interaction],
    cases: Iterable[Case] = (),
    vehicle: Vehicle | None = None,
    config: ChurnConfig | None = None,
    timezone: str = "Asia/Shanghai",
) -> ChurnRisk:
    """The churn risk of one owner, with the visits and complaints read from the records.

    :func:`churn_risk` with the history read from records in one pass each: the car's
    workshop visits before ``as_of`` and the owner's complaint cases still open.

    >>> from datetime import UTC, datetime, date
    >>> from crm_core.domain.interaction import Interaction, InteractionKind
    >>> from crm_core.domain.vehicle import Ownership
    >>> o = Ownership(id="O1", dealer_id="D1", customer_id="C1", vehicle_id="V1",
    ...               since=date(2025, 1, 1))
    >>> visits = [Interaction(id=f"I{m}", dealer_id="D1", kind=InteractionKind.REPAIR_ORDER,
    ...                       occurred_at=datetime(2025, m, 3, tzinfo=UTC), customer_id="C1",
    ...                       vehicle_id="V1") for m in (4, 8, 12)]
    >>> r = owner_churn_risk(o, date(2026, 1, 20), interactions=visits)
    >>> r.probability, [r.code for r in r.reasons]
    (Decimal('0.01'), ['ownership_year', 'frequent_visitor'])
    """
    tz = zone(timezone)
    days: list[date] = []
    for interaction in interactions:
        if interaction.vehicle_id == ownership.vehicle_id and is_workshop_visit(interaction):
            day = interaction.occurred_at.astimezone(tz).date()
            if ownership.since <= day <= as_of:
                days.append(day)
    open_complaints = sum(
        1
        for case in cases
        if case.customer_id == ownership.customer_id
        and case.kind is CaseKind.COMPLAINT
        and not case.status.is_final
        and case.opened_at.astimezone(tz).date() <= as_of
    )
    return churn_risk(
        ownership,
        as_of,
        last_visit=max(days) if days else None,
        visits=days,
        unresolved_complaints=open_complaints,
        vehicle=vehicle,
        config=config,
    )


class OwnerRetention(enum.StrEnum):
    """Whether an owner still comes to the workshop: active, lost or long lost.

    Lost and long-lost owners get seed 000's lost-customer callback; the long lost form a
    separate win-back pool (:class:`LostOwnerConfig` sets the months).
    """

    ACTIVE = "active"
    LOST = "lost"  # no workshop visit for lost_after_months (12–24 months by default)
    LONG_LOST = "long_lost"  # beyond long_lost_after_months: a separate win-back pool


@attrs.frozen(slots=True)
class LostOwnerConfig:
    """After how many months without a workshop visit an owner is lost, and long lost.

    An owner is lost after no workshop visit for ``lost_after_months``; beyond
    ``long_lost_after_months`` they move to the long-lost pool. Defaults: seed 000's
    lost-customer callback and common practice (12 and 24 months)."""

    lost_after_months: int = 12
    long_lost_after_months: int = 24

    def __attrs_post_init__(self) -> None:
        if not 0 < self.lost_after_months < self.long_lost_after_months:
            raise ValidationError(
                "need 0 < lost_after_months < long_lost_after_months", field="lost_after_months"
            )

    def cutoffs(self, as_of: date) -> tuple[date, date]:
        """Last-visit days on or before which an owner is lost / long lost on ``as_of``."""
        return (
            months_before(as_of, self.lost_after_months, field="lost_after_months"),
            months_before(as_of, self.long_lost_after_months, field="long_lost_after_months"),
        )


def retention_status(
    last_visit: date | None, since: date, as_of: date, config: LostOwnerConfig | None = None
) -> OwnerRetention:
    """Whether an owner who bought on ``since`` and last came on ``last_visit`` is lost.

    >>> retention_status(date(2024, 11, 30), date(2022, 1, 1), date(2026, 1, 31))
    <OwnerRetention.LOST: 'lost'>
    >>> retention_status(None, date(2023, 6, 1), date(2026, 1, 31))
    <OwnerRetention.LONG_LOST: 'long_lost'>
    """
    lost, long_lost = (config or LostOwnerConfig()).cutoffs(as_of)
    clock = max(last_visit, since) if last_visit else since
    if clock <= long_lost:
        return OwnerRetention.LONG_LOST
    if clock <= lost:
        return OwnerRetention.LOST
    return OwnerRetention.ACTIVE


@attrs.frozen(slots=True)
class LostOwner:
    """An owner due for the lost-customer (win-back) callback, with the date it counts from.

    ``anchor_date`` is the last workshop visit (or the start of ownership if the car never
    came), the ``last_visit`` anchor of the planner's lost-customer rule."""

    customer_id: CustomerId
    vehicle_id: VehicleId
    status: OwnerRetention
    anchor_date: date
    last_visit: date | None


def lost_owners(
    ownerships: Iterable[Ownership],
    interactions: Iterable[Interaction],
    as_of: date,
    config: LostOwnerConfig | None = None,
    timezone: str = "Asia/Shanghai",
) -> Iterator[LostOwner]:
    """The lost and long-lost owners on ``as_of``, per car held on that day.

    One pass over ``interactions`` keeps one date per serviced car; then ``ownerships`` is
    streamed and the lost ones are yielded, so memory grows with the fleet, not with the
    history.
    """
    cfg = config or LostOwnerConfig()
    tz = zone(timezone)
    last: dict[VehicleId, date] = {}
    for interaction in interactions:
        vid = interaction.vehicle_id
        if vid is None or not is_workshop_visit(interaction):
            continue
        day = interaction.occurred_at.astimezone(tz).date()
        if day <= as_of and (vid not in last or last[vid] < day):
            last[vid] = day
    for ownership in ownerships:
        if not ownership.active_on(as_of):
            continue
        visit = last.get(ownership.vehicle_id)
        if visit is not None and visit < ownership.since:
            visit = None  # the previous owner's visit
        status = retention_status(visit, ownership.since, as_of, cfg)
        if status is not OwnerRetention.ACTIVE:
            yield LostOwner(
                ownership.customer_id,
                ownership.vehicle_id,
                status,
                visit or ownership.since,
                visit,
            )
