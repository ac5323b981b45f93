"""Periods, KPI values, the new records' JSON round trip, and the modules' doc examples."""

from __future__ import annotations

import doctest
import importlib
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scoring_builders import action, at, inter, points, policy, survey

from crm_core.domain.action import ActionStatus, CorrectiveAction
from crm_core.domain.insurance import InsurancePolicy
from crm_core.domain.interaction import InteractionKind, RepairOrder, Sale
from crm_core.domain.membership import PointsKind, PointsSource
from crm_core.domain.serialization import make_converter, structure_record
from crm_core.domain.survey import SurveyKind, SurveyResponse
from crm_core.errors import RecordValidationError, ValidationError
from crm_core.scoring.kpi import NOT_APPLICABLE, Threshold, ThresholdOutcome, count, mean, rate
from crm_core.scoring.period import Period, PeriodKind

MODULES = [
    "actions",
    "callbacks",
    "churn",
    "kpi",
    "kpis",
    "ledger",
    "loyalty",
    "period",
    "rfm",
    "segments",
    "surveys",
]


@pytest.mark.parametrize("name", MODULES)
def test_module_examples_run(name: str) -> None:
    module = importlib.import_module(f"crm_core.scoring.{name}")
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(module, optionflags=flags)
    assert result.failed == 0
    assert result.attempted > 0


def test_period_bounds_are_local() -> None:
    march = Period.month(2026, 3)
    assert march.start == datetime(2026, 2, 28, 16, tzinfo=UTC)
    assert march.contains(datetime(2026, 3, 31, 15, 59, tzinfo=UTC))
    assert not march.contains(datetime(2026, 3, 31, 16, tzinfo=UTC))  # 1 April, 00:00 local
    utc = Period.month(2026, 3, "UTC")
    assert utc.contains(datetime(2026, 3, 31, 16, tzinfo=UTC))
    assert Period.quarter(2026, 4).end_day == date(2027, 1, 1)
    assert Period.year_of(2026).previous() == Period.year_of(2025)
    assert Period.quarter(2026, 3).previous().label == "2026-Q2"
    assert Period.quarter(2026, 2).contains_day(date(2026, 6, 30))


@given(
    st.dates(min_value=date(1901, 1, 1), max_value=date(9998, 12, 31)), st.sampled_from(PeriodKind)
)
def test_containing_period_contains_the_day(day: date, kind: PeriodKind) -> None:
    period = Period.containing(day, kind)
    assert period.contains_day(day)
    assert period.first_day <= day <= period.last_day
    assert period.previous().end_day == period.first_day


def test_bad_periods_are_refused() -> None:
    with pytest.raises(ValidationError, match="index"):
        Period.month(2026, 13)
    with pytest.raises(ValidationError, match="index"):
        Period.quarter(2026, 0)
    with pytest.raises(ValidationError, match="timezone"):
        Period.month(2026, 1, "Mars/Olympus")


def test_kpi_values() -> None:
    assert rate("r", 1, 3).value == Decimal("0.3333")
    assert rate("r", 2, 3, places=2).value == Decimal("0.67")
    na = rate("r", 0, 0, Threshold(Decimal("0.5"), ThresholdOutcome.SCORES_ZERO))
    assert na.value is NOT_APPLICABLE
    assert na.outcome is None
    assert str(na.value) == "n/a"
    # the threshold compares the exact fraction, not the rounded value
    almost = rate("r", 49_999, 100_000, Threshold(Decimal("0.5"), ThresholdOutcome.NOT_ELIGIBLE))
    assert almost.value == Decimal("0.5000")
    assert almost.outcome is ThresholdOutcome.NOT_ELIGIBLE
    exact = rate("r", 1, 2, Threshold(Decimal("0.5"), ThresholdOutcome.NOT_ELIGIBLE))
    assert exact.outcome is ThresholdOutcome.MET
    assert count("c", 7).value == Decimal(7)
    assert count("c", 7).denominator is None
    assert mean("m", 9, 2).value == Decimal("4.50")
    assert mean("m", 0, 0).value is NOT_APPLICABLE
    with pytest.raises(ValidationError, match="negative"):
        rate("r", -1, 3)
    with pytest.raises(ValidationError, match="met"):
        Threshold(Decimal(1), ThresholdOutcome.MET)


def test_new_records_round_trip_through_json() -> None:
    conv = make_converter()
    records: list[object] = [
        action("A1", "waiting_time", date(2026, 3, 20), at(2026, 3, 2)),
        action(
            "A2",
            "noise",
            date(2026, 3, 20),
            at(2026, 3, 2),
            status=ActionStatus.DONE,
            closed=at(2026, 3, 5),
        ),
        policy("PL1", "V1", date(2025, 1, 1), date(2025, 12, 31), renewal_of="PL0", customer="C1"),
        survey("S1", SurveyKind.SALES, 4, at(2026, 3, 2), customer="C1"),
        points(
            "P1",
            "M1",
            PointsKind.EARN,
            150,
            at(2026, 3, 2),
            source=PointsSource.OEM,
            from_event=True,
        ),
        inter("I1", InteractionKind.DELIVERY, at(2026, 3, 2), detail=Sale(ceremony=True)),
        inter(
            "I2",
            InteractionKind.REPAIR_ORDER,
            at(2026, 3, 2),
            detail=RepairOrder(by_appointment=True, amount=Decimal("980.50")),
        ),
    ]
    for record in records:
        data = conv.unstructure(record)
        assert structure_record(conv, data, type(record)) == record
    assert conv.unstructure(records[0])["deadline"] == "2026-03-20"
    # enums come back as enum members, not as equal-looking strings
    done = structure_record(conv, conv.unstructure(records[1]), CorrectiveAction)
    assert done.status is ActionStatus.DONE


def test_records_refuse_impossible_values() -> None:
    with pytest.raises(ValidationError, match="needs closed_at"):
        action("A1", "x", date(2026, 3, 1), at(2026, 3, 1), status=ActionStatus.DONE)
    with pytest.raises(ValidationError, match="cannot be closed"):
        action("A1", "x", date(2026, 3, 1), at(2026, 3, 1), closed=at(2026, 3, 2))
    with pytest.raises(ValidationError, match="before it was opened"):
        action(
            "A1",
            "x",
            date(2026, 3, 1),
            at(2026, 3, 5),
            status=ActionStatus.CANCELLED,
            closed=at(2026, 3, 2),
        )
    with pytest.raises(ValidationError, match="ends before"):
        policy("PL1", "V1", date(2026, 1, 1), date(2025, 1, 1))
    with pytest.raises(ValidationError, match="renew itself"):
        policy("PL1", "V1", date(2025, 1, 1), date(2026, 1, 1), renewal_of="PL1")
    conv = make_converter()
    data = conv.unstructure(survey("S1", SurveyKind.SALES, 4, at(2026, 3, 2)))
    with pytest.raises(RecordValidationError, match="overall"):
        structure_record(conv, {**data, "overall": 9}, SurveyResponse)
    with pytest.raises(RecordValidationError):
        structure_record(
            conv,
            {
                **conv.unstructure(action("A1", "x", date(2026, 3, 1), at(2026, 3, 1))),
                "status": "lost",
            },
            CorrectiveAction,
        )
    with pytest.raises(RecordValidationError):
        structure_record(conv, {"id": "PL1"}, InsurancePolicy)
