"""The day's agenda over a generated fleet: vehicles per second, peak memory, and how the
cost follows the tasks due when only the subjects selected by ``anchor_windows`` are fed.

Two ways to build the day's agenda are timed over the same fleet:

* **full scan** — every customer's facts go through :func:`agenda` (the planner's own
  pre-check skips customers with no anchor in the day's windows);
* **indexed** — what a storage adapter does: each customer's anchor dates
  (:func:`anchor_dates`) are indexed at write time (not timed: that is the store's insert
  cost), the day's :func:`anchor_windows` ranges are looked up in the index (timed), and
  only the selected customers are planned (timed).

The fleet is generated here (a lean, seeded generator with realistic histories: deliveries
over six years, workshop visits thinning out with the seed 002 churn by ownership year,
callbacks after deliveries and repairs with their outcomes); ``--demo`` runs the same
measurement on the library's demo generator (``crm_core.demo``), which is slower to
generate but plants every record kind. Generation time is never counted.

Times are CPU seconds of this process (``time.process_time``), so a loaded machine does
not inflate them; the first line also gives the wall time of the whole run.

Run: python bench/bench_agenda.py [--vehicles N] [--chunk C] [--day 2026-11-23] [--demo]
         [--calendar svw svw-callbacks dfpeugeot skoda]
"""

from __future__ import annotations

import argparse
import bisect
import random
import resource
import time
from array import array
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from crm_core.domain.anchor import AnchorKind
from crm_core.domain.customer import Customer, CustomerType
from crm_core.domain.ids import CustomerId, DealerId, InteractionId, StaffId, VehicleId
from crm_core.domain.interaction import (
    Callback,
    CallbackOutcome,
    Interaction,
    InteractionKind,
    RepairOrder,
    Sale,
)
from crm_core.domain.vehicle import UsageNature, Vehicle
from crm_core.schedule.calendars import extend_calendar, load_standard
from crm_core.schedule.planner import (
    CustomerFacts,
    PlanningContext,
    agenda,
    anchor_dates,
    anchor_windows,
)
from crm_core.schedule.workdays import china_workday_calendar
from crm_core.schedule.working_time import WorkingTime

SH = ZoneInfo("Asia/Shanghai")
DEALER = DealerId("D1")
# seed 002: share of owners still coming to the workshop, by year of ownership
RETENTION = (0.96, 0.89, 0.55, 0.30, 0.30, 0.10)


class _History:
    """Appends one vehicle's interactions with consecutive ids."""

    def __init__(self, cid: CustomerId, vid: VehicleId, into: list[Interaction]) -> None:
        self.cid, self.vid, self.into, self.seq = cid, vid, into, 0

    def add(self, kind: InteractionKind, when: datetime, detail: Any, staff: str) -> None:
        self.seq += 1
        self.into.append(
            Interaction(
                id=InteractionId(f"{self.vid}-{self.seq}"),
                dealer_id=DEALER,
                kind=kind,
                occurred_at=when,
                customer_id=self.cid,
                vehicle_id=self.vid,
                staff_id=StaffId(staff),
                detail=detail,
            )
        )


def lean_fleet(vehicles: int, today: date, seed: int = 2026) -> Iterator[CustomerFacts]:
    """Customers with 1–2 vehicles each until ``vehicles`` vehicles exist."""
    rng = random.Random(seed)
    made = 0
    c = 0
    start = datetime.combine(today, datetime.min.time(), tzinfo=SH)
    while made < vehicles:
        c += 1
        cid = CustomerId(f"C{c}")
        company = rng.random() < 0.08
        customer = Customer(
            id=cid,
            dealer_id=DEALER,
            type=CustomerType.COMPANY if company else CustomerType.INDIVIDUAL,
            name="客户",
            birthday=None
            if company
            else date(rng.randint(1955, 2003), rng.randint(1, 12), rng.randint(1, 28)),
            do_not_disturb=rng.random() < 0.03,
            blacklisted=rng.random() < 0.005,
            redlisted=rng.random() < 0.02,
        )
        owned = []
        interactions: list[Interaction] = []
        n_vehicles = min(1 if rng.random() < 0.8 else 2, vehicles - made)
        for k in range(n_vehicles):
            vid = VehicleId(f"V{c}-{k}")
            delivered = start - timedelta(
                days=rng.randint(0, 6 * 365), hours=rng.randint(-9, 0) + 18
            )
            d = delivered.date()
            years = max(0, (today - d).days // 365)
            usage = UsageNature.TAXI if rng.random() < 0.03 else UsageNature.NON_OPERATING
            owned.append(
                Vehicle(
                    id=vid,
                    dealer_id=DEALER,
                    vin="LSVAU2180N2183294",
                    usage=usage,
                    delivery_date=d,
                    insurance_expiry=date(d.year + years + 1, d.month, min(d.day, 28)),
                    warranty_end=date(d.year + 3, d.month, min(d.day, 28)),
                )
            )
            history = _History(cid, vid, interactions)

            def callback(after: datetime, rule_id: str, history: _History = history) -> None:
                when = after + timedelta(days=rng.randint(3, 9), hours=rng.randint(0, 5))
                if when >= start or rng.random() > 0.9:
                    return
                roll = rng.random()
                outcome = (
                    CallbackOutcome.NOT_REACHED
                    if roll < 0.10
                    else CallbackOutcome.COMPLAINT_FOUND
                    if roll < 0.11
                    else CallbackOutcome.REFUSED
                    if roll < 0.12
                    else CallbackOutcome.REACHED
                )
                score = rng.choice((2, 3, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5))
                history.add(
                    InteractionKind.CALLBACK,
                    when,
                    Callback(outcome=outcome, rule_id=rule_id, satisfaction=score),
                    "S-cr",
                )

            add = history.add
            add(InteractionKind.DELIVERY, delivered, Sale(), f"S-sales{rng.randint(1, 12)}")
            callback(delivered, "svw.cr.delivery_satisfaction")
            visit = delivered + timedelta(days=rng.randint(120, 200))
            while visit < start:
                year = (visit - delivered).days // 365
                if rng.random() > RETENTION[min(year, 5)]:
                    break
                handed = visit + timedelta(hours=rng.randint(3, 8))
                add(
                    InteractionKind.REPAIR_ORDER,
                    visit,
                    RepairOrder(handed_back_at=handed, callback_consent=rng.random() < 0.85),
                    f"S-adv{rng.randint(1, 8)}",
                )
                callback(handed, "svw.cr.service_satisfaction")
                visit += timedelta(days=rng.randint(150, 250))
        made += n_vehicles
        yield CustomerFacts(customer, tuple(owned), (), tuple(interactions))


def demo_fleet(vehicles: int, today: date) -> Iterator[CustomerFacts]:
    from crm_core.demo import DemoConfig, DemoGenerator

    per_dealer = max(1, vehicles // 3)  # about 1.3 vehicles per customer, 3 brands
    made = 0
    for file in DemoGenerator(
        DemoConfig(today=today, dealers=3, customers_per_dealer=per_dealer)
    ).files():
        if made >= vehicles:
            return
        made += len(file.vehicles)
        yield CustomerFacts(
            file.customer, file.vehicles, file.ownerships, file.interactions, file.cases
        )


class Index:
    """What a storage adapter keeps: per anchor kind, a sorted array of (date, customer)
    packed into one 64-bit integer each (a B-tree index on (kind, date) in a database)."""

    SHIFT = 24  # customer numbers below 16 777 216

    def __init__(self) -> None:
        self.rows: dict[AnchorKind, array[int]] = defaultdict(lambda: array("q"))

    def add(self, number: int, dates: list[tuple[AnchorKind, date]]) -> None:
        for kind, day in dates:
            self.rows[kind].append((day.toordinal() << self.SHIFT) | number)

    def freeze(self) -> None:
        for kind, rows in self.rows.items():
            self.rows[kind] = array("q", sorted(rows))

    def select(self, ranges: dict[AnchorKind, tuple[tuple[date, date], ...]]) -> set[int]:
        found: set[int] = set()
        mask = (1 << self.SHIFT) - 1
        for kind, spans in ranges.items():
            rows = self.rows.get(kind, array("q"))
            for first, last in spans:
                lo = bisect.bisect_left(rows, first.toordinal() << self.SHIFT)
                hi = bisect.bisect_left(rows, (last.toordinal() + 1) << self.SHIFT)
                found.update(packed & mask for packed in rows[lo:hi])
        return found


CALLBACKS_ONLY = """
format = 1
id = "svw-callbacks"
name = "SVW satisfaction callbacks only"
version = "1"
"""


def calendars(names: list[str]) -> dict[str, PlanningContext]:
    """``svw``, ``dfpeugeot``, ``skoda``, or ``svw-callbacks``: SVW with only its two CR
    satisfaction callbacks (few tasks a day over the same fleet)."""
    wt = WorkingTime(china_workday_calendar())
    found = {}
    for name in names:
        if name == "svw-callbacks":
            keep = {"svw.cr.delivery_satisfaction", "svw.cr.service_satisfaction"}
            drop = [r.id for r in load_standard("svw").rules if r.id not in keep]
            text = CALLBACKS_ONLY + f"disable = {drop!r}\n".replace("'", '"')
            calendar = extend_calendar("svw", text, "svw-callbacks")
        else:
            calendar = load_standard(name)
        found[name] = PlanningContext(calendar, wt)
    return found


class Scenario:
    """One calendar on one day: its windows, the customers they select, and both timings."""

    def __init__(self, name: str, ctx: PlanningContext, day: date) -> None:
        self.name, self.ctx, self.day = name, ctx, day
        self.now = datetime.combine(day, datetime.min.time(), tzinfo=SH).replace(hour=8, minute=30)
        # the daily run: the tasks whose window opens today (yesterday's run stored the rest)
        self.windows = anchor_windows(
            ctx.calendar,
            day,
            config=ctx.config,
            opening=True,
            workdays=ctx.working_time.calendar,
            festivals=ctx.festivals,
        )
        if self.windows.everyone:
            raise SystemExit(
                f"a festival greeting can be due on {day}: every customer is a subject that "
                "day; pick another day to measure the indexed path"
            )
        self.index = Index()
        self.kept: dict[int, CustomerFacts] = {}
        self.full_seconds = 0.0
        self.full_plans = self.full_tasks = 0

    def add(self, first: int, batch: list[CustomerFacts]) -> None:
        """Index the batch (the store's write-time work, not timed), then time the full
        scan over it."""
        pairs = zip(batch, anchor_dates(batch, self.ctx, on=self.day), strict=True)
        for number, (facts, dates) in enumerate(pairs, first):
            self.index.add(number, dates)
            if any(self.windows.contains(kind, d) for kind, d in dates):
                self.kept[number] = facts
        started = time.process_time()
        for result in agenda(batch, self.ctx, now=self.now, since=self.day):
            self.full_plans += 1
            self.full_tasks += len(result.tasks) + len(result.deferred)
        self.full_seconds += time.process_time() - started

    def report(self, vehicles: int, customers: int) -> None:
        self.index.freeze()
        started = time.process_time()
        selected = self.index.select(self.windows.subject_ranges)
        query = time.process_time() - started
        assert selected == set(self.kept), "the index query and the windows disagree"
        started = time.process_time()
        plans = tasks = 0
        for result in agenda(
            (self.kept[n] for n in sorted(selected)), self.ctx, now=self.now, since=self.day
        ):
            plans += 1
            tasks += len(result.tasks) + len(result.deferred)
        indexed = query + time.process_time() - started
        assert (plans, tasks) == (self.full_plans, self.full_tasks), "paths disagree"
        print(
            f"{self.name:>13} {self.day}  tasks {tasks:>7}  "
            f"full scan {self.full_seconds:7.2f} s CPU "
            f"{vehicles / self.full_seconds:>9,.0f} veh/s  "
            f"indexed {indexed:7.2f} s CPU {vehicles / indexed:>10,.0f} veh/s  "
            f"(query {query * 1000:.0f} ms, selected {100 * len(selected) / customers:.1f} % of "
            f"customers, {indexed / max(1, tasks) * 1e6:.0f} µs/task)"
        )


def run(vehicles: int, chunk: int, day: date, demo: bool, names: list[str]) -> None:
    scenarios = [Scenario(name, ctx, day) for name, ctx in calendars(names).items()]
    fleet = demo_fleet(vehicles, day) if demo else lean_fleet(vehicles, day)
    customers = counted = interactions = 0
    batch: list[CustomerFacts] = []
    wall_started = time.perf_counter()
    started = time.process_time()
    for facts in fleet:
        customers += 1
        counted += len(facts.vehicles)
        interactions += len(facts.interactions)
        batch.append(facts)
        if len(batch) >= chunk:
            for scenario in scenarios:
                scenario.add(customers - len(batch), batch)
            batch = []
    if batch:
        for scenario in scenarios:
            scenario.add(customers - len(batch), batch)
    cpu = time.process_time() - started
    wall = time.perf_counter() - wall_started
    print(
        f"{'demo' if demo else 'lean'} fleet: {counted} vehicles, {customers} customers, "
        f"{interactions} interactions; generation, indexing and full scans "
        f"{cpu:.0f} s CPU, {wall:.0f} s wall"
    )
    for scenario in scenarios:
        scenario.report(counted, customers)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak_mib:.0f} MiB (whole process: generator batch, indexes, kept facts)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--vehicles", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=10_000)
    parser.add_argument("--day", type=date.fromisoformat, default=date(2026, 11, 23))
    parser.add_argument("--demo", action="store_true", help="use crm_core.demo's generator")
    parser.add_argument(
        "--calendar",
        nargs="+",
        default=["svw"],
        choices=["svw", "dfpeugeot", "skoda", "svw-callbacks"],
    )
    args = parser.parse_args()
    run(args.vehicles, args.chunk, args.day, args.demo, args.calendar)
