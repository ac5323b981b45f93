"""Column and index helpers the revisions share.

Revisions are history: once released, what a helper here produces must never change
(an old revision would then build another schema). Add a new helper instead.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from crm_core.adapters.sql.schema import Id, UtcDateTime


def key() -> list[sa.Column[Any]]:
    """``(dealer_id, id)``: the primary key of every table but ``dealers``."""
    return [sa.Column("dealer_id", Id, primary_key=True), sa.Column("id", Id, primary_key=True)]


def stamps() -> list[sa.Column[Any]]:
    return [
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    ]


def fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["dealer_id", column], [f"{table}.dealer_id", f"{table}.id"], name=f"fk_{column}_{table}"
    )


def indexes(table: str, *columns: tuple[str, ...]) -> None:
    """One index per column tuple, each led by ``dealer_id``."""
    for cols in columns:
        op.create_index(f"ix_{table}_{'_'.join(cols)}", table, ["dealer_id", *cols])


def text(name: str, nullable: bool = True) -> sa.Column[Any]:
    return sa.Column(name, sa.Text, nullable=nullable)
