"""Fields the records gained after 0003: task contact details, event points.

The planner copies the repair order's reporter, callback phone and preferred time onto
the after-sales callback task (seed 001: call the person who brought the car, at the
time and number recorded on the order); existing tasks keep NULL. A points entry says
whether a club event awarded it (seed 002: event points under 100 do not count toward
activity); existing entries are not from events.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_COLUMNS = ("contact_name", "contact_phone", "preferred_time")


def upgrade() -> None:
    for name in _COLUMNS:
        op.add_column("tasks", sa.Column(name, sa.Text))
    op.add_column(
        "points",
        sa.Column("from_event", sa.Boolean, nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_column("points", "from_event")
    for name in reversed(_COLUMNS):
        op.drop_column("tasks", name)
