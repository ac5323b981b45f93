"""The reporting period: a calendar month, quarter or year in the dealer's timezone.

KPIs are reported per dealer per period, and a dealer's month starts at local midnight on
the 1st, not at 00:00 UTC: a repair order handed back at 07:30 Beijing time on 1 April
belongs to April, although it is still 31 March in UTC.

>>> p = Period.month(2026, 3)
>>> p.label, p.first_day, p.last_day
('2026-03', datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
>>> Period.quarter(2026, 2).label, Period.year_of(2026).last_day
('2026-Q2', datetime.date(2026, 12, 31))
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs
from dateutil.relativedelta import relativedelta

from crm_core.errors import ValidationError

__all__ = ["Period", "PeriodKind", "zone"]


class PeriodKind(enum.StrEnum):
    """The length of a reporting period: a month, a quarter or a year (see :class:`Period`)."""

    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


_MONTHS_IN = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}
_MAX_INDEX = {PeriodKind.MONTH: 12, PeriodKind.QUARTER: 4, PeriodKind.YEAR: 1}


def zone(key: str) -> ZoneInfo:
    """The IANA zone ``key``, or a :class:`ValidationError` naming it."""
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(f"unknown timezone {key!r}", field="timezone") from exc


def months_before(day: date, months: int, *, field: str) -> date:
    """``day`` minus ``months`` calendar months (clamped at month ends).

    A look-back that runs off the calendar (an ``as_of`` early in year 1, a window of a
    million months) is a :class:`ValidationError` naming the setting ``field``, not
    dateutil's bare ``ValueError``."""
    try:
        return day - relativedelta(months=months)
    except (ValueError, OverflowError) as exc:
        raise ValidationError(f"{months} months before {day} is not a date", field=field) from exc


def _index(instance: Any, attribute: attrs.Attribute[Any], value: int) -> None:
    top = _MAX_INDEX[instance.kind]
    if not 1 <= value <= top:
        raise ValidationError(f"a {instance.kind} index runs from 1 to {top}", field="index")


def _year(_: Any, attribute: attrs.Attribute[Any], value: int) -> None:
    if not 1900 <= value <= 9998:
        raise ValidationError("year out of range", field=attribute.name)


def _timezone(_: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    zone(value)


@attrs.frozen(slots=True)
class Period:
    """A reporting period in the dealer's timezone: a month, a quarter or a whole year.

    Month ``index`` (1–12), quarter ``index`` (1–4) or the whole ``year`` (index 1)."""

    kind: PeriodKind
    year: int = attrs.field(validator=_year)
    index: int = attrs.field(default=1, validator=_index)
    timezone: str = attrs.field(default="Asia/Shanghai", validator=_timezone)

    @classmethod
    def month(cls, year: int, month: int, timezone: str = "Asia/Shanghai") -> Period:
        return cls(PeriodKind.MONTH, year, month, timezone)

    @classmethod
    def quarter(cls, year: int, quarter: int, timezone: str = "Asia/Shanghai") -> Period:
        return cls(PeriodKind.QUARTER, year, quarter, timezone)

    @classmethod
    def year_of(cls, year: int, timezone: str = "Asia/Shanghai") -> Period:
        return cls(PeriodKind.YEAR, year, 1, timezone)

    @classmethod
    def containing(cls, day: date, kind: PeriodKind, timezone: str = "Asia/Shanghai") -> Period:
        """The month, quarter or year that ``day`` falls in.

        >>> Period.containing(date(2026, 5, 17), PeriodKind.QUARTER).label
        '2026-Q2'
        """
        index = (day.month - 1) // _MONTHS_IN[kind] + 1
        return cls(kind, day.year, index, timezone)

    @property
    def tz(self) -> ZoneInfo:
        return zone(self.timezone)

    @property
    def first_day(self) -> date:
        return date(self.year, (self.index - 1) * _MONTHS_IN[self.kind] + 1, 1)

    @property
    def end_day(self) -> date:
        """The first day after the period (exclusive bound)."""
        month0 = (self.index - 1) * _MONTHS_IN[self.kind] + _MONTHS_IN[self.kind]
        return date(self.year + month0 // 12, month0 % 12 + 1, 1)

    @property
    def last_day(self) -> date:
        return self.end_day - timedelta(days=1)

    @property
    def start(self) -> datetime:
        """Local midnight of the first day (aware)."""
        return datetime.combine(self.first_day, time(), self.tz)

    @property
    def end(self) -> datetime:
        """Local midnight of the first day after the period (aware, exclusive)."""
        return datetime.combine(self.end_day, time(), self.tz)

    @property
    def label(self) -> str:
        if self.kind is PeriodKind.MONTH:
            return f"{self.year}-{self.index:02d}"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.year}-Q{self.index}"
        return str(self.year)

    def contains(self, moment: datetime) -> bool:
        """Whether an aware ``moment`` falls in the period (dealer-local)."""
        return self.start <= moment < self.end

    def contains_day(self, day: date) -> bool:
        return self.first_day <= day < self.end_day

    def previous(self) -> Period:
        """The period of the same kind just before this one.

        >>> Period.month(2026, 1).previous().label
        '2025-12'
        """
        if self.index > 1:
            return attrs.evolve(self, index=self.index - 1)
        return attrs.evolve(self, year=self.year - 1, index=_MAX_INDEX[self.kind])
