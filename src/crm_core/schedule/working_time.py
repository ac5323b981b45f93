"""Working time: a dealer's business hours on working days, and quiet hours for customers.

Two different clocks matter to a CR team. *Business hours* are when the dealer's staff
work: SLAs ("to the general manager within half a working day", seed 001) and tasks "on
the next working day" are measured in them. *Quiet hours* are when customers must not be
called or texted (default 21:00–08:00), whatever the dealer's own hours are.

Everything takes and returns timezone-aware datetimes; the dealer's timezone decides what
"09:00" and "which day" mean. Business hours apply only on the working-day calendar's
working days (on an adjusted working weekend day the hours for that weekday are used).

>>> from datetime import datetime, timedelta
>>> from zoneinfo import ZoneInfo
>>> from crm_core.schedule.workdays import china_workday_calendar
>>> wt = WorkingTime(china_workday_calendar())
>>> sh = ZoneInfo("Asia/Shanghai")
>>> friday_evening = datetime(2026, 2, 13, 19, 0, tzinfo=sh)
>>> wt.is_working_time(friday_evening)
False
>>> wt.next_working_moment(friday_evening)        # Saturday 14th is a working day
datetime.datetime(2026, 2, 14, 9, 0, tzinfo=zoneinfo.ZoneInfo(key='Asia/Shanghai'))
>>> wt.add_working_days(datetime(2026, 2, 14, 15, 0, tzinfo=sh), Decimal("0.5"))
datetime.datetime(2026, 2, 24, 10, 0, tzinfo=zoneinfo.ZoneInfo(key='Asia/Shanghai'))
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from crm_core.domain._validators import require_aware
from crm_core.domain.dealer import Dealer
from crm_core.errors import ScheduleError, ValidationError
from crm_core.schedule.workdays import WorkdayCalendar

__all__ = [
    "BusinessHours",
    "QuietHours",
    "TimeRange",
    "WorkingTime",
]

_ONE_DAY = timedelta(days=1)
#: A calendar whose working days all have empty hours would loop for ever; give up after a
#: year of days without a single business-hours interval.
_MAX_EMPTY_DAYS = 366


def _range_in_order(instance: TimeRange, _: Any, end: time) -> None:
    if end <= instance.start:
        raise ValidationError(f"{end} is not after {instance.start}", field="end")


@attrs.frozen(slots=True)
class TimeRange:
    """``[start, end)`` within one day (an interval over midnight is two ranges)."""

    start: time
    end: time = attrs.field(validator=_range_in_order)

    @property
    def length(self) -> timedelta:
        return datetime.combine(date.min, self.end) - datetime.combine(date.min, self.start)


def _ranges_sorted(_: Any, attribute: attrs.Attribute[Any], value: tuple[TimeRange, ...]) -> None:
    for before, after in itertools.pairwise(value):
        if after.start < before.end:
            raise ValidationError("time ranges overlap or are out of order", field=attribute.name)


_OFFICE = (TimeRange(time(9, 0), time(12, 0)), TimeRange(time(13, 0), time(18, 0)))


def _hours(default: tuple[TimeRange, ...] = _OFFICE) -> Any:
    return attrs.field(default=default, validator=_ranges_sorted)


def _positive(_: Any, attribute: attrs.Attribute[Any], value: timedelta | None) -> None:
    if value is not None and value <= timedelta(0):
        raise ValidationError("must be positive", field=attribute.name)


@attrs.frozen(slots=True)
class BusinessHours:
    """The dealer's hours on a working day, per weekday (local wall-clock time).

    Saturday and Sunday hours are used only when the calendar makes that day a working day
    (an adjusted working weekend, 调休). ``day_length`` is what "one working day" means
    when an SLA is measured in business hours; by default the longest weekday's total.
    """

    monday: tuple[TimeRange, ...] = _hours()
    tuesday: tuple[TimeRange, ...] = _hours()
    wednesday: tuple[TimeRange, ...] = _hours()
    thursday: tuple[TimeRange, ...] = _hours()
    friday: tuple[TimeRange, ...] = _hours()
    saturday: tuple[TimeRange, ...] = _hours()
    sunday: tuple[TimeRange, ...] = _hours()
    day_length: timedelta | None = attrs.field(default=None, validator=_positive)
    _week: tuple[tuple[TimeRange, ...], ...] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        week = (
            self.monday,
            self.tuesday,
            self.wednesday,
            self.thursday,
            self.friday,
            self.saturday,
            self.sunday,
        )
        object.__setattr__(self, "_week", week)

    def on(self, weekday: int) -> tuple[TimeRange, ...]:
        """The ranges for ``weekday`` (0 = Monday, as :meth:`date.weekday`)."""
        return self._week[weekday]

    @property
    def working_day(self) -> timedelta:
        if self.day_length is not None:
            return self.day_length
        longest = max(sum((r.length for r in self.on(i)), timedelta(0)) for i in range(5))
        if longest <= timedelta(0):
            raise ScheduleError("business hours are empty on every weekday; set day_length")
        return longest


@attrs.frozen(slots=True)
class QuietHours:
    """When customers are not contacted, local time; ``start > end`` wraps over midnight.

    ``start == end`` means no quiet hours at all.
    """

    start: time = time(21, 0)
    end: time = time(8, 0)

    def contains(self, moment: time) -> bool:
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end


def _zone(_: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(f"unknown timezone {value!r}", field=attribute.name) from exc


@attrs.frozen(slots=True)
class WorkingTime:
    """One dealer's working time: its calendar, business hours, timezone and quiet hours.

    Results are returned in the dealer's timezone (the same instants, whatever zone the
    input was in).
    """

    calendar: WorkdayCalendar
    hours: BusinessHours = BusinessHours()
    timezone: str = attrs.field(default="Asia/Shanghai", validator=_zone)
    quiet: QuietHours = QuietHours()
    _zone: ZoneInfo = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        # resolved once: every operation needs it, and the planner calls them per task
        object.__setattr__(self, "_zone", ZoneInfo(self.timezone))

    @classmethod
    def for_dealer(
        cls,
        dealer: Dealer,
        calendar: WorkdayCalendar,
        *,
        hours: BusinessHours | None = None,
        quiet: QuietHours | None = None,
    ) -> WorkingTime:
        """The working time of ``dealer`` (its timezone), with optional own hours."""
        return cls(
            calendar,
            hours if hours is not None else BusinessHours(),
            dealer.timezone,
            quiet if quiet is not None else QuietHours(),
        )

    @property
    def zone(self) -> ZoneInfo:
        return self._zone

    def local(self, moment: datetime) -> datetime:
        """``moment`` in the dealer's timezone. 9999-12-31 23:00 UTC is already year 10000
        in Shanghai: a :class:`~crm_core.errors.ScheduleError`, not an OverflowError."""
        aware = require_aware(moment, "moment")
        try:
            return aware.astimezone(self.zone)
        except OverflowError as exc:
            raise ScheduleError(
                f"{moment.isoformat()} has no local date in {self.zone.key}: "
                "it falls outside the years 1 to 9999"
            ) from exc

    def intervals_on(self, day: date) -> Iterator[tuple[datetime, datetime]]:
        """The business-hours intervals of ``day`` as aware datetimes (none on rest days)."""
        if not self.calendar.is_working_day(day):
            return
        zone = self.zone
        for r in self.hours.on(day.weekday()):
            yield (
                datetime.combine(day, r.start, tzinfo=zone),
                datetime.combine(day, r.end, tzinfo=zone),
            )

    def is_working_time(self, moment: datetime) -> bool:
        """Whether ``moment`` falls inside business hours on a working day.

        >>> from datetime import datetime
        >>> from zoneinfo import ZoneInfo
        >>> from crm_core.schedule.workdays import china_workday_calendar
        >>> wt = WorkingTime(china_workday_calendar())
        >>> wt.is_working_time(datetime(2026, 10, 8, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai")))
        True
        """
        local = self.local(moment)
        return any(start <= local < end for start, end in self.intervals_on(local.date()))

    def next_working_moment(self, moment: datetime) -> datetime:
        """``moment`` itself if it is working time, else the start of the next interval."""
        return self.add_working_time(moment, timedelta(0))

    def add_working_time(self, moment: datetime, duration: timedelta) -> datetime:
        """The moment when ``duration`` of business hours has passed since ``moment``.

        Time outside business hours and on rest days does not count; a zero ``duration``
        gives the next working moment. A result that lands exactly on the end of an
        interval stays there (it is not pushed to the next morning).
        """
        if duration < timedelta(0):
            raise ValidationError("must not be negative", field="duration")
        local = self.local(moment)
        remaining = duration
        day = local.date()
        empty_days = 0
        while True:
            found = False
            for start, end in self.intervals_on(day):
                found = True
                if end <= local:
                    continue
                begin = max(start, local)
                available = end - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
            empty_days = 0 if found else empty_days + 1
            if empty_days > _MAX_EMPTY_DAYS:
                raise ScheduleError(f"no business hours within {_MAX_EMPTY_DAYS} days of {day}")
            day += _ONE_DAY

    def add_working_days(self, moment: datetime, days: Decimal | int) -> datetime:
        """Add ``days`` working days measured in business hours (``Decimal("0.5")`` is
        half a working day: :attr:`BusinessHours.working_day` times one half)."""
        if days < 0:
            raise ValidationError("must not be negative", field="days")
        micros = Decimal(self.hours.working_day // timedelta(microseconds=1)) * Decimal(days)
        return self.add_working_time(moment, timedelta(microseconds=int(micros)))

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Business hours elapsed in ``[start, end)`` (negative if ``end < start``)."""
        a, b = self.local(start), self.local(end)
        if b < a:
            return -self.working_time_between(end, start)
        total = timedelta(0)
        day = a.date()
        while day <= b.date():
            for lo, hi in self.intervals_on(day):
                overlap = min(hi, b) - max(lo, a)
                if overlap > timedelta(0):
                    total += overlap
            day += _ONE_DAY
        return total

    def is_quiet(self, moment: datetime) -> bool:
        """Whether customers must not be contacted at ``moment`` (dealer's local time)."""
        return self.quiet.contains(self.local(moment).time())

    def next_contact_moment(self, moment: datetime) -> datetime:
        """``moment`` if customers may be contacted then, else when quiet hours end.

        >>> from datetime import datetime
        >>> from zoneinfo import ZoneInfo
        >>> from crm_core.schedule.workdays import china_workday_calendar
        >>> wt = WorkingTime(china_workday_calendar())
        >>> late = datetime(2026, 5, 8, 22, 15, tzinfo=ZoneInfo("Asia/Shanghai"))
        >>> wt.next_contact_moment(late).isoformat()
        '2026-05-09T08:00:00+08:00'
        """
        local = self.local(moment)
        if not self.is_quiet(local):
            return local
        end_today = datetime.combine(local.date(), self.quiet.end, tzinfo=self.zone)
        return end_today if end_today > local else end_today + _ONE_DAY
