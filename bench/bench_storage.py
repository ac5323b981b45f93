"""Storage benchmark: bulk load and a day's agenda read, on SQLite and PostgreSQL.

1. Bulk load N customers of a dealer group (``--dealers`` dealers, N / dealers each),
   each customer with one vehicle, its ownership and (every fourth vehicle) a repair
   order, through the adapter's ``add_many``. For the first ``--raw-customers`` of them the
   same rows also go through the raw driver's own bulk path (``executemany`` on SQLite,
   ``COPY`` on PostgreSQL) into a second database, converted to driver tuples beforehand,
   outside the timing; the ratio compares the two on exactly those rows.
2. A day's agenda read from the loaded database: ``uow.anchors.subjects`` for one dealer
   and the windows a planner asks on one day (deliveries 1/3/7–14/30 days ago,
   inspection anniversaries, insurance and warranty ends, tomorrow's birthdays,
   hand-backs, six-months-lost vehicles), median of 5 after a warm-up. Next to it: a full
   scan of the same tables through the raw driver (every row fetched, then filtered in
   Python — the cheapest scan there is), and the agenda reads of every dealer in turn.

Run:  python bench/bench_storage.py --customers 1000000 --raw-customers 200000
      python bench/bench_storage.py --customers 20000 --backends sqlite   (a quick look)

PostgreSQL is the embedded server (or ``CRM_CORE_TEST_PG_URL``). Data comes from a lean
generator below: the demo generator (``crm_core.demo``) writes two years of history per
customer, tens of millions of rows at this size, beyond a bounded benchmark run.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from crm_core.adapters._common import birthday_occurrences
from crm_core.adapters.sql import SqlStorage, create_engine, upgrade
from crm_core.adapters.sql.storage import CODECS
from crm_core.domain.anchor import AnchorKind
from crm_core.domain.customer import Customer, CustomerType, Gender
from crm_core.domain.ids import CustomerId, DealerId, InteractionId, OwnershipId, VehicleId
from crm_core.domain.interaction import Interaction, InteractionKind, RepairOrder
from crm_core.domain.ports.storage import DateRange
from crm_core.domain.vehicle import Ownership, Vehicle
from crm_core.testing.postgres import create_database, drop_database

TODAY = date(2026, 3, 10)
TZ = ZoneInfo("Asia/Shanghai")
CHUNK = 50_000
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红"
VIN_CHARS = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
NOW = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)


def dealer_of(i: int, n: int, dealers: int) -> DealerId:
    return DealerId(f"D{i * dealers // n:03}")


def generate(n: int, dealers: int, seed: int = 20260310) -> Iterator[tuple[list[Any], ...]]:
    """Chunks of (customers, vehicles, ownerships, repair orders), deterministic."""
    rng = random.Random(seed)
    for start in range(0, n, CHUNK):
        customers, vehicles, ownerships, repairs = [], [], [], []
        for i in range(start, min(n, start + CHUNK)):
            dealer = dealer_of(i, n, dealers)
            cid, vid = CustomerId(f"C{i:07}"), VehicleId(f"V{i:07}")
            delivered = TODAY - timedelta(days=rng.randrange(1, 3650))
            customers.append(
                Customer(
                    id=cid,
                    dealer_id=dealer,
                    type=CustomerType.INDIVIDUAL,
                    name=rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=2)),
                    gender=rng.choice((Gender.MALE, Gender.FEMALE)),
                    mobile=f"1{rng.choice('3589')}{rng.randrange(10**9):09}",
                    home_address=f"上海市浦东新区{rng.randrange(1, 999)}号",
                    birthday=date(1950, 1, 1) + timedelta(days=rng.randrange(20000)),
                    created_at=NOW,
                )
            )
            vehicles.append(
                Vehicle(
                    id=vid,
                    dealer_id=dealer,
                    vin="".join(rng.choices(VIN_CHARS, k=17)),
                    brand="上汽大众",
                    series=rng.choice(("朗逸", "帕萨特", "途观L", "ID.4")),
                    plate=f"沪A{rng.randrange(100000):05}",
                    purchase_date=delivered - timedelta(days=rng.randrange(20)),
                    delivery_date=delivered,
                    first_registration=delivered + timedelta(days=rng.randrange(10)),
                    insurance_expiry=_anniversary_after(delivered, TODAY - timedelta(days=30)),
                    warranty_end=_add_years(delivered, 3),
                    mileage_km=rng.randrange(200_000),
                )
            )
            ownerships.append(
                Ownership(
                    id=OwnershipId(f"O{i:07}"),
                    dealer_id=dealer,
                    customer_id=cid,
                    vehicle_id=vid,
                    since=delivered,
                )
            )
            if i % 4 == 0:
                at = NOW - timedelta(days=rng.randrange(1, 700), minutes=rng.randrange(600))
                repairs.append(
                    Interaction(
                        id=InteractionId(f"I{i:07}"),
                        dealer_id=dealer,
                        kind=InteractionKind.REPAIR_ORDER,
                        occurred_at=at,
                        customer_id=cid,
                        vehicle_id=vid,
                        detail=RepairOrder(handed_back_at=at + timedelta(hours=5)),
                    )
                )
        yield customers, vehicles, ownerships, repairs


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _anniversary_after(day: date, after: date) -> date:
    years = max(1, after.year - day.year)
    result = _add_years(day, years)
    return result if result > after else _add_years(day, years + 1)


def day_windows(today: date = TODAY) -> dict[AnchorKind, list[DateRange]]:
    """The windows a planner asks for on one day."""

    def day(offset: int) -> DateRange:
        d = today + timedelta(days=offset)
        return DateRange(d, d)

    return {
        AnchorKind.DELIVERY: [
            day(-1),
            day(-3),
            DateRange(today - timedelta(days=14), today - timedelta(days=7)),
            day(-30),
        ],
        AnchorKind.FIRST_REGISTRATION: [
            DateRange(
                _add_years(today, -y) + timedelta(days=30),
                _add_years(today, -y) + timedelta(days=30),
            )
            for y in range(2, 11)
        ],
        AnchorKind.INSURANCE_EXPIRY: [day(7), day(30)],
        AnchorKind.WARRANTY_END: [day(60)],
        AnchorKind.BIRTHDAY: [day(1)],
        AnchorKind.REPAIR_HANDED_BACK: [
            DateRange(today - timedelta(days=3), today - timedelta(days=1))
        ],
        AnchorKind.LAST_VISIT: [
            DateRange(today - timedelta(days=181), today - timedelta(days=180))
        ],
    }


TABLES = ("customers", "vehicles", "ownerships", "interactions")


def load(
    storage: SqlStorage, raw_engine: sa.Engine, n: int, dealers: int, raw_n: int
) -> dict[str, float]:
    """Load everything through ``add_many``; the first ``raw_n`` customers' rows also
    through the raw bulk path. Returns rows and seconds of each."""
    totals = dict.fromkeys(("rows", "seconds", "same_rows", "same_seconds", "raw_seconds"), 0.0)
    postgres = raw_engine.dialect.name == "postgresql"
    done = 0
    for chunk in generate(n, dealers):
        started = time.perf_counter()
        rows = 0
        with storage.unit_of_work() as uow:
            for table, records in zip(TABLES, chunk, strict=True):
                rows += getattr(uow, table).add_many(records)
        elapsed = time.perf_counter() - started
        totals["rows"] += rows
        totals["seconds"] += elapsed
        if done < raw_n:
            totals["same_rows"] += rows
            totals["same_seconds"] += elapsed
            totals["raw_seconds"] += load_raw(raw_engine, chunk, postgres)
        done += len(chunk[0])
    return totals


def load_raw(engine: sa.Engine, chunk: tuple[list[Any], ...], postgres: bool) -> float:
    """One chunk's rows through the driver's own bulk path, converted beforehand;
    returns the seconds the driver took."""
    prepared = []
    for table, records in zip(TABLES, chunk, strict=True):
        codec = CODECS[table]
        values = [codec.to_values(r, stamp=(1, NOW), sqlite=not postgres) for r in records]
        prepared.append((table, codec.columns, values))
    raw = engine.raw_connection()
    try:
        started = time.perf_counter()
        cursor = raw.cursor()
        if not postgres:
            cursor.execute("BEGIN IMMEDIATE")
        for table, columns, values in prepared:
            names = ", ".join(f'"{c}"' for c in columns)
            if postgres:
                with cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                    for row in values:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" for _ in columns)
                cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', values)
        if postgres:
            raw.commit()
        else:
            cursor.execute("COMMIT")
        return time.perf_counter() - started
    finally:
        raw.close()


def agenda(
    storage: SqlStorage, dealer: DealerId, windows: dict[AnchorKind, list[DateRange]]
) -> tuple[int, int]:
    with storage.unit_of_work() as uow:
        subjects = uow.anchors.subjects(dealer, windows, tz=TZ)
    return len(subjects), sum(len(s.hits) for s in subjects)


def every_agenda(
    storage: SqlStorage, dealers: int, windows: dict[AnchorKind, list[DateRange]]
) -> int:
    return sum(agenda(storage, DealerId(f"D{d:03}"), windows)[0] for d in range(dealers))


def full_scan(
    engine: sa.Engine,
    dealer: DealerId,
    windows: dict[AnchorKind, list[DateRange]],
    *,
    whole_tables: bool,
) -> int:
    """Rows fetched through the driver and filtered in Python: every row of the same
    tables (``whole_tables``), or the dealer's rows only (by the primary key's prefix).
    Counts ``dealer``'s customers with a hit: the scan's answer to the agenda's question."""
    where_v = "" if whole_tables else " WHERE v.dealer_id = :d"
    where = "" if whole_tables else " AND dealer_id = :d"
    mark = "%(d)s" if engine.dialect.name == "postgresql" else ":d"
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        params = {"d": dealer}
        cursor.execute(
            "SELECT v.dealer_id, v.delivery_date, v.first_registration, v.insurance_expiry, "
            "v.warranty_end, o.customer_id FROM vehicles v JOIN ownerships o "
            "ON o.dealer_id = v.dealer_id AND o.vehicle_id = v.id AND o.until IS NULL"
            + where_v.replace(":d", mark),
            params,
        )
        vehicles = cursor.fetchall()
        cursor.execute(
            "SELECT dealer_id, id, birthday FROM customers WHERE 1 = 1" + where.replace(":d", mark),
            params,
        )
        customers = cursor.fetchall()
        cursor.execute(
            "SELECT dealer_id, customer_id, vehicle_id, occurred_at, handed_back_at "
            "FROM interactions WHERE kind = 'repair_order'" + where.replace(":d", mark),
            params,
        )
        repairs = cursor.fetchall()
    finally:
        raw.close()
    found: set[tuple[str, str]] = set()
    as_date = _date_reader(vehicles)
    fields = {
        AnchorKind.DELIVERY: 1,
        AnchorKind.FIRST_REGISTRATION: 2,
        AnchorKind.INSURANCE_EXPIRY: 3,
        AnchorKind.WARRANTY_END: 4,
    }
    for row in vehicles:
        for kind, index in fields.items():
            value = row[index]
            if value is not None and any(as_date(value) in r for r in windows.get(kind, ())):
                found.add((row[0], row[5]))
    for dealer_id, customer_id, birthday in customers:
        if birthday is not None and any(
            birthday_occurrences(as_date(birthday), r) for r in windows[AnchorKind.BIRTHDAY]
        ):
            found.add((dealer_id, customer_id))
    latest: dict[tuple[str, str], tuple[Any, str]] = {}
    for dealer_id, customer_id, vehicle_id, occurred_at, handed_back_at in repairs:
        if handed_back_at is not None:
            local = _local_day(handed_back_at)
            if any(local in r for r in windows[AnchorKind.REPAIR_HANDED_BACK]):
                found.add((dealer_id, customer_id))
        key = (dealer_id, vehicle_id)
        if key not in latest or occurred_at > latest[key][0]:
            latest[key] = (occurred_at, customer_id)
    for (dealer_id, _), (occurred_at, customer_id) in latest.items():
        if any(_local_day(occurred_at) in r for r in windows[AnchorKind.LAST_VISIT]):
            found.add((dealer_id, customer_id))
    return sum(1 for d, _ in found if d == dealer)


def _date_reader(rows: Sequence[Any]) -> Any:
    sample = next((r[1] for r in rows if r[1] is not None), None)
    return date.fromisoformat if isinstance(sample, str) else (lambda d: d)


def _local_day(value: Any) -> date:
    if isinstance(value, str):
        value = datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value.astimezone(TZ).date()  # type: ignore[no-any-return]


def timed(fn: Any, *args: Any, repeat: int = 5) -> tuple[Any, float]:
    fn(*args)  # warm the caches, as on a dealer's server that runs every day
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn(*args)
        times.append(time.perf_counter() - started)
    return result, statistics.median(times)


def run(backend: str, n: int, dealers: int, raw_n: int, workdir: Path) -> None:
    print(f"\n== {backend}: {n:,} customers with vehicles, {dealers} dealers")
    if backend == "sqlite":
        ours_url, raw_url = str(workdir / "ours.db"), str(workdir / "raw.db")
    else:
        ours_url, raw_url = create_database("bench_ours"), create_database("bench_raw")
    try:
        upgrade(ours_url)
        upgrade(raw_url)
        storage = SqlStorage.open(ours_url, upgrade=False)
        raw_engine = create_engine(raw_url)
        t = load(storage, raw_engine, n, dealers, raw_n)
        raw_engine.dispose()
        print(
            f"bulk load, add_many : {t['rows']:>10,.0f} rows in {t['seconds']:7.1f} s = "
            f"{t['rows'] / t['seconds']:>8,.0f} rows/s"
        )
        if t["raw_seconds"]:
            print(
                f"  first {t['same_rows']:,.0f} rows: add_many {t['same_seconds']:.1f} s "
                f"({t['same_rows'] / t['same_seconds']:,.0f} rows/s), raw bulk path "
                f"{t['raw_seconds']:.1f} s ({t['same_rows'] / t['raw_seconds']:,.0f} rows/s): "
                f"add_many takes {t['same_seconds'] / t['raw_seconds']:.2f}x"
            )
        with storage.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in TABLES:  # what autovacuum / a nightly job does on a real server
                conn.execute(sa.text(f"ANALYZE {table}"))
        windows = day_windows()
        dealer = DealerId("D000")
        (subjects, hits), read = timed(agenda, storage, dealer, windows)
        print(f"agenda read, 1 dealer: {subjects:,} subjects, {hits:,} hits in {read * 1e3:.1f} ms")
        scanned, scan = timed(
            lambda: full_scan(storage.engine, dealer, windows, whole_tables=True), repeat=1
        )
        assert scanned == subjects, (scanned, subjects)
        print(
            f"full scan of the tables: {scan * 1e3:,.0f} ms, the agenda read is "
            f"{scan / read:,.0f}x faster"
        )
        _, dealer_scan = timed(
            lambda: full_scan(storage.engine, dealer, windows, whole_tables=False), repeat=1
        )
        print(
            f"scan of the dealer's rows: {dealer_scan * 1e3:,.0f} ms "
            f"({dealer_scan / read:,.0f}x the agenda read)"
        )
        total, every = timed(every_agenda, storage, dealers, windows, repeat=1)
        print(f"agenda reads of all {dealers} dealers: {total:,} subjects in {every:.2f} s")
        storage.close()
    finally:
        if backend == "postgresql":
            drop_database(ours_url)
            drop_database(raw_url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--dealers", type=int, default=100)
    parser.add_argument("--raw-customers", type=int, default=None, help="default: all")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench_storage_"))
    raw_n = args.customers if args.raw_customers is None else args.raw_customers
    for backend in args.backends.split(","):
        run(backend, args.customers, args.dealers, raw_n, workdir)


if __name__ == "__main__":
    main()
