"""Working days: which days a dealer's office works, and arithmetic over them.

Mainland China's working days are not "Monday to Friday minus holidays": every year the
State Council announces the holiday periods *and* the weekend days that become working days
to pay for them (调休). A callback "one working day after" a repair handed back on Friday
2026-02-13 is due on Saturday 2026-02-14, an adjusted working day, and the next one only on
Tuesday 2026-02-24. Nobody can compute those weekends in advance, so
:class:`ChinaWorkdayCalendar` knows only the years whose official notice it was given and
raises :class:`~crm_core.errors.UnknownCalendarYearError` for any other year instead of
guessing.

>>> from datetime import date
>>> cal = china_workday_calendar()
>>> cal.is_working_day(date(2026, 2, 14))      # Saturday, adjusted working day
True
>>> cal.add_working_days(date(2026, 2, 13), 2)  # Fri → Sat 14th, then Tue 24th
datetime.date(2026, 2, 24)
>>> cal.working_days_between(date(2026, 2, 13), date(2026, 2, 25))
3

A host supplies another year (once the State Council has published it) with
:meth:`ChinaWorkdayCalendar.with_schedules` and :func:`load_year_schedules`, or its own
calendar by subclassing :class:`WorkdayCalendar` and implementing
:meth:`~WorkdayCalendar.is_working_day`.
"""

from __future__ import annotations

import abc
import enum
import functools
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from datetime import date, timedelta

import attrs

from crm_core.errors import ScheduleError, StandardsError, UnknownCalendarYearError
from crm_core.schedule._standards import load_entries, read_packaged

__all__ = [
    "ChinaWorkdayCalendar",
    "HolidayKey",
    "HolidayPeriod",
    "WorkdayCalendar",
    "YearSchedule",
    "china_workday_calendar",
    "load_year_schedules",
]

#: How far the generic search walks before deciding a calendar has no working day at all.
_MAX_GAP_DAYS = 366
_ONE_DAY = timedelta(days=1)


class WorkdayCalendar(abc.ABC):
    """Which days are working days; the rest of the arithmetic follows from that one answer.

    Subclasses implement :meth:`is_working_day` (raising
    :class:`~crm_core.errors.UnknownCalendarYearError` for days they cannot answer for);
    the other methods walk day by day and may be overridden with faster versions, which
    must give the same answers.

    Conventions, chosen so that round trips hold:

    * ``add_working_days(day, n)`` with ``n > 0`` is the ``n``-th working day *after*
      ``day`` (``day`` itself never counts, working or not); with ``n < 0`` the ``|n|``-th
      working day *before* ``day``; with ``n == 0`` ``day`` itself if it is a working day,
      else the next working day.
    * ``working_days_between(start, end)`` counts working days in ``[start, end)``; it is
      negative when ``end < start``. For a working ``day``,
      ``working_days_between(day, add_working_days(day, n)) == n``.
    """

    __slots__ = ()

    @abc.abstractmethod
    def is_working_day(self, day: date) -> bool:
        """Whether the dealer's office works on ``day``."""

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        return self.add_working_days(day, 1)

    def previous_working_day(self, day: date) -> date:
        """The last working day strictly before ``day``."""
        return self.add_working_days(day, -1)

    def add_working_days(self, day: date, n: int) -> date:
        """Move ``n`` working days from ``day`` (see the class docstring for ``n <= 0``)."""
        if n == 0:
            return day if self.is_working_day(day) else self._step(day, 1, 1)
        return self._step(day, 1 if n > 0 else -1, abs(n))

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in ``[start, end)``; ``-working_days_between(end, start)`` if
        ``end < start``."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(1 for d in _days(start, end) if self.is_working_day(d))

    def working_days_in(self, start: date, end: date) -> Iterator[date]:
        """The working days in ``[start, end)``, in order."""
        return (d for d in _days(start, end) if self.is_working_day(d))

    def _step(self, day: date, direction: int, count: int) -> date:
        step = _ONE_DAY if direction > 0 else -_ONE_DAY
        current = day
        gap = 0
        while count:
            current += step
            if self.is_working_day(current):
                count -= 1
                gap = 0
            else:
                gap += 1
                if gap > _MAX_GAP_DAYS:
                    raise ScheduleError(
                        f"no working day within {_MAX_GAP_DAYS} days of {current - gap * step}"
                    )
        return current


def _days(start: date, end: date) -> Iterator[date]:
    day = start
    while day < end:
        yield day
        day += _ONE_DAY


class HolidayKey(enum.StrEnum):
    """The public holidays of the national holiday regulation (全国年节及纪念日放假办法)."""

    NEW_YEAR = "new_year"  # 元旦
    SPRING_FESTIVAL = "spring_festival"  # 春节
    QINGMING = "qingming"  # 清明节
    LABOUR_DAY = "labour_day"  # 劳动节
    DRAGON_BOAT = "dragon_boat"  # 端午节
    MID_AUTUMN = "mid_autumn"  # 中秋节
    NATIONAL_DAY = "national_day"  # 国庆节 (in some years merged with 中秋节)


@attrs.frozen(slots=True)
class HolidayPeriod:
    """One holiday period of a notice: every day from ``first`` to ``last`` is a rest day."""

    key: HolidayKey
    name: str
    first: date
    last: date

    def days(self) -> Iterator[date]:
        return _days(self.first, self.last + _ONE_DAY)


@attrs.frozen(slots=True)
class YearSchedule:
    """One year's official schedule, as the State Council's notice announced it."""

    year: int
    notice: str  # the notice's title, which is how it is cited
    published: date
    holidays: tuple[HolidayPeriod, ...]
    adjusted_workdays: tuple[date, ...] = ()  # weekend days that are working days (上班)
    document_number: str | None = None  # e.g. 国办发明电〔2024〕12号
    url: str | None = None

    def validate(self, source: str) -> None:
        """Refuse a schedule that cannot be a real notice (a typo in a host's file)."""
        rule = f"year {self.year}"

        def fail(message: str, field: str) -> StandardsError:
            return StandardsError(message, source=source, rule=rule, field=field)

        if not self.holidays:
            raise fail("a year's schedule lists its holiday periods", "holidays")
        seen: dict[date, str] = {}
        for i, period in enumerate(self.holidays):
            field = f"holidays[{i}]"
            if period.last < period.first:
                raise fail(f"{period.name} ends ({period.last}) before it starts", field)
            # both ends first: walking a period that ends on 9999-12-31 runs off the
            # calendar, and one spanning centuries takes its time to be refused
            for end in (period.first, period.last):
                if end.year != self.year:
                    raise fail(f"{period.name}: {end} is outside {self.year}", field)
            for day in period.days():
                if day in seen:
                    raise fail(f"{day} is in both {seen[day]} and {period.name}", field)
                seen[day] = period.name
        if len(set(self.adjusted_workdays)) != len(self.adjusted_workdays):
            raise fail("a working weekend day is listed twice", "adjusted_workdays")
        for day in self.adjusted_workdays:
            if day.year != self.year:
                raise fail(f"{day} is outside {self.year}", "adjusted_workdays")
            if day.weekday() < 5:
                raise fail(f"{day} is not a Saturday or Sunday", "adjusted_workdays")
            if day in seen:
                raise fail(f"{day} is also in {seen[day]}", "adjusted_workdays")

    def rest_days(self) -> frozenset[date]:
        return frozenset(d for p in self.holidays for d in p.days())


class ChinaWorkdayCalendar(WorkdayCalendar):
    """Mainland China's working days for the years whose official schedule it holds.

    Immutable: :meth:`with_schedules` returns a new calendar. Arithmetic is a binary
    search over the precomputed working days of each run of consecutive known years, so
    adding 3 or 300 working days costs the same.

    >>> from datetime import date
    >>> cal = china_workday_calendar()
    >>> cal.years
    (2024, 2025, 2026)
    >>> cal.holiday_on(date(2026, 10, 3)).name
    '国庆节'
    >>> cal.add_working_days(date(2027, 1, 4), 1)
    Traceback (most recent call last):
    ...
    crm_core.errors.UnknownCalendarYearError: no official working-day schedule for 2027; ...
    """

    __slots__ = ("_holiday_of", "_run_by_year", "_schedules", "_workdays")

    def __init__(self, schedules: Iterable[YearSchedule]) -> None:
        by_year: dict[int, YearSchedule] = {}
        for schedule in schedules:
            if schedule.year in by_year:
                raise StandardsError(
                    "two schedules for the same year", rule=f"year {schedule.year}"
                )
            by_year[schedule.year] = schedule
        self._schedules = dict(sorted(by_year.items()))
        self._holiday_of: dict[date, HolidayPeriod] = {
            d: p for s in self._schedules.values() for p in s.holidays for d in p.days()
        }
        self._workdays = frozenset(d for s in self._schedules.values() for d in s.adjusted_workdays)
        self._run_by_year = {
            year: run for run in self._build_runs() for year in range(run[0], run[1] + 1)
        }

    def _build_runs(self) -> Iterator[tuple[int, int, array[int]]]:
        """(first year, last year, sorted ordinals of working days) per run of
        consecutive years: arithmetic must never jump over a year nobody described."""
        years = list(self._schedules)
        start = 0
        for i in range(1, len(years) + 1):
            if i == len(years) or years[i] != years[i - 1] + 1:
                first, last = years[start], years[i - 1]
                ordinals = array(
                    "l",
                    (
                        d.toordinal()
                        for d in _days(date(first, 1, 1), date(last + 1, 1, 1))
                        if self._is_working_known(d)
                    ),
                )
                yield first, last, ordinals
                start = i

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(self._schedules)

    def schedule(self, year: int) -> YearSchedule:
        """The official schedule of ``year`` (to cite it in an explanation)."""
        try:
            return self._schedules[year]
        except KeyError:
            raise UnknownCalendarYearError(year) from None

    def with_schedules(self, *schedules: YearSchedule) -> ChinaWorkdayCalendar:
        """A calendar that also knows ``schedules``; a schedule for a year already known
        replaces it (the State Council has amended a year's schedule before, in 2020)."""
        replaced = {s.year: s for s in self._schedules.values()}
        replaced.update({s.year: s for s in schedules})
        return ChinaWorkdayCalendar(replaced.values())

    def holiday_on(self, day: date) -> HolidayPeriod | None:
        """The official holiday period ``day`` falls in, if any."""
        self._require(day.year)
        return self._holiday_of.get(day)

    def is_working_day(self, day: date) -> bool:
        self._require(day.year)
        return self._is_working_known(day)

    def _is_working_known(self, day: date) -> bool:
        if day in self._workdays:
            return True
        return day.weekday() < 5 and day not in self._holiday_of

    def _require(self, year: int) -> None:
        if year not in self._schedules:
            raise UnknownCalendarYearError(year)

    def _run_of(self, day: date) -> tuple[int, int, array[int]]:
        try:
            return self._run_by_year[day.year]
        except KeyError:
            raise UnknownCalendarYearError(day.year) from None

    def add_working_days(self, day: date, n: int) -> date:
        first, last, ordinals = self._run_of(day)
        o = day.toordinal()
        if n > 0:
            index = bisect_right(ordinals, o) + n - 1
        elif n < 0:
            index = bisect_left(ordinals, o) + n
        else:
            index = bisect_left(ordinals, o)
        if index < 0:
            raise UnknownCalendarYearError(first - 1)
        if index >= len(ordinals):
            raise UnknownCalendarYearError(last + 1)
        return date.fromordinal(ordinals[index])

    def working_days_between(self, start: date, end: date) -> int:
        if end < start:
            return -self.working_days_between(end, start)
        run = self._run_of(start)
        # ``end`` itself is excluded, so its year may be the first unknown one only if it
        # is that year's 1 January
        last_needed = (end - _ONE_DAY).year if end > start else start.year
        if last_needed > run[1]:
            raise UnknownCalendarYearError(run[1] + 1)
        ordinals = run[2]
        return bisect_left(ordinals, end.toordinal()) - bisect_left(ordinals, start.toordinal())


def load_year_schedules(text: str, *, source: str) -> tuple[YearSchedule, ...]:
    """Parse and validate a file of official holiday schedules (放假 and 调休 days per year).

    The format is that of the shipped ``schedule/data/cn_workdays.toml`` (a ``[[years]]``
    table per year).

    >>> text = '''
    ... format = 1
    ... [[years]]
    ... year = 2027
    ... notice = "国务院办公厅关于2027年部分节假日安排的通知"
    ... published = 2026-11-01
    ... adjusted_workdays = [2027-01-06]
    ... [[years.holidays]]
    ... key = "new_year"
    ... name = "元旦"
    ... first = 2027-01-01
    ... last = 2027-01-03
    ... '''
    >>> load_year_schedules(text, source="mine.toml")
    Traceback (most recent call last):
    ...
    crm_core.errors.StandardsError: file mine.toml, rule year 2027, field adjusted_workdays: 2027-01-06 is not a Saturday or Sunday
    """  # noqa: E501
    return load_entries(
        text,
        YearSchedule,
        source=source,
        key="years",
        id_key="year",
        rule_name=lambda year: f"year {year}",
    )


@functools.cache
def china_workday_calendar() -> ChinaWorkdayCalendar:
    """Mainland China's working-day calendar, from the official schedules shipped with crm_core.

    Cached: it is immutable."""
    name = "cn_workdays.toml"
    return ChinaWorkdayCalendar(load_year_schedules(read_packaged(name), source=name))
