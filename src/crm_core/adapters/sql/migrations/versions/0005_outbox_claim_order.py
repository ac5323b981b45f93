"""The outbox's claim order in its index: ``(dealer_id, due_at, id)``.

``claim_due`` takes a dealer's oldest due messages, ties broken by id. With the index on
``(dealer_id, due_at)`` only, every claim sorted all the due messages that share a due
time — the whole queue when a day's greetings are queued for the same minute: 100 ms a
claim at 100 000 queued on SQLite, growing with the queue. With ``id`` in the index the
claim reads its batch straight off the index.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_outbox_due_at_id", "outbox", ["dealer_id", "due_at", "id"])
    op.drop_index("ix_outbox_due_at", "outbox")


def downgrade() -> None:
    op.create_index("ix_outbox_due_at", "outbox", ["dealer_id", "due_at"])
    op.drop_index("ix_outbox_due_at_id", "outbox")
