"""Festivals for customer greetings: fixed-date ones and lunar ones, as data.

Seed 000 lists holiday greetings (节日问候) by SMS and direct mail; the festivals customers
expect are mostly lunar (春节, 中秋节 …), whose Gregorian dates move every year. crm_core
ships them as a generated table for 2000–2060 (``schedule/data/lunar_festivals.csv``, made
by ``tools/gen_lunar_table.py``) so it needs no lunar-calendar library at run time; a year
outside the table raises :class:`~crm_core.errors.UnknownFestivalYearError` rather than
guessing. The festival list itself is ``schedule/data/festivals.toml``.

>>> from datetime import date
>>> greetings = festival_calendar()
>>> greetings.date_of(FestivalKey.MID_AUTUMN, 2026)
datetime.date(2026, 9, 25)
>>> [(d.isoformat(), f.name) for d, f in greetings.between(date(2026, 2, 1), date(2026, 3, 9))]
[('2026-02-16', '除夕'), ('2026-02-17', '春节'), ('2026-03-03', '元宵节'), ('2026-03-08', '妇女节')]
"""

from __future__ import annotations

import csv
import enum
import functools
import io
from collections.abc import Iterable, Mapping
from datetime import date

import attrs

from crm_core.errors import StandardsError, UnknownFestivalYearError
from crm_core.schedule._standards import load_entries, read_packaged

__all__ = [
    "Festival",
    "FestivalCalendar",
    "FestivalKey",
    "FestivalKind",
    "festival_calendar",
    "load_festivals",
    "load_lunar_table",
]


class FestivalKey(enum.StrEnum):
    """A festival a dealer may send greetings on: 元旦, 春节, 中秋节, 国庆节 …

    Seed 000 lists holiday greetings (节日问候); a greeting rule of a calendar names its
    festival by this key (``holiday = "mid_autumn"``).
    """

    NEW_YEAR = "new_year"  # 元旦
    WOMENS_DAY = "womens_day"  # 妇女节
    LABOUR_DAY = "labour_day"  # 劳动节
    CHILDRENS_DAY = "childrens_day"  # 儿童节
    TEACHERS_DAY = "teachers_day"  # 教师节
    NATIONAL_DAY = "national_day"  # 国庆节
    NEW_YEARS_EVE = "new_years_eve"  # 除夕
    SPRING_FESTIVAL = "spring_festival"  # 春节
    LANTERN = "lantern"  # 元宵节
    DRAGON_BOAT = "dragon_boat"  # 端午节
    QIXI = "qixi"  # 七夕
    MID_AUTUMN = "mid_autumn"  # 中秋节
    DOUBLE_NINTH = "double_ninth"  # 重阳节


class FestivalKind(enum.StrEnum):
    """Whether a festival has a fixed Gregorian date (国庆节) or a lunar one (中秋节).

    Lunar dates come from the generated table shipped with the library.
    """

    FIXED = "fixed"  # same Gregorian date every year
    LUNAR = "lunar"  # a lunisolar date; Gregorian dates from the generated table


@attrs.frozen(slots=True)
class Festival:
    """One greeting festival of ``festivals.toml``: its key, its name, and how to date it.

    A fixed festival gives ``month`` and ``day``; a lunar one ``lunar_month`` and
    ``lunar_day``, plus ``offset_days`` so that 除夕 is "the day before 正月初一" whether the
    twelfth lunar month has 29 or 30 days.
    """

    key: FestivalKey
    name: str
    kind: FestivalKind
    month: int | None = None
    day: int | None = None
    lunar_month: int | None = None
    lunar_day: int | None = None
    offset_days: int = 0

    def validate(self, source: str) -> None:
        rule = str(self.key)
        if self.kind is FestivalKind.FIXED:
            if self.month is None or self.day is None:
                raise StandardsError(
                    "a fixed festival needs month and day", source=source, rule=rule, field="month"
                )
            try:
                date(2001, self.month, self.day)  # not a leap year: 29 February is refused
            except (ValueError, OverflowError) as exc:  # month = 10**18 overflows C
                raise StandardsError(
                    f"no such date: {exc}", source=source, rule=rule, field="day"
                ) from exc
        elif self.lunar_month is None or self.lunar_day is None:
            raise StandardsError(
                "a lunar festival needs lunar_month and lunar_day",
                source=source,
                rule=rule,
                field="lunar_month",
            )


#: LunarTable: festival key → year → Gregorian date
LunarTable = Mapping[FestivalKey, Mapping[int, date]]


class FestivalCalendar:
    """The greeting festivals and where each falls in a year. Immutable."""

    __slots__ = ("_festivals", "_lunar")

    def __init__(self, festivals: Iterable[Festival], lunar: LunarTable) -> None:
        self._festivals = tuple(festivals)
        keys = [f.key for f in self._festivals]
        if len(set(keys)) != len(keys):
            raise StandardsError("a festival is listed twice", field="key")
        missing = [
            f.key for f in self._festivals if f.kind is FestivalKind.LUNAR and f.key not in lunar
        ]
        if missing:
            raise StandardsError(
                f"no dates in the lunar table for {', '.join(missing)}; "
                "regenerate it with tools/gen_lunar_table.py",
                rule=str(missing[0]),
            )
        self._lunar = {k: dict(v) for k, v in lunar.items()}

    @property
    def festivals(self) -> tuple[Festival, ...]:
        return self._festivals

    def festival(self, key: FestivalKey) -> Festival:
        for festival in self._festivals:
            if festival.key is key:
                return festival
        raise KeyError(key)

    def date_of(self, key: FestivalKey, year: int) -> date:
        """The Gregorian date of festival ``key`` in ``year``."""
        festival = self.festival(key)
        if festival.kind is FestivalKind.FIXED:
            assert festival.month is not None
            assert festival.day is not None
            return date(year, festival.month, festival.day)
        try:
            return self._lunar[key][year]
        except KeyError:
            raise UnknownFestivalYearError(str(key), year) from None

    def between(self, start: date, end: date) -> list[tuple[date, Festival]]:
        """Every festival in ``[start, end)``, in date order (ties in file order)."""
        found: list[tuple[date, int, Festival]] = []
        for year in range(start.year, end.year + 1):
            for i, festival in enumerate(self._festivals):
                day = self.date_of(festival.key, year)
                if start <= day < end:
                    found.append((day, i, festival))
        found.sort(key=lambda item: (item[0], item[1]))
        return [(day, festival) for day, _, festival in found]

    def on(self, day: date) -> list[Festival]:
        """The festivals falling on ``day``."""
        return [f for d, f in self.between(day, date.fromordinal(day.toordinal() + 1))]


def load_festivals(text: str, *, source: str) -> tuple[Festival, ...]:
    """Parse and validate a festivals file in the format of ``festivals.toml``."""
    return load_entries(text, Festival, source=source, key="festivals", id_key="key")


def load_lunar_table(text: str, *, source: str) -> dict[FestivalKey, dict[int, date]]:
    """Parse the generated table of lunar festival dates (CSV; ``#`` lines are comments)."""
    rows = [line for line in text.splitlines() if line and not line.startswith("#")]
    reader = csv.reader(io.StringIO("\n".join(rows)))
    header = next(reader, None)
    if not header or header[0] != "year":
        raise StandardsError("the first column must be 'year'", source=source, field="year")
    try:
        keys = [FestivalKey(k) for k in header[1:]]
    except ValueError as exc:
        raise StandardsError(str(exc), source=source, field="header") from exc
    table: dict[FestivalKey, dict[int, date]] = {k: {} for k in keys}
    for line_no, row in enumerate(reader, start=2):
        rule = f"line {line_no}"
        if len(row) != len(header):
            raise StandardsError(f"expected {len(header)} columns", source=source, rule=rule)
        try:
            year = int(row[0])
            for key, cell in zip(keys, row[1:], strict=True):
                day = date.fromisoformat(cell)
                if day.year != year:
                    raise ValueError(f"{key} {day} is not in {year}")
                table[key][year] = day
        except ValueError as exc:
            raise StandardsError(str(exc), source=source, rule=rule) from exc
    return table


@functools.cache
def festival_calendar() -> FestivalCalendar:
    """The shipped greeting festivals, lunar dates 2000–2060 included (cached: immutable)."""
    festivals = load_festivals(read_packaged("festivals.toml"), source="festivals.toml")
    table = load_lunar_table(read_packaged("lunar_festivals.csv"), source="lunar_festivals.csv")
    return FestivalCalendar(festivals, table)
