"""Bad arguments to our storage adapters: a typed error naming the argument, the same on
the in-memory store and on SQLite (not a TypeError from a comparison, a driver's
OverflowError, or a silently different answer)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import pytest

from crm_core.adapters.memory import MemoryStorage
from crm_core.domain.ids import CustomerId, VehicleId
from crm_core.domain.ports.storage import UnitOfWork
from crm_core.errors import CrmCoreError, ValidationError
from crm_core.testing.records import D1, TickingClock, customer, interaction, vehicle
from crm_core.testing.sql_stores import SqlStoreFactory

NAIVE = datetime(2026, 3, 1, 10)  # noqa: DTZ001 - the bad argument under test
AWARE = datetime(2026, 3, 1, 10, tzinfo=UTC)


@pytest.fixture(params=["memory", "sqlite"])
def uow(request: pytest.FixtureRequest, store_factory: SqlStoreFactory) -> UnitOfWork:
    clock = TickingClock()
    store: UnitOfWork
    if request.param == "memory":
        store = MemoryStorage(clock=clock).unit_of_work()
    else:
        store = store_factory.sqlite(clock).unit_of_work()
    with store:
        store.customers.add_many([customer("C1"), customer("C2"), customer("C3")])
        store.interactions.add(interaction("I1", customer_id="C1"))
    return store


QUERIES: list[tuple[str, str, Callable[[UnitOfWork, Any], object]]] = [
    ("changed_since", "since", lambda u, t: u.customers.changed_since(D1, t)),
    ("interactions.between", "start", lambda u, t: u.interactions.between(D1, t, AWARE)),
    ("interactions.between", "end", lambda u, t: u.interactions.between(D1, AWARE, t)),
    ("cases.opened_between", "start", lambda u, t: u.cases.opened_between(D1, t, AWARE)),
    ("tasks.due_between", "end", lambda u, t: u.tasks.due_between(D1, AWARE, t)),
    (
        "survey_responses.answered_between",
        "start",
        lambda u, t: u.survey_responses.answered_between(D1, t, AWARE),
    ),
    (
        "corrective_actions.opened_between",
        "end",
        lambda u, t: u.corrective_actions.opened_between(D1, AWARE, t),
    ),
    ("audit.between", "start", lambda u, t: u.audit.between(D1, t, AWARE)),
    (
        "outbox.claim_due",
        "now",
        lambda u, t: u.outbox.claim_due(now=t, worker="w", lease=timedelta(minutes=1), limit=5),
    ),
]


@pytest.mark.parametrize(
    ("query", "field", "run"), QUERIES, ids=[f"{q}-{f}" for q, f, _ in QUERIES]
)
def test_a_naive_query_bound_is_refused_naming_it(
    uow: UnitOfWork, query: str, field: str, run: Callable[[UnitOfWork, Any], object]
) -> None:
    # memory compared it (TypeError, or nothing at all in an empty table); SQLite failed
    # in SQLAlchemy's bind processing
    with uow, pytest.raises(ValidationError, match="expected an aware datetime") as caught:
        run(uow, NAIVE)
    assert caught.value.field == field


@pytest.mark.parametrize(
    "page",
    [
        lambda u, n: u.customers.by_dealer(D1, limit=n),
        lambda u, n: u.customers.changed_since(D1, AWARE - timedelta(days=1), limit=n),
        lambda u, n: u.outbox.by_status(D1, limit=n),
    ],
)
def test_a_negative_limit_is_refused(
    uow: UnitOfWork, page: Callable[[UnitOfWork, int], list[object]]
) -> None:
    # rows[:-1] dropped the last record of the page; SQL's LIMIT -1 returned all of them
    with uow:
        with pytest.raises(ValidationError, match="0 or more, got -1") as caught:
            page(uow, -1)
        assert caught.value.field == "limit"
        assert page(uow, 0) == []


@pytest.mark.parametrize("text", ["\ud800", "上海\udfff路", "a\udc80", "\U0001f697\ud83d"])
def test_text_with_a_lone_surrogate_is_refused_naming_the_field(uow: UnitOfWork, text: str) -> None:
    # not Unicode: SQLite's driver raised UnicodeEncodeError, memory stored it
    with uow:
        with pytest.raises(ValidationError, match="lone surrogate") as caught:
            uow.customers.add(customer("C9", home_address=text))
        assert caught.value.field == "home_address"
        with pytest.raises(ValidationError, match="lone surrogate") as caught:
            uow.customers.add_many([customer("C8"), customer("C9", name=text)])
        assert caught.value.field == "name"
        assert [c.id for c in uow.customers.by_dealer(D1)] == ["C1", "C2", "C3"]


def test_an_id_with_a_lone_surrogate_is_an_error_not_a_crash(uow: UnitOfWork) -> None:
    with uow:
        with pytest.raises(ValidationError, match="lone surrogate") as caught:
            uow.customers.add(customer("C\udc80"))
        assert caught.value.field == "id"
        # a read cannot find it (memory) or cannot even ask for it (SQL): a typed error
        with pytest.raises(CrmCoreError):
            uow.customers.get(D1, CustomerId("C\udc80"))


@pytest.mark.parametrize("mileage", [2**63, 10**30])
def test_an_integer_beyond_64_bits_is_refused(uow: UnitOfWork, mileage: int) -> None:
    # SQLite's driver raised OverflowError; memory stored what no database can
    with uow:
        with pytest.raises(ValidationError, match=r"64 bits|out of the range"):
            uow.vehicles.add(vehicle("V1", mileage_km=mileage))
        uow.vehicles.add(vehicle("V2", mileage_km=2**63 - 1))
        assert uow.vehicles.get(D1, VehicleId("V2")).mileage_km == 2**63 - 1


def test_a_version_beyond_64_bits_is_a_typed_error(uow: UnitOfWork) -> None:
    with uow:
        stored = uow.customers.get(D1, CustomerId("C1"))
        with pytest.raises(CrmCoreError):
            uow.customers.update(attrs.evolve(stored, version=2**70))
        with pytest.raises(CrmCoreError):
            uow.customers.remove(D1, CustomerId("C1"), version=2**70)
        assert uow.customers.get(D1, CustomerId("C1")) == stored
