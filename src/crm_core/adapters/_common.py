"""What the storage adapters share, so memory and SQL answer the contract identically:
the default clock, task plan comparison, the outbox's due time, and the anchor query's
date arithmetic (birthdays by month and day, local days as UTC instants)."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

import attrs

from crm_core.domain._validators import is_whole
from crm_core.domain.anchor import AnchorKind
from crm_core.domain.customer import Customer
from crm_core.domain.ids import CustomerId, DealerId, MessageId, VehicleId
from crm_core.domain.message import MessageOutcome, MessageStatus, OutboxMessage
from crm_core.domain.ports.storage import (
    AgendaSubject,
    AnchorHit,
    DateRange,
    OutboxRepository,
    refuse_unstorable,
)
from crm_core.domain.task import FollowUpTask, TaskStatus
from crm_core.domain.vehicle import Vehicle
from crm_core.errors import ConflictError, ValidationError

VEHICLE_DATE_ANCHORS: Mapping[AnchorKind, str] = {
    AnchorKind.DELIVERY: "delivery_date",
    AnchorKind.FIRST_REGISTRATION: "first_registration",
    AnchorKind.INSURANCE_EXPIRY: "insurance_expiry",
    AnchorKind.SALE: "purchase_date",
    AnchorKind.WARRANTY_END: "warranty_end",
}
"""Anchors read from a vehicle's own date field (the subject is its current owner)."""

OPEN_TASK_STATUSES = frozenset({TaskStatus.PLANNED, TaskStatus.DEFERRED})


def utc_now() -> datetime:
    """The adapters' default clock."""
    return datetime.now(UTC)


def check_windows(
    windows: Mapping[AnchorKind, Iterable[DateRange]],
) -> dict[AnchorKind, list[DateRange]]:
    """Materialise the windows once and refuse the kinds no subject carries."""
    result = {kind: list(ranges) for kind, ranges in windows.items()}
    if AnchorKind.HOLIDAY in result:
        raise ValidationError(
            "holiday greetings are not anchored on a subject; list the dealer's customers",
            field="windows",
        )
    return result


def same_plan(stored: FollowUpTask, planned: FollowUpTask) -> bool:
    """True when re-planning would not change the stored task (status and stamps aside)."""
    return (
        attrs.evolve(
            planned,
            status=stored.status,
            status_reason=stored.status_reason,
            version=stored.version,
            updated_at=stored.updated_at,
        )
        == stored
    )


def replanned(stored: FollowUpTask, planned: FollowUpTask) -> FollowUpTask:
    """The new plan with the stored task's status (re-planning never reopens or closes)."""
    return attrs.evolve(
        planned,
        status=stored.status,
        status_reason=stored.status_reason,
        version=stored.version,
    )


def last_per_id(tasks: Iterable[FollowUpTask]) -> list[FollowUpTask]:
    """One task per (dealer, id), the last given winning, in first-seen order."""
    by_key: dict[tuple[str, str], FollowUpTask] = {}
    for task in tasks:
        by_key[(task.dealer_id, task.id)] = task
    return list(by_key.values())


def due_at(message: OutboxMessage) -> datetime | None:
    """When a message becomes claimable: its next attempt (or first send time) while
    queued, the end of its lease while being sent, never once final."""
    if message.status is MessageStatus.QUEUED:
        return message.next_attempt_at or message.not_before
    if message.status is MessageStatus.SENDING:
        return message.lease_until
    return None


def month_day(day: date) -> int:
    """``date(1990, 5, 17)`` → ``517``: what a birthday index sorts by."""
    return day.month * 100 + day.day


def birthday_md_ranges(window: DateRange) -> list[tuple[int, int]]:
    """Month-day ranges (inclusive) covering every birthday celebrated in ``window``; a
    superset, to be narrowed by :func:`birthday_occurrences`."""
    if window.days >= 366:
        return [(101, 1231)]
    if window.first.year == window.last.year:
        ranges = [(month_day(window.first), month_day(window.last))]
    else:
        ranges = [(month_day(window.first), 1231), (101, month_day(window.last))]
    if any(
        not calendar.isleap(year) and date(year, 2, 28) in window
        for year in range(window.first.year, window.last.year + 1)
    ):
        ranges.append((229, 229))
    return ranges


def birthday_occurrences(birthday: date, window: DateRange) -> list[date]:
    """The days in ``window`` on which a birthday is celebrated (29 February → 28 February
    in common years)."""
    days = []
    for year in range(window.first.year, window.last.year + 1):
        if birthday.month == 2 and birthday.day == 29 and not calendar.isleap(year):
            day = date(year, 2, 28)
        else:
            day = date(year, birthday.month, birthday.day)
        if day in window:
            days.append(day)
    return days


def local_day_bounds(window: DateRange, tz: tzinfo) -> tuple[datetime, datetime]:
    """The UTC instants ``[start, end)`` of the window's local days in ``tz``."""
    start = datetime.combine(window.first, time(), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(window.last + timedelta(days=1), time(), tzinfo=tz).astimezone(UTC)
    return start, end


def local_date(at: datetime, tz: tzinfo) -> date:
    return at.astimezone(tz).date()


def assemble_subjects(
    hits: Iterable[AnchorHit],
    customers: Mapping[CustomerId, Customer],
    vehicles: Mapping[VehicleId, Vehicle],
    holdings: Mapping[CustomerId, Iterable[VehicleId]],
) -> list[AgendaSubject]:
    """Group hits by customer, with the vehicles each holds and the ones hits name."""
    by_customer: dict[CustomerId, set[AnchorHit]] = {}
    for hit in hits:
        if hit.customer_id in customers:
            by_customer.setdefault(hit.customer_id, set()).add(hit)
    subjects = []
    for customer_id in sorted(by_customer):
        customer_hits = sorted(by_customer[customer_id], key=_hit_order)
        vehicle_ids = set(holdings.get(customer_id, ()))
        vehicle_ids.update(h.vehicle_id for h in customer_hits if h.vehicle_id is not None)
        subjects.append(
            AgendaSubject(
                customer=customers[customer_id],
                vehicles=tuple(vehicles[v] for v in sorted(vehicle_ids) if v in vehicles),
                hits=tuple(customer_hits),
            )
        )
    return subjects


def _hit_order(hit: AnchorHit) -> tuple[date, str, str, str]:
    return (hit.on, hit.kind.value, hit.vehicle_id or "", hit.interaction_id or "")


FINAL_MESSAGE_STATUSES = frozenset(
    {
        MessageStatus.SENT,
        MessageStatus.DELIVERED,
        MessageStatus.FAILED,
        MessageStatus.PARKED,
        MessageStatus.SUPPRESSED,
    }
)


def check_final_status(status: MessageStatus) -> None:
    if status not in FINAL_MESSAGE_STATUSES:
        raise ValidationError(
            f"a message is completed as sent, delivered, failed, parked or suppressed, "
            f"not {status.value}",
            field="status",
        )


def new_message(message: OutboxMessage) -> OutboxMessage:
    """A message as :meth:`OutboxRepository.enqueue` stores it: queued, never tried."""
    return attrs.evolve(
        message,
        status=MessageStatus.QUEUED,
        attempts=0,
        next_attempt_at=None,
        gateway_message_id=None,
        last_error=None,
        lease_owner=None,
        lease_until=None,
    )


def checked_outcomes(outcomes: Iterable[MessageOutcome]) -> list[MessageOutcome]:
    """The outcomes as a list, refused before anything is written when two are for one
    message (which would be the truth?) or a text cannot be stored (:func:`refuse_unstorable`)."""
    given = list(outcomes)
    seen: set[tuple[DealerId, MessageId]] = set()
    for outcome in given:
        if outcome.key in seen:
            raise ValidationError(
                f"two outcomes for message {outcome.key[1]} of dealer {outcome.key[0]}",
                field="outcomes",
            )
        seen.add(outcome.key)
        refuse_unstorable("gateway_message_id", outcome.gateway_message_id)
        refuse_unstorable("error", outcome.error)
    return given


def still_held(
    outcome: MessageOutcome,
    worker: str,
    *,
    status: MessageStatus | str,
    lease_owner: str | None,
    version: int,
) -> bool:
    """Whether the stored message (its status, lease owner and version) is still the claim
    ``outcome`` answers: any write since the claim bumped the version."""
    return (
        status == MessageStatus.SENDING
        and lease_owner == worker
        and version == outcome.claimed.version
    )


class OutboxTransitions(OutboxRepository):
    """The one-message transitions on top of :meth:`record_outcomes`: the held message is
    read and its outcome recorded against the version read, so a lease taken over in
    between makes the old holder's write stale — a
    :class:`~crm_core.errors.ConflictError`, never a silent overwrite."""

    def complete(
        self,
        dealer_id: DealerId,
        message_id: MessageId,
        *,
        worker: str,
        status: MessageStatus,
        gateway_message_id: str | None = None,
        error: str | None = None,
    ) -> OutboxMessage:
        check_final_status(status)
        held = self._held(dealer_id, message_id, worker)
        outcome = MessageOutcome(held, status, gateway_message_id=gateway_message_id, error=error)
        return self._record_one(outcome, worker)

    def release(
        self,
        dealer_id: DealerId,
        message_id: MessageId,
        *,
        worker: str,
        retry_at: datetime,
        error: str | None = None,
    ) -> OutboxMessage:
        held = self._held(dealer_id, message_id, worker)
        outcome = MessageOutcome(held, MessageStatus.QUEUED, error=error, retry_at=retry_at)
        return self._record_one(outcome, worker)

    def _record_one(self, outcome: MessageOutcome, worker: str) -> OutboxMessage:
        recorded = self.record_outcomes([outcome], worker=worker)
        if not recorded:
            raise ConflictError(
                f"message {outcome.claimed.id} changed while worker {worker!r} recorded it"
            )
        return recorded[0]

    def requeue(self, dealer_id: DealerId, message_id: MessageId, *, at: datetime) -> OutboxMessage:
        message = self.get(dealer_id, message_id)
        if message.status not in (MessageStatus.PARKED, MessageStatus.FAILED):
            raise ConflictError(
                f"message {message_id} is {message.status.value}; only parked or failed "
                f"messages are re-queued by hand"
            )
        return self.update(
            attrs.evolve(
                message,
                status=MessageStatus.QUEUED,
                next_attempt_at=at,
                attempts=0,
                lease_owner=None,
                lease_until=None,
            )
        )

    def _held(self, dealer_id: DealerId, message_id: MessageId, worker: str) -> OutboxMessage:
        message = self.get(dealer_id, message_id)
        if message.status is not MessageStatus.SENDING or message.lease_owner != worker:
            raise ConflictError(
                f"message {message_id} is not held by worker {worker!r} "
                f"(status {message.status.value}, lease owner {message.lease_owner!r})"
            )
        return message


def positive_seconds(_: Any, attribute: attrs.Attribute[Any], value: float) -> None:
    """An attrs validator for a gateway timeout: finite and above 0. The socket module
    refuses the rest only at the first send, with a ValueError or an OverflowError."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1e9:
        raise ValidationError(
            f"must be a number of seconds above 0, got {value!r}", field=attribute.name
        )


def check_moments(**moments: datetime) -> None:
    """Refuse a naive (or non-datetime) bound of a query with an error naming it.

    Compared with the stored aware datetimes it would fail deep in Python or the driver
    — or, in an empty store, silently match nothing — depending on the adapter."""
    for name, moment in moments.items():
        if not isinstance(moment, datetime) or moment.utcoffset() is None:
            raise ValidationError(f"expected an aware datetime, got {moment!r}", field=name)


def check_limit(limit: int | None) -> None:
    """Refuse a page size below 0: ``rows[:-1]`` would drop the last record of a page
    and SQL's ``LIMIT -1`` means no limit, so the adapters would disagree silently."""
    if limit is not None and not is_whole(limit, 0):
        raise ValidationError(
            f"expected a number of records, 0 or more, got {limit!r}", field="limit"
        )
