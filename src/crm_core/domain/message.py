"""Outbox messages: a task that goes out as SMS or e-mail, written in the same unit of work
as the task so a crash between planning and sending cannot lose it."""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

from crm_core.domain._mask import mask_text
from crm_core.domain._validators import aware, non_empty, non_negative
from crm_core.domain.contact import Channel
from crm_core.domain.ids import CustomerId, DealerId, MessageId, TaskId


class MessageStatus(enum.StrEnum):
    """Where an outbox message stands, from queued through sent to delivered, failed or parked.

    A dispatcher moves QUEUED → SENDING → SENT; the gateway's delivery report makes it
    DELIVERED or FAILED; a permanent failure or the last retry PARKS it for a person, who can
    re-queue it; SUPPRESSED means consent stopped it at send time.
    """

    QUEUED = "queued"  # waiting for its send time
    SENDING = "sending"  # claimed by a dispatcher under a lease
    SENT = "sent"  # the gateway accepted it and gave its id
    DELIVERED = "delivered"  # the gateway's delivery report confirmed it
    FAILED = "failed"  # the gateway's delivery report says it did not arrive
    PARKED = "parked"  # permanent failure or out of retries: a person must look
    SUPPRESSED = "suppressed"  # the consent gate stopped it at send time


@attrs.frozen(slots=True)
class OutboxMessage:
    """One SMS or e-mail to a customer, kept in the outbox until a dispatcher has sent it.

    ``id`` is derived from the task, and it is the idempotency key handed to the gateway,
    so no retry can text a customer twice."""

    id: MessageId = attrs.field(validator=non_empty)
    dealer_id: DealerId = attrs.field(validator=non_empty)
    customer_id: CustomerId
    channel: Channel
    recipient: str = attrs.field(repr=mask_text)  # phone or e-mail address
    body: str
    not_before: datetime = attrs.field(validator=aware)
    task_id: TaskId | None = None
    subject: str | None = None
    html_body: str | None = None
    purpose: str | None = None  # template key, e.g. "birthday", "insurance_renewal"
    locale: str = "zh_CN"
    status: MessageStatus = MessageStatus.QUEUED
    attempts: int = attrs.field(default=0, validator=non_negative)
    next_attempt_at: datetime | None = attrs.field(default=None, validator=aware)
    gateway_message_id: str | None = None
    last_error: str | None = None
    lease_owner: str | None = None
    lease_until: datetime | None = attrs.field(default=None, validator=aware)
    version: int = attrs.field(default=0, validator=non_negative)
    updated_at: datetime | None = attrs.field(default=None, validator=aware)
