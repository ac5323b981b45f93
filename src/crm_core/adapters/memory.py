"""The in-memory store: complete, transactional, and the fake a host's tests use.

It honours the whole storage contract (the same suites run against it as against SQLite
and PostgreSQL): versions and conflicts, duplicate ids, references between records,
rollback, idempotent task upserts and outbox leases. A unit of work holds the store's
lock from ``with`` to the end of the block, so transactions are serializable; a failed
call is undone on its own and the unit of work stays usable.

>>> from crm_core import Customer, CustomerId, CustomerType, DealerId
>>> storage = MemoryStorage()
>>> with storage.unit_of_work() as uow:
...     stored = uow.customers.add(Customer(id=CustomerId("C1"), dealer_id=DealerId("D1"),
...                                         type=CustomerType.INDIVIDUAL, name="李雷"))
>>> stored.version
1
>>> with storage.unit_of_work() as uow:
...     uow.customers.get(DealerId("D1"), CustomerId("C1")).name
'李雷'
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta, tzinfo
from types import TracebackType
from typing import Any, ClassVar, Self, TypeVar, cast

import attrs

from crm_core.adapters._common import (
    OPEN_TASK_STATUSES,
    VEHICLE_DATE_ANCHORS,
    OutboxTransitions,
    assemble_subjects,
    birthday_occurrences,
    check_limit,
    check_moments,
    check_windows,
    checked_outcomes,
    due_at,
    last_per_id,
    local_date,
    new_message,
    replanned,
    same_plan,
    still_held,
    utc_now,
)
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
from crm_core.domain.interaction import Interaction, InteractionKind, RepairOrder
from crm_core.domain.membership import ClubMember, PointsEntry, Referral
from crm_core.domain.message import MessageOutcome, MessageStatus, OutboxMessage
from crm_core.domain.ports.storage import (
    AgendaSubject,
    AnchorHit,
    AnchorQuery,
    AuditLog,
    CaseRepository,
    Clock,
    ClubMemberRepository,
    CorrectiveActionRepository,
    CustomerRepository,
    DateRange,
    DealerRepository,
    InsurancePolicyRepository,
    InteractionRepository,
    OwnershipRepository,
    PointsLedgerRepository,
    ReferralRepository,
    Repository,
    StaffRepository,
    StoredRecord,
    SurveyResponseRepository,
    TaskRepository,
    TaskUpsertResult,
    UnitOfWork,
    VehicleRepository,
    check_storable,
)
from crm_core.domain.survey import SurveyId, SurveyResponse
from crm_core.domain.task import FollowUpTask
from crm_core.domain.vehicle import Ownership, Vehicle
from crm_core.errors import (
    ConflictError,
    DuplicateError,
    NotFoundError,
    RepositoryError,
)

__all__ = ["MemoryStorage", "MemoryUnitOfWork"]

R = TypeVar("R", bound=StoredRecord)
K = TypeVar("K", bound=str)

_MISSING: Any = object()

# (child table, field) → parent table: the same references the SQL schema enforces with
# foreign keys, so the fake refuses what a real database refuses
_REFERENCES: dict[str, tuple[tuple[str, str], ...]] = {
    "ownerships": (("customer_id", "customers"), ("vehicle_id", "vehicles")),
    "interactions": (("customer_id", "customers"), ("vehicle_id", "vehicles")),
    "cases": (("customer_id", "customers"), ("vehicle_id", "vehicles")),
    "tasks": (("customer_id", "customers"), ("vehicle_id", "vehicles")),
    "outbox": (("customer_id", "customers"),),
    "club_members": (("customer_id", "customers"),),
    "points": (("member_id", "club_members"),),
    "referrals": (("referrer_id", "customers"), ("referred_id", "customers")),
    "insurance_policies": (("customer_id", "customers"), ("vehicle_id", "vehicles")),
    "survey_responses": (("customer_id", "customers"),),
}

_Table = dict[str, dict[str, Any]]  # dealer id → record id → record


class MemoryStorage:
    """Storage in memory: every record in dicts guarded by one lock (tests, demos, small jobs).

    ``clock`` stamps ``updated_at``; pass a fixed one to make tests exact.
    """

    def __init__(self, *, clock: Clock = utc_now) -> None:
        self.clock = clock
        self._lock = threading.RLock()
        self._tables: dict[str, _Table] = {}

    def unit_of_work(self) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(self)


class MemoryUnitOfWork(UnitOfWork):
    """One transaction on a :class:`MemoryStorage`; undone from a log on rollback."""

    def __init__(self, storage: MemoryStorage) -> None:
        self._storage = storage
        self._undo: list[tuple[str, str, str, Any]] = []
        self._open = False
        self._entered = False
        self.dealers = _Dealers(self)
        self.staff = _Staff(self)
        self.customers = _Customers(self)
        self.vehicles = _Vehicles(self)
        self.ownerships = _Ownerships(self)
        self.interactions = _Interactions(self)
        self.cases = _Cases(self)
        self.tasks = _Tasks(self)
        self.outbox = _Outbox(self)
        self.club_members = _ClubMembers(self)
        self.points = _Points(self)
        self.referrals = _Referrals(self)
        self.insurance_policies = _InsurancePolicies(self)
        self.survey_responses = _SurveyResponses(self)
        self.corrective_actions = _CorrectiveActions(self)
        self.audit = _Audit(self)
        self.anchors = _Anchors(self)

    def __enter__(self) -> Self:
        if self._entered:
            raise RepositoryError("this unit of work is already open; units of work do not nest")
        self._storage._lock.acquire()
        self._entered = True
        self._open = True
        self._undo = []
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc_type is not None and self._open:
                self._undo_to(0)
        finally:
            self._open = False
            self._entered = False
            self._undo = []
            self._storage._lock.release()

    def rollback(self) -> None:
        self._check_open()
        self._undo_to(0)
        self._open = False

    # -- storage primitives used by the repositories --------------------------------
    def now(self) -> datetime:
        return self._storage.clock()

    def table(self, name: str) -> _Table:
        self._check_open()
        return self._storage._tables.setdefault(name, {})

    def rows(self, name: str, dealer_id: str) -> dict[str, Any]:
        return self.table(name).get(dealer_id, {})

    def put(self, name: str, dealer_id: str, id: str, record: Any) -> None:
        rows = self.table(name).setdefault(dealer_id, {})
        self._undo.append((name, dealer_id, id, rows.get(id, _MISSING)))
        rows[id] = record

    def delete(self, name: str, dealer_id: str, id: str) -> None:
        rows = self.table(name)[dealer_id]
        self._undo.append((name, dealer_id, id, rows.pop(id)))

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """A failed call leaves no trace (the SQL adapters use a savepoint)."""
        mark = len(self._undo)
        try:
            yield
        except BaseException:
            self._undo_to(mark)
            raise

    def _undo_to(self, mark: int) -> None:
        while len(self._undo) > mark:
            name, dealer_id, id, previous = self._undo.pop()
            rows = self._storage._tables[name].setdefault(dealer_id, {})
            if previous is _MISSING:
                rows.pop(id, None)
            else:
                rows[id] = previous

    def _check_open(self) -> None:
        if not self._open:
            raise RepositoryError("use repositories inside 'with unit_of_work:'")


class _Repo(Repository[R, K]):
    table: ClassVar[str]
    noun: ClassVar[str]  # for messages: "customer C1 not found"

    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    def _rows(self, dealer_id: str) -> dict[str, R]:
        return self._uow.rows(self.table, dealer_id)

    def get(self, dealer_id: DealerId, id: K) -> R:
        record = self._rows(dealer_id).get(id)
        if record is None:
            raise NotFoundError(f"{self.noun} {id} not found for dealer {dealer_id}")
        return record

    def get_many(self, dealer_id: DealerId, ids: Iterable[K]) -> dict[K, R]:
        rows = self._rows(dealer_id)
        return {id: rows[id] for id in ids if id in rows}

    def add(self, record: R) -> R:
        with self._uow.atomic():
            return self._insert(record)

    def add_many(self, records: Iterable[R]) -> int:
        with self._uow.atomic():
            return sum(1 for record in records if self._insert(record))

    def _insert(self, record: R) -> R:
        if record.id in self._rows(record.dealer_id):
            raise DuplicateError(
                f"{self.noun} {record.id} already exists for dealer {record.dealer_id}"
            )
        check_storable(record)
        self._check_references(record)
        stored = attrs.evolve(record, version=1, updated_at=self._uow.now())  # type: ignore[misc]
        self._uow.put(self.table, record.dealer_id, record.id, stored)
        return stored

    def update(self, record: R) -> R:
        with self._uow.atomic():
            current = self.get(record.dealer_id, cast(K, record.id))
            if current.version != record.version:
                raise ConflictError(
                    f"{self.noun} {record.id} is at version {current.version}, "
                    f"the update was based on version {record.version}"
                )
            check_storable(record)
            self._check_references(record)
            stored: R = attrs.evolve(  # type: ignore[misc]
                record, version=record.version + 1, updated_at=self._uow.now()
            )
            self._uow.put(self.table, record.dealer_id, record.id, stored)
            return stored

    def remove(self, dealer_id: DealerId, id: K, *, version: int) -> None:
        with self._uow.atomic():
            current = self.get(dealer_id, id)
            if current.version != version:
                raise ConflictError(
                    f"{self.noun} {id} is at version {current.version}, "
                    f"the removal was based on version {version}"
                )
            for child, field in self._referrers():
                if any(getattr(r, field) == id for r in self._uow.rows(child, dealer_id).values()):
                    raise ConflictError(f"{self.noun} {id} is still referred to by {child}")
            self._uow.delete(self.table, dealer_id, id)

    def by_dealer(
        self, dealer_id: DealerId, *, after: K | None = None, limit: int | None = None
    ) -> list[R]:
        check_limit(limit)
        rows = self._rows(dealer_id)
        ids = sorted(i for i in rows if after is None or i > after)
        return [rows[i] for i in ids[:limit]]

    def changed_since(
        self, dealer_id: DealerId, since: datetime, *, limit: int | None = None
    ) -> list[R]:
        check_moments(since=since)
        check_limit(limit)
        changed = [
            r for r in self._rows(dealer_id).values() if r.updated_at and r.updated_at >= since
        ]
        changed.sort(key=lambda r: (r.updated_at, r.id))
        return changed[:limit]

    def _select(
        self, dealer_id: str, where: Callable[[R], bool], order: Callable[[R], Any] | None = None
    ) -> list[R]:
        found = [r for r in self._rows(dealer_id).values() if where(r)]
        found.sort(key=order or (lambda r: r.id))
        return found

    def _check_references(self, record: R) -> None:
        for field, parent in _REFERENCES.get(self.table, ()):
            value = getattr(record, field)
            if value is not None and value not in self._uow.rows(parent, record.dealer_id):
                raise NotFoundError(
                    f"{self.noun} {record.id} refers to {parent} {value}, "
                    f"which does not exist for dealer {record.dealer_id}"
                )

    def _referrers(self) -> list[tuple[str, str]]:
        return [
            (child, field)
            for child, refs in _REFERENCES.items()
            for field, parent in refs
            if parent == self.table
        ]


class _Dealers(DealerRepository):
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    def _rows(self) -> dict[str, Dealer]:
        return self._uow.rows("dealers", "")

    def get(self, dealer_id: DealerId) -> Dealer:
        dealer = self._rows().get(dealer_id)
        if dealer is None:
            raise NotFoundError(f"dealer {dealer_id} not found")
        return dealer

    def add(self, dealer: Dealer) -> Dealer:
        if dealer.id in self._rows():
            raise DuplicateError(f"dealer {dealer.id} already exists")
        check_storable(dealer)
        stored = attrs.evolve(dealer, version=1, updated_at=self._uow.now())
        self._uow.put("dealers", "", dealer.id, stored)
        return stored

    def update(self, dealer: Dealer) -> Dealer:
        current = self.get(dealer.id)
        if current.version != dealer.version:
            raise ConflictError(
                f"dealer {dealer.id} is at version {current.version}, "
                f"the update was based on version {dealer.version}"
            )
        check_storable(dealer)
        stored = attrs.evolve(dealer, version=dealer.version + 1, updated_at=self._uow.now())
        self._uow.put("dealers", "", dealer.id, stored)
        return stored

    def all(self) -> list[Dealer]:
        rows = self._rows()
        return [rows[k] for k in sorted(rows)]


class _Staff(_Repo[Staff, StaffId], StaffRepository):
    table, noun = "staff", "staff member"


class _Customers(_Repo[Customer, CustomerId], CustomerRepository):
    table, noun = "customers", "customer"


class _Vehicles(_Repo[Vehicle, VehicleId], VehicleRepository):
    table, noun = "vehicles", "vehicle"

    def by_vin(self, dealer_id: DealerId, vin: str) -> list[Vehicle]:
        return self._select(dealer_id, lambda v: v.vin == vin)


class _Ownerships(_Repo[Ownership, OwnershipId], OwnershipRepository):
    table, noun = "ownerships", "ownership"

    def of_customer(self, dealer_id: DealerId, customer_id: CustomerId) -> list[Ownership]:
        return self._select(dealer_id, lambda o: o.customer_id == customer_id)

    def of_vehicle(self, dealer_id: DealerId, vehicle_id: VehicleId) -> list[Ownership]:
        return self._select(dealer_id, lambda o: o.vehicle_id == vehicle_id)


def _by(attribute: str) -> Callable[[Any], tuple[Any, str]]:
    """Order by a date or time field, then by id, as the SQL adapter's ORDER BY does."""
    return lambda r: (getattr(r, attribute), r.id)


class _Interactions(_Repo[Interaction, InteractionId], InteractionRepository):
    table, noun = "interactions", "interaction"

    def of_customer(self, dealer_id: DealerId, customer_id: CustomerId) -> list[Interaction]:
        return self._select(dealer_id, lambda i: i.customer_id == customer_id, _by("occurred_at"))

    def between(
        self,
        dealer_id: DealerId,
        start: datetime,
        end: datetime,
        *,
        kinds: Iterable[InteractionKind] | None = None,
    ) -> list[Interaction]:
        check_moments(start=start, end=end)
        wanted = None if kinds is None else frozenset(kinds)
        return self._select(
            dealer_id,
            lambda i: start <= i.occurred_at < end and (wanted is None or i.kind in wanted),
            _by("occurred_at"),
        )


class _Cases(_Repo[Case, CaseId], CaseRepository):
    table, noun = "cases", "case"

    def of_customer(self, dealer_id: DealerId, customer_id: CustomerId) -> list[Case]:
        return self._select(dealer_id, lambda c: c.customer_id == customer_id, _by("opened_at"))

    def opened_between(self, dealer_id: DealerId, start: datetime, end: datetime) -> list[Case]:
        check_moments(start=start, end=end)
        return self._select(dealer_id, lambda c: start <= c.opened_at < end, _by("opened_at"))


class _Tasks(_Repo[FollowUpTask, TaskId], TaskRepository):
    table, noun = "tasks", "task"

    def upsert(self, tasks: Iterable[FollowUpTask]) -> TaskUpsertResult:
        inserted: list[TaskId] = []
        updated: list[TaskId] = []
        unchanged: list[TaskId] = []
        with self._uow.atomic():
            for task in last_per_id(tasks):
                stored = self._rows(task.dealer_id).get(task.id)
                if stored is None:
                    self._insert(task)
                    inserted.append(task.id)
                elif stored.status in OPEN_TASK_STATUSES and not same_plan(stored, task):
                    self.update(replanned(stored, task))
                    updated.append(task.id)
                else:
                    unchanged.append(task.id)
        return TaskUpsertResult(tuple(inserted), tuple(updated), tuple(unchanged))

    def of_customer(self, dealer_id: DealerId, customer_id: CustomerId) -> list[FollowUpTask]:
        return self._select(dealer_id, lambda t: t.customer_id == customer_id, _by("due_from"))

    def due_between(
        self, dealer_id: DealerId, start: datetime, end: datetime
    ) -> list[FollowUpTask]:
        check_moments(start=start, end=end)
        return self._select(
            dealer_id, lambda t: t.due_from < end and t.due_until >= start, _by("due_from")
        )


class _Outbox(_Repo[OutboxMessage, MessageId], OutboxTransitions):
    table, noun = "outbox", "message"

    def enqueue(self, messages: Iterable[OutboxMessage]) -> tuple[MessageId, ...]:
        queued: list[MessageId] = []
        with self._uow.atomic():
            for message in messages:
                if message.id not in self._rows(message.dealer_id):
                    self._insert(new_message(message))
                    queued.append(message.id)
        return tuple(queued)

    def claim_due(
        self,
        *,
        now: datetime,
        worker: str,
        lease: timedelta,
        limit: int,
        dealer_id: DealerId | None = None,
    ) -> list[OutboxMessage]:
        check_moments(now=now)
        tables = self._uow.table(self.table)
        dealers = [dealer_id] if dealer_id is not None else list(tables)
        due: list[tuple[datetime, str, str, OutboxMessage]] = []
        for dealer in dealers:
            for message in tables.get(dealer, {}).values():
                when = due_at(message)
                if when is not None and when <= now:
                    due.append((when, message.dealer_id, message.id, message))
        due.sort(key=lambda item: item[:3])
        claimed = []
        for *_, message in sorted(due[: max(limit, 0)], key=lambda item: item[1:3]):
            claimed.append(
                self.update(
                    attrs.evolve(
                        message,
                        status=MessageStatus.SENDING,
                        lease_owner=worker,
                        lease_until=now + lease,
                        attempts=message.attempts + 1,
                    )
                )
            )
        return claimed

    def record_outcomes(
        self, outcomes: Sequence[MessageOutcome], *, worker: str
    ) -> list[OutboxMessage]:
        given = checked_outcomes(outcomes)
        recorded = []
        with self._uow.atomic():
            for outcome in given:
                stored = self._rows(outcome.claimed.dealer_id).get(outcome.claimed.id)
                if stored is not None and still_held(
                    outcome,
                    worker,
                    status=stored.status,
                    lease_owner=stored.lease_owner,
                    version=stored.version,
                ):
                    recorded.append(self.update(outcome.applied_to(stored)))
        return recorded

    def by_status(
        self, dealer_id: DealerId, *statuses: MessageStatus, limit: int | None = None
    ) -> list[OutboxMessage]:
        check_limit(limit)
        wanted = frozenset(statuses)
        return self._select(dealer_id, lambda m: m.status in wanted)[:limit]

    def by_gateway_id(self, dealer_id: DealerId, gateway_message_id: str) -> OutboxMessage:
        found = self._select(dealer_id, lambda m: m.gateway_message_id == gateway_message_id)
        if not found:
            raise NotFoundError(f"no message with gateway id {gateway_message_id!r}")
        return found[0]

    def of_customer(self, dealer_id: DealerId, customer_id: CustomerId) -> list[OutboxMessage]:
        return self._select(dealer_id, lambda m: m.customer_id == customer_id)


class _ClubMembers(_Repo[ClubMember, str], ClubMemberRepository):
    table, noun = "club_members", "club member"

    def of_customer(self, dealer_id: DealerId, customer_id: CustomerId) -> list[ClubMember]:
        return self._select(dealer_id, lambda m: m.customer_id == customer_id)


class _Points(_Repo[PointsEntry, str], PointsLedgerRepository):
    table, noun = "points", "points entry"

    def of_member(self, dealer_id: DealerId, member_id: str) -> list[PointsEntry]:
        return self._select(dealer_id, lambda e: e.member_id == member_id, _by("at"))


class _Referrals(_Repo[Referral, str], ReferralRepository):
    table, noun = "referrals", "referral"

    def involving(self, dealer_id: DealerId, customer_id: CustomerId) -> list[Referral]:
        return self._select(dealer_id, lambda r: customer_id in (r.referrer_id, r.referred_id))


class _InsurancePolicies(_Repo[InsurancePolicy, PolicyId], InsurancePolicyRepository):
    table, noun = "insurance_policies", "insurance policy"

    def of_vehicle(self, dealer_id: DealerId, vehicle_id: VehicleId) -> list[InsurancePolicy]:
        return self._select(dealer_id, lambda p: p.vehicle_id == vehicle_id, _by("starts_on"))

    def of_customer(self, dealer_id: DealerId, customer_id: CustomerId) -> list[InsurancePolicy]:
        return self._select(dealer_id, lambda p: p.customer_id == customer_id, _by("starts_on"))

    def ending_between(self, dealer_id: DealerId, days: DateRange) -> list[InsurancePolicy]:
        return self._select(dealer_id, lambda p: p.ends_on in days, _by("ends_on"))

    def renewals_of(
        self, dealer_id: DealerId, policy_ids: Iterable[PolicyId]
    ) -> list[InsurancePolicy]:
        wanted = frozenset(policy_ids)
        return self._select(dealer_id, lambda p: p.renewal_of in wanted)


class _SurveyResponses(_Repo[SurveyResponse, SurveyId], SurveyResponseRepository):
    table, noun = "survey_responses", "survey response"

    def of_customer(self, dealer_id: DealerId, customer_id: CustomerId) -> list[SurveyResponse]:
        return self._select(dealer_id, lambda s: s.customer_id == customer_id, _by("answered_at"))

    def answered_between(
        self, dealer_id: DealerId, start: datetime, end: datetime
    ) -> list[SurveyResponse]:
        check_moments(start=start, end=end)
        return self._select(dealer_id, lambda s: start <= s.answered_at < end, _by("answered_at"))


class _CorrectiveActions(_Repo[CorrectiveAction, ActionId], CorrectiveActionRepository):
    table, noun = "corrective_actions", "corrective action"

    def still_open(self, dealer_id: DealerId) -> list[CorrectiveAction]:
        return self._select(dealer_id, lambda a: not a.status.is_closed, _by("deadline"))

    def opened_between(
        self, dealer_id: DealerId, start: datetime, end: datetime
    ) -> list[CorrectiveAction]:
        check_moments(start=start, end=end)
        return self._select(dealer_id, lambda a: start <= a.opened_at < end, _by("opened_at"))


class _Audit(AuditLog):
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._entries = _AuditEntries(uow)

    def append(self, entry: AuditEntry) -> AuditEntry:
        return self._entries.add(entry)

    def get(self, dealer_id: DealerId, id: str) -> AuditEntry:
        return self._entries.get(dealer_id, id)

    def for_subject(
        self, dealer_id: DealerId, subject_type: str, subject_id: str
    ) -> list[AuditEntry]:
        return self._entries._select(
            dealer_id,
            lambda e: e.subject_type == subject_type and e.subject_id == subject_id,
            _by("at"),
        )

    def between(self, dealer_id: DealerId, start: datetime, end: datetime) -> list[AuditEntry]:
        check_moments(start=start, end=end)
        return self._entries._select(dealer_id, lambda e: start <= e.at < end, _by("at"))


class _AuditEntries(_Repo[AuditEntry, str]):
    table, noun = "audit", "audit entry"


class _Anchors(AnchorQuery):
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    def subjects(
        self,
        dealer_id: DealerId,
        windows: Mapping[AnchorKind, Iterable[DateRange]],
        *,
        tz: tzinfo,
    ) -> list[AgendaSubject]:
        checked = check_windows(windows)
        uow = self._uow
        customers = cast(dict[CustomerId, Customer], uow.rows("customers", dealer_id))
        vehicles = cast(dict[VehicleId, Vehicle], uow.rows("vehicles", dealer_id))
        holders: dict[VehicleId, list[CustomerId]] = {}
        holdings: dict[CustomerId, list[VehicleId]] = {}
        for o in uow.rows("ownerships", dealer_id).values():
            if o.until is None:
                holders.setdefault(o.vehicle_id, []).append(o.customer_id)
                holdings.setdefault(o.customer_id, []).append(o.vehicle_id)
        hits: list[AnchorHit] = []
        for kind, ranges in checked.items():
            if kind in VEHICLE_DATE_ANCHORS:
                field = VEHICLE_DATE_ANCHORS[kind]
                for v in vehicles.values():
                    day = getattr(v, field)
                    if day is not None and any(day in r for r in ranges):
                        hits.extend(AnchorHit(kind, day, c, v.id) for c in holders.get(v.id, ()))
            elif kind is AnchorKind.BIRTHDAY:
                for c in customers.values():
                    if c.birthday is not None:
                        hits.extend(
                            AnchorHit(kind, day, c.id)
                            for r in ranges
                            for day in birthday_occurrences(c.birthday, r)
                        )
            elif kind is AnchorKind.REPAIR_HANDED_BACK:
                hits.extend(self._handed_back(dealer_id, ranges, tz))
            elif kind is AnchorKind.LAST_VISIT:
                hits.extend(self._last_visits(dealer_id, ranges, tz, holders))
        return assemble_subjects(hits, customers, vehicles, holdings)

    def _repair_orders(self, dealer_id: DealerId) -> Iterator[Interaction]:
        for i in self._uow.rows("interactions", dealer_id).values():
            if i.kind is InteractionKind.REPAIR_ORDER:
                yield i

    def _handed_back(
        self, dealer_id: DealerId, ranges: list[DateRange], tz: tzinfo
    ) -> Iterator[AnchorHit]:
        for i in self._repair_orders(dealer_id):
            detail = i.detail
            if (
                i.customer_id is not None
                and isinstance(detail, RepairOrder)
                and detail.handed_back_at is not None
            ):
                day = local_date(detail.handed_back_at, tz)
                if any(day in r for r in ranges):
                    yield AnchorHit(
                        AnchorKind.REPAIR_HANDED_BACK, day, i.customer_id, i.vehicle_id, i.id
                    )

    def _last_visits(
        self,
        dealer_id: DealerId,
        ranges: list[DateRange],
        tz: tzinfo,
        holders: Mapping[VehicleId, list[CustomerId]],
    ) -> Iterator[AnchorHit]:
        latest: dict[VehicleId, list[Interaction]] = {}
        for i in self._repair_orders(dealer_id):
            if i.vehicle_id is None:
                continue
            known = latest.get(i.vehicle_id)
            if not known or i.occurred_at > known[0].occurred_at:
                latest[i.vehicle_id] = [i]
            elif i.occurred_at == known[0].occurred_at:
                known.append(i)
        for vehicle_id, visits in latest.items():
            for visit in visits:
                day = local_date(visit.occurred_at, tz)
                if not any(day in r for r in ranges):
                    continue
                owners = holders.get(vehicle_id) or (
                    [visit.customer_id] if visit.customer_id is not None else []
                )
                for owner in owners:
                    yield AnchorHit(AnchorKind.LAST_VISIT, day, owner, vehicle_id, visit.id)
