"""The working-day calendar: official schedules, exact dates across holidays, properties."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_core.errors import ScheduleError, StandardsError, UnknownCalendarYearError
from crm_core.schedule.workdays import (
    ChinaWorkdayCalendar,
    HolidayKey,
    HolidayPeriod,
    WorkdayCalendar,
    YearSchedule,
    china_workday_calendar,
    load_year_schedules,
)

CAL = china_workday_calendar()
KNOWN = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31))


class _Generic(WorkdayCalendar):
    """The shipped calendar seen only through ``is_working_day``: the ABC's day-by-day
    arithmetic must agree with the fast one."""

    def is_working_day(self, day: date) -> bool:
        return CAL.is_working_day(day)


GENERIC = _Generic()


# --- the official schedules -------------------------------------------------------------


def test_shipped_years_and_citations() -> None:
    assert CAL.years == (2024, 2025, 2026)
    s2026 = CAL.schedule(2026)
    assert s2026.published == date(2025, 11, 4)
    assert s2026.notice == "国务院办公厅关于2026年部分节假日安排的通知"
    assert CAL.schedule(2025).document_number == "国办发明电〔2024〕12号"
    assert CAL.schedule(2024).document_number == "国办发明电〔2023〕7号"


def test_2026_spring_festival_and_its_adjusted_weekends() -> None:
    # 2月15日至23日放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
    for day in range(15, 24):
        assert not CAL.is_working_day(date(2026, 2, day)), day
        assert CAL.holiday_on(date(2026, 2, day)) is not None
    assert CAL.is_working_day(date(2026, 2, 14))
    assert CAL.is_working_day(date(2026, 2, 28))
    assert not CAL.is_working_day(date(2026, 3, 1))  # an ordinary Sunday
    assert CAL.holiday_on(date(2026, 2, 16)) == HolidayPeriod(
        HolidayKey.SPRING_FESTIVAL, "春节", date(2026, 2, 15), date(2026, 2, 23)
    )


def test_2026_every_adjusted_weekend() -> None:
    assert [d for d in _all_days(2026) if d.weekday() >= 5 and CAL.is_working_day(d)] == [
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    ]


def test_2026_weekday_rest_days() -> None:
    assert [d for d in _all_days(2026) if d.weekday() < 5 and not CAL.is_working_day(d)] == [
        date(2026, 1, 1),
        date(2026, 1, 2),
        *(date(2026, 2, d) for d in (16, 17, 18, 19, 20, 23)),
        date(2026, 4, 6),
        date(2026, 5, 1),
        date(2026, 5, 4),
        date(2026, 5, 5),
        date(2026, 6, 19),
        date(2026, 9, 25),
        *(date(2026, 10, d) for d in (1, 2, 5, 6, 7)),
    ]


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # a repair handed back the day before the Spring Festival holiday (Sat 14 Feb is
        # the adjusted working day, the holiday runs Sun 15 to Mon 23)
        (date(2026, 2, 14), 1, date(2026, 2, 24)),
        (date(2026, 2, 13), 1, date(2026, 2, 14)),
        (date(2026, 2, 13), 3, date(2026, 2, 25)),
        (date(2026, 2, 14), 3, date(2026, 2, 26)),
        (date(2026, 2, 14), 5, date(2026, 2, 28)),  # Saturday 28th works
        (date(2026, 2, 14), 6, date(2026, 3, 2)),
        (date(2026, 2, 20), 0, date(2026, 2, 24)),
        (date(2026, 2, 24), -1, date(2026, 2, 14)),
        (date(2026, 2, 24), -2, date(2026, 2, 13)),
        # National Day: 1–7 Oct off, Sun 20 Sep and Sat 10 Oct worked
        (date(2026, 9, 30), 1, date(2026, 10, 8)),
        (date(2026, 9, 30), 3, date(2026, 10, 10)),
        (date(2026, 9, 30), 4, date(2026, 10, 12)),
        (date(2026, 9, 18), 1, date(2026, 9, 20)),
        (date(2026, 10, 8), -1, date(2026, 9, 30)),
        # New Year: 1–3 Jan off, Sun 4 Jan worked
        (date(2025, 12, 31), 1, date(2026, 1, 4)),
        (date(2025, 12, 31), 2, date(2026, 1, 5)),
        (date(2026, 1, 4), -1, date(2025, 12, 31)),
        # 2025 Spring Festival: 28 Jan–4 Feb off, Sun 26 Jan and Sat 8 Feb worked
        (date(2025, 1, 24), 1, date(2025, 1, 26)),
        (date(2025, 1, 27), 1, date(2025, 2, 5)),
        (date(2025, 2, 7), 1, date(2025, 2, 8)),
    ],
)
def test_add_working_days_exact(start: date, n: int, expected: date) -> None:
    assert CAL.add_working_days(start, n) == expected
    assert GENERIC.add_working_days(start, n) == expected


def test_next_and_previous_working_day() -> None:
    assert CAL.next_working_day(date(2026, 2, 14)) == date(2026, 2, 24)
    assert CAL.previous_working_day(date(2026, 2, 24)) == date(2026, 2, 14)
    assert CAL.next_working_day(date(2026, 2, 12)) == date(2026, 2, 13)


def test_working_days_between_exact() -> None:
    assert CAL.working_days_between(date(2026, 2, 9), date(2026, 3, 2)) == 11
    assert CAL.working_days_between(date(2026, 3, 2), date(2026, 2, 9)) == -11
    assert CAL.working_days_between(date(2026, 10, 1), date(2026, 10, 8)) == 0
    assert CAL.working_days_between(date(2026, 1, 1), date(2027, 1, 1)) == 248
    assert list(CAL.working_days_in(date(2026, 2, 13), date(2026, 2, 25))) == [
        date(2026, 2, 13),
        date(2026, 2, 14),
        date(2026, 2, 24),
    ]


# --- unknown years ------------------------------------------------------------------


def test_unknown_years_raise() -> None:
    with pytest.raises(UnknownCalendarYearError) as info:
        CAL.is_working_day(date(2027, 3, 1))
    assert info.value.year == 2027
    with pytest.raises(UnknownCalendarYearError):
        CAL.is_working_day(date(2023, 12, 29))
    with pytest.raises(UnknownCalendarYearError) as info:
        CAL.add_working_days(date(2026, 12, 30), 5)  # runs into 2027
    assert info.value.year == 2027
    with pytest.raises(UnknownCalendarYearError) as info:
        CAL.add_working_days(date(2024, 1, 2), -3)
    assert info.value.year == 2023
    with pytest.raises(UnknownCalendarYearError):
        CAL.working_days_between(date(2026, 12, 1), date(2027, 1, 2))
    with pytest.raises(UnknownCalendarYearError):
        CAL.schedule(2030)
    with pytest.raises(UnknownCalendarYearError):
        CAL.holiday_on(date(2030, 1, 1))
    # up to the end of the last known year is fine
    assert CAL.working_days_between(date(2026, 12, 1), date(2027, 1, 1)) == 23
    assert CAL.add_working_days(date(2026, 12, 30), 1) == date(2026, 12, 31)


@given(day=st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_unknown_year_always_raises(day: date) -> None:
    if day.year in CAL.years:
        assert isinstance(CAL.is_working_day(day), bool)
    else:
        with pytest.raises(UnknownCalendarYearError):
            CAL.is_working_day(day)
        with pytest.raises(UnknownCalendarYearError):
            CAL.add_working_days(day, 1)
        with pytest.raises(UnknownCalendarYearError):
            GENERIC.add_working_days(day, 0)


def test_a_gap_between_known_years_is_not_jumped() -> None:
    far = _schedule_2030()
    cal = CAL.with_schedules(far)
    assert cal.years == (2024, 2025, 2026, 2030)
    assert cal.add_working_days(date(2030, 1, 2), 1) == date(2030, 1, 3)
    with pytest.raises(UnknownCalendarYearError) as info:
        cal.add_working_days(date(2026, 12, 31), 1)
    assert info.value.year == 2027
    with pytest.raises(UnknownCalendarYearError) as info:
        cal.add_working_days(date(2030, 1, 2), -2)
    assert info.value.year == 2029


# --- properties -----------------------------------------------------------------------


@given(day=KNOWN, n=st.integers(min_value=-40, max_value=40))
def test_add_working_days_lands_on_a_working_day_and_agrees_with_generic(day: date, n: int) -> None:
    try:
        result = CAL.add_working_days(day, n)
    except UnknownCalendarYearError:
        with pytest.raises(UnknownCalendarYearError):
            GENERIC.add_working_days(day, n)
        return
    assert CAL.is_working_day(result)
    assert result == GENERIC.add_working_days(day, n)
    if n > 0:
        assert result > day
    elif n < 0:
        assert result < day
    else:
        assert result >= day


@given(a=KNOWN, b=KNOWN, n=st.integers(min_value=-20, max_value=20))
def test_add_working_days_is_monotonic(a: date, b: date, n: int) -> None:
    lo, hi = min(a, b), max(a, b)
    try:
        assert CAL.add_working_days(lo, n) <= CAL.add_working_days(hi, n)
        assert CAL.add_working_days(lo, n) <= CAL.add_working_days(lo, n + 1)
    except UnknownCalendarYearError:
        pass


@given(day=KNOWN, n=st.integers(min_value=-30, max_value=30))
def test_round_trip(day: date, n: int) -> None:
    if not CAL.is_working_day(day):
        return
    start = day
    try:
        moved = CAL.add_working_days(start, n)
    except UnknownCalendarYearError:
        return
    assert CAL.add_working_days(moved, -n) == start
    assert CAL.working_days_between(start, moved) == n


@given(a=KNOWN, b=KNOWN)
def test_between_agrees_with_generic(a: date, b: date) -> None:
    assert CAL.working_days_between(a, b) == GENERIC.working_days_between(a, b)


# --- cross-check against the `holidays` package (a test-only reference) ------------


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_agrees_with_holidays_package(year: int) -> None:
    reference = holidays.country_holidays("CN", years=year)
    weekend_workdays = {d for d in reference.weekend_workdays if d.year == year}
    for day in _all_days(year):
        expected = (day.weekday() < 5 and day not in reference) or day in weekend_workdays
        assert CAL.is_working_day(day) == expected, day


def test_agrees_with_chinese_calendar_package() -> None:
    chinese_calendar = pytest.importorskip("chinese_calendar")
    for year in (2025, 2026):
        for day in _all_days(year):
            assert CAL.is_working_day(day) == chinese_calendar.is_workday(day), day


# --- a host's own years and calendars ---------------------------------------------------


def test_host_adds_a_year_from_its_own_file() -> None:
    text = """
format = 1
[[years]]
year = 2027
notice = "a host's copy of the 2027 notice"
published = 2026-11-10
adjusted_workdays = [2027-02-20]
[[years.holidays]]
key = "spring_festival"
name = "春节"
first = 2027-02-05
last = 2027-02-12
"""
    (s2027,) = load_year_schedules(text, source="host.toml")
    cal = CAL.with_schedules(s2027)
    assert cal.years == (2024, 2025, 2026, 2027)
    assert cal.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 1)
    assert cal.add_working_days(date(2027, 2, 4), 1) == date(2027, 2, 15)
    assert cal.is_working_day(date(2027, 2, 20))
    assert CAL.years == (2024, 2025, 2026)  # the original is unchanged


def test_with_schedules_replaces_an_amended_year() -> None:
    amended = YearSchedule(
        year=2026,
        notice="amended",
        published=date(2026, 1, 20),
        holidays=(
            HolidayPeriod(HolidayKey.SPRING_FESTIVAL, "春节", date(2026, 2, 15), date(2026, 3, 1)),
        ),
    )
    cal = CAL.with_schedules(amended)
    assert not cal.is_working_day(date(2026, 2, 26))
    assert cal.is_working_day(date(2026, 10, 1))  # the amended year only has what it says


def test_two_schedules_for_one_year_are_refused() -> None:
    s = CAL.schedule(2026)
    with pytest.raises(StandardsError, match="year 2026"):
        ChinaWorkdayCalendar([s, s])


def test_a_host_calendar_that_never_works_fails_cleanly() -> None:
    class Closed(WorkdayCalendar):
        def is_working_day(self, day: date) -> bool:
            return False

    with pytest.raises(ScheduleError, match="no working day"):
        Closed().add_working_days(date(2026, 1, 1), 1)


_VALID = """
format = 1
[[years]]
year = 2030
notice = "n"
published = 2029-11-01
adjusted_workdays = [{workdays}]
[[years.holidays]]
key = "{key}"
name = "x"
first = {first}
last = {last}
"""


@pytest.mark.parametrize(
    ("workdays", "key", "first", "last", "field", "message"),
    [
        ("", "new_year", "2030-01-03", "2030-01-01", "holidays[0]", "before it starts"),
        ("", "new_year", "2029-12-31", "2030-01-01", "holidays[0]", "outside 2030"),
        # walking to the day after 9999-12-31 ran off the calendar (OverflowError)
        ("", "new_year", "2030-01-01", "9999-12-31", "holidays[0]", "9999-12-31 is outside 2030"),
        ("", "new_year", "0001-01-01", "2030-01-01", "holidays[0]", "0001-01-01 is outside"),
        ("2030-01-07", "new_year", "2030-01-01", "2030-01-01", "adjusted_workdays", "Saturday"),
        ("2029-12-29", "new_year", "2030-01-01", "2030-01-01", "adjusted_workdays", "outside"),
        ("2030-01-05", "new_year", "2030-01-01", "2030-01-05", "adjusted_workdays", "also in"),
        (
            "2030-01-05, 2030-01-05",
            "new_year",
            "2030-01-01",
            "2030-01-01",
            "adjusted_workdays",
            "twice",
        ),
        ("", "christmas", "2030-01-01", "2030-01-01", "holidays", "christmas"),
        ("", "new_year", '"soon"', "2030-01-01", "holidays", "ISO date"),
    ],
)
def test_bad_schedules_name_file_year_and_field(
    workdays: str, key: str, first: str, last: str, field: str, message: str
) -> None:
    text = _VALID.format(workdays=workdays, key=key, first=first, last=last)
    with pytest.raises(StandardsError, match=message) as info:
        load_year_schedules(text, source="bad.toml")
    assert info.value.source == "bad.toml"
    assert info.value.rule == "year 2030"
    assert info.value.field is not None
    assert info.value.field.startswith(field)


def test_bad_documents() -> None:
    with pytest.raises(StandardsError, match="not valid TOML"):
        load_year_schedules("year = ", source="x.toml")
    with pytest.raises(StandardsError, match="format"):
        load_year_schedules("format = 2\n", source="x.toml")
    with pytest.raises(StandardsError, match="years"):
        load_year_schedules("format = 1\nyears = 3\n", source="x.toml")
    with pytest.raises(StandardsError, match="in both"):
        load_year_schedules(
            _VALID.format(workdays="", key="new_year", first="2030-01-01", last="2030-01-02")
            + '[[years.holidays]]\nkey = "qingming"\nname = "y"\n'
            "first = 2030-01-02\nlast = 2030-01-02\n",
            source="x.toml",
        )
    with pytest.raises(StandardsError, match="holiday periods"):
        load_year_schedules(
            'format = 1\n[[years]]\nyear = 2030\nnotice = "n"\npublished = 2029-11-01\n'
            "holidays = []\n",
            source="x.toml",
        )
    with pytest.raises(StandardsError, match="unknown keys") as info:
        load_year_schedules(
            'format = 1\n[[years]]\nyear = 2030\nnotice = "n"\npublished = 2029-11-01\n'
            "holidays = []\nextra = 1\n",
            source="x.toml",
        )
    assert info.value.rule == "year 2030"


def _all_days(year: int) -> list[date]:
    start = date(year, 1, 1)
    return [start + timedelta(days=i) for i in range((date(year + 1, 1, 1) - start).days)]


def _schedule_2030() -> YearSchedule:
    return YearSchedule(
        year=2030,
        notice="test",
        published=date(2029, 11, 1),
        holidays=(HolidayPeriod(HolidayKey.NEW_YEAR, "元旦", date(2030, 1, 1), date(2030, 1, 1)),),
    )
