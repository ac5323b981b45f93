"""Fixtures shared by every test directory: the databases storage tests run on."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from crm_core.adapters.sql import create_engine, upgrade
from crm_core.testing.postgres import create_database, drop_database
from crm_core.testing.sql_stores import SqlStoreFactory, make_sqlite_template


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A migrated, empty PostgreSQL database for this test session on a real server
    (the embedded one, or the one ``CRM_CORE_TEST_PG_URL`` names)."""
    url = create_database()
    upgrade(url)
    yield url
    drop_database(url)


@pytest.fixture(scope="session")
def postgres_engine(postgres_url: str) -> Iterator[sa.Engine]:
    engine = create_engine(postgres_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_sqlite_template(tmp_path_factory.mktemp("sqlite-template") / "template.db")


@pytest.fixture
def store_factory(sqlite_template: Path, tmp_path: Path) -> Iterator[SqlStoreFactory]:
    factory = SqlStoreFactory(sqlite_template, tmp_path)
    yield factory
    factory.close()
