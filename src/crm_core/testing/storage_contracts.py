"""Contract suites for storage adapters: the executable form of the ports' docstrings.

A host that writes its own adapter subclasses the suites in its test tree and implements
one factory method; its adapter is then held to exactly the tests ours pass::

    from crm_core.testing.storage_contracts import StorageContract

    class TestMyStorage(StorageContract):
        def make_unit_of_work(self, clock):
            return MyStorage(dsn, clock=clock, fresh=True).unit_of_work()

The base classes carry ``__test__ = False`` so pytest does not collect them where they
are imported; a subclass that implements :meth:`make_unit_of_work` is collected again
(``__init_subclass__`` sets ``__test__`` back), one that does not stays abstract.
Each suite is a separate class, so a host can start with :class:`RepositoryContract`
and add the others as its adapter grows; :class:`StorageContract` is all of them.
"""

from __future__ import annotations

import abc
import json
import unicodedata
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm_core.domain.action import ActionStatus
from crm_core.domain.anchor import AnchorKind
from crm_core.domain.dealer import Dealer
from crm_core.domain.ids import CustomerId, DealerId, InteractionId, MessageId, TaskId, VehicleId
from crm_core.domain.insurance import PolicyId
from crm_core.domain.interaction import (
    Callback,
    CallbackOutcome,
    InteractionKind,
    Recommendation,
    RepairOrder,
    SurveyAnswer,
)
from crm_core.domain.membership import PointsEntry
from crm_core.domain.message import MessageOutcome, MessageStatus, OutboxMessage
from crm_core.domain.personal_data import ERASED, EXPORT_FORMAT
from crm_core.domain.ports.storage import (
    AgendaSubject,
    AnchorHit,
    Clock,
    DateRange,
    Repository,
    UnitOfWork,
)
from crm_core.domain.serialization import make_converter
from crm_core.domain.task import FollowUpTask, TaskStatus
from crm_core.errors import (
    ConflictError,
    DuplicateError,
    NotFoundError,
    RepositoryError,
    ValidationError,
)
from crm_core.testing import strategies
from crm_core.testing.records import (
    D1,
    D2,
    T0,
    TickingClock,
    audit_entry,
    case,
    club_member,
    corrective_action,
    customer,
    dealer,
    insurance_policy,
    interaction,
    message,
    ownership,
    points_entry,
    referral,
    repair_order,
    staff_member,
    survey_response,
    task,
    vehicle,
)

__all__ = [
    "AnchorQueryContract",
    "AuditLogContract",
    "DealerRepositoryContract",
    "OutboxRepositoryContract",
    "PersonalDataContract",
    "QueryContract",
    "RepositoryContract",
    "ScoringRecordsContract",
    "StorageContract",
    "TaskRepositoryContract",
    "TextContract",
    "UnitOfWorkContract",
]

SHANGHAI = ZoneInfo("Asia/Shanghai")
_CONVERTER = make_converter()


class StorageContractBase(abc.ABC):
    """The one thing a host provides: a unit of work on a new, empty store."""

    __test__: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "__test__" not in cls.__dict__:
            cls.__test__ = not getattr(cls.make_unit_of_work, "__isabstractmethod__", False)

    @abc.abstractmethod
    def make_unit_of_work(self, clock: Clock) -> UnitOfWork:
        """A unit of work on a new, empty store whose adapter stamps ``updated_at`` with
        ``clock``. Called once per test (and once per hypothesis test)."""

    def fresh(self) -> tuple[UnitOfWork, TickingClock]:
        clock = TickingClock()
        return self.make_unit_of_work(clock), clock

    def _hypothesis_store(self) -> tuple[UnitOfWork, TickingClock]:
        # one store per test, each example in a unit of work that is rolled back
        cached: tuple[UnitOfWork, TickingClock] | None = getattr(self, "_hypothesis_uow", None)
        if cached is None:
            cached = self.fresh()
            self._hypothesis_uow = cached
        return cached


# -- record kinds: how the generic tests build, change and reach each record type ----


def _add_customers(uow: UnitOfWork, dealer_id: DealerId, *ids: str) -> None:
    for id in ids:
        if id not in uow.customers.get_many(dealer_id, [CustomerId(id)]):
            uow.customers.add(customer(id, dealer_id))


def _add_vehicles(uow: UnitOfWork, dealer_id: DealerId, *ids: str) -> None:
    for id in ids:
        if id not in uow.vehicles.get_many(dealer_id, [VehicleId(id)]):
            uow.vehicles.add(vehicle(id, dealer_id))


def _add_members(uow: UnitOfWork, dealer_id: DealerId, *ids: str) -> None:
    for id in ids:
        if id not in uow.club_members.get_many(dealer_id, [id]):
            _add_customers(uow, dealer_id, f"{id}-owner")
            uow.club_members.add(club_member(id, f"{id}-owner", dealer_id))


def add_parents(uow: UnitOfWork, record: Any) -> None:
    """Store the customers, vehicles and club members ``record`` refers to, so that any
    record (a generated one included) can be added."""
    d = record.dealer_id
    for field in ("customer_id", "referrer_id", "referred_id"):
        value = getattr(record, field, None)
        if value is not None:
            _add_customers(uow, d, value)
    if getattr(record, "vehicle_id", None) is not None:
        _add_vehicles(uow, d, record.vehicle_id)
    if isinstance(record, PointsEntry):
        _add_members(uow, d, record.member_id)


@attrs.frozen
class RecordKind:
    """One repository as the generic tests see it."""

    name: str  # the unit of work's attribute
    sample: Callable[[str, DealerId], Any]  # a valid record with this id
    change: Callable[[Any], Any]  # the same record, edited
    strategy: st.SearchStrategy[Any]

    def repo(self, uow: UnitOfWork) -> Repository[Any, Any]:
        repo: Repository[Any, Any] = getattr(uow, self.name)
        return repo

    def __str__(self) -> str:
        return self.name


RECORD_KINDS: tuple[RecordKind, ...] = (
    RecordKind(
        "staff",
        lambda i, d: staff_member(i, d),
        lambda r: attrs.evolve(r, active=not r.active),
        strategies.staff(),
    ),
    RecordKind(
        "customers",
        lambda i, d: customer(i, d),
        lambda r: attrs.evolve(r, name="王芳芳", mobile="13900001111"),
        strategies.customers(),
    ),
    RecordKind(
        "vehicles",
        lambda i, d: vehicle(i, d),
        lambda r: attrs.evolve(r, plate="沪A12345", mileage_km=12000),
        strategies.vehicles(),
    ),
    RecordKind(
        "ownerships",
        lambda i, d: ownership(i, "P-C", "P-V", d),
        lambda r: attrs.evolve(r, until=date(2026, 1, 1)),
        strategies.ownerships(),
    ),
    RecordKind(
        "interactions",
        lambda i, d: interaction(i, d, customer_id=CustomerId("P-C")),
        lambda r: attrs.evolve(r, notes="客户询问保养价格"),
        strategies.interactions(),
    ),
    RecordKind(
        "cases",
        lambda i, d: case(i, d, customer_id=CustomerId("P-C")),
        lambda r: attrs.evolve(r, content="维修后异响"),
        strategies.cases(),
    ),
    RecordKind(
        "tasks",
        lambda i, d: task(i, "P-C", d),
        lambda r: attrs.evolve(r, status=TaskStatus.DONE),
        strategies.follow_up_tasks(),
    ),
    RecordKind(
        "outbox",
        lambda i, d: message(i, "P-C", d),
        lambda r: attrs.evolve(r, status=MessageStatus.SENT, gateway_message_id="gw-1"),
        strategies.outbox_messages(),
    ),
    RecordKind(
        "club_members",
        lambda i, d: club_member(i, "P-C", d),
        lambda r: attrs.evolve(r, card_number="88880001"),
        strategies.club_members(),
    ),
    RecordKind(
        "points",
        lambda i, d: points_entry(i, "P-M", d),
        lambda r: attrs.evolve(r, reference="RO-1"),
        strategies.points_entries(),
    ),
    RecordKind(
        "referrals",
        lambda i, d: referral(i, "P-C", "P-C2", d),
        lambda r: attrs.evolve(r, recorded_at=r.recorded_at + timedelta(hours=1)),
        strategies.referrals(),
    ),
    RecordKind(
        "insurance_policies",
        lambda i, d: insurance_policy(i, "P-V", d, customer_id=CustomerId("P-C")),
        lambda r: attrs.evolve(r, insurer="中国人保财险", premium=Decimal("4321.50")),
        strategies.insurance_policies(),
    ),
    RecordKind(
        "survey_responses",
        lambda i, d: survey_response(i, d, customer_id=CustomerId("P-C")),
        lambda r: attrs.evolve(r, overall=3, would_recommend=Recommendation.PROBABLY_NOT),
        strategies.survey_responses(),
    ),
    RecordKind(
        "corrective_actions",
        lambda i, d: corrective_action(i, d),
        lambda r: attrs.evolve(r, status=ActionStatus.IN_PROGRESS, result="已增设接待台"),
        strategies.corrective_actions(),
    ),
)


def _round_trip_settings(test: Callable[..., None]) -> Callable[..., None]:
    # A few examples per record type and backend: the record strategies are shared with
    # the serializer's own property tests, which explore them at length. The same test
    # runs on several subclasses (one per adapter) by design: each is a different
    # executor, which hypothesis flags unless told this is intended.
    return settings(
        max_examples=10,
        deadline=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.differing_executors,
        ],
    )(test)


class RepositoryContract(StorageContractBase):
    """What every per-dealer repository does: CRUD, errors, versions, order, change feed.

    Not found, duplicates, versions, references, ordering, ``changed_since`` and a round
    trip of any valid record."""

    @pytest.fixture(params=RECORD_KINDS, ids=str)
    def kind(self, request: pytest.FixtureRequest) -> RecordKind:
        kind: RecordKind = request.param
        return kind

    def test_repo_add_then_get(self, kind: RecordKind) -> None:
        uow, clock = self.fresh()
        record = kind.sample("R1", D1)
        with uow:
            add_parents(uow, record)
            stored = kind.repo(uow).add(record)
        assert stored == attrs.evolve(record, version=1, updated_at=clock.now)
        with uow:
            assert kind.repo(uow).get(D1, "R1") == stored

    def test_repo_get_missing_raises_not_found(self, kind: RecordKind) -> None:
        uow, _ = self.fresh()
        record = kind.sample("R1", D1)
        with uow:
            add_parents(uow, record)
            kind.repo(uow).add(record)
            with pytest.raises(NotFoundError):
                kind.repo(uow).get(D1, "R2")
            with pytest.raises(NotFoundError):
                kind.repo(uow).get(D2, "R1")  # ids are scoped by dealer

    def test_repo_get_many_leaves_out_missing(self, kind: RecordKind) -> None:
        uow, _ = self.fresh()
        with uow:
            for id in ("R1", "R2"):
                record = kind.sample(id, D1)
                add_parents(uow, record)
                kind.repo(uow).add(record)
            found = kind.repo(uow).get_many(D1, ["R2", "R9", "R1"])
        assert sorted(found) == ["R1", "R2"]
        assert found["R2"].id == "R2"

    def test_repo_duplicate_id_raises_and_changes_nothing(self, kind: RecordKind) -> None:
        uow, _ = self.fresh()
        record = kind.sample("R1", D1)
        with uow:
            add_parents(uow, record)
            first = kind.repo(uow).add(record)
            with pytest.raises(DuplicateError):
                kind.repo(uow).add(kind.change(record))
            # the failed call left the unit of work usable
            kind.repo(uow).add(kind.sample("R2", D1))
        with uow:
            assert kind.repo(uow).get(D1, "R1") == first
            assert [r.id for r in kind.repo(uow).by_dealer(D1)] == ["R1", "R2"]

    def test_repo_same_id_for_another_dealer_is_no_duplicate(self, kind: RecordKind) -> None:
        uow, _ = self.fresh()
        with uow:
            for d in (D1, D2):
                record = kind.sample("R1", d)
                add_parents(uow, record)
                kind.repo(uow).add(record)
            assert kind.repo(uow).get(D2, "R1").dealer_id == D2

    def test_repo_add_many_is_all_or_nothing(self, kind: RecordKind) -> None:
        uow, clock = self.fresh()
        records = [kind.sample(f"R{i}", D1) for i in range(5)]
        with uow:
            add_parents(uow, records[0])
            assert kind.repo(uow).add_many(records[:2]) == 2
            with pytest.raises(DuplicateError):
                kind.repo(uow).add_many(records[2:] + records[:1])
            assert [r.id for r in kind.repo(uow).by_dealer(D1)] == ["R0", "R1"]
            assert kind.repo(uow).add_many(records[2:]) == 3
        with uow:
            stored = kind.repo(uow).get(D1, "R4")
        assert stored.version == 1
        assert stored.updated_at is not None
        assert stored.updated_at <= clock.now

    def test_repo_update_bumps_version_and_stamps(self, kind: RecordKind) -> None:
        uow, clock = self.fresh()
        record = kind.sample("R1", D1)
        with uow:
            add_parents(uow, record)
            stored = kind.repo(uow).add(record)
        with uow:
            updated = kind.repo(uow).update(kind.change(stored))
        assert updated == attrs.evolve(kind.change(stored), version=2, updated_at=clock.now)
        with uow:
            assert kind.repo(uow).get(D1, "R1") == updated

    def test_repo_stale_update_conflicts_and_never_overwrites(self, kind: RecordKind) -> None:
        uow, _ = self.fresh()
        record = kind.sample("R1", D1)
        with uow:
            add_parents(uow, record)
            read_by_a = kind.repo(uow).add(record)
        read_by_b = read_by_a
        with uow:
            written_by_a = kind.repo(uow).update(kind.change(read_by_a))
        with uow, pytest.raises(ConflictError):
            kind.repo(uow).update(read_by_b)
        with uow:
            assert kind.repo(uow).get(D1, "R1") == written_by_a
            with pytest.raises(ConflictError):
                kind.repo(uow).remove(D1, "R1", version=read_by_b.version)
            assert kind.repo(uow).get(D1, "R1") == written_by_a

    def test_repo_update_or_remove_missing_raises_not_found(self, kind: RecordKind) -> None:
        uow, _ = self.fresh()
        record = kind.sample("R1", D1)
        with uow:
            add_parents(uow, record)
            with pytest.raises(NotFoundError):
                kind.repo(uow).update(attrs.evolve(record, version=1))
            with pytest.raises(NotFoundError):
                kind.repo(uow).remove(D1, "R1", version=1)

    def test_repo_remove(self, kind: RecordKind) -> None:
        uow, _ = self.fresh()
        record = kind.sample("R1", D1)
        with uow:
            add_parents(uow, record)
            stored = kind.repo(uow).add(record)
            kind.repo(uow).remove(D1, "R1", version=stored.version)
            with pytest.raises(NotFoundError):
                kind.repo(uow).get(D1, "R1")
        with uow:
            assert kind.repo(uow).get_many(D1, ["R1"]) == {}

    def test_repo_by_dealer_orders_by_code_point_and_pages(self, kind: RecordKind) -> None:
        uow, _ = self.fresh()
        ids = ["b", "a", "B", "a1", "é", "z", "中", "10", "9"]
        with uow:
            add_parents(uow, kind.sample("x", D1))
            add_parents(uow, kind.sample("x", D2))
            kind.repo(uow).add_many(kind.sample(i, D1) for i in ids)
            kind.repo(uow).add_many(kind.sample(i, D2) for i in ("a", "zz"))
            everything = [r.id for r in kind.repo(uow).by_dealer(D1)]
            page1 = [r.id for r in kind.repo(uow).by_dealer(D1, limit=4)]
            page2 = [r.id for r in kind.repo(uow).by_dealer(D1, after=page1[-1], limit=4)]
            page3 = [r.id for r in kind.repo(uow).by_dealer(D1, after=page2[-1], limit=4)]
        assert everything == sorted(ids)  # Python sorts str by code point
        assert page1 + page2 + page3 == everything

    def test_repo_changed_since(self, kind: RecordKind) -> None:
        uow, clock = self.fresh()
        with uow:
            add_parents(uow, kind.sample("x", D1))
            kind.repo(uow).add(kind.sample("R1", D1))
            kind.repo(uow).add(kind.sample("R2", D1))
        clock.advance(timedelta(hours=1))
        mark = clock.now
        with uow:
            r1 = kind.repo(uow).get(D1, "R1")
            kind.repo(uow).add(kind.sample("R3", D1))
            changed = kind.repo(uow).update(kind.change(r1))
        with uow:
            since = kind.repo(uow).changed_since(D1, mark)
            at_change = kind.repo(uow).changed_since(D1, changed.updated_at)
            limited = kind.repo(uow).changed_since(D1, mark, limit=1)
            other_dealer = kind.repo(uow).changed_since(D2, mark)
        assert [r.id for r in since] == ["R3", "R1"]  # oldest change first
        assert [r.id for r in at_change] == ["R1"]  # "at or after": never missed
        assert [r.id for r in limited] == ["R3"]
        assert other_dealer == []

    @_round_trip_settings
    @given(data=st.data())
    def test_repo_round_trips_any_valid_record(self, kind: RecordKind, data: st.DataObject) -> None:
        uow, clock = self._hypothesis_store()
        record = data.draw(kind.strategy, label=kind.name)
        if _has_nul(record):
            with uow:
                add_parents(uow, record)
                with pytest.raises(ValidationError):
                    kind.repo(uow).add(record)
                with pytest.raises(ValidationError):
                    kind.repo(uow).add_many([record])
                uow.rollback()
            return
        with uow:
            add_parents(uow, record)
            stored = kind.repo(uow).add(record)
            assert stored == attrs.evolve(record, version=1, updated_at=clock.now)
            got = kind.repo(uow).get(record.dealer_id, record.id)
            assert got == stored
            again = kind.repo(uow).update(got)
            assert kind.repo(uow).get(record.dealer_id, record.id) == again
            uow.rollback()
        with uow:  # the bulk path (a driver's own, on some adapters) stores the same
            add_parents(uow, record)
            assert kind.repo(uow).add_many([record]) == 1
            got = kind.repo(uow).get(record.dealer_id, record.id)
            assert got == attrs.evolve(record, version=1, updated_at=clock.now)
            uow.rollback()

    def test_repo_refuses_references_to_missing_records(self) -> None:
        uow, _ = self.fresh()
        with uow:
            with pytest.raises(NotFoundError):
                uow.ownerships.add(ownership("O1", "C404", "V404"))
            with pytest.raises(NotFoundError):
                uow.tasks.add(task("T1", "C404"))
            with pytest.raises(NotFoundError):
                uow.points.add(points_entry("E1", "M404"))
            uow.customers.add(customer("C1"))
            uow.vehicles.add(vehicle("V1"))
            with pytest.raises(NotFoundError):
                uow.ownerships.add(ownership("O1", "C1", "V1", D2))  # C1 is D1's
            uow.ownerships.add(ownership("O1", "C1", "V1"))

    def test_repo_remove_of_a_referenced_record_conflicts(self) -> None:
        uow, _ = self.fresh()
        with uow:
            c = uow.customers.add(customer("C1"))
            uow.vehicles.add(vehicle("V1"))
            o = uow.ownerships.add(ownership("O1", "C1", "V1"))
            with pytest.raises(ConflictError):
                uow.customers.remove(D1, c.id, version=c.version)
            uow.ownerships.remove(D1, o.id, version=o.version)
            uow.customers.remove(D1, c.id, version=c.version)
            assert uow.customers.get_many(D1, [c.id]) == {}


def _has_nul(record: Any) -> bool:
    return "\\u0000" in json.dumps(_CONVERTER.unstructure(record))


class DealerRepositoryContract(StorageContractBase):
    """Dealers: addressed by their own id, versioned like every record."""

    def test_dealer_crud_duplicate_and_conflict(self) -> None:
        uow, clock = self.fresh()
        with uow:
            stored = uow.dealers.add(dealer("D2", brands=("上汽大众", "斯柯达")))
            uow.dealers.add(dealer("D1"))
            with pytest.raises(DuplicateError):
                uow.dealers.add(dealer("D1", name="another"))
        assert stored.version == 1
        with uow:
            assert uow.dealers.get(D2) == stored
            assert [d.id for d in uow.dealers.all()] == ["D1", "D2"]
            updated = uow.dealers.update(attrs.evolve(stored, timezone="Asia/Urumqi"))
            assert updated == attrs.evolve(
                stored, timezone="Asia/Urumqi", version=2, updated_at=clock.now
            )
            with pytest.raises(ConflictError):
                uow.dealers.update(stored)
            with pytest.raises(NotFoundError):
                uow.dealers.get(DealerId("D9"))
            with pytest.raises(NotFoundError):
                uow.dealers.update(dealer("D9", version=1))
            assert uow.dealers.get(D2) == updated

    @_round_trip_settings
    @given(record=strategies.dealers())
    def test_dealer_round_trips_any_valid_record(self, record: Dealer) -> None:
        uow, clock = self._hypothesis_store()
        with uow:
            if _has_nul(record):
                with pytest.raises(ValidationError):
                    uow.dealers.add(record)
            else:
                stored = uow.dealers.add(record)
                assert uow.dealers.get(record.id) == stored
                assert stored == attrs.evolve(record, version=1, updated_at=clock.now)
            uow.rollback()


def _fail_half_way(uow: UnitOfWork, write: Callable[[UnitOfWork], object]) -> None:
    with uow:
        write(uow)
        raise RuntimeError("the host's code failed half-way")


def _write_everything(uow: UnitOfWork) -> None:
    uow.customers.add(customer("C1"))
    uow.vehicles.add(vehicle("V1"))
    uow.ownerships.add(ownership("O1", "C1", "V1"))
    uow.tasks.upsert([task("T1", "C1")])
    uow.outbox.enqueue([message("M1", "C1")])
    uow.audit.append(audit_entry("A1", "C1"))
    c0 = uow.customers.get(D1, CustomerId("C0"))
    uow.customers.update(attrs.evolve(c0, name="改名"))


class UnitOfWorkContract(StorageContractBase):
    """Commit together, roll back together, and refuse misuse."""

    def test_uow_exception_rolls_back_everything(self) -> None:
        uow, _ = self.fresh()
        with uow:
            uow.customers.add(customer("C0"))
        with pytest.raises(RuntimeError):
            _fail_half_way(uow, _write_everything)
        with uow:
            assert [c.id for c in uow.customers.by_dealer(D1)] == ["C0"]
            assert uow.customers.get(D1, CustomerId("C0")).name == "王芳"
            assert uow.customers.get(D1, CustomerId("C0")).version == 1
            assert uow.vehicles.by_dealer(D1) == []
            assert uow.ownerships.by_dealer(D1) == []
            assert uow.tasks.by_dealer(D1) == []
            assert uow.outbox.by_dealer(D1) == []
            with pytest.raises(NotFoundError):
                uow.audit.get(D1, "A1")

    def test_uow_explicit_rollback_discards_and_closes(self) -> None:
        uow, _ = self.fresh()
        with uow:
            uow.customers.add(customer("C1"))
            uow.rollback()
            with pytest.raises(RepositoryError):
                uow.customers.get(D1, CustomerId("C1"))
        with uow:
            assert uow.customers.by_dealer(D1) == []
            uow.customers.add(customer("C2"))  # the same object opens the next one
        with uow:
            assert [c.id for c in uow.customers.by_dealer(D1)] == ["C2"]

    def test_uow_commits_on_normal_exit(self) -> None:
        uow, _ = self.fresh()
        with uow:
            uow.customers.add(customer("C1"))
            uow.vehicles.add(vehicle("V1"))
        with uow:
            assert uow.customers.get(D1, CustomerId("C1")).name == "王芳"
            assert uow.vehicles.get(D1, VehicleId("V1")).vin == "LSVAU2180N2183294"

    def test_uow_refuses_use_outside_its_block_and_nesting(self) -> None:
        uow, _ = self.fresh()
        with pytest.raises(RepositoryError):
            uow.customers.by_dealer(D1)
        with uow:
            with pytest.raises(RepositoryError), uow:
                pass  # pragma: no cover - entering again must fail
            uow.customers.add(customer("C1"))
        with pytest.raises(RepositoryError):
            uow.customers.get(D1, CustomerId("C1"))

    def test_uow_failed_call_keeps_earlier_writes(self) -> None:
        uow, _ = self.fresh()
        with uow:
            uow.customers.add(customer("C1"))
            with pytest.raises(NotFoundError):
                uow.ownerships.add(ownership("O1", "C1", "V404"))
            with pytest.raises(DuplicateError):
                uow.customers.add(customer("C1"))
            uow.customers.add(customer("C2"))
        with uow:
            assert [c.id for c in uow.customers.by_dealer(D1)] == ["C1", "C2"]


def _plan(*ids: str, **kw: Any) -> list[FollowUpTask]:
    return [task(i, "C1", **kw) for i in ids]


class TaskRepositoryContract(StorageContractBase):
    """Storing a plan is idempotent; re-planning never reopens done work."""

    def _task_store(self) -> tuple[UnitOfWork, TickingClock]:
        uow, clock = self.fresh()
        with uow:
            uow.customers.add(customer("C1"))
        return uow, clock

    def test_task_same_plan_twice_is_stored_once(self) -> None:
        uow, _ = self._task_store()
        plan = _plan("T1", "T2", "T3")
        with uow:
            first = uow.tasks.upsert(plan)
        with uow:
            second = uow.tasks.upsert(plan)
            stored = uow.tasks.by_dealer(D1)
        assert first.inserted == ("T1", "T2", "T3")
        assert (first.updated, first.unchanged) == ((), ())
        assert (second.inserted, second.updated) == ((), ())
        assert sorted(second.unchanged) == ["T1", "T2", "T3"]
        assert [t.id for t in stored] == ["T1", "T2", "T3"]
        assert all(t.version == 1 for t in stored)

    def test_task_repeated_id_in_one_plan_counts_once(self) -> None:
        uow, _ = self._task_store()
        with uow:
            result = uow.tasks.upsert(_plan("T1") + _plan("T1", priority=5))
            assert uow.tasks.get(D1, TaskId("T1")).priority == 5
        assert result.inserted == ("T1",)
        assert result.unchanged == ()

    def test_task_replan_updates_open_task_and_keeps_its_status(self) -> None:
        uow, clock = self._task_store()
        with uow:
            uow.tasks.upsert(_plan("T1", "T2"))
            t2 = uow.tasks.get(D1, TaskId("T2"))
            uow.tasks.update(attrs.evolve(t2, status=TaskStatus.DEFERRED, status_reason="cap"))
        later = T0 + timedelta(days=2)
        with uow:
            result = uow.tasks.upsert(_plan("T1", "T2", due_from=later, priority=3))
            t1 = uow.tasks.get(D1, TaskId("T1"))
            t2 = uow.tasks.get(D1, TaskId("T2"))
        assert sorted(result.updated) == ["T1", "T2"]
        assert (t1.due_from, t1.priority, t1.status, t1.version) == (
            later,
            3,
            TaskStatus.PLANNED,
            2,
        )
        assert (t2.status, t2.status_reason, t2.due_from) == (TaskStatus.DEFERRED, "cap", later)
        assert t1.updated_at is not None
        assert t1.updated_at <= clock.now

    def test_task_done_and_cancelled_tasks_are_never_reopened(self) -> None:
        uow, _ = self._task_store()
        with uow:
            uow.tasks.upsert(_plan("T1", "T2"))
            for id, status in (("T1", TaskStatus.DONE), ("T2", TaskStatus.CANCELLED)):
                stored = uow.tasks.get(D1, TaskId(id))
                uow.tasks.update(attrs.evolve(stored, status=status))
        with uow:
            result = uow.tasks.upsert(_plan("T1", "T2", priority=9, explanation="重新计划"))
            done = uow.tasks.get(D1, TaskId("T1"))
            cancelled = uow.tasks.get(D1, TaskId("T2"))
        assert sorted(result.unchanged) == ["T1", "T2"]
        assert (done.status, done.priority, done.version) == (TaskStatus.DONE, 0, 2)
        assert (cancelled.status, cancelled.priority) == (TaskStatus.CANCELLED, 0)

    def test_task_upsert_ignores_given_versions_and_rolls_back(self) -> None:
        uow, _ = self._task_store()
        with pytest.raises(RuntimeError):
            _fail_half_way(uow, lambda u: u.tasks.upsert(_plan("T1", version=7)))
        with uow:
            assert uow.tasks.by_dealer(D1) == []
            uow.tasks.upsert(_plan("T1", version=7))
            assert uow.tasks.get(D1, TaskId("T1")).version == 1

    def test_task_upsert_refuses_unknown_customer(self) -> None:
        uow, _ = self._task_store()
        with uow:
            with pytest.raises(NotFoundError):
                uow.tasks.upsert([task("T1", "C404")])
            assert uow.tasks.by_dealer(D1) == []

    def test_task_queries(self) -> None:
        uow, _ = self._task_store()
        with uow:
            uow.customers.add(customer("C2"))
            uow.tasks.upsert(
                [
                    task("T3", "C1", due_from=T0 + timedelta(days=3)),
                    task("T1", "C1", due_from=T0),
                    task("T2", "C2", due_from=T0 + timedelta(days=1)),
                ]
            )
            of_c1 = uow.tasks.of_customer(D1, CustomerId("C1"))
            day2 = uow.tasks.due_between(D1, T0 + timedelta(days=1), T0 + timedelta(days=2))
            day0 = uow.tasks.due_between(D1, T0 - timedelta(hours=1), T0)
        assert [t.id for t in of_c1] == ["T1", "T3"]
        # T1 is due T0..T0+1d: its window touches the start of day 2 and overlaps it
        assert [t.id for t in day2] == ["T1", "T2"]
        assert day0 == []


class OutboxRepositoryContract(StorageContractBase):
    """Queue once, claim under a lease, report back, re-queue by hand."""

    lease = timedelta(minutes=5)

    def _outbox_store(self, *messages: OutboxMessage) -> UnitOfWork:
        uow, _ = self.fresh()
        with uow:
            uow.customers.add(customer("C1"))
            uow.customers.add(customer("C1", D2))
            uow.outbox.enqueue(messages)
        return uow

    def test_outbox_enqueue_is_idempotent(self) -> None:
        uow = self._outbox_store()
        with uow:
            first = uow.outbox.enqueue([message("M1", "C1"), message("M2", "C1")])
            again = uow.outbox.enqueue(
                [message("M2", "C1", body="changed"), message("M3", "C1"), message("M3", "C1")]
            )
            stored = uow.outbox.get(D1, MessageId("M2"))
        assert first == ("M1", "M2")
        assert again == ("M3",)
        assert stored.body == message("M2", "C1").body
        assert (stored.status, stored.attempts, stored.version) == (MessageStatus.QUEUED, 0, 1)

    def test_outbox_enqueue_resets_delivery_state(self) -> None:
        uow = self._outbox_store()
        given = message("M1", "C1", status=MessageStatus.SENT, attempts=4, lease_owner="w")
        with uow:
            uow.outbox.enqueue([given])
            stored = uow.outbox.get(D1, MessageId("M1"))
        assert (stored.status, stored.attempts, stored.lease_owner) == (
            MessageStatus.QUEUED,
            0,
            None,
        )

    def test_outbox_claims_only_due_messages_oldest_first(self) -> None:
        uow = self._outbox_store(
            message("M1", "C1", not_before=T0 + timedelta(minutes=2)),
            message("M2", "C1", not_before=T0 - timedelta(minutes=1)),
            message("M3", "C1", not_before=T0),
            message("M4", "C1", not_before=T0 + timedelta(minutes=1)),
            message("M5", "C1", not_before=T0 - timedelta(days=1), dealer_id=D2),
        )
        with uow:
            claimed = uow.outbox.claim_due(
                now=T0, worker="w1", lease=self.lease, limit=2, dealer_id=D1
            )
            rest = uow.outbox.claim_due(now=T0, worker="w2", lease=self.lease, limit=10)
            none = uow.outbox.claim_due(now=T0, worker="w3", lease=self.lease, limit=10)
        assert [m.id for m in claimed] == ["M2", "M3"]
        first = claimed[0]
        assert (first.status, first.lease_owner, first.lease_until, first.attempts) == (
            MessageStatus.SENDING,
            "w1",
            T0 + self.lease,
            1,
        )
        assert first.version == 2
        assert [(m.dealer_id, m.id) for m in rest] == [("D2", "M5")]
        assert none == []

    def test_outbox_expired_lease_can_be_taken_over(self) -> None:
        uow = self._outbox_store(message("M1", "C1"))
        with uow:
            (held,) = uow.outbox.claim_due(now=T0, worker="w1", lease=self.lease, limit=5)
        with uow:
            assert (
                uow.outbox.claim_due(
                    now=T0 + self.lease - timedelta(seconds=1),
                    worker="w2",
                    lease=self.lease,
                    limit=5,
                )
                == []
            )
            (taken,) = uow.outbox.claim_due(
                now=T0 + self.lease, worker="w2", lease=self.lease, limit=5
            )
        assert (taken.lease_owner, taken.attempts) == ("w2", 2)
        with uow:
            with pytest.raises(ConflictError):
                uow.outbox.complete(D1, held.id, worker="w1", status=MessageStatus.SENT)
            sent = uow.outbox.complete(
                D1, held.id, worker="w2", status=MessageStatus.SENT, gateway_message_id="gw-9"
            )
        assert (sent.status, sent.gateway_message_id, sent.lease_owner) == (
            MessageStatus.SENT,
            "gw-9",
            None,
        )

    def test_outbox_release_retries_later(self) -> None:
        uow = self._outbox_store(message("M1", "C1"))
        retry_at = T0 + timedelta(minutes=10)
        with uow:
            (held,) = uow.outbox.claim_due(now=T0, worker="w1", lease=self.lease, limit=1)
            with pytest.raises(ConflictError):
                uow.outbox.release(D1, held.id, worker="w2", retry_at=retry_at)
            released = uow.outbox.release(
                D1, held.id, worker="w1", retry_at=retry_at, error="HTTP 503"
            )
            early = uow.outbox.claim_due(
                now=retry_at - timedelta(seconds=1), worker="w1", lease=self.lease, limit=1
            )
            again = uow.outbox.claim_due(now=retry_at, worker="w1", lease=self.lease, limit=1)
        assert (released.status, released.next_attempt_at, released.last_error) == (
            MessageStatus.QUEUED,
            retry_at,
            "HTTP 503",
        )
        assert early == []
        assert [(m.id, m.attempts) for m in again] == [("M1", 2)]

    def test_outbox_park_list_and_requeue(self) -> None:
        uow = self._outbox_store(message("M1", "C1"), message("M2", "C1"), message("M3", "C1"))
        with uow:
            a, b, c = uow.outbox.claim_due(now=T0, worker="w", lease=self.lease, limit=3)
            uow.outbox.complete(D1, a.id, worker="w", status=MessageStatus.PARKED, error="空号")
            uow.outbox.complete(D1, b.id, worker="w", status=MessageStatus.SENT)
            with pytest.raises(ValidationError):
                uow.outbox.complete(D1, c.id, worker="w", status=MessageStatus.QUEUED)
            attention = uow.outbox.by_status(D1, MessageStatus.PARKED, MessageStatus.FAILED)
            assert [(m.id, m.last_error) for m in attention] == [("M1", "空号")]
            with pytest.raises(ConflictError):
                uow.outbox.requeue(D1, b.id, at=T0)
            requeued = uow.outbox.requeue(D1, a.id, at=T0 + timedelta(hours=1))
            assert (requeued.status, requeued.attempts) == (MessageStatus.QUEUED, 0)
            assert uow.outbox.by_status(D1, MessageStatus.PARKED) == []
            assert [m.id for m in uow.outbox.by_status(D1, MessageStatus.SENDING)] == ["M3"]

    def test_outbox_lookup_by_gateway_id_and_customer(self) -> None:
        uow = self._outbox_store(message("M1", "C1"), message("M2", "C1"))
        with uow:
            (m1, _) = uow.outbox.claim_due(now=T0, worker="w", lease=self.lease, limit=2)
            uow.outbox.complete(
                D1, m1.id, worker="w", status=MessageStatus.SENT, gateway_message_id="gw-1"
            )
            assert uow.outbox.by_gateway_id(D1, "gw-1").id == "M1"
            with pytest.raises(NotFoundError):
                uow.outbox.by_gateway_id(D1, "gw-404")
            with pytest.raises(NotFoundError):
                uow.outbox.by_gateway_id(D2, "gw-1")
            assert [m.id for m in uow.outbox.of_customer(D1, CustomerId("C1"))] == ["M1", "M2"]

    def test_outbox_records_a_batch_of_outcomes_in_one_call(self) -> None:
        uow = self._outbox_store(
            *(message(f"M{i}", "C1") for i in range(1, 5)), message("M5", "C1", dealer_id=D2)
        )
        retry_at = T0 + timedelta(minutes=10)
        with uow:
            m1, m2, m3, m4, m5 = uow.outbox.claim_due(
                now=T0, worker="w1", lease=self.lease, limit=5
            )
            recorded = uow.outbox.record_outcomes(
                [
                    MessageOutcome(m5, MessageStatus.SENT, gateway_message_id="gw-5"),
                    MessageOutcome(m1, MessageStatus.SENT, gateway_message_id="gw-1"),
                    MessageOutcome(m2, MessageStatus.PARKED, error="空号"),
                    MessageOutcome(m3, MessageStatus.QUEUED, error="HTTP 503", retry_at=retry_at),
                    MessageOutcome(m4, MessageStatus.SUPPRESSED, error="opted out of SMS"),
                ],
                worker="w1",
            )
            stored = [uow.outbox.get(m.dealer_id, m.id) for m in recorded]
            early = uow.outbox.claim_due(
                now=retry_at - timedelta(seconds=1), worker="w2", lease=self.lease, limit=5
            )
            again = uow.outbox.claim_due(now=retry_at, worker="w2", lease=self.lease, limit=5)
            found = uow.outbox.by_gateway_id(D2, "gw-5")
        assert recorded == stored  # returned as now stored, in the order given
        assert [(m.dealer_id, m.id) for m in recorded] == [
            (D2, "M5"),
            (D1, "M1"),
            (D1, "M2"),
            (D1, "M3"),
            (D1, "M4"),
        ]
        assert [(m.status, m.gateway_message_id, m.last_error) for m in recorded] == [
            (MessageStatus.SENT, "gw-5", None),
            (MessageStatus.SENT, "gw-1", None),
            (MessageStatus.PARKED, None, "空号"),
            (MessageStatus.QUEUED, None, "HTTP 503"),
            (MessageStatus.SUPPRESSED, None, "opted out of SMS"),
        ]
        assert {(m.lease_owner, m.lease_until, m.attempts, m.version) for m in recorded} == {
            (None, None, 1, 3)
        }
        assert recorded[3].next_attempt_at == retry_at
        assert (early, [(m.id, m.attempts) for m in again]) == ([], [("M3", 2)])
        assert found.id == "M5"

    def test_outbox_outcomes_of_a_claim_taken_over_are_skipped(self) -> None:
        uow = self._outbox_store(message("M1", "C1"), message("M2", "C1"), message("M3", "C1"))
        later = T0 + self.lease
        with uow:
            m1, m2, m3 = uow.outbox.claim_due(now=T0, worker="w1", lease=self.lease, limit=3)
        with uow:
            # w1's lease ran out: w2 takes M1 over; M2 and M3 nobody takes
            (taken,) = uow.outbox.claim_due(now=later, worker="w2", lease=self.lease, limit=1)
            recorded = uow.outbox.record_outcomes(
                [
                    MessageOutcome(m1, MessageStatus.SENT, gateway_message_id="gw-w1"),
                    MessageOutcome(m2, MessageStatus.SENT, gateway_message_id="gw-2"),
                    MessageOutcome(m3, MessageStatus.PARKED, error="空号"),
                ],
                worker="w1",
            )
            still = uow.outbox.get(D1, MessageId("M1"))
            # w2 records its own answer for M1 afterwards; w1's second try is refused too
            (by_w2,) = uow.outbox.record_outcomes(
                [MessageOutcome(taken, MessageStatus.SENT, gateway_message_id="gw-w2")],
                worker="w2",
            )
            late = uow.outbox.record_outcomes(
                [MessageOutcome(m1, MessageStatus.SENT, gateway_message_id="gw-w1")],
                worker="w1",
            )
        # an expired lease nobody took over still counts: M2 and M3 are recorded
        assert [(m.id, m.status) for m in recorded] == [
            ("M2", MessageStatus.SENT),
            ("M3", MessageStatus.PARKED),
        ]
        assert still == taken  # never overwritten
        assert (still.status, still.lease_owner) == (MessageStatus.SENDING, "w2")
        assert (by_w2.status, by_w2.gateway_message_id, by_w2.attempts) == (
            MessageStatus.SENT,
            "gw-w2",
            2,
        )
        assert late == []
        with uow:
            assert uow.outbox.get(D1, MessageId("M1")) == by_w2

    def test_outbox_outcomes_are_checked_against_the_claims_version(self) -> None:
        uow = self._outbox_store(message("M1", "C1"), message("M2", "C1"))
        with uow:
            first, m2 = uow.outbox.claim_due(now=T0, worker="w1", lease=self.lease, limit=2)
            # the same worker name claims M1 again after its lease ran out (a restarted
            # process): the answer to the first claim belongs to an older version
            (second,) = uow.outbox.claim_due(
                now=T0 + self.lease, worker="w1", lease=self.lease, limit=1
            )
            stale = uow.outbox.record_outcomes(
                [MessageOutcome(first, MessageStatus.SENT, gateway_message_id="gw-old")],
                worker="w1",
            )
            # a delivery report settled M2 meanwhile
            delivered = uow.outbox.update(
                attrs.evolve(m2, status=MessageStatus.DELIVERED, lease_owner=None)
            )
            settled = uow.outbox.record_outcomes(
                [MessageOutcome(m2, MessageStatus.PARKED, error="timeout")], worker="w1"
            )
            wrong_worker = uow.outbox.record_outcomes(
                [MessageOutcome(second, MessageStatus.SENT)], worker="w2"
            )
            (current,) = uow.outbox.record_outcomes(
                [MessageOutcome(second, MessageStatus.SENT, gateway_message_id="gw-new")],
                worker="w1",
            )
            m2_now = uow.outbox.get(D1, MessageId("M2"))
        assert (stale, settled, wrong_worker) == ([], [], [])
        assert second.version == first.version + 1
        assert (current.gateway_message_id, current.attempts) == ("gw-new", 2)
        assert m2_now == delivered

    def test_outbox_record_outcomes_refuses_a_bad_batch_whole(self) -> None:
        uow = self._outbox_store(message("M1", "C1"), message("M2", "C1"))
        with uow:
            m1, m2 = uow.outbox.claim_due(now=T0, worker="w1", lease=self.lease, limit=2)
            assert uow.outbox.record_outcomes([], worker="w1") == []
            with pytest.raises(ValidationError):
                uow.outbox.record_outcomes(
                    [
                        MessageOutcome(m1, MessageStatus.SENT),
                        MessageOutcome(m2, MessageStatus.SENT),
                        MessageOutcome(m1, MessageStatus.PARKED, error="空号"),
                    ],
                    worker="w1",
                )
            with pytest.raises(ValidationError):
                uow.outbox.record_outcomes(
                    [
                        MessageOutcome(m1, MessageStatus.SENT),
                        MessageOutcome(m2, MessageStatus.PARKED, error="bad\x00byte"),
                    ],
                    worker="w1",
                )
            stored = [uow.outbox.get(D1, m.id) for m in (m1, m2)]
        assert stored == [m1, m2]  # nothing recorded

    def test_outbox_claim_limit_zero_claims_nothing(self) -> None:
        uow = self._outbox_store(message("M1", "C1"))
        with uow:
            assert uow.outbox.claim_due(now=T0, worker="w", lease=self.lease, limit=0) == []
            assert uow.outbox.get(D1, MessageId("M1")).status is MessageStatus.QUEUED


class QueryContract(StorageContractBase):
    """The per-customer and time-range reads, ordered as the ports promise."""

    def test_query_histories(self) -> None:
        uow, _ = self.fresh()
        h = timedelta(hours=1)
        with uow:
            for c in ("C1", "C2"):
                uow.customers.add(customer(c))
            uow.vehicles.add(vehicle("V1", vin="LSVAU2180N2183294"))
            uow.vehicles.add(vehicle("V2", vin="LSVAU2180N2183294"))
            uow.vehicles.add(vehicle("V3", vin="LFV2A21K6D4000001"))
            uow.ownerships.add(ownership("O2", "C1", "V2"))
            uow.ownerships.add(ownership("O1", "C1", "V1", until=date(2024, 1, 1)))
            uow.ownerships.add(ownership("O3", "C2", "V1", since=date(2024, 1, 1)))
            uow.interactions.add_many(
                [
                    interaction("I3", customer_id=CustomerId("C1"), occurred_at=T0 + 2 * h),
                    interaction("I1", customer_id=CustomerId("C1"), occurred_at=T0),
                    interaction("I2", customer_id=CustomerId("C2"), occurred_at=T0 + h),
                    interaction(
                        "I0",
                        customer_id=CustomerId("C1"),
                        occurred_at=T0,
                        kind=InteractionKind.CALLBACK,
                        detail=Callback(outcome=CallbackOutcome.REACHED, satisfaction=5),
                    ),
                ]
            )
            uow.cases.add(case("K2", customer_id=CustomerId("C1"), opened_at=T0 - h))
            uow.cases.add(case("K1", customer_id=CustomerId("C1"), opened_at=T0))
            uow.club_members.add(club_member("M1", "C1"))
            uow.points.add(points_entry("E2", "M1", at=T0))
            uow.points.add(points_entry("E1", "M1", at=T0 + h))
            uow.referrals.add(referral("R1", "C1", "C2"))
            uow.referrals.add(referral("R2", "C2", "C1"))

            assert [v.id for v in uow.vehicles.by_vin(D1, "LSVAU2180N2183294")] == ["V1", "V2"]
            assert [o.id for o in uow.ownerships.of_customer(D1, CustomerId("C1"))] == [
                "O1",
                "O2",
            ]
            assert [o.id for o in uow.ownerships.of_vehicle(D1, VehicleId("V1"))] == ["O1", "O3"]
            assert [i.id for i in uow.interactions.of_customer(D1, CustomerId("C1"))] == [
                "I0",
                "I1",
                "I3",
            ]
            assert [i.id for i in uow.interactions.between(D1, T0, T0 + 2 * h)] == [
                "I0",
                "I1",
                "I2",
            ]
            callbacks = uow.interactions.between(
                D1, T0, T0 + 3 * h, kinds=[InteractionKind.CALLBACK]
            )
            assert [i.id for i in callbacks] == ["I0"]
            assert [c.id for c in uow.cases.of_customer(D1, CustomerId("C1"))] == ["K2", "K1"]
            assert [c.id for c in uow.cases.opened_between(D1, T0, T0 + h)] == ["K1"]
            assert [m.id for m in uow.club_members.of_customer(D1, CustomerId("C1"))] == ["M1"]
            assert [e.id for e in uow.points.of_member(D1, "M1")] == ["E2", "E1"]
            assert [r.id for r in uow.referrals.involving(D1, CustomerId("C1"))] == ["R1", "R2"]
            assert uow.interactions.of_customer(D2, CustomerId("C1")) == []


class AuditLogContract(StorageContractBase):
    """Append-only entries, read per subject and per period."""

    def test_audit_append_read_and_duplicate(self) -> None:
        uow, _ = self.fresh()
        with uow:
            stored = uow.audit.append(
                audit_entry("A2", "C1", at=T0 + timedelta(minutes=1), related_ids=("C9",))
            )
            uow.audit.append(audit_entry("A1", "C1"))
            uow.audit.append(audit_entry("A3", "C2", action="customer.erase"))
            with pytest.raises(DuplicateError):
                uow.audit.append(audit_entry("A1", "C1"))
        assert stored.version == 1
        with uow:
            assert uow.audit.get(D1, "A2") == stored
            assert [e.id for e in uow.audit.for_subject(D1, "customer", "C1")] == ["A1", "A2"]
            window = uow.audit.between(D1, T0, T0 + timedelta(minutes=1))
            assert [e.id for e in window] == ["A1", "A3"]
            with pytest.raises(NotFoundError):
                uow.audit.get(D2, "A1")


class ScoringRecordsContract(StorageContractBase):
    """Contract for the policy, survey and action reads the KPIs and reports depend on.

    The reads the KPIs and reports take besides interactions: policy terms ending in a
    window and their renewals, surveys answered in a period, actions still open — each
    exact at its edges and scoped by dealer."""

    def test_policies_ending_between_includes_both_edges(self) -> None:
        uow, _ = self.fresh()
        first, last = date(2026, 3, 1), date(2026, 3, 31)
        ends = {
            "P0": first - timedelta(days=1),
            "P1": first,
            "P3": date(2026, 3, 15),
            "P2": date(2026, 3, 15),
            "P4": last,
            "P5": last + timedelta(days=1),
        }
        with uow:
            for d in (D1, D2):
                uow.customers.add(customer("C1", d))
                uow.vehicles.add(vehicle("V1", d))
            for pid, day in ends.items():
                uow.insurance_policies.add(
                    insurance_policy(pid, "V1", starts_on=day - timedelta(days=364), ends_on=day)
                )
            uow.insurance_policies.add(insurance_policy("P9", "V1", D2, ends_on=first))
            found = uow.insurance_policies.ending_between(D1, DateRange(first, last))
            one_day = uow.insurance_policies.ending_between(D1, DateRange(last, last))
            none = uow.insurance_policies.ending_between(
                D1, DateRange(date(2030, 1, 1), date(2030, 12, 31))
            )
        assert [p.id for p in found] == ["P1", "P2", "P3", "P4"]  # by (ends_on, id)
        assert [p.id for p in one_day] == ["P4"]
        assert none == []

    def test_policy_histories_and_renewals(self) -> None:
        uow, _ = self.fresh()
        with uow:
            uow.customers.add(customer("C1"))
            uow.customers.add(customer("C2"))
            uow.vehicles.add(vehicle("V1"))
            uow.vehicles.add(vehicle("V2"))
            terms = [
                ("P2", "V1", "C1", date(2025, 3, 1), "P1", True),
                ("P1", "V1", "C1", date(2024, 3, 1), None, True),
                ("P3", "V1", "C2", date(2026, 3, 1), "P2", False),
                ("P4", "V2", None, date(2026, 1, 1), None, True),
                ("P5", "V2", "C2", date(2027, 1, 1), "P4", True),
                ("P6", "V2", "C2", date(2027, 1, 1), "P4", False),  # two answers to one
            ]
            for pid, vid, cid, starts, renews, sold in terms:
                uow.insurance_policies.add(
                    insurance_policy(
                        pid,
                        vid,
                        customer_id=None if cid is None else CustomerId(cid),
                        starts_on=starts,
                        ends_on=starts + timedelta(days=364),
                        renewal_of=None if renews is None else PolicyId(renews),
                        sold_by_dealer=sold,
                    )
                )
            history = uow.insurance_policies.of_vehicle(D1, VehicleId("V1"))
            held = uow.insurance_policies.of_customer(D1, CustomerId("C2"))
            renewals = uow.insurance_policies.renewals_of(
                D1, [PolicyId("P4"), PolicyId("P1"), PolicyId("P404"), PolicyId("P1")]
            )
            nothing = uow.insurance_policies.renewals_of(D1, [])
            other_dealer = uow.insurance_policies.renewals_of(D2, [PolicyId("P1")])
            with pytest.raises(NotFoundError):  # the vehicle must exist
                uow.insurance_policies.add(insurance_policy("P7", "V404"))
            with pytest.raises(NotFoundError):  # and a given customer too
                uow.insurance_policies.add(
                    insurance_policy("P7", "V1", customer_id=CustomerId("C404"))
                )
            v1 = uow.vehicles.get(D1, VehicleId("V1"))
            with pytest.raises(ConflictError):  # a vehicle with policies stays
                uow.vehicles.remove(D1, v1.id, version=v1.version)
        assert [p.id for p in history] == ["P1", "P2", "P3"]  # by (starts_on, id)
        assert [p.id for p in held] == ["P3", "P5", "P6"]
        assert [(p.id, p.renewal_of) for p in renewals] == [
            ("P2", "P1"),
            ("P5", "P4"),
            ("P6", "P4"),
        ]
        assert nothing == []
        assert other_dealer == []

    def test_policy_renewals_of_many_ids(self) -> None:
        uow, _ = self.fresh()
        n = 450  # more ids than one SQL statement's chunk
        with uow:
            uow.vehicles.add(vehicle("V1"))
            uow.insurance_policies.add_many(
                insurance_policy(f"R{k:04d}", "V1", renewal_of=PolicyId(f"P{k:04d}"))
                for k in range(n)
            )
            renewals = uow.insurance_policies.renewals_of(
                D1, (PolicyId(f"P{k:04d}") for k in range(1, n, 2))
            )
        assert [p.id for p in renewals] == [f"R{k:04d}" for k in range(1, n, 2)]

    def test_surveys_answered_between_is_half_open(self) -> None:
        uow, _ = self.fresh()
        # March 2026 in Shanghai: from 28 February 16:00 UTC to 31 March 16:00 UTC
        start = datetime(2026, 3, 1, tzinfo=SHANGHAI)
        end = datetime(2026, 4, 1, tzinfo=SHANGHAI)
        answered = {
            "S0": start - timedelta(microseconds=1),
            "S1": start,
            "S3": datetime(2026, 3, 10, 2, 0, tzinfo=UTC),
            "S2": datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI),  # the same instant as S3
            "S4": end - timedelta(microseconds=1),
            "S5": end,
        }
        with uow:
            uow.customers.add(customer("C1"))
            uow.customers.add(customer("C2"))
            for sid, at in answered.items():
                uow.survey_responses.add(
                    survey_response(
                        sid,
                        answered_at=at,
                        customer_id=CustomerId("C1" if sid < "S3" else "C2"),
                        answers=(SurveyAnswer("waiting_time", 4),),
                    )
                )
            uow.survey_responses.add(survey_response("S9", D2, answered_at=start))
            march = uow.survey_responses.answered_between(D1, start, end)
            in_utc = uow.survey_responses.answered_between(
                D1, start.astimezone(UTC), end.astimezone(UTC)
            )
            of_c1 = uow.survey_responses.of_customer(D1, CustomerId("C1"))
            with pytest.raises(NotFoundError):
                uow.survey_responses.add(survey_response("S7", customer_id=CustomerId("C404")))
        assert [s.id for s in march] == ["S1", "S2", "S3", "S4"]  # oldest first, ties by id
        assert in_utc == march
        assert march[1].answered_at == answered["S2"]
        assert march[1].answers == (SurveyAnswer("waiting_time", 4),)
        assert [s.id for s in of_c1] == ["S0", "S1", "S2"]

    def test_actions_still_open_and_opened_between(self) -> None:
        uow, _ = self.fresh()
        closed = T0 + timedelta(days=3)
        actions = [
            corrective_action("A1", deadline=date(2026, 3, 20)),
            corrective_action("A2", deadline=date(2026, 3, 10), status=ActionStatus.IN_PROGRESS),
            corrective_action(
                "A3", deadline=date(2026, 3, 1), status=ActionStatus.DONE, closed_at=closed
            ),
            corrective_action(
                "A4", deadline=date(2026, 3, 5), status=ActionStatus.CANCELLED, closed_at=closed
            ),
            corrective_action("A5", deadline=date(2026, 3, 10)),
            corrective_action("A6", opened_at=T0 + timedelta(days=7)),
            corrective_action("A0", opened_at=T0 - timedelta(microseconds=1)),
        ]
        with uow:
            uow.corrective_actions.add_many(actions)
            uow.corrective_actions.add(corrective_action("A1", D2))
            still_open = uow.corrective_actions.still_open(D1)
            week = uow.corrective_actions.opened_between(D1, T0, T0 + timedelta(days=7))
            a1 = uow.corrective_actions.get(D1, "A1")  # type: ignore[arg-type]
            uow.corrective_actions.update(
                attrs.evolve(a1, status=ActionStatus.DONE, closed_at=closed, result="已完成")
            )
            after_closing = uow.corrective_actions.still_open(D1)
        assert [a.id for a in still_open] == ["A2", "A5", "A0", "A6", "A1"]  # (deadline, id)
        assert [a.id for a in week] == ["A1", "A2", "A3", "A4", "A5"]
        assert [a.id for a in after_closing] == ["A2", "A5", "A0", "A6"]


def _hits(subjects: list[AgendaSubject]) -> list[tuple[str, str, date, str | None]]:
    return [(h.kind.value, h.customer_id, h.on, h.vehicle_id) for s in subjects for h in s.hits]


class AnchorQueryContract(StorageContractBase):
    """The planner's read finds exactly the customers with an anchor event in the windows.

    Window edges are included, birthdays match by month and day."""

    def test_anchor_vehicle_dates_exact_at_the_edges(self) -> None:
        uow, _ = self.fresh()
        first, last = date(2026, 3, 10), date(2026, 3, 12)
        days = {
            "V0": first - timedelta(days=1),
            "V1": first,
            "V2": date(2026, 3, 11),
            "V3": last,
            "V4": last + timedelta(days=1),
        }
        with uow:
            for vid, day in days.items():
                cid = "C" + vid[1:]
                uow.customers.add(customer(cid))
                uow.vehicles.add(vehicle(vid, delivery_date=day, insurance_expiry=day))
                uow.ownerships.add(ownership("O" + vid, cid, vid))
            window = DateRange(first, last)
            delivered = uow.anchors.subjects(D1, {AnchorKind.DELIVERY: [window]}, tz=SHANGHAI)
            both = uow.anchors.subjects(
                D1,
                {AnchorKind.DELIVERY: [window], AnchorKind.INSURANCE_EXPIRY: [window]},
                tz=SHANGHAI,
            )
        assert _hits(delivered) == [
            ("delivery", "C1", first, "V1"),
            ("delivery", "C2", date(2026, 3, 11), "V2"),
            ("delivery", "C3", last, "V3"),
        ]
        assert [s.customer.id for s in both] == ["C1", "C2", "C3"]
        assert [len(s.hits) for s in both] == [2, 2, 2]
        assert [v.id for v in both[0].vehicles] == ["V1"]

    def test_anchor_subject_is_the_current_owner(self) -> None:
        uow, _ = self.fresh()
        day = date(2026, 3, 10)
        with uow:
            for c in ("C1", "C2", "C3"):
                uow.customers.add(customer(c))
            uow.vehicles.add(vehicle("V1", first_registration=date(2020, 3, 10)))
            uow.vehicles.add(vehicle("V2", delivery_date=day))
            uow.vehicles.add(vehicle("V3", delivery_date=day, is_stock=True))  # nobody holds
            uow.vehicles.add(vehicle("V4"))
            uow.ownerships.add(ownership("O1", "C1", "V1", until=date(2023, 1, 1)))
            uow.ownerships.add(ownership("O2", "C2", "V1", since=date(2023, 1, 1)))
            uow.ownerships.add(ownership("O3", "C2", "V4"))
            uow.ownerships.add(ownership("O4", "C3", "V2"))
            subjects = uow.anchors.subjects(
                D1,
                {
                    AnchorKind.FIRST_REGISTRATION: [
                        DateRange(date(2020, 3, 10), date(2020, 3, 10))
                    ],
                    AnchorKind.DELIVERY: [DateRange(day, day)],
                },
                tz=SHANGHAI,
            )
        assert _hits(subjects) == [
            ("first_registration", "C2", date(2020, 3, 10), "V1"),
            ("delivery", "C3", day, "V2"),
        ]
        # a subject comes with every vehicle it holds, not only the one that hit
        assert [v.id for v in subjects[0].vehicles] == ["V1", "V4"]

    def test_anchor_birthdays_across_the_year_end(self) -> None:
        uow, _ = self.fresh()
        birthdays = {
            "C1": date(1980, 12, 27),
            "C2": date(1990, 12, 28),
            "C3": date(1975, 12, 31),
            "C4": date(2001, 1, 1),
            "C5": date(1969, 1, 3),
            "C6": date(1988, 1, 4),
        }
        with uow:
            for cid, day in birthdays.items():
                uow.customers.add(customer(cid, birthday=day))
            uow.customers.add(customer("C7"))
            subjects = uow.anchors.subjects(
                D1,
                {AnchorKind.BIRTHDAY: [DateRange(date(2026, 12, 28), date(2027, 1, 3))]},
                tz=SHANGHAI,
            )
        assert _hits(subjects) == [
            ("birthday", "C2", date(2026, 12, 28), None),
            ("birthday", "C3", date(2026, 12, 31), None),
            ("birthday", "C4", date(2027, 1, 1), None),
            ("birthday", "C5", date(2027, 1, 3), None),
        ]

    def test_anchor_birthday_on_29_february(self) -> None:
        uow, _ = self.fresh()
        with uow:
            uow.customers.add(customer("C1", birthday=date(1992, 2, 29)))
            uow.customers.add(customer("C2", birthday=date(1990, 2, 28)))
            uow.customers.add(customer("C3", birthday=date(1990, 3, 1)))

            def on(first: date, last: date) -> list[tuple[str, str, date, str | None]]:
                windows = {AnchorKind.BIRTHDAY: [DateRange(first, last)]}
                return _hits(uow.anchors.subjects(D1, windows, tz=SHANGHAI))

            common_28 = on(date(2027, 2, 28), date(2027, 2, 28))
            common_1 = on(date(2027, 3, 1), date(2027, 3, 1))
            leap_28 = on(date(2028, 2, 28), date(2028, 2, 28))
            leap_29 = on(date(2028, 2, 29), date(2028, 2, 29))
        assert common_28 == [
            ("birthday", "C1", date(2027, 2, 28), None),
            ("birthday", "C2", date(2027, 2, 28), None),
        ]
        assert common_1 == [("birthday", "C3", date(2027, 3, 1), None)]
        assert leap_28 == [("birthday", "C2", date(2028, 2, 28), None)]
        assert leap_29 == [("birthday", "C1", date(2028, 2, 29), None)]

    def test_anchor_repair_hand_back_by_local_day(self) -> None:
        uow, _ = self.fresh()
        # 10 March 2026 in Shanghai runs from 9 March 16:00 UTC to 10 March 16:00 UTC
        start = datetime(2026, 3, 9, 16, 0, tzinfo=UTC)
        handed_back = {
            "R0": start - timedelta(microseconds=1),
            "R1": start,
            "R2": start + timedelta(days=1) - timedelta(microseconds=1),
            "R3": start + timedelta(days=1),
        }
        with uow:
            uow.customers.add(customer("C1"))
            uow.vehicles.add(vehicle("V1"))
            for rid, at in handed_back.items():
                uow.interactions.add(
                    repair_order(
                        rid, "V1", "C1", occurred_at=at - timedelta(hours=3), handed_back_at=at
                    )
                )
            uow.interactions.add(repair_order("R9", "V1", None, start, handed_back_at=start))
            day = DateRange(date(2026, 3, 10), date(2026, 3, 10))
            subjects = uow.anchors.subjects(D1, {AnchorKind.REPAIR_HANDED_BACK: [day]}, tz=SHANGHAI)
        hits = [(h.interaction_id, h.on) for s in subjects for h in s.hits]
        assert hits == [("R1", date(2026, 3, 10)), ("R2", date(2026, 3, 10))]

    def test_anchor_last_visit_is_the_latest_visit_only(self) -> None:
        uow, _ = self.fresh()
        in_window = datetime(2025, 9, 1, 2, 0, tzinfo=UTC)
        with uow:
            for c in ("C1", "C2", "C3"):
                uow.customers.add(customer(c))
            for v in ("V1", "V2", "V3"):
                uow.vehicles.add(vehicle(v))
            uow.ownerships.add(ownership("O1", "C1", "V1"))
            uow.ownerships.add(ownership("O2", "C2", "V2"))
            # V1: last visit in the window → due; V2: came back later → not lost
            uow.interactions.add(repair_order("I1", "V1", "C1", in_window - timedelta(days=90)))
            uow.interactions.add(repair_order("I2", "V1", "C1", in_window))
            uow.interactions.add(repair_order("I3", "V2", "C2", in_window))
            uow.interactions.add(repair_order("I4", "V2", "C2", in_window + timedelta(days=60)))
            # V3 has no current owner: the visit's customer is the subject
            uow.interactions.add(repair_order("I5", "V3", "C3", in_window))
            window = DateRange(date(2025, 8, 25), date(2025, 9, 5))
            subjects = uow.anchors.subjects(D1, {AnchorKind.LAST_VISIT: [window]}, tz=SHANGHAI)
        hits = [
            (h.customer_id, h.vehicle_id, h.interaction_id, h.on) for s in subjects for h in s.hits
        ]
        assert hits == [
            ("C1", "V1", "I2", date(2025, 9, 1)),
            ("C3", "V3", "I5", date(2025, 9, 1)),
        ]

    def test_anchor_several_windows_dealers_and_no_match(self) -> None:
        uow, _ = self.fresh()
        with uow:
            for d in (D1, D2):
                uow.customers.add(customer("C1", d))
                uow.vehicles.add(vehicle("V1", d, insurance_expiry=date(2026, 4, 1)))
                uow.ownerships.add(ownership("O1", "C1", "V1", d))
            windows = {
                AnchorKind.INSURANCE_EXPIRY: [
                    DateRange(date(2026, 3, 1), date(2026, 3, 2)),
                    DateRange(date(2026, 4, 1), date(2026, 4, 1)),
                ]
            }
            found = uow.anchors.subjects(D1, windows, tz=SHANGHAI)
            empty = uow.anchors.subjects(
                D1,
                {AnchorKind.DELIVERY: [DateRange(date(2026, 4, 1), date(2026, 4, 1))]},
                tz=SHANGHAI,
            )
            nothing_asked = uow.anchors.subjects(D1, {}, tz=SHANGHAI)
            with pytest.raises(ValidationError):
                uow.anchors.subjects(
                    D1,
                    {AnchorKind.HOLIDAY: [DateRange(date(2026, 4, 1), date(2026, 4, 1))]},
                    tz=SHANGHAI,
                )
        assert [(s.customer.dealer_id, s.customer.id) for s in found] == [("D1", "C1")]
        assert found[0].hits == (
            AnchorHit(
                AnchorKind.INSURANCE_EXPIRY, date(2026, 4, 1), CustomerId("C1"), VehicleId("V1")
            ),
        )
        assert empty == []
        assert nothing_asked == []


_UNICODE_TEXTS = (
    "王芳",
    "欧阳娜娜",
    "𠮷野家 𩸽",  # outside the Basic Multilingual Plane
    "é",  # precomposed
    "é",  # e + combining accent: must stay distinct from the above
    "上海市浦东新区张江路 1 号 2 栋 301 室",
    "Ｆｕｌｌｗｉｄｔｈ　ｓｐａｃｅ",
    "emoji 🚗👨‍👩‍👧 flags 🇨🇳",
    "עברית / العربية",
    "tab\tnew\nline\r\n",
    "  leading and trailing  ",
    "'; DROP TABLE customers; --",
    "\\N \\x00 %s ?",
)


class TextContract(StorageContractBase):
    """Text is stored exactly: no normalisation, no trimming, no re-encoding."""

    def test_text_is_stored_code_point_for_code_point(self) -> None:
        uow, _ = self.fresh()
        assert unicodedata.normalize("NFC", _UNICODE_TEXTS[4]) == _UNICODE_TEXTS[3]
        with uow:
            for i, text in enumerate(_UNICODE_TEXTS):
                uow.customers.add(
                    customer(f"C{i:02}", name=text, home_address=text, preferences=text)
                )
                uow.interactions.add(interaction(f"I{i:02}", notes=text))
        with uow:
            stored = uow.customers.by_dealer(D1)
            notes = [i.notes for i in uow.interactions.by_dealer(D1)]
        for text, c, note in zip(_UNICODE_TEXTS, stored, notes, strict=True):
            assert c.name.encode("utf-8") == text.encode("utf-8")
            assert (c.home_address, c.preferences, note) == (text, text, text)

    def test_text_ids_may_be_any_text(self) -> None:
        uow, _ = self.fresh()
        ids = ["客户-001", "C/1", "c 1", "C1", "🚗"]
        with uow:
            for id in ids:
                uow.customers.add(customer(id))
            assert [c.id for c in uow.customers.by_dealer(D1)] == sorted(ids)

    def test_text_with_nul_is_refused(self) -> None:
        uow, _ = self.fresh()
        with uow:
            with pytest.raises(ValidationError):
                uow.customers.add(customer("C1", name="王\x00芳"))
            with pytest.raises(ValidationError):
                uow.interactions.add(
                    interaction(
                        "I1",
                        kind=InteractionKind.REPAIR_ORDER,
                        detail=RepairOrder(reporter_name="\x00"),
                    )
                )
            # in bulk: one bad record among good ones refuses the whole call
            with pytest.raises(ValidationError):
                uow.customers.add_many(
                    [customer("C2"), customer("C3", home_address="上海\x00"), customer("C4")]
                )
            with pytest.raises(ValidationError):
                uow.interactions.add_many(
                    [
                        interaction("I2", kind=InteractionKind.REPAIR_ORDER, detail=RepairOrder()),
                        interaction(
                            "I3",
                            kind=InteractionKind.REPAIR_ORDER,
                            detail=RepairOrder(callback_phone="138\x00"),
                        ),
                    ]
                )
            # a backslash and "u0000" is text like any other, not an escaped NUL
            uow.interactions.add_many(
                [
                    interaction(
                        "I4",
                        kind=InteractionKind.REPAIR_ORDER,
                        notes="C:\\u0000",
                        detail=RepairOrder(reporter_name="\\u0000"),
                    )
                ]
            )
            assert uow.customers.by_dealer(D1) == []
            assert [i.id for i in uow.interactions.by_dealer(D1)] == ["I4"]

    def test_text_with_a_lone_surrogate_is_refused(self) -> None:
        # "\ud800" alone is not Unicode: no UTF-8 driver can encode it
        uow, _ = self.fresh()
        detail = RepairOrder(reporter_name="\udc80")
        writes: list[Callable[[], object]] = [
            lambda: uow.customers.add(customer("C1", name="王\ud800")),
            lambda: uow.customers.add_many([customer("C2"), customer("C3", home_address="\udfff")]),
            lambda: uow.interactions.add(
                interaction("I1", kind=InteractionKind.REPAIR_ORDER, detail=detail)
            ),
        ]
        with uow:
            for write in writes:
                with pytest.raises(ValidationError):
                    write()
            assert uow.customers.by_dealer(D1) == []
            assert uow.interactions.by_dealer(D1) == []


class PersonalDataContract(StorageContractBase):
    """Access and erasure requests answer the same on every adapter."""

    def _customer_with_history(self) -> UnitOfWork:
        uow, _ = self.fresh()
        with uow:
            uow.customers.add(
                customer(
                    "C1",
                    mobile="13812345678",
                    home_address="上海市徐汇区",
                    birthday=date(1990, 5, 17),
                    id_number="310101199005170027",
                    email="wang.fang@example.com",
                )
            )
            uow.customers.add(customer("C2", name="李雷"))
            uow.vehicles.add(vehicle("V1", plate="沪A12345"))
            uow.ownerships.add(ownership("O1", "C1", "V1"))
            uow.interactions.add(
                repair_order(
                    "I1", "V1", "C1", T0, reporter_name="王芳", reporter_phone="13812345678"
                )
            )
            uow.interactions.add(
                interaction(
                    "I2",
                    kind=InteractionKind.CALLBACK,
                    customer_id=CustomerId("C1"),
                    notes="客户说周末再打",
                    detail=Callback(outcome=CallbackOutcome.REACHED, satisfaction=4),
                )
            )
            uow.cases.add(case("K1", customer_id=CustomerId("C1"), caller_phone="13812345678"))
            uow.tasks.upsert([task("T1", "C1"), task("T2", "C1", status=TaskStatus.DONE)])
            uow.outbox.enqueue([message("M1", "C1")])
            uow.club_members.add(club_member("M1", "C1", card_number="88880001"))
            uow.points.add(points_entry("E1", "M1"))
            uow.referrals.add(referral("R1", "C1", "C2"))
            uow.audit.append(audit_entry("A1", "C1"))
            uow.interactions.add(interaction("I9", customer_id=CustomerId("C2"), notes="李雷"))
        return uow

    def test_export_holds_everything_on_the_customer(self) -> None:
        uow = self._customer_with_history()
        with uow:
            data = uow.export_customer(D1, CustomerId("C1"))
            with pytest.raises(NotFoundError):
                uow.export_customer(D1, CustomerId("C404"))
        text = json.dumps(data, ensure_ascii=False)  # JSON-ready as it is
        assert data["format"] == EXPORT_FORMAT
        assert data["customer"]["mobile"] == "13812345678"
        assert [v["id"] for v in data["vehicles"]] == ["V1"]
        counts = {
            key: len(data[key])
            for key in (
                "ownerships",
                "interactions",
                "cases",
                "tasks",
                "messages",
                "club_members",
                "points",
                "referrals",
                "audit",
            )
        }
        assert counts == {
            "ownerships": 1,
            "interactions": 2,
            "cases": 1,
            "tasks": 2,
            "messages": 1,
            "club_members": 1,
            "points": 1,
            "referrals": 1,
            "audit": 1,
        }
        assert "李雷" not in text  # another customer's data is not in the export

    def test_erase_anonymises_and_keeps_history(self) -> None:
        uow = self._customer_with_history()
        with uow:
            changed = uow.erase_customer(D1, CustomerId("C1"))
        with uow:
            again = uow.erase_customer(D1, CustomerId("C1"))
            data = uow.export_customer(D1, CustomerId("C1"))
            c = uow.customers.get(D1, CustomerId("C1"))
            repair = uow.interactions.get(D1, "I1")  # type: ignore[arg-type]
            call = uow.interactions.get(D1, "I2")  # type: ignore[arg-type]
            t1, t2 = uow.tasks.of_customer(D1, CustomerId("C1"))
            m1 = uow.outbox.get(D1, MessageId("M1"))
            other = uow.customers.get(D1, CustomerId("C2"))
            with pytest.raises(NotFoundError):
                uow.erase_customer(D1, CustomerId("C404"))
        # customer, 2 interactions, case, 2 tasks, message, member
        assert (changed, again) == (8, 0)
        assert (c.name, c.mobile, c.home_address, c.birthday, c.id_number, c.email) == (
            ERASED,
            None,
            None,
            None,
            None,
            None,
        )
        assert c.do_not_disturb
        assert c.version == 2
        assert isinstance(repair.detail, RepairOrder)
        assert repair.detail.reporter_phone is None
        assert isinstance(call.detail, Callback)
        assert call.detail.satisfaction == 4
        assert call.notes is None
        assert (t1.status, t2.status) == (TaskStatus.CANCELLED, TaskStatus.DONE)
        assert (m1.status, m1.recipient, m1.body) == (MessageStatus.SUPPRESSED, ERASED, ERASED)
        assert other.name == "李雷"
        text = json.dumps(data, ensure_ascii=False)
        for personal in ("13812345678", "上海市徐汇区", "310101199005170027", "王芳", "88880001"):
            assert personal not in text
        assert len(data["interactions"]) == 2
        assert len(data["points"]) == 1

    def test_export_and_erase_cover_policies_and_surveys(self) -> None:
        uow, _ = self.fresh()
        with uow:
            uow.customers.add(customer("C1", mobile="13812345678"))
            uow.customers.add(customer("C2", name="李雷"))
            uow.vehicles.add(vehicle("V1"))
            uow.insurance_policies.add(
                insurance_policy(
                    "P1",
                    "V1",
                    customer_id=CustomerId("C1"),
                    insurer="平安产险",
                    premium=Decimal("5230.00"),
                )
            )
            uow.insurance_policies.add(
                insurance_policy(
                    "P2",
                    "V1",
                    customer_id=CustomerId("C1"),
                    starts_on=date(2027, 3, 1),
                    ends_on=date(2028, 2, 29),
                    renewal_of=PolicyId("P1"),
                    insurer="平安产险",
                    premium=Decimal("4980.00"),
                )
            )
            uow.insurance_policies.add(
                insurance_policy("P3", "V1", customer_id=CustomerId("C2"), insurer="太平洋产险")
            )
            uow.survey_responses.add(
                survey_response(
                    "S1",
                    customer_id=CustomerId("C1"),
                    overall=4,
                    would_recommend=Recommendation.PROBABLY,
                    subject_interaction_id=InteractionId("I1"),
                    answers=(SurveyAnswer("repair_quality", 4),),
                )
            )
            uow.survey_responses.add(survey_response("S2", customer_id=CustomerId("C2")))
            before = uow.export_customer(D1, CustomerId("C1"))
            changed = uow.erase_customer(D1, CustomerId("C1"))
            again = uow.erase_customer(D1, CustomerId("C1"))
            after = uow.export_customer(D1, CustomerId("C1"))
            p1, p2 = uow.insurance_policies.of_customer(D1, CustomerId("C1"))
            p3 = uow.insurance_policies.get(D1, PolicyId("P3"))
            (s1,) = uow.survey_responses.of_customer(D1, CustomerId("C1"))
        assert [p["id"] for p in before["insurance_policies"]] == ["P1", "P2"]
        assert before["insurance_policies"][0]["insurer"] == "平安产险"
        assert [s["id"] for s in before["survey_responses"]] == ["S1"]
        assert "李雷" not in json.dumps(before, ensure_ascii=False)
        assert (changed, again) == (3, 0)  # the customer and two policies
        # the renewal rate still reads the same terms, renewal link and seller
        assert [(p.id, p.ends_on, p.renewal_of, p.sold_by_dealer) for p in (p1, p2)] == [
            ("P1", date(2027, 2, 28), None, True),
            ("P2", date(2028, 2, 29), "P1", True),
        ]
        assert (p1.insurer, p1.premium, p2.insurer, p2.premium) == (None, None, None, None)
        assert (p3.insurer, p3.version) == ("太平洋产险", 1)  # another customer's term
        # the survey counts as before: scores only, nothing that names anyone
        assert (s1.overall, s1.would_recommend, s1.answers, s1.version) == (
            4,
            Recommendation.PROBABLY,
            (SurveyAnswer("repair_quality", 4),),
            1,
        )
        text = json.dumps(after, ensure_ascii=False)
        for personal in ("13812345678", "平安产险", "5230.00"):
            assert personal not in text
        assert len(after["insurance_policies"]) == 2
        assert len(after["survey_responses"]) == 1


class StorageContract(
    RepositoryContract,
    DealerRepositoryContract,
    UnitOfWorkContract,
    TaskRepositoryContract,
    OutboxRepositoryContract,
    QueryContract,
    AuditLogContract,
    AnchorQueryContract,
    ScoringRecordsContract,
    TextContract,
    PersonalDataContract,
):
    """Every storage contract at once: what a complete adapter passes."""
