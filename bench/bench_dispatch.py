"""Outbox dispatch throughput: queued messages sent to a local SMS gateway.

Measures, for each worker count:

* ``direct``: the same number of texts handed straight to the gateway with
  ``SmsHttpNotifier.send_sms`` from that many threads — the gateway's own ceiling;
* ``outbox``: the texts queued in a SQLite outbox first, then sent by that many
  ``Dispatcher`` workers (threads, each with its own unit of work and notifier): claim under
  a lease, consent and quiet-hours check, send, record.

The outbox's overhead per message is the difference of the two per-message times. The
gateway (``crm_core.testing.gateways.FakeSmsGateway``, stdlib ``http.server``) runs in its
own process so that it does not share the dispatchers' interpreter lock; it counts
deliveries per key, and the run checks that every message arrived exactly once.

    python bench/bench_dispatch.py --messages 100000 --workers 1 4
    python bench/bench_dispatch.py --messages 2000          # a quick run
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import platform
import random
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path

from crm_core.adapters.dispatcher import Dispatcher, DispatchSettings, run_workers
from crm_core.adapters.sms_http import SmsHttpNotifier
from crm_core.adapters.sql import SqlStorage, create_engine, upgrade
from crm_core.domain.contact import Channel
from crm_core.domain.customer import Customer, CustomerType, Gender
from crm_core.domain.dealer import Dealer
from crm_core.domain.ids import CustomerId, DealerId, MessageId
from crm_core.domain.message import MessageStatus, OutboxMessage
from crm_core.domain.ports.notifiers import Sms
from crm_core.schedule.workdays import china_workday_calendar
from crm_core.schedule.working_time import QuietHours, WorkingTime
from crm_core.testing.gateways import FakeSmsGateway, fake_gateway_config

DEALER = DealerId("D-bench")
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
TEXT = "【浦东大众4S店】尊敬的王先生，今天是您的生日，浦东大众4S店全体员工祝您生日快乐！回T退订"


def _gateway_process(conn: Connection) -> None:
    with FakeSmsGateway() as gateway:
        conn.send(gateway.url)
        while conn.recv() != "stop":
            conn.send((len(gateway.receipts), sum(gateway.attempts.values())))
        conn.send((len(gateway.receipts), sum(gateway.attempts.values())))


class Gateway:
    """The fake gateway in a child process; ``counts()`` → (unique keys, requests)."""

    def __init__(self) -> None:
        self._conn, child = multiprocessing.Pipe()
        self._process = multiprocessing.Process(target=_gateway_process, args=(child,))
        self._process.start()
        self.url: str = self._conn.recv()

    def counts(self) -> tuple[int, int]:
        self._conn.send("count")
        unique, requests = self._conn.recv()
        return int(unique), int(requests)

    def stop(self) -> None:
        self._conn.send("stop")
        self._conn.recv()
        self._process.join()


def _chunks(items: list[OutboxMessage], size: int) -> Iterator[list[OutboxMessage]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def direct(url: str, count: int, workers: int, prefix: str) -> float:
    """Seconds to send ``count`` texts straight to the gateway from ``workers`` threads."""
    config = fake_gateway_config(url, timeout=30.0)

    def work(first: int) -> None:
        notifier = SmsHttpNotifier(config)
        for i in range(first, count, workers):
            notifier.send_sms(Sms(key=f"{prefix}-{i}", to=f"139{i % 1000:08d}", text=TEXT))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(workers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def outbox(url: str, count: int, workers: int, directory: Path) -> tuple[float, float]:
    """(seconds to queue, seconds to dispatch) ``count`` messages with ``workers``."""
    path = directory / f"outbox-{workers}.db"
    upgrade(path)
    engine = create_engine(path)
    storage = SqlStorage(engine, clock=lambda: NOW)
    customers = min(count, 1000)
    with storage.unit_of_work() as uow:
        uow.dealers.add(Dealer(id=DEALER, name="浦东大众4S店"))
        uow.customers.add_many(
            Customer(
                id=CustomerId(f"C{i}"),
                dealer_id=DEALER,
                type=CustomerType.INDIVIDUAL,
                name="王伟",
                gender=Gender.MALE,
                mobile=f"139{i:08d}",
            )
            for i in range(customers)
        )
    messages = [
        OutboxMessage(
            id=MessageId(f"w{workers}-m{i:06d}"),
            dealer_id=DEALER,
            customer_id=CustomerId(f"C{i % customers}"),
            channel=Channel.SMS,
            recipient=f"139{i % customers:08d}",
            body=TEXT,
            not_before=NOW,
        )
        for i in range(count)
    ]
    started = time.perf_counter()
    for chunk in _chunks(messages, 1000):
        with storage.unit_of_work() as uow:
            uow.outbox.enqueue(chunk)
    queued = time.perf_counter() - started

    quiet_never = QuietHours(start=NOW.time(), end=NOW.time())
    hours = WorkingTime(china_workday_calendar(), quiet=quiet_never)
    config = fake_gateway_config(url, timeout=30.0)
    dispatchers = [
        Dispatcher(
            storage.unit_of_work(),
            worker=f"bench-{n}",
            clock=lambda: NOW,
            random=random.Random(n).random,
            working_time=lambda _: hours,
            sms=SmsHttpNotifier(config),
            settings=DispatchSettings(batch=100),
            dealer_id=DEALER,
        )
        for n in range(workers)
    ]
    started = time.perf_counter()
    report = run_workers(dispatchers)
    dispatched = time.perf_counter() - started
    with storage.unit_of_work() as uow:
        sent = len(uow.outbox.by_status(DEALER, MessageStatus.SENT))
    engine.dispose()
    if report.sent != count or sent != count:
        raise SystemExit(f"only {sent} of {count} messages were sent: {report}")
    return queued, dispatched


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--out", type=Path, default=Path("bench/out/dispatch.json"))
    args = parser.parse_args()

    gateway = Gateway()
    results = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for workers in args.workers:
                before = gateway.counts()
                direct_s = direct(gateway.url, args.messages, workers, f"direct{workers}")
                queued_s, outbox_s = outbox(gateway.url, args.messages, workers, Path(tmp))
                unique, requests = gateway.counts()
                delivered = unique - before[0]
                if delivered != 2 * args.messages or requests - before[1] != 2 * args.messages:
                    raise SystemExit(f"gateway saw {delivered} keys, expected {2 * args.messages}")
                row = {
                    "workers": workers,
                    "messages": args.messages,
                    "direct_per_s": args.messages / direct_s,
                    "outbox_per_s": args.messages / outbox_s,
                    "enqueue_per_s": args.messages / queued_s,
                    "overhead_ms": (outbox_s - direct_s) / args.messages * 1000,
                }
                results.append(row)
                print(
                    f"{workers} worker(s), {args.messages} messages: "
                    f"direct {row['direct_per_s']:,.0f}/s, "
                    f"outbox {row['outbox_per_s']:,.0f}/s, "
                    f"overhead {row['overhead_ms']:.2f} ms/message, "
                    f"enqueue {row['enqueue_per_s']:,.0f}/s",
                    flush=True,
                )
    finally:
        gateway.stop()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    machine = {"python": sys.version.split()[0], "platform": platform.platform()}
    args.out.write_text(json.dumps({"machine": machine, "results": results}, indent=2))


if __name__ == "__main__":
    main()
