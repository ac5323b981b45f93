"""Throughput of the working-day and working-time arithmetic the planner calls per task.

    .venv/bin/python bench/bench_workdays.py            # 200 000 calls per operation
    .venv/bin/python bench/bench_workdays.py -n 10000   # a quick run

Inputs are random dates / moments in 2024-2026 with offsets like the calendars' (0-14
working days, 0-16 working hours), generated with a fixed seed.
"""

from __future__ import annotations

import argparse
import platform
import random
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from crm_core.schedule.workdays import WorkdayCalendar, china_workday_calendar
from crm_core.schedule.working_time import WorkingTime


class _DayByDay(WorkdayCalendar):
    """The shipped calendar through the generic day-by-day arithmetic, for comparison."""

    def __init__(self) -> None:
        self._inner = china_workday_calendar()

    def is_working_day(self, day: date) -> bool:
        return self._inner.is_working_day(day)


def _rate(label: str, calls: int, run: Callable[[], object]) -> None:
    start = time.perf_counter()
    run()
    elapsed = time.perf_counter() - start
    print(f"{label:<44} {calls / elapsed:>12,.0f} calls/s  ({elapsed:.2f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("-n", type=int, default=200_000, help="calls per operation")
    n = parser.parse_args().n
    rng = random.Random(7)
    cal = china_workday_calendar()
    generic = _DayByDay()
    wt = WorkingTime(cal)
    sh = ZoneInfo("Asia/Shanghai")
    base = date(2024, 1, 1)
    days = [base + timedelta(days=rng.randrange(0, 1040)) for _ in range(n)]
    offsets = [rng.randrange(0, 15) for _ in range(n)]
    moments = [
        datetime.combine(d, datetime.min.time(), tzinfo=sh)
        + timedelta(minutes=rng.randrange(0, 24 * 60))
        for d in days
    ]
    hours = [timedelta(minutes=rng.randrange(0, 16 * 60)) for _ in range(n)]
    pairs = list(zip(days, offsets, strict=True))
    timed = list(zip(moments, hours, strict=True))

    print(f"CPython {platform.python_version()} on {platform.machine()}, n = {n:,}")
    _rate("ChinaWorkdayCalendar.is_working_day", n, lambda: [cal.is_working_day(d) for d in days])
    _rate(
        "ChinaWorkdayCalendar.add_working_days (bisect)",
        n,
        lambda: [cal.add_working_days(d, k) for d, k in pairs],
    )
    _rate(
        "WorkdayCalendar.add_working_days (day by day)",
        n,
        lambda: [generic.add_working_days(d, k) for d, k in pairs],
    )
    _rate(
        "WorkingTime.next_working_moment", n, lambda: [wt.next_working_moment(m) for m in moments]
    )
    _rate(
        "WorkingTime.add_working_time (0-16 h)",
        n,
        lambda: [wt.add_working_time(m, h) for m, h in timed],
    )


if __name__ == "__main__":
    main()
