"""Alembic environment: runs on the connection :func:`crm_core.adapters.sql.upgrade` opened."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

# any constant works; it only has to be the same for every process upgrading this database
_ADVISORY_LOCK = 0x63726D5F636F7265  # "crm_core"

connection = context.config.attributes["connection"]
if connection.dialect.name == "postgresql":
    # two processes upgrading at once: the second waits, then finds nothing to do
    connection.execute(sa.text(f"SELECT pg_advisory_xact_lock({_ADVISORY_LOCK})"))
context.configure(connection=connection, transactional_ddl=True)
with context.begin_transaction():
    context.run_migrations()
