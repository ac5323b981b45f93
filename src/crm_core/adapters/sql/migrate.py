"""Schema migrations (Alembic), shipped in the package and applied by one call.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "crm.db"
>>> upgrade(path)
>>> current_revision(path) == head_revision()
True

The same happens from the command line with ``crm-core db upgrade URL``. Upgrading is
idempotent and safe to run from several processes at once: PostgreSQL serialises it with
an advisory lock, SQLite with its write lock.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.engine import URL

from crm_core.adapters.sql._errors import translated
from crm_core.adapters.sql.engine import create_engine
from crm_core.errors import RepositoryError

__all__ = [
    "current_revision",
    "downgrade",
    "head_revision",
    "revisions",
    "upgrade",
    "upgrade_engine",
]

MIGRATIONS = Path(__file__).parent / "migrations"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def revisions() -> list[str]:
    """Every revision id, oldest first."""
    script = ScriptDirectory.from_config(_config())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def head_revision() -> str:
    """The newest schema revision this version of crm_core ships, which :func:`upgrade` reaches.

    A database whose :func:`current_revision` differs needs migrating before use.
    """
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def upgrade(target: str | os.PathLike[str] | URL, revision: str = "head") -> None:
    """Migrate a database to the newest schema (or to ``revision``), creating it if empty.

    ``target`` is a URL or an SQLite file path; an empty database gets every table."""
    engine = create_engine(target)
    try:
        upgrade_engine(engine, revision)
    finally:
        engine.dispose()


def upgrade_engine(engine: sa.Engine, revision: str = "head") -> None:
    """:func:`upgrade` on an existing engine."""
    _run(engine, command.upgrade, revision)


def downgrade(target: str | os.PathLike[str] | URL, revision: str) -> None:
    """Take a database's schema back to ``revision`` (``"base"``: drop every table).

    Data in what is dropped is lost; meant for rolling back a failed deployment."""
    engine = create_engine(target)
    try:
        _run(engine, command.downgrade, revision)
    finally:
        engine.dispose()


def _run(engine: sa.Engine, step: Callable[[Config, str], None], revision: str) -> None:
    config = _config()
    try:
        with translated("migrate the schema"), engine.begin() as connection:
            config.attributes["connection"] = connection
            step(config, revision)
    except CommandError as exc:
        raise RepositoryError(f"cannot migrate to {revision!r}: {exc}") from exc


def current_revision(target: str | os.PathLike[str] | URL) -> str | None:
    """The revision the database is at (``None`` for an empty database)."""
    engine = create_engine(target)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()
