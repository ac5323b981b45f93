"""What only the SQL adapter has: engine set-up, the bulk paths, error translation, and
PostgreSQL's non-blocking claims."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from crm_core.adapters.sql import create_engine
from crm_core.adapters.sql.engine import to_url
from crm_core.domain.ids import CustomerId
from crm_core.errors import ConflictError, DuplicateError, NotFoundError, ValidationError
from crm_core.testing.records import D1, T0, TickingClock, customer, message, ownership, vehicle
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
