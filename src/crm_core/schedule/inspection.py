"""Periodic inspection (年检) and insurance renewal: when a reminder is due, as data.

Seed 000 lists an annual-inspection reminder (年检提醒) and insurance renewal (保险续保)
among the owner-lifecycle callbacks. When a car is due for inspection depends on its usage
nature, its class, its age and on which national rule was in force: the baseline of the
Road Traffic Safety Law implementing regulations (art. 16), the 2014 reform (label-only
inspections for small non-operating cars up to six years) and the reform in force since
2022-10-01 (on-site only in years 6 and 10). The rules are ``schedule/data/inspection.toml``;
a host adds a rule (a new reform, a local one) in the same format.

>>> from datetime import date
>>> rules = inspection_rules()
>>> due = next_inspection(rules, first_registration=date(2020, 3, 15),
...                       usage=UsageNature.NON_OPERATING,
...                       vehicle_class=VehicleClass.SMALL_PASSENGER, on=date(2026, 1, 10))
>>> due.due, due.mode.value, due.rule_id
(datetime.date(2026, 3, 31), 'on_site', 'reform_2022_small_non_operating')
"""

from __future__ import annotations

import calendar
import enum
import functools
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from typing import Any

import attrs
from dateutil.relativedelta import relativedelta

from crm_core.domain.vehicle import UsageNature, Vehicle, VehicleClass
from crm_core.errors import ScheduleError, StandardsError, ValidationError
from crm_core.schedule._standards import load_entries, read_packaged

__all__ = [
    "InspectionDue",
    "InspectionMode",
    "InspectionRule",
    "InspectionSegment",
    "InsuranceReminderPolicy",
    "inspection_rules",
    "insurance_reminder_date",
    "load_inspection_rules",
    "next_inspection",
    "next_inspection_for",
]


class InspectionMode(enum.StrEnum):
    """How a periodic inspection is done: on site at a station, or label only (免检领标).

    Small non-operating cars get label-only inspections in some years under the 2014 and
    2022 reforms; the reminder tells the owner which one is due.
    """

    ON_SITE = "on_site"  # 上线检验 at an inspection station
    LABEL_ONLY = "label_only"  # 免检领标: documents only, the label is issued without a test


@attrs.frozen(slots=True)
class InspectionSegment:
    """One inspection every ``every_months`` for ages in (``from_months``, ``to_months``]."""

    from_months: int
    every_months: int
    to_months: int | None = None
    mode: InspectionMode = InspectionMode.ON_SITE
    on_site_at: tuple[int, ...] = ()

    def ages(self) -> Iterator[int]:
        age = self.from_months + self.every_months
        while self.to_months is None or age <= self.to_months:
            yield age
            age += self.every_months

    def is_due_age(self, age: int) -> bool:
        return (
            age > self.from_months
            and (self.to_months is None or age <= self.to_months)
            and (age - self.from_months) % self.every_months == 0
        )

    def mode_at(self, age: int) -> InspectionMode:
        return InspectionMode.ON_SITE if age in self.on_site_at else self.mode


@attrs.frozen(slots=True)
class InspectionRule:
    """A national periodic-inspection rule: which cars it covers, from when, on which schedule.

    One entry of ``inspection.toml``: the usage natures and vehicle classes it applies to,
    the day it took effect and its segments by vehicle age. :func:`next_inspection` takes
    each due date from the newest rule in force on that day.
    """

    id: str
    title: str
    citation: str
    effective_from: date
    usages: frozenset[UsageNature]
    classes: frozenset[VehicleClass]
    segments: tuple[InspectionSegment, ...]

    def applies_to(self, usage: UsageNature, vehicle_class: VehicleClass) -> bool:
        return usage in self.usages and vehicle_class in self.classes

    def validate(self, source: str) -> None:
        def fail(message: str, field: str) -> StandardsError:
            return StandardsError(message, source=source, rule=self.id, field=field)

        if not self.usages:
            raise fail("lists no usage nature", "usages")
        if not self.classes:
            raise fail("lists no vehicle class", "classes")
        if not self.segments:
            raise fail("has no segments", "segments")
        expected_start = 0
        for i, seg in enumerate(self.segments):
            field = f"segments[{i}]"
            if seg.from_months != expected_start:
                raise fail(f"starts at {seg.from_months}, expected {expected_start}", field)
            if seg.every_months <= 0:
                raise fail("every_months must be positive", field)
            if seg.to_months is None:
                if i != len(self.segments) - 1:
                    raise fail("only the last segment may be open-ended", field)
            elif seg.to_months <= seg.from_months:
                raise fail("to_months must be after from_months", field)
            else:
                expected_start = seg.to_months
            stray = [age for age in seg.on_site_at if not seg.is_due_age(age)]
            if stray:
                raise fail(f"on_site_at ages {sorted(stray)} are not inspection ages", field)
        if self.segments[-1].to_months is not None:
            raise fail("the last segment must be open-ended (no to_months)", "segments")

    def due_ages(self) -> Iterator[tuple[int, InspectionMode]]:
        for seg in self.segments:
            for age in seg.ages():
                yield age, seg.mode_at(age)


@attrs.frozen(slots=True)
class InspectionDue:
    """A car's next periodic inspection: when it is due, from when it may be done, and how.

    ``due`` is the last day of validity (检验有效期至 that month); ``opens`` is when the
    owner may first have it done."""

    due: date
    opens: date
    mode: InspectionMode
    age_months: int
    rule_id: str


def _end_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _plus_months(day: date, months: int) -> date:
    """``day`` plus ``months`` (negative: minus); a ScheduleError past the calendar's
    ends (a car registered on 9999-12-31 has no next inspection), not dateutil's
    ValueError."""
    try:
        return day + relativedelta(months=months)
    except (ValueError, OverflowError) as exc:
        raise ScheduleError(f"{day} {months:+} months falls outside the years 1 to 9999") from exc


def _due_date(first_registration: date, age_months: int) -> date:
    return _end_of_month(_plus_months(first_registration, age_months))


_MOST_WINDOW_MONTHS = 120  # ten years: far beyond any inspection's window


def next_inspection(
    rules: Sequence[InspectionRule],
    *,
    first_registration: date,
    usage: UsageNature,
    vehicle_class: VehicleClass,
    on: date,
    window_months: int = 3,
) -> InspectionDue:
    """A car's next periodic inspection (年检) due on or after ``on``, from its registration.

    The first inspection falling due on or after ``on``, under the rule in force on the
    day it falls due.

    ``window_months`` is how long before the end of validity the inspection may be done
    (three months under the vehicle registration regulations); it only sets ``opens``.
    """
    if not 0 <= window_months <= _MOST_WINDOW_MONTHS:
        # a window of a million months ran dateutil off the calendar (a bare ValueError)
        raise ValidationError(
            f"must be 0 to {_MOST_WINDOW_MONTHS} months, got {window_months}",
            field="window_months",
        )
    candidates = sorted(
        (r for r in rules if r.applies_to(usage, vehicle_class)),
        key=lambda r: r.effective_from,
        reverse=True,
    )
    if not candidates:
        raise ScheduleError(f"no inspection rule for a {usage} {vehicle_class} vehicle")
    for age, mode, rule in _merged_due_ages(candidates, first_registration):
        due = _due_date(first_registration, age)
        if due >= on:
            opens = _end_of_month(_plus_months(due, -window_months)) + timedelta(days=1)
            return InspectionDue(due, min(opens, due), mode, age, rule.id)
    # only reachable with rules built in code without validate(): their schedule ends
    raise ScheduleError(f"the inspection rules schedule nothing on or after {on}")


def _merged_due_ages(
    newest_first: list[InspectionRule], first_registration: date
) -> Iterator[tuple[int, InspectionMode, InspectionRule]]:
    """Due ages in order, each taken from the newest rule in force on its due date.

    Each rule's ages are walked in step; an age is yielded when the rule in force on that
    age's due date is the rule that scheduled it, so a reform changes the schedule from
    the first inspection due after it takes effect.
    """
    iterators = [(rule, rule.due_ages()) for rule in newest_first]
    heads: list[tuple[int, InspectionMode] | None] = [next(it, None) for _, it in iterators]
    while True:
        live = [(h[0], i) for i, h in enumerate(heads) if h is not None]
        if not live:
            return
        age = min(a for a, _ in live)
        due = _due_date(first_registration, age)
        in_force = next(
            (i for i, (rule, _) in enumerate(iterators) if rule.effective_from <= due), None
        )
        for i, (_, it) in enumerate(iterators):
            head = heads[i]
            if head is not None and head[0] == age:
                if i == in_force:
                    yield age, head[1], iterators[i][0]
                heads[i] = next(it, None)


def next_inspection_for(
    rules: Sequence[InspectionRule], vehicle: Vehicle, *, on: date, window_months: int = 3
) -> InspectionDue | None:
    """A vehicle record's next periodic inspection, or ``None`` without a registration date.

    :func:`next_inspection` for a :class:`~crm_core.domain.vehicle.Vehicle`; ``None``
    when its first registration date is unknown (nothing to remind about yet)."""
    if vehicle.first_registration is None:
        return None
    return next_inspection(
        rules,
        first_registration=vehicle.first_registration,
        usage=vehicle.usage,
        vehicle_class=vehicle.vehicle_class,
        on=on,
        window_months=window_months,
    )


def _non_negative(_: Any, attribute: attrs.Attribute[Any], value: int) -> None:
    if value < 0:
        raise ValidationError("must not be negative", field=attribute.name)


@attrs.frozen(slots=True)
class InsuranceReminderPolicy:
    """How many days before a policy ends to remind the owner to renew it (保险续保).

    Seed 000 names the reminder; the default 90 days are the usual opening of the renewal
    window."""

    days_before: int = attrs.field(default=90, validator=_non_negative)


def insurance_reminder_date(
    expiry: date, policy: InsuranceReminderPolicy = InsuranceReminderPolicy()
) -> date:
    """The day to remind the owner of a policy ending on ``expiry``.

    >>> from datetime import date
    >>> insurance_reminder_date(date(2026, 12, 31))
    datetime.date(2026, 10, 2)
    >>> insurance_reminder_date(date(2026, 12, 31), InsuranceReminderPolicy(days_before=30))
    datetime.date(2026, 12, 1)
    """
    try:
        return expiry - timedelta(days=policy.days_before)
    except OverflowError as exc:  # an expiry in the first days of year 1, or a huge lead
        raise ValidationError(
            f"{policy.days_before} days before {expiry} is not a date", field="expiry"
        ) from exc


def load_inspection_rules(text: str, *, source: str) -> tuple[InspectionRule, ...]:
    """Parse and validate an inspection rules file in the format of ``inspection.toml``."""
    return load_entries(text, InspectionRule, source=source, key="rules", id_key="id")


@functools.cache
def inspection_rules() -> tuple[InspectionRule, ...]:
    """The shipped national periodic-inspection rules, old and reformed (cached: immutable)."""
    name = "inspection.toml"
    return load_inspection_rules(read_packaged(name), source=name)
