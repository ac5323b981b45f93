"""Customer states and lifecycle stages, each rule exercised."""

from __future__ import annotations

from datetime import date

from scoring_builders import at, complaint, inter, member, referral, survey

from crm_core.domain.case import CaseSource
from crm_core.domain.ids import CustomerId
from crm_core.domain.interaction import (
    Callback,
    CallbackOutcome,
    ClubActivity,
    Interaction,
    Recommendation,
)
from crm_core.domain.interaction import InteractionKind as K
from crm_core.domain.survey import SurveyKind
from crm_core.scoring.segments import (
    CustomerHistory,
    LifecycleStage,
    Segment,
    SegmentConfig,
    customer_segment,
    lifecycle_stage,
)

C1 = CustomerId("C1")
AS_OF = date(2026, 3, 31)


def cb(
    n: str, satisfaction: int, recommend: Recommendation | None = None, y: int = 2025
) -> Interaction:
    detail = Callback(CallbackOutcome.REACHED, satisfaction=satisfaction, would_recommend=recommend)
    return inter(n, K.CALLBACK, at(y, 9, 1), "C1", detail)


DELIVERY = inter("D", K.DELIVERY, at(2024, 1, 10), "C1")
RO1 = inter("R1", K.REPAIR_ORDER, at(2024, 7, 1), "C1")
RO2 = inter("R2", K.REPAIR_ORDER, at(2025, 7, 1), "C1")


def seg(**records: object) -> tuple[Segment, str]:
    h = CustomerHistory.of(C1, AS_OF, **records)  # type: ignore[arg-type]
    r = customer_segment(h)
    return r.segment, r.rule


def test_positive_ladder() -> None:
    assert seg() == (Segment.PROSPECT, "no_purchase")
    assert seg(interactions=[inter("V", K.VISIT, at(2026, 1, 1), "C1")]) == (
        Segment.PROSPECT,
        "no_purchase",
    )
    assert seg(interactions=[DELIVERY]) == (Segment.FIRST_TIME, "one_transaction")
    assert seg(interactions=[DELIVERY, RO1]) == (Segment.REPEAT, "repeat_transactions")
    assert seg(interactions=[DELIVERY, RO1, cb("CB", 5)]) == (Segment.ADVOCATE, "promoter")
    assert seg(
        interactions=[DELIVERY, RO1, cb("CB", 4, Recommendation.DEFINITELY)],
        referrals=[referral("RF", "C1", "C2")],
    ) == (Segment.CORE_WORD_OF_MOUTH, "promoter_with_referral")


def test_negative_ladder() -> None:
    unhappy_recent = [
        DELIVERY,
        RO1,
        inter("R3", K.REPAIR_ORDER, at(2026, 2, 1), "C1"),
        cb("CB", 2, y=2026),
    ]
    assert seg(interactions=unhappy_recent) == (Segment.REPEAT, "repeat_transactions")
    assert seg(interactions=[DELIVERY, RO1, cb("CB", 2)]) == (
        Segment.NEVER_RETURN,
        "low_satisfaction_no_business_since",
    )
    assert seg(
        interactions=[DELIVERY, RO1, cb("CB", 3, Recommendation.PROBABLY_NOT)],
        cases=[complaint("K", "C1", at(2025, 10, 1))],
    ) == (
        Segment.NEGATIVE_WORD_OF_MOUTH,
        "open_complaint_would_not_recommend",
    )
    third = complaint(
        "K", "C1", at(2025, 10, 1), resolved=True, source=CaseSource.THIRD_PARTY_SURVEY
    )
    assert seg(interactions=[DELIVERY, RO1, cb("CB", 5)], cases=[third]) == (
        Segment.THIRD_PARTY_COMPLAINANT,
        "third_party_complaint",
    )
    old_third = complaint(
        "K", "C1", at(2023, 10, 1), resolved=True, source=CaseSource.THIRD_PARTY_SURVEY
    )
    assert seg(interactions=[DELIVERY, RO1, cb("CB", 5)], cases=[old_third])[0] is Segment.ADVOCATE


def test_surveys_count_as_satisfaction_answers() -> None:
    s = survey("S", SurveyKind.AFTER_SALES, 1, at(2025, 10, 1), customer="C1")
    assert seg(interactions=[DELIVERY, RO1, cb("CB", 5)], surveys=[s])[0] is Segment.NEVER_RETURN
    lenient = customer_segment(
        CustomerHistory.of(C1, AS_OF, interactions=[DELIVERY, RO1, cb("CB", 2)]),
        SegmentConfig(dissatisfied_at_most=1),
    )
    assert lenient.segment is Segment.REPEAT


def stage(*interactions: Interaction, **records: object) -> tuple[LifecycleStage, str]:
    h = CustomerHistory.of(C1, AS_OF, interactions=interactions, **records)  # type: ignore[arg-type]
    r = lifecycle_stage(h)
    return r.stage, r.rule


def test_lifecycle_stages() -> None:
    assert stage() == (LifecycleStage.NEED, "no_history")
    assert stage(inter("C", K.INBOUND_CALL, at(2026, 1, 1), "C1")) == (
        LifecycleStage.NEED,
        "sales_contact",
    )
    assert stage(inter("T", K.TEST_DRIVE, at(2026, 1, 1), "C1")) == (
        LifecycleStage.TRIAL,
        "test_drive_no_order",
    )
    assert stage(inter("O", K.ORDER, at(2026, 1, 1), "C1")) == (
        LifecycleStage.PURCHASE,
        "order_placed",
    )
    assert stage(DELIVERY) == (LifecycleStage.PURCHASE, "delivered_no_workshop_visit")
    assert stage(DELIVERY, RO1) == (LifecycleStage.REPAIR, "first_workshop_visit")
    assert stage(DELIVERY, RO1, RO2) == (LifecycleStage.SERVICE, "repeat_workshop_visits")
    ro3 = inter("R3", K.REPAIR_ORDER, at(2026, 1, 1), "C1")
    assert stage(DELIVERY, RO1, RO2, ro3) == (LifecycleStage.RETENTION, "regular_visits_or_club")
    assert stage(DELIVERY, RO1, members=[member("M", "C1", date(2024, 2, 1))]) == (
        LifecycleStage.RETENTION,
        "regular_visits_or_club",
    )
    event = inter("E", K.EVENT, at(2025, 1, 1), "C1", ClubActivity())
    assert stage(DELIVERY, RO1, event)[0] is LifecycleStage.RETENTION
    back = inter("V", K.VISIT, at(2026, 2, 1), "C1")
    assert stage(DELIVERY, RO1, back) == (LifecycleStage.REPURCHASE, "sales_contact_after_delivery")
    # a service-only customer (bought elsewhere)
    assert stage(RO1) == (LifecycleStage.REPAIR, "first_workshop_visit")
    assert stage(RO1, RO2) == (LifecycleStage.SERVICE, "repeat_workshop_visits")
    # records after as_of are ignored
    assert stage(inter("L", K.TEST_DRIVE, at(2026, 4, 2), "C1")) == (
        LifecycleStage.NEED,
        "no_history",
    )
