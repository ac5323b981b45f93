"""Inspection schedules under the three national regimes, and insurance reminders."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_core.domain.ids import DealerId, VehicleId
from crm_core.domain.vehicle import UsageNature, Vehicle, VehicleClass
from crm_core.errors import ScheduleError, StandardsError, ValidationError
from crm_core.schedule.inspection import (
    InspectionDue,
    InspectionMode,
    InspectionRule,
    InspectionSegment,
    InsuranceReminderPolicy,
    inspection_rules,
    insurance_reminder_date,
    load_inspection_rules,
    next_inspection,
    next_inspection_for,
)

RULES = inspection_rules()
ON_SITE, LABEL = InspectionMode.ON_SITE, InspectionMode.LABEL_ONLY


def schedule(
    registered: date, usage: UsageNature, cls: VehicleClass, count: int
) -> list[tuple[date, InspectionMode, str]]:
    on, out = registered, []
    for _ in range(count):
        due = next_inspection(
            RULES, first_registration=registered, usage=usage, vehicle_class=cls, on=on
        )
        out.append((due.due, due.mode, due.rule_id))
        on = due.due + timedelta(days=1)
    return out


def test_private_car_registered_2020_under_2014_then_2022_rules() -> None:
    got = schedule(date(2020, 3, 15), UsageNature.NON_OPERATING, VehicleClass.SMALL_PASSENGER, 12)
    r14, r22 = "reform_2014_small_non_operating", "reform_2022_small_non_operating"
    assert got == [
        (date(2022, 3, 31), LABEL, r14),  # year 2, before 2022-10-01
        (date(2024, 3, 31), LABEL, r22),  # year 4
        (date(2026, 3, 31), ON_SITE, r22),  # year 6
        (date(2028, 3, 31), LABEL, r22),  # year 8
        (date(2030, 3, 31), ON_SITE, r22),  # year 10
        (date(2031, 3, 31), ON_SITE, r22),  # yearly after 10
        (date(2032, 3, 31), ON_SITE, r22),
        (date(2033, 3, 31), ON_SITE, r22),
        (date(2034, 3, 31), ON_SITE, r22),
        (date(2035, 3, 31), ON_SITE, r22),  # 15 years
        (date(2035, 9, 30), ON_SITE, r22),  # every 6 months after 15
        (date(2036, 3, 31), ON_SITE, r22),
    ]


def test_car_aged_6_to_10_when_the_2022_reform_came() -> None:
    got = schedule(date(2016, 5, 10), UsageNature.NON_OPERATING, VehicleClass.SMALL_PASSENGER, 5)
    assert [(d, m) for d, m, _ in got] == [
        (date(2018, 5, 31), LABEL),
        (date(2020, 5, 31), LABEL),
        (date(2022, 5, 31), ON_SITE),  # year 6 under the 2014 rules
        # year 7 (2023) would be a yearly inspection under the 2014 rules; the 2022
        # reform makes years 6-10 biennial: label in year 8, on site in year 10
        (date(2024, 5, 31), LABEL),
        (date(2026, 5, 31), ON_SITE),
    ]


def test_car_registered_before_2014_baseline() -> None:
    got = schedule(date(2007, 8, 1), UsageNature.NON_OPERATING, VehicleClass.SMALL_PASSENGER, 4)
    assert got == [
        (date(2009, 8, 31), ON_SITE, "art16_small_non_operating"),
        (date(2011, 8, 31), ON_SITE, "art16_small_non_operating"),
        (date(2013, 8, 31), ON_SITE, "art16_small_non_operating"),
        (date(2014, 8, 31), ON_SITE, "art16_small_non_operating"),  # yearly after 6
    ]


def test_vans_are_excluded_from_both_reforms() -> None:
    got = schedule(date(2020, 3, 15), UsageNature.NON_OPERATING, VehicleClass.SMALL_VAN, 5)
    assert got == [
        (date(2022, 3, 31), ON_SITE, "art16_small_non_operating"),
        (date(2024, 3, 31), ON_SITE, "art16_small_non_operating"),
        (date(2026, 3, 31), ON_SITE, "art16_small_non_operating"),
        (date(2027, 3, 31), ON_SITE, "art16_small_non_operating"),
        (date(2028, 3, 31), ON_SITE, "art16_small_non_operating"),
    ]


@pytest.mark.parametrize("usage", [UsageNature.TAXI, UsageNature.OPERATING, UsageNature.RENTAL])
def test_operating_passenger_cars(usage: UsageNature) -> None:
    got = schedule(date(2024, 6, 30), usage, VehicleClass.SMALL_PASSENGER, 7)
    assert [d for d, _, _ in got] == [
        date(2025, 6, 30),
        date(2026, 6, 30),
        date(2027, 6, 30),
        date(2028, 6, 30),
        date(2029, 6, 30),
        date(2029, 12, 31),  # every 6 months after 5 years
        date(2030, 6, 30),
    ]
    assert {m for _, m, _ in got} == {ON_SITE}


def test_trucks_and_other_vehicles() -> None:
    truck = schedule(date(2015, 1, 31), UsageNature.OPERATING, VehicleClass.TRUCK, 12)
    assert [d for d, _, _ in truck][8:12] == [
        date(2024, 1, 31),
        date(2025, 1, 31),
        date(2025, 7, 31),
        date(2026, 1, 31),
    ]
    other = schedule(date(2025, 2, 28), UsageNature.NON_OPERATING, VehicleClass.OTHER, 2)
    assert [d for d, _, _ in other] == [date(2026, 2, 28), date(2027, 2, 28)]


def test_due_on_the_query_date_counts_and_window_opens_three_months_before() -> None:
    due = next_inspection(
        RULES,
        first_registration=date(2020, 3, 15),
        usage=UsageNature.NON_OPERATING,
        vehicle_class=VehicleClass.SMALL_PASSENGER,
        on=date(2026, 3, 31),
    )
    assert due == InspectionDue(
        date(2026, 3, 31), date(2026, 1, 1), ON_SITE, 72, "reform_2022_small_non_operating"
    )
    narrow = next_inspection(
        RULES,
        first_registration=date(2020, 3, 15),
        usage=UsageNature.NON_OPERATING,
        vehicle_class=VehicleClass.SMALL_PASSENGER,
        on=date(2026, 3, 31),
        window_months=0,
    )
    assert narrow.opens == narrow.due


def test_for_vehicle() -> None:
    car = Vehicle(
        id=VehicleId("V1"),
        dealer_id=DealerId("D1"),
        vin="LSVAA4182E2123456",
        first_registration=date(2021, 11, 20),
    )
    due = next_inspection_for(RULES, car, on=date(2026, 11, 23))
    assert due is not None
    assert (due.due, due.mode) == (date(2027, 11, 30), ON_SITE)
    unregistered = Vehicle(id=VehicleId("V2"), dealer_id=DealerId("D1"), vin="x")
    assert next_inspection_for(RULES, unregistered, on=date(2026, 11, 23)) is None


@given(
    registered=st.dates(min_value=date(2005, 1, 1), max_value=date(2026, 12, 31)),
    offset=st.integers(min_value=0, max_value=30 * 365),
    usage=st.sampled_from(UsageNature),
    cls=st.sampled_from(VehicleClass),
)
def test_next_inspection_is_never_before_the_query_and_within_two_years(
    registered: date, offset: int, usage: UsageNature, cls: VehicleClass
) -> None:
    on = registered + timedelta(days=offset)
    due = next_inspection(
        RULES, first_registration=registered, usage=usage, vehicle_class=cls, on=on
    )
    assert due.due >= on
    assert due.due - on <= timedelta(days=2 * 366 + 31)
    assert due.opens <= due.due
    if due.mode is LABEL:
        assert usage is UsageNature.NON_OPERATING
        assert cls is VehicleClass.SMALL_PASSENGER


def test_insurance_reminder() -> None:
    assert insurance_reminder_date(date(2027, 3, 1)) == date(2026, 12, 1)
    assert insurance_reminder_date(date(2027, 3, 1), InsuranceReminderPolicy(0)) == date(2027, 3, 1)
    with pytest.raises(ValidationError, match="negative"):
        InsuranceReminderPolicy(-1)


def test_no_rule_for_a_vehicle() -> None:
    with pytest.raises(ScheduleError, match="no inspection rule"):
        next_inspection(
            (),
            first_registration=date(2020, 1, 1),
            usage=UsageNature.TAXI,
            vehicle_class=VehicleClass.TRUCK,
            on=date(2026, 1, 1),
        )
    with pytest.raises(ValidationError):
        next_inspection(
            RULES,
            first_registration=date(2020, 1, 1),
            usage=UsageNature.TAXI,
            vehicle_class=VehicleClass.TRUCK,
            on=date(2026, 1, 1),
            window_months=-1,
        )


_RULE = """
format = 1
[[rules]]
id = "r"
title = "t"
citation = "c"
effective_from = 2030-01-01
usages = {usages}
classes = ["other"]
{segments}
"""
_OPEN = "[[rules.segments]]\nfrom_months = 0\nevery_months = 12\n"


@pytest.mark.parametrize(
    ("usages", "segments", "field", "message"),
    [
        ("[]", _OPEN, "usages", "no usage"),
        ('["bus"]', _OPEN, "usages", "bus"),
        ('["taxi"]', "segments = []", "segments", "no segments"),
        (
            '["taxi"]',
            "[[rules.segments]]\nfrom_months = 6\nevery_months = 12\n",
            "segments[0]",
            "expected 0",
        ),
        (
            '["taxi"]',
            "[[rules.segments]]\nfrom_months = 0\nevery_months = 0\n",
            "segments[0]",
            "positive",
        ),
        (
            '["taxi"]',
            "[[rules.segments]]\nfrom_months = 0\nto_months = 24\nevery_months = 12\n",
            "segments",
            "open-ended",
        ),
        (
            '["taxi"]',
            "[[rules.segments]]\nfrom_months = 0\nevery_months = 12\n" + _OPEN,
            "segments[0]",
            "only the last",
        ),
        (
            '["taxi"]',
            "[[rules.segments]]\nfrom_months = 0\nevery_months = 12\non_site_at = [18]\n",
            "segments[0]",
            "18",
        ),
        (
            '["taxi"]',
            "[[rules.segments]]\nfrom_months = 0\nto_months = 0\nevery_months = 12\n" + _OPEN,
            "segments[0]",
            "after from_months",
        ),
    ],
)
def test_bad_rules_name_file_rule_and_field(
    usages: str, segments: str, field: str, message: str
) -> None:
    with pytest.raises(StandardsError, match=message) as info:
        load_inspection_rules(_RULE.format(usages=usages, segments=segments), source="i.toml")
    assert (info.value.source, info.value.rule) == ("i.toml", "r")
    assert info.value.field is not None
    assert info.value.field.startswith(field)


def test_unvalidated_rule_that_ends_fails_cleanly() -> None:
    ending = InspectionRule(
        id="e",
        title="t",
        citation="c",
        effective_from=date(2000, 1, 1),
        usages=frozenset({UsageNature.TAXI}),
        classes=frozenset({VehicleClass.OTHER}),
        segments=(InspectionSegment(from_months=0, every_months=12, to_months=24),),
    )
    with pytest.raises(ScheduleError, match="nothing on or after"):
        next_inspection(
            [ending],
            first_registration=date(2020, 1, 1),
            usage=UsageNature.TAXI,
            vehicle_class=VehicleClass.OTHER,
            on=date(2023, 1, 1),
        )


def test_duplicate_ids_and_format() -> None:
    one = _RULE.format(usages='["taxi"]', segments=_OPEN)
    with pytest.raises(StandardsError, match="duplicate"):
        load_inspection_rules(one + one.replace("format = 1", ""), source="i.toml")
    with pytest.raises(StandardsError, match="format"):
        load_inspection_rules("format = 0", source="i.toml")


def test_a_host_adds_a_future_reform() -> None:
    future = load_inspection_rules(
        _RULE.format(usages='["non_operating"]', segments=_OPEN).replace(
            'classes = ["other"]', 'classes = ["small_passenger"]'
        ),
        source="host.toml",
    )
    rules = (*RULES, *future)
    due = next_inspection(
        rules,
        first_registration=date(2020, 3, 15),
        usage=UsageNature.NON_OPERATING,
        vehicle_class=VehicleClass.SMALL_PASSENGER,
        on=date(2029, 1, 1),
    )
    # 2030-03 is age 120 under the 2022 rules, but the host's rule (yearly, from 2030)
    # is in force on that day and schedules age 120 too: it wins
    assert (due.due, due.rule_id) == (date(2030, 3, 31), "r")


def _car_registered(registered: date, *, on: date, window_months: int = 3) -> InspectionDue:
    """A private small passenger car's next inspection."""
    car = Vehicle(
        id=VehicleId("V1"),
        dealer_id=DealerId("D1"),
        vin="LSVAA4182E2123456",
        first_registration=registered,
    )
    due = next_inspection_for(RULES, car, on=on, window_months=window_months)
    assert due is not None
    return due


@pytest.mark.parametrize("window", [-1, 121, 10**6])
def test_an_inspection_window_out_of_range_is_refused(window: int) -> None:
    # a million months ran dateutil off the calendar: a bare ValueError
    with pytest.raises(ValidationError, match="0 to 120 months") as caught:
        _car_registered(date(2020, 1, 1), on=date(2026, 11, 23), window_months=window)
    assert caught.value.field == "window_months"


@given(registered=st.dates(min_value=date(9998, 1, 1)))
def test_a_car_registered_at_the_end_of_the_calendar_has_no_next_inspection(
    registered: date,
) -> None:
    # every inspection of a car registered in 9998 or later is due after 9999-12-31
    with pytest.raises(ScheduleError, match="outside the years 1 to 9999"):
        _car_registered(registered, on=date(9999, 12, 31))


@pytest.mark.parametrize(("expiry", "days"), [(date(1, 1, 5), 90), (date(2026, 12, 31), 10**9)])
def test_a_reminder_before_the_calendar_is_a_validation_error(expiry: date, days: int) -> None:
    with pytest.raises(ValidationError, match="is not a date") as caught:
        insurance_reminder_date(expiry, InsuranceReminderPolicy(days_before=days))
    assert caught.value.field == "expiry"
