"""Fault tests on SQLite and PostgreSQL: a dispatcher killed between sending and
recording, and gateways failing at random under four workers. Afterwards every message
was delivered exactly once (counted by idempotency key at the test gateway) or parked
with a reason: nothing lost, nothing doubled."""

from __future__ import annotations

import random
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from outbox_support import NO_QUIET_HOURS, T0, FakeClock, dispatcher, message, seed

from crm_core.adapters.dispatcher import DispatchSettings, RetryPolicy, run_workers
from crm_core.adapters.sms_http import SmsHttpNotifier
from crm_core.adapters.sql import SqlStorage, create_engine, upgrade
from crm_core.domain.ids import CustomerId, DealerId, MessageId
from crm_core.domain.message import MessageStatus, OutboxMessage
from crm_core.domain.ports.storage import UnitOfWork
from crm_core.testing.gateways import FakeSmsGateway, Fault

CHILD = Path(__file__).with_name("dispatch_child.py")
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        return str(request.getfixturevalue("postgres_url"))
    path = tmp_path / "outbox.db"
    upgrade(path)
    return str(path)


@pytest.fixture
def dealer_id() -> DealerId:
    # the PostgreSQL database is shared by the session: each test has its own dealer
    return DealerId(f"D-{uuid.uuid4().hex[:10]}")


def _queue(uow: UnitOfWork, dealer_id: DealerId, count: int) -> list[OutboxMessage]:
    seed(uow, dealer_id, customers=count)
    messages = [
        message(
            f"{dealer_id}-m{i:03d}",
            dealer_id,
            customer=CustomerId(f"C-{i}"),
            recipient=f"139{i:08d}",
        )
        for i in range(count)
    ]
    with uow:
        uow.outbox.enqueue(messages)
    return messages


def _all(uow: UnitOfWork, dealer_id: DealerId) -> dict[MessageId, OutboxMessage]:
    with uow:
        return {m.id: m for m in uow.outbox.by_status(dealer_id, *MessageStatus)}


def _assert_once_or_parked(
    final: dict[MessageId, OutboxMessage], gateway: FakeSmsGateway, expected: int
) -> None:
    assert len(final) == expected
    statuses = {m.status for m in final.values()}
    assert statuses <= {MessageStatus.SENT, MessageStatus.PARKED}, statuses
    assert set(gateway.receipts) <= set(final)
    assert all(count == 1 for count in gateway.receipts.values())  # nothing doubled
    for m in final.values():
        if m.status is MessageStatus.SENT:
            assert gateway.receipts[m.id] == 1, m.id  # nothing lost
            assert m.gateway_message_id is not None
        else:
            assert m.last_error, m.id  # parked with a reason


@pytest.mark.parametrize("record_every", [1, 20])
def test_a_dispatcher_killed_between_sending_and_recording(
    database: str, dealer_id: DealerId, tmp_path: Path, record_every: int
) -> None:
    """Killed during its third send. Recording one answer at a time, the two sent before
    are recorded and only the third is sent again; recording 20 at a time, none of the
    three is recorded yet, and all three are sent again — with the same keys, so the
    gateway drops every repeat and each customer gets one text."""
    engine = create_engine(database)
    uow = SqlStorage(engine).unit_of_work()
    messages = _queue(uow, dealer_id, 5)
    marker = tmp_path / "hung"
    with FakeSmsGateway() as gateway:
        command = [
            sys.executable,
            str(CHILD),
            "--db",
            database,
            "--gateway",
            gateway.url,
            "--dealer",
            dealer_id,
        ]
        child = subprocess.Popen(
            [
                *command,
                "--now",
                T0.isoformat(),
                "--hang-after",
                "3",
                "--marker",
                str(marker),
                "--record-every",
                str(record_every),
            ],
            cwd=ROOT,
        )
        try:
            deadline = time.monotonic() + 60
            while not marker.exists():
                assert child.poll() is None, "the dispatcher ended before it hung"
                assert time.monotonic() < deadline, "the dispatcher never reached the third send"
                time.sleep(0.05)
        finally:
            child.kill()
            child.wait()
        killed_key = MessageId(marker.read_text())
        state = _all(uow, dealer_id)
        assert len(gateway.receipts) == 3
        assert killed_key in gateway.receipts
        sent = [MessageId(k) for k in gateway.receipts]
        recorded = [k for k in sent if k != killed_key] if record_every == 1 else []
        unrecorded = set(sent) - set(recorded)
        assert {k: state[k].status for k in sent} == {
            k: MessageStatus.SENT if k in recorded else MessageStatus.SENDING for k in sent
        }
        assert len(messages) == 5

        # a new dispatcher once the dead one's lease has run out
        after_lease = T0 + DispatchSettings().lease + timedelta(seconds=1)
        restarted = subprocess.run(
            [*command, "--now", after_lease.isoformat(), "--worker", "restarted"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert restarted.returncode == 0, restarted.stderr
        final = _all(uow, dealer_id)
        _assert_once_or_parked(final, gateway, 5)
        assert all(m.status is MessageStatus.SENT for m in final.values())
        # the unrecorded ones were sent again, with the same keys; the gateway dropped them
        assert {k: n for k, n in gateway.attempts.items() if n > 1} == dict.fromkeys(unrecorded, 2)
        assert gateway.repeats == dict.fromkeys(unrecorded, 1)
        # the first dispatcher claimed all five: only what it recorded took one attempt
        assert {k for k, m in final.items() if m.attempts == 1} == set(recorded)
    engine.dispose()


def test_gateways_failing_at_random_under_four_workers(database: str, dealer_id: DealerId) -> None:
    engine = create_engine(database)
    storage = SqlStorage(engine)
    count = 60
    _queue(storage.unit_of_work(), dealer_id, count)
    clock = FakeClock()
    # answers recorded three at a time: once within each batch of five, once at its end
    settings = DispatchSettings(
        retry=RetryPolicy(max_attempts=5, first_delay=timedelta(minutes=1)),
        batch=5,
        record_every=3,
    )
    with FakeSmsGateway(slow_seconds=0.3) as gateway:
        # the first two requests fail ambiguously for sure, the rest at random
        gateway.fail_next(Fault.ACCEPT_THEN_DROP, Fault.SLOW)
        gateway.random_faults(random.Random(20261123), 0.35)
        unsubscribed = {f"139{i:08d}" for i in (7, 42)}
        for number in unsubscribed:
            gateway.reject(number)
        config = gateway.config(timeout=0.15)
        workers = [
            dispatcher(
                storage.unit_of_work(),
                clock,
                worker=f"w{n}",
                sms=SmsHttpNotifier(config),
                dealer_id=dealer_id,
                working_time=NO_QUIET_HOURS,
                settings=settings,
                seed=n,
            )
            for n in range(4)
        ]
        for _ in range(30):
            run_workers(workers)
            pending = [
                m
                for m in _all(storage.unit_of_work(), dealer_id).values()
                if m.status in (MessageStatus.QUEUED, MessageStatus.SENDING)
            ]
            if not pending:
                break
            clock.advance(timedelta(hours=3))
        final = _all(storage.unit_of_work(), dealer_id)
        _assert_once_or_parked(final, gateway, count)
        # the faults really happened: retries, ambiguous failures and rejections
        assert sum(gateway.attempts.values()) > count + 10
        # some texts were accepted but their replies lost, and the retries were dropped
        assert sum(gateway.repeats.values()) > 0
        for m in final.values():
            if m.recipient in unsubscribed:
                assert m.status is MessageStatus.PARKED
                assert "code REJECTED" in (m.last_error or "")
        assert sum(1 for m in final.values() if m.status is MessageStatus.SENT) >= count // 2
    engine.dispose()
