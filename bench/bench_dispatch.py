"""Outbox dispatch throughput: queued messages sent to a local SMS gateway.

For each worker count, on a fresh outbox of its own (SQLite, or PostgreSQL with
``--backend postgresql``: the embedded test server, or ``CRM_CORE_TEST_PG_URL``) holding
``--messages`` queued texts:

* ``direct``: ``--messages`` texts handed straight to the gateway with
  ``SmsHttpNotifier.send_sms`` from that many threads — the gateway's own ceiling;
* ``outbox``: that many ``Dispatcher`` workers (threads, each with its own unit of work
  and notifier) send the whole queue: claim ``--batch`` at a time under a lease, consent
  and quiet-hours check, send, record the answers ``--record-every`` at a time.

The two alternate in ``--slices`` slices (direct then outbox, outbox then direct, …), so
that on a shared machine both see the same load.

The outbox's overhead per message is the difference of the two per-message times (wall
clock, and CPU time of this process: the gateway runs in its own process so that it does
not share the dispatchers' interpreter lock, and its CPU is not counted). The gateway
(``crm_core.testing.gateways.FakeSmsGateway``, stdlib ``http.server``) counts deliveries
per key; the run checks that it saw every key exactly once — direct and outbox, every
message of every worker count — and that the outbox recorded every message as sent.

    python bench/bench_dispatch.py --messages 100000 --workers 1 4
    python bench/bench_dispatch.py --messages 2000            # a quick run
    python bench/bench_dispatch.py --backend postgresql --messages 20000

Queueing (``uow.outbox.enqueue``, ``--enqueue-chunk`` messages per unit of work) is timed
too, for each outbox.
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
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from multiprocessing.connection import Connection
from pathlib import Path

import attrs

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
from crm_core.testing.postgres import create_database

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


@attrs.frozen
class Timing:
    """Wall-clock and CPU seconds of one phase (CPU: every thread of this process)."""

    wall: float
    cpu: float

    @classmethod
    def of(cls, work: Callable[[], object]) -> Timing:
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        return cls(time.perf_counter() - wall, time.process_time() - cpu)

    def __add__(self, other: Timing) -> Timing:
        return Timing(self.wall + other.wall, self.cpu + other.cpu)


def direct(url: str, first: int, count: int, workers: int, prefix: str) -> None:
    """Send texts ``first`` to ``first + count`` straight to the gateway from ``workers``
    threads."""
    config = fake_gateway_config(url, timeout=30.0)

    def work(offset: int) -> None:
        notifier = SmsHttpNotifier(config)
        for i in range(first + offset, first + count, workers):
            notifier.send_sms(Sms(key=f"{prefix}-{i}", to=f"139{i % 1000:08d}", text=TEXT))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


class Outbox:
    """An outbox (a SQLite file or a PostgreSQL database) holding ``count`` queued messages
    (spread over 1 000 customers), their ids prefixed with ``prefix`` so that every run's
    keys are new to the gateway."""

    def __init__(self, url: str | Path, count: int, prefix: str, chunk: int) -> None:
        upgrade(url)
        self.engine = create_engine(url)
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
                id=MessageId(f"{prefix}-m{i:06d}"),
                dealer_id=DEALER,
                customer_id=CustomerId(f"C{i % customers}"),
                channel=Channel.SMS,
                recipient=f"139{i % customers:08d}",
                body=TEXT,
                not_before=NOW,
            )
            for i in range(count)
        ]

        def enqueue() -> None:
            for start in range(0, count, chunk):
                with self.storage.unit_of_work() as uow:
                    uow.outbox.enqueue(messages[start : start + chunk])

        self.enqueue = Timing.of(enqueue)
        self.count = count

    def sent(self) -> int:
        with self.storage.unit_of_work() as uow:
            return len(uow.outbox.by_status(DEALER, MessageStatus.SENT))

    def dispatchers(self, url: str, workers: int, settings: DispatchSettings) -> list[Dispatcher]:
        quiet_never = QuietHours(start=NOW.time(), end=NOW.time())
        hours = WorkingTime(china_workday_calendar(), quiet=quiet_never)
        config = fake_gateway_config(url, timeout=30.0)
        return [
            Dispatcher(
                self.storage.unit_of_work(),
                worker=f"bench-{workers}-{n}",
                clock=lambda: NOW,
                random=random.Random(n).random,
                working_time=lambda _: hours,
                sms=SmsHttpNotifier(config),
                settings=settings,
                dealer_id=DEALER,
            )
            for n in range(workers)
        ]

    @staticmethod
    def dispatch(dispatchers: list[Dispatcher], count: int, batch: int) -> None:
        """Let the dispatchers send ``count`` of the queued messages, ``batch`` a claim."""
        report = run_workers(dispatchers, max_batches=count // (batch * len(dispatchers)))
        if report.sent != count:
            raise SystemExit(f"expected {count} messages sent: {report}")

    def close(self) -> None:
        self.engine.dispose()


def run(
    gateway: Gateway, directory: Path, workers: int, args: argparse.Namespace
) -> dict[str, float]:
    """One worker count: all ``--messages`` queued, then sent through the outbox and sent
    directly, in ``--slices`` alternating slices (direct first, then the outbox first, …)
    so that both see the same load on a shared machine."""
    count: int = args.messages
    per_slice = count // args.slices
    if count % (args.slices * args.batch * workers):
        raise SystemExit("--messages must be a multiple of --slices × --batch × workers")
    before = gateway.counts()
    url: str | Path = (
        directory / f"outbox-{workers}.db"
        if args.backend == "sqlite"
        else create_database(f"bench_outbox_w{workers}")
    )
    store = Outbox(url, count, f"w{workers}", args.enqueue_chunk)
    settings = DispatchSettings(batch=args.batch, record_every=args.record_every)
    dispatchers = store.dispatchers(gateway.url, workers, settings)
    direct_t = outbox_t = Timing(0.0, 0.0)
    try:
        for n in range(args.slices):
            first = n * per_slice
            send_direct = partial(direct, gateway.url, first, per_slice, workers, f"d{workers}")
            send_outbox = partial(store.dispatch, dispatchers, per_slice, args.batch)
            if n % 2 == 0:
                direct_t += Timing.of(send_direct)
                outbox_t += Timing.of(send_outbox)
            else:
                outbox_t += Timing.of(send_outbox)
                direct_t += Timing.of(send_direct)
        if store.sent() != count:
            raise SystemExit(f"the outbox recorded {store.sent()} of {count} messages as sent")
    finally:
        store.close()
    unique, requests = gateway.counts()
    if unique - before[0] != 2 * count or requests - before[1] != 2 * count:
        raise SystemExit(
            f"the gateway did not see every message exactly once: {unique - before[0]} keys "
            f"in {requests - before[1]} requests for {2 * count} messages"
        )
    return {
        "workers": workers,
        "messages": count,
        "backend": args.backend,
        "batch": args.batch,
        "record_every": args.record_every,
        "enqueue_per_s": count / store.enqueue.wall,
        "enqueue_cpu_us": store.enqueue.cpu / count * 1e6,
        "direct_per_s": count / direct_t.wall,
        "outbox_per_s": count / outbox_t.wall,
        "overhead_ms": (outbox_t.wall - direct_t.wall) / count * 1000,
        "direct_cpu_ms": direct_t.cpu / count * 1000,
        "outbox_cpu_ms": outbox_t.cpu / count * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=100_000, help="messages per run")
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--batch", type=int, default=100, help="messages claimed at once")
    parser.add_argument(
        "--record-every", type=int, default=100, help="answers recorded per transaction"
    )
    parser.add_argument("--enqueue-chunk", type=int, default=1000, help="messages per unit of work")
    parser.add_argument("--slices", type=int, default=10, help="alternations of direct/outbox")
    parser.add_argument("--out", type=Path, default=None, help="JSON results")
    args = parser.parse_args()
    out: Path = args.out or Path(
        f"bench/out/dispatch-{args.backend}-w{'-'.join(str(w) for w in args.workers)}.json"
    )

    gateway = Gateway()
    results: list[dict[str, float]] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for workers in args.workers:
                row = run(gateway, Path(tmp), workers, args)
                results.append(row)
                print(
                    f"{args.backend}, {workers} worker(s), {args.messages} messages: "
                    f"queued at {row['enqueue_per_s']:,.0f}/s; "
                    f"direct {row['direct_per_s']:,.0f}/s ({row['direct_cpu_ms']:.2f} ms CPU), "
                    f"outbox {row['outbox_per_s']:,.0f}/s ({row['outbox_cpu_ms']:.2f} ms CPU), "
                    f"overhead {row['overhead_ms']:.2f} ms/message",
                    flush=True,
                )
    finally:
        gateway.stop()
    out.parent.mkdir(parents=True, exist_ok=True)
    machine = {"python": sys.version.split()[0], "platform": platform.platform()}
    out.write_text(json.dumps({"machine": machine, "results": results}, indent=2))


if __name__ == "__main__":
    main()
