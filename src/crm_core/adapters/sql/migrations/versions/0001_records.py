"""Customer and vehicle files, their history, tasks and the outbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from crm_core.adapters.sql.schema import Id, UtcDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _key() -> list[sa.Column[Any]]:
    return [sa.Column("dealer_id", Id, primary_key=True), sa.Column("id", Id, primary_key=True)]


def _stamps() -> list[sa.Column[Any]]:
    return [
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    ]


def _fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["dealer_id", column], [f"{table}.dealer_id", f"{table}.id"], name=f"fk_{column}_{table}"
    )


def _indexes(table: str, *columns: tuple[str, ...]) -> None:
    for cols in columns:
        op.create_index(f"ix_{table}_{'_'.join(cols)}", table, ["dealer_id", *cols])


def _text(name: str, nullable: bool = True) -> sa.Column[Any]:
    return sa.Column(name, sa.Text, nullable=nullable)


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
        _text("name", False),
        _text("timezone", False),
        _text("locale", False),
        _text("brands", False),
        *_stamps(),
    )
    op.create_table(
        "staff",
        *_key(),
        _text("name", False),
        _text("role", False),
        _text("phone"),
        sa.Column("active", sa.Boolean, nullable=False),
        *_stamps(),
    )
    _indexes("staff", ("updated_at",))
    op.create_table(
        "customers",
        *_key(),
        _text("type", False),
        _text("name", False),
        _text("gender", False),
        *(
            _text(n)
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
        _text("preferences"),
        _text("characteristics"),
        _text("uscc"),
        _text("contact_person"),
        *(
            sa.Column(n, sa.Boolean, nullable=False)
            for n in ("do_not_disturb", "complaining", "blacklisted", "redlisted")
        ),
        _text("opted_out_channels", False),
        _text("locale"),
        sa.Column("created_at", UtcDateTime),
        *_stamps(),
    )
    _indexes("customers", ("updated_at",))
    op.create_table(
        "vehicles",
        *_key(),
        _text("vin", False),
        *(_text(n) for n in ("brand", "series", "model", "colour", "plate")),
        _text("usage", False),
        _text("vehicle_class", False),
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
        _text("remarks"),
        *_stamps(),
    )
    _indexes(
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
        *_key(),
        sa.Column("customer_id", Id, nullable=False),
        sa.Column("vehicle_id", Id, nullable=False),
        sa.Column("since", sa.Date, nullable=False),
        sa.Column("until", sa.Date),
        *_stamps(),
        _fk("customers", "customer_id"),
        _fk("vehicles", "vehicle_id"),
    )
    _indexes("ownerships", ("updated_at",), ("customer_id",), ("vehicle_id",))
    op.create_table(
        "interactions",
        *_key(),
        _text("kind", False),
        sa.Column("occurred_at", UtcDateTime, nullable=False),
        sa.Column("customer_id", Id),
        sa.Column("vehicle_id", Id),
        sa.Column("staff_id", Id),
        _text("channel", False),
        _text("notes"),
        _text("detail"),
        sa.Column("handed_back_at", UtcDateTime),
        *_stamps(),
        _fk("customers", "customer_id"),
        _fk("vehicles", "vehicle_id"),
    )
    _indexes(
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
        *_key(),
        _text("kind", False),
        sa.Column("opened_at", UtcDateTime, nullable=False),
        _text("history", False),
        _text("source", False),
        sa.Column("customer_id", Id),
        sa.Column("vehicle_id", Id),
        _text("caller_name"),
        _text("caller_phone"),
        _text("content"),
        sa.Column("cr_staff_id", Id),
        _text("department"),
        sa.Column("handler_staff_id", Id),
        sa.Column("origin_interaction_id", Id),
        _text("remarks"),
        *_stamps(),
        _fk("customers", "customer_id"),
        _fk("vehicles", "vehicle_id"),
    )
    _indexes("cases", ("updated_at",), ("customer_id",), ("opened_at",))
    op.create_table(
        "tasks",
        *_key(),
        _text("rule_id", False),
        sa.Column("customer_id", Id, nullable=False),
        sa.Column("due_from", UtcDateTime, nullable=False),
        sa.Column("due_until", UtcDateTime, nullable=False),
        _text("role", False),
        _text("channels", False),
        _text("anchor", False),
        sa.Column("anchor_date", sa.Date, nullable=False),
        _text("explanation", False),
        sa.Column("vehicle_id", Id),
        sa.Column("assignee_id", Id),
        sa.Column("priority", sa.BigInteger, nullable=False),
        _text("focus"),
        sa.Column("attempt", sa.BigInteger, nullable=False),
        _text("status", False),
        _text("status_reason"),
        *_stamps(),
        _fk("customers", "customer_id"),
        _fk("vehicles", "vehicle_id"),
    )
    _indexes("tasks", ("updated_at",), ("customer_id",), ("due_from",))
    op.create_table(
        "outbox",
        *_key(),
        sa.Column("customer_id", Id, nullable=False),
        _text("channel", False),
        _text("recipient", False),
        _text("body", False),
        sa.Column("not_before", UtcDateTime, nullable=False),
        sa.Column("task_id", Id),
        _text("subject"),
        _text("html_body"),
        _text("purpose"),
        _text("locale", False),
        _text("status", False),
        sa.Column("attempts", sa.BigInteger, nullable=False),
        sa.Column("next_attempt_at", UtcDateTime),
        _text("gateway_message_id"),
        _text("last_error"),
        _text("lease_owner"),
        sa.Column("lease_until", UtcDateTime),
        sa.Column("due_at", UtcDateTime),
        *_stamps(),
        _fk("customers", "customer_id"),
    )
    _indexes(
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
