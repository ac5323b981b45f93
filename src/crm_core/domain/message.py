"""Outbox messages: a task that goes out as SMS or e-mail, written in the same unit of work
as the task so a crash between planning and sending cannot lose it."""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

from crm_core.domain._mask import mask_text
from crm_core.domain._validators import as_members, aware, non_empty, non_negative
from crm_core.domain.contact import Channel
from crm_core.domain.ids import CustomerId, DealerId, MessageId, TaskId
from crm_core.errors import ValidationError


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

    __attrs_post_init__ = as_members


@attrs.frozen(slots=True)
class MessageOutcome:
    """What a dispatcher learned about one message it claimed, for the outbox to record
    (:meth:`~crm_core.domain.ports.storage.OutboxRepository.record_outcomes`).

    ``claimed`` is the message exactly as ``claim_due`` returned it: its ``version`` is the
    proof that the claim is still the dispatcher's when the outcome is recorded. ``status``
    is final — ``SENT`` with the gateway's id, ``PARKED`` or ``SUPPRESSED`` with the
    reason in ``error``, ``DELIVERED`` or ``FAILED`` — or ``QUEUED`` to give the message
    back until ``retry_at`` (a transient failure, quiet hours).

    >>> from datetime import datetime, timezone
    >>> from crm_core.domain.contact import Channel
    >>> at = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
    >>> claimed = OutboxMessage(id="t-3f2a.sms", dealer_id="D1", customer_id="C1",
    ...     channel=Channel.SMS, recipient="13812345678", body="生日快乐", not_before=at,
    ...     status=MessageStatus.SENDING, attempts=1, lease_owner="w1", lease_until=at,
    ...     version=2)
    >>> sent = MessageOutcome(claimed, MessageStatus.SENT, gateway_message_id="gw-1")
    >>> done = sent.applied_to(claimed)
    >>> done.status, done.gateway_message_id, done.lease_owner, done.attempts
    (<MessageStatus.SENT: 'sent'>, 'gw-1', None, 1)
    >>> MessageOutcome(claimed, MessageStatus.QUEUED)
    Traceback (most recent call last):
    ...
    crm_core.errors.ValidationError: retry_at: a message given back needs its next attempt
    """

    claimed: OutboxMessage
    status: MessageStatus
    gateway_message_id: str | None = None
    error: str | None = None
    retry_at: datetime | None = attrs.field(default=None, validator=aware)

    def __attrs_post_init__(self) -> None:
        as_members(self)
        if self.claimed.status is not MessageStatus.SENDING:
            raise ValidationError(
                f"an outcome is for a claimed (sending) message, not a {self.claimed.status} one",
                field="claimed",
            )
        if self.status is MessageStatus.SENDING:
            raise ValidationError("an outcome ends the claim; it cannot be sending", field="status")
        if self.status is MessageStatus.QUEUED and self.retry_at is None:
            raise ValidationError("a message given back needs its next attempt", field="retry_at")
        if self.status is not MessageStatus.QUEUED and self.retry_at is not None:
            raise ValidationError("only a message given back has a next attempt", field="retry_at")

    @property
    def key(self) -> tuple[DealerId, MessageId]:
        """The message's ``(dealer_id, id)``."""
        return self.claimed.dealer_id, self.claimed.id

    def applied_to(self, message: OutboxMessage) -> OutboxMessage:
        """``message`` (the stored one, still as claimed) as the outbox records this
        outcome, before the store stamps version and time: the new status, the gateway's id
        (kept if the outcome has none), the error, the next attempt of a message given back;
        the lease cleared. Nothing else changes."""
        return attrs.evolve(
            message,
            status=self.status,
            gateway_message_id=self.gateway_message_id or message.gateway_message_id,
            last_error=self.error,
            next_attempt_at=self.retry_at or message.next_attempt_at,
            lease_owner=None,
            lease_until=None,
        )
