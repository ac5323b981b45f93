"""Business hours, quiet hours and working-time arithmetic, with exact moments."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_core.domain.dealer import Dealer
from crm_core.domain.ids import DealerId
from crm_core.errors import ScheduleError, UnknownCalendarYearError, ValidationError
from crm_core.schedule.workdays import WorkdayCalendar, china_workday_calendar
from crm_core.schedule.working_time import BusinessHours, QuietHours, TimeRange, WorkingTime

SH = ZoneInfo("Asia/Shanghai")
WT = WorkingTime(china_workday_calendar())


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SH)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(2026, 2, 13, 9, 0), True),  # Friday, opening time
        (at(2026, 2, 13, 8, 59), False),
        (at(2026, 2, 13, 12, 0), False),  # lunch break
        (at(2026, 2, 13, 12, 59), False),
        (at(2026, 2, 13, 13, 0), True),
        (at(2026, 2, 13, 17, 59), True),
        (at(2026, 2, 13, 18, 0), False),
        (at(2026, 2, 14, 10, 0), True),  # Saturday, adjusted working day
        (at(2026, 2, 16, 10, 0), False),  # Spring Festival
        (at(2026, 2, 21, 10, 0), False),  # an ordinary-looking Saturday inside it
        (at(2026, 10, 10, 10, 0), True),  # Saturday after National Day, worked
        (at(2026, 10, 11, 10, 0), False),
    ],
)
def test_is_working_time(moment: datetime, expected: bool) -> None:
    assert WT.is_working_time(moment) is expected


def test_other_input_zones_are_converted() -> None:
    # 01:30 UTC is 09:30 in Shanghai
    assert WT.is_working_time(datetime(2026, 3, 2, 1, 30, tzinfo=UTC))
    result = WT.next_working_moment(datetime(2026, 3, 2, 0, 0, tzinfo=UTC))
    assert result == at(2026, 3, 2, 9, 0)
    assert result.tzinfo == SH


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(2026, 2, 13, 10, 15), at(2026, 2, 13, 10, 15)),
        (at(2026, 2, 13, 12, 0), at(2026, 2, 13, 13, 0)),
        (at(2026, 2, 13, 18, 0), at(2026, 2, 14, 9, 0)),
        (at(2026, 2, 14, 18, 30), at(2026, 2, 24, 9, 0)),  # across the whole holiday
        (at(2026, 9, 30, 20, 0), at(2026, 10, 8, 9, 0)),
        (at(2026, 9, 19, 7, 0), at(2026, 9, 20, 9, 0)),  # Saturday → working Sunday
    ],
)
def test_next_working_moment(moment: datetime, expected: datetime) -> None:
    assert WT.next_working_moment(moment) == expected


@pytest.mark.parametrize(
    ("moment", "hours", "expected"),
    [
        (at(2026, 3, 2, 9, 0), 3, at(2026, 3, 2, 12, 0)),  # stays at the end of the morning
        (at(2026, 3, 2, 9, 0), 4, at(2026, 3, 2, 14, 0)),
        (at(2026, 3, 2, 17, 0), 2, at(2026, 3, 3, 10, 0)),
        (at(2026, 2, 13, 16, 0), 4, at(2026, 2, 14, 11, 0)),
        (at(2026, 2, 14, 16, 0), 4, at(2026, 2, 24, 11, 0)),
        (at(2026, 2, 14, 16, 0), 0, at(2026, 2, 14, 16, 0)),
    ],
)
def test_add_working_hours(moment: datetime, hours: int, expected: datetime) -> None:
    assert WT.add_working_time(moment, timedelta(hours=hours)) == expected


@pytest.mark.parametrize(
    ("moment", "days", "expected"),
    [
        # a complaint found in a callback at 15:00 on the adjusted Saturday before the
        # Spring Festival: to the general manager within half a working day (4 h) ...
        (at(2026, 2, 14, 15, 0), Decimal("0.5"), at(2026, 2, 24, 10, 0)),
        # ... and answered within one working day (8 h)
        (at(2026, 2, 14, 15, 0), Decimal(1), at(2026, 2, 24, 15, 0)),
        (at(2026, 9, 30, 10, 0), Decimal(1), at(2026, 10, 8, 10, 0)),
        (at(2026, 9, 30, 10, 0), 2, at(2026, 10, 9, 10, 0)),
        (at(2026, 10, 9, 10, 0), 1, at(2026, 10, 10, 10, 0)),
        (at(2026, 3, 2, 20, 0), Decimal("0.5"), at(2026, 3, 3, 14, 0)),
    ],
)
def test_add_working_days_in_business_hours(
    moment: datetime, days: Decimal | int, expected: datetime
) -> None:
    assert WT.add_working_days(moment, days) == expected


def test_working_time_between() -> None:
    assert WT.working_time_between(at(2026, 2, 13, 16, 0), at(2026, 2, 24, 11, 0)) == timedelta(
        hours=2 + 8 + 2
    )
    assert WT.working_time_between(at(2026, 2, 24, 11, 0), at(2026, 2, 13, 16, 0)) == -timedelta(
        hours=12
    )
    assert WT.working_time_between(at(2026, 2, 15), at(2026, 2, 23, 23)) == timedelta(0)


def test_unknown_year_raises_from_working_time() -> None:
    with pytest.raises(UnknownCalendarYearError):
        WT.is_working_time(at(2027, 1, 4, 10))
    with pytest.raises(UnknownCalendarYearError):
        WT.add_working_time(at(2026, 12, 31, 17), timedelta(hours=2))


def test_custom_hours_and_day_length() -> None:
    straight = (TimeRange(time(8, 30), time(17, 30)),)
    hours = BusinessHours(
        monday=straight,
        tuesday=straight,
        wednesday=straight,
        thursday=straight,
        friday=straight,
        saturday=(TimeRange(time(9, 0), time(12, 0)),),
        sunday=(),
    )
    wt = WorkingTime(china_workday_calendar(), hours)
    assert hours.working_day == timedelta(hours=9)
    assert wt.add_working_days(at(2026, 3, 2, 8, 30), 1) == at(2026, 3, 2, 17, 30)
    # adjusted working Saturday 14 Feb has the short Saturday hours
    assert wt.add_working_time(at(2026, 2, 14, 11, 0), timedelta(hours=2)) == at(2026, 2, 24, 9, 30)
    # adjusted working Sunday 20 Sep has no hours at all here
    assert wt.next_working_moment(at(2026, 9, 20, 10, 0)) == at(2026, 9, 21, 8, 30)
    fixed = BusinessHours(day_length=timedelta(hours=7))
    assert fixed.working_day == timedelta(hours=7)


def test_bad_hours_are_refused() -> None:
    with pytest.raises(ValidationError, match="not after"):
        TimeRange(time(12, 0), time(9, 0))
    with pytest.raises(ValidationError, match="overlap"):
        BusinessHours(monday=(TimeRange(time(9), time(12)), TimeRange(time(11), time(13))))
    with pytest.raises(ValidationError, match="positive"):
        BusinessHours(day_length=timedelta(0))
    with pytest.raises(ValidationError, match="timezone"):
        WorkingTime(china_workday_calendar(), timezone="Mars/Olympus")
    with pytest.raises(ValidationError, match="aware"):
        WT.is_working_time(datetime(2026, 3, 2, 10))  # noqa: DTZ001 - the point of the test
    with pytest.raises(ValidationError, match="negative"):
        WT.add_working_time(at(2026, 3, 2), timedelta(hours=-1))
    with pytest.raises(ValidationError, match="negative"):
        WT.add_working_days(at(2026, 3, 2), -1)
    no_hours = BusinessHours((), (), (), (), (), (), ())
    with pytest.raises(ScheduleError, match="empty"):
        _ = no_hours.working_day
    with pytest.raises(ScheduleError, match="no business hours"):
        WorkingTime(_AlwaysWorking(), no_hours).next_working_moment(at(2026, 3, 2))


class _AlwaysWorking(WorkdayCalendar):
    def is_working_day(self, day: date) -> bool:
        return True


def test_for_dealer_uses_its_timezone() -> None:
    dealer = Dealer(id=DealerId("D1"), name="Urumqi", timezone="Asia/Urumqi")
    wt = WorkingTime.for_dealer(dealer, china_workday_calendar())
    assert wt.timezone == "Asia/Urumqi"
    urumqi = ZoneInfo("Asia/Urumqi")
    # 09:30 in Shanghai is 07:30 in Urumqi (UTC+6): not yet open there
    assert not wt.is_working_time(at(2026, 3, 2, 9, 30))
    assert wt.next_working_moment(at(2026, 3, 2, 9, 30)) == datetime(
        2026, 3, 2, 9, 0, tzinfo=urumqi
    )


@pytest.mark.parametrize(
    ("clock", "quiet"),
    [(time(20, 59), False), (time(21, 0), True), (time(3, 0), True), (time(8, 0), False)],
)
def test_quiet_hours(clock: time, quiet: bool) -> None:
    moment = datetime.combine(date(2026, 3, 2), clock, tzinfo=SH)
    assert WT.is_quiet(moment) is quiet


def test_next_contact_moment() -> None:
    assert WT.next_contact_moment(at(2026, 3, 2, 22, 0)) == at(2026, 3, 3, 8, 0)
    assert WT.next_contact_moment(at(2026, 3, 2, 6, 0)) == at(2026, 3, 2, 8, 0)
    assert WT.next_contact_moment(at(2026, 3, 2, 12, 0)) == at(2026, 3, 2, 12, 0)
    # quiet hours are about customers, not about the dealer's calendar
    assert WT.next_contact_moment(at(2026, 2, 17, 10, 0)) == at(2026, 2, 17, 10, 0)
    daytime = WorkingTime(china_workday_calendar(), quiet=QuietHours(time(12), time(14)))
    assert daytime.is_quiet(at(2026, 3, 2, 13, 0))
    assert not daytime.is_quiet(at(2026, 3, 2, 14, 0))
    never = WorkingTime(china_workday_calendar(), quiet=QuietHours(time(0), time(0)))
    assert not never.is_quiet(at(2026, 3, 2, 3, 0))


MOMENTS = st.datetimes(
    min_value=datetime(2024, 1, 1),  # noqa: DTZ001 - hypothesis bounds are naive
    max_value=datetime(2026, 12, 20),  # noqa: DTZ001
    timezones=st.just(SH),
)


@given(moment=MOMENTS)
def test_next_working_moment_is_working_and_not_earlier(moment: datetime) -> None:
    result = WT.next_working_moment(moment)
    assert result >= moment
    assert WT.is_working_time(result)
    assert WT.working_time_between(moment, result) == timedelta(0)


@given(moment=MOMENTS, minutes=st.integers(min_value=0, max_value=3 * 8 * 60))
def test_add_working_time_round_trip(moment: datetime, minutes: int) -> None:
    duration = timedelta(minutes=minutes)
    result = WT.add_working_time(moment, duration)
    assert result >= moment
    assert WT.working_time_between(moment, result) == duration


@given(moment=MOMENTS, a=st.integers(0, 2000), b=st.integers(0, 2000))
def test_add_working_time_is_monotonic(moment: datetime, a: int, b: int) -> None:
    lo, hi = sorted((a, b))
    assert WT.add_working_time(moment, timedelta(minutes=lo)) <= WT.add_working_time(
        moment, timedelta(minutes=hi)
    )


@given(moment=MOMENTS)
def test_next_contact_moment_is_not_quiet(moment: datetime) -> None:
    result = WT.next_contact_moment(moment)
    assert result >= moment
    assert not WT.is_quiet(result)
    assert result - moment <= timedelta(hours=11)


@pytest.mark.parametrize(
    "moment",
    [datetime.max.replace(tzinfo=UTC), datetime(9999, 12, 31, 16, 0, tzinfo=UTC)],
)
def test_a_moment_with_no_local_date_is_a_schedule_error(moment: datetime) -> None:
    # 9999-12-31 16:00 UTC is midnight of year 10000 in Shanghai: astimezone overflowed
    for ask in (WT.local, WT.is_quiet, WT.is_working_time, WT.next_working_moment):
        with pytest.raises(ScheduleError, match="outside the years 1 to 9999"):
            ask(moment)
