"""``crm-core demo``: a generated dealer in an SQLite file, then today's agenda, the record
quality summary and the month's KPIs — the library's main job on a fresh machine.

The data is seeded and deterministic (``--seed``): a few thousand customers with Chinese
names, addresses and phones, vehicles with valid VINs and plates, two years of sales,
repairs, callbacks, complaints, club activity, insurance terms, the carmaker's
satisfaction surveys and the dealer's corrective actions, and a realistic share of seed
000's data defects, which the quality summary then finds.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from datetime import time as clock_time
from itertools import islice
from pathlib import Path
from typing import Any

from crm_core.cli._agenda import agenda_result, calendar_for, plan_day, render_agenda
from crm_core.cli._check import completeness_result, render_completeness
from crm_core.cli._common import EXIT_OK, UsageError, iso_date, now
from crm_core.cli._report import month_report, render_report
from crm_core.cli._store import insert_records, open_storage
from crm_core.cli._ui import Ui
from crm_core.demo import CustomerFile, DemoConfig, DemoDealer, DemoGenerator
from crm_core.domain.interaction import InteractionKind
from crm_core.domain.rules import (
    RepairReport,
    SaleReport,
    Severity,
    StaffPhones,
    Violation,
    check_customer,
    check_repair_order,
    check_sale_report,
    check_vehicle,
    repair_order_completeness,
    sale_report_completeness,
)

__all__ = ["QualityTally", "register"]

_CHUNK = 500  # customer files per unit of work while loading


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    p = commands.add_parser(
        "demo",
        parents=[common],
        help="create a demo dealer in SQLite and show its agenda, quality and KPIs",
        description=__doc__,
    )
    p.add_argument("--db", default="crm-demo.db", metavar="PATH", help="(crm-demo.db)")
    p.add_argument("--customers", type=_count, default=2000, help="customers per dealer (2000)")
    p.add_argument("--dealers", type=_count, default=1, help="dealers in the group (1)")
    p.add_argument("--seed", type=int, default=2026, help="random seed (2026)")
    p.add_argument("--force", action="store_true", help="replace an existing file")
    p.add_argument(
        "--today",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="the demo's today (default: the clock), for a reproducible run",
    )
    p.set_defaults(handler=run)


def _count(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not 1 <= number <= 1_000_000:
        raise argparse.ArgumentTypeError(f"must be between 1 and 1000000: {value}")
    return number


class QualityTally:
    """Rule-check findings over the generated records, and the reports for completeness."""

    def __init__(self, staff: StaffPhones, today: Any) -> None:
        self.staff = staff
        self.today = today
        self.codes: Counter[tuple[str, str]] = Counter()
        self.records = 0
        self.with_errors = 0
        self.planted: Counter[str] = Counter()
        self.sales: list[SaleReport] = []
        self.repairs: list[RepairReport] = []

    def _count(self, violations: tuple[Violation, ...], *, report: bool = False) -> None:
        if report:
            # a report repeats its customer's and vehicle's findings, counted with them
            violations = tuple(
                v for v in violations if not v.field.startswith(("customer.", "vehicle."))
            )
        self.records += 1
        if any(v.severity is Severity.ERROR for v in violations):
            self.with_errors += 1
        for v in violations:
            self.codes[(v.code, v.severity.value)] += 1

    def add(self, dealer: DemoDealer, file: CustomerFile) -> None:
        self.planted.update(d.kind.value for d in file.defects)
        customers = {c.id: c for c in (file.customer, *file.duplicates)}
        vehicles = {v.id: v for v in file.vehicles}
        stock = {v.id: v for v in dealer.stock_vehicles}
        for customer in customers.values():
            self._count(check_customer(customer, staff=self.staff, today=self.today))
        for car in file.vehicles:
            self._count(check_vehicle(car))
        for i in file.interactions:
            if i.customer_id is None or i.vehicle_id is None:
                continue
            vehicle = vehicles.get(i.vehicle_id) or stock.get(i.vehicle_id)
            if vehicle is None:
                continue
            if i.kind is InteractionKind.DELIVERY:
                sale = SaleReport(i, customers[i.customer_id], vehicle)
                self.sales.append(sale)
                self._count(
                    check_sale_report(sale, staff=self.staff, today=self.today), report=True
                )
            elif i.kind is InteractionKind.REPAIR_ORDER:
                order = RepairReport(i, vehicle, customers[i.customer_id])
                self.repairs.append(order)
                self._count(
                    check_repair_order(order, staff=self.staff, today=self.today), report=True
                )

    def result(self) -> dict[str, Any]:
        return {
            "records_checked": self.records,
            "records_with_errors": self.with_errors,
            "defects_planted": sum(self.planted.values()),
            "by_rule": [
                {"code": code, "severity": severity, "count": n}
                for (code, severity), n in sorted(self.codes.items(), key=lambda x: (-x[1], x[0]))
            ],
            "sale_reports": completeness_result(sale_report_completeness(self.sales)),
            "repair_orders": completeness_result(repair_order_completeness(self.repairs)),
        }


def _chunks(files: Iterator[CustomerFile]) -> Iterator[list[CustomerFile]]:
    while chunk := list(islice(files, _CHUNK)):
        yield chunk


def _prepare(path: Path, force: bool) -> None:
    if "://" in str(path):
        raise UsageError("the demo writes an SQLite file: give a path, not a URL")
    if path.exists():
        if not force:
            raise UsageError(f"{path} exists; use --force to replace it")
        if path.is_dir():
            raise UsageError(f"{path} is a directory")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    if not path.parent.exists():
        raise UsageError(f"no directory {path.parent} for {path.name}")


def run(args: argparse.Namespace, ui: Ui) -> int:
    started = time.monotonic()
    path = Path(args.db)
    _prepare(path, args.force)
    at = now() if args.today is None else datetime.combine(args.today, clock_time(9), now().tzinfo)
    config = DemoConfig(
        today=at.date(),
        seed=args.seed,
        dealers=args.dealers,
        customers_per_dealer=args.customers,
        task_days=35,  # the month's callback report needs the tasks behind the callbacks
    )
    gen = DemoGenerator(config)
    storage = open_storage(str(path), create=True)
    try:
        tally = QualityTally(StaffPhones.of(s for d in gen.dealers() for s in d.staff), at.date())
        stored = 0
        with ui.progress(ui.t("generating"), args.customers * args.dealers) as bar:
            for dealer in gen.dealers():
                with storage.unit_of_work() as uow:
                    stored += insert_records(uow, dealer.records())
                for chunk in _chunks(gen.dealer_files(dealer)):
                    with storage.unit_of_work() as uow:
                        stored += insert_records(uow, (r for f in chunk for r in f.records()))
                    for file in chunk:
                        tally.add(dealer, file)
                    bar.advance(len(chunk))
        days = []
        reports = []
        with ui.progress(ui.t("planning"), len(gen.dealers())) as bar:
            for dealer in gen.dealers():
                days.append(plan_day(storage, dealer.dealer, calendar_for(None, dealer.dealer), at))
                with storage.unit_of_work() as uow:
                    first_day = at.date().replace(day=1)
                    reports.append(month_report(uow, dealer.dealer, first_day, today=at.date()))
                bar.advance()
    finally:
        storage.close()
    result = {
        "database": str(path),
        "seed": args.seed,
        "today": at.date(),
        "records": stored,
        "quality": tally.result(),
        "agenda": agenda_result(days, limit=5),
        "reports": reports,
        "seconds": round(time.monotonic() - started, 1),
    }
    if ui.json:
        ui.print_json(result)
    else:
        render(ui, result)
    return EXIT_OK


def render(ui: Ui, result: dict[str, Any]) -> None:
    ui.heading(ui.t("demo_heading", path=result["database"], records=result["records"]))
    ui.line()
    render_agenda(ui, result["agenda"])
    ui.line()
    quality = result["quality"]
    ui.heading(
        ui.t(
            "quality_heading",
            checked=quality["records_checked"],
            errors=quality["records_with_errors"],
            planted=quality["defects_planted"],
        )
    )
    ui.table(
        [ui.t("rule"), ui.t("severity"), ui.t("count")],
        [[r["code"], ui.t("severity." + r["severity"]), r["count"]] for r in quality["by_rule"]],
    )
    render_completeness(ui, quality["sale_reports"], ui.t("completeness_sales"))
    render_completeness(ui, quality["repair_orders"], ui.t("completeness_repairs"))
    ui.line()
    for report in result["reports"]:
        render_report(ui, report)
    ui.line()
    ui.line(ui.t("demo_next", path=result["database"], seconds=result["seconds"]))
