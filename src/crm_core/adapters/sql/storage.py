"""The SQL store: SQLite (the embedded default) and PostgreSQL, on SQLAlchemy Core.

>>> import tempfile, pathlib
>>> from crm_core import Customer, CustomerId, CustomerType, DealerId
>>> path = pathlib.Path(tempfile.mkdtemp()) / "crm.db"
>>> storage = SqlStorage.open(path)          # creates the file and its schema
>>> with storage.unit_of_work() as uow:
...     stored = uow.customers.add(Customer(id=CustomerId("C1"), dealer_id=DealerId("D1"),
...                                         type=CustomerType.INDIVIDUAL, name="韩梅梅"))
>>> with storage.unit_of_work() as uow:
...     uow.customers.get(DealerId("D1"), CustomerId("C1")).name
'韩梅梅'
>>> storage.close()

Every write runs in a savepoint, so a failed call (a duplicate id, a stale version)
changes nothing and the unit of work stays usable — on PostgreSQL too, where an error
would otherwise abort the whole transaction.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta, tzinfo
from itertools import groupby, islice
from types import TracebackType
from typing import Any, ClassVar, Self, TypeVar, cast

import attrs
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL

from crm_core.adapters._common import (
    OPEN_TASK_STATUSES,
    VEHICLE_DATE_ANCHORS,
    OutboxTransitions,
    assemble_subjects,
    birthday_md_ranges,
    birthday_occurrences,
    check_limit,
    check_moments,
    check_windows,
    checked_outcomes,
    due_at,
    last_per_id,
    local_date,
    local_day_bounds,
    month_day,
    new_message,
    replanned,
    same_plan,
    still_held,
    utc_now,
)
from crm_core.adapters.sql import schema
from crm_core.adapters.sql._bulk import copy_columns, insert_columns
from crm_core.adapters.sql._codec import Column, RowCodec
from crm_core.adapters.sql._errors import translated
from crm_core.adapters.sql.engine import create_engine
from crm_core.domain.action import ActionId, ActionStatus, CorrectiveAction
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
)
from crm_core.domain.survey import SurveyId, SurveyResponse
from crm_core.domain.task import FollowUpTask
from crm_core.domain.vehicle import Ownership, Vehicle
from crm_core.errors import ConflictError, NotFoundError, RepositoryError

__all__ = ["SqlStorage", "SqlUnitOfWork"]

R = TypeVar("R", bound=StoredRecord)
K = TypeVar("K", bound=str)
T = TypeVar("T")

CHUNK = 400  # rows per multi-row statement: well under SQLite's and PostgreSQL's limits


def _handed_back_at(i: Interaction) -> datetime | None:
    return i.detail.handed_back_at if isinstance(i.detail, RepairOrder) else None


def _birthday_md(c: Customer) -> int | None:
    return None if c.birthday is None else month_day(c.birthday)


CODECS: dict[str, RowCodec[Any]] = {
    "dealers": RowCodec(Dealer, schema.dealers, renamed={"id": "dealer_id"}),
    "staff": RowCodec(Staff, schema.staff),
    "customers": RowCodec(Customer, schema.customers, derived={"birthday_md": _birthday_md}),
    "vehicles": RowCodec(Vehicle, schema.vehicles),
    "ownerships": RowCodec(Ownership, schema.ownerships),
    "interactions": RowCodec(
        Interaction, schema.interactions, derived={"handed_back_at": _handed_back_at}
    ),
    "cases": RowCodec(Case, schema.cases),
    "tasks": RowCodec(FollowUpTask, schema.tasks),
    "outbox": RowCodec(OutboxMessage, schema.outbox, derived={"due_at": due_at}),
    "club_members": RowCodec(ClubMember, schema.club_members),
    "points": RowCodec(PointsEntry, schema.points),
    "referrals": RowCodec(Referral, schema.referrals),
    "insurance_policies": RowCodec(InsurancePolicy, schema.insurance_policies),
    "survey_responses": RowCodec(SurveyResponse, schema.survey_responses),
    "corrective_actions": RowCodec(CorrectiveAction, schema.corrective_actions),
    "audit": RowCodec(AuditEntry, schema.audit),
}


def _chunks(items: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


class SqlStorage:
    """A SQLite or PostgreSQL database holding crm_core's tables.

    ``clock`` stamps ``updated_at``. Build one with :meth:`open` from a URL or an SQLite
    file path, or pass an engine made by :func:`crm_core.adapters.sql.create_engine`.
    """

    def __init__(self, engine: sa.Engine, *, clock: Clock = utc_now) -> None:
        self.engine = engine
        self.clock = clock

    @classmethod
    def open(
        cls,
        target: str | os.PathLike[str] | URL,
        *,
        clock: Clock = utc_now,
        upgrade: bool = True,
        **engine_options: Any,
    ) -> Self:
        """Connect to ``target`` (a URL, or a path for SQLite) and, unless ``upgrade`` is
        false, bring its schema to the newest revision first (see
        :func:`crm_core.adapters.sql.upgrade`)."""
        engine = create_engine(target, **engine_options)
        if upgrade:
            from crm_core.adapters.sql.migrate import upgrade_engine

            upgrade_engine(engine)
        return cls(engine, clock=clock)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def unit_of_work(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self)

    def close(self) -> None:
        """Close pooled connections (the storage can still be used; it reconnects)."""
        self.engine.dispose()


class SqlUnitOfWork(UnitOfWork):
    """One database transaction over a connection taken from the engine's pool."""

    def __init__(self, storage: SqlStorage) -> None:
        self.storage = storage
        self._conn: sa.Connection | None = None
        self._tx: sa.RootTransaction | None = None
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
        if self._conn is not None:
            raise RepositoryError("this unit of work is already open; units of work do not nest")
        with translated("begin a unit of work"):
            self._conn = self.storage.engine.connect()
            self._tx = self._conn.begin()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        conn, tx = self._conn, self._tx
        self._conn = self._tx = None
        if conn is None:
            return
        try:
            if tx is not None and tx.is_active:
                if exc_type is None:
                    with translated("commit"):
                        tx.commit()
                else:
                    tx.rollback()
        finally:
            conn.close()

    def rollback(self) -> None:
        tx = self._tx
        if tx is None or not tx.is_active:
            raise RepositoryError("use repositories inside 'with unit_of_work:'")
        tx.rollback()

    # -- primitives for the repositories ---------------------------------------------
    @property
    def conn(self) -> sa.Connection:
        if self._conn is None or self._tx is None or not self._tx.is_active:
            raise RepositoryError("use repositories inside 'with unit_of_work:'")
        return self._conn

    @property
    def dialect(self) -> str:
        return self.storage.dialect

    def now(self) -> datetime:
        return self.storage.clock()

    def savepoint(self) -> sa.NestedTransaction:
        return self.conn.begin_nested()

    def insert_ignoring_duplicates(
        self, table: sa.Table, rows: list[dict[str, Any]]
    ) -> set[tuple[str, str]]:
        """Insert rows, skipping ids that exist (also when another transaction inserts
        them at the same moment); returns the ``(dealer_id, id)`` pairs inserted.

        The rows go as parameters of one cached single-row statement, which SQLAlchemy
        sends as multi-row ``INSERT … RETURNING`` pages ("insertmanyvalues"): building
        the statement with the rows in it instead costs a fresh SQL compilation of every
        value of every call, 4 ms a message when queueing the outbox."""
        insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        stmt = (
            insert(table)
            .on_conflict_do_nothing(index_elements=["dealer_id", "id"])
            .returning(table.c.dealer_id, table.c.id)
        )
        with self.savepoint():
            return {(r.dealer_id, r.id) for r in self.conn.execute(stmt, rows)}

    def bulk_insert(self, table: sa.Table, columns: Sequence[str], values: list[Column]) -> None:
        """The driver's own bulk path, ``values`` column by column in the driver's terms
        (see :meth:`RowCodec.to_columns`): COPY on PostgreSQL, ``executemany`` on SQLite."""
        driver = self.conn.connection.driver_connection
        assert driver is not None
        if self.dialect == "postgresql":
            copy_columns(driver, table, columns, values)
        else:
            insert_columns(driver, table, columns, values)


class _Repo(Repository[R, K]):
    table_name: ClassVar[str]
    noun: ClassVar[str]

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow
        self._codec: RowCodec[R] = CODECS[self.table_name]
        self._t = self._codec.table

    def _key(self, dealer_id: str, id: str) -> sa.ColumnElement[bool]:
        return sa.and_(self._t.c.dealer_id == dealer_id, self._t.c.id == id)

    def _rows(self, stmt: sa.Executable) -> list[R]:
        with translated(f"read {self.noun}s"):
            return [self._codec.from_row(r._mapping) for r in self._uow.conn.execute(stmt)]

    def _where(
        self, dealer_id: str, *conditions: sa.ColumnElement[bool], order: Sequence[Any] = ()
    ) -> list[R]:
        stmt = sa.select(self._t).where(self._t.c.dealer_id == dealer_id, *conditions)
        return self._rows(stmt.order_by(*order, self._t.c.id))

    def get(self, dealer_id: DealerId, id: K) -> R:
        found = self._rows(sa.select(self._t).where(self._key(dealer_id, id)))
        if not found:
            raise NotFoundError(f"{self.noun} {id} not found for dealer {dealer_id}")
        return found[0]

    def get_many(self, dealer_id: DealerId, ids: Iterable[K]) -> dict[K, R]:
        found: dict[K, R] = {}
        for chunk in _chunks(sorted(set(ids))):
            for record in self._where(dealer_id, self._t.c.id.in_(chunk)):
                found[cast(K, record.id)] = record
        return found

    def _stamped(self, record: R, version: int) -> R:
        return attrs.evolve(record, version=version, updated_at=self._uow.now())  # type: ignore[misc]

    def add(self, record: R) -> R:
        stored = self._stamped(record, 1)
        row = self._codec.to_row(stored)
        with translated(f"add {self.noun} {record.id}"), self._uow.savepoint():
            self._uow.conn.execute(sa.insert(self._t).values(row))
        return stored

    def add_many(self, records: Iterable[R]) -> int:
        stamp = (1, self._uow.now())
        sqlite = self._uow.dialect == "sqlite"
        count = 0
        with translated(f"add {self.noun}s"), self._uow.savepoint():
            for chunk in _chunks(records, 10_000):
                values = self._codec.to_columns(chunk, stamp=stamp, sqlite=sqlite)
                self._uow.bulk_insert(self._t, self._codec.columns, values)
                count += len(chunk)
        return count

    def update(self, record: R) -> R:
        stored = self._stamped(record, record.version + 1)
        row = self._codec.to_row(stored)
        del row["dealer_id"], row["id"]
        stmt = (
            sa.update(self._t)
            .where(self._key(record.dealer_id, record.id), self._t.c.version == record.version)
            .values(row)
        )
        with translated(f"update {self.noun} {record.id}"), self._uow.savepoint():
            changed = self._uow.conn.execute(stmt).rowcount
        if changed != 1:
            self._missing_or_stale(record.dealer_id, record.id, record.version, "update")
        return stored

    def remove(self, dealer_id: DealerId, id: K, *, version: int) -> None:
        stmt = sa.delete(self._t).where(self._key(dealer_id, id), self._t.c.version == version)
        with (
            translated(f"remove {self.noun} {id}", missing_reference=ConflictError),
            self._uow.savepoint(),
        ):
            changed = self._uow.conn.execute(stmt).rowcount
        if changed != 1:
            self._missing_or_stale(dealer_id, id, version, "removal")

    def _missing_or_stale(self, dealer_id: str, id: str, version: int, what: str) -> None:
        current = self._uow.conn.execute(
            sa.select(self._t.c.version).where(self._key(dealer_id, id))
        ).scalar()
        if current is None:
            raise NotFoundError(f"{self.noun} {id} not found for dealer {dealer_id}")
        raise ConflictError(
            f"{self.noun} {id} is at version {current}, the {what} was based on version {version}"
        )

    def by_dealer(
        self, dealer_id: DealerId, *, after: K | None = None, limit: int | None = None
    ) -> list[R]:
        check_limit(limit)
        conditions = [] if after is None else [self._t.c.id > after]
        stmt = sa.select(self._t).where(self._t.c.dealer_id == dealer_id, *conditions)
        return self._rows(stmt.order_by(self._t.c.id).limit(limit))

    def changed_since(
        self, dealer_id: DealerId, since: datetime, *, limit: int | None = None
    ) -> list[R]:
        check_moments(since=since)
        check_limit(limit)
        stmt = (
            sa.select(self._t)
            .where(self._t.c.dealer_id == dealer_id, self._t.c.updated_at >= since)
            .order_by(self._t.c.updated_at, self._t.c.id)
            .limit(limit)
        )
        return self._rows(stmt)


class _Dealers(DealerRepository):
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow
        self._codec: RowCodec[Dealer] = CODECS["dealers"]
        self._t = schema.dealers

    def _rows(self, stmt: sa.Executable) -> list[Dealer]:
        with translated("read dealers"):
            return [self._codec.from_row(r._mapping) for r in self._uow.conn.execute(stmt)]

    def get(self, dealer_id: DealerId) -> Dealer:
        found = self._rows(sa.select(self._t).where(self._t.c.dealer_id == dealer_id))
        if not found:
            raise NotFoundError(f"dealer {dealer_id} not found")
        return found[0]

    def add(self, dealer: Dealer) -> Dealer:
        stored = attrs.evolve(dealer, version=1, updated_at=self._uow.now())
        with translated(f"add dealer {dealer.id}"), self._uow.savepoint():
            self._uow.conn.execute(sa.insert(self._t).values(self._codec.to_row(stored)))
        return stored

    def update(self, dealer: Dealer) -> Dealer:
        stored = attrs.evolve(dealer, version=dealer.version + 1, updated_at=self._uow.now())
        row = self._codec.to_row(stored)
        del row["dealer_id"]
        stmt = (
            sa.update(self._t)
            .where(self._t.c.dealer_id == dealer.id, self._t.c.version == dealer.version)
            .values(row)
        )
        with translated(f"update dealer {dealer.id}"), self._uow.savepoint():
            changed = self._uow.conn.execute(stmt).rowcount
        if changed != 1:
            current = self.get(dealer.id)
            raise ConflictError(
                f"dealer {dealer.id} is at version {current.version}, "
                f"the update was based on version {dealer.version}"
            )
        return stored

    def all(self) -> list[Dealer]:
        return self._rows(sa.select(self._t).order_by(self._t.c.dealer_id))


class _Staff(_Repo[Staff, StaffId], StaffRepository):
    table_name, noun = "staff", "staff member"


class _Customers(_Repo[Customer, CustomerId], CustomerRepository):
    table_name, noun = "customers", "customer"


class _Vehicles(_Repo[Vehicle, VehicleId], VehicleRepository):
    table_name, noun = "vehicles", "vehicle"

    def by_vin(self, dealer_id: DealerId, vin: str) -> list[Vehicle]:
        return self._where(dealer_id, self._t.c.vin == vin)


class _Ownerships(_Repo[Ownership, OwnershipId], OwnershipRepository):
    table_name, noun = "ownerships", "ownership"

    def of_customer(self, dealer_id: DealerId, customer_id: CustomerId) -> list[Ownership]:
        return self._where(dealer_id, self._t.c.customer_id == customer_id)

    def of_vehicle(self, dealer_id: DealerId, vehicle_id: VehicleId) -> list[Ownership]:
        return self._where(dealer_id, self._t.c.vehicle_id == vehicle_id)


class _Interactions(_Repo[Interaction, InteractionId], InteractionRepository):
    table_name, noun = "interactions", "interaction"

    def of_customer(self, dealer_id: DealerId, customer_id: CustomerId) -> list[Interaction]:
        t = self._t
        return self._where(dealer_id, t.c.customer_id == customer_id, order=[t.c.occurred_at])

    def between(
        self,
        dealer_id: DealerId,
        start: datetime,
        end: datetime,
        *,
        kinds: Iterable[InteractionKind] | None = None,
    ) -> list[Interaction]:
        check_moments(start=start, end=end)
        t = self._t
        conditions = [t.c.occurred_at >= start, t.c.occurred_at < end]
        if kinds is not None:
            conditions.append(t.c.kind.in_(sorted(k.value for k in kinds)))
        return self._where(dealer_id, *conditions, order=[t.c.occurred_at])


class _Cases(_Repo[Case, CaseId], CaseRepository):
    table_name, noun = "cases", "case"

    def of_customer(self, dealer_id: DealerId, customer_id: CustomerId) -> list[Case]:
        t = self._t
        return self._where(dealer_id, t.c.customer_id == customer_id, order=[t.c.opened_at])

    def opened_between(self, dealer_id: DealerId, start: datetime, end: datetime) -> list[Case]:
        check_moments(start=start, end=end)
        t = self._t
        return self._where(
            dealer_id, t.c.opened_at >= start, t.c.opened_at < end, order=[t.c.opened_at]
        )


class _Tasks(_Repo[FollowUpTask, TaskId], TaskRepository):
    table_name, noun = "tasks", "task"

    def upsert(self, tasks: Iterable[FollowUpTask]) -> TaskUpsertResult:
        # sorted, so concurrent upserts of overlapping plans lock rows in the same order
        # and cannot deadlock on PostgreSQL
        plan = sorted(last_per_id(tasks), key=lambda t: (t.dealer_id, t.id))
        inserted: list[TaskId] = []
        updated: list[TaskId] = []
        unchanged: list[TaskId] = []
        now = self._uow.now()
        with self._uow.savepoint():  # all or nothing, like every call
            self._upsert(plan, now, inserted, updated, unchanged)
        return TaskUpsertResult(tuple(inserted), tuple(updated), tuple(unchanged))

    def _upsert(
        self,
        plan: list[FollowUpTask],
        now: datetime,
        inserted: list[TaskId],
        updated: list[TaskId],
        unchanged: list[TaskId],
    ) -> None:
        for dealer_id, group in groupby(plan, key=lambda t: t.dealer_id):
            for chunk in _chunks(group):
                stored = self.get_many(dealer_id, (t.id for t in chunk))
                new = [t for t in chunk if t.id not in stored]
                if new:
                    rows = [self._codec.to_row(t, stamp=(1, now)) for t in new]
                    with translated("store planned tasks"):
                        done = self._uow.insert_ignoring_duplicates(self._t, rows)
                    for t in new:
                        # a task inserted by a concurrent planner between our read and
                        # our insert is that planner's identical plan: unchanged
                        target = inserted if (t.dealer_id, t.id) in done else unchanged
                        target.append(t.id)
                for t in chunk:
                    old = stored.get(t.id)
                    if old is None:
                        continue
                    if old.status in OPEN_TASK_STATUSES and not same_plan(old, t):
                        try:
                            self.update(replanned(old, t))
                        except ConflictError:
                            unchanged.append(t.id)  # re-planned concurrently
                        else:
                            updated.append(t.id)
                    else:
                        unchanged.append(t.id)

    def of_customer(self, dealer_id: DealerId, customer_id: CustomerId) -> list[FollowUpTask]:
        t = self._t
        return self._where(dealer_id, t.c.customer_id == customer_id, order=[t.c.due_from])

    def due_between(
        self, dealer_id: DealerId, start: datetime, end: datetime
    ) -> list[FollowUpTask]:
        check_moments(start=start, end=end)
        t = self._t
        return self._where(
            dealer_id, t.c.due_from < end, t.c.due_until >= start, order=[t.c.due_from]
        )


class _Outbox(_Repo[OutboxMessage, MessageId], OutboxTransitions):
    table_name, noun = "outbox", "message"

    def enqueue(self, messages: Iterable[OutboxMessage]) -> tuple[MessageId, ...]:
        given = list(messages)
        now = self._uow.now()
        done: set[tuple[str, str]] = set()
        fresh = sorted(
            {(m.dealer_id, m.id): m for m in reversed(given)}.values(),
            key=lambda m: (m.dealer_id, m.id),
        )
        with translated("queue messages"), self._uow.savepoint():
            for chunk in _chunks(fresh, 10_000):
                rows = [self._codec.to_row(new_message(m), stamp=(1, now)) for m in chunk]
                done |= self._uow.insert_ignoring_duplicates(self._t, rows)
        queued: list[MessageId] = []
        for m in given:
            if (m.dealer_id, m.id) in done:
                done.discard((m.dealer_id, m.id))
                queued.append(m.id)
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
        t = self._t
        if limit <= 0:
            return []
        due = sa.select(t.c.dealer_id, t.c.id).where(t.c.due_at <= now)
        if dealer_id is not None:
            due = due.where(t.c.dealer_id == dealer_id)
        due = (
            due.order_by(t.c.due_at, t.c.dealer_id, t.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        until = now + lease
        stmt = (
            sa.update(t)
            .where(sa.tuple_(t.c.dealer_id, t.c.id).in_(due))
            .values(
                status=MessageStatus.SENDING.value,
                lease_owner=worker,
                lease_until=until,
                due_at=until,
                attempts=t.c.attempts + 1,
                version=t.c.version + 1,
                updated_at=self._uow.now(),
            )
            .returning(*t.c)
        )
        with translated("claim due messages"), self._uow.savepoint():
            claimed = [self._codec.from_row(r._mapping) for r in self._uow.conn.execute(stmt)]
        return sorted(claimed, key=lambda m: (m.dealer_id, m.id))

    def record_outcomes(
        self, outcomes: Sequence[MessageOutcome], *, worker: str
    ) -> list[OutboxMessage]:
        # One read of the batch's rows — locked, in key order, on PostgreSQL (SQLite's unit
        # of work holds the write lock already) — decides which claims still stand; one
        # executemany of a cached, versioned UPDATE then writes those. The version guard
        # stays in the UPDATE, and the row count must match.
        given = checked_outcomes(outcomes)
        t = self._t
        by_key = {o.key: o for o in given}
        held: set[tuple[str, str]] = set()
        now = self._uow.now()
        with translated("record send outcomes"), self._uow.savepoint():
            for dealer_id, keys in groupby(sorted(by_key), key=lambda k: k[0]):
                # per dealer, so that SQLite searches the primary key (a tuple IN scans)
                for chunk in _chunks(id for _, id in keys):
                    stmt = (
                        sa.select(t.c.id, t.c.status, t.c.lease_owner, t.c.version)
                        .where(t.c.dealer_id == dealer_id, t.c.id.in_(chunk))
                        .order_by(t.c.id)
                        .with_for_update()
                    )
                    for id, status, lease_owner, version in self._uow.conn.execute(stmt):
                        key = (dealer_id, id)
                        if still_held(
                            by_key[key],
                            worker,
                            status=status,
                            lease_owner=lease_owner,
                            version=version,
                        ):
                            held.add(key)
            recorded = [
                attrs.evolve(o.applied_to(o.claimed), version=o.claimed.version + 1, updated_at=now)
                for o in given
                if o.key in held
            ]
            if recorded:
                changed = self._uow.conn.execute(
                    _RECORD_OUTCOME, [_outcome_parameters(m) for m in recorded]
                ).rowcount
                if changed != len(recorded):
                    raise ConflictError(
                        f"{len(recorded) - changed} of {len(recorded)} messages changed while "
                        f"worker {worker!r} recorded them"
                    )
        return recorded

    def by_status(
        self, dealer_id: DealerId, *statuses: MessageStatus, limit: int | None = None
    ) -> list[OutboxMessage]:
        check_limit(limit)
        t = self._t
        stmt = (
            sa.select(t)
            .where(t.c.dealer_id == dealer_id, t.c.status.in_(sorted(s.value for s in statuses)))
            .order_by(t.c.id)
            .limit(limit)
        )
        return self._rows(stmt)

    def by_gateway_id(self, dealer_id: DealerId, gateway_message_id: str) -> OutboxMessage:
        found = self._where(dealer_id, self._t.c.gateway_message_id == gateway_message_id)
        if not found:
            raise NotFoundError(f"no message with gateway id {gateway_message_id!r}")
        return found[0]

    def of_customer(self, dealer_id: DealerId, customer_id: CustomerId) -> list[OutboxMessage]:
        return self._where(dealer_id, self._t.c.customer_id == customer_id)


_RECORD_OUTCOME = (
    sa.update(schema.outbox)
    .where(
        schema.outbox.c.dealer_id == sa.bindparam("k_dealer_id"),
        schema.outbox.c.id == sa.bindparam("k_id"),
        schema.outbox.c.version == sa.bindparam("k_version"),
    )
    .values(
        status=sa.bindparam("v_status"),
        gateway_message_id=sa.bindparam("v_gateway_message_id"),
        last_error=sa.bindparam("v_last_error"),
        next_attempt_at=sa.bindparam("v_next_attempt_at"),
        lease_owner=None,
        lease_until=None,
        due_at=sa.bindparam("v_due_at"),
        version=sa.bindparam("v_version"),
        updated_at=sa.bindparam("v_updated_at"),
    )
)
"""One outcome's write, for ``executemany``: built once, so SQLAlchemy compiles it once."""


def _outcome_parameters(recorded: OutboxMessage) -> dict[str, Any]:
    return {
        "k_dealer_id": recorded.dealer_id,
        "k_id": recorded.id,
        "k_version": recorded.version - 1,
        "v_status": recorded.status.value,
        "v_gateway_message_id": recorded.gateway_message_id,
        "v_last_error": recorded.last_error,
        "v_next_attempt_at": recorded.next_attempt_at,
        "v_due_at": due_at(recorded),
        "v_version": recorded.version,
        "v_updated_at": recorded.updated_at,
    }


class _ClubMembers(_Repo[ClubMember, str], ClubMemberRepository):
    table_name, noun = "club_members", "club member"

    def of_customer(self, dealer_id: DealerId, customer_id: CustomerId) -> list[ClubMember]:
        return self._where(dealer_id, self._t.c.customer_id == customer_id)


class _Points(_Repo[PointsEntry, str], PointsLedgerRepository):
    table_name, noun = "points", "points entry"

    def of_member(self, dealer_id: DealerId, member_id: str) -> list[PointsEntry]:
        t = self._t
        return self._where(dealer_id, t.c.member_id == member_id, order=[t.c.at])


class _Referrals(_Repo[Referral, str], ReferralRepository):
    table_name, noun = "referrals", "referral"

    def involving(self, dealer_id: DealerId, customer_id: CustomerId) -> list[Referral]:
        t = self._t
        return self._where(
            dealer_id, sa.or_(t.c.referrer_id == customer_id, t.c.referred_id == customer_id)
        )


class _InsurancePolicies(_Repo[InsurancePolicy, PolicyId], InsurancePolicyRepository):
    table_name, noun = "insurance_policies", "insurance policy"

    def of_vehicle(self, dealer_id: DealerId, vehicle_id: VehicleId) -> list[InsurancePolicy]:
        t = self._t
        return self._where(dealer_id, t.c.vehicle_id == vehicle_id, order=[t.c.starts_on])

    def of_customer(self, dealer_id: DealerId, customer_id: CustomerId) -> list[InsurancePolicy]:
        t = self._t
        return self._where(dealer_id, t.c.customer_id == customer_id, order=[t.c.starts_on])

    def ending_between(self, dealer_id: DealerId, days: DateRange) -> list[InsurancePolicy]:
        t = self._t
        return self._where(
            dealer_id, t.c.ends_on.between(days.first, days.last), order=[t.c.ends_on]
        )

    def renewals_of(
        self, dealer_id: DealerId, policy_ids: Iterable[PolicyId]
    ) -> list[InsurancePolicy]:
        found = [
            policy
            for chunk in _chunks(sorted(set(policy_ids)))
            for policy in self._where(dealer_id, self._t.c.renewal_of.in_(chunk))
        ]
        return sorted(found, key=lambda p: p.id)


class _SurveyResponses(_Repo[SurveyResponse, SurveyId], SurveyResponseRepository):
    table_name, noun = "survey_responses", "survey response"

    def of_customer(self, dealer_id: DealerId, customer_id: CustomerId) -> list[SurveyResponse]:
        t = self._t
        return self._where(dealer_id, t.c.customer_id == customer_id, order=[t.c.answered_at])

    def answered_between(
        self, dealer_id: DealerId, start: datetime, end: datetime
    ) -> list[SurveyResponse]:
        check_moments(start=start, end=end)
        t = self._t
        return self._where(
            dealer_id, t.c.answered_at >= start, t.c.answered_at < end, order=[t.c.answered_at]
        )


class _CorrectiveActions(_Repo[CorrectiveAction, ActionId], CorrectiveActionRepository):
    table_name, noun = "corrective_actions", "corrective action"

    def still_open(self, dealer_id: DealerId) -> list[CorrectiveAction]:
        t = self._t
        open_statuses = sorted(s.value for s in ActionStatus if not s.is_closed)
        return self._where(dealer_id, t.c.status.in_(open_statuses), order=[t.c.deadline])

    def opened_between(
        self, dealer_id: DealerId, start: datetime, end: datetime
    ) -> list[CorrectiveAction]:
        check_moments(start=start, end=end)
        t = self._t
        return self._where(
            dealer_id, t.c.opened_at >= start, t.c.opened_at < end, order=[t.c.opened_at]
        )


class _AuditEntries(_Repo[AuditEntry, str]):
    table_name, noun = "audit", "audit entry"


class _Audit(AuditLog):
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._entries = _AuditEntries(uow)
        self._t = schema.audit

    def append(self, entry: AuditEntry) -> AuditEntry:
        return self._entries.add(entry)

    def get(self, dealer_id: DealerId, id: str) -> AuditEntry:
        return self._entries.get(dealer_id, id)

    def for_subject(
        self, dealer_id: DealerId, subject_type: str, subject_id: str
    ) -> list[AuditEntry]:
        t = self._t
        return self._entries._where(
            dealer_id,
            t.c.subject_type == subject_type,
            t.c.subject_id == subject_id,
            order=[t.c.at],
        )

    def between(self, dealer_id: DealerId, start: datetime, end: datetime) -> list[AuditEntry]:
        check_moments(start=start, end=end)
        t = self._t
        return self._entries._where(dealer_id, t.c.at >= start, t.c.at < end, order=[t.c.at])


class _Anchors(AnchorQuery):
    """One query per anchor kind, its windows OR-ed: index range scans on ``dealer_id``
    plus the anchor's column (both databases combine the ranges of one index); only the
    subjects found are then loaded, by primary key."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    def _execute(self, stmt: sa.Executable) -> list[tuple[Any, ...]]:
        with translated("read the agenda's subjects"):
            return [tuple(row) for row in self._uow.conn.execute(stmt)]

    def subjects(
        self,
        dealer_id: DealerId,
        windows: Mapping[AnchorKind, Iterable[DateRange]],
        *,
        tz: tzinfo,
    ) -> list[AgendaSubject]:
        checked = check_windows(windows)
        hits: list[AnchorHit] = []
        vehicle_hits: list[tuple[AnchorKind, Any, VehicleId, CustomerId | None, str | None]] = []
        for kind, ranges in checked.items():
            if not ranges:
                continue
            if kind in VEHICLE_DATE_ANCHORS:
                vehicle_hits.extend(self._vehicle_dates(dealer_id, kind, ranges))
            elif kind is AnchorKind.BIRTHDAY:
                hits.extend(self._birthdays(dealer_id, ranges))
            elif kind is AnchorKind.REPAIR_HANDED_BACK:
                hits.extend(self._handed_back(dealer_id, ranges, tz))
            elif kind is AnchorKind.LAST_VISIT:
                vehicle_hits.extend(self._last_visits(dealer_id, ranges, tz))
        holders = self._current_holders(dealer_id, {v for _, _, v, _, _ in vehicle_hits})
        for kind, on, vehicle_id, fallback, interaction_id in vehicle_hits:
            owners = holders.get(vehicle_id) or ([fallback] if fallback is not None else [])
            hits.extend(
                AnchorHit(kind, on, owner, vehicle_id, cast(InteractionId | None, interaction_id))
                for owner in owners
            )
        customer_ids = {h.customer_id for h in hits}
        holdings = self._holdings(dealer_id, customer_ids)
        vehicle_ids = {v for held in holdings.values() for v in held}
        vehicle_ids.update(h.vehicle_id for h in hits if h.vehicle_id is not None)
        customers = self._uow.customers.get_many(dealer_id, customer_ids)
        vehicles = self._uow.vehicles.get_many(dealer_id, vehicle_ids)
        return assemble_subjects(hits, customers, vehicles, holdings)

    def _vehicle_dates(
        self, dealer_id: str, kind: AnchorKind, windows: list[DateRange]
    ) -> Iterator[tuple[AnchorKind, Any, VehicleId, None, None]]:
        v = schema.vehicles
        column = v.c[VEHICLE_DATE_ANCHORS[kind]]
        stmt = sa.select(v.c.id, column).where(
            v.c.dealer_id == dealer_id, sa.or_(*(column.between(w.first, w.last) for w in windows))
        )
        for vehicle_id, day in self._execute(stmt):
            yield kind, day, vehicle_id, None, None

    def _birthdays(self, dealer_id: DealerId, windows: list[DateRange]) -> Iterator[AnchorHit]:
        c = schema.customers
        md = c.c.birthday_md
        ranges = {r for w in windows for r in birthday_md_ranges(w)}
        stmt = sa.select(c.c.id, c.c.birthday).where(
            c.c.dealer_id == dealer_id, sa.or_(*(md.between(lo, hi) for lo, hi in sorted(ranges)))
        )
        for customer_id, birthday in self._execute(stmt):
            for window in windows:
                for day in birthday_occurrences(birthday, window):
                    yield AnchorHit(AnchorKind.BIRTHDAY, day, customer_id)

    def _local_ranges(
        self, column: sa.ColumnElement[Any], windows: list[DateRange], tz: tzinfo
    ) -> sa.ColumnElement[bool]:
        bounds = [local_day_bounds(w, tz) for w in windows]
        return sa.or_(*(sa.and_(column >= start, column < end) for start, end in bounds))

    def _handed_back(
        self, dealer_id: DealerId, windows: list[DateRange], tz: tzinfo
    ) -> Iterator[AnchorHit]:
        i = schema.interactions
        stmt = sa.select(i.c.id, i.c.customer_id, i.c.vehicle_id, i.c.handed_back_at).where(
            i.c.dealer_id == dealer_id,
            self._local_ranges(i.c.handed_back_at, windows, tz),
            i.c.kind == InteractionKind.REPAIR_ORDER.value,
            i.c.customer_id.is_not(None),
        )
        for id, customer_id, vehicle_id, at in self._execute(stmt):
            yield AnchorHit(
                AnchorKind.REPAIR_HANDED_BACK, local_date(at, tz), customer_id, vehicle_id, id
            )

    def _last_visits(
        self, dealer_id: DealerId, windows: list[DateRange], tz: tzinfo
    ) -> Iterator[tuple[AnchorKind, Any, VehicleId, CustomerId | None, str]]:
        i = schema.interactions
        later = i.alias("later")
        repair = InteractionKind.REPAIR_ORDER.value
        stmt = sa.select(i.c.id, i.c.vehicle_id, i.c.customer_id, i.c.occurred_at).where(
            i.c.dealer_id == dealer_id,
            i.c.kind == repair,
            self._local_ranges(i.c.occurred_at, windows, tz),
            i.c.vehicle_id.is_not(None),
            ~sa.exists().where(
                later.c.dealer_id == i.c.dealer_id,
                later.c.vehicle_id == i.c.vehicle_id,
                later.c.kind == repair,
                later.c.occurred_at > i.c.occurred_at,
            ),
        )
        for id, vehicle_id, customer_id, at in self._execute(stmt):
            yield AnchorKind.LAST_VISIT, local_date(at, tz), vehicle_id, customer_id, id

    def _current_holders(
        self, dealer_id: DealerId, vehicle_ids: set[VehicleId]
    ) -> dict[VehicleId, list[CustomerId]]:
        o = schema.ownerships
        return self._current_ownerships(dealer_id, o.c.vehicle_id, o.c.customer_id, vehicle_ids)

    def _holdings(
        self, dealer_id: DealerId, customer_ids: set[CustomerId]
    ) -> dict[CustomerId, list[VehicleId]]:
        o = schema.ownerships
        return self._current_ownerships(dealer_id, o.c.customer_id, o.c.vehicle_id, customer_ids)

    def _current_ownerships(
        self,
        dealer_id: DealerId,
        by: sa.Column[Any],
        other: sa.Column[Any],
        keys: set[Any],
    ) -> dict[Any, list[Any]]:
        """``key → [other side]`` over current ownerships (no ``until``)."""
        o = schema.ownerships
        found: dict[Any, list[Any]] = {}
        for chunk in _chunks(sorted(keys)):
            stmt = sa.select(by, other).where(
                o.c.dealer_id == dealer_id, by.in_(chunk), o.c.until.is_(None)
            )
            for key, value in self._execute(stmt):
                found.setdefault(key, []).append(value)
        return found
