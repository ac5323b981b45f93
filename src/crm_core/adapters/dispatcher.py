"""The dispatcher: sends what the outbox holds, once, and records what happened.

One :class:`Dispatcher` is one worker. Run as many as you like — threads, processes,
hosts — each with its own unit of work and notifiers: a message is claimed by one worker
at a time under a lease (the storage port's ``claim_due``), and a worker that dies between
sending and recording loses its lease, so another worker sends the message again *with
the same idempotency key*, which a deduplicating gateway drops. That is how a message is
delivered once and never lost. Answers are recorded a few at a time, in one transaction
(the port's ``record_outcomes``; see :class:`DispatchSettings` for how many), so such a
crash sends at most that many messages again.

For each claimed message, at send time:

1. consent again (the planner's gate, :func:`crm_core.schedule.consent.screen`): a
   customer who became do-not-disturb, was blacklisted or opted out of the channel since
   the task was planned gets nothing — the message is ``SUPPRESSED`` with the reason; so
   is a message whose task was cancelled;
2. quiet hours (the dealer's :class:`~crm_core.schedule.working_time.WorkingTime`): the
   message goes back to the queue until they end;
3. send; a gateway id means ``SENT``; a transient error means back to the queue after an
   exponential backoff with jitter (:class:`RetryPolicy`), or ``PARKED`` once the attempts
   are used up; a permanent error means ``PARKED`` with the gateway's reason.

A dispatcher that serves one dealer (``dealer_id=...``) claims nothing in that dealer's
quiet hours. One that serves several re-queues, at each quiet-hours message, the message
until the morning; that uses one of its attempts.

The clock and the random source are parameters, so tests and simulations control time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

import attrs

from crm_core.domain._validators import require_aware
from crm_core.domain.contact import Channel
from crm_core.domain.customer import Customer
from crm_core.domain.dealer import StaffRole
from crm_core.domain.ids import DealerId, TaskId
from crm_core.domain.message import MessageOutcome, MessageStatus, OutboxMessage
from crm_core.domain.ports.notifiers import Email, EmailNotifier, Sms, SmsNotifier
from crm_core.domain.ports.storage import Clock, UnitOfWork
from crm_core.domain.task import FollowUpTask, TaskStatus
from crm_core.errors import (
    PermanentNotifierError,
    TransientNotifierError,
    ValidationError,
)
from crm_core.schedule.consent import ContactPolicy, screen
from crm_core.schedule.working_time import WorkingTime
from crm_core.texts.catalog import Catalogs, resolve_locale
from crm_core.texts.names import salutation

__all__ = ["DispatchReport", "DispatchSettings", "Dispatcher", "RetryPolicy", "run_workers"]


def _positive(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    zero = timedelta(0) if isinstance(value, timedelta) else 0
    if value <= zero:
        raise ValidationError("must be positive", field=attribute.name)


_MOST_MULTIPLIER = 100.0
_MOST_DELAY = timedelta(days=366)


@attrs.frozen(slots=True)
class RetryPolicy:
    """How transient send failures are retried: exponential backoff with jitter, then parking.

    The n-th retry waits ``min(max_delay, first_delay * multiplier ** (n - 1))``, spread by
    ``± jitter`` of itself so that messages failed together do not come back together. After
    ``max_attempts`` attempts the message is parked.

    >>> policy = RetryPolicy(first_delay=timedelta(minutes=1), jitter=0.0)
    >>> [str(policy.delay(n, lambda: 0.5)) for n in (1, 2, 3, 10)]
    ['0:01:00', '0:02:00', '0:04:00', '2:00:00']
    >>> str(RetryPolicy(jitter=0.25).delay(1, lambda: 0.0))
    '0:00:45'
    """

    max_attempts: int = attrs.field(default=8, validator=_positive)
    first_delay: timedelta = attrs.field(default=timedelta(minutes=1), validator=_positive)
    multiplier: float = attrs.field(default=2.0, validator=_positive)
    max_delay: timedelta = attrs.field(default=timedelta(hours=2), validator=_positive)
    jitter: float = 0.2

    def __attrs_post_init__(self) -> None:
        if not 0 <= self.jitter < 1:
            raise ValidationError("must be at least 0 and below 1", field="jitter")
        # NaN passed "positive" and fell back to max_delay without a word; 1e308 ** 2
        # raised OverflowError at the third attempt, in the middle of a batch
        if not 1 <= self.multiplier <= _MOST_MULTIPLIER:
            raise ValidationError(
                f"must be from 1 to {_MOST_MULTIPLIER}, got {self.multiplier!r}", field="multiplier"
            )
        if self.max_delay > _MOST_DELAY:  # a retry later than a year is a parked message
            raise ValidationError(f"must be at most {_MOST_DELAY.days} days", field="max_delay")

    def delay(self, attempt: int, random: Callable[[], float]) -> timedelta:
        """The wait after the ``attempt``-th attempt failed; ``random()`` is in [0, 1)."""
        exponent = max(0, attempt - 1)
        # cap the exponent before multiplying so that a large attempt cannot overflow
        base = self.first_delay.total_seconds() * self.multiplier ** min(exponent, 64)
        seconds = min(self.max_delay.total_seconds(), base)
        spread = 1 - self.jitter + 2 * self.jitter * random()
        return timedelta(seconds=seconds * spread)


@attrs.frozen(slots=True)
class DispatchSettings:
    """How a dispatcher works: the retry policy, the lease, the batch size, the contact policy.

    ``lease`` must outlast a batch: ``batch`` messages times the notifiers' timeout.

    What the dispatcher learns is recorded in one transaction per ``record_every``
    messages, or sooner once the oldest unrecorded answer is ``record_within`` old (by the
    dispatcher's clock), and at the end of each batch. That bounds the crash window: a
    dispatcher that dies sent at most ``record_every`` messages it did not record, and
    another worker sends those again, with the same idempotency keys, once the lease has
    run out. ``record_every=1`` records each answer on its own (for a gateway that does
    not deduplicate), at a transaction per message.
    """

    retry: RetryPolicy = RetryPolicy()
    lease: timedelta = attrs.field(default=timedelta(minutes=5), validator=_positive)
    batch: int = attrs.field(default=20, validator=_positive)
    contact_policy: ContactPolicy = attrs.field(factory=ContactPolicy)
    record_every: int = attrs.field(default=20, validator=_positive)
    record_within: timedelta = attrs.field(default=timedelta(seconds=1), validator=_positive)


@attrs.frozen(slots=True)
class DispatchReport:
    """What a dispatcher run did: messages claimed, sent, retried, parked, suppressed, lost.

    ``lost`` counts messages whose lease another worker took over before this one could
    record them (that worker sends them, with the same key); ``wake_at`` is when a
    dealer-scoped dispatcher idle for quiet hours may claim again."""

    claimed: int = 0
    sent: int = 0
    retried: int = 0
    parked: int = 0
    suppressed: int = 0
    deferred: int = 0
    lost: int = 0
    wake_at: datetime | None = None

    def __add__(self, other: DispatchReport) -> DispatchReport:
        wakes = [w for w in (self.wake_at, other.wake_at) if w is not None]
        return DispatchReport(
            self.claimed + other.claimed,
            self.sent + other.sent,
            self.retried + other.retried,
            self.parked + other.parked,
            self.suppressed + other.suppressed,
            self.deferred + other.deferred,
            self.lost + other.lost,
            min(wakes) if wakes else None,
        )


_ONE = {
    "sent": DispatchReport(sent=1),
    "retried": DispatchReport(retried=1),
    "parked": DispatchReport(parked=1),
    "suppressed": DispatchReport(suppressed=1),
    "deferred": DispatchReport(deferred=1),
    "lost": DispatchReport(lost=1),
}


class Dispatcher:
    """One outbox worker: claims due messages, sends them through the gateways, records it.

    ``uow`` is this worker's own unit of work (it is entered once per step, never held
    open while a gateway is called). ``working_time`` gives each dealer's quiet hours.
    ``random`` returns floats in [0, 1) for the jitter (``random.Random(seed).random``).
    A channel without a notifier parks its messages with that reason.
    """

    def __init__(
        self,
        uow: UnitOfWork,
        *,
        worker: str,
        clock: Clock,
        random: Callable[[], float],
        working_time: Callable[[DealerId], WorkingTime],
        sms: SmsNotifier | None = None,
        email: EmailNotifier | None = None,
        settings: DispatchSettings | None = None,
        dealer_id: DealerId | None = None,
        catalogs: Catalogs | None = None,
    ) -> None:
        self._uow = uow
        self._worker = worker
        self._clock = clock
        self._random = random
        self._working_time = working_time
        self._sms = sms
        self._email = email
        self._settings = settings or DispatchSettings()
        self._dealer_id = dealer_id
        self._catalogs = catalogs or Catalogs()

    @property
    def worker(self) -> str:
        return self._worker

    def _now(self) -> datetime:
        # a host's clock returning datetime.now() (naive) would otherwise fail deep inside
        # with "can't compare offset-naive and offset-aware datetimes"
        return require_aware(self._clock(), "clock")

    def run_once(self) -> DispatchReport:
        """Claim one batch of due messages and settle each of them."""
        now = self._now()
        if self._dealer_id is not None:
            hours = self._working_time(self._dealer_id)
            if hours.is_quiet(now):
                return DispatchReport(wake_at=hours.next_contact_moment(now))
        with self._uow as uow:
            claimed = uow.outbox.claim_due(
                now=now,
                worker=self._worker,
                lease=self._settings.lease,
                limit=self._settings.batch,
                dealer_id=self._dealer_id,
            )
            # the customers and tasks of the whole batch in one read: consent is checked
            # against records at most one batch old
            customers, tasks = self._read(uow, claimed)
        report = DispatchReport(claimed=len(claimed))
        pending: list[tuple[MessageOutcome, str]] = []
        since = now  # when the oldest unrecorded answer was known
        try:
            for message in claimed:
                customer = customers.get((message.dealer_id, message.customer_id))
                task = tasks.get((message.dealer_id, message.task_id)) if message.task_id else None
                pending.append(self._settle(message, customer, task))
                answered = self._now()
                if len(pending) == 1:
                    since = answered
                if (
                    len(pending) >= self._settings.record_every
                    or answered - since >= self._settings.record_within
                ):
                    report += self._record(pending)
                    pending = []
        finally:
            # also when a notifier raised: what was sent before it is recorded, not resent
            report += self._record(pending)
        return report

    @staticmethod
    def _read(
        uow: UnitOfWork, messages: Sequence[OutboxMessage]
    ) -> tuple[dict[tuple[str, str], Customer], dict[tuple[str, str], FollowUpTask]]:
        customers: dict[tuple[str, str], Customer] = {}
        tasks: dict[tuple[str, str], FollowUpTask] = {}
        for dealer_id in {m.dealer_id for m in messages}:
            mine = [m for m in messages if m.dealer_id == dealer_id]
            found = uow.customers.get_many(dealer_id, {m.customer_id for m in mine})
            customers.update(((dealer_id, k), v) for k, v in found.items())
            task_ids = {m.task_id for m in mine if m.task_id is not None}
            if task_ids:
                planned = uow.tasks.get_many(dealer_id, task_ids)
                tasks.update(((dealer_id, k), v) for k, v in planned.items())
        return customers, tasks

    def run_until_idle(self, *, max_batches: int | None = None) -> DispatchReport:
        """Run batches until nothing is due now (or ``max_batches`` ran)."""
        total = DispatchReport()
        batches = 0
        while max_batches is None or batches < max_batches:
            report = self.run_once()
            total += report
            batches += 1
            if report.claimed == 0:
                break
        return total

    def _settle(
        self, message: OutboxMessage, customer: Customer | None, task: FollowUpTask | None
    ) -> tuple[MessageOutcome, str]:
        """What becomes of one claimed message — sent or not — and the report's name for it."""
        now = self._now()
        if customer is None:
            return _final(message, MessageStatus.PARKED, error="the customer no longer exists")
        if task is not None and task.status is TaskStatus.CANCELLED:
            reason = "the task was cancelled" + (
                f": {task.status_reason}" if task.status_reason else ""
            )
            return _final(message, MessageStatus.SUPPRESSED, error=reason)
        hours = self._working_time(message.dealer_id)
        passed, skipped = screen(
            customer,
            [_probe(message, task, now)],
            (),
            self._settings.contact_policy,
            now=now,
            working_time=hours,
        )
        if skipped:
            return _final(message, MessageStatus.SUPPRESSED, error=skipped[0].detail)
        start = passed[0].due_from
        if start > now:
            return _back(message, start, f"quiet hours until {start.isoformat()}", "deferred")
        try:
            gateway_id = self._send(message, customer)
        except PermanentNotifierError as exc:
            return _final(message, MessageStatus.PARKED, error=str(exc))
        except TransientNotifierError as exc:
            if message.attempts >= self._settings.retry.max_attempts:
                reason = f"gave up after {message.attempts} attempts: {exc}"
                return _final(message, MessageStatus.PARKED, error=reason)
            retry_at = self._now() + self._settings.retry.delay(message.attempts, self._random)
            return _back(message, retry_at, str(exc), "retried")
        return _final(message, MessageStatus.SENT, gateway_id=gateway_id)

    def _send(self, message: OutboxMessage, customer: Customer) -> str:
        if message.channel is Channel.SMS and self._sms is not None:
            return self._sms.send_sms(Sms(key=message.id, to=message.recipient, text=message.body))
        if message.channel is Channel.EMAIL and self._email is not None:
            catalog = self._catalogs.translations(resolve_locale(message.locale).catalog)
            return self._email.send_email(
                Email(
                    key=message.id,
                    to=message.recipient,
                    subject=message.subject or "",
                    text=message.body,
                    html=message.html_body,
                    to_name=salutation(customer, catalog.gettext),
                )
            )
        raise PermanentNotifierError(f"no notifier for the {message.channel.value} channel")

    def _record(self, pending: Sequence[tuple[MessageOutcome, str]]) -> DispatchReport:
        """Record answers in one unit of work; an answer for a message whose lease another
        worker took over meanwhile is not recorded and counts as ``lost``."""
        if not pending:
            return DispatchReport()
        with self._uow as uow:
            recorded = uow.outbox.record_outcomes([o for o, _ in pending], worker=self._worker)
        kept = {(m.dealer_id, m.id) for m in recorded}
        report = DispatchReport()
        for outcome, name in pending:
            report += _ONE[name if outcome.key in kept else "lost"]
        return report


def _final(
    message: OutboxMessage,
    status: MessageStatus,
    *,
    gateway_id: str | None = None,
    error: str | None = None,
) -> tuple[MessageOutcome, str]:
    outcome = MessageOutcome(message, status, gateway_message_id=gateway_id, error=error)
    return outcome, status.value


def _back(
    message: OutboxMessage, at: datetime, error: str, name: str
) -> tuple[MessageOutcome, str]:
    return MessageOutcome(message, MessageStatus.QUEUED, error=error, retry_at=at), name


def _probe(message: OutboxMessage, task: FollowUpTask | None, now: datetime) -> FollowUpTask:
    """The message as the consent gate sees a task: on its one channel, due now."""
    if task is not None:
        return attrs.evolve(task, channels=(message.channel,), due_from=now, due_until=now)
    return FollowUpTask(
        id=TaskId(message.id),
        dealer_id=message.dealer_id,
        rule_id="outbox",
        customer_id=message.customer_id,
        due_from=now,
        due_until=now,
        role=StaffRole.CR_REPRESENTATIVE,
        channels=(message.channel,),
        anchor="message",
        anchor_date=now.date(),
        explanation="a message queued without a task",
    )


def run_workers(
    dispatchers: Sequence[Dispatcher], *, max_batches: int | None = None
) -> DispatchReport:
    """Run dispatchers in parallel threads until the outbox has nothing due; their summed report.

    Each dispatcher runs in its own thread until none has anything due (or each ran
    ``max_batches`` batches). Errors in a worker are raised here after all threads stopped.
    """
    reports: list[DispatchReport] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(dispatcher: Dispatcher) -> None:
        try:
            report = dispatcher.run_until_idle(max_batches=max_batches)
        except BaseException as exc:
            with lock:
                errors.append(exc)
            return
        with lock:
            reports.append(report)

    threads = [threading.Thread(target=work, args=(d,), name=d.worker) for d in dispatchers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    total = DispatchReport()
    for report in reports:
        total += report
    return total
