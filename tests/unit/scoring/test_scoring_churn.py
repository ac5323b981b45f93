"""Churn curve, history adjustments, lost-owner detection."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from scoring_builders import at, complaint, inter, owner

from crm_core.domain.ids import VehicleId
from crm_core.domain.interaction import InteractionKind as K
from crm_core.domain.interaction import RepairOrder, ServiceKind
from crm_core.domain.vehicle import Vehicle
from crm_core.errors import ValidationError
from crm_core.scoring.churn import (
    ChurnBand,
    ChurnConfig,
    LostOwnerConfig,
    OwnerRetention,
    churn_risk,
    lost_owners,
    owner_churn_risk,
    retention_status,
)

SINCE = date(2020, 3, 1)


@pytest.mark.parametrize(
    ("as_of", "year", "base"),
    [
        (date(2020, 9, 1), 1, Decimal(4)),
        (date(2021, 9, 1), 2, Decimal(11)),
        (date(2022, 9, 1), 3, Decimal(45)),
        (date(2023, 9, 1), 4, Decimal(70)),
        (date(2024, 9, 1), 5, Decimal(70)),
        (date(2025, 9, 1), 6, Decimal(90)),
        (date(2031, 9, 1), 12, Decimal(90)),
    ],
)
def test_base_risk_follows_the_seed_curve(as_of: date, year: int, base: Decimal) -> None:
    # a visit just before as_of and a steady 1.5 visits a year: no adjustment applies
    visits = [date(as_of.year - 1, 12, 1), date(as_of.year, 6, 1), date(as_of.year, 8, 1)]
    risk = churn_risk(
        owner("O1", "C1", "V1", SINCE), as_of, last_visit=date(as_of.year, 8, 1), visits=visits
    )
    assert risk.ownership_year == year
    assert [(r.code, r.points) for r in risk.reasons] == [("ownership_year", base)]
    assert risk.probability == (base / 100).quantize(Decimal("0.01"))


def test_out_of_warranty_moves_an_owner_to_year_three() -> None:
    v = Vehicle(id=VehicleId("V1"), dealer_id="D1", vin="X", warranty_end=date(2021, 2, 28))  # type: ignore[arg-type]
    risk = churn_risk(
        owner("O1", "C1", "V1", SINCE),
        date(2021, 6, 1),
        last_visit=date(2021, 5, 1),
        visits=[],
        vehicle=v,
    )
    assert risk.ownership_year == 2
    assert risk.reasons[0].code == "out_of_warranty"
    assert risk.reasons[0].points == Decimal(45)


def test_history_adjustments_and_clamping() -> None:
    o = owner("O1", "C1", "V1", date(2024, 3, 1))
    as_of = date(2026, 3, 1)
    risk = churn_risk(
        o, as_of, last_visit=date(2025, 8, 1), visits=[date(2025, 8, 1)], unresolved_complaints=5
    )
    assert [(r.code, r.points) for r in risk.reasons] == [
        ("ownership_year", Decimal(45)),  # year 3
        ("no_visit_6_months", Decimal(10)),
        ("rare_visitor", Decimal(10)),  # 1 visit in 2 years
        ("unresolved_complaints", Decimal(30)),  # 5 x 10, capped at 30
    ]
    assert risk.probability == Decimal("0.95")
    worst = churn_risk(
        owner("O2", "C1", "V1", date(2018, 1, 1)),
        as_of,
        last_visit=None,
        visits=[],
        unresolved_complaints=3,
    )
    assert worst.probability == Decimal("1.00")


def test_owner_churn_risk_reads_records() -> None:
    o = owner("O1", "C1", "V1", date(2024, 3, 1))
    interactions = [
        inter("I1", K.REPAIR_ORDER, at(2025, 4, 1), "C1", vehicle="V1"),
        inter(
            "I2",
            K.REPAIR_ORDER,
            at(2025, 6, 1),
            "C1",
            RepairOrder(service_kind=ServiceKind.PDI),
            vehicle="V1",
        ),
        inter("I3", K.REPAIR_ORDER, at(2025, 12, 1), "C1", vehicle="V2"),  # another car
    ]
    cases = [
        complaint("K1", "C1", at(2025, 5, 1)),
        complaint("K2", "C1", at(2025, 5, 2), resolved=True),
    ]
    risk = owner_churn_risk(o, date(2026, 3, 1), interactions=interactions, cases=cases)
    assert [(r.code, r.points) for r in risk.reasons] == [
        ("ownership_year", Decimal(45)),
        ("no_visit_6_months", Decimal(10)),  # last visit 1 April 2025: 11 months
        ("rare_visitor", Decimal(10)),
        ("unresolved_complaints", Decimal(10)),
    ]


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValidationError, match="before the ownership"):
        churn_risk(owner("O1", "C1", "V1", SINCE), date(2019, 1, 1), last_visit=None, visits=[])
    with pytest.raises(ValidationError, match="without gaps"):
        ChurnConfig(curve=(ChurnBand(2, None, Decimal(0), Decimal(1)),))
    with pytest.raises(ValidationError, match="open-ended"):
        ChurnConfig(curve=(ChurnBand(1, 1, Decimal(0), Decimal(1)),))
    with pytest.raises(ValidationError, match="low <= high"):
        ChurnConfig(curve=(ChurnBand(1, None, Decimal("0.5"), Decimal("0.4")),))
    with pytest.raises(ValidationError, match="lost_after_months"):
        LostOwnerConfig(lost_after_months=24, long_lost_after_months=12)


def test_retention_status_boundaries() -> None:
    as_of = date(2026, 3, 31)
    assert retention_status(date(2025, 4, 1), SINCE, as_of) is OwnerRetention.ACTIVE
    assert retention_status(date(2025, 3, 31), SINCE, as_of) is OwnerRetention.LOST
    assert retention_status(date(2024, 4, 1), SINCE, as_of) is OwnerRetention.LOST
    assert retention_status(date(2024, 3, 31), SINCE, as_of) is OwnerRetention.LONG_LOST
    six = LostOwnerConfig(lost_after_months=6, long_lost_after_months=12)
    assert retention_status(date(2025, 9, 30), SINCE, as_of, six) is OwnerRetention.LOST


def test_lost_owners_streams_the_fleet() -> None:
    ownerships = [
        owner("O1", "C1", "V1", date(2020, 1, 1)),  # visit 2025-06: active
        owner("O2", "C2", "V2", date(2020, 1, 1)),  # visit 2024-12: lost
        owner("O3", "C3", "V3", date(2023, 1, 1)),  # never came: long lost
        owner("O4", "C4", "V4", date(2020, 1, 1), until=date(2025, 1, 1)),  # sold
        owner("O5", "C5", "V5", date(2025, 12, 1)),  # bought V5 used; old visit is not theirs
    ]
    interactions = [
        inter("I1", K.REPAIR_ORDER, at(2025, 6, 1), "C1", vehicle="V1"),
        inter("I2", K.REPAIR_ORDER, at(2024, 12, 1), "C2", vehicle="V2"),
        inter("I3", K.REPAIR_ORDER, at(2023, 1, 1), "C9", vehicle="V5"),
        inter("I4", K.REPAIR_ORDER, at(2026, 6, 1), "C2", vehicle="V2"),  # after as_of
    ]
    found = list(lost_owners(iter(ownerships), iter(interactions), date(2026, 3, 31)))
    assert [(o.customer_id, o.status, o.anchor_date, o.last_visit) for o in found] == [
        ("C2", OwnerRetention.LOST, date(2024, 12, 1), date(2024, 12, 1)),
        ("C3", OwnerRetention.LONG_LOST, date(2023, 1, 1), None),
    ]
