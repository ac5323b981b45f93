"""Engines for the two supported databases, set up the way the adapter relies on.

SQLite: a file path is enough. The database runs in WAL mode (readers never block the
writer), enforces foreign keys, waits up to ``busy_timeout`` for another process's write
lock, keeps a 64 MiB page cache per connection, and every unit of work begins with
``BEGIN IMMEDIATE``: it takes the write lock up front, so two processes planning the same
day queue behind each other instead of both reading, then one failing with "database is
locked" when it tries to write.

PostgreSQL: psycopg 3 (``postgresql://`` URLs are routed to it), transactions in
``READ COMMITTED``; the adapter's writes are written to be correct under it (versioned
updates, ``ON CONFLICT DO NOTHING``, ``FOR UPDATE SKIP LOCKED``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, make_url

from crm_core.errors import ValidationError

__all__ = ["create_engine", "to_url"]

SQLITE_BUSY_TIMEOUT_MS = 30_000
SQLITE_CACHE_KIB = 64 * 1024  # per connection, for reads; bulk loads ran as fast with
# SQLite's default 2 MiB, the file being in the OS page cache (docs/performance.md)


def to_url(target: str | os.PathLike[str] | URL) -> URL:
    """A database URL from a URL or a plain SQLite file path.

    >>> to_url("crm.db").render_as_string()
    'sqlite:///crm.db'
    >>> to_url("postgresql://crm@localhost/crm").drivername
    'postgresql+psycopg'
    """
    if isinstance(target, URL):
        url = target
    elif isinstance(target, os.PathLike) or "://" not in str(target):
        return URL.create("sqlite", database=str(Path(target)))
    else:
        url = make_url(str(target))
    if url.get_backend_name() == "postgresql":
        return url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() == "sqlite":
        return url.set(drivername="sqlite")
    raise ValidationError(
        f"unsupported database {url.get_backend_name()!r}: use SQLite or PostgreSQL",
        field="url",
    )


def create_engine(target: str | os.PathLike[str] | URL, **kwargs: Any) -> sa.Engine:
    """A SQLAlchemy engine for a database URL or an SQLite file, set up as the adapter needs.

    The module docstring says how each database is configured and why."""
    url = to_url(target)
    if url.get_backend_name() == "sqlite":
        if url.database in (None, "", ":memory:"):
            raise ValidationError(
                "an SQLite store needs a file: several connections share it "
                "(use MemoryStorage for a throwaway store)",
                field="url",
            )
        folder = Path(url.database).parent
        if not url.query.get("uri") and not folder.is_dir():
            # SQLite creates the file, not its folder; its own words for this are
            # "unable to open database file", which does not say which part is missing
            raise ValidationError(
                f"no directory {folder} for the SQLite file {Path(url.database).name}",
                field="url",
            )
        engine = sa.create_engine(url, **kwargs)
        _configure_sqlite(engine)
        return engine
    try:
        return sa.create_engine(url, **kwargs)
    except ModuleNotFoundError as exc:
        if exc.name != "psycopg":
            raise
        # the `sql` extra is enough for SQLite; say which extra brings the driver
        raise ModuleNotFoundError(
            "PostgreSQL needs the psycopg driver: pip install 'crm-core[postgres]'",
            name=exc.name,
        ) from exc


def _configure_sqlite(engine: sa.Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _: Any) -> None:
        # let SQLAlchemy's "begin" event below issue BEGIN itself (pysqlite would
        # otherwise begin lazily, as a deferred transaction, before the first write)
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: sa.Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
