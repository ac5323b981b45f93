"""Greeting festivals: the generated lunar table, exact dates, and cross-checks."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import holidays
import pytest

from crm_core.errors import StandardsError, UnknownFestivalYearError
from crm_core.schedule._standards import read_packaged
from crm_core.schedule.festivals import (
    Festival,
    FestivalCalendar,
    FestivalKey,
    FestivalKind,
    festival_calendar,
    load_festivals,
    load_lunar_table,
)

CAL = festival_calendar()
ROOT = Path(__file__).resolve().parents[2]
YEARS = range(2000, 2061)


@pytest.mark.parametrize(
    ("key", "year", "expected"),
    [
        (FestivalKey.NEW_YEARS_EVE, 2026, date(2026, 2, 16)),
        (FestivalKey.SPRING_FESTIVAL, 2026, date(2026, 2, 17)),
        (FestivalKey.LANTERN, 2026, date(2026, 3, 3)),
        (FestivalKey.DRAGON_BOAT, 2026, date(2026, 6, 19)),
        (FestivalKey.QIXI, 2026, date(2026, 8, 19)),
        (FestivalKey.MID_AUTUMN, 2026, date(2026, 9, 25)),
        (FestivalKey.DOUBLE_NINTH, 2026, date(2026, 10, 18)),
        (FestivalKey.NEW_YEARS_EVE, 2025, date(2025, 1, 28)),  # 29-day twelfth month
        (FestivalKey.SPRING_FESTIVAL, 2025, date(2025, 1, 29)),
        (FestivalKey.MID_AUTUMN, 2025, date(2025, 10, 6)),
        (FestivalKey.SPRING_FESTIVAL, 2000, date(2000, 2, 5)),
        (FestivalKey.SPRING_FESTIVAL, 2060, date(2060, 2, 2)),
        (FestivalKey.NATIONAL_DAY, 2099, date(2099, 10, 1)),  # fixed: any year
        (FestivalKey.WOMENS_DAY, 2026, date(2026, 3, 8)),
    ],
)
def test_exact_dates(key: FestivalKey, year: int, expected: date) -> None:
    assert CAL.date_of(key, year) == expected


def test_between_and_on() -> None:
    found = CAL.between(date(2026, 9, 1), date(2026, 11, 1))
    assert [(d, f.key) for d, f in found] == [
        (date(2026, 9, 10), FestivalKey.TEACHERS_DAY),
        (date(2026, 9, 25), FestivalKey.MID_AUTUMN),
        (date(2026, 10, 1), FestivalKey.NATIONAL_DAY),
        (date(2026, 10, 18), FestivalKey.DOUBLE_NINTH),
    ]
    assert CAL.between(date(2026, 9, 25), date(2026, 9, 25)) == []
    across = CAL.between(date(2026, 12, 31), date(2027, 1, 2))
    assert [(d, f.key) for d, f in across] == [(date(2027, 1, 1), FestivalKey.NEW_YEAR)]
    assert [f.name for f in CAL.on(date(2026, 2, 17))] == ["春节"]
    assert CAL.on(date(2026, 2, 18)) == []


def test_years_outside_the_table_raise() -> None:
    with pytest.raises(UnknownFestivalYearError) as info:
        CAL.date_of(FestivalKey.MID_AUTUMN, 2061)
    assert (info.value.festival, info.value.year) == ("mid_autumn", 2061)
    with pytest.raises(UnknownFestivalYearError):
        CAL.between(date(1999, 12, 1), date(2000, 3, 1))
    with pytest.raises(KeyError):
        FestivalCalendar([], {}).date_of(FestivalKey.NEW_YEAR, 2026)


def test_table_covers_2000_to_2060_and_lantern_is_day_15() -> None:
    for year in YEARS:
        spring = CAL.date_of(FestivalKey.SPRING_FESTIVAL, year)
        assert CAL.date_of(FestivalKey.NEW_YEARS_EVE, year) == spring - timedelta(days=1)
        assert CAL.date_of(FestivalKey.LANTERN, year) == spring + timedelta(days=14)
        assert date(year, 1, 21) <= spring <= date(year, 2, 20)


def _named(country: str, name: str) -> dict[int, date]:
    reference = holidays.country_holidays(country, years=YEARS)
    found: dict[int, date] = {}
    for day, names in sorted(reference.items()):
        if name in names.split("; ") and day.year not in found:
            found[day.year] = day
    return found


@pytest.mark.parametrize(
    ("key", "country", "name", "first_year"),
    [
        (FestivalKey.SPRING_FESTIVAL, "CN", "Chinese New Year (Spring Festival)", 2000),
        (FestivalKey.DRAGON_BOAT, "CN", "Dragon Boat Festival", 2008),
        (FestivalKey.MID_AUTUMN, "CN", "Mid-Autumn Festival", 2008),
        (FestivalKey.DRAGON_BOAT, "HK", "Dragon Boat Festival", 2000),
        (FestivalKey.DOUBLE_NINTH, "HK", "Double Ninth Festival", 2000),
    ],
)
def test_agrees_with_holidays_package(
    key: FestivalKey, country: str, name: str, first_year: int
) -> None:
    reference = _named(country, name)
    checked = 0
    for year in range(first_year, 2061):
        if year in reference:
            assert CAL.date_of(key, year) == reference[year], year
            checked += 1
    assert checked == 2061 - first_year


def test_shipped_table_is_what_the_generator_makes() -> None:
    pytest.importorskip("borax")
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_lunar_table.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_shipped_table_has_every_lunar_festival() -> None:
    table = load_lunar_table(read_packaged("lunar_festivals.csv"), source="t.csv")
    lunar = {f.key for f in CAL.festivals if f.kind is FestivalKind.LUNAR}
    assert set(table) == lunar
    assert all(sorted(years) == list(YEARS) for years in table.values())


def test_host_festival_file() -> None:
    text = """
format = 1
[[festivals]]
key = "teachers_day"
name = "教师节"
kind = "fixed"
month = 9
day = 10
"""
    (teachers,) = load_festivals(text, source="host.toml")
    cal = FestivalCalendar([teachers], {})
    assert cal.date_of(FestivalKey.TEACHERS_DAY, 2030) == date(2030, 9, 10)


@pytest.mark.parametrize(
    ("body", "rule", "field", "message"),
    [
        (
            'key = "new_year"\nname = "x"\nkind = "fixed"\nmonth = 2\nday = 29\n',
            "new_year",
            "day",
            "no such date",
        ),
        (
            'key = "new_year"\nname = "x"\nkind = "fixed"\nmonth = 1\n',
            "new_year",
            "month",
            "month and day",
        ),
        ('key = "qixi"\nname = "x"\nkind = "lunar"\n', "qixi", "lunar_month", "lunar_month"),
        (  # beyond a C long: date() raised OverflowError, not ValueError
            'key = "new_year"\nname = "x"\nkind = "fixed"\nmonth = 1\nday = -1000000000000000000\n',
            "new_year",
            "day",
            "no such date",
        ),
        (
            'key = "easter"\nname = "x"\nkind = "fixed"\nmonth = 1\nday = 1\n',
            "easter",
            "key",
            "easter",
        ),
        ('key = "new_year"\nname = "x"\nkind = "solar"\n', "new_year", "kind", "solar"),
    ],
)
def test_bad_festival_files_name_rule_and_field(
    body: str, rule: str, field: str, message: str
) -> None:
    with pytest.raises(StandardsError, match=message) as info:
        load_festivals("format = 1\n[[festivals]]\n" + body, source="f.toml")
    assert (info.value.source, info.value.rule, info.value.field) == ("f.toml", rule, field)


def test_bad_calendars_and_tables() -> None:
    qixi = Festival(FestivalKey.QIXI, "七夕", FestivalKind.LUNAR, lunar_month=7, lunar_day=7)
    with pytest.raises(StandardsError, match="regenerate"):
        FestivalCalendar([qixi], {})
    with pytest.raises(StandardsError, match="twice"):
        FestivalCalendar([qixi, qixi], {FestivalKey.QIXI: {}})
    with pytest.raises(StandardsError, match="format"):
        load_festivals("format = 3\n", source="f.toml")
    with pytest.raises(StandardsError, match="year"):
        load_lunar_table("day,qixi\n", source="t.csv")
    with pytest.raises(StandardsError, match="easter"):
        load_lunar_table("year,easter\n", source="t.csv")
    with pytest.raises(StandardsError, match="columns") as info:
        load_lunar_table("year,qixi\n2026\n", source="t.csv")
    assert info.value.rule == "line 2"
    with pytest.raises(StandardsError, match="not in 2027"):
        load_lunar_table("# c\nyear,qixi\n2027,2026-08-19\n", source="t.csv")
    with pytest.raises(StandardsError, match="Invalid isoformat"):
        load_lunar_table("year,qixi\n2026,soon\n", source="t.csv")
