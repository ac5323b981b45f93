"""The outbox: planned tasks become customer messages in the same unit of work.

The planner decides *that* a customer gets a birthday text; this module decides *what* it
says and queues it, in the transaction that stores the task, so that a crash between the
two cannot leave a task whose message is lost (DESIGN.md rule 4). The dispatcher
(:mod:`crm_core.adapters.dispatcher`) sends what is queued.

* A task's ``focus`` picks the text (:data:`DEFAULT_FOCUS_TEXTS`, overridable data).
* One message per message channel of the task (SMS, e-mail); a phone call stays a task
  for a person. Retries of an unanswered call (``attempt > 1``) send no second text.
* The message id is ``<task id>.<channel>``: the same task always gives the same id, the
  outbox stores an id once, and the id is the idempotency key the gateway sees.
* A task whose text cannot be composed (no mobile number, no vehicle for a text that
  names it) is reported in :attr:`OutboxWrite.skipped` with the reason, not dropped.

Operators look at what needs a person with :func:`needs_attention` and re-queue with
:func:`requeue`; gateways' delivery reports are recorded with :func:`record_delivery`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

import attrs

from crm_core.domain._validators import non_negative
from crm_core.domain.contact import Channel
from crm_core.domain.customer import Customer
from crm_core.domain.dealer import Staff
from crm_core.domain.ids import DealerId, MessageId
from crm_core.domain.message import MessageStatus, OutboxMessage
from crm_core.domain.ports.storage import TaskUpsertResult, UnitOfWork
from crm_core.domain.task import FollowUpTask, TaskStatus
from crm_core.domain.vehicle import Vehicle
from crm_core.errors import ConflictError, NotFoundError, ValidationError
from crm_core.texts.render import TextRenderer
from crm_core.texts.templates import Holiday, Purpose

__all__ = [
    "DEFAULT_FOCUS_TEXTS",
    "DealerContact",
    "DeliveryReport",
    "DueDate",
    "FocusText",
    "MessageComposer",
    "OutboxWrite",
    "Skipped",
    "message_id_for_task",
    "needs_attention",
    "record_delivery",
    "requeue",
    "store_plan",
]

MESSAGE_CHANNELS = frozenset({Channel.SMS, Channel.EMAIL})


class DueDate(enum.StrEnum):
    """Which date a reminder text calls "due": the anchor's, or the end of the task's window.

    The anchor's for an insurance policy's expiry or the inspection deadline; the end of
    the task's window for a first service."""

    ANCHOR = "anchor"
    WINDOW_END = "window_end"


@attrs.frozen(slots=True)
class FocusText:
    """The text for tasks with one ``focus``; ``values`` are fixed template fields."""

    purpose: Purpose
    due_date: DueDate = DueDate.WINDOW_END
    values: Mapping[str, object] = attrs.field(factory=dict)


DEFAULT_FOCUS_TEXTS: Mapping[str, FocusText] = {
    "birthday_greeting": FocusText(Purpose.BIRTHDAY),
    "spring_festival_greeting": FocusText(Purpose.SPRING_FESTIVAL),
    "mid_autumn_greeting": FocusText(Purpose.HOLIDAY, values={"holiday": Holiday.MID_AUTUMN}),
    "national_day_greeting": FocusText(Purpose.HOLIDAY, values={"holiday": Holiday.NATIONAL_DAY}),
    "dragon_boat_greeting": FocusText(Purpose.HOLIDAY, values={"holiday": Holiday.DRAGON_BOAT}),
    "new_year_greeting": FocusText(Purpose.HOLIDAY, values={"holiday": Holiday.NEW_YEAR}),
    "lantern_greeting": FocusText(Purpose.HOLIDAY, values={"holiday": Holiday.LANTERN}),
    "first_service_reminder": FocusText(Purpose.FIRST_SERVICE),
    "inspection_reminder": FocusText(Purpose.INSPECTION, due_date=DueDate.ANCHOR),
    "insurance_renewal": FocusText(Purpose.INSURANCE_RENEWAL, due_date=DueDate.ANCHOR),
    "delivery_thanks": FocusText(Purpose.DELIVERY_THANKS),
    # seed 003's "accompany the new car" messages, by the Dongfeng Peugeot rules' foci
    "thanks_safe_arrival": FocusText(Purpose.NEW_CAR_THANKS),
    "vehicle_functions": FocusText(Purpose.NEW_CAR_FAMILIARIZE),
    "usage_experience_and_referral": FocusText(Purpose.NEW_CAR_TIPS),
    "services_and_first_maintenance": FocusText(Purpose.NEW_CAR_SERVICE_INFO),
}


@attrs.frozen(slots=True)
class DealerContact:
    """What customer texts say about the dealer: hotline, opening hours, first-service mileage.

    The first-service mileage is that of the dealer's brand."""

    hotline: str
    opening_hours: str = "8:30-17:30"
    first_service_km: int = attrs.field(default=5000, validator=non_negative)


@attrs.frozen(slots=True)
class Skipped:
    """A task (and channel) for which no message was queued, and why."""

    task_id: str
    channel: Channel
    reason: str


@attrs.frozen(slots=True)
class OutboxWrite:
    """What :func:`store_plan` did: tasks stored, messages queued, and tasks left without one.

    The tasks' upsert result, the message ids newly queued, and the tasks that got no
    message with the reason."""

    tasks: TaskUpsertResult
    queued: tuple[MessageId, ...]
    skipped: tuple[Skipped, ...]


def message_id_for_task(task: FollowUpTask, channel: Channel) -> MessageId:
    """The outbox id, and the gateway's idempotency key, of a task's message.

    >>> from datetime import date, datetime, timezone
    >>> from crm_core.domain.dealer import StaffRole
    >>> t = FollowUpTask(id="t-3f2a", dealer_id="D1", rule_id="svw.greeting.birthday",
    ...     customer_id="C1", due_from=datetime(2026, 11, 23, 1, tzinfo=timezone.utc),
    ...     due_until=datetime(2026, 11, 23, 9, tzinfo=timezone.utc),
    ...     role=StaffRole.CR_REPRESENTATIVE, channels=(Channel.SMS,), anchor="birthday",
    ...     anchor_date=date(1980, 11, 23), explanation="born 23 Nov")
    >>> message_id_for_task(t, Channel.SMS)
    't-3f2a.sms'
    """
    return MessageId(f"{task.id}.{channel.value}")


class MessageComposer:
    """Turns a task into its messages (rendered text, recipient, send-not-before).

    ``focus_texts`` maps a task's focus to its text. A task with an SMS or e-mail channel
    whose focus has no entry (or no focus) gets no message and is reported in ``skipped``:
    a calendar of the host's own, or a standard rule without a text here (Skoda's club
    invitations), would otherwise go unsent without a word. ``first_attempt_only`` keeps
    retried calls silent.
    """

    def __init__(
        self,
        renderer: TextRenderer,
        contact: DealerContact,
        *,
        focus_texts: Mapping[str, FocusText] = DEFAULT_FOCUS_TEXTS,
        first_attempt_only: bool = True,
    ) -> None:
        self._renderer = renderer
        self._contact = contact
        self._focus_texts = focus_texts
        self._first_attempt_only = first_attempt_only

    def wants(self, task: FollowUpTask) -> bool:
        """Whether ``task`` asks for messages: planned, with an SMS or e-mail channel, on
        its first attempt. :meth:`compose` says which it gets, and why not the others."""
        return (
            task.status in (TaskStatus.PLANNED, TaskStatus.DEFERRED)
            and any(c in MESSAGE_CHANNELS for c in task.channels)
            and not (self._first_attempt_only and task.attempt > 1)
        )

    def compose(
        self,
        task: FollowUpTask,
        customer: Customer,
        *,
        vehicle: Vehicle | None = None,
        consultant: Staff | None = None,
    ) -> tuple[list[OutboxMessage], list[Skipped]]:
        """The task's messages, or the reasons it has none on a channel."""
        if not self.wants(task):
            return [], []
        spec = self._focus_texts.get(task.focus) if task.focus is not None else None
        messages: list[OutboxMessage] = []
        skipped: list[Skipped] = []
        for channel in task.channels:
            if channel not in MESSAGE_CHANNELS:
                continue
            if spec is None:
                skipped.append(Skipped(task.id, channel, _no_text(task.focus)))
                continue
            recipient = _recipient(task, customer, channel)
            if recipient is None:
                skipped.append(Skipped(task.id, channel, f"the customer has no {_WHAT[channel]}"))
                continue
            try:
                values = self._values(task, spec, vehicle, consultant)
                text = self._renderer.render(spec.purpose, customer, values)
            except ValidationError as exc:
                skipped.append(Skipped(task.id, channel, f"cannot compose the text: {exc}"))
                continue
            email = channel is Channel.EMAIL
            messages.append(
                OutboxMessage(
                    id=message_id_for_task(task, channel),
                    dealer_id=task.dealer_id,
                    customer_id=task.customer_id,
                    channel=channel,
                    recipient=recipient,
                    body=text.text if email else text.sms,
                    subject=text.subject if email else None,
                    html_body=text.html if email else None,
                    not_before=task.due_from,
                    task_id=task.id,
                    purpose=spec.purpose.value,
                    locale=text.locale,
                )
            )
        return messages, skipped

    def _values(
        self,
        task: FollowUpTask,
        spec: FocusText,
        vehicle: Vehicle | None,
        consultant: Staff | None,
    ) -> dict[str, object]:
        values: dict[str, object] = {
            "hotline": self._contact.hotline,
            "opening_hours": self._contact.opening_hours,
            "mileage": self._contact.first_service_km,
            "due_date": (
                task.anchor_date if spec.due_date is DueDate.ANCHOR else task.due_until.date()
            ),
        }
        if vehicle is not None:
            values["vehicle"] = vehicle.plate or vehicle.series or vehicle.model or vehicle.vin
        if consultant is not None:
            values["consultant"] = consultant.name
        values.update(spec.values)
        return values


_WHAT = {Channel.SMS: "mobile number", Channel.EMAIL: "e-mail address"}


def _no_text(focus: str | None) -> str:
    if focus is None:
        return "the task has no focus to choose its text by"
    return f"no text for the focus {focus!r}: give MessageComposer focus_texts for it"


def _recipient(task: FollowUpTask, customer: Customer, channel: Channel) -> str | None:
    if channel is Channel.SMS:
        # the planner names the person to contact when it is not the customer (the
        # reporter who brought the car in)
        number = task.contact_phone or customer.mobile
        return number.strip() if number and number.strip() else None
    address = customer.email
    return address.strip() if address and address.strip() else None


def store_plan(
    uow: UnitOfWork, tasks: Sequence[FollowUpTask], composer: MessageComposer
) -> OutboxWrite:
    """Store ``tasks`` and queue their messages in one transaction.

    Opens ``uow`` itself: either the tasks and their messages are both stored, or
    neither is. Storing the same plan again stores and queues nothing new.
    """
    with uow:
        result = uow.tasks.upsert(tasks)
        wanted = [t for t in tasks if composer.wants(t)]
        messages: list[OutboxMessage] = []
        skipped: list[Skipped] = []
        by_dealer: dict[DealerId, list[FollowUpTask]] = {}
        for task in wanted:
            by_dealer.setdefault(task.dealer_id, []).append(task)
        for dealer_id, group in by_dealer.items():
            customers = uow.customers.get_many(dealer_id, {t.customer_id for t in group})
            vehicles = uow.vehicles.get_many(
                dealer_id, {t.vehicle_id for t in group if t.vehicle_id is not None}
            )
            staff = uow.staff.get_many(
                dealer_id, {t.assignee_id for t in group if t.assignee_id is not None}
            )
            for task in group:
                customer = customers.get(task.customer_id)
                if customer is None:
                    raise NotFoundError(f"task {task.id}: no customer {task.customer_id}")
                composed, missed = composer.compose(
                    task,
                    customer,
                    vehicle=vehicles.get(task.vehicle_id) if task.vehicle_id else None,
                    consultant=staff.get(task.assignee_id) if task.assignee_id else None,
                )
                messages.extend(composed)
                skipped.extend(missed)
        queued = uow.outbox.enqueue(messages) if messages else ()
    return OutboxWrite(result, tuple(queued), tuple(skipped))


def needs_attention(
    uow: UnitOfWork, dealer_id: DealerId, *, limit: int | None = None
) -> list[OutboxMessage]:
    """Parked and failed messages, for the person who fixes numbers and re-queues."""
    with uow:
        return uow.outbox.by_status(
            dealer_id, MessageStatus.PARKED, MessageStatus.FAILED, limit=limit
        )


def requeue(
    uow: UnitOfWork, dealer_id: DealerId, message_ids: Iterable[MessageId], *, at: datetime
) -> list[OutboxMessage]:
    """Re-queue parked or failed messages to be sent from ``at`` (attempts start over).

    All or nothing: a message in another state raises
    :class:`~crm_core.errors.ConflictError` and none is re-queued.
    """
    with uow:
        return [uow.outbox.requeue(dealer_id, mid, at=at) for mid in message_ids]


@attrs.frozen(slots=True)
class DeliveryReport:
    """A gateway's delivery report on one message: delivered or not, and which message.

    The message is found by the gateway's id or, for gateways that echo the sender's key,
    by the message id."""

    dealer_id: DealerId
    delivered: bool
    gateway_message_id: str | None = None
    message_id: MessageId | None = None
    detail: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.gateway_message_id is None and self.message_id is None:
            raise ValidationError(
                "a delivery report needs the gateway's id or the message id",
                field="gateway_message_id",
            )


# a report is final, and a suppressed message never left: neither takes a report
_SETTLED = frozenset({MessageStatus.DELIVERED, MessageStatus.FAILED, MessageStatus.SUPPRESSED})


def record_delivery(uow: UnitOfWork, report: DeliveryReport, *, retries: int = 3) -> OutboxMessage:
    """Record a delivery report against its message: ``DELIVERED`` or ``FAILED``.

    The first report wins; a repeated report changes nothing (gateways resend reports).
    A report is recorded whatever the dispatcher thought: a message still ``SENDING``
    (the report overtook the dispatcher), ``QUEUED`` for a retry or ``PARKED`` after
    failures whose replies were lost — the gateway had it after all, and now nobody
    sends it again. Raises
    :class:`~crm_core.errors.NotFoundError` for an unknown message — a gateway's report
    for a message recorded later may be retried by the host — and
    :class:`~crm_core.errors.ConflictError` when the message changed ``retries`` times
    while this report was being written.
    """
    status = MessageStatus.DELIVERED if report.delivered else MessageStatus.FAILED
    for _ in range(retries):
        with uow:
            if report.message_id is not None:
                message = uow.outbox.get(report.dealer_id, report.message_id)
            else:
                assert report.gateway_message_id is not None
                message = uow.outbox.by_gateway_id(report.dealer_id, report.gateway_message_id)
            if message.status in _SETTLED:
                return message
            changed = attrs.evolve(
                message,
                status=status,
                gateway_message_id=message.gateway_message_id or report.gateway_message_id,
                last_error=None if report.delivered else (report.detail or "not delivered"),
                lease_owner=None,
                lease_until=None,
            )
            try:
                return uow.outbox.update(changed)
            except ConflictError:
                uow.rollback()
    raise ConflictError(f"message {message.id} kept changing while its report was recorded")
