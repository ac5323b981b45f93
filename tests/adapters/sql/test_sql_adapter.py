"""What only the SQL adapter has: engine set-up, the bulk paths, error translation, and
PostgreSQL's non-blocking claims."""

from __future__ import annotations

import re
import sqlite3
import sys
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
import sqlalchemy as sa

from crm_core.adapters.sql import SqlStorage, create_engine
from crm_core.adapters.sql.engine import to_url
from crm_core.domain.contact import Channel
from crm_core.domain.customer import Gender
from crm_core.domain.ids import CustomerId, VehicleId
from crm_core.domain.interaction import InteractionKind, RepairOrder
from crm_core.domain.vehicle import UsageNature
from crm_core.errors import ConflictError, DuplicateError, NotFoundError, ValidationError
from crm_core.testing.records import (
    D1,
    D2,
    T0,
    TickingClock,
    customer,
    interaction,
    message,
    ownership,
    vehicle,
)
from crm_core.testing.sql_stores import SqlStoreFactory


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    engine = create_engine(tmp_path / "crm.db")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
    engine.dispose()


def test_targets_are_sqlite_paths_or_supported_urls(tmp_path: Path) -> None:
    assert to_url(tmp_path / "a.db").database == str(tmp_path / "a.db")
    assert to_url("sqlite:///x.db").drivername == "sqlite"
    assert to_url("postgresql+psycopg://u@h/db").drivername == "postgresql+psycopg"
    with pytest.raises(ValidationError, match="unsupported"):
        to_url("mysql://localhost/crm")
    with pytest.raises(ValidationError, match="needs a file"):
        create_engine("sqlite://")
    with pytest.raises(ValidationError) as caught:
        SqlStorage.open(tmp_path / "missing" / "crm.db")  # SQLite: "unable to open database file"
    missing = tmp_path / "missing"
    assert str(caught.value) == f"url: no directory {missing} for the SQLite file crm.db"


def test_postgresql_without_its_driver_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if only the `sql` extra were installed
    with pytest.raises(ModuleNotFoundError, match=re.escape("pip install 'crm-core[postgres]'")):
        create_engine("postgresql://crm@localhost/crm")


def test_sqlite_stores_utc_text_that_sorts_chronologically(
    store_factory: SqlStoreFactory,
) -> None:
    storage = store_factory.sqlite(TickingClock())
    plus8 = timezone(timedelta(hours=8))
    with storage.unit_of_work() as uow:
        uow.customers.add(customer("C1", created_at=datetime(2026, 1, 1, 7, 0, tzinfo=plus8)))
        uow.customers.add(customer("C2", created_at=datetime(2025, 12, 31, 23, 30, tzinfo=UTC)))
    with storage.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT id, created_at FROM customers ORDER BY created_at")
        assert [tuple(r) for r in rows] == [
            ("C1", "2025-12-31 23:00:00.000000"),
            ("C2", "2025-12-31 23:30:00.000000"),
        ]
    with storage.unit_of_work() as uow:
        c1 = uow.customers.get(D1, CustomerId("C1"))
    assert c1.created_at == datetime(2026, 1, 1, 7, 0, tzinfo=plus8)
    assert c1.created_at is not None
    assert c1.created_at.tzinfo is UTC


def test_sqlite_bulk_path_translates_duplicates(store_factory: SqlStoreFactory) -> None:
    storage = store_factory.sqlite(TickingClock())
    with storage.unit_of_work() as uow:
        assert uow.customers.add_many(customer(f"C{i}") for i in range(2500)) == 2500
        with pytest.raises(DuplicateError) as caught:
            uow.customers.add_many([customer("C9999"), customer("C7")])
        assert isinstance(caught.value.__cause__, sqlite3.IntegrityError)
        assert len(uow.customers.by_dealer(D1)) == 2500


def _mixed_records() -> list[list[Any]]:
    """Customers, vehicles, ownerships and interactions whose empty fields differ from
    record to record, with every kind of column: text, enums, booleans, dates, aware
    datetimes in several zones, decimals and JSON."""
    plus8 = timezone(timedelta(hours=8))
    customers = [
        customer("C1"),
        customer(
            "C2",
            gender=Gender.FEMALE,
            mobile="13812345678",
            home_address="上海市浦东新区 1 号",
            birthday=date(1988, 2, 29),
            created_at=datetime(2026, 1, 1, 7, 0, tzinfo=plus8),
            do_not_disturb=True,
            opted_out_channels=frozenset({Channel.SMS}),
        ),
        customer("C3", email="wang@example.cn", blacklisted=True, created_at=T0),
        customer("C4", mobile="13987654321", birthday=date(1970, 12, 31)),
    ]
    vehicles = [
        vehicle("V1"),
        vehicle("V2", plate="沪A12345", delivery_date=date(2024, 5, 1), mileage_km=12_000),
        vehicle("V3", usage=UsageNature.TAXI, is_used=True, warranty_end=date(2027, 1, 1)),
    ]
    ownerships = [
        ownership("O1", "C1", "V1"),
        ownership("O2", "C2", "V2", until=date(2025, 1, 1)),
        ownership("O3", "C2", "V3"),
    ]
    handed_back = datetime(2026, 2, 1, 18, 30, 0, 250, tzinfo=plus8)
    interactions = [
        interaction("I1", customer_id=CustomerId("C1")),
        interaction(
            "I2",
            kind=InteractionKind.REPAIR_ORDER,
            customer_id=CustomerId("C2"),
            vehicle_id=VehicleId("V2"),
            notes="换机油",
            detail=RepairOrder(
                handed_back_at=handed_back, amount=Decimal("1280.50"), reporter_name="李雷"
            ),
        ),
        interaction("I3", occurred_at=datetime(2025, 12, 31, 16, 0, tzinfo=UTC)),
    ]
    return [customers, vehicles, ownerships, interactions]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_bulk_path_stores_the_rows_single_adds_store(
    backend: str, store_factory: SqlStoreFactory, request: pytest.FixtureRequest
) -> None:
    """``add_many`` writes through the driver, bypassing SQLAlchemy's types, and on
    SQLite leaves NULL columns out of its INSERTs: the stored rows must still be the
    ones ``add`` stores, byte for byte."""

    def clock() -> datetime:
        return T0

    if backend == "sqlite":
        storage = store_factory.sqlite(clock)
    else:
        storage = SqlStoreFactory.postgres(request.getfixturevalue("postgres_engine"), clock)
    tables = ["customers", "vehicles", "ownerships", "interactions"]
    with storage.unit_of_work() as uow:
        for table, records in zip(tables, _mixed_records(), strict=True):
            for record in records:
                getattr(uow, table).add(record)
            moved = [attrs.evolve(r, dealer_id=D2) for r in records]
            assert getattr(uow, table).add_many(moved) == len(records)
    with storage.engine.connect() as conn:
        for table in tables:
            rows = {
                dealer: [
                    r[1:]
                    for r in conn.exec_driver_sql(
                        f"SELECT * FROM {table} WHERE dealer_id = '{dealer}' ORDER BY id"
                    )
                ]
                for dealer in (D1, D2)
            }
            assert rows[D2] == rows[D1]
            assert len(rows[D1]) >= 3
    with storage.unit_of_work() as uow:
        for table, records in zip(tables, _mixed_records(), strict=True):
            for record in records:
                assert getattr(uow, table).get(D2, record.id) == attrs.evolve(
                    record, dealer_id=D2, version=1, updated_at=T0
                )


def test_postgres_copy_path_and_translated_errors(postgres_engine: sa.Engine) -> None:
    storage = SqlStoreFactory.postgres(postgres_engine, TickingClock())
    with storage.unit_of_work() as uow:
        assert uow.customers.add_many(customer(f"C{i}") for i in range(2500)) == 2500
        with pytest.raises(DuplicateError) as caught:
            uow.customers.add_many([customer("C9999"), customer("C7")])
        assert type(caught.value.__cause__).__module__.startswith("psycopg")
        uow.vehicles.add(vehicle("V1"))
        with pytest.raises(NotFoundError):
            uow.ownerships.add_many([ownership("O1", "C-missing", "V1")])
        uow.ownerships.add(ownership("O1", "C1", "V1"))
        c1 = uow.customers.get(D1, CustomerId("C1"))
        with pytest.raises(ConflictError, match="still refer"):
            uow.customers.remove(D1, c1.id, version=c1.version)
        # every failure above was rolled back to its savepoint; the rest commits
    with storage.unit_of_work() as uow:
        assert len(uow.customers.by_dealer(D1)) == 2500
        assert [o.id for o in uow.ownerships.of_customer(D1, CustomerId("C1"))] == ["O1"]


def test_postgres_claims_skip_rows_another_dispatcher_holds(
    postgres_engine: sa.Engine,
) -> None:
    storage = SqlStoreFactory.postgres(postgres_engine, TickingClock())
    with storage.unit_of_work() as uow:
        uow.customers.add(customer("C1"))
        uow.outbox.enqueue(message(f"M{i}", "C1") for i in range(6))
    lease = timedelta(minutes=5)
    first, second = storage.unit_of_work(), storage.unit_of_work()
    with first:
        held = first.outbox.claim_due(now=T0, worker="w1", lease=lease, limit=3)
        with second:  # another connection, while the first transaction still holds its rows
            taken = second.outbox.claim_due(now=T0, worker="w2", lease=lease, limit=10)
    assert [m.id for m in held] == ["M0", "M1", "M2"]
    assert [m.id for m in taken] == ["M3", "M4", "M5"]
