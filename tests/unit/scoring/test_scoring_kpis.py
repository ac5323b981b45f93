"""Every dealer KPI on one hand-built month (March 2026, Shanghai), numbers worked out by
hand in the comments; plus not-applicable, thresholds, dealer filtering and one-pass
properties."""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from decimal import Decimal
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scoring_builders import (
    at,
    from_value_strings,
    inter,
    member,
    owner,
    person,
    points,
    policy,
    referral,
    survey,
    task,
)

from crm_core.domain.anchor import AnchorKind
from crm_core.domain.customer import CustomerType
from crm_core.domain.ids import DealerId, TaskId
from crm_core.domain.interaction import (
    Callback,
    CallbackOutcome,
    ClubActivity,
    Interaction,
    RepairOrder,
    Sale,
    ServiceKind,
)
from crm_core.domain.interaction import InteractionKind as K
from crm_core.domain.membership import MembershipStatus as MS
from crm_core.domain.membership import PointsKind
from crm_core.domain.survey import SurveyKind, SurveySource
from crm_core.domain.task import TaskStatus
from crm_core.errors import ValidationError
from crm_core.scoring.kpi import NOT_APPLICABLE, Threshold, ThresholdOutcome
from crm_core.scoring.kpis import KpiCode, KpiConfig, KpiSet, dealer_kpis
from crm_core.scoring.period import Period

T = TypeVar("T")
MARCH = Period.month(2026, 3)


def cb(outcome: CallbackOutcome, task_id: str) -> Callback:
    return Callback(outcome=outcome, task_id=TaskId(task_id))


OWNERSHIPS = [
    owner("O1", "C1", "V1", date(2020, 5, 1)),  # C1: earlier purchase, still held
    owner("O2", "C2", "V2", date(2026, 3, 10)),  # C2: new owner in March
    owner("O3", "C1", "V3", date(2026, 3, 15)),  # C1 buys again in March: repurchase
    owner("O4", "C3", "V4", date(2023, 1, 1), until=date(2025, 6, 1)),  # sold on
    owner("O5", "C4", "V5", date(2024, 1, 10)),  # last visit Dec 2024: lost
    owner("O6", "C5", "V6", date(2026, 4, 2)),  # after the period: ignored
    owner("O7", "C6", "V7", date(2023, 2, 1)),  # company, never came: long lost
]
CUSTOMERS = [
    person("C1"),
    person("C2"),
    person("C3"),
    person("C4"),
    person("C5"),
    person("C6", CustomerType.COMPANY),
]
TASKS = [
    task("T1", AnchorKind.REPAIR_HANDED_BACK, at(2026, 3, 5)),
    task("T2", AnchorKind.REPAIR_HANDED_BACK, at(2026, 3, 6)),
    task("T3", AnchorKind.DELIVERY, at(2026, 3, 17)),
    task("T4", AnchorKind.BIRTHDAY, at(2026, 3, 17)),  # a greeting, not a callback
    task("T5", AnchorKind.REPAIR_HANDED_BACK, at(2026, 3, 7), attempt=2),  # a retry
    task("T6", AnchorKind.REPAIR_HANDED_BACK, at(2026, 2, 27)),  # due in February
    task("T7", AnchorKind.DELIVERY, at(2026, 3, 9), status=TaskStatus.CANCELLED),
    task("T8", AnchorKind.LAST_VISIT, at(2026, 3, 28)),
]
INTERACTIONS = [
    # inbound calls: 4, three with a customer on file
    inter("I1", K.INBOUND_CALL, at(2026, 3, 2), "C10"),
    inter("I2", K.INBOUND_CALL, at(2026, 3, 3)),
    inter("I3", K.INBOUND_CALL, at(2026, 3, 4), "C11"),
    inter("I4", K.INBOUND_CALL, at(2026, 3, 5), "C10"),
    # showroom visits: 4 in March (I8 is 1 April in Shanghai, I9 is 1 March)
    inter("I5", K.VISIT, at(2026, 3, 6), "C10"),
    inter("I6", K.VISIT, at(2026, 3, 6)),
    inter("I7", K.VISIT, at(2026, 3, 7), "C12"),
    inter("I8", K.VISIT, datetime(2026, 3, 31, 17, tzinfo=UTC), "C13"),
    inter("I9", K.VISIT, datetime(2026, 2, 28, 17, tzinfo=UTC), "C14"),
    inter("I10", K.TEST_DRIVE, at(2026, 3, 6), "C10"),
    inter("I11", K.TEST_DRIVE, at(2026, 3, 7), "C12"),
    inter("I12", K.NEGOTIATION, at(2026, 3, 8), "C15"),
    inter("I13", K.ORDER, at(2026, 3, 9), "C10"),
    # earlier showroom contacts, for the prospect loss rate
    inter("I14", K.VISIT, at(2025, 12, 15), "C16"),  # silent 90+ days by 31 March: lost
    inter("I15", K.VISIT, at(2025, 11, 20), "C17"),  # silent before March began: not live
    inter("I16", K.VISIT, at(2025, 12, 20), "C18"),
    inter("I17", K.ORDER, at(2026, 1, 5), "C18"),  # ordered: converted, not live
    # deliveries: 3 real (2 with a ceremony), 1 virtual
    inter("I20", K.DELIVERY, at(2026, 3, 10), "C2", Sale(ceremony=True)),
    inter("I21", K.DELIVERY, at(2026, 3, 15), "C1", Sale()),
    inter("I22", K.DELIVERY, at(2026, 3, 20), "C20", Sale(is_virtual=True, ceremony=True)),
    inter("I23", K.DELIVERY, at(2026, 3, 21), "C21", Sale(ceremony=True)),
    # workshop: 3 visits in March (2 by appointment), a PDI, an old and a future visit
    inter("I30", K.REPAIR_ORDER, at(2026, 3, 3), "C1", RepairOrder(by_appointment=True)),
    inter("I31", K.REPAIR_ORDER, at(2026, 3, 20), "C2", RepairOrder()),
    inter("I32", K.REPAIR_ORDER, at(2024, 12, 20), "C4", RepairOrder()),
    inter("I33", K.REPAIR_ORDER, at(2026, 3, 5), None, RepairOrder(service_kind=ServiceKind.PDI)),
    inter("I34", K.REPAIR_ORDER, at(2026, 3, 25), "C30", RepairOrder(by_appointment=True)),
    inter("I35", K.REPAIR_ORDER, at(2026, 4, 2), "C4", RepairOrder()),
    # callbacks against tasks
    inter("I40", K.CALLBACK, at(2026, 3, 7), "C1", cb(CallbackOutcome.REACHED, "T1")),
    inter("I41", K.CALLBACK, at(2026, 3, 6), "C1", cb(CallbackOutcome.NOT_REACHED, "T1")),
    inter("I42", K.CALLBACK, at(2026, 3, 18), "C1", cb(CallbackOutcome.NOT_REACHED, "T3")),
    inter("I43", K.CALLBACK, at(2026, 4, 2), "C1", cb(CallbackOutcome.REACHED, "T8")),
    inter("I44", K.CALLBACK, at(2026, 3, 1), "C1", cb(CallbackOutcome.REACHED, "T6")),
    # club events: C1 (no points) and C4 (100 points) count
    inter("I50", K.EVENT, at(2026, 3, 12), "C1", ClubActivity(points=0)),
    inter("I51", K.EVENT, at(2026, 3, 12), "C2", ClubActivity(points=50)),
    inter(
        "I52", K.EVENT, at(2026, 3, 12), "C3", ClubActivity(points=150, recorded_in_system=False)
    ),
    inter("I53", K.EVENT, at(2026, 3, 12), "C4", ClubActivity(points=100)),
    # another dealer
    inter("X1", K.INBOUND_CALL, at(2026, 3, 2), "Z1", dealer="D2"),
]
POINTS = [
    points("P1", "M2", PointsKind.EARN, 50, at(2026, 3, 12), from_event=True),  # < 100
    points("P2", "M3", PointsKind.REDEEM, -100, at(2026, 3, 10)),  # M3 active
    points("P3", "M5", PointsKind.EXPIRE, -10, at(2026, 3, 10)),  # expiry is not activity
    points("P4", "M6", PointsKind.EARN, 200, at(2026, 2, 20)),  # February
]
MEMBERS = [
    member("M1", "C1", date(2020, 6, 1)),
    member("M2", "C2", date(2026, 3, 12), MS.PENDING),
    member("M3", "C3", date(2024, 1, 1)),
    member("M4", "C4", date(2025, 1, 1)),
    member("M5", "C6", date(2025, 5, 1)),
    member("M6", "C7", date(2025, 1, 1), MS.LAPSED),
    member("M7", "C8", date(2026, 3, 20)),
    member("M8", "C9", date(2026, 4, 3)),
]
REFERRALS = [
    referral("R1", "C1", "C21", "I23"),
    referral("R2", "C1", "C20", "I22"),  # the virtual delivery: not counted
    referral("R3", "C2", "C40"),
    referral("R4", "C4", "C2", "I20"),
]
POLICIES = [
    policy("PL1", "V1", date(2025, 3, 21), date(2026, 3, 20)),
    policy("PL2", "V1", date(2026, 3, 21), date(2027, 3, 20), renewal_of="PL1"),
    policy("PL3", "V2", date(2025, 3, 26), date(2026, 3, 25)),
    policy("PL4", "V2", date(2026, 3, 26), date(2027, 3, 25), renewal_of="PL3", by_dealer=False),
    policy("PL5", "V4", date(2025, 4, 11), date(2026, 4, 10)),
]
SURVEYS = [
    survey("S1", SurveyKind.SALES, 5, at(2026, 3, 12)),
    survey("S2", SurveyKind.SALES, 4, at(2026, 3, 13)),
    survey("S3", SurveyKind.SALES, 5, at(2026, 2, 10)),
    survey("S4", SurveyKind.AFTER_SALES, 5, at(2026, 3, 12)),
    survey("S5", SurveyKind.AFTER_SALES, 3, at(2026, 3, 12)),
    survey("S6", SurveyKind.AFTER_SALES, 5, at(2026, 3, 12)),
    survey("S7", SurveyKind.AFTER_SALES, 5, at(2026, 3, 12), SurveySource.THIRD_PARTY),
]

STREAMS: dict[str, list[Any]] = {
    "ownerships": OWNERSHIPS,
    "customers": CUSTOMERS,
    "tasks": TASKS,
    "interactions": INTERACTIONS,
    "points": POINTS,
    "members": MEMBERS,
    "referrals": REFERRALS,
    "policies": POLICIES,
    "surveys": SURVEYS,
}


def run(
    period: Period,
    streams: Mapping[str, Iterable[Any]],
    dealer_id: DealerId | None = None,
    config: KpiConfig | None = None,
) -> dict[DealerId, KpiSet]:
    return dealer_kpis(
        period,
        ownerships=streams.get("ownerships", ()),
        customers=streams.get("customers", ()),
        tasks=streams.get("tasks", ()),
        interactions=streams.get("interactions", ()),
        points=streams.get("points", ()),
        members=streams.get("members", ()),
        referrals=streams.get("referrals", ()),
        policies=streams.get("policies", ()),
        surveys=streams.get("surveys", ()),
        dealer_id=dealer_id,
        config=config,
    )


# code -> (numerator, denominator, value)
EXPECTED: dict[str, tuple[int, int | None, str]] = {
    KpiCode.INBOUND_CALLS: (4, None, "4"),
    KpiCode.SHOWROOM_VISITS: (4, None, "4"),
    KpiCode.FILING_RATE: (6, 8, "0.7500"),  # I1 I3 I4 I5 I7 I9 of 4 calls + 4 visits
    KpiCode.LEAD_CONVERSION_RATE: (1, 2, "0.5000"),  # callers C10 C11; C10 visited
    KpiCode.TEST_DRIVE_RATE: (2, 4, "0.5000"),  # showroom C10 C12 C14 C15; drove C10 C12
    KpiCode.CLOSING_RATE: (1, 4, "0.2500"),  # C10 ordered
    KpiCode.PROSPECT_LOSS_RATE: (1, 4, "0.2500"),  # live C12 C14 C15 C16; C16 lost
    KpiCode.DELIVERY_CEREMONY_RATE: (2, 3, "0.6667"),
    KpiCode.SALES_CALLBACK_RATE: (1, 1, "1.0000"),  # T3 attempted
    KpiCode.SALES_SATISFACTION: (1, 2, "0.5000"),  # S1 S2
    KpiCode.OWNERS_ON_FILE: (4, None, "4"),  # C1 C2 C4 C6
    KpiCode.WORKSHOP_VISITS: (3, None, "3"),  # I30 I31 I34
    KpiCode.LOST_OWNERS: (1, 4, "0.2500"),  # C4
    KpiCode.LONG_LOST_OWNERS: (1, 4, "0.2500"),  # C6
    KpiCode.APPOINTMENT_RATE: (2, 3, "0.6667"),
    KpiCode.REFERRAL_RATE: (2, 3, "0.6667"),  # I20 I23 of I20 I21 I23
    KpiCode.REPURCHASES: (1, None, "1"),  # C1
    KpiCode.INSURANCE_RENEWAL_RATE: (1, 2, "0.5000"),  # PL1 renewed by the dealer; PL3 not
    KpiCode.AFTER_SALES_CALLBACK_RATE: (2, 3, "0.6667"),  # T1 T8 of T1 T2 T8
    KpiCode.AFTER_SALES_SATISFACTION: (3, 4, "0.7500"),
    KpiCode.CUMULATIVE_ENROLMENT_RATE: (6, 4, "1.5000"),  # M1-5 M7; individual C1-C4
    KpiCode.PERIOD_ENROLMENT_RATE: (2, 2, "1.0000"),  # M2 M7; new individual C1 C2
    KpiCode.MEMBER_ACTIVITY_RATE: (3, 5, "0.6000"),  # M1 M3 M4 of M1 M3 M4 M5 M7
}


def test_every_kpi_has_an_expected_value() -> None:
    assert set(EXPECTED) == set(KpiCode)


def test_march_kpis_match_the_hand_computed_values() -> None:
    kpis = run(MARCH, STREAMS)[DealerId("D1")]
    got = {v.code: (v.numerator, v.denominator, str(v.value)) for v in kpis}
    assert got == EXPECTED


def test_records_built_from_value_strings_give_the_same_kpis() -> None:
    """A host that passes ``kind="callback"`` (a DMS row's text) instead of the member
    gets the same figures: the constructors store the member, which the KPIs select by
    identity. Before, such interactions silently dropped out of every count."""
    stringly = {name: [from_value_strings(r) for r in stream] for name, stream in STREAMS.items()}
    kpis = run(MARCH, stringly)
    got = {v.code: (v.numerator, v.denominator, str(v.value)) for v in kpis[DealerId("D1")]}
    assert got == EXPECTED
    assert kpis == run(MARCH, STREAMS)
    assert stringly["interactions"][0].kind is INTERACTIONS[0].kind


def test_club_thresholds_are_met_in_march() -> None:
    kpis = run(MARCH, STREAMS)[DealerId("D1")]
    assert kpis[KpiCode.CUMULATIVE_ENROLMENT_RATE].outcome is ThresholdOutcome.MET
    assert kpis[KpiCode.MEMBER_ACTIVITY_RATE].outcome is ThresholdOutcome.MET
    assert kpis[KpiCode.FILING_RATE].outcome is None


def test_thresholds_below_the_minimum() -> None:
    # 1 member of 3 individual owners (33 %) is below 50 %: not eligible; no member
    # activity (0 of 1) scores 0; 1 new member of 2 new owners (50 %) is below 80 %
    owners = [
        owner("O1", "C1", "V1", date(2025, 1, 1)),
        owner("O2", "C2", "V2", date(2026, 3, 1)),
        owner("O3", "C3", "V3", date(2026, 3, 2)),
    ]
    kpis = dealer_kpis(
        MARCH,
        ownerships=owners,
        customers=[person("C1"), person("C2"), person("C3")],
        members=[member("M1", "C2", date(2026, 3, 5))],
    )[DealerId("D1")]
    cumulative = kpis[KpiCode.CUMULATIVE_ENROLMENT_RATE]
    assert (cumulative.numerator, cumulative.denominator) == (1, 3)
    assert cumulative.outcome is ThresholdOutcome.NOT_ELIGIBLE
    period = kpis[KpiCode.PERIOD_ENROLMENT_RATE]
    assert (period.numerator, period.denominator, period.outcome) == (
        1,
        2,
        ThresholdOutcome.SCORES_ZERO,
    )
    activity = kpis[KpiCode.MEMBER_ACTIVITY_RATE]
    assert (activity.value, activity.outcome) == (Decimal(0), ThresholdOutcome.SCORES_ZERO)


def test_thresholds_are_configurable() -> None:
    cfg = KpiConfig(member_activity=Threshold(Decimal("0.7"), ThresholdOutcome.SCORES_ZERO))
    kpis = run(MARCH, STREAMS, config=cfg)[DealerId("D1")]
    assert kpis[KpiCode.MEMBER_ACTIVITY_RATE].outcome is ThresholdOutcome.SCORES_ZERO


def test_lost_owner_cut_offs_are_inclusive_to_the_day() -> None:
    """As of 31 March 2026 an owner is lost with no visit since 31 March 2025, long lost
    with none since 31 March 2024 — on the cut-off day itself included, a day later not.
    The clock is the later of the ownership's start and the last workshop visit."""
    days = {
        "C1": date(2024, 3, 31),  # long lost
        "C2": date(2024, 4, 1),  # lost
        "C3": date(2025, 3, 31),  # lost
        "C4": date(2025, 4, 1),  # still coming
    }
    owners = [owner(f"O{c}", c, f"V{c}", day) for c, day in days.items()]
    # C5 bought in 2020 and last came on the lost cut-off; C6 came a day later
    owners += [
        owner("OC5", "C5", "VC5", date(2020, 1, 1)),
        owner("OC6", "C6", "VC6", date(2020, 1, 1)),
    ]
    visits = [
        inter("I5", K.REPAIR_ORDER, at(2025, 3, 31), "C5", RepairOrder()),
        inter("I6", K.REPAIR_ORDER, at(2025, 4, 1), "C6", RepairOrder()),
    ]
    kpis = dealer_kpis(MARCH, ownerships=owners, interactions=visits)[DealerId("D1")]
    assert kpis[KpiCode.OWNERS_ON_FILE].numerator == 6
    assert kpis[KpiCode.LONG_LOST_OWNERS].numerator == 1  # C1
    assert kpis[KpiCode.LOST_OWNERS].numerator == 3  # C2 C3 C5


def test_a_dealer_without_data_gets_counts_of_zero_and_rates_not_applicable() -> None:
    kpis = run(MARCH, STREAMS, DealerId("D9"))[DealerId("D9")]
    assert kpis[KpiCode.INBOUND_CALLS].value == Decimal(0)
    rates = [v for v in kpis if v.denominator is not None]
    assert len(rates) == 18
    assert all(v.value is NOT_APPLICABLE and not v.applicable for v in rates)
    assert all(v.outcome is None for v in rates)


def test_dealer_group_and_dealer_filter() -> None:
    group = run(MARCH, STREAMS)
    assert set(group) == {"D1", "D2"}
    assert group[DealerId("D2")][KpiCode.INBOUND_CALLS].numerator == 1
    only = run(MARCH, STREAMS, DealerId("D2"))
    assert set(only) == {"D2"}
    assert only[DealerId("D2")] == group[DealerId("D2")]


def test_config_is_validated() -> None:
    with pytest.raises(ValidationError, match="prospect_loss_days"):
        KpiConfig(prospect_loss_days=0)
    with pytest.raises(ValidationError, match="completely_satisfied"):
        KpiConfig(completely_satisfied=6)


def test_a_quarter_sums_its_months() -> None:
    q1 = run(Period.quarter(2026, 1), STREAMS)[DealerId("D1")]
    # the other visits (I14-I16) are in 2025, so Q1 has March's four; the January order
    # (I17) has no showroom contact in Q1 beside it, so closing counts C18 too
    assert q1[KpiCode.SHOWROOM_VISITS].numerator == 4
    assert q1[KpiCode.INBOUND_CALLS].numerator == 4
    closing = q1[KpiCode.CLOSING_RATE]
    assert (closing.numerator, closing.denominator) == (2, 5)


def once(items: list[T]) -> Iterator[T]:
    """A single-use iterator: a second pass over it would see nothing."""
    yield from items


def test_generators_give_the_same_result_as_lists() -> None:
    from_lists = run(MARCH, STREAMS)
    from_generators = run(MARCH, {k: once(v) for k, v in STREAMS.items()})
    assert from_generators == from_lists


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), drop=st.sets(st.integers(0, len(INTERACTIONS) - 1)))
def test_order_of_records_does_not_matter(seed: int, drop: set[int]) -> None:
    rng = random.Random(seed)
    subset = [x for n, x in enumerate(INTERACTIONS) if n not in drop]
    shuffled = {k: rng.sample(v, len(v)) for k, v in STREAMS.items()}
    shuffled["interactions"] = rng.sample(subset, len(subset))
    expected = run(MARCH, {**STREAMS, "interactions": subset})
    assert run(MARCH, {k: once(v) for k, v in shuffled.items()}) == expected


@pytest.mark.parametrize(
    "zone",
    [
        timezone(timedelta(hours=8)),
        timezone(timedelta(hours=-5)),
        ZoneInfo("Asia/Shanghai"),
        ZoneInfo("America/New_York"),
        ZoneInfo("Asia/Kolkata"),
    ],
    ids=str,
)
def test_the_zone_records_arrive_in_does_not_matter(zone: tzinfo) -> None:
    moved = [attrs.evolve(i, occurred_at=i.occurred_at.astimezone(zone)) for i in INTERACTIONS]
    assert run(MARCH, {**STREAMS, "interactions": moved}) == run(MARCH, STREAMS)


def test_records_alternating_between_zones_give_the_same_kpis() -> None:
    """The bounds are looked up again whenever the zone changes from one record to the
    next, so a stream mixing zones record by record is read as if it were in one."""
    zones = [
        UTC,
        ZoneInfo("America/New_York"),
        timezone(timedelta(hours=8)),
        ZoneInfo("Asia/Shanghai"),
        timezone(timedelta(hours=-5)),
    ]
    moved = [
        attrs.evolve(i, occurred_at=i.occurred_at.astimezone(zones[n % len(zones)]))
        for n, i in enumerate(INTERACTIONS)
    ]
    assert run(MARCH, {**STREAMS, "interactions": moved}) == run(MARCH, STREAMS)


def _naive_filing_and_closing(items: list[Interaction]) -> tuple[int, int, int, int]:
    in_march = [i for i in items if MARCH.contains(i.occurred_at) and i.dealer_id == "D1"]
    traffic = [i for i in in_march if i.kind in (K.INBOUND_CALL, K.VISIT)]
    filed = [i for i in traffic if i.customer_id is not None]
    showroom_kinds = (K.VISIT, K.NEGOTIATION, K.TEST_DRIVE, K.ORDER)
    showroom = {i.customer_id for i in in_march if i.kind in showroom_kinds and i.customer_id}
    ordered = {i.customer_id for i in in_march if i.kind is K.ORDER and i.customer_id}
    return len(filed), len(traffic), len(ordered & showroom), len(showroom)


@settings(max_examples=25, deadline=None)
@given(drop=st.sets(st.integers(0, len(INTERACTIONS) - 1)))
def test_one_pass_equals_a_list_based_count(drop: set[int]) -> None:
    subset = [x for n, x in enumerate(INTERACTIONS) if n not in drop]
    kpis = dealer_kpis(MARCH, interactions=once(subset), dealer_id=DealerId("D1"))
    filed, traffic, ordered, showroom = _naive_filing_and_closing(subset)
    filing = kpis[DealerId("D1")][KpiCode.FILING_RATE]
    closing = kpis[DealerId("D1")][KpiCode.CLOSING_RATE]
    assert (filing.numerator, filing.denominator) == (filed, traffic)
    assert (closing.numerator, closing.denominator) == (ordered, showroom)
