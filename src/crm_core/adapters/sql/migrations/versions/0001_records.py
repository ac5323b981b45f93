"""Customer and vehicle files, their history, tasks and the outbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from crm_core.adapters.sql.migrations._ddl import fk, indexes, key, stamps, text
from crm_core.adapters.sql.schema import Id, UtcDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


TABLES = (
    "outbox",
    "tasks",
    "cases",
    "interactions",
    "ownerships",
    "vehicles",
    "customers",
    "staff",
    "dealers",
)


def upgrade() -> None:
    op.create_table(
        "dealers",
        sa.Column("dealer_id", Id, primary_key=True),
        text("name", False),
        text("timezone", False),
        text("locale", False),
        text("brands", False),
        *stamps(),
    )
    op.create_table(
        "staff",
        *key(),
        text("name", False),
        text("role", False),
        text("phone"),
        sa.Column("active", sa.Boolean, nullable=False),
        *stamps(),
    )
    indexes("staff", ("updated_at",))
    op.create_table(
        "customers",
        *key(),
        text("type", False),
        text("name", False),
        text("gender", False),
        *(
            text(n)
            for n in [
                "category",
                "mobile",
                "office_phone",
                "home_phone",
                "company_address",
                "home_address",
                "postcode",
                "id_type",
                "id_number",
                "industry",
                "occupation",
                "email",
            ]
        ),
        sa.Column("birthday", sa.Date),
        text("preferences"),
        text("characteristics"),
        text("uscc"),
        text("contact_person"),
        *(
            sa.Column(n, sa.Boolean, nullable=False)
            for n in ("do_not_disturb", "complaining", "blacklisted", "redlisted")
        ),
        text("opted_out_channels", False),
        text("locale"),
        sa.Column("created_at", UtcDateTime),
        *stamps(),
    )
    indexes("customers", ("updated_at",))
    op.create_table(
        "vehicles",
        *key(),
        text("vin", False),
        *(text(n) for n in ("brand", "series", "model", "colour", "plate")),
        text("usage", False),
        text("vehicle_class", False),
        sa.Column("first_registration", sa.Date),
        sa.Column("purchase_date", sa.Date),
        sa.Column("delivery_date", sa.Date),
        sa.Column("mileage_km", sa.BigInteger),
        sa.Column("warranty_end", sa.Date),
        sa.Column("insurance_expiry", sa.Date),
        *(
            sa.Column(n, sa.Boolean, nullable=False)
            for n in ("is_stock", "is_test_drive", "is_used")
        ),
        text("remarks"),
        *stamps(),
    )
    indexes(
        "vehicles",
        ("updated_at",),
        ("vin",),
        ("delivery_date",),
        ("first_registration",),
        ("insurance_expiry",),
        ("purchase_date",),
        ("warranty_end",),
    )
    op.create_table(
        "ownerships",
        *key(),
        sa.Column("customer_id", Id, nullable=False),
        sa.Column("vehicle_id", Id, nullable=False),
        sa.Column("since", sa.Date, nullable=False),
        sa.Column("until", sa.Date),
        *stamps(),
        fk("customers", "customer_id"),
        fk("vehicles", "vehicle_id"),
    )
    indexes("ownerships", ("updated_at",), ("customer_id",), ("vehicle_id",))
    op.create_table(
        "interactions",
        *key(),
        text("kind", False),
        sa.Column("occurred_at", UtcDateTime, nullable=False),
        sa.Column("customer_id", Id),
        sa.Column("vehicle_id", Id),
        sa.Column("staff_id", Id),
        text("channel", False),
        text("notes"),
        text("detail"),
        sa.Column("handed_back_at", UtcDateTime),
        *stamps(),
        fk("customers", "customer_id"),
        fk("vehicles", "vehicle_id"),
    )
    indexes(
        "interactions",
        ("updated_at",),
        ("customer_id", "occurred_at"),
        ("occurred_at",),
        ("kind", "occurred_at"),
        ("vehicle_id", "kind", "occurred_at"),
        ("handed_back_at",),
    )
    op.create_table(
        "cases",
        *key(),
        text("kind", False),
        sa.Column("opened_at", UtcDateTime, nullable=False),
        text("history", False),
        text("source", False),
        sa.Column("customer_id", Id),
        sa.Column("vehicle_id", Id),
        text("caller_name"),
        text("caller_phone"),
        text("content"),
        sa.Column("cr_staff_id", Id),
        text("department"),
        sa.Column("handler_staff_id", Id),
        sa.Column("origin_interaction_id", Id),
        text("remarks"),
        *stamps(),
        fk("customers", "customer_id"),
        fk("vehicles", "vehicle_id"),
    )
    indexes("cases", ("updated_at",), ("customer_id",), ("opened_at",))
    op.create_table(
        "tasks",
        *key(),
        text("rule_id", False),
        sa.Column("customer_id", Id, nullable=False),
        sa.Column("due_from", UtcDateTime, nullable=False),
        sa.Column("due_until", UtcDateTime, nullable=False),
        text("role", False),
        text("channels", False),
        text("anchor", False),
        sa.Column("anchor_date", sa.Date, nullable=False),
        text("explanation", False),
        sa.Column("vehicle_id", Id),
        sa.Column("assignee_id", Id),
        sa.Column("priority", sa.BigInteger, nullable=False),
        text("focus"),
        sa.Column("attempt", sa.BigInteger, nullable=False),
        text("status", False),
        text("status_reason"),
        *stamps(),
        fk("customers", "customer_id"),
        fk("vehicles", "vehicle_id"),
    )
    indexes("tasks", ("updated_at",), ("customer_id",), ("due_from",))
    op.create_table(
        "outbox",
        *key(),
        sa.Column("customer_id", Id, nullable=False),
        text("channel", False),
        text("recipient", False),
        text("body", False),
        sa.Column("not_before", UtcDateTime, nullable=False),
        sa.Column("task_id", Id),
        text("subject"),
        text("html_body"),
        text("purpose"),
        text("locale", False),
        text("status", False),
        sa.Column("attempts", sa.BigInteger, nullable=False),
        sa.Column("next_attempt_at", UtcDateTime),
        text("gateway_message_id"),
        text("last_error"),
        text("lease_owner"),
        sa.Column("lease_until", UtcDateTime),
        sa.Column("due_at", UtcDateTime),
        *stamps(),
        fk("customers", "customer_id"),
    )
    indexes(
        "outbox",
        ("updated_at",),
        ("due_at",),
        ("status",),
        ("customer_id",),
        ("gateway_message_id",),
    )


def downgrade() -> None:
    for table in TABLES:
        op.drop_table(table)
