"""Storage ports: what a repository must do, whatever database is behind it.

A host keeps its own database; crm_core only needs these interfaces. Every adapter —
ours (memory, SQLite, PostgreSQL) and a host's own — is held to the same contract by the
suites in :mod:`crm_core.testing`, so the docstrings below are the specification those
suites test.

The contract shared by every repository:

* **Ids are scoped by dealer.** A record is addressed by ``(dealer_id, id)``; two dealers
  may use the same customer id. Reads never return another dealer's records.
* **Not found.** ``get`` raises :class:`~crm_core.errors.NotFoundError`; ``get_many``
  leaves missing ids out of its answer. Adding a record that refers to a missing
  customer, vehicle or club member raises :class:`~crm_core.errors.NotFoundError` too.
* **Duplicates.** ``add`` of an id that exists raises
  :class:`~crm_core.errors.DuplicateError` and changes nothing.
* **Versions.** The store stamps every write: ``add`` stores version 1, each ``update``
  stores ``version + 1``, and ``updated_at`` is set from the adapter's injected clock (the
  record's own values are ignored on the way in). ``update`` and ``remove`` take the
  version the caller read; if the stored one differs (someone else wrote in between) they
  raise :class:`~crm_core.errors.ConflictError` and never overwrite. Removing a record
  that others still refer to raises :class:`~crm_core.errors.ConflictError`.
* **Ordering.** Lists come in ``id`` order (Unicode code point order, the same on every
  adapter) so that keyset paging with ``after=`` works everywhere.
* **Changed since.** ``changed_since(dealer_id, since)`` returns the records whose
  ``updated_at`` is at or after ``since``, oldest change first (ties by id): a host
  syncing incrementally passes the last ``updated_at`` it saw and may see that one again,
  never miss one.
* **Units of work.** Repositories are reached through a :class:`UnitOfWork`; everything
  written inside one ``with`` block is committed together or not at all.
* **Text is stored exactly.** What goes in comes out code point for code point (Chinese
  names, addresses, emoji). What some database cannot store — text containing U+0000
  (PostgreSQL cannot) or a lone surrogate (no UTF-8 driver can encode it), an integer
  beyond 64 bits — is refused with a :class:`~crm_core.errors.ValidationError` on every
  adapter: :func:`check_storable` is that check, for a host's adapter as for ours.
* **Driver errors never escape raw**: adapters translate them into
  :class:`~crm_core.errors.RepositoryError` subclasses.
"""

from __future__ import annotations

import abc
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta, tzinfo
from types import TracebackType
from typing import Any, Generic, Protocol, Self, TypeVar

import attrs

from crm_core.domain import personal_data
from crm_core.domain._validators import as_members
from crm_core.domain.action import ActionId, CorrectiveAction
from crm_core.domain.anchor import AnchorKind
from crm_core.domain.audit import AuditEntry
from crm_core.domain.case import Case
from crm_core.domain.customer import Customer
from crm_core.domain.dealer import Dealer, Staff
from crm_core.domain.ids import (
    CaseId,
    CustomerId,
    DealerId,
    InteractionId,
    MessageId,
    OwnershipId,
    StaffId,
    TaskId,
    VehicleId,
)
from crm_core.domain.insurance import InsurancePolicy, PolicyId
from crm_core.domain.interaction import Interaction, InteractionKind
from crm_core.domain.membership import ClubMember, PointsEntry, Referral
from crm_core.domain.message import MessageOutcome, MessageStatus, OutboxMessage
from crm_core.domain.survey import SurveyId, SurveyResponse
from crm_core.domain.task import FollowUpTask
from crm_core.domain.vehicle import Ownership, Vehicle
from crm_core.errors import ValidationError

__all__ = [
    "AgendaSubject",
    "AnchorHit",
    "AnchorQuery",
    "AuditLog",
    "CaseRepository",
    "Clock",
    "ClubMemberRepository",
    "CorrectiveActionRepository",
    "CustomerRepository",
    "DateRange",
    "DealerRepository",
    "InsurancePolicyRepository",
    "InteractionRepository",
    "OutboxRepository",
    "OwnershipRepository",
    "PointsLedgerRepository",
    "ReferralRepository",
    "Repository",
    "StaffRepository",
    "StoredRecord",
    "SurveyResponseRepository",
    "TaskRepository",
    "TaskUpsertResult",
    "UnitOfWork",
    "VehicleRepository",
    "check_storable",
]

Clock = Callable[[], datetime]
"""Where an adapter gets ``updated_at`` from: returns an aware datetime. Injected, so
tests can freeze time and the pure core never reads the clock itself."""


# NUL: PostgreSQL cannot store it and C tools cut strings at it. A lone surrogate is not
# Unicode at all: no UTF-8 driver can encode it.
_UNSTORABLE_CHAR = re.compile("[\x00\ud800-\udfff]")
_INT64 = range(-(2**63), 2**63)


def _refusal(value: Any) -> str | None:
    """Why ``value`` (nested values included) cannot be stored by every adapter, or None."""
    if isinstance(value, str):
        # printable text (nearly all of it) holds neither NUL nor a surrogate
        found = None if value.isprintable() else _UNSTORABLE_CHAR.search(value)
        if found is None:
            return None
        if found.group() == "\x00":
            return "text must not contain the NUL character (U+0000)"
        return f"text must not contain a lone surrogate (U+{ord(found.group()):04X})"
    if isinstance(value, int):
        # SQLite and PostgreSQL store 64-bit integers; Python's have no bound
        return None if value in _INT64 else "an integer beyond the 64 bits a database stores"
    if isinstance(value, list | tuple | frozenset | set):
        return next(filter(None, map(_refusal, value)), None)
    if isinstance(value, dict):
        return next(filter(None, map(_refusal, value.values())), None)
    if attrs.has(type(value)):
        fields = attrs.fields(type(value))
        return next(filter(None, (_refusal(getattr(value, f.name)) for f in fields)), None)
    return None


def refuse_unstorable(field: str, value: Any) -> None:
    """Refuse, the same way on every adapter, what some database cannot store (text with
    NUL or a lone surrogate, an integer beyond 64 bits) instead of failing deep in a
    driver — or storing it in one adapter and not in another."""
    reason = _refusal(value)
    if reason is not None:
        raise ValidationError(reason, field=field)


def check_storable(record: Any) -> None:
    """Refuse a record holding what some database cannot store, naming the field.

    That is U+0000 or a lone surrogate in any text, or an integer beyond 64 bits, nested
    values included.

    Every adapter calls it before writing, so that a record one store refuses is refused
    by all (the contract suites check it):

    >>> from crm_core import Customer, CustomerType
    >>> check_storable(Customer(id="C1", dealer_id="D1", type=CustomerType.INDIVIDUAL,
    ...                            name="王\\x00芳"))
    Traceback (most recent call last):
    ...
    crm_core.errors.ValidationError: name: text must not contain the NUL character (U+0000)
    """
    for field in attrs.fields(type(record)):
        refuse_unstorable(field.name, getattr(record, field.name))


class StoredRecord(Protocol):
    """What every stored record has: its dealer, its id, and the store's stamps."""

    @property
    def id(self) -> str: ...

    @property
    def dealer_id(self) -> DealerId: ...

    @property
    def version(self) -> int: ...

    @property
    def updated_at(self) -> datetime | None: ...


R = TypeVar("R", bound=StoredRecord)
K = TypeVar("K", bound=str)


class Repository(abc.ABC, Generic[R, K]):
    """What every per-dealer repository does: get, add, update, remove, page, read changes.

    The module docstring holds the contract on not-found, duplicates, versions, ordering
    and ``changed_since``."""

    @abc.abstractmethod
    def get(self, dealer_id: DealerId, id: K) -> R:
        """The record, or :class:`~crm_core.errors.NotFoundError`."""

    @abc.abstractmethod
    def get_many(self, dealer_id: DealerId, ids: Iterable[K]) -> dict[K, R]:
        """The records that exist among ``ids``, keyed by id; missing ids are left out."""

    @abc.abstractmethod
    def add(self, record: R) -> R:
        """Store a new record; returns it as stored (version 1, ``updated_at`` stamped).
        :class:`~crm_core.errors.DuplicateError` if the id exists for the dealer."""

    @abc.abstractmethod
    def add_many(self, records: Iterable[R]) -> int:
        """Store many new records at once (bulk import); returns how many. All or none:
        one duplicate id raises :class:`~crm_core.errors.DuplicateError` and, like any
        error, rolls back with the unit of work."""

    @abc.abstractmethod
    def update(self, record: R) -> R:
        """Replace the stored record by ``record``, whose ``version`` must be the stored
        one; returns it as stored (version + 1). :class:`~crm_core.errors.NotFoundError`
        if it does not exist, :class:`~crm_core.errors.ConflictError` if the version is
        stale."""

    @abc.abstractmethod
    def remove(self, dealer_id: DealerId, id: K, *, version: int) -> None:
        """Delete a record read at ``version``. :class:`~crm_core.errors.NotFoundError`,
        or :class:`~crm_core.errors.ConflictError` on a stale version or when other
        records still refer to it."""

    @abc.abstractmethod
    def by_dealer(
        self, dealer_id: DealerId, *, after: K | None = None, limit: int | None = None
    ) -> list[R]:
        """The dealer's records in id order, starting after id ``after`` (keyset paging)."""

    @abc.abstractmethod
    def changed_since(
        self, dealer_id: DealerId, since: datetime, *, limit: int | None = None
    ) -> list[R]:
        """Records with ``updated_at >= since``, ordered by ``(updated_at, id)``."""


class DealerRepository(abc.ABC):
    """Dealer records, addressed by their own id; otherwise as every repository."""

    @abc.abstractmethod
    def get(self, dealer_id: DealerId) -> Dealer:
        """The dealer, or :class:`~crm_core.errors.NotFoundError`."""

    @abc.abstractmethod
    def add(self, dealer: Dealer) -> Dealer:
        """:class:`~crm_core.errors.DuplicateError` if the id exists."""

    @abc.abstractmethod
    def update(self, dealer: Dealer) -> Dealer:
        """:class:`~crm_core.errors.ConflictError` on a stale version."""

    @abc.abstractmethod
    def all(self) -> list[Dealer]:
        """Every dealer, in id order (a dealer group has tens, not millions)."""


class StaffRepository(Repository[Staff, StaffId]):
    """A dealer's employees."""


class CustomerRepository(Repository[Customer, CustomerId]):
    """Customer files (一人一档)."""


class VehicleRepository(Repository[Vehicle, VehicleId]):
    """Vehicle files (一车一档)."""

    @abc.abstractmethod
    def by_vin(self, dealer_id: DealerId, vin: str) -> list[Vehicle]:
        """Vehicles recorded with exactly this VIN (more than one is a duplicate file)."""


class OwnershipRepository(Repository[Ownership, OwnershipId]):
    """Who held which vehicle when: the ownership records of the dealer's customers.

    ``add`` raises :class:`~crm_core.errors.NotFoundError` when the customer or the vehicle
    does not exist."""

    @abc.abstractmethod
    def of_customer(self, dealer_id: DealerId, customer_id: CustomerId) -> list[Ownership]:
        """Every ownership of the customer, current and past, in id order."""

    @abc.abstractmethod
    def of_vehicle(self, dealer_id: DealerId, vehicle_id: VehicleId) -> list[Ownership]:
        """Every ownership of the vehicle, current and past, in id order."""


class InteractionRepository(Repository[Interaction, InteractionId]):
    """Contacts between dealer and customer: calls, visits, sales, repair orders, callbacks …

    ``add`` raises :class:`~crm_core.errors.NotFoundError` when a given customer or vehicle
    is missing."""

    @abc.abstractmethod
    def of_customer(self, dealer_id: DealerId, customer_id: CustomerId) -> list[Interaction]:
        """The customer's history, oldest first (ties by id)."""

    @abc.abstractmethod
    def between(
        self,
        dealer_id: DealerId,
        start: datetime,
        end: datetime,
        *,
        kinds: Iterable[InteractionKind] | None = None,
    ) -> list[Interaction]:
        """Interactions with ``start <= occurred_at < end`` (of ``kinds`` if given),
        oldest first (ties by id): the input of a month's KPIs."""


class CaseRepository(Repository[Case, CaseId]):
    """Hotline cases and complaints."""

    @abc.abstractmethod
    def of_customer(self, dealer_id: DealerId, customer_id: CustomerId) -> list[Case]:
        """The customer's cases, oldest first (ties by id)."""

    @abc.abstractmethod
    def opened_between(self, dealer_id: DealerId, start: datetime, end: datetime) -> list[Case]:
        """Cases with ``start <= opened_at < end``, oldest first (ties by id)."""


@attrs.frozen(slots=True)
class TaskUpsertResult:
    """What :meth:`TaskRepository.upsert` did with each task it was given."""

    inserted: tuple[TaskId, ...] = ()
    updated: tuple[TaskId, ...] = ()
    unchanged: tuple[TaskId, ...] = ()


class TaskRepository(Repository[FollowUpTask, TaskId]):
    """Follow-up tasks. The planner's output is stored with :meth:`upsert`."""

    @abc.abstractmethod
    def upsert(self, tasks: Iterable[FollowUpTask]) -> TaskUpsertResult:
        """Store a plan idempotently, keyed by each task's stable id.

        * a task whose id is not stored is inserted (version 1);
        * a stored task still ``PLANNED`` or ``DEFERRED`` whose plan differs (due window,
          assignee, priority, explanation…) is updated to the new plan, keeping its
          status (version + 1);
        * a stored task that is ``DONE`` or ``CANCELLED``, or identical, is left as it is
          (done work is never re-opened by re-planning).

        Storing the same plan twice stores it once, and so does storing it from two
        processes at the same moment: no task is ever stored twice and neither process
        fails. Versions in the given tasks are ignored. Each id is reported once in the
        result; a task repeated within ``tasks`` counts as given once (the last wins).
        """

    @abc.abstractmethod
    def of_customer(self, dealer_id: DealerId, customer_id: CustomerId) -> list[FollowUpTask]:
        """The customer's tasks in ``(due_from, id)`` order."""

    @abc.abstractmethod
    def due_between(
        self, dealer_id: DealerId, start: datetime, end: datetime
    ) -> list[FollowUpTask]:
        """Tasks whose due window overlaps ``[start, end)``, whatever their status, in
        ``(due_from, id)`` order: a day's work list."""


class OutboxRepository(Repository[OutboxMessage, MessageId]):
    """Outgoing messages, written in the same unit of work as their tasks.

    A dispatcher takes work with :meth:`claim_due` under a lease, sends, and reports back
    what happened — a batch of outcomes at a time with :meth:`record_outcomes`, or one
    message at a time with :meth:`complete` or :meth:`release`. Several dispatchers may run
    at once (in threads, processes or on several hosts): a message is claimed by one of
    them at a time — on PostgreSQL through ``SELECT … FOR UPDATE SKIP LOCKED``, on SQLite
    through one atomic update under the database's write lock. A dispatcher that dies
    loses its lease when ``lease_until`` passes, and the message becomes claimable again.
    """

    @abc.abstractmethod
    def enqueue(self, messages: Iterable[OutboxMessage]) -> tuple[MessageId, ...]:
        """Queue messages; returns the ids newly queued. A message whose id is already
        stored is skipped, whatever its state: the id is derived from the task, so
        re-planning can never queue the same text twice. Status and lease fields of the
        given messages are ignored (a new message is ``QUEUED``, version 1)."""

    @abc.abstractmethod
    def claim_due(
        self,
        *,
        now: datetime,
        worker: str,
        lease: timedelta,
        limit: int,
        dealer_id: DealerId | None = None,
    ) -> list[OutboxMessage]:
        """Claim up to ``limit`` messages that are due at ``now`` — ``QUEUED`` with
        ``next_attempt_at`` (or, before the first attempt, ``not_before``) at or before
        ``now``, or ``SENDING`` under a lease that expired — oldest due first.

        Each claimed message becomes ``SENDING`` with ``lease_owner=worker``,
        ``lease_until=now + lease``, ``attempts + 1`` and a new version; they are returned
        in ``(dealer_id, id)`` order. No message is
        handed to two claimers whose leases overlap. ``dealer_id`` restricts the claim to
        one dealer (a store distributed by dealer should always pass it).
        """

    @abc.abstractmethod
    def record_outcomes(
        self, outcomes: Sequence[MessageOutcome], *, worker: str
    ) -> list[OutboxMessage]:
        """Record what ``worker`` learned about messages it claimed, in one call: the
        dispatcher's cost per message is then a row written, not a transaction.

        An outcome is recorded only if its message is still exactly as ``claim_due``
        handed it to ``worker``: ``SENDING``, ``lease_owner == worker`` and the stored
        ``version`` equal to ``outcome.claimed.version``. The message then takes the
        outcome's status; ``SENT`` stores the gateway's id (an outcome without one keeps
        the stored id), every outcome stores ``error`` as ``last_error``, ``QUEUED`` stores
        ``retry_at`` as ``next_attempt_at`` (the message is due again then); the lease is
        cleared, the version bumped, ``updated_at`` stamped; nothing else changes.

        Any other outcome is skipped and changes nothing — its message was taken over by
        another worker after this one's lease expired (even by a worker of the same name:
        the version tells one claim from the next), or settled meanwhile by a delivery
        report. Skipping, not raising, keeps the rest of the batch: the worker that holds
        the message now records its own answer. A lease that ran out but that nobody took
        over is still held: the outcome is recorded (the message was sent; recording it
        saves sending it again).

        Returns the recorded messages as now stored, in the order given; the caller tells
        the skipped ones by their absence. No outcomes, no writes. Two outcomes for one
        message raise :class:`~crm_core.errors.ValidationError` and record nothing.
        """

    @abc.abstractmethod
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
        """Record a final answer for a message this worker holds: ``SENT`` (with the
        gateway's id), ``DELIVERED``, ``FAILED``, ``PARKED`` or ``SUPPRESSED`` (with
        ``error`` as the reason). The lease is cleared. One message's
        :meth:`record_outcomes`, but held means ``SENDING`` under this worker's name
        whatever the version.

        :class:`~crm_core.errors.ConflictError` if the message is not ``SENDING`` under
        this worker's lease (another dispatcher took it over);
        :class:`~crm_core.errors.ValidationError` for ``QUEUED`` or ``SENDING``.
        """

    @abc.abstractmethod
    def release(
        self,
        dealer_id: DealerId,
        message_id: MessageId,
        *,
        worker: str,
        retry_at: datetime,
        error: str | None = None,
    ) -> OutboxMessage:
        """Give back a message after a transient failure: ``QUEUED`` again with
        ``next_attempt_at=retry_at`` and ``last_error=error``, lease cleared.
        :class:`~crm_core.errors.ConflictError` if this worker does not hold it."""

    @abc.abstractmethod
    def requeue(self, dealer_id: DealerId, message_id: MessageId, *, at: datetime) -> OutboxMessage:
        """A person re-queues a ``PARKED`` or ``FAILED`` message (after fixing the number):
        ``QUEUED`` with ``next_attempt_at=at`` and ``attempts`` reset to 0.
        :class:`~crm_core.errors.ConflictError` for a message in any other state."""

    @abc.abstractmethod
    def by_status(
        self, dealer_id: DealerId, *statuses: MessageStatus, limit: int | None = None
    ) -> list[OutboxMessage]:
        """Messages in any of ``statuses`` (e.g. ``PARKED, FAILED`` for the list a person
        must look at), in id order."""

    @abc.abstractmethod
    def by_gateway_id(self, dealer_id: DealerId, gateway_message_id: str) -> OutboxMessage:
        """The message a gateway's delivery report refers to, or
        :class:`~crm_core.errors.NotFoundError`."""

    @abc.abstractmethod
    def of_customer(self, dealer_id: DealerId, customer_id: CustomerId) -> list[OutboxMessage]:
        """Every message to the customer, in id order."""


class ClubMemberRepository(Repository[ClubMember, str]):
    """Owners'-club members, one per customer as a rule.

    ``add`` raises :class:`~crm_core.errors.NotFoundError` when the customer does not
    exist."""

    @abc.abstractmethod
    def of_customer(self, dealer_id: DealerId, customer_id: CustomerId) -> list[ClubMember]:
        """The customer's memberships (normally one), in id order."""


class PointsLedgerRepository(Repository[PointsEntry, str]):
    """Club members' points ledgers: entries are added, and corrected by further entries.

    Entries are never rewritten in normal operation (a correction is an ``ADJUST``
    entry); ``update`` exists for data repair only."""

    @abc.abstractmethod
    def of_member(self, dealer_id: DealerId, member_id: str) -> list[PointsEntry]:
        """The member's entries, oldest first (ties by id)."""


class ReferralRepository(Repository[Referral, str]):
    """Recorded referrals (only these count for the referral KPI)."""

    @abc.abstractmethod
    def involving(self, dealer_id: DealerId, customer_id: CustomerId) -> list[Referral]:
        """Referrals where the customer referred or was referred, in id order."""


class InsurancePolicyRepository(Repository[InsurancePolicy, PolicyId]):
    """Insurance policy terms, one per term: the renewal rate's input and renewal reminders.

    Insurance policy terms, one record per term: the input of the renewal rate
    (续保率, seed 000). ``add`` raises :class:`~crm_core.errors.NotFoundError` when the
    vehicle, or a given customer, does not exist. ``renewal_of`` is not checked: a
    renewal may continue a term the dealer only heard of and never stored."""

    @abc.abstractmethod
    def of_vehicle(self, dealer_id: DealerId, vehicle_id: VehicleId) -> list[InsurancePolicy]:
        """The vehicle's insurance history: every term, in ``(starts_on, id)`` order."""

    @abc.abstractmethod
    def of_customer(self, dealer_id: DealerId, customer_id: CustomerId) -> list[InsurancePolicy]:
        """The terms that name the customer as holder, in ``(starts_on, id)`` order."""

    @abc.abstractmethod
    def ending_between(self, dealer_id: DealerId, days: DateRange) -> list[InsurancePolicy]:
        """Terms whose ``ends_on`` falls in ``days`` (both ends included), in
        ``(ends_on, id)`` order: the renewal work list of the weeks ahead, and the
        denominator of a period's renewal rate. (The planner's insurance-expiry
        reminders read the vehicle's ``insurance_expiry``, which a host keeps at the end
        of the term in force.)"""

    @abc.abstractmethod
    def renewals_of(
        self, dealer_id: DealerId, policy_ids: Iterable[PolicyId]
    ) -> list[InsurancePolicy]:
        """Terms whose ``renewal_of`` is one of ``policy_ids``, in id order. With
        :meth:`ending_between` this is everything the renewal rate of a period reads,
        renewals sold after the period included."""


class SurveyResponseRepository(Repository[SurveyResponse, SurveyId]):
    """Satisfaction survey responses, read by the satisfaction and would-recommend KPIs.

    Satisfaction survey responses (SSI / CSI, the dealer's, the carmaker's or an
    agency's). ``add`` raises :class:`~crm_core.errors.NotFoundError` when a given
    customer does not exist; ``subject_interaction_id`` is not checked (the carmaker's
    survey may name an order the dealer keeps elsewhere)."""

    @abc.abstractmethod
    def of_customer(self, dealer_id: DealerId, customer_id: CustomerId) -> list[SurveyResponse]:
        """The customer's responses, oldest first (ties by id)."""

    @abc.abstractmethod
    def answered_between(
        self, dealer_id: DealerId, start: datetime, end: datetime
    ) -> list[SurveyResponse]:
        """Responses with ``start <= answered_at < end``, oldest first (ties by id): the
        input of a period's satisfaction KPIs and survey summaries."""


class CorrectiveActionRepository(Repository[CorrectiveAction, ActionId]):
    """Corrective and preventive actions (整改 / 预防措施, seed 001) and their deadlines.

    Owners, cases and
    callbacks they name are not checked: an action outlives the staff list."""

    @abc.abstractmethod
    def still_open(self, dealer_id: DealerId) -> list[CorrectiveAction]:
        """Actions whose status is not closed (``OPEN`` or ``IN_PROGRESS``), in
        ``(deadline, id)`` order: the general manager's follow-up list, most urgent
        first."""

    @abc.abstractmethod
    def opened_between(
        self, dealer_id: DealerId, start: datetime, end: datetime
    ) -> list[CorrectiveAction]:
        """Actions with ``start <= opened_at < end``, oldest first (ties by id)."""


class AuditLog(abc.ABC):
    """Append-only audit entries: who did what to which record (a merge, an erasure), when.

    There is no update and no remove: an entry, once written, stays (erasing a customer
    keeps the entries, which hold no personal data)."""

    @abc.abstractmethod
    def append(self, entry: AuditEntry) -> AuditEntry:
        """Store an entry (version 1); :class:`~crm_core.errors.DuplicateError` if its
        id exists."""

    @abc.abstractmethod
    def get(self, dealer_id: DealerId, id: str) -> AuditEntry:
        """The entry, or :class:`~crm_core.errors.NotFoundError`."""

    @abc.abstractmethod
    def for_subject(
        self, dealer_id: DealerId, subject_type: str, subject_id: str
    ) -> list[AuditEntry]:
        """Entries about one record, oldest first (ties by id)."""

    @abc.abstractmethod
    def between(self, dealer_id: DealerId, start: datetime, end: datetime) -> list[AuditEntry]:
        """Entries with ``start <= at < end``, oldest first (ties by id)."""


@attrs.frozen(slots=True)
class DateRange:
    """The days ``first`` to ``last``, both included.

    >>> from datetime import date
    >>> DateRange(date(2026, 12, 28), date(2027, 1, 3)).days
    7
    """

    first: date
    last: date

    def __attrs_post_init__(self) -> None:
        if self.last < self.first:
            raise ValidationError("a date range cannot end before it starts", field="last")

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first <= day <= self.last


@attrs.frozen(slots=True)
class AnchorHit:
    """One anchor event found in a window.

    ``on`` is the day the event falls on inside the window: the stored date for delivery,
    first registration, insurance expiry, sale and warranty end; the local date (in the
    query's timezone) of a repair hand-back or of the last visit; and for a birthday the
    celebration day in the window's year — a 29 February birthday is celebrated on
    28 February in common years.
    """

    kind: AnchorKind
    on: date
    customer_id: CustomerId
    vehicle_id: VehicleId | None = None
    interaction_id: InteractionId | None = None

    __attrs_post_init__ = as_members


@attrs.frozen(slots=True)
class AgendaSubject:
    """One customer the planner must look at: their anchor events in the windows, their cars.

    The vehicles are those the customer currently holds plus any vehicle a hit refers to;
    the hits come in a stable order."""

    customer: Customer
    vehicles: tuple[Vehicle, ...]
    hits: tuple[AnchorHit, ...]


class AnchorQuery(abc.ABC):
    """The planner's read: who can be due, so a day's agenda reads only those subjects."""

    @abc.abstractmethod
    def subjects(
        self,
        dealer_id: DealerId,
        windows: Mapping[AnchorKind, Iterable[DateRange]],
        *,
        tz: tzinfo,
    ) -> list[AgendaSubject]:
        """The subjects whose anchor events fall in ``windows`` (every range inclusive at
        both ends), in customer id order.

        Where each anchor comes from:

        * ``DELIVERY``, ``FIRST_REGISTRATION``, ``INSURANCE_EXPIRY``, ``SALE``
          (``purchase_date``), ``WARRANTY_END``: the vehicle's date field; the subject is
          the vehicle's current owner (an ownership without ``until``). Vehicles nobody
          holds (stock) give no subject.
        * ``REPAIR_HANDED_BACK``: a ``REPAIR_ORDER`` interaction's ``handed_back_at``,
          taken as a local date in ``tz``; the subject is the interaction's customer.
        * ``LAST_VISIT``: a vehicle's latest ``REPAIR_ORDER`` interaction (by
          ``occurred_at``), when that falls in a window; the subject is the vehicle's
          current owner, or the interaction's customer if nobody holds it.
        * ``BIRTHDAY``: the customer's birthday by month and day in any year, so a window
          from 28 December to 3 January finds birthdays on 1 January; 29 February
          birthdays are found on 28 February in common years.
        * ``HOLIDAY`` is not anchored on a subject:
          :class:`~crm_core.errors.ValidationError`.
        """


class UnitOfWork(abc.ABC):
    """All repositories of one store, committed or rolled back together.

    ``with uow:`` opens a transaction; leaving the block normally commits it, leaving it
    by an exception rolls it back (and the exception propagates). :meth:`rollback` inside
    the block discards what was written so far; the block then ends without committing.
    Repositories may only be used inside the block. A unit of work can be entered again
    for the next transaction, but not while it is open (no nesting).

    Records read in one unit of work are plain values; writing them in a later one is
    how optimistic concurrency works (the version tells whether someone wrote between).
    """

    dealers: DealerRepository
    staff: StaffRepository
    customers: CustomerRepository
    vehicles: VehicleRepository
    ownerships: OwnershipRepository
    interactions: InteractionRepository
    cases: CaseRepository
    tasks: TaskRepository
    outbox: OutboxRepository
    club_members: ClubMemberRepository
    points: PointsLedgerRepository
    referrals: ReferralRepository
    insurance_policies: InsurancePolicyRepository
    survey_responses: SurveyResponseRepository
    corrective_actions: CorrectiveActionRepository
    audit: AuditLog
    anchors: AnchorQuery

    @abc.abstractmethod
    def __enter__(self) -> Self:
        """Begin a transaction."""

    @abc.abstractmethod
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Commit if the block ended normally (and was not rolled back), else roll back."""

    @abc.abstractmethod
    def rollback(self) -> None:
        """Discard everything written in the open transaction."""

    def export_customer(self, dealer_id: DealerId, customer_id: CustomerId) -> dict[str, Any]:
        """Everything held on one customer, as JSON-ready data (a PIPL/GDPR access
        request). Implemented on the repositories' own queries, so every adapter has
        it; an adapter may override it with a faster one that returns the same.
        :class:`~crm_core.errors.NotFoundError` if the customer does not exist."""
        return personal_data.export_customer(self, dealer_id, customer_id)

    def erase_customer(self, dealer_id: DealerId, customer_id: CustomerId) -> int:
        """Anonymise one customer on request: personal fields of the customer and of the
        records about them are removed, the records themselves stay (a repair order
        still counts in last month's KPIs, without saying whose it was), open tasks are
        cancelled and queued messages suppressed. Returns how many records were changed.
        The id stays, pseudonymous. :class:`~crm_core.errors.NotFoundError` if the
        customer does not exist."""
        return personal_data.erase_customer(self, dealer_id, customer_id)
