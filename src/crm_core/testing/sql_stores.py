"""Fresh SQL stores for tests, cheap enough to make one per test.

Migrating a database takes a while; these helpers migrate once per session and then
copy (SQLite: the file) or empty (PostgreSQL: ``TRUNCATE``) it for each test.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import sqlalchemy as sa

from crm_core.adapters.sql import SqlStorage, create_engine, upgrade
from crm_core.adapters.sql.schema import metadata
from crm_core.domain.ports.storage import Clock

__all__ = ["SqlStoreFactory", "make_sqlite_template"]


def make_sqlite_template(path: Path) -> Path:
    """Create a migrated, empty SQLite database at ``path`` to copy for each test.

    The database is whole in one file (WAL folded in), so that copying it copies the
    database."""
    upgrade(path)
    engine = create_engine(path)
    try:
        raw = engine.raw_connection()  # outside a transaction: checkpoints cannot run in one
        try:
            raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
    finally:
        engine.dispose()
    return path


class SqlStoreFactory:
    """A fresh, empty SQL store per test: a copy of an SQLite template, or a wiped PostgreSQL.

    :meth:`close` releases the SQLite stores' connections."""

    def __init__(self, sqlite_template: Path, directory: Path) -> None:
        self._template = sqlite_template
        self._directory = directory
        self._opened: list[SqlStorage] = []

    def sqlite(self, clock: Clock) -> SqlStorage:
        path = self._directory / f"store{len(self._opened)}.db"
        shutil.copyfile(self._template, path)
        storage = SqlStorage.open(path, clock=clock, upgrade=False)
        self._opened.append(storage)
        return storage

    @staticmethod
    def postgres(engine: sa.Engine, clock: Clock) -> SqlStorage:
        """Empty every table of the database behind ``engine``; a store on it."""
        names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
        with engine.begin() as conn:
            conn.exec_driver_sql(f"TRUNCATE {names}")
        return SqlStorage(engine, clock=clock)

    def close(self) -> None:
        for storage in self._opened:
            storage.close()
