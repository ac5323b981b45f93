"""Benchmark: a month's full KPI set and the monthly callback report over a dealer group.

Streams a synthetic dealer group — ``--owners`` owners (each with a customer record, an
ownership and an insurance policy; 40 % club members) and ``--interactions`` interactions
spread over three years of history — from generators straight into
:func:`crm_core.scoring.kpis.dealer_kpis` and :func:`crm_core.scoring.callbacks.callback_reports`,
as a DMS would from database cursors. Nothing is materialised as a list.

Reports wall time per stream (cumulative: generating the records plus computing), the
total, and the peak resident memory of the process (``ru_maxrss``). ``--baseline`` instead
times draining the same generators without computing anything, in a process of its own,
so the cost of building the records can be told apart from the cost of the KPIs.

    python bench/bench_kpis.py                         # full size: 1 000 000 / 10 000 000
    python bench/bench_kpis.py --owners 10000 --interactions 100000 --baseline   # quick
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, TypeVar

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


def dealer(n: int, dealers: int) -> DealerId:
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
    for n in range(owners):
        yield Customer(
            id=CustomerId(f"C{n}"),
            dealer_id=dealer(n, dealers),
            type=CustomerType.COMPANY if n % 10 == 3 else CustomerType.INDIVIDUAL,
            name="王芳",
        )


def tasks(owners: int, dealers: int) -> Iterator[FollowUpTask]:
    """The month's follow-up tasks: about 6 % of owners have one due."""
    rng = random.Random(2)
    pool = moments(rng, 4096, MONTH_START, 31 * 86400)
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
            role=StaffRole.CR_REPRESENTATIVE,
            channels=(Channel.PHONE,),
            anchor=ANCHORS[k % len(ANCHORS)],
            anchor_date=(due - timedelta(days=3)).date(),
            explanation="bench",
        )


def interactions(
    owners: int, count: int, dealers: int, only: InteractionKind | None = None
) -> Iterator[Interaction]:
    """``count`` interactions over three years; 70 % by owners, the rest by prospects.
    With ``only``, just the interactions of that kind (what a DMS would select)."""
    rng = random.Random(3)
    pool = moments(rng, 65536, HISTORY_START, SPAN)
    n_tasks = owners * 6 // 100
    rand = rng.random
    for k in range(count):
        kind = MIX[int(rand() * 100)]
        if only is not None and kind is not only:
            continue
        at = pool[k & 65535]
        n = int(rand() * owners)
        task: TaskId | None = None
        if kind is InteractionKind.CALLBACK and at >= MONTH_START:
            # a callback in the month works off one of the month's tasks, same owner
            t = int(rand() * n_tasks)
            task, n = TaskId(f"T{t}"), task_owner(t, owners)
        detail: Any = None
        if kind is InteractionKind.REPAIR_ORDER:
            detail = REPAIRS[k & 3]
        elif kind is InteractionKind.CALLBACK:
            outcome = CallbackOutcome.REACHED if k % 5 else CallbackOutcome.NOT_REACHED
            detail = Callback(
                outcome=outcome,
                task_id=task,
                satisfaction=5 - k % 3,
                answers=ANSWERS,
                issues=("waiting_time",) if k % 7 == 0 else (),
            )
        elif kind in (InteractionKind.ORDER, InteractionKind.DELIVERY):
            detail = SALES[k & 1]
        elif kind is InteractionKind.EVENT:
            detail = EVENTS[k % 3]
        prospect = (
            kind
            in (
                InteractionKind.INBOUND_CALL,
                InteractionKind.VISIT,
                InteractionKind.TEST_DRIVE,
                InteractionKind.NEGOTIATION,
            )
            and k % 10 < 7
        )
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
    for n in range(0, owners, 5):
        for m in (n, n + 1):  # 40 %
            if m < owners:
                yield ClubMember(
                    id=f"M{m}",
                    dealer_id=dealer(m, dealers),
                    customer_id=CustomerId(f"C{m}"),
                    applied_on=date(2020, 1, 1) + timedelta(days=m % 2200),
                    status=MembershipStatus.PENDING if m % 25 == 1 else MembershipStatus.ACTIVE,
                    joined_on=None if m % 25 == 1 else date(2020, 1, 2) + timedelta(days=m % 2200),
                )


def points(owners: int, dealers: int) -> Iterator[PointsEntry]:
    rng = random.Random(4)
    pool = moments(rng, 4096, HISTORY_START, SPAN)
    for k in range(owners * 6 // 10):
        m = int(rng.random() * owners) // 5 * 5
        redeem = k % 4 == 0
        yield PointsEntry(
            id=f"PE{k}",
            dealer_id=dealer(m, dealers),
            member_id=f"M{m}",
            kind=PointsKind.REDEEM if redeem else PointsKind.EARN,
            source=PointsSource.OEM if k & 1 else PointsSource.DEALER,
            points=-100 if redeem else 300,
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
    for k in range(owners // 20):
        n = int(rng.random() * owners)
        yield SurveyResponse(
            id=SurveyId(f"S{k}"),
            dealer_id=dealer(n, dealers),
            kind=SurveyKind.AFTER_SALES if k % 3 else SurveyKind.SALES,
            answered_at=pool[k & 4095],
            overall=5 - k % 4,
            would_recommend=list(Recommendation)[k % 4],
            customer_id=CustomerId(f"C{n}"),
        )


class Clock:
    """Records, per stream, the elapsed time since the run started when it ran dry."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.marks: list[tuple[str, int, float]] = []

    def timed(self, name: str, items: Iterable[T]) -> Iterator[T]:
        n = 0
        for n, item in enumerate(items, 1):  # noqa: B007 - n is the count afterwards
            yield item
        self.marks.append((name, n, time.perf_counter() - self.start))


def streams(args: argparse.Namespace, clock: Clock) -> dict[str, Iterable[Any]]:
    o, d, i = args.owners, args.dealers, args.interactions
    sources: dict[str, Callable[[], Iterable[Any]]] = {
        "ownerships": lambda: ownerships(o, d),
        "customers": lambda: customers(o, d),
        "tasks": lambda: tasks(o, d),
        "interactions": lambda: interactions(o, i, d),
        "points": lambda: points(o, d),
        "members": lambda: members(o, d),
        "referrals": lambda: referrals(o, d, i),
        "policies": lambda: policies(o, d),
        "surveys": lambda: surveys(o, d),
    }
    return {name: clock.timed(name, make()) for name, make in sources.items()}


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(args: argparse.Namespace) -> None:
    print(
        f"dealer group: {args.dealers} dealers, {args.owners:,} owners, "
        f"{args.interactions:,} interactions; period {PERIOD.label}; "
        f"Python {sys.version.split()[0]}"
    )
    if args.baseline:
        clock = Clock()
        for items in streams(args, clock).values():
            for _ in items:
                pass
        callbacks = interactions(
            args.owners, args.interactions, args.dealers, InteractionKind.CALLBACK
        )
        for _ in clock.timed("callbacks (report)", callbacks):
            pass
        total = time.perf_counter() - clock.start
        print("baseline: generating the records only")
        for name, n, t in clock.marks:
            print(f"  {name:<20} {n:>12,} records   done at {t:8.1f} s")
        print(f"  total {total:.1f} s, peak RSS {peak_mib():.0f} MiB")
        return
    clock = Clock()
    s = streams(args, clock)
    kpis = dealer_kpis(
        PERIOD,
        ownerships=s["ownerships"],
        customers=s["customers"],
        tasks=s["tasks"],
        interactions=s["interactions"],
        points=s["points"],
        members=s["members"],
        referrals=s["referrals"],
        policies=s["policies"],
        surveys=s["surveys"],
    )
    kpi_done = time.perf_counter() - clock.start
    callbacks = interactions(args.owners, args.interactions, args.dealers, InteractionKind.CALLBACK)
    reports = callback_reports(
        PERIOD,
        clock.timed("tasks (report)", tasks(args.owners, args.dealers)),
        clock.timed("callbacks (report)", callbacks),
    )
    total = time.perf_counter() - clock.start
    print("KPI set, then the monthly callback report")
    for name, n, t in clock.marks:
        print(f"  {name:<20} {n:>12,} records   done at {t:8.1f} s")
    print(f"  KPI set done at {kpi_done:.1f} s; report done at {total:.1f} s")
    print(f"  peak RSS {peak_mib():.0f} MiB; {len(kpis)} dealers, {len(reports)} reports")
    sample = kpis[DealerId("D000")]
    for v in sample:
        print(f"    D000 {v.code:<28} {v.numerator:>9} / {v.denominator!s:>9} = {v.value}")
    r = reports[DealerId("D000")]
    print(
        f"    D000 callback report: due {r.due}, made {r.made.value}, "
        f"successful {r.successful.value}, satisfaction {r.satisfaction.value}"
    )


def compute_only(args: argparse.Namespace) -> None:
    """Build the records first (in lists), then time only the library, best of three.

    On a shared machine wall and even CPU time of the streamed run swing with the load;
    the generators' share is measured by ``--baseline``, and this mode measures what is
    left, per record, with ``time.process_time``.
    """
    o, d, i = args.owners, args.dealers, args.interactions
    lists = {
        "ownerships": list(ownerships(o, d)),
        "customers": list(customers(o, d)),
        "tasks": list(tasks(o, d)),
        "interactions": list(interactions(o, i, d)),
        "points": list(points(o, d)),
        "members": list(members(o, d)),
        "referrals": list(referrals(o, d, i)),
        "policies": list(policies(o, d)),
        "surveys": list(surveys(o, d)),
    }
    calls = [x for x in lists["interactions"] if x.kind is InteractionKind.CALLBACK]
    best: dict[str, float] = {}
    for _ in range(3):
        for name in lists:
            only = {name: lists[name]}
            if name in ("customers", "interactions"):  # joined against the owners
                only["ownerships"] = lists["ownerships"]
            if name == "interactions":
                only["tasks"] = lists["tasks"]
            t = time.process_time()
            dealer_kpis(PERIOD, **only)
            best[name] = min(best.get(name, 1e9), time.process_time() - t)
        t = time.process_time()
        callback_reports(PERIOD, lists["tasks"], calls)
        best["report"] = min(best.get("report", 1e9), time.process_time() - t)
    # customers and interactions were timed with the owners (and tasks) they join against
    best["customers"] -= best["ownerships"]
    best["interactions"] -= best["ownerships"] + best["tasks"]
    print("compute only (records built beforehand), best of 3, CPU seconds")
    for name, seconds in best.items():
        n = len(calls) if name == "report" else len(lists[name])
        print(f"  {name:<14} {n:>12,} records {seconds:8.2f} s  {seconds / n * 1e6:6.2f} us each")
    print(f"  total {sum(best.values()):.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--owners", type=int, default=1_000_000)
    parser.add_argument("--interactions", type=int, default=10_000_000)
    parser.add_argument("--dealers", type=int, default=100)
    parser.add_argument("--baseline", action="store_true", help="only time generating the records")
    parser.add_argument(
        "--compute-only", action="store_true", help="time the library on records built first"
    )
    args = parser.parse_args()
    compute_only(args) if args.compute_only else run(args)


if __name__ == "__main__":
    main()
