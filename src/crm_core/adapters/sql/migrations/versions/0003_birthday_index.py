"""Birthdays by month and day: a derived, indexed column for the agenda's birthday read.

A birthday window (28 December to 3 January) spans years; comparing the full date would
need one range per birth year. ``birthday_md`` (month * 100 + day) turns it into one or
two index ranges. Existing rows are backfilled.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("customers", sa.Column("birthday_md", sa.Integer))
    if op.get_bind().dialect.name == "postgresql":
        month_day = "EXTRACT(MONTH FROM birthday) * 100 + EXTRACT(DAY FROM birthday)"
    else:
        month_day = "CAST(strftime('%m%d', birthday) AS INTEGER)"
    op.execute(f"UPDATE customers SET birthday_md = {month_day} WHERE birthday IS NOT NULL")
    op.create_index("ix_customers_birthday_md", "customers", ["dealer_id", "birthday_md"])


def downgrade() -> None:
    op.drop_index("ix_customers_birthday_md", "customers")
    op.drop_column("customers", "birthday_md")
