"""Reading the planner's facts from a store: who can be due on a day, and their files.

The planner (:mod:`crm_core.schedule.planner`) is pure; a host's daily job asks it what
is due. This module is that job's read side over the storage ports, so it works on every
adapter: :func:`due_customer_ids` turns the planner's :class:`AnchorWindows` into the
store's indexed anchor query (plus the interaction-based anchors — callbacks not reached,
complaints, test drives, club enrolments — and, on a festival, every customer), and
:func:`customer_facts` loads one customer's file as :class:`CustomerFacts`.

>>> from datetime import date, datetime
>>> from zoneinfo import ZoneInfo
>>> from crm_core.adapters.memory import MemoryStorage
>>> from crm_core.schedule.calendars import load_standard
>>> from crm_core.schedule.planner import anchor_windows
>>> windows = anchor_windows(load_standard("svw"), date(2026, 11, 23))
>>> with MemoryStorage().unit_of_work() as uow:
...     due_customer_ids(uow, "D1", windows, ZoneInfo("Asia/Shanghai"))
[]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, time, timedelta, tzinfo
from typing import Any, TypeVar

from crm_core.domain.anchor import AnchorKind
from crm_core.domain.ids import CustomerId, DealerId
from crm_core.domain.interaction import InteractionKind
from crm_core.domain.ports.storage import DateRange, Repository, StoredRecord, UnitOfWork
from crm_core.schedule.calendars import Calendar
from crm_core.schedule.festivals import FestivalCalendar
from crm_core.schedule.planner import AnchorWindows, CustomerFacts

__all__ = [
    "STORE_ANCHORS",
    "customer_facts",
    "due_customer_ids",
    "every",
    "festival_in_windows",
]

R = TypeVar("R", bound=StoredRecord)

# Anchors the storage port's indexed query answers (see AnchorQuery.subjects).
STORE_ANCHORS = frozenset(
    {
        AnchorKind.DELIVERY,
        AnchorKind.FIRST_REGISTRATION,
        AnchorKind.INSURANCE_EXPIRY,
        AnchorKind.SALE,
        AnchorKind.WARRANTY_END,
        AnchorKind.BIRTHDAY,
        AnchorKind.REPAIR_HANDED_BACK,
        AnchorKind.LAST_VISIT,
    }
)

# Anchors that are interactions: the customers with such an interaction in the window.
_INTERACTION_ANCHORS: dict[AnchorKind, tuple[InteractionKind, ...]] = {
    AnchorKind.NOT_REACHED: (InteractionKind.CALLBACK,),
    AnchorKind.COMPLAINT: (InteractionKind.CALLBACK,),
    AnchorKind.DISSATISFACTION: (InteractionKind.CALLBACK,),
    AnchorKind.TEST_DRIVE: (InteractionKind.TEST_DRIVE,),
    AnchorKind.CLUB_ENROLMENT: (InteractionKind.CLUB_ENROLMENT,),
    AnchorKind.FIRST_CONTACT: (
        InteractionKind.INBOUND_CALL,
        InteractionKind.VISIT,
        InteractionKind.NEGOTIATION,
    ),
}

_PAGE = 1000


def festival_in_windows(
    calendar: Calendar, windows: AnchorWindows, festivals: FestivalCalendar
) -> bool:
    """Whether a festival greeting can be due in the period (then every customer is a subject).

    True when one of the calendar's festivals falls in the ``HOLIDAY`` ranges of
    ``windows``."""
    spans = windows.ranges.get(AnchorKind.HOLIDAY, ())
    if not spans:
        return False
    years = range(min(s[0] for s in spans).year, max(s[1] for s in spans).year + 1)
    return any(
        windows.contains(AnchorKind.HOLIDAY, festivals.date_of(rule.holiday, year))
        for rule in calendar.rules
        if rule.anchor is AnchorKind.HOLIDAY and rule.holiday is not None
        for year in years
    )


def due_customer_ids(
    uow: UnitOfWork,
    dealer_id: DealerId | str,
    windows: AnchorWindows,
    tz: tzinfo,
    *,
    festival: bool = True,
) -> list[CustomerId]:
    """The ids of a dealer's customers who may have a task due in the period, from storage.

    The customers of ``dealer_id`` who may have a task in ``windows``' period, in id order:
    a safe superset the planner then decides on. ``festival=False`` says no festival
    greeting is due (see :func:`festival_in_windows`); otherwise ``HOLIDAY`` ranges make
    every customer a subject."""
    dealer = DealerId(dealer_id)
    indexed = {
        kind: [DateRange(first, last) for first, last in spans]
        for kind, spans in windows.ranges.items()
        if kind in STORE_ANCHORS and spans
    }
    ids: set[CustomerId] = set()
    if indexed:
        ids.update(s.customer.id for s in uow.anchors.subjects(dealer, indexed, tz=tz))
    kinds = {
        k
        for anchor, spans in windows.ranges.items()
        if spans and anchor in _INTERACTION_ANCHORS
        for k in _INTERACTION_ANCHORS[anchor]
    }
    spans = [
        span
        for anchor, ranges in windows.ranges.items()
        if anchor in _INTERACTION_ANCHORS
        for span in ranges
    ]
    if kinds and spans:
        start = datetime.combine(min(s[0] for s in spans), time(), tz)
        end = datetime.combine(max(s[1] for s in spans) + timedelta(days=1), time(), tz)
        for interaction in uow.interactions.between(dealer, start, end, kinds=kinds):
            if interaction.customer_id is not None:
                ids.add(interaction.customer_id)
    if festival and windows.ranges.get(AnchorKind.HOLIDAY):
        # A festival greeting goes to every customer (the planner's consent gate filters).
        ids.update(c.id for c in every(uow.customers, dealer))
    return sorted(ids)


def every(repository: Repository[R, Any], dealer_id: DealerId | str) -> Iterator[R]:
    """Every record of a dealer in a repository, read one page at a time.

    Keyset paging on the id, so a long table never sits in memory at once."""
    dealer = DealerId(dealer_id)
    after: Any = None
    while True:
        page = repository.by_dealer(dealer, after=after, limit=_PAGE)
        yield from page
        if len(page) < _PAGE:
            return
        after = page[-1].id


def customer_facts(
    uow: UnitOfWork, dealer_id: DealerId | str, customer_ids: Iterable[CustomerId]
) -> Iterator[CustomerFacts]:
    """The planner's input for the given customers, read from storage one customer at a time.

    Each customer's file as the planner reads it: the customer, the vehicles they held, the
    ownerships, every interaction and case, and the tasks already stored."""
    dealer = DealerId(dealer_id)
    customers = uow.customers
    for customer_id in customer_ids:
        customer = customers.get(dealer, customer_id)
        ownerships = tuple(uow.ownerships.of_customer(dealer, customer_id))
        vehicles = uow.vehicles.get_many(dealer, [o.vehicle_id for o in ownerships])
        yield CustomerFacts(
            customer=customer,
            vehicles=tuple(
                {
                    o.vehicle_id: vehicles[o.vehicle_id]
                    for o in ownerships
                    if o.vehicle_id in vehicles
                }.values()
            ),
            ownerships=ownerships,
            interactions=tuple(uow.interactions.of_customer(dealer, customer_id)),
            cases=tuple(uow.cases.of_customer(dealer, customer_id)),
            tasks=tuple(uow.tasks.of_customer(dealer, customer_id)),
        )
