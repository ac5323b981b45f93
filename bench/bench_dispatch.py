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

    python bench/bench_dispatch.py --messages 100000 --dispatch 10000 --workers 1 4
    python bench/bench_dispatch.py --messages 2000            # a quick run

All messages are queued in one outbox first; each worker count then sends ``--dispatch``
of them (by default an equal share of all), so every run claims from a deep queue.
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


class Outbox:
    """A SQLite outbox holding ``count`` queued messages (spread over 1 000 customers)."""

    def __init__(self, path: Path, count: int) -> None:
        upgrade(path)
        self.engine = create_engine(path)
        self.storage = SqlStorage(self.engine, clock=lambda: NOW)
        customers = min(count, 1000)
        with self.storage.unit_of_work() as uow:
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
                id=MessageId(f"m{i:06d}"),
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
            with self.storage.unit_of_work() as uow:
                uow.outbox.enqueue(chunk)
        self.enqueue_seconds = time.perf_counter() - started

    def sent(self) -> int:
        with self.storage.unit_of_work() as uow:
            return len(uow.outbox.by_status(DEALER, MessageStatus.SENT))

    def dispatch(self, url: str, count: int, workers: int) -> float:
        """Seconds for ``workers`` dispatchers to send ``count`` of the queued messages."""
        batch = 100
        if count % (batch * workers):
            raise SystemExit(f"--dispatch must be a multiple of {batch} × workers")
        quiet_never = QuietHours(start=NOW.time(), end=NOW.time())
        hours = WorkingTime(china_workday_calendar(), quiet=quiet_never)
        config = fake_gateway_config(url, timeout=30.0)
        dispatchers = [
            Dispatcher(
                self.storage.unit_of_work(),
                worker=f"bench-{workers}-{n}",
                clock=lambda: NOW,
                random=random.Random(n).random,
                working_time=lambda _: hours,
                sms=SmsHttpNotifier(config),
                settings=DispatchSettings(batch=batch),
                dealer_id=DEALER,
            )
            for n in range(workers)
        ]
        before = self.sent()
        started = time.perf_counter()
        report = run_workers(dispatchers, max_batches=count // (batch * workers))
        seconds = time.perf_counter() - started
        if report.sent != count or self.sent() - before != count:
            raise SystemExit(f"expected {count} messages sent: {report}")
        return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=100_000, help="messages queued")
    parser.add_argument(
        "--dispatch", type=int, default=None, help="messages sent per run (default: all)"
    )
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--out", type=Path, default=Path("bench/out/dispatch.json"))
    args = parser.parse_args()
    per_run = args.dispatch or args.messages // len(args.workers)
    if per_run * len(args.workers) > args.messages:
        raise SystemExit("--dispatch × number of worker counts exceeds --messages")

    gateway = Gateway()
    results: list[dict[str, float]] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            store = Outbox(Path(tmp) / "outbox.db", args.messages)
            enqueue_rate = args.messages / store.enqueue_seconds
            print(f"queued {args.messages} messages at {enqueue_rate:,.0f}/s", flush=True)
            for workers in args.workers:
                before = gateway.counts()
                direct_s = direct(gateway.url, per_run, workers, f"direct{workers}")
                outbox_s = store.dispatch(gateway.url, per_run, workers)
                unique, requests = gateway.counts()
                if unique - before[0] != 2 * per_run or requests - before[1] != 2 * per_run:
                    raise SystemExit("the gateway did not see every message exactly once")
                row = {
                    "workers": workers,
                    "queued": args.messages,
                    "sent": per_run,
                    "direct_per_s": per_run / direct_s,
                    "outbox_per_s": per_run / outbox_s,
                    "overhead_ms": (outbox_s - direct_s) / per_run * 1000,
                }
                results.append(row)
                print(
                    f"{workers} worker(s), {per_run} of {args.messages} queued: "
                    f"direct {row['direct_per_s']:,.0f}/s, "
                    f"outbox {row['outbox_per_s']:,.0f}/s, "
                    f"overhead {row['overhead_ms']:.2f} ms/message",
                    flush=True,
                )
            store.engine.dispose()
    finally:
        gateway.stop()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    machine = {"python": sys.version.split()[0], "platform": platform.platform()}
    summary = {"machine": machine, "enqueue_per_s": enqueue_rate, "results": results}
    args.out.write_text(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
