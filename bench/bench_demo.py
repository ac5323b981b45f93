"""Demo data generation speed: customers + vehicles per second, with and without histories.

Run: python bench/bench_demo.py [--customers N] [--dealers D]
"""

from __future__ import annotations

import argparse
import resource
import time
from datetime import date

from crm_core.demo import DemoConfig, DemoGenerator


def run(customers: int, dealers: int, histories: bool) -> None:
    config = DemoConfig(
        today=date(2026, 11, 23),
        dealers=dealers,
        customers_per_dealer=customers // dealers,
        histories=histories,
    )
    start = time.perf_counter()
    entities = records = 0
    for file in DemoGenerator(config).files():
        entities += 1 + len(file.vehicles)
        records += sum(1 for _ in file.records())
    elapsed = time.perf_counter() - start
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"histories={histories!s:5}  {entities:>9} customers+vehicles  {records:>10} records  "
        f"{elapsed:6.1f} s  {entities / elapsed:>8.0f} cust+veh/s  "
        f"{records / elapsed:>8.0f} rec/s  max RSS {peak_mib:.0f} MiB"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--dealers", type=int, default=10)
    args = parser.parse_args()
    run(args.customers, args.dealers, histories=False)
    run(args.customers, args.dealers, histories=True)
