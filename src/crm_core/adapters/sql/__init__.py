"""SQL storage: SQLite (embedded default) and PostgreSQL, on SQLAlchemy Core.

Needs the ``sql`` extra (``pip install crm-core[sql]``), plus ``postgres`` for PostgreSQL.
"""

from crm_core.adapters.sql.engine import create_engine
from crm_core.adapters.sql.migrate import current_revision, downgrade, head_revision, upgrade
from crm_core.adapters.sql.storage import SqlStorage, SqlUnitOfWork

__all__ = [
    "SqlStorage",
    "SqlUnitOfWork",
    "create_engine",
    "current_revision",
    "downgrade",
    "head_revision",
    "upgrade",
]
