"""The outbox and the dispatcher on the in-memory store and on SQLite."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest
from outbox_support import (
    CAR,
    CONSULTANT,
    LI,
    NO_QUIET_HOURS,
    SETTINGS,
    T0,
    WANG,
    FakeClock,
    composer,
    dispatcher,
    message,
    seed,
    task,
)

from crm_core.adapters.dispatcher import DispatchReport, RetryPolicy, run_workers
from crm_core.adapters.memory import MemoryStorage
from crm_core.adapters.memory_notifiers import InMemoryEmailNotifier, InMemorySmsNotifier
from crm_core.adapters.outbox import (
    DealerContact,
    DeliveryReport,
    needs_attention,
    record_delivery,
    requeue,
    store_plan,
)
from crm_core.adapters.sql import SqlStorage, create_engine, upgrade
from crm_core.domain.contact import Channel
from crm_core.domain.ids import CustomerId, DealerId, MessageId, TaskId
from crm_core.domain.message import MessageOutcome, MessageStatus, OutboxMessage
from crm_core.domain.ports.notifiers import Sms
from crm_core.domain.ports.storage import UnitOfWork
from crm_core.domain.task import TaskStatus
from crm_core.errors import (
    ConflictError,
    NotFoundError,
    PermanentNotifierError,
    TransientNotifierError,
    ValidationError,
)

D1 = DealerId("D1")
Store = Callable[[], UnitOfWork]


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "memory":
        memory = MemoryStorage()
        yield memory.unit_of_work
        return
    path = tmp_path / "crm.db"
    upgrade(path)
    engine = create_engine(path)
    yield SqlStorage(engine).unit_of_work
    engine.dispose()


@pytest.fixture
def uow(store: Store) -> UnitOfWork:
    unit = store()
    seed(unit, D1)
    return unit


@pytest.fixture
def task_uow(uow: UnitOfWork) -> UnitOfWork:
    """``uow`` for tests that store tasks (the tasks table has the planner's contact
    fields since migration 0004)."""
    return uow


def _get(uow: UnitOfWork, message_id: str) -> OutboxMessage:
    with uow:
        return uow.outbox.get(D1, MessageId(message_id))


def _enqueue(uow: UnitOfWork, *messages: OutboxMessage) -> None:
    with uow:
        uow.outbox.enqueue(messages)


# --- writing the outbox ---------------------------------------------------------------


def test_tasks_and_their_messages_are_stored_together(task_uow: UnitOfWork) -> None:
    tasks = [
        task("t-1", D1, channels=(Channel.SMS, Channel.EMAIL)),
        task("t-2", D1, customer=LI, focus="inspection_reminder", vehicle=CAR),
        task("t-3", D1, focus="settling_in", channels=(Channel.PHONE,)),  # a call: no text
    ]
    written = store_plan(task_uow, tasks, composer(D1))
    assert written.tasks.inserted == (TaskId("t-1"), TaskId("t-2"), TaskId("t-3"))
    assert sorted(written.queued) == ["t-1.email", "t-1.sms", "t-2.sms"]
    assert written.skipped == ()
    sms = _get(task_uow, "t-1.sms")
    assert sms.body.startswith("【浦东大众4S店】尊敬的王先生，今天是您的生日")
    assert sms.body.endswith("回T退订")
    assert (sms.recipient, sms.not_before, sms.purpose, sms.locale) == (
        "13812345678",
        T0,
        "birthday",
        "zh_CN",
    )
    assert sms.status is MessageStatus.QUEUED
    assert sms.task_id == "t-1"
    email = _get(task_uow, "t-1.email")
    assert email.recipient == "wang.wei@example.com"
    assert email.subject == "浦东大众4S店祝您生日快乐"
    assert email.html_body is not None
    assert "<p>尊敬的王先生：</p>" in email.html_body
    inspection = _get(task_uow, "t-2.sms")
    assert "尊敬的李女士，您的爱车沪A12345年检有效期至1980年11月23日" in inspection.body


def test_storing_the_same_plan_twice_queues_nothing_new(task_uow: UnitOfWork) -> None:
    tasks = [task("t-1", D1)]
    assert store_plan(task_uow, tasks, composer(D1)).queued == (MessageId("t-1.sms"),)
    again = store_plan(task_uow, tasks, composer(D1))
    assert again.queued == ()
    assert again.tasks.unchanged == (TaskId("t-1"),)


def test_a_retried_call_sends_no_second_text(task_uow: UnitOfWork) -> None:
    written = store_plan(task_uow, [task("t-1.2", D1, attempt=2)], composer(D1))
    assert written.queued == ()


def test_tasks_without_a_recipient_or_field_are_reported(task_uow: UnitOfWork) -> None:
    tasks = [
        task("t-1", D1, customer=LI, channels=(Channel.EMAIL,)),  # Ms Li has no e-mail
        task("t-2", D1, focus="thanks_safe_arrival"),  # names the consultant: none assigned
        task("t-3", D1, focus="thanks_safe_arrival", assignee=CONSULTANT),
    ]
    written = store_plan(task_uow, tasks, composer(D1))
    assert written.queued == (MessageId("t-3.sms"),)
    assert [(s.task_id, s.channel, s.reason) for s in written.skipped] == [
        ("t-1", Channel.EMAIL, "the customer has no e-mail address"),
        (
            "t-2",
            Channel.SMS,
            "cannot compose the text: values: template new_car_thanks needs consultant",
        ),
    ]
    assert "李明" in _get(task_uow, "t-3.sms").body


def test_a_text_task_whose_focus_has_no_text_is_reported(task_uow: UnitOfWork) -> None:
    # a host's own calendar, or Skoda's club invitations: an SMS asked for, none written
    tasks = [
        task("t-1", D1, focus="club_event_invitation", channels=(Channel.SMS, Channel.PHONE)),
        task("t-2", D1, focus=None),
        task("t-3", D1, focus="settling_in", channels=(Channel.PHONE,)),  # a call: no text
    ]
    written = store_plan(task_uow, tasks, composer(D1))
    assert written.queued == ()
    assert [(s.task_id, s.channel, s.reason) for s in written.skipped] == [
        (
            "t-1",
            Channel.SMS,
            "no text for the focus 'club_event_invitation': give MessageComposer focus_texts "
            "for it",
        ),
        ("t-2", Channel.SMS, "the task has no focus to choose its text by"),
    ]


def test_a_failed_write_stores_neither_tasks_nor_messages(task_uow: UnitOfWork) -> None:
    tasks = [task("t-1", D1), task("t-2", D1, customer=WANG)]
    tasks.append(attrs.evolve(tasks[0], id=TaskId("t-3"), customer_id=CustomerId("C-nobody")))
    with pytest.raises(NotFoundError):
        store_plan(task_uow, tasks, composer(D1))
    with task_uow:
        assert task_uow.outbox.by_status(D1, MessageStatus.QUEUED) == []
        assert task_uow.tasks.get_many(D1, [TaskId("t-1"), TaskId("t-2")]) == {}


# --- dispatching -------------------------------------------------------------------------


def test_a_due_message_is_sent_once_and_recorded(task_uow: UnitOfWork) -> None:
    store_plan(task_uow, [task("t-1", D1)], composer(D1))
    sms = InMemorySmsNotifier()
    clock = FakeClock()
    report = dispatcher(task_uow, clock, sms=sms).run_until_idle()
    assert report == DispatchReport(claimed=1, sent=1)
    assert sms.keys() == ["t-1.sms"]
    assert sms.sent[0].to == "13812345678"
    sent = _get(task_uow, "t-1.sms")
    assert (sent.status, sent.gateway_message_id, sent.attempts) == (
        MessageStatus.SENT,
        "mem-sms-1",
        1,
    )
    assert sent.lease_owner is None
    assert dispatcher(task_uow, clock, sms=sms).run_until_idle() == DispatchReport()


def test_a_message_waits_for_its_time(uow: UnitOfWork) -> None:
    _enqueue(uow, message("m1", D1, not_before=T0 + timedelta(hours=1)))
    sms = InMemorySmsNotifier()
    clock = FakeClock()
    assert dispatcher(uow, clock, sms=sms).run_once().claimed == 0
    clock.advance(timedelta(hours=1))
    assert dispatcher(uow, clock, sms=sms).run_once().sent == 1


def test_emails_carry_the_salutation_as_display_name(task_uow: UnitOfWork) -> None:
    store_plan(task_uow, [task("t-1", D1, channels=(Channel.EMAIL,))], composer(D1))
    email = InMemoryEmailNotifier()
    dispatcher(task_uow, FakeClock(), email=email).run_until_idle()
    assert email.sent[0].to_name == "王先生"
    assert email.sent[0].key == "t-1.email"
    assert email.sent[0].subject == "浦东大众4S店祝您生日快乐"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"do_not_disturb": True}, "customer asked not to be disturbed (免打扰)"),
        ({"blacklisted": True}, "customer is blacklisted (黑名单)"),
        ({"opted_out_channels": frozenset({Channel.SMS})}, "customer opted out of sms"),
    ],
)
def test_consent_withdrawn_after_planning_stops_the_message(
    task_uow: UnitOfWork, change: dict[str, Any], reason: str
) -> None:
    store_plan(task_uow, [task("t-1", D1)], composer(D1))
    with task_uow:
        customer = task_uow.customers.get(D1, WANG)
        task_uow.customers.update(attrs.evolve(customer, **change))
    sms = InMemorySmsNotifier()
    report = dispatcher(task_uow, FakeClock(), sms=sms).run_until_idle()
    assert report == DispatchReport(claimed=1, suppressed=1)
    assert sms.sent == []
    suppressed = _get(task_uow, "t-1.sms")
    assert (suppressed.status, suppressed.last_error) == (MessageStatus.SUPPRESSED, reason)


def test_a_cancelled_task_stops_its_message(task_uow: UnitOfWork) -> None:
    store_plan(task_uow, [task("t-1", D1)], composer(D1))
    with task_uow:
        stored = task_uow.tasks.get(D1, TaskId("t-1"))
        task_uow.tasks.update(
            attrs.evolve(stored, status=TaskStatus.CANCELLED, status_reason="customer moved away")
        )
    dispatcher(task_uow, FakeClock(), sms=InMemorySmsNotifier()).run_until_idle()
    assert _get(task_uow, "t-1.sms").last_error == "the task was cancelled: customer moved away"


def test_quiet_hours_hold_a_dealer_scoped_dispatcher(uow: UnitOfWork) -> None:
    _enqueue(uow, message("m1", D1))
    late = FakeClock(datetime(2026, 11, 23, 14, 30, tzinfo=UTC))  # 22:30 in Shanghai
    report = dispatcher(uow, late, sms=InMemorySmsNotifier(), dealer_id=D1).run_once()
    assert report == DispatchReport(wake_at=datetime(2026, 11, 24, 0, 0, tzinfo=UTC))
    assert _get(uow, "m1").status is MessageStatus.QUEUED


def test_quiet_hours_send_a_claimed_message_back_until_morning(uow: UnitOfWork) -> None:
    _enqueue(uow, message("m1", D1))
    late = FakeClock(datetime(2026, 11, 23, 14, 30, tzinfo=UTC))
    sms = InMemorySmsNotifier()
    assert dispatcher(uow, late, sms=sms).run_once() == DispatchReport(claimed=1, deferred=1)
    held = _get(uow, "m1")
    assert held.status is MessageStatus.QUEUED
    assert held.next_attempt_at == datetime(2026, 11, 24, 0, 0, tzinfo=UTC)
    assert held.last_error == "quiet hours until 2026-11-24T08:00:00+08:00"
    late.now = datetime(2026, 11, 24, 0, 0, tzinfo=UTC)
    assert dispatcher(uow, late, sms=sms).run_once().sent == 1


def test_transient_failures_back_off_then_park(uow: UnitOfWork) -> None:
    _enqueue(uow, message("m1", D1))
    sms = InMemorySmsNotifier()
    sms.fail_next(*(TransientNotifierError(f"busy {n}") for n in range(1, 5)))
    clock = FakeClock()
    waits = []
    for attempt in range(1, 4):
        report = dispatcher(uow, clock, sms=sms, seed=attempt).run_until_idle()
        assert report == DispatchReport(claimed=1, retried=1)
        held = _get(uow, "m1")
        assert (held.status, held.attempts, held.last_error) == (
            MessageStatus.QUEUED,
            attempt,
            f"busy {attempt}",
        )
        assert held.next_attempt_at is not None
        waits.append(held.next_attempt_at - clock.now)
        clock.now = held.next_attempt_at
    # 1, 2 and 4 minutes, each within ±20 % jitter
    for wait, minutes in zip(waits, (1, 2, 4), strict=True):
        assert timedelta(minutes=minutes * 0.8) <= wait <= timedelta(minutes=minutes * 1.2)
    assert len(set(waits)) == 3
    report = dispatcher(uow, clock, sms=sms).run_until_idle()
    assert report == DispatchReport(claimed=1, parked=1)
    parked = _get(uow, "m1")
    assert parked.status is MessageStatus.PARKED
    assert parked.last_error == "gave up after 4 attempts: busy 4"
    assert sms.sent == []


def test_jitter_comes_from_the_injected_source(uow: UnitOfWork) -> None:
    _enqueue(uow, message("m1", D1), message("m2", D1, customer=LI, recipient="13987654321"))
    sms = InMemorySmsNotifier()
    sms.fail_next(TransientNotifierError("busy"), TransientNotifierError("busy"))
    dispatcher(uow, FakeClock(), sms=sms, seed=42).run_until_idle()
    first, second = _get(uow, "m1").next_attempt_at, _get(uow, "m2").next_attempt_at
    assert first is not None
    assert second is not None
    assert first != second  # failed together, not retried together
    draws = __import__("random").Random(42)
    expected = [SETTINGS.retry.delay(1, draws.random) for _ in range(2)]
    assert [first - T0, second - T0] == expected


def test_a_clock_without_a_timezone_is_refused_by_name(uow: UnitOfWork) -> None:
    # datetime.now() is the natural slip; it failed with "can't compare offset-naive and
    # offset-aware datetimes" from deep inside
    _enqueue(uow, message("m1", D1))
    naive = FakeClock(T0.replace(tzinfo=None))
    with pytest.raises(ValidationError, match=r"^clock: must be timezone-aware$"):
        dispatcher(uow, naive, sms=InMemorySmsNotifier()).run_until_idle()
    assert _get(uow, "m1").status is MessageStatus.QUEUED  # nothing was claimed


def test_a_permanent_failure_parks_with_the_reason(uow: UnitOfWork) -> None:
    _enqueue(uow, message("m1", D1))
    sms = InMemorySmsNotifier()
    sms.fail_next(PermanentNotifierError("SMS gateway HTTP 400 code REJECTED unsubscribed"))
    assert dispatcher(uow, FakeClock(), sms=sms).run_until_idle() == DispatchReport(
        claimed=1, parked=1
    )
    parked = _get(uow, "m1")
    assert parked.last_error == "SMS gateway HTTP 400 code REJECTED unsubscribed"


def test_a_channel_without_notifier_is_parked(uow: UnitOfWork) -> None:
    _enqueue(uow, message("m1", D1, channel=Channel.EMAIL, recipient="wang.wei@example.com"))
    dispatcher(uow, FakeClock(), sms=InMemorySmsNotifier()).run_until_idle()
    assert _get(uow, "m1").last_error == "no notifier for the email channel"


def test_a_worker_that_lost_its_lease_does_not_record(uow: UnitOfWork, store: Store) -> None:
    _enqueue(uow, message("m1", D1))
    clock = FakeClock()
    slow = InMemorySmsNotifier()
    other_uow = store()

    class Stalling(InMemorySmsNotifier):
        """Sends, then stalls past the lease while the other worker takes over."""

        def send_sms(self, sms: Sms) -> str:
            gateway_id = slow.send_sms(sms)
            clock.advance(SETTINGS.lease + timedelta(seconds=1))
            dispatcher(other_uow, clock, worker="w2", sms=slow).run_until_idle()
            return gateway_id

    report = dispatcher(uow, clock, worker="w1", sms=Stalling()).run_until_idle()
    assert report == DispatchReport(claimed=1, lost=1)
    # both workers sent, with the same key: a deduplicating gateway delivers once
    assert slow.keys() == ["m1", "m1"]
    done = _get(uow, "m1")
    assert (done.status, done.attempts, done.gateway_message_id) == (
        MessageStatus.SENT,
        2,
        "mem-sms-1",
    )


# --- recording answers in batches -----------------------------------------------------


def _queue_many(store: Store, count: int) -> UnitOfWork:
    """A new store with ``count`` customers and a queued text to each: ``m0``, ``m1``…"""
    uow = store()
    seed(uow, D1, customers=count)
    with uow:
        uow.outbox.enqueue(
            message(f"m{i}", D1, customer=CustomerId(f"C-{i}"), recipient=f"139{i:08d}")
            for i in range(count)
        )
    return uow


class Watching(InMemorySmsNotifier):
    """Sends, and notes at each send how many sent messages the outbox had recorded
    (through another unit of work); optionally advances the clock per send or fails."""

    def __init__(
        self,
        reader: UnitOfWork,
        clock: FakeClock,
        *,
        step: timedelta = timedelta(0),
        crash_at: int = 0,
    ) -> None:
        super().__init__()
        self.reader = reader
        self.clock = clock
        self.step = step
        self.crash_at = crash_at
        self.recorded_before: list[int] = []

    def send_sms(self, sms: Sms) -> str:
        with self.reader as uow:
            self.recorded_before.append(len(uow.outbox.by_status(D1, MessageStatus.SENT)))
        if len(self.recorded_before) == self.crash_at:
            raise RuntimeError("the notifier broke")
        self.clock.advance(self.step)
        return super().send_sms(sms)


def test_answers_are_recorded_every_few_messages(store: Store) -> None:
    uow = _queue_many(store, 7)
    clock = FakeClock()
    sms = Watching(store(), clock)
    settings = attrs.evolve(SETTINGS, batch=10, record_every=3)
    report = dispatcher(
        uow, clock, sms=sms, settings=settings, working_time=NO_QUIET_HOURS
    ).run_once()
    assert report == DispatchReport(claimed=7, sent=7)
    # recorded after the 3rd and the 6th answer, and the 7th at the end of the batch
    assert sms.recorded_before == [0, 0, 0, 3, 3, 3, 6]
    with uow:
        assert len(uow.outbox.by_status(D1, MessageStatus.SENT)) == 7


def test_answers_are_recorded_once_the_oldest_is_old_enough(store: Store) -> None:
    uow = _queue_many(store, 7)
    clock = FakeClock()
    # each send takes 25 s; the first answer is known at 25 s, the fourth at 100 s: 75 s
    # after the first, past the minute, so four are recorded together; then three more
    sms = Watching(store(), clock, step=timedelta(seconds=25))
    settings = attrs.evolve(
        SETTINGS, batch=10, record_every=100, record_within=timedelta(minutes=1)
    )
    report = dispatcher(
        uow, clock, sms=sms, settings=settings, working_time=NO_QUIET_HOURS
    ).run_once()
    assert report.sent == 7
    assert sms.recorded_before == [0, 0, 0, 0, 4, 4, 4]


def test_answers_before_a_broken_notifier_are_still_recorded(store: Store) -> None:
    uow = _queue_many(store, 5)
    clock = FakeClock()
    sms = Watching(store(), clock, crash_at=3)
    settings = attrs.evolve(SETTINGS, batch=10, record_every=10)
    with pytest.raises(RuntimeError, match="the notifier broke"):
        dispatcher(uow, clock, sms=sms, settings=settings, working_time=NO_QUIET_HOURS).run_once()
    with uow:
        statuses = {m.id: m.status for m in uow.outbox.by_status(D1, *MessageStatus)}
    assert statuses == {
        "m0": MessageStatus.SENT,
        "m1": MessageStatus.SENT,
        "m2": MessageStatus.SENDING,  # its lease runs out, and it is sent again
        "m3": MessageStatus.SENDING,
        "m4": MessageStatus.SENDING,
    }


def test_a_batch_recorded_after_a_takeover_keeps_the_other_workers_claim(store: Store) -> None:
    uow = _queue_many(store, 3)
    clock = FakeClock()
    gateway = InMemorySmsNotifier()
    other = dispatcher(
        store(),
        clock,
        worker="w2",
        sms=gateway,
        working_time=NO_QUIET_HOURS,
        settings=attrs.evolve(SETTINGS, batch=1),
    )
    took_over: list[DispatchReport] = []
    reader = store()
    after_w2: list[OutboxMessage] = []

    class Stalling(InMemorySmsNotifier):
        """w1's first send stalls past the lease; w2 meanwhile takes m0 over and sends
        and records it. m1 and m2 nobody takes: w1 still holds them."""

        def send_sms(self, sms: Sms) -> str:
            gateway_id = gateway.send_sms(sms)
            if not took_over:
                clock.advance(SETTINGS.lease + timedelta(seconds=1))
                took_over.append(other.run_once())
                after_w2.append(_get(reader, "m0"))
            return gateway_id

    settings = attrs.evolve(SETTINGS, batch=10, record_every=10)
    report = dispatcher(
        uow, clock, worker="w1", sms=Stalling(), settings=settings, working_time=NO_QUIET_HOURS
    ).run_once()
    assert took_over == [DispatchReport(claimed=1, sent=1)]
    assert report == DispatchReport(claimed=3, sent=2, lost=1)
    assert gateway.keys() == ["m0", "m0", "m1", "m2"]  # m0 twice, with the same key
    # w2's answer stands, untouched by w1's batch
    assert _get(uow, "m0") == after_w2[0]
    assert (after_w2[0].status, after_w2[0].attempts) == (MessageStatus.SENT, 2)


@pytest.mark.parametrize(
    "changes", [{"record_every": 0}, {"record_within": timedelta(0)}, {"batch": -1}]
)
def test_settings_that_cannot_work_are_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        attrs.evolve(SETTINGS, **changes)


def test_an_outcome_that_cannot_be_is_refused() -> None:
    queued = message("m1", D1)
    claimed = attrs.evolve(queued, status=MessageStatus.SENDING, lease_owner="w1", version=2)
    retry_at = T0 + timedelta(minutes=1)
    with pytest.raises(ValidationError, match="claimed"):
        MessageOutcome(queued, MessageStatus.SENT)
    with pytest.raises(ValidationError, match="cannot be sending"):
        MessageOutcome(claimed, MessageStatus.SENDING)
    with pytest.raises(ValidationError, match="next attempt"):
        MessageOutcome(claimed, MessageStatus.QUEUED)
    with pytest.raises(ValidationError, match="only a message given back"):
        MessageOutcome(claimed, MessageStatus.SENT, retry_at=retry_at)
    with pytest.raises(ValidationError, match="timezone-aware"):
        MessageOutcome(claimed, MessageStatus.QUEUED, retry_at=datetime(2026, 11, 23, 10))  # noqa: DTZ001
    back = MessageOutcome(claimed, MessageStatus.QUEUED, error="HTTP 503", retry_at=retry_at)
    assert back.key == (D1, "m1")
    assert back.applied_to(claimed) == attrs.evolve(
        claimed,
        status=MessageStatus.QUEUED,
        next_attempt_at=retry_at,
        last_error="HTTP 503",
        lease_owner=None,
    )


def test_several_workers_send_every_message_once(store: Store) -> None:
    _queue_many(store, 60)
    sms = InMemorySmsNotifier()
    clock = FakeClock()
    workers = [
        dispatcher(store(), clock, worker=f"w{n}", sms=sms, working_time=NO_QUIET_HOURS)
        for n in range(4)
    ]
    report = run_workers(workers)
    assert report.sent == 60
    assert report.claimed == 60
    assert sorted(sms.keys()) == sorted(f"m{i}" for i in range(60))


# --- delivery reports and operators ------------------------------------------------------


def _sent(uow: UnitOfWork) -> OutboxMessage:
    _enqueue(uow, message("m1", D1))
    dispatcher(uow, FakeClock(), sms=InMemorySmsNotifier()).run_until_idle()
    return _get(uow, "m1")


def test_a_delivery_report_is_recorded_once(uow: UnitOfWork) -> None:
    sent = _sent(uow)
    assert sent.gateway_message_id == "mem-sms-1"
    report = DeliveryReport(D1, delivered=True, gateway_message_id="mem-sms-1")
    delivered = record_delivery(uow, report)
    assert delivered.status is MessageStatus.DELIVERED
    again = record_delivery(
        uow, DeliveryReport(D1, delivered=False, gateway_message_id="mem-sms-1")
    )
    assert again.status is MessageStatus.DELIVERED
    assert again.version == delivered.version


def test_a_failed_delivery_needs_attention_and_can_be_requeued(uow: UnitOfWork) -> None:
    _sent(uow)
    failed = record_delivery(
        uow, DeliveryReport(D1, delivered=False, message_id=MessageId("m1"), detail="handset off")
    )
    assert (failed.status, failed.last_error) == (MessageStatus.FAILED, "handset off")
    assert [m.id for m in needs_attention(uow, D1)] == ["m1"]
    later = T0 + timedelta(days=1)
    [again] = requeue(uow, D1, [MessageId("m1")], at=later)
    assert (again.status, again.attempts, again.next_attempt_at) == (
        MessageStatus.QUEUED,
        0,
        later,
    )
    assert needs_attention(uow, D1) == []


def test_requeue_is_all_or_nothing(uow: UnitOfWork) -> None:
    _sent(uow)
    record_delivery(uow, DeliveryReport(D1, delivered=False, message_id=MessageId("m1")))
    _enqueue(uow, message("m2", D1))
    with pytest.raises(ConflictError):
        requeue(uow, D1, [MessageId("m1"), MessageId("m2")], at=T0)
    assert _get(uow, "m1").status is MessageStatus.FAILED


def test_a_report_for_a_message_queued_for_retry_settles_it(uow: UnitOfWork) -> None:
    # the gateway took the text but its reply was lost: the message waits for a retry
    # when the report arrives, and then nobody sends it again
    _enqueue(uow, message("m1", D1))
    sms = InMemorySmsNotifier()
    sms.fail_next(TransientNotifierError("reply lost"))
    dispatcher(uow, FakeClock(), sms=sms).run_until_idle()
    assert _get(uow, "m1").status is MessageStatus.QUEUED
    delivered = record_delivery(uow, DeliveryReport(D1, delivered=True, message_id=MessageId("m1")))
    assert delivered.status is MessageStatus.DELIVERED
    assert delivered.next_attempt_at is not None
    clock = FakeClock(delivered.next_attempt_at + timedelta(hours=1))
    assert dispatcher(uow, clock, sms=sms).run_until_idle() == DispatchReport()


def test_a_report_for_an_unknown_message_is_not_found(uow: UnitOfWork) -> None:
    with pytest.raises(NotFoundError):
        record_delivery(uow, DeliveryReport(D1, delivered=True, gateway_message_id="nope"))


def test_a_report_needs_an_id() -> None:
    with pytest.raises(ValidationError, match="needs the gateway's id or the message id"):
        DeliveryReport(D1, delivered=True)


# --- the retry policy ----------------------------------------------------------------------


def test_backoff_is_capped_and_never_overflows() -> None:
    policy = RetryPolicy(first_delay=timedelta(seconds=30), max_delay=timedelta(hours=1))
    assert policy.delay(10_000, lambda: 0.5) == timedelta(hours=1)


@pytest.mark.parametrize(
    "changes",
    [{"max_attempts": 0}, {"first_delay": timedelta(0)}, {"jitter": 1.0}, {"jitter": -0.1}],
)
def test_a_policy_that_cannot_work_is_refused(changes: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        RetryPolicy(**changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        # 1e308 ** 2 raised OverflowError at the third attempt, in the middle of a batch
        ({"multiplier": 1e308}, "multiplier"),
        # NaN passed "positive" and every retry waited max_delay without a word
        ({"multiplier": float("nan")}, "multiplier"),
        ({"multiplier": 0.5}, "multiplier"),
        ({"max_delay": timedelta.max}, "max_delay"),
    ],
)
def test_a_backoff_that_cannot_grow_sensibly_is_refused_naming_it(
    changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        RetryPolicy(**changes)
    assert caught.value.field == field


@pytest.mark.parametrize("multiplier", [1.0, 2.0, 100.0])
def test_every_allowed_backoff_is_a_delay_up_to_the_cap(multiplier: float) -> None:
    policy = RetryPolicy(multiplier=multiplier, max_delay=timedelta(days=366), jitter=0.5)
    for attempt in (1, 2, 3, 65, 10**6):
        assert timedelta(0) < policy.delay(attempt, lambda: 0.999999) < timedelta(days=549)


def test_delays_grow_and_stay_within_the_jitter() -> None:
    policy = RetryPolicy(jitter=0.2)
    for attempt in range(1, 8):
        low, high = policy.delay(attempt, lambda: 0.0), policy.delay(attempt, lambda: 0.999999)
        base = min(timedelta(hours=2), timedelta(minutes=2 ** (attempt - 1)))
        assert low == base * 0.8
        assert base * 1.19 < high <= base * 1.2


def test_clock_values_are_aware() -> None:
    assert FakeClock()().tzinfo is UTC


def test_a_negative_first_service_mileage_is_refused() -> None:
    # it went into every first-service reminder as "-1 km"
    with pytest.raises(ValidationError) as caught:
        DealerContact(hotline="400-800-1234", first_service_km=-1)
    assert caught.value.field == "first_service_km"
