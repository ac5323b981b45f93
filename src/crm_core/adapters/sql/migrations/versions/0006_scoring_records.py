"""The records the KPIs and reports read besides interactions: insurance policy terms
(the renewal rate), satisfaction survey responses (SSI / CSI) and corrective / preventive
actions (seed 001's action report). New tables only; nothing existing changes.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from crm_core.adapters.sql.migrations._ddl import fk, indexes, key, stamps, text
from crm_core.adapters.sql.schema import Id, UtcDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "insurance_policies",
        *key(),
        sa.Column("vehicle_id", Id, nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date, nullable=False),
        sa.Column("customer_id", Id),
        sa.Column("sold_by_dealer", sa.Boolean, nullable=False),
        sa.Column("renewal_of", Id),
        text("insurer"),
        text("premium"),
        *stamps(),
        fk("customers", "customer_id"),
        fk("vehicles", "vehicle_id"),
    )
    indexes(
        "insurance_policies",
        ("updated_at",),
        ("vehicle_id", "starts_on"),
        ("customer_id",),
        ("ends_on",),
        ("renewal_of",),
    )
    op.create_table(
        "survey_responses",
        *key(),
        text("kind", nullable=False),
        sa.Column("answered_at", UtcDateTime, nullable=False),
        sa.Column("overall", sa.Integer, nullable=False),
        text("would_recommend"),
        text("answers", nullable=False),
        sa.Column("customer_id", Id),
        sa.Column("subject_interaction_id", Id),
        text("source", nullable=False),
        *stamps(),
        fk("customers", "customer_id"),
    )
    indexes("survey_responses", ("updated_at",), ("customer_id", "answered_at"), ("answered_at",))
    op.create_table(
        "corrective_actions",
        *key(),
        text("kind", nullable=False),
        text("issue", nullable=False),
        text("description", nullable=False),
        sa.Column("owner_id", Id, nullable=False),
        sa.Column("deadline", sa.Date, nullable=False),
        sa.Column("opened_at", UtcDateTime, nullable=False),
        text("status", nullable=False),
        sa.Column("closed_at", UtcDateTime),
        sa.Column("approved_by", Id),
        sa.Column("case_id", Id),
        sa.Column("source_interaction_id", Id),
        text("result"),
        *stamps(),
    )
    indexes("corrective_actions", ("updated_at",), ("status", "deadline"), ("opened_at",))


def downgrade() -> None:
    for table in ("corrective_actions", "survey_responses", "insurance_policies"):
        op.drop_table(table)
