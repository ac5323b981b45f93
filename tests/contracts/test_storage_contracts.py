"""Our three adapters held to the shipped storage contracts."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from crm_core.adapters.memory import MemoryStorage
from crm_core.domain.ports.storage import Clock, UnitOfWork
from crm_core.testing.sql_stores import SqlStoreFactory
from crm_core.testing.storage_contracts import StorageContract


class TestMemoryStorage(StorageContract):
    def make_unit_of_work(self, clock: Clock) -> UnitOfWork:
        return MemoryStorage(clock=clock).unit_of_work()


class TestSqliteStorage(StorageContract):
    @pytest.fixture(autouse=True)
    def _factory(self, store_factory: SqlStoreFactory) -> None:
        self.factory = store_factory

    def make_unit_of_work(self, clock: Clock) -> UnitOfWork:
        return self.factory.sqlite(clock).unit_of_work()


class TestPostgresStorage(StorageContract):
    @pytest.fixture(autouse=True)
    def _engine(self, postgres_engine: sa.Engine) -> None:
        self.engine = postgres_engine

    def make_unit_of_work(self, clock: Clock) -> UnitOfWork:
        return SqlStoreFactory.postgres(self.engine, clock).unit_of_work()
