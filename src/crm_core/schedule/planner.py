"""The planner: from the facts about a customer to the follow-up tasks due.

:func:`plan` is a pure function of its arguments — the customer's facts (vehicles,
ownerships, interactions, cases, the tasks already stored), a :class:`PlanningContext`
(the calendar, the dealer's working time, festivals, policies) and ``now``. Planning the
same facts at the same ``now`` twice gives the same result, and every task's id is derived
from (rule, subject, anchor event, occurrence), so storing a task twice stores it once.

What it does, in order, for each rule of the calendar and each anchor event it finds:

1. the rule's filters (customer type, usage nature, taxi, new or used car, consent on the
   repair order, "unless already serviced / delivered");
2. the due window: ``anchor + offset`` for ``window``; a rule that asks for working time
   has its window moved to the dealer's business hours (a window lying wholly in the
   Spring Festival holiday moves, with its length, to the first working moment after it);
3. what happened since: a task stored as done, or a callback that reached the customer,
   closes it; a callback that did not reach the customer plans attempt ``n + 1`` on the
   next working day, up to the rule's ``retry.max_attempts`` (then it is reported as
   skipped, not dropped);
4. the consent gate (:mod:`crm_core.schedule.consent`), the one place where do-not-disturb,
   blacklist, refusals, opt-outs, quiet hours and the contact cap apply.

A callback that finds the customer dissatisfied is an anchor of its own
(``AnchorKind.DISSATISFACTION``: report to CR the same day, revisit within three days in
the SVW calendar); a callback that finds a complaint also proposes a complaint
:class:`~crm_core.domain.case.Case` for the host to store.

See ``docs/calendars.md`` for a worked example.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from calendar import monthrange
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

import attrs

from crm_core.domain._validators import require_aware
from crm_core.domain.anchor import AnchorKind
from crm_core.domain.case import Case, CaseKind, CaseSource, CaseStatus, CaseStatusChange
from crm_core.domain.customer import Customer
from crm_core.domain.dealer import StaffRole
from crm_core.domain.ids import CaseId, CustomerId, StaffId, TaskId, VehicleId
from crm_core.domain.interaction import (
    Callback,
    CallbackOutcome,
    Interaction,
    InteractionKind,
    Recommendation,
    RepairOrder,
    Sale,
)
from crm_core.domain.task import FollowUpTask, TaskStatus
from crm_core.domain.vehicle import Ownership, Vehicle
from crm_core.errors import ScheduleError, ValidationError
from crm_core.schedule.calendars import Calendar, Rule, Span, Unit, Unless, VehicleCondition
from crm_core.schedule.consent import ContactPolicy, Skip, SkipReason, gate, screen
from crm_core.schedule.festivals import FestivalCalendar, festival_calendar
from crm_core.schedule.inspection import inspection_rules, next_inspection_for
from crm_core.schedule.sla import SlaDefinition, SlaStatus, sla_definitions, slas_for_case
from crm_core.schedule.workdays import WorkdayCalendar
from crm_core.schedule.working_time import WorkingTime

__all__ = [
    "AnchorWindows",
    "CustomerFacts",
    "Forecast",
    "Plan",
    "PlannerConfig",
    "PlanningContext",
    "agenda",
    "anchor_dates",
    "anchor_windows",
    "forecast",
    "is_dissatisfied",
    "national_inspection_due",
    "plan",
]


# --- inputs and outputs ------------------------------------------------------------------


@attrs.frozen(slots=True)
class CustomerFacts:
    """One customer's file as the planner reads it: cars, ownerships, contacts, cases, tasks.

    A storage adapter fills it; ``tasks`` are the tasks already stored for the customer (to
    know what is done)."""

    customer: Customer
    vehicles: tuple[Vehicle, ...] = ()
    ownerships: tuple[Ownership, ...] = ()
    interactions: tuple[Interaction, ...] = ()
    cases: tuple[Case, ...] = ()
    tasks: tuple[FollowUpTask, ...] = ()


@attrs.frozen(slots=True)
class PlannerConfig:
    """The planner's own numbers (the calendars hold the standards' numbers).

    ``dissatisfied_at_most``: a satisfaction score (1–5) or survey answer at or below it
    marks the customer dissatisfied. ``overdue_days``: how long a task that was not done
    stays on the agenda after its window closed. ``redlist_boost``: added to the priority
    of redlisted (VIP) customers' tasks so they come first. ``shift_slack_days``: the
    longest a window can be pushed back by rest days (the Spring Festival and National Day
    holidays with their weekends), used by :func:`anchor_windows` to stay on the safe side.
    """

    dissatisfied_at_most: int = 2
    dissatisfied_recommendations: frozenset[Recommendation] = frozenset(
        {Recommendation.PROBABLY_NOT, Recommendation.DEFINITELY_NOT}
    )
    overdue_days: int = 7
    redlist_boost: int = 1000
    shift_slack_days: int = 14
    contact: ContactPolicy = attrs.field(factory=ContactPolicy)


def national_inspection_due(vehicle: Vehicle, on: date) -> date | None:
    """The last day of a vehicle's next periodic inspection (年检) on or after ``on``, or None.

    The end of validity under the national rules shipped with crm_core
    (``schedule/data/inspection.toml``); ``None`` when the first registration is unknown or
    no rule covers the vehicle's usage and class (nothing to remind about)."""
    try:
        found = next_inspection_for(inspection_rules(), vehicle, on=on)
    except ScheduleError:
        return None
    return found.due if found is not None else None


@attrs.frozen(slots=True)
class PlanningContext:
    """What stays the same across a dealer's customers: the calendar, working time, policies.

    The follow-up calendar, the dealer's working time (working-day calendar, business and
    quiet hours, timezone), festivals, policies.

    ``inspection_due(vehicle, day)`` gives the date of the vehicle's next periodic
    inspection on or after ``day`` for rules anchored on ``inspection_due`` (default: the
    national rules, :func:`national_inspection_due`; asked once per first registration,
    usage and vehicle class in a run). ``slas`` are the deadlines reported
    with each complaint case the planner proposes.
    """

    calendar: Calendar
    working_time: WorkingTime
    config: PlannerConfig = PlannerConfig()
    festivals: FestivalCalendar = attrs.field(factory=festival_calendar)
    inspection_due: Callable[[Vehicle, date], date | None] = national_inspection_due
    slas: tuple[SlaDefinition, ...] = attrs.field(factory=sla_definitions)


@attrs.frozen(slots=True)
class Plan:
    """The planner's answer for one customer.

    ``tasks``: due now, in priority order. ``deferred``: pushed back by the contact cap
    (status ``DEFERRED``, the reason in ``status_reason``). ``skipped``: what will not be
    done and why (consent, attempts exhausted). ``cases``: complaint cases the host should
    open (new ones only), and ``slas`` their deadlines (:mod:`crm_core.schedule.sla`).
    """

    customer_id: CustomerId
    tasks: tuple[FollowUpTask, ...] = ()
    deferred: tuple[FollowUpTask, ...] = ()
    skipped: tuple[Skip, ...] = ()
    cases: tuple[Case, ...] = ()
    slas: tuple[SlaStatus, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.tasks or self.deferred or self.skipped or self.cases)


# --- anchor windows ----------------------------------------------------------------------


@attrs.frozen(slots=True)
class AnchorWindows:
    """Which anchor dates can make a task due in a period: the day's agenda as a query.

    For each anchor kind, the date ranges (inclusive) in which an anchor event can make
    a task due in ``[first_day, last_day]``.

    The contract with a storage adapter: a subject none of whose anchor events falls in
    its kind's ranges cannot get a task in that period, so the adapter reads only the
    subjects that have one (an indexed range query per kind). The ranges are a safe
    superset; the planner makes the final decision. Kinds: the anchors of the calendar's
    rules; ``NOT_REACHED`` for callbacks that did not reach the customer (their retries);
    ``COMPLAINT`` always (a complaint proposes a case). ``HOLIDAY`` ranges hold festival
    dates: when one matches, every contactable customer is a subject (a festival greeting
    goes to everyone). ``LAST_VISIT`` is the vehicle's latest workshop visit;
    ``INSPECTION_DUE`` the next inspection date, which the adapter must store to use it.
    """

    first_day: date
    last_day: date
    ranges: Mapping[AnchorKind, tuple[tuple[date, date], ...]]
    by_rule: Mapping[str, tuple[tuple[date, date], ...]] = attrs.field(factory=dict)
    festival_days: tuple[date, ...] = ()

    @property
    def subject_ranges(self) -> dict[AnchorKind, tuple[tuple[date, date], ...]]:
        """The ranges a storage adapter queries: every kind but ``HOLIDAY`` (festivals
        are not anchored on a subject; see :attr:`festival_days`)."""
        return {k: v for k, v in self.ranges.items() if k is not AnchorKind.HOLIDAY}

    @property
    def everyone(self) -> bool:
        """True when a festival greeting can fall due: every contactable customer is a
        subject (known only when :func:`anchor_windows` was given the festivals)."""
        return bool(self.festival_days)

    def contains(self, kind: AnchorKind, day: date) -> bool:
        return _within(self.ranges.get(kind), day)

    def rule_contains(self, rule_id: str, day: date) -> bool:
        """Whether an anchor on ``day`` can make rule ``rule_id`` due (the kind's ranges
        are the union of its rules')."""
        return _within(self.by_rule.get(rule_id), day)


def _off_calendar(what: str) -> ScheduleError:
    """Date arithmetic that runs off the calendar — a period in year 1 or 9999, a record
    stamped 9999-12-31 23:00 UTC (already year 10000 in Shanghai) — has no answer: say so
    with a typed error that names what was being planned, not a bare OverflowError.
    (Per customer, a ``try`` costs nothing until it fails; a context manager would.)"""
    return ScheduleError(f"{what}: a date falls outside the years 1 to 9999")


@contextmanager
def _dates_in_range(what: str) -> Iterator[None]:
    """:func:`_off_calendar` around a run's set-up."""
    try:
        yield
    except OverflowError as exc:
        raise _off_calendar(what) from exc


def _within(spans: tuple[tuple[date, date], ...] | None, day: date) -> bool:
    if not spans:
        return False
    index = bisect_right(spans, (day, date.max)) - 1
    return index >= 0 and spans[index][0] <= day <= spans[index][1]


def _add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, the day clamped to the month's end (as
    dateutil's relativedelta does; this is the planner's hot path)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    if not 1 <= year <= 9999:
        raise OverflowError("date value out of range")  # as date + timedelta says it
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def _day_bounds(span: Span, slack: int) -> tuple[int, int]:
    """The fewest and most calendar days ``span`` can move a date."""
    n = span.amount
    if span.unit is Unit.DAYS:
        return n, n
    if span.unit is Unit.HOURS:
        return n // 24, -(-n // 24) + 1
    if span.unit is Unit.MONTHS:
        return int(n * 30.437) - 3, int(n * 30.437) + 3
    if span.unit is Unit.WORKING_HOURS:
        return 0, n + slack
    # working days: weekends and holidays stretch them
    stretch = abs(n) * 7 // 5 + 2 + slack
    return (n, n + stretch) if n >= 0 else (n - stretch, n)


def _anchor_range(
    offset: Span, step: Span | None, earliest: date, last_day: date, w_max: int, slack: int
) -> tuple[date, date]:
    """Anchor dates ``a`` with ``a + step + offset`` in ``[earliest - w_max, last_day]``.
    Months are subtracted as months, the rest by the bounds of :func:`_day_bounds`.
    Adding months clamps to the month's end (31 August + 6 months = 28 February), so a
    date near a month's end is reached from up to three later anchor days as well."""
    months = [
        span.amount for span in (offset, step) if span is not None and span.unit is Unit.MONTHS
    ]
    days_min = days_max = 0
    for span in (offset, step):
        if span is not None and span.unit is not Unit.MONTHS:
            low, high = _day_bounds(span, slack)
            days_min += low
            days_max += high
    back = -sum(months)
    start = _add_months(earliest - timedelta(days=days_max + w_max), back)
    latest = last_day - timedelta(days=days_min)
    end = _add_months(latest, back)
    if months and latest.day >= 28:
        end += timedelta(days=3)
    return start, end


def _merge(spans: list[tuple[date, date]]) -> tuple[tuple[date, date], ...]:
    merged: list[tuple[date, date]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def anchor_windows(
    calendar: Calendar,
    first_day: date,
    last_day: date | None = None,
    *,
    config: PlannerConfig | None = None,
    opening: bool = False,
    workdays: WorkdayCalendar | None = None,
    festivals: FestivalCalendar | None = None,
) -> AnchorWindows:
    """The anchor dates that can make a task due in a period, for a storage adapter's query.

    The ranges whose events can make a task due between ``first_day`` and ``last_day``
    (default: the same day). See :class:`AnchorWindows` for the contract.

    ``opening=True`` narrows them to the tasks whose window *opens* in the period — what
    the daily run of :func:`agenda` with ``since`` needs — instead of every task still
    open then. With ``workdays`` as well, the allowance for windows pushed back by rest
    days is the actual run of rest days before ``first_day`` (3 days on a Monday) instead
    of ``config.shift_slack_days``. With ``festivals``, :attr:`AnchorWindows.festival_days`
    lists the festivals of the calendar's greeting rules that can fall due.

    >>> from datetime import date
    >>> from crm_core.schedule.calendars import load_standard
    >>> w = anchor_windows(load_standard("svw"), date(2026, 11, 23))
    >>> w.contains(AnchorKind.DELIVERY, date(2026, 11, 12))   # 11 days ago: CR callback
    True
    >>> w.contains(AnchorKind.DELIVERY, date(2026, 8, 1))
    False
    """
    last_day = last_day or first_day
    with _dates_in_range(f"anchor windows {first_day} to {last_day}"):
        return _anchor_windows(
            calendar, first_day, last_day, config or PlannerConfig(), opening, workdays, festivals
        )


def _anchor_windows(
    calendar: Calendar,
    first_day: date,
    last_day: date,
    config: PlannerConfig,
    opening: bool,
    workdays: WorkdayCalendar | None,
    festivals: FestivalCalendar | None,
) -> AnchorWindows:
    # working days can stretch over a whole holiday wherever they fall...
    stretch = config.shift_slack_days
    # ...and working time can push a window's start back to the next working day
    slack = stretch
    if opening and workdays is not None:
        slack = (first_day - workdays.previous_working_day(first_day)).days
    earliest = first_day - timedelta(days=slack if opening else config.overdue_days + slack)
    spans: dict[AnchorKind, list[tuple[date, date]]] = defaultdict(list)
    by_rule: dict[str, tuple[tuple[date, date], ...]] = {}
    retry_days = 0
    for rule in calendar.rules:
        w_max = 0 if opening else _day_bounds(rule.window, stretch)[1]
        retry_days = max(retry_days, _day_bounds(rule.retry.after, stretch)[1])
        found = [
            _anchor_range(offset, step, earliest, last_day, w_max, stretch)
            for _, offset, step in rule.spans()
        ]
        by_rule[rule.id] = _merge(found)
        spans[rule.anchor].extend(found)
    spans[AnchorKind.NOT_REACHED].append((earliest - timedelta(days=retry_days), last_day))
    spans[AnchorKind.COMPLAINT].append((earliest, last_day))
    ranges = {kind: _merge(found) for kind, found in spans.items()}
    festival_days: list[date] = []
    if festivals is not None:
        for rule in calendar.rules:
            if rule.holiday is None:
                continue
            for year in range(earliest.year - 1, last_day.year + 2):
                day = festivals.date_of(rule.holiday, year)
                if _within(ranges.get(AnchorKind.HOLIDAY), day):
                    festival_days.append(day)
    return AnchorWindows(first_day, last_day, ranges, by_rule, tuple(sorted(set(festival_days))))


# --- anchor events -----------------------------------------------------------------------


class _Anchor(NamedTuple):
    kind: AnchorKind
    at: datetime
    key: str
    vehicle: Vehicle | None = None
    staff_id: StaffId | None = None
    interaction: Interaction | None = None


class _History(NamedTuple):
    """One pass over a customer's interactions, grouped the way anchors need them."""

    delivery: dict[VehicleId, Interaction]
    order: dict[VehicleId, Interaction]
    repairs: list[Interaction]
    last_repair: dict[VehicleId, Interaction]
    callbacks: list[Interaction]
    first_contact: Interaction | None
    test_drive: Interaction | None
    club: Interaction | None


def _history(facts: CustomerFacts) -> _History:
    delivery: dict[VehicleId, Interaction] = {}
    order: dict[VehicleId, Interaction] = {}
    repairs: list[Interaction] = []
    last_repair: dict[VehicleId, Interaction] = {}
    callbacks: list[Interaction] = []
    first_contact = test_drive = club = None
    for item in facts.interactions:
        kind = item.kind
        vid = item.vehicle_id
        if kind is InteractionKind.REPAIR_ORDER:
            if vid is not None:
                repairs.append(item)
                last = last_repair.get(vid)
                if last is None or last.occurred_at < item.occurred_at:
                    last_repair[vid] = item
        elif kind is InteractionKind.CALLBACK:
            callbacks.append(item)
        elif kind is InteractionKind.DELIVERY:
            if vid is not None and (
                vid not in delivery or delivery[vid].occurred_at < item.occurred_at
            ):
                delivery[vid] = item
        elif kind is InteractionKind.ORDER:
            if vid is not None and (vid not in order or order[vid].occurred_at < item.occurred_at):
                order[vid] = item
        elif kind in (InteractionKind.VISIT, InteractionKind.INBOUND_CALL):
            if first_contact is None or item.occurred_at < first_contact.occurred_at:
                first_contact = item
        elif kind is InteractionKind.TEST_DRIVE:
            if test_drive is None or test_drive.occurred_at < item.occurred_at:
                test_drive = item
        elif kind is InteractionKind.CLUB_ENROLMENT and (
            club is None or item.occurred_at < club.occurred_at
        ):
            club = item
    return _History(
        delivery, order, repairs, last_repair, callbacks, first_contact, test_drive, club
    )


def is_dissatisfied(callback: Callback, config: PlannerConfig) -> bool:
    """Whether a callback found the customer dissatisfied, which calls for a second callback.

    Dissatisfied means a complaint, a low overall or per-question score, a "would not
    recommend", or any issue recorded (seed 000: called again within three days)."""
    if callback.outcome is CallbackOutcome.COMPLAINT_FOUND:
        return True
    if callback.outcome is not CallbackOutcome.REACHED:
        return False
    low = config.dissatisfied_at_most
    return (
        (callback.satisfaction is not None and callback.satisfaction <= low)
        or callback.would_recommend in config.dissatisfied_recommendations
        or bool(callback.issues)
        or any(answer.score <= low for answer in callback.answers)
    )


class _Planning:
    """The per-call state of one planning run: the context, the period, the time helpers.
    Built once per :func:`plan` / :func:`agenda` / :func:`forecast` call."""

    def __init__(
        self,
        ctx: PlanningContext,
        now: datetime,
        first_day: date,
        last_day: date,
        windows: AnchorWindows,
        opening: bool = False,
    ) -> None:
        self.ctx = ctx
        self.opening = opening
        self.wt = ctx.working_time
        self.zone = self.wt.zone
        self.now = self.wt.local(now)
        self.first_day = first_day
        self.last_day = last_day
        self.windows = windows
        self.config = ctx.config
        self.kinds = ctx.calendar.anchors
        self.oldest = first_day - timedelta(days=0 if opening else ctx.config.overdue_days)
        self.by_kind: dict[AnchorKind, list[Rule]] = defaultdict(list)
        for rule in ctx.calendar.rules:
            self.by_kind[rule.anchor].append(rule)
        slack = ctx.config.shift_slack_days
        self.lowest = self.oldest - timedelta(days=slack)
        # per rule: the most days its window and each offset can span, and the fewest
        # days between repetitions (to jump to the first one that can still be due)
        self.reach: dict[str, tuple[int, list[int], int]] = {
            rule.id: (
                _day_bounds(rule.window, slack)[1],
                [_day_bounds(offset, slack)[1] for offset in rule.offsets],
                _day_bounds(rule.every, 0)[0] if rule.every else 0,
            )
            for rule in ctx.calendar.rules
        }
        self._inspections: dict[tuple[object, ...], date | None] = {}
        # day-based windows start and end at the same moments for many customers
        self._fitted: dict[tuple[datetime, datetime], tuple[datetime, datetime]] = {}
        # festivals are the same for every customer: found once per run
        self.festivals: list[tuple[Rule, _Anchor]] = []
        for rule in self.by_kind.get(AnchorKind.HOLIDAY, ()):
            assert rule.holiday is not None
            for year in range(self.oldest.year, last_day.year + 2):
                day = ctx.festivals.date_of(rule.holiday, year)
                if windows.contains(AnchorKind.HOLIDAY, day):
                    key = f"{rule.holiday.value}:{year}"
                    self.festivals.append(
                        (rule, _Anchor(AnchorKind.HOLIDAY, self.midnight(day), key))
                    )

    def inspection_due(self, vehicle: Vehicle) -> date | None:
        """The context's ``inspection_due``, once per registration date, usage and class
        (the national rules depend on nothing else)."""
        key = (vehicle.first_registration, vehicle.usage, vehicle.vehicle_class)
        if key not in self._inspections:
            self._inspections[key] = self.ctx.inspection_due(vehicle, self.first_day)
        return self._inspections[key]

    # time helpers
    def midnight(self, day: date) -> datetime:
        return datetime.combine(day, time(0), tzinfo=self.zone)

    def end_of_day(self, day: date) -> datetime:
        return datetime.combine(day, time(23, 59, 59), tzinfo=self.zone)

    def moved(self, at: datetime, span: Span) -> datetime:
        """``at`` moved by ``span``: hours exactly, days/months/working days to the start
        of the local day they land on."""
        return self._shift(at, span, self.midnight)

    def window_end(self, start: datetime, span: Span) -> datetime:
        """The end of a window of length ``span`` from ``start``: hours exactly, whole
        days to the end of the local day they land on."""
        return self._shift(start, span, self.end_of_day)

    def _shift(self, at: datetime, span: Span, to: Callable[[date], datetime]) -> datetime:
        unit, n = span.unit, span.amount
        if unit is Unit.HOURS:
            return at + timedelta(hours=n)
        if unit is Unit.WORKING_HOURS:
            return self.wt.add_working_time(at, timedelta(hours=n))
        day = at.date()
        if unit is Unit.DAYS:
            day += timedelta(days=n)
        elif unit is Unit.MONTHS:
            day = _add_months(day, n)
        else:
            day = self.wt.calendar.add_working_days(day, n)
        return to(day)

    def fit(self, start: datetime, end: datetime) -> tuple[datetime, datetime]:
        """Move a window to working time: its start to the first working moment; a window
        with no working moment at all keeps its length from that moment (whole days for a
        window that ended at the end of a day)."""
        key = (start, end)
        cached = self._fitted.get(key)
        if cached is not None:
            return cached
        fitted = self._fit(start, end)
        self._fitted[key] = fitted
        return fitted

    def _fit(self, start: datetime, end: datetime) -> tuple[datetime, datetime]:
        first = self.wt.next_working_moment(start)
        if first <= end:
            return first, end
        if end.timetz().replace(tzinfo=None) == time(23, 59, 59):
            days = (end.date() - start.date()).days
            return first, self.end_of_day(first.date() + timedelta(days=days))
        return first, first + (end - start)

    def in_period(self, start: datetime, end: datetime) -> bool:
        if self.opening:
            return self.first_day <= start.date() <= self.last_day
        return start.date() <= self.last_day and end.date() >= self.oldest


def _task_id(*parts: str) -> TaskId:
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=10).hexdigest()
    return TaskId(f"t-{digest}")


_ANCHOR_WORDS = {
    AnchorKind.SALE: "sold",
    AnchorKind.DELIVERY: "delivered",
    AnchorKind.REPAIR_HANDED_BACK: "repair handed back",
    AnchorKind.FIRST_REGISTRATION: "registered",
    AnchorKind.BIRTHDAY: "born",
    AnchorKind.INSURANCE_EXPIRY: "insurance expires",
    AnchorKind.WARRANTY_END: "warranty ends",
    AnchorKind.LAST_VISIT: "last workshop visit",
    AnchorKind.HOLIDAY: "festival on",
    AnchorKind.DISSATISFACTION: "dissatisfied at the callback of",
    AnchorKind.COMPLAINT: "complaint at the callback of",
    AnchorKind.FIRST_CONTACT: "first contact",
    AnchorKind.TEST_DRIVE: "test drive",
    AnchorKind.CLUB_ENROLMENT: "joined the club",
    AnchorKind.INSPECTION_DUE: "inspection due",
    AnchorKind.NOT_REACHED: "not reached",
}


def _window_words(rule: Rule, offset: Span) -> str:
    window = rule.window
    if window.amount == 0 and offset.unit is not Unit.HOURS:
        return f"due {_signed(offset)}"
    if offset.unit is window.unit and offset.amount >= 0:
        return f"window {offset.amount}–{offset.amount + window.amount} {window.unit.value}"
    return f"from {_signed(offset)}, for {window}"


def _signed(span: Span) -> str:
    if span.amount < 0:
        return f"{Span(-span.amount, span.unit)} before"
    return f"{span} after" if span.amount else "the same day"


# --- planning one customer ---------------------------------------------------------------


class _Outcomes(NamedTuple):
    done: bool
    failures: int
    last_failure: datetime | None


_TERMINAL = frozenset(
    {CallbackOutcome.REACHED, CallbackOutcome.COMPLAINT_FOUND, CallbackOutcome.REFUSED}
)
_CLOSED = frozenset({TaskStatus.DONE, TaskStatus.CANCELLED})
_RETRIED = frozenset({CallbackOutcome.NOT_REACHED, CallbackOutcome.CALL_LATER})


class _CallbackIndex:
    def __init__(self, facts: CustomerFacts, history: _History) -> None:
        self.status = {t.id: t.status for t in facts.tasks}
        self.by_task: dict[str, list[tuple[datetime, CallbackOutcome]]] = defaultdict(list)
        self.by_rule: dict[tuple[str, str | None], list[tuple[datetime, CallbackOutcome]]] = (
            defaultdict(list)
        )
        for item in history.callbacks:
            detail = item.detail
            if not isinstance(detail, Callback):
                continue
            if detail.task_id is not None:
                self.by_task[detail.task_id].append((item.occurred_at, detail.outcome))
            elif detail.rule_id is not None:
                self.by_rule[(detail.rule_id, item.vehicle_id)].append(
                    (item.occurred_at, detail.outcome)
                )


class _Customer:
    """Planning one customer's facts."""

    def __init__(self, run: _Planning, facts: CustomerFacts) -> None:
        self.run = run
        self.facts = facts
        self.customer = facts.customer
        self.history = _history(facts)
        self._callbacks: _CallbackIndex | None = None
        self.tasks: list[FollowUpTask] = []
        self.skipped: list[Skip] = []

    def held(self) -> list[Vehicle]:
        """The vehicles the customer holds on the first planned day (all listed vehicles
        when the host keeps no ownership records); stock cars (商品车) are no one's."""
        day = self.run.first_day
        cid = self.customer.id
        if self.facts.ownerships:
            held = {
                o.vehicle_id
                for o in self.facts.ownerships
                if o.customer_id == cid and o.active_on(day)
            }
            return [v for v in self.facts.vehicles if v.id in held and not v.is_stock]
        return [v for v in self.facts.vehicles if not v.is_stock]

    def anchors(
        self, keep: Callable[[AnchorKind, datetime], bool] | None = None
    ) -> Iterator[_Anchor]:
        """The anchor events in the facts. ``keep`` drops, before they are built, repair
        and callback anchors that cannot matter (a customer has many of those)."""
        run = self.run
        kinds = run.kinds
        h = self.history
        midnight = run.midnight
        customer = self.customer
        vehicles = self.held()
        for v in vehicles:
            delivery = h.delivery.get(v.id)
            if AnchorKind.SALE in kinds:
                order = h.order.get(v.id)
                if order is not None:
                    yield _Anchor(
                        AnchorKind.SALE, order.occurred_at, order.id, v, order.staff_id, order
                    )
                elif v.purchase_date is not None:
                    yield _Anchor(AnchorKind.SALE, midnight(v.purchase_date), f"{v.id}:sale", v)
            if AnchorKind.DELIVERY in kinds:
                if delivery is not None:
                    yield _Anchor(
                        AnchorKind.DELIVERY,
                        delivery.occurred_at,
                        delivery.id,
                        v,
                        delivery.staff_id,
                        delivery,
                    )
                elif v.delivery_date is not None:
                    yield _Anchor(
                        AnchorKind.DELIVERY, midnight(v.delivery_date), f"{v.id}:delivery", v
                    )
            for kind, day in (
                (AnchorKind.FIRST_REGISTRATION, v.first_registration),
                (AnchorKind.INSURANCE_EXPIRY, v.insurance_expiry),
                (AnchorKind.WARRANTY_END, v.warranty_end),
            ):
                if day is not None and kind in kinds:
                    yield _Anchor(kind, midnight(day), f"{v.id}:{kind.value}:{day}", v)
            if AnchorKind.INSPECTION_DUE in kinds and v.first_registration is not None:
                due = run.inspection_due(v)
                if due is not None:
                    yield _Anchor(
                        AnchorKind.INSPECTION_DUE, midnight(due), f"{v.id}:inspection:{due}", v
                    )
            if AnchorKind.LAST_VISIT in kinds:
                last = h.last_repair.get(v.id)
                if last is not None:
                    yield _Anchor(
                        AnchorKind.LAST_VISIT,
                        last.occurred_at,
                        f"{v.id}:last_visit:{last.id}",
                        v,
                        last.staff_id,
                        last,
                    )
                elif delivery is not None:
                    yield _Anchor(
                        AnchorKind.LAST_VISIT,
                        delivery.occurred_at,
                        f"{v.id}:last_visit:{delivery.id}",
                        v,
                    )
                elif v.delivery_date is not None:
                    yield _Anchor(
                        AnchorKind.LAST_VISIT, midnight(v.delivery_date), f"{v.id}:last_visit", v
                    )
        if AnchorKind.REPAIR_HANDED_BACK in kinds:
            held = {v.id: v for v in vehicles}
            for repair in h.repairs:
                detail = repair.detail
                vehicle = held.get(repair.vehicle_id) if repair.vehicle_id else None
                if (
                    isinstance(detail, RepairOrder)
                    and detail.handed_back_at is not None
                    and vehicle
                    and (keep is None or keep(AnchorKind.REPAIR_HANDED_BACK, detail.handed_back_at))
                ):
                    yield _Anchor(
                        AnchorKind.REPAIR_HANDED_BACK,
                        detail.handed_back_at,
                        repair.id,
                        vehicle,
                        repair.staff_id,
                        repair,
                    )
        if customer.birthday is not None and AnchorKind.BIRTHDAY in kinds:
            yield _Anchor(AnchorKind.BIRTHDAY, midnight(customer.birthday), "birthday")
        for kind, item in (
            (AnchorKind.FIRST_CONTACT, h.first_contact),
            (AnchorKind.TEST_DRIVE, h.test_drive),
            (AnchorKind.CLUB_ENROLMENT, h.club),
        ):
            if item is not None and kind in kinds:
                yield _Anchor(kind, item.occurred_at, item.id, None, item.staff_id, item)
        config = run.config
        flows = AnchorKind.DISSATISFACTION in kinds or AnchorKind.COMPLAINT in kinds
        for item in h.callbacks if flows else ():
            detail = item.detail
            if keep is not None and not (
                keep(AnchorKind.DISSATISFACTION, item.occurred_at)
                or keep(AnchorKind.COMPLAINT, item.occurred_at)
            ):
                continue
            if not isinstance(detail, Callback) or not is_dissatisfied(detail, config):
                continue
            vehicle = next((v for v in self.facts.vehicles if v.id == item.vehicle_id), None)
            yield _Anchor(
                AnchorKind.DISSATISFACTION, item.occurred_at, item.id, vehicle, item.staff_id, item
            )
            if detail.outcome is CallbackOutcome.COMPLAINT_FOUND:
                yield _Anchor(
                    AnchorKind.COMPLAINT, item.occurred_at, item.id, vehicle, item.staff_id, item
                )

    def needs_all(self) -> bool:
        """A recent unanswered callback needs its old anchor re-read (for the retry)."""
        windows = self.run.windows
        return any(
            isinstance(c.detail, Callback)
            and c.detail.outcome in _RETRIED
            and windows.contains(AnchorKind.NOT_REACHED, c.occurred_at.date())
            for c in self.history.callbacks
        )

    def run_rules(self) -> None:
        run = self.run
        zone = run.zone
        check = not self.needs_all()
        contains = run.windows.contains

        def keep(kind: AnchorKind, at: datetime) -> bool:
            return contains(kind, (at if at.tzinfo is zone else at.astimezone(zone)).date())

        for found in self.anchors(keep if check else None):
            at = found.at
            if at.tzinfo is not zone:
                at = at.astimezone(zone)
            if check and not contains(found.kind, at.date()):
                continue
            anchor = found if at is found.at else found._replace(at=at)
            day = at.date()
            for rule in run.by_kind.get(anchor.kind, ()):
                if check and not run.windows.rule_contains(rule.id, day):
                    continue
                self.apply(rule, anchor)
        for rule, anchor in run.festivals:
            self.apply(rule, anchor)

    def applies(self, rule: Rule, anchor: _Anchor) -> bool:
        when = rule.applies_to
        customer = self.customer
        if when.customer_types and customer.type not in when.customer_types:
            return False
        vehicle = anchor.vehicle
        if vehicle is not None:
            if when.usage and vehicle.usage not in when.usage:
                return False
            if vehicle.usage in when.exclude_usage:
                return False
            if when.vehicle is not VehicleCondition.ANY:
                delivery = self.history.delivery.get(vehicle.id)
                used = vehicle.is_used or (
                    delivery is not None
                    and isinstance(delivery.detail, Sale)
                    and delivery.detail.is_used_car
                )
                if used != (when.vehicle is VehicleCondition.USED):
                    return False
        if when.consent_required:
            detail = anchor.interaction.detail if anchor.interaction is not None else None
            if not isinstance(detail, RepairOrder) or not detail.callback_consent:
                return False
        return not (rule.unless is not None and self.moot(rule.unless, anchor))

    def moot(self, unless: Unless, anchor: _Anchor) -> bool:
        if unless is Unless.SERVICED:
            vid = anchor.vehicle.id if anchor.vehicle else None
            return any(
                r.vehicle_id == vid and r.occurred_at > anchor.at for r in self.history.repairs
            )
        return any(d.occurred_at > anchor.at for d in self.history.delivery.values())

    @property
    def callbacks(self) -> _CallbackIndex:
        """Stored task states and callbacks by task and by rule, built on first use (most
        customers on a day's agenda have nothing due and never need them)."""
        if self._callbacks is None:
            self._callbacks = _CallbackIndex(self.facts, self.history)
        return self._callbacks

    def outcomes(
        self, rule: Rule, anchor: _Anchor, base: TaskId, start: datetime, retries: int
    ) -> _Outcomes:
        index = self.callbacks
        ids = [base, *(TaskId(f"{base}.{n}") for n in range(2, retries + 2))]
        if any(index.status.get(i) in _CLOSED for i in ids):
            return _Outcomes(True, 0, None)
        seen = [o for i in ids for o in index.by_task.get(i, ())]
        vid = anchor.vehicle.id if anchor.vehicle else None
        since = start - timedelta(days=1)
        seen += [o for o in index.by_rule.get((rule.id, vid), ()) if o[0] >= since]
        if any(outcome in _TERMINAL for _, outcome in seen):
            return _Outcomes(True, 0, None)
        failures = sorted(at for at, _ in seen)
        return _Outcomes(False, len(failures), failures[-1] if failures else None)

    def apply(self, rule: Rule, anchor: _Anchor) -> None:
        if not self.applies(rule, anchor):
            return
        run = self.run
        lowest = run.lowest
        anchor_day = anchor.at.date()
        w_max, o_maxes, every_days = run.reach[rule.id]
        for position, offset in enumerate(rule.offsets):
            o_max = o_maxes[position]
            # the first repetition that can still reach the period (at most one early)
            late = (lowest - anchor_day).days - o_max - w_max
            first_k = max(0, late // every_days) if every_days and late > 0 else 0
            for k in range(first_k, rule.times):
                at = anchor.at
                step = rule.every.times(k) if k and rule.every is not None else None
                # occurrences that ended long ago are skipped without computing them (their
                # working days may lie in years the calendar does not know)
                reach = o_max + w_max + (_day_bounds(step, 0)[1] if step else 0)
                if anchor_day + timedelta(days=reach) < lowest:
                    continue
                if step is not None:
                    if step.unit is Unit.MONTHS:
                        at = datetime.combine(_add_months(anchor_day, step.amount), at.timetz())
                    else:
                        at = at + timedelta(days=step.amount)
                start = run.moved(at, offset)
                if start.date() > run.last_day:
                    break
                end = run.window_end(start, rule.window)
                if end.date() < lowest:
                    continue
                if rule.working_time:
                    start, end = run.fit(start, end)
                self.occurrence(rule, anchor, position * rule.times + k, offset, start, end)

    def occurrence(
        self, rule: Rule, anchor: _Anchor, index: int, offset: Span, start: datetime, end: datetime
    ) -> None:
        run = self.run
        customer = self.customer
        vid = anchor.vehicle.id if anchor.vehicle else None
        base = _task_id(
            customer.dealer_id,
            customer.id,
            rule.id,
            vid or "",
            anchor.kind.value,
            anchor.key,
            str(index),
        )
        state = self.outcomes(rule, anchor, base, start, rule.retry.max_attempts)
        if state.done:
            return
        words = (
            f"{rule.name}: {_ANCHOR_WORDS[anchor.kind]} {anchor.at.date()}, "
            f"{_window_words(rule, offset)}"
        )
        if rule.times > 1 or len(rule.offsets) > 1:
            words += f" (occurrence {index + 1} of {rule.times * len(rule.offsets)})"
        task = self.build(rule, anchor, base, start, end, words)
        if state.failures == 0:
            if run.in_period(start, end):
                self.tasks.append(task)
            return
        assert state.last_failure is not None
        retry_at = run.moved(state.last_failure, rule.retry.after)
        retry_start, retry_end = run.fit(retry_at, run.end_of_day(retry_at.date()))
        if not run.in_period(retry_start, retry_end):
            return
        attempt = state.failures + 1
        last = state.last_failure.astimezone(run.zone).date()
        tried = f"not reached {state.failures} time(s), last on {last}"
        if attempt > rule.retry.max_attempts:
            self.skipped.append(
                Skip(
                    task,
                    SkipReason.ATTEMPTS_EXHAUSTED,
                    f"{tried}; {rule.retry.max_attempts} attempts allowed",
                )
            )
            return
        self.tasks.append(
            attrs.evolve(
                task,
                id=TaskId(f"{base}.{attempt}"),
                attempt=attempt,
                due_from=retry_start,
                due_until=retry_end,
                explanation=f"{words}; attempt {attempt} of {rule.retry.max_attempts}, {tried}",
            )
        )

    def build(
        self,
        rule: Rule,
        anchor: _Anchor,
        task_id: TaskId,
        start: datetime,
        end: datetime,
        words: str,
    ) -> FollowUpTask:
        customer = self.customer
        vehicle = anchor.vehicle
        contact_name = contact_phone = preferred = None
        detail = anchor.interaction.detail if anchor.interaction is not None else None
        if isinstance(detail, RepairOrder):
            contact_name = detail.reporter_name
            contact_phone = detail.callback_phone or detail.reporter_phone
            preferred = detail.preferred_callback_time
        return FollowUpTask(
            id=task_id,
            dealer_id=customer.dealer_id,
            rule_id=rule.id,
            customer_id=customer.id,
            due_from=start,
            due_until=end,
            role=rule.role,
            channels=rule.channels,
            anchor=anchor.kind.value,
            anchor_date=anchor.at.astimezone(self.run.zone).date(),
            explanation=words,
            vehicle_id=vehicle.id if vehicle else None,
            assignee_id=self.assignee(rule.role, anchor),
            priority=rule.priority + (self.run.config.redlist_boost if customer.redlisted else 0),
            focus=rule.focus,
            contact_name=contact_name,
            contact_phone=contact_phone,
            preferred_time=preferred,
        )

    def assignee(self, role: StaffRole, anchor: _Anchor) -> StaffId | None:
        """The person the facts name: the consultant who sold the car (staff on its
        delivery or order), the advisor on the repair order."""
        kind = anchor.kind
        if role is StaffRole.SALES_CONSULTANT:
            if kind in (
                AnchorKind.SALE,
                AnchorKind.DELIVERY,
                AnchorKind.FIRST_CONTACT,
                AnchorKind.TEST_DRIVE,
            ):
                return anchor.staff_id
            if anchor.vehicle is not None:
                sale = self.history.delivery.get(anchor.vehicle.id) or self.history.order.get(
                    anchor.vehicle.id
                )
                return sale.staff_id if sale is not None else None
            return None
        if role is StaffRole.SERVICE_ADVISOR:
            if (
                kind in (AnchorKind.REPAIR_HANDED_BACK, AnchorKind.LAST_VISIT)
                and anchor.interaction is not None
            ):
                return anchor.staff_id
            if anchor.vehicle is not None:
                last = self.history.last_repair.get(anchor.vehicle.id)
                return last.staff_id if last is not None else None
        return None

    def cases(self) -> list[Case]:
        """Complaint cases for complaints found in callbacks of the period that have no
        case yet (matched on the callback that found them)."""
        run = self.run
        known = {c.origin_interaction_id for c in self.facts.cases} | {
            c.id for c in self.facts.cases
        }
        found = []
        for item in self.history.callbacks:
            detail = item.detail
            if (
                not isinstance(detail, Callback)
                or detail.outcome is not CallbackOutcome.COMPLAINT_FOUND
            ):
                continue
            day = item.occurred_at.astimezone(run.zone).date()
            case_id = CaseId(f"case-{_task_id(item.dealer_id, item.id)[2:]}")
            if item.id in known or case_id in known or not run.oldest <= day <= run.last_day:
                continue
            found.append(
                Case(
                    id=case_id,
                    dealer_id=item.dealer_id,
                    kind=CaseKind.COMPLAINT,
                    opened_at=item.occurred_at,
                    history=(
                        CaseStatusChange(CaseStatus.OPEN, at=item.occurred_at, by=item.staff_id),
                    ),
                    source=CaseSource.CALLBACK,
                    customer_id=self.customer.id,
                    vehicle_id=item.vehicle_id,
                    content=item.notes,
                    cr_staff_id=item.staff_id,
                    origin_interaction_id=item.id,
                )
            )
        return found


def anchor_dates(
    facts: Iterable[CustomerFacts], ctx: PlanningContext, *, on: date
) -> Iterator[list[tuple[AnchorKind, date]]]:
    """Each customer's anchor events (deliveries, repairs, birthdays …) for a storage index.

    For each customer's facts, its anchor events as ``(kind, local date)``, held
    vehicles as of ``on``: what a storage adapter indexes (when it writes the facts) so
    that :func:`anchor_windows` can select the subjects of a day. Unanswered callbacks
    appear as ``NOT_REACHED``; festivals (``HOLIDAY``) are not per customer and do not
    appear. Streams: one list per customer, in order.

    >>> from datetime import date
    >>> from crm_core import Customer, CustomerType
    >>> from crm_core.schedule.calendars import load_standard
    >>> from crm_core.schedule.working_time import WorkingTime
    >>> from crm_core.schedule.workdays import china_workday_calendar
    >>> ctx = PlanningContext(load_standard("svw"), WorkingTime(china_workday_calendar()))
    >>> c = Customer(id="C1", dealer_id="D1", type=CustomerType.INDIVIDUAL, name="王芳",
    ...              birthday=date(1990, 5, 17))
    >>> list(anchor_dates([CustomerFacts(c)], ctx, on=date(2026, 11, 23)))
    [[(<AnchorKind.BIRTHDAY: 'birthday'>, datetime.date(1990, 5, 17))]]
    """
    noon = datetime.combine(on, time(12), tzinfo=ctx.working_time.zone)
    with _dates_in_range(f"anchor dates on {on}"):
        run = _Planning(ctx, noon, on, on, AnchorWindows(on, on, {}))
    zone = run.zone
    for item in facts:
        try:
            planning = _Customer(run, item)
            found = [(a.kind, a.at.astimezone(zone).date()) for a in planning.anchors()]
            found += [
                (AnchorKind.NOT_REACHED, c.occurred_at.astimezone(zone).date())
                for c in planning.history.callbacks
                if isinstance(c.detail, Callback) and c.detail.outcome in _RETRIED
            ]
        except OverflowError as exc:
            raise _off_calendar(f"anchor dates of customer {item.customer.id}") from exc
        yield found


def _order(tasks: Iterable[FollowUpTask]) -> tuple[FollowUpTask, ...]:
    return tuple(sorted(tasks, key=lambda t: (-t.priority, t.due_from, t.id)))


def _plan_one(run: _Planning, facts: CustomerFacts) -> Plan:
    try:
        return _plan_customer(run, facts)
    except OverflowError as exc:
        raise _off_calendar(f"planning customer {facts.customer.id}") from exc


def _plan_customer(run: _Planning, facts: CustomerFacts) -> Plan:
    planning = _Customer(run, facts)
    planning.run_rules()
    cases = planning.cases()
    if not planning.tasks and not planning.skipped and not cases:
        return Plan(facts.customer.id)
    result = gate(
        facts.customer,
        planning.tasks,
        facts.interactions,
        run.config.contact,
        now=run.now,
        working_time=run.wt,
    )
    return Plan(
        customer_id=facts.customer.id,
        tasks=_order(result.tasks),
        deferred=_order(result.deferred),
        skipped=tuple(planning.skipped) + result.skipped,
        cases=tuple(cases),
        slas=tuple(
            status
            for case in cases
            for status in slas_for_case(case, run.ctx.slas, run.wt, run.now)
        ),
    )


def _run(ctx: PlanningContext, now: datetime, since: date | None) -> _Planning:
    now = require_aware(now, "now")
    with _dates_in_range(f"planning the day of {now.isoformat()}"):
        return _start(ctx, now, since)


def _start(ctx: PlanningContext, now: datetime, since: date | None) -> _Planning:
    day = ctx.working_time.local(now).date()
    if since is not None and since > day:
        raise ValidationError(f"since ({since}) is after the planned day ({day})", field="since")
    first = day if since is None else since
    opening = since is not None
    windows = anchor_windows(
        ctx.calendar,
        first,
        day,
        config=ctx.config,
        opening=opening,
        workdays=ctx.working_time.calendar,
        festivals=ctx.festivals,
    )
    return _Planning(ctx, now, first, day, windows, opening)


def plan(
    facts: CustomerFacts, ctx: PlanningContext, *, now: datetime, since: date | None = None
) -> Plan:
    """The tasks due for one customer on ``now``'s day (local to the dealer).

        Without ``since``: every task open that day, including tasks overdue by at most
        ``config.overdue_days`` ("why is this customer on today's list"). With ``since``: only
        the tasks whose window opens between ``since`` and today — the daily run that stores
        new tasks (ids are stable, so a task is stored once however often it is planned).

        >>> from datetime import date, datetime
        >>> from zoneinfo import ZoneInfo
        >>> from crm_core import Customer, CustomerType, Interaction, InteractionKind, Vehicle
        >>> from crm_core.schedule.calendars import load_standard
        >>> from crm_core.schedule.workdays import WorkdayCalendar
    from crm_core.schedule.working_time import WorkingTime
        >>> from crm_core.schedule.workdays import china_workday_calendar
        >>> ctx = PlanningContext(load_standard("svw"), WorkingTime(china_workday_calendar()))
        >>> sh = ZoneInfo("Asia/Shanghai")
        >>> facts = CustomerFacts(
        ...     Customer(id="C1", dealer_id="D1", type=CustomerType.INDIVIDUAL, name="王芳"),
        ...     (Vehicle(id="V1", dealer_id="D1", vin="LSVAU2180N2183294"),),
        ...     interactions=(Interaction(id="I1", dealer_id="D1", kind=InteractionKind.DELIVERY,
        ...         occurred_at=datetime(2026, 11, 12, 15, tzinfo=sh), customer_id="C1",
        ...         vehicle_id="V1", staff_id="S7"),))
        >>> result = plan(facts, ctx, now=datetime(2026, 11, 23, 10, tzinfo=sh))
        >>> result.tasks[0].explanation
        'CR satisfaction callback: delivered 2026-11-12, window 7–14 days'
        >>> [(t.rule_id, t.assignee_id) for t in result.tasks[1:]]  # overdue, still listed
        [('svw.sales.call_day3', 'S7'), ('svw.sales.call_day7', 'S7')]
    """
    return _plan_one(_run(ctx, now, since), facts)


def agenda(
    facts: Iterable[CustomerFacts],
    ctx: PlanningContext,
    *,
    now: datetime,
    since: date | None = None,
) -> Iterator[Plan]:
    """The day's agenda over many customers: one :class:`Plan` per customer with work due.

    Only customers with something to do or report get a plan, streamed as ``facts`` is
    consumed (nothing is kept). ``since`` as in :func:`plan`: a daily job passes the day
    after its last run.

    Feed it every customer, or — faster — only the subjects a storage adapter selected
    with :func:`anchor_windows` (called with the same period and ``opening=since is not
    None``); both give the same plans.
    """
    run = _run(ctx, now, since)
    for item in facts:
        result = _plan_one(run, item)
        if result:
            yield result


@attrs.frozen(slots=True)
class Forecast:
    """Tasks per role per day: the CR team's workload for the coming days.

    A task counts on the day its window opens (tasks already open count on the first day).
    """

    first_day: date
    days: int
    counts: Mapping[date, Mapping[StaffRole, int]]

    def on(self, day: date, role: StaffRole) -> int:
        return self.counts.get(day, {}).get(role, 0)

    def total(self, role: StaffRole) -> int:
        return sum(per_role.get(role, 0) for per_role in self.counts.values())


def forecast(
    facts: Iterable[CustomerFacts], ctx: PlanningContext, *, now: datetime, days: int
) -> Forecast:
    """The coming days' workload: tasks falling due per role and day, from today on.

    Counts the tasks that will fall due in the next ``days`` days (today included), per
    role and day. Consent stops (do-not-disturb, blacklist, refusals, opt-outs) apply;
    the contact cap does not (it depends on what is done first), so the forecast is an
    upper bound of the calls. ``days`` may be 0 (an empty forecast), not negative."""
    now = require_aware(now, "now")
    if days < 0:
        raise ValidationError(f"cannot forecast {days} days", field="days")
    with _dates_in_range(f"forecasting {days} days from {now.isoformat()}"):
        first = ctx.working_time.local(now).date()
        last = first + timedelta(days=days - 1)
        run = _Planning(
            ctx, now, first, last, anchor_windows(ctx.calendar, first, last, config=ctx.config)
        )
    counts: dict[date, dict[StaffRole, int]] = {}
    for item in facts:
        try:
            planning = _Customer(run, item)
            planning.run_rules()
            if not planning.tasks:
                continue
            passed, _ = screen(
                item.customer,
                planning.tasks,
                item.interactions,
                ctx.config.contact,
                now=run.now,
                working_time=run.wt,
            )
            buckets = [max(task.due_from.astimezone(run.zone).date(), first) for task in passed]
        except OverflowError as exc:
            raise _off_calendar(f"forecasting customer {item.customer.id}") from exc
        for task, bucket in zip(passed, buckets, strict=True):
            if bucket > last:
                continue
            per_role = counts.setdefault(bucket, {})
            per_role[task.role] = per_role.get(task.role, 0) + 1
    return Forecast(first, days, dict(sorted(counts.items())))
