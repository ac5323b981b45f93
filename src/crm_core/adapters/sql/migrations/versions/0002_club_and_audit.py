"""The owners'-club ledger (members, points, referrals) and the audit log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from crm_core.adapters.sql.migrations._ddl import fk, indexes, key, stamps
from crm_core.adapters.sql.schema import Id, UtcDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "club_members",
        *key(),
        sa.Column("customer_id", Id, nullable=False),
        sa.Column("applied_on", sa.Date, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("tier", sa.Text, nullable=False),
        sa.Column("joined_on", sa.Date),
        sa.Column("card_number", sa.Text),
        *stamps(),
        fk("customers", "customer_id"),
    )
    indexes("club_members", ("updated_at",), ("customer_id",))
    op.create_table(
        "points",
        *key(),
        sa.Column("member_id", Id, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("points", sa.BigInteger, nullable=False),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.Column("expires_on", sa.Date),
        sa.Column("spend", sa.Text),
        sa.Column("reference", sa.Text),
        *stamps(),
        fk("club_members", "member_id"),
    )
    indexes("points", ("updated_at",), ("member_id", "at"))
    op.create_table(
        "referrals",
        *key(),
        sa.Column("referrer_id", Id, nullable=False),
        sa.Column("referred_id", Id, nullable=False),
        sa.Column("recorded_at", UtcDateTime, nullable=False),
        sa.Column("sale_interaction_id", Id),
        *stamps(),
        fk("customers", "referrer_id"),
        fk("customers", "referred_id"),
    )
    indexes("referrals", ("updated_at",), ("referrer_id",), ("referred_id",))
    op.create_table(
        "audit",
        *key(),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("subject_type", sa.Text, nullable=False),
        sa.Column("subject_id", sa.Text, nullable=False),
        sa.Column("related_ids", sa.Text, nullable=False),
        sa.Column("detail", sa.Text),
        *stamps(),
    )
    indexes("audit", ("updated_at",), ("subject_type", "subject_id", "at"), ("at",))


def downgrade() -> None:
    for table in ("audit", "referrals", "points", "club_members"):
        op.drop_table(table)
