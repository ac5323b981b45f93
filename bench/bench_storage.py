"""Storage benchmark: bulk load and a day's agenda read, on SQLite and PostgreSQL.

1. Bulk load N customers of a dealer group (``--dealers`` dealers, N / dealers each),
   each customer with one vehicle, its ownership and (every fourth vehicle) a repair
   order, through the adapter's ``add_many``, one unit of work per 50 000 customers.
   For the first ``--raw-customers`` of them the same rows also go through the raw
   driver's own bulk paths, each into its own database, converted to driver tuples
   beforehand, outside the measurement: on SQLite ``executemany`` of the full rows, and
   ``executemany`` with each row's NULL columns left out (what the adapter does); on
   PostgreSQL ``COPY … (FORMAT BINARY)`` with ``write_row`` (what the adapter does).
   Each path reports wall time and CPU time — this process's, plus on PostgreSQL the
   server backend's — since on a shared machine only the CPU time is repeatable.
2. A day's agenda read from the loaded database: ``uow.anchors.subjects`` for one dealer
   and the windows a planner asks on one day (deliveries 1/3/7–14/30 days ago,
   inspection anniversaries, insurance and warranty ends, tomorrow's birthdays,
   hand-backs, six-months-lost vehicles), median of 5 after a warm-up. Next to it: a full
   scan of the same tables through the raw driver (every row fetched, then filtered in
   Python — the cheapest scan there is), and the agenda reads of every dealer in turn.

Run:  python bench/bench_storage.py --customers 1000000 --raw-customers 200000
      python bench/bench_storage.py --customers 20000 --backends sqlite   (a quick look)

``--keep`` keeps the loaded database and prints its URL; ``--reuse URL`` then repeats
only the agenda part on it (same ``--customers`` and ``--dealers``, one backend).
PostgreSQL is the embedded server, which stops when the script ends (so ``--keep`` needs
``CRM_CORE_TEST_PG_URL`` pointing at a server of your own). Data comes from a lean
generator below: the demo generator (``crm_core.demo``) writes two years of history per
customer, tens of millions of rows at this size, beyond a bounded benchmark run.
"""

from __future__ import annotations

import argparse
import operator
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
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


class Usage:
    """Rows, wall time and CPU time of one path, summed over chunks.

    CPU is this process's (``time.process_time``) plus, on PostgreSQL, that of the server
    backend serving the connection (``utime + stime`` in ``/proc/<pid>/stat``): what the
    load cost the two processes, whatever else ran on the shared machine meanwhile.
    """

    def __init__(self) -> None:
        self.rows = self.wall = self.cpu = 0.0

    def add(self, rows: int, wall: float, cpu: float) -> None:
        self.rows += rows
        self.wall += wall
        self.cpu += cpu

    def rates(self) -> str:
        return (
            f"{self.rows:>10,.0f} rows in {self.wall:6.1f} s = {self.rows / self.wall:>7,.0f} "
            f"rows/s; CPU {self.cpu:6.1f} s = {self.rows / self.cpu:>7,.0f} rows/CPU-s"
        )


def server_cpu(driver_connection: Any) -> tuple[int | None, float]:
    """The PostgreSQL backend's pid and CPU seconds so far (``None, 0`` on SQLite)."""
    info = getattr(driver_connection, "info", None)  # psycopg has it, sqlite3 not
    if info is None:
        return None, 0.0
    return info.backend_pid, _cpu_of(info.backend_pid)


def _cpu_of(pid: int | None) -> float:
    if pid is None:
        return 0.0
    stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")


RawPath = Callable[[Any, str, Sequence[str], list[tuple[Any, ...]]], None]


def executemany(cursor: Any, table: str, columns: Sequence[str], rows: list[Any]) -> None:
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)


def executemany_without_nulls(
    cursor: Any, table: str, columns: Sequence[str], rows: list[Any]
) -> None:
    """``executemany`` per pattern of NULL columns, naming only the others: sqlite3 binds
    a None through its adaptation protocol, a str or an int directly."""
    groups: dict[tuple[int, ...], list[Any]] = {}
    for row in rows:
        groups.setdefault(tuple(i for i, v in enumerate(row) if v is not None), []).append(row)
    for kept, group in groups.items():
        pick = operator.itemgetter(*kept)
        executemany(cursor, table, [columns[i] for i in kept], [pick(row) for row in group])


def copy_binary(cursor: Any, table: str, columns: Sequence[str], rows: list[Any]) -> None:
    types = dict(
        cursor.execute(
            "SELECT column_name, udt_name FROM information_schema.columns WHERE table_name = %s",
            (table,),
        ).fetchall()
    )
    names = ", ".join(f'"{c}"' for c in columns)
    with cursor.copy(f'COPY "{table}" ({names}) FROM STDIN (FORMAT BINARY)') as copy:
        copy.set_types([types[c] for c in columns])
        for row in rows:
            copy.write_row(row)


RAW_PATHS: dict[str, dict[str, RawPath]] = {
    "sqlite": {
        "executemany": executemany,
        "executemany, NULL columns left out": executemany_without_nulls,
    },
    "postgresql": {"COPY (FORMAT BINARY)": copy_binary},
}


def load(
    storage: SqlStorage, raw_engines: dict[str, sa.Engine], n: int, dealers: int, raw_n: int
) -> tuple[Usage, Usage, dict[str, Usage]]:
    """Load everything through ``add_many``, one unit of work per chunk; the first
    ``raw_n`` customers' rows also through each raw bulk path, each into its own
    database. Returns the usage of all of ``add_many``, of ``add_many`` on those first
    rows, and of each raw path on them."""
    ours, same = Usage(), Usage()
    raw = {name: Usage() for name in raw_engines}
    done = 0
    for chunk in generate(n, dealers):
        rows = sum(map(len, chunk))
        wall, client = time.perf_counter(), time.process_time()
        with storage.unit_of_work() as uow:
            pid, server = server_cpu(uow.conn.connection.driver_connection)
            for table, records in zip(TABLES, chunk, strict=True):
                getattr(uow, table).add_many(records)
        wall = time.perf_counter() - wall
        cpu = time.process_time() - client + _cpu_of(pid) - server
        ours.add(rows, wall, cpu)
        if done < raw_n:
            same.add(rows, wall, cpu)
            for name, engine in raw_engines.items():
                load_raw(engine, chunk, RAW_PATHS[storage.dialect][name], raw[name])
        done += len(chunk[0])
        print(f"  {done:,} customers loaded, {ours.rates()}", file=sys.stderr, flush=True)
    return ours, same, raw


def load_raw(engine: sa.Engine, chunk: tuple[list[Any], ...], path: RawPath, usage: Usage) -> None:
    """One chunk's rows through a raw bulk path in one transaction, converted to the
    driver's terms beforehand, outside the measurement."""
    postgres = engine.dialect.name == "postgresql"
    prepared = []
    for table, records in zip(TABLES, chunk, strict=True):
        codec = CODECS[table]
        prepared.append(
            (table, codec.columns, codec.to_rows(records, stamp=(1, NOW), sqlite=not postgres))
        )
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        pid, server = server_cpu(connection.driver_connection)
        wall, client = time.perf_counter(), time.process_time()
        if not postgres:
            cursor.execute("BEGIN IMMEDIATE")
        for table, columns, rows in prepared:
            path(cursor, table, columns, rows)
        if postgres:
            connection.commit()
        else:
            cursor.execute("COMMIT")
        wall = time.perf_counter() - wall
        cpu = time.process_time() - client + _cpu_of(pid) - server
        usage.add(sum(len(rows) for _, _, rows in prepared), wall, cpu)
    finally:
        connection.close()


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


def run(backend: str, args: argparse.Namespace, workdir: Path) -> None:
    print(f"\n== {backend}: {args.customers:,} customers with vehicles, {args.dealers} dealers")
    if args.reuse:
        storage = SqlStorage.open(args.reuse, upgrade=False)
        print(f"reusing the loaded database {args.reuse}")
        read_agenda(storage, args.dealers)
        storage.close()
        return
    raw_names = list(RAW_PATHS[backend])
    if backend == "sqlite":
        ours_url = str(workdir / "ours.db")
        raw_urls = [str(workdir / f"raw{i}.db") for i in range(len(raw_names))]
    else:
        ours_url = create_database("bench_ours")
        raw_urls = [create_database("bench_raw") for _ in raw_names]
    try:
        for url in [ours_url, *raw_urls]:
            upgrade(url)
        storage = SqlStorage.open(ours_url, upgrade=False)
        raw_engines = {
            name: create_engine(url) for name, url in zip(raw_names, raw_urls, strict=True)
        }
        raw_n = args.customers if args.raw_customers is None else args.raw_customers
        ours, same, raw = load(storage, raw_engines, args.customers, args.dealers, raw_n)
        for engine in raw_engines.values():
            engine.dispose()
        print(f"bulk load through add_many: {ours.rates()}")
        if same.rows:
            print(f"the first {raw_n:,} customers' rows:")
            width = max(len(name) for name in raw) + 4
            print(f"  {'add_many':{width}}: {same.rates()}")
            for name, usage in raw.items():
                print(f"  {'raw ' + name:{width}}: {usage.rates()}")
                print(
                    f"  {'':{width}}  add_many takes {same.wall / usage.wall:.2f}x its wall "
                    f"time, {same.cpu / usage.cpu:.2f}x its CPU time"
                )
        with storage.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in TABLES:  # what autovacuum / a nightly job does on a real server
                conn.execute(sa.text(f"ANALYZE {table}"))
        read_agenda(storage, args.dealers)
        storage.close()
    finally:
        if backend == "postgresql":
            for url in raw_urls if args.keep else [ours_url, *raw_urls]:
                drop_database(url)
        else:
            for url in raw_urls if args.keep else [ours_url, *raw_urls]:
                for suffix in ("", "-wal", "-shm"):
                    Path(url + suffix).unlink(missing_ok=True)
        if args.keep:
            print(f"kept the loaded database: --reuse {ours_url}")


def read_agenda(storage: SqlStorage, dealers: int) -> None:
    """A day's agenda for one dealer next to the scans, then every dealer's."""
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--dealers", type=int, default=100)
    parser.add_argument("--raw-customers", type=int, default=None, help="default: all")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument(
        "--keep", action="store_true", help="keep the loaded database and print its URL"
    )
    parser.add_argument(
        "--reuse",
        metavar="URL",
        help="skip loading: read the agenda from a database kept by --keep (same "
        "--customers and --dealers; one backend)",
    )
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench_storage_"))
    for backend in args.backends.split(","):
        run(backend, args, workdir)
    if args.workdir is None and not args.keep:
        workdir.rmdir()  # emptied by run()


if __name__ == "__main__":
    main()
