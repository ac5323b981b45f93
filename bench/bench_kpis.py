"""Benchmark: a month's full KPI set and the monthly callback report over a dealer group.

Streams a synthetic dealer group — ``--owners`` owners (each with a customer record, an
ownership and an insurance policy; 40 % club members) and ``--interactions`` interactions
spread over three years of history — from generators straight into
:func:`crm_core.scoring.kpis.dealer_kpis` and then, with the month's tasks and the
callbacks selected again, into :func:`crm_core.scoring.callbacks.callback_reports`, as a
DMS would from database cursors. Every record is a real, validated attrs record.

The run's CPU time is split between the benchmark's input and the library: each stream
is built in chunks of ``--chunk`` records, the CPU time spent building a chunk is booked
as input, and everything else — the library consuming the chunk, and handing it over
one record at a time — as the library's. So one streamed run reports both the
library's time over every record and the end-to-end cost, with the memory of the real
streamed run (a chunk is a few MiB).

    python bench/bench_kpis.py                                   # full: 1 000 000 / 10 000 000
    python bench/bench_kpis.py --owners 10000 --interactions 100000    # quick
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from itertools import islice
from typing import Any, TypedDict, TypeVar

from crm_core.domain.contact import Channel
from crm_core.domain.customer import Customer, CustomerType
from crm_core.domain.dealer import StaffRole
from crm_core.domain.ids import (
    CustomerId,
    DealerId,
    InteractionId,
    OwnershipId,
    TaskId,
    VehicleId,
)
from crm_core.domain.insurance import InsurancePolicy, PolicyId
from crm_core.domain.interaction import (
    Callback,
    CallbackOutcome,
    ClubActivity,
    Interaction,
    InteractionKind,
    Recommendation,
    RepairOrder,
    Sale,
    SurveyAnswer,
)
from crm_core.domain.membership import (
    ClubMember,
    MembershipStatus,
    PointsEntry,
    PointsKind,
    PointsSource,
    Referral,
)
from crm_core.domain.survey import SurveyId, SurveyKind, SurveyResponse
from crm_core.domain.task import FollowUpTask
from crm_core.domain.vehicle import Ownership
from crm_core.scoring.callbacks import callback_reports
from crm_core.scoring.kpis import dealer_kpis
from crm_core.scoring.period import Period

T = TypeVar("T")
CST = timezone(timedelta(hours=8))
PERIOD = Period.month(2026, 3)
HISTORY_START = datetime(2023, 4, 1, tzinfo=CST)
MONTH_START = datetime(2026, 3, 1, tzinfo=CST)
SPAN = (datetime(2026, 4, 1, tzinfo=CST) - HISTORY_START).total_seconds()

# the kind mix of a 4S dealer's contact log, in percent
MIX = (
    [InteractionKind.REPAIR_ORDER] * 38
    + [InteractionKind.CALLBACK] * 20
    + [InteractionKind.INBOUND_CALL] * 10
    + [InteractionKind.VISIT] * 8
    + [InteractionKind.SMS] * 8
    + [InteractionKind.TEST_DRIVE] * 3
    + [InteractionKind.NEGOTIATION] * 3
    + [InteractionKind.EVENT] * 4
    + [InteractionKind.ORDER] * 3
    + [InteractionKind.DELIVERY] * 3
)
ANCHORS = ["repair_handed_back"] * 6 + ["delivery", "last_visit", "last_visit", "birthday"]
REPAIRS = [
    RepairOrder(amount=Decimal("680.00")),
    RepairOrder(amount=Decimal("1250.00"), by_appointment=True),
    RepairOrder(is_paid=False),
    RepairOrder(amount=Decimal("420.00"), by_appointment=True),
]
SALES = [Sale(amount=Decimal("158000"), ceremony=True), Sale(amount=Decimal("129000"))]
EVENTS = [ClubActivity(points=0), ClubActivity(points=200), ClubActivity(points=50)]
ANSWERS = (SurveyAnswer("repair_quality", 5), SurveyAnswer("waiting_time", 4))
# callbacks outside the month work off no task: one detail per (k % 5, k % 3, k % 7)
CALLBACKS = [
    Callback(
        outcome=CallbackOutcome.REACHED if j % 5 else CallbackOutcome.NOT_REACHED,
        satisfaction=5 - j % 3,
        answers=ANSWERS,
        issues=("waiting_time",) if j % 7 == 0 else (),
    )
    for j in range(105)
]
PROSPECT_KINDS = frozenset(
    {
        InteractionKind.INBOUND_CALL,
        InteractionKind.VISIT,
        InteractionKind.TEST_DRIVE,
        InteractionKind.NEGOTIATION,
    }
)
SALE_KINDS = frozenset({InteractionKind.ORDER, InteractionKind.DELIVERY})
RECOMMENDATIONS = list(Recommendation)


def dealer(n: int, dealers: int) -> DealerId:
    """A fresh id string per record, as a database driver hands over (its hash not cached)."""
    return DealerId(f"D{n % dealers:03d}")


def task_owner(k: int, owners: int) -> int:
    """The owner task ``k`` is for: spread over owners and dealers alike."""
    return (k * 16 + k * 7 % 16) % owners


def moments(rng: random.Random, size: int, start: datetime, seconds: float) -> list[datetime]:
    """A pool of random moments: building a datetime per record would dominate the run."""
    return [start + timedelta(seconds=rng.random() * seconds) for _ in range(size)]


def ownerships(owners: int, dealers: int) -> Iterator[Ownership]:
    rng = random.Random(1)
    first = date(2015, 1, 1).toordinal()
    span = date(2026, 3, 31).toordinal() - first
    for n in range(owners):
        yield Ownership(
            id=OwnershipId(f"O{n}"),
            dealer_id=dealer(n, dealers),
            customer_id=CustomerId(f"C{n}"),
            vehicle_id=VehicleId(f"V{n}"),
            since=date.fromordinal(first + int(rng.random() * span)),
        )


def customers(owners: int, dealers: int) -> Iterator[Customer]:
    company, individual = CustomerType.COMPANY, CustomerType.INDIVIDUAL
    for n in range(owners):
        yield Customer(
            id=CustomerId(f"C{n}"),
            dealer_id=dealer(n, dealers),
            type=company if n % 10 == 3 else individual,
            name="王芳",
        )


def tasks(owners: int, dealers: int) -> Iterator[FollowUpTask]:
    """The month's follow-up tasks: about 6 % of owners have one due."""
    rng = random.Random(2)
    pool = moments(rng, 4096, MONTH_START, 31 * 86400)
    role, channels = StaffRole.CR_REPRESENTATIVE, (Channel.PHONE,)
    for k in range(owners * 6 // 100):
        n = task_owner(k, owners)
        due = pool[k % 4096]
        yield FollowUpTask(
            id=TaskId(f"T{k}"),
            dealer_id=dealer(n, dealers),
            rule_id="bench",
            customer_id=CustomerId(f"C{n}"),
            due_from=due,
            due_until=due + timedelta(days=4),
            role=role,
            channels=channels,
            anchor=ANCHORS[k % len(ANCHORS)],
            anchor_date=(due - timedelta(days=3)).date(),
            explanation="bench",
        )


def interactions(
    owners: int, count: int, dealers: int, only: InteractionKind | None = None
) -> Iterator[Interaction]:
    """``count`` interactions over three years; 70 % by owners, the rest by prospects.
    With ``only``, just the interactions of that kind (what a DMS would select): the
    random draws are the same, so they are the very records of the full stream."""
    rng = random.Random(3)
    pool = moments(rng, 65536, HISTORY_START, SPAN)
    n_tasks = owners * 6 // 100
    rand = rng.random
    repair, callback, event = (
        InteractionKind.REPAIR_ORDER,
        InteractionKind.CALLBACK,
        InteractionKind.EVENT,
    )
    reached, not_reached = CallbackOutcome.REACHED, CallbackOutcome.NOT_REACHED
    for k in range(count):
        kind = MIX[int(rand() * 100)]
        n = int(rand() * owners)
        at = pool[k & 65535]
        # a callback in the month works off one of the month's tasks, same owner
        t = int(rand() * n_tasks) if kind is callback and at >= MONTH_START else -1
        if only is not None and kind is not only:
            continue
        detail: Any = None
        if kind is repair:
            detail = REPAIRS[k & 3]
        elif kind is callback:
            if t < 0:
                detail = CALLBACKS[k % 105]
            else:
                n = task_owner(t, owners)
                detail = Callback(
                    outcome=reached if k % 5 else not_reached,
                    task_id=TaskId(f"T{t}"),
                    satisfaction=5 - k % 3,
                    answers=ANSWERS,
                    issues=("waiting_time",) if k % 7 == 0 else (),
                )
        elif kind in SALE_KINDS:
            detail = SALES[k & 1]
        elif kind is event:
            detail = EVENTS[k % 3]
        prospect = kind in PROSPECT_KINDS and k % 10 < 7
        yield Interaction(
            id=InteractionId(f"I{k}"),
            dealer_id=dealer(n, dealers),
            kind=kind,
            occurred_at=at,
            customer_id=CustomerId(f"P{n}" if prospect else f"C{n}"),
            vehicle_id=None if prospect else VehicleId(f"V{n}"),
            detail=detail,
        )


def members(owners: int, dealers: int) -> Iterator[ClubMember]:
    active, pending = MembershipStatus.ACTIVE, MembershipStatus.PENDING
    for n in range(0, owners, 5):
        for m in (n, n + 1):  # 40 %
            if m < owners:
                yield ClubMember(
                    id=f"M{m}",
                    dealer_id=dealer(m, dealers),
                    customer_id=CustomerId(f"C{m}"),
                    applied_on=date(2020, 1, 1) + timedelta(days=m % 2200),
                    status=pending if m % 25 == 1 else active,
                    joined_on=None if m % 25 == 1 else date(2020, 1, 2) + timedelta(days=m % 2200),
                )


def points(owners: int, dealers: int) -> Iterator[PointsEntry]:
    rng = random.Random(4)
    pool = moments(rng, 4096, HISTORY_START, SPAN)
    earn, redeem = PointsKind.EARN, PointsKind.REDEEM
    oem, own = PointsSource.OEM, PointsSource.DEALER
    for k in range(owners * 6 // 10):
        m = int(rng.random() * owners) // 5 * 5
        redeems = k % 4 == 0
        yield PointsEntry(
            id=f"PE{k}",
            dealer_id=dealer(m, dealers),
            member_id=f"M{m}",
            kind=redeem if redeems else earn,
            source=oem if k & 1 else own,
            points=-100 if redeems else 300,
            at=pool[k & 4095],
        )


def referrals(owners: int, dealers: int, count: int) -> Iterator[Referral]:
    # deliveries are interactions with k % 100 in the delivery band; refer some of them
    for j in range(owners // 100):
        n = j * 100
        yield Referral(
            id=f"R{j}",
            dealer_id=dealer(n, dealers),
            referrer_id=CustomerId(f"C{n}"),
            referred_id=CustomerId(f"C{n + 1}"),
            recorded_at=HISTORY_START,
            sale_interaction_id=InteractionId(f"I{j * 97 % count}"),
        )


def policies(owners: int, dealers: int) -> Iterator[InsurancePolicy]:
    first = date(2025, 4, 1).toordinal()
    for n in range(owners):
        starts = date.fromordinal(first + n % 365)
        d = dealer(n, dealers)
        v = VehicleId(f"V{n}")
        renewed = n % 2 == 0
        if renewed:
            prev = starts - timedelta(days=365)
            yield InsurancePolicy(
                id=PolicyId(f"Q{n}"),
                dealer_id=d,
                vehicle_id=v,
                starts_on=prev,
                ends_on=starts - timedelta(days=1),
            )
        yield InsurancePolicy(
            id=PolicyId(f"PL{n}"),
            dealer_id=d,
            vehicle_id=v,
            starts_on=starts,
            ends_on=starts + timedelta(days=364),
            renewal_of=PolicyId(f"Q{n}") if renewed else None,
        )


def surveys(owners: int, dealers: int) -> Iterator[SurveyResponse]:
    rng = random.Random(5)
    pool = moments(rng, 4096, HISTORY_START, SPAN)
    after_sales, sales = SurveyKind.AFTER_SALES, SurveyKind.SALES
    for k in range(owners // 20):
        n = int(rng.random() * owners)
        yield SurveyResponse(
            id=SurveyId(f"S{k}"),
            dealer_id=dealer(n, dealers),
            kind=after_sales if k % 3 else sales,
            answered_at=pool[k & 4095],
            overall=5 - k % 4,
            would_recommend=RECOMMENDATIONS[k % 4],
            customer_id=CustomerId(f"C{n}"),
        )


class Meter:
    """Splits the process's CPU time between building the records and the library.

    :meth:`feed` builds a stream ``chunk`` records at a time and books the CPU time
    spent building as input; whatever else the process spends while the library runs
    is the library's — including handing it the records one by one from the chunk
    (a generator step per record, which a database cursor costs too), so the library's
    figure is if anything too high. A mark is taken when a stream runs dry.
    """

    def __init__(self, chunk: int) -> None:
        self.chunk = chunk
        self.input = 0.0
        self.cpu0 = time.process_time()
        self.wall0 = time.perf_counter()
        # name, records, library CPU, input CPU, wall (all cumulative, seconds)
        self.marks: list[tuple[str, int, float, float, float]] = []

    def library(self) -> float:
        return time.process_time() - self.cpu0 - self.input

    def mark(self, name: str, records: int = 0) -> None:
        wall = time.perf_counter() - self.wall0
        self.marks.append((name, records, self.library(), self.input, wall))

    def feed(self, name: str, items: Iterable[T]) -> Iterator[T]:
        it, records = iter(items), 0
        while True:
            t = time.process_time()
            block = list(islice(it, self.chunk))
            self.input += time.process_time() - t
            if not block:
                break
            records += len(block)
            yield from block
        self.mark(name, records)

    def table(self) -> Iterator[str]:
        head = ("stream", "records", "input CPU", "library CPU", "per record")
        yield "  {:<20} {:>12} {:>10} {:>12} {:>11}".format(*head)
        lib = inp = 0.0
        for name, records, lib_at, inp_at, _ in self.marks:
            own_lib, own_inp = lib_at - lib, inp_at - inp
            lib, inp = lib_at, inp_at
            each = f"{own_lib / records * 1e6:8.2f} us" if records else ""
            yield f"  {name:<20} {records:>12,} {own_inp:>9.2f}s {own_lib:>11.2f}s {each:>11}"
        wall = self.marks[-1][4] if self.marks else 0.0
        yield f"  {'total':<20} {'':>12} {inp:>9.2f}s {lib:>11.2f}s   wall {wall:.1f} s"


class Streams(TypedDict):
    """``dealer_kpis``' record streams, by its keyword names (so mypy checks ``**``)."""

    ownerships: Iterable[Ownership]
    customers: Iterable[Customer]
    tasks: Iterable[FollowUpTask]
    interactions: Iterable[Interaction]
    points: Iterable[PointsEntry]
    members: Iterable[ClubMember]
    referrals: Iterable[Referral]
    policies: Iterable[InsurancePolicy]
    surveys: Iterable[SurveyResponse]


def sources(args: argparse.Namespace, meter: Meter) -> Streams:
    """Every stream, generated lazily and fed through ``meter`` under its own name."""
    o, d, i = args.owners, args.dealers, args.interactions
    return Streams(
        ownerships=meter.feed("ownerships", ownerships(o, d)),
        customers=meter.feed("customers", customers(o, d)),
        tasks=meter.feed("tasks", tasks(o, d)),
        interactions=meter.feed("interactions", interactions(o, i, d)),
        points=meter.feed("points", points(o, d)),
        members=meter.feed("members", members(o, d)),
        referrals=meter.feed("referrals", referrals(o, d, i)),
        policies=meter.feed("policies", policies(o, d)),
        surveys=meter.feed("surveys", surveys(o, d)),
    )


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(args: argparse.Namespace) -> None:
    print(
        f"dealer group: {args.dealers} dealers, {args.owners:,} owners, "
        f"{args.interactions:,} interactions; period {PERIOD.label}; "
        f"Python {sys.version.split()[0]}; chunks of {args.chunk:,}"
    )
    meter = Meter(args.chunk)
    kpis = dealer_kpis(PERIOD, **sources(args, meter))
    meter.mark("KPI values")
    callbacks = interactions(args.owners, args.interactions, args.dealers, InteractionKind.CALLBACK)
    reports = callback_reports(
        PERIOD,
        meter.feed("tasks (report)", tasks(args.owners, args.dealers)),
        meter.feed("callbacks (report)", callbacks),
    )
    meter.mark("report values")
    print("KPI set, then the monthly callback report (CPU seconds, process_time)")
    for line in meter.table():
        print(line)
    print(f"  peak RSS {peak_mib():.0f} MiB; {len(kpis)} dealers, {len(reports)} reports")
    sample = kpis[DealerId("D000")]
    for v in sample:
        print(f"    D000 {v.code:<28} {v.numerator:>9} / {v.denominator!s:>9} = {v.value}")
    r = reports[DealerId("D000")]
    print(
        f"    D000 callback report: due {r.due}, made {r.made.value}, "
        f"successful {r.successful.value}, satisfaction {r.satisfaction.value}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--owners", type=int, default=1_000_000)
    parser.add_argument("--interactions", type=int, default=10_000_000)
    parser.add_argument("--dealers", type=int, default=100)
    parser.add_argument("--chunk", type=int, default=10_000, help="records built at a time")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
