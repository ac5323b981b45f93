"""The SQL schema, one for SQLite and PostgreSQL (SQLAlchemy Core tables).

Every table carries ``dealer_id``, and it leads every primary key, foreign key and
index: a query for one dealer touches one dealer's rows, and a PostgreSQL deployment can
partition or distribute (Citus) every table by ``dealer_id`` without a schema change —
see ``docs/scaling.md``. Ids are compared byte-wise (``COLLATE "C"`` on PostgreSQL, the
default ``BINARY`` on SQLite) so every backend lists records in the same order.

Columns mirror the records' fields one to one; nested values (a case's history, an
interaction's detail, a task's channels) are JSON text, money is decimal text (no float
rounding), datetimes are stored in UTC. A few derived columns exist only to be indexed:
``customers.birthday_md`` (month * 100 + day, for birthdays across years),
``interactions.handed_back_at`` (from a repair order's detail) and ``outbox.due_at``
(when a message becomes claimable).

The tables are the migrations' target: ``tests/adapters/sql`` checks that upgrading an
empty database to the newest revision yields exactly these tables.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

__all__ = ["Id", "UtcDateTime", "metadata"]


Id = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")
"""Host-supplied ids: opaque text, compared and ordered by code point on every backend."""


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes stored as UTC; read back aware (in UTC).

    PostgreSQL keeps ``timestamptz``; SQLite keeps sortable ``YYYY-MM-DD HH:MM:SS.ffffff``
    text in UTC, so comparisons and indexes order chronologically on both.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise TypeError(f"expected an aware datetime, got {value!r}")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)  # type: ignore[no-any-return]
        return value.astimezone(UTC)  # type: ignore[no-any-return]


metadata = sa.MetaData()


def _id(name: str, **kw: Any) -> sa.Column[Any]:
    return sa.Column(name, Id, **kw)


def _stamps() -> list[sa.Column[Any]]:
    return [
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    ]


def _text(name: str, nullable: bool = True) -> sa.Column[Any]:
    return sa.Column(name, sa.Text, nullable=nullable)


def _fk(table: str, *columns: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["dealer_id", *columns],
        [f"{table}.dealer_id", f"{table}.id"],
        name=f"fk_{'_'.join(columns)}_{table}",
    )


def _index(table: str, *columns: str) -> sa.Index:
    return sa.Index(f"ix_{table}_{'_'.join(columns)}", "dealer_id", *columns)


dealers = sa.Table(
    "dealers",
    metadata,
    _id("dealer_id", primary_key=True),
    _text("name", nullable=False),
    _text("timezone", nullable=False),
    _text("locale", nullable=False),
    _text("brands", nullable=False),  # JSON list
    *_stamps(),
)

staff = sa.Table(
    "staff",
    metadata,
    _id("dealer_id", primary_key=True),
    _id("id", primary_key=True),
    _text("name", nullable=False),
    _text("role", nullable=False),
    _text("phone"),
    sa.Column("active", sa.Boolean, nullable=False),
    *_stamps(),
    _index("staff", "updated_at"),
)

customers = sa.Table(
    "customers",
    metadata,
    _id("dealer_id", primary_key=True),
    _id("id", primary_key=True),
    _text("type", nullable=False),
    _text("name", nullable=False),
    _text("gender", nullable=False),
    _text("category"),
    _text("mobile"),
    _text("office_phone"),
    _text("home_phone"),
    _text("company_address"),
    _text("home_address"),
    _text("postcode"),
    _text("id_type"),
    _text("id_number"),
    _text("industry"),
    _text("occupation"),
    _text("email"),
    sa.Column("birthday", sa.Date),
    sa.Column("birthday_md", sa.Integer),  # derived: month * 100 + day
    _text("preferences"),
    _text("characteristics"),
    _text("uscc"),
    _text("contact_person"),
    sa.Column("do_not_disturb", sa.Boolean, nullable=False),
    sa.Column("complaining", sa.Boolean, nullable=False),
    sa.Column("blacklisted", sa.Boolean, nullable=False),
    sa.Column("redlisted", sa.Boolean, nullable=False),
    _text("opted_out_channels", nullable=False),  # JSON list
    _text("locale"),
    sa.Column("created_at", UtcDateTime),
    *_stamps(),
    _index("customers", "updated_at"),
    _index("customers", "birthday_md"),
)

vehicles = sa.Table(
    "vehicles",
    metadata,
    _id("dealer_id", primary_key=True),
    _id("id", primary_key=True),
    _text("vin", nullable=False),
    _text("brand"),
    _text("series"),
    _text("model"),
    _text("colour"),
    _text("plate"),
    _text("usage", nullable=False),
    _text("vehicle_class", nullable=False),
    sa.Column("first_registration", sa.Date),
    sa.Column("purchase_date", sa.Date),
    sa.Column("delivery_date", sa.Date),
    sa.Column("mileage_km", sa.BigInteger),
    sa.Column("warranty_end", sa.Date),
    sa.Column("insurance_expiry", sa.Date),
    sa.Column("is_stock", sa.Boolean, nullable=False),
    sa.Column("is_test_drive", sa.Boolean, nullable=False),
    sa.Column("is_used", sa.Boolean, nullable=False),
    _text("remarks"),
    *_stamps(),
    _index("vehicles", "updated_at"),
    _index("vehicles", "vin"),
    _index("vehicles", "delivery_date"),
    _index("vehicles", "first_registration"),
    _index("vehicles", "insurance_expiry"),
    _index("vehicles", "purchase_date"),
    _index("vehicles", "warranty_end"),
)

ownerships = sa.Table(
    "ownerships",
    metadata,
    _id("dealer_id", primary_key=True),
    _id("id", primary_key=True),
    _id("customer_id", nullable=False),
    _id("vehicle_id", nullable=False),
    sa.Column("since", sa.Date, nullable=False),
    sa.Column("until", sa.Date),
    *_stamps(),
    _fk("customers", "customer_id"),
    _fk("vehicles", "vehicle_id"),
    _index("ownerships", "updated_at"),
    _index("ownerships", "customer_id"),
    _index("ownerships", "vehicle_id"),
)

interactions = sa.Table(
    "interactions",
    metadata,
    _id("dealer_id", primary_key=True),
    _id("id", primary_key=True),
    _text("kind", nullable=False),
    sa.Column("occurred_at", UtcDateTime, nullable=False),
    _id("customer_id"),
    _id("vehicle_id"),
    _id("staff_id"),
    _text("channel", nullable=False),
    _text("notes"),
    _text("detail"),  # JSON object tagged with "type"
    sa.Column("handed_back_at", UtcDateTime),  # derived from a repair order's detail
    *_stamps(),
    _fk("customers", "customer_id"),
    _fk("vehicles", "vehicle_id"),
    _index("interactions", "updated_at"),
    _index("interactions", "customer_id", "occurred_at"),
    _index("interactions", "occurred_at"),
    _index("interactions", "kind", "occurred_at"),
    _index("interactions", "vehicle_id", "kind", "occurred_at"),
    _index("interactions", "handed_back_at"),
)

cases = sa.Table(
    "cases",
    metadata,
    _id("dealer_id", primary_key=True),
    _id("id", primary_key=True),
    _text("kind", nullable=False),
    sa.Column("opened_at", UtcDateTime, nullable=False),
    _text("history", nullable=False),  # JSON list of status changes
    _text("source", nullable=False),
    _id("customer_id"),
    _id("vehicle_id"),
    _text("caller_name"),
    _text("caller_phone"),
    _text("content"),
    _id("cr_staff_id"),
    _text("department"),
    _id("handler_staff_id"),
    _id("origin_interaction_id"),
    _text("remarks"),
    *_stamps(),
    _fk("customers", "customer_id"),
    _fk("vehicles", "vehicle_id"),
    _index("cases", "updated_at"),
    _index("cases", "customer_id"),
    _index("cases", "opened_at"),
)

tasks = sa.Table(
    "tasks",
    metadata,
    _id("dealer_id", primary_key=True),
    _id("id", primary_key=True),
    _text("rule_id", nullable=False),
    _id("customer_id", nullable=False),
    sa.Column("due_from", UtcDateTime, nullable=False),
    sa.Column("due_until", UtcDateTime, nullable=False),
    _text("role", nullable=False),
    _text("channels", nullable=False),  # JSON list
    _text("anchor", nullable=False),
    sa.Column("anchor_date", sa.Date, nullable=False),
    _text("explanation", nullable=False),
    _id("vehicle_id"),
    _id("assignee_id"),
    sa.Column("priority", sa.BigInteger, nullable=False),
    _text("focus"),
    _text("contact_name"),
    _text("contact_phone"),
    _text("preferred_time"),
    sa.Column("attempt", sa.BigInteger, nullable=False),
    _text("status", nullable=False),
    _text("status_reason"),
    *_stamps(),
    _fk("customers", "customer_id"),
    _fk("vehicles", "vehicle_id"),
    _index("tasks", "updated_at"),
    _index("tasks", "customer_id"),
    _index("tasks", "due_from"),
)

outbox = sa.Table(
    "outbox",
    metadata,
    _id("dealer_id", primary_key=True),
    _id("id", primary_key=True),
    _id("customer_id", nullable=False),
    _text("channel", nullable=False),
    _text("recipient", nullable=False),
    _text("body", nullable=False),
    sa.Column("not_before", UtcDateTime, nullable=False),
    _id("task_id"),
    _text("subject"),
    _text("html_body"),
    _text("purpose"),
    _text("locale", nullable=False),
    _text("status", nullable=False),
    sa.Column("attempts", sa.BigInteger, nullable=False),
    sa.Column("next_attempt_at", UtcDateTime),
    _text("gateway_message_id"),
    _text("last_error"),
    _text("lease_owner"),
    sa.Column("lease_until", UtcDateTime),
    sa.Column("due_at", UtcDateTime),  # derived: when the message can be claimed
    *_stamps(),
    _fk("customers", "customer_id"),
    _index("outbox", "updated_at"),
    _index("outbox", "due_at", "id"),  # claim_due's order (revision 0005)
    _index("outbox", "status"),
    _index("outbox", "customer_id"),
    _index("outbox", "gateway_message_id"),
)

club_members = sa.Table(
    "club_members",
    metadata,
    _id("dealer_id", primary_key=True),
    _id("id", primary_key=True),
    _id("customer_id", nullable=False),
    sa.Column("applied_on", sa.Date, nullable=False),
    _text("status", nullable=False),
    _text("tier", nullable=False),
    sa.Column("joined_on", sa.Date),
    _text("card_number"),
    *_stamps(),
    _fk("customers", "customer_id"),
    _index("club_members", "updated_at"),
    _index("club_members", "customer_id"),
)

points = sa.Table(
    "points",
    metadata,
    _id("dealer_id", primary_key=True),
    _id("id", primary_key=True),
    _id("member_id", nullable=False),
    _text("kind", nullable=False),
    _text("source", nullable=False),
    sa.Column("points", sa.BigInteger, nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("expires_on", sa.Date),
    _text("spend"),  # decimal text
    _text("reference"),
    sa.Column("from_event", sa.Boolean, nullable=False, server_default=sa.false()),
    *_stamps(),
    _fk("club_members", "member_id"),
    _index("points", "updated_at"),
    _index("points", "member_id", "at"),
)

referrals = sa.Table(
    "referrals",
    metadata,
    _id("dealer_id", primary_key=True),
    _id("id", primary_key=True),
    _id("referrer_id", nullable=False),
    _id("referred_id", nullable=False),
    sa.Column("recorded_at", UtcDateTime, nullable=False),
    _id("sale_interaction_id"),
    *_stamps(),
    _fk("customers", "referrer_id"),
    _fk("customers", "referred_id"),
    _index("referrals", "updated_at"),
    _index("referrals", "referrer_id"),
    _index("referrals", "referred_id"),
)

audit = sa.Table(
    "audit",
    metadata,
    _id("dealer_id", primary_key=True),
    _id("id", primary_key=True),
    sa.Column("at", UtcDateTime, nullable=False),
    _text("actor", nullable=False),
    _text("action", nullable=False),
    _text("subject_type", nullable=False),
    _text("subject_id", nullable=False),
    _text("related_ids", nullable=False),  # JSON list
    _text("detail"),
    *_stamps(),
    _index("audit", "updated_at"),
    _index("audit", "subject_type", "subject_id", "at"),
    _index("audit", "at"),
)

insurance_policies = sa.Table(
    "insurance_policies",
    metadata,
    _id("dealer_id", primary_key=True),
    _id("id", primary_key=True),
    _id("vehicle_id", nullable=False),
    sa.Column("starts_on", sa.Date, nullable=False),
    sa.Column("ends_on", sa.Date, nullable=False),
    _id("customer_id"),
    sa.Column("sold_by_dealer", sa.Boolean, nullable=False),
    _id("renewal_of"),
    _text("insurer"),
    _text("premium"),  # decimal text
    *_stamps(),
    _fk("customers", "customer_id"),
    _fk("vehicles", "vehicle_id"),
    _index("insurance_policies", "updated_at"),
    _index("insurance_policies", "vehicle_id", "starts_on"),
    _index("insurance_policies", "customer_id"),
    _index("insurance_policies", "ends_on"),
    _index("insurance_policies", "renewal_of"),
)

survey_responses = sa.Table(
    "survey_responses",
    metadata,
    _id("dealer_id", primary_key=True),
    _id("id", primary_key=True),
    _text("kind", nullable=False),
    sa.Column("answered_at", UtcDateTime, nullable=False),
    sa.Column("overall", sa.Integer, nullable=False),
    _text("would_recommend"),
    _text("answers", nullable=False),  # JSON list of question scores
    _id("customer_id"),
    _id("subject_interaction_id"),
    _text("source", nullable=False),
    *_stamps(),
    _fk("customers", "customer_id"),
    _index("survey_responses", "updated_at"),
    _index("survey_responses", "customer_id", "answered_at"),
    _index("survey_responses", "answered_at"),
)

corrective_actions = sa.Table(
    "corrective_actions",
    metadata,
    _id("dealer_id", primary_key=True),
    _id("id", primary_key=True),
    _text("kind", nullable=False),
    _text("issue", nullable=False),
    _text("description", nullable=False),
    _id("owner_id", nullable=False),
    sa.Column("deadline", sa.Date, nullable=False),
    sa.Column("opened_at", UtcDateTime, nullable=False),
    _text("status", nullable=False),
    sa.Column("closed_at", UtcDateTime),
    _id("approved_by"),
    _id("case_id"),
    _id("source_interaction_id"),
    _text("result"),
    *_stamps(),
    _index("corrective_actions", "updated_at"),
    _index("corrective_actions", "status", "deadline"),
    _index("corrective_actions", "opened_at"),
)
