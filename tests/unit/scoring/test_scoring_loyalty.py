"""Loyalty score: hand-computed components, the products curve, monotonicity."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from scoring_builders import at, complaint, inter, member, owner, points, policy, referral, survey

from crm_core.domain.ids import CustomerId
from crm_core.domain.interaction import (
    Callback,
    CallbackOutcome,
    ClubActivity,
    Interaction,
    RepairOrder,
    Sale,
)
from crm_core.domain.interaction import InteractionKind as K
from crm_core.domain.membership import MembershipStatus, PointsKind
from crm_core.domain.survey import SurveyKind
from crm_core.scoring.loyalty import LoyaltyWeights, loyalty_score

C1 = CustomerId("C1")
AS_OF = date(2026, 3, 31)


def test_every_component_hand_computed() -> None:
    interactions = [
        inter("I1", K.DELIVERY, at(2024, 6, 1), "C1", Sale(amount=Decimal(150_000))),
        inter("I2", K.REPAIR_ORDER, at(2025, 1, 5), "C1", RepairOrder(amount=Decimal(1200))),
        inter("I3", K.REPAIR_ORDER, at(2025, 7, 5), "C1", RepairOrder(amount=Decimal(800))),
        inter("I4", K.REPAIR_ORDER, at(2025, 9, 5), "C1", RepairOrder(is_paid=False)),  # warranty
        inter("I5", K.REPAIR_ORDER, at(2023, 1, 5), "C1", RepairOrder(amount=Decimal(900))),  # old
        inter(
            "I6",
            K.CALLBACK,
            at(2025, 7, 9),
            "C1",
            Callback(CallbackOutcome.REACHED, satisfaction=4),
        ),
        inter("I7", K.EVENT, at(2025, 10, 1), "C1", ClubActivity(points=0)),
        inter("I8", K.REPAIR_ORDER, at(2026, 1, 5), "C2", RepairOrder(amount=Decimal(5000))),
    ]
    score = loyalty_score(
        C1,
        AS_OF,
        interactions=interactions,
        ownerships=[owner("O1", "C1", "V1", date(2024, 6, 1))],
        cases=[complaint("K1", "C1", at(2025, 8, 1), resolved=True)],
        referrals=[referral("R1", "C1", "C9", "I99"), referral("R2", "C1", "C8")],
        members=[member("M1", "C1", date(2024, 7, 1))],
        policies=[policy("PL1", "V1", date(2025, 6, 1), date(2026, 5, 31), customer="C1")],
        surveys=[survey("S1", SurveyKind.AFTER_SALES, 5, at(2025, 8, 2), customer="C1")],
    )
    got = [(r.code, r.points) for r in score.reasons]
    assert got == [
        ("visits", Decimal(8)),  # 2 paid visits in 24 months x 4
        ("spend", Decimal(15)),  # 152 000 spent: 152 steps, capped at 15
        ("products", Decimal("22.50")),  # vehicle, service, insurance, club: 90 % x 0.25
        ("satisfaction", Decimal(15)),  # the survey (5) is later than the callback (4)
        ("complaints", Decimal(-5)),  # one resolved complaint
        ("referrals", Decimal(12)),  # 8 with a purchase + 4 without
        ("club", Decimal(10)),  # member, and an event in the last 12 months
    ]
    assert score.score == Decimal("77.50")
    assert score.products == ("club", "insurance", "service", "vehicle")


def test_products_follow_the_seed_retention_curve() -> None:
    one = loyalty_score(C1, AS_OF, ownerships=[owner("O1", "C1", "V1", date(2024, 6, 1))])
    assert [(r.code, r.points) for r in one.reasons] == [("products", Decimal("3.75"))]
    two = loyalty_score(
        C1,
        AS_OF,
        ownerships=[owner("O1", "C1", "V1", date(2024, 6, 1))],
        members=[member("M1", "C1", date(2024, 7, 1), MembershipStatus.PENDING)],
    )
    assert two.reasons[0].points == Decimal("13.125")  # 52.5 % (45–60 % midpoint) x 0.25


def test_score_is_clamped_and_weights_are_data() -> None:
    bad = loyalty_score(
        C1,
        AS_OF,
        cases=[complaint(f"K{n}", "C1", at(2025, 8, n)) for n in range(1, 4)],
    )
    assert bad.reasons[0].points == Decimal(-45)
    assert bad.score == Decimal(0)
    heavy = LoyaltyWeights(points_per_visit=Decimal(60), visits_cap=Decimal(200))
    visits = [inter(f"I{n}", K.REPAIR_ORDER, at(2025, n, 1), "C1") for n in (1, 2)]
    assert loyalty_score(C1, AS_OF, interactions=visits, weights=heavy).score == Decimal(100)


def test_records_after_as_of_and_club_activity_by_points() -> None:
    late = [inter("I1", K.REPAIR_ORDER, at(2026, 4, 2), "C1")]
    assert loyalty_score(C1, AS_OF, interactions=late).reasons == ()
    active = loyalty_score(
        C1,
        AS_OF,
        members=[member("M1", "C1", date(2024, 7, 1))],
        points=[points("P1", "M1", PointsKind.EARN, 10, at(2025, 12, 1))],
    )
    assert [(r.code, r.points) for r in active.reasons][-1] == ("club", Decimal(10))


visit = st.tuples(
    st.integers(0, 900),  # days before as_of
    st.one_of(st.none(), st.integers(0, 20_000)),  # amount
    st.booleans(),  # paid
)


@settings(max_examples=80, deadline=None)
@given(history=st.lists(visit, max_size=12), extra=visit, satisfaction=st.integers(1, 5))
def test_one_more_paid_visit_never_lowers_the_score(
    history: list[tuple[int, int | None, bool]],
    extra: tuple[int, int | None, bool],
    satisfaction: int,
) -> None:
    def ro(n: int, days: int, amount: int | None, paid: bool) -> Interaction:
        return inter(
            f"I{n}",
            K.REPAIR_ORDER,
            at(2026, 3, 30) - timedelta(days=days),
            "C1",
            RepairOrder(amount=Decimal(amount) if amount is not None else None, is_paid=paid),
        )

    base = [ro(n, *v) for n, v in enumerate(history)]
    base.append(
        inter(
            "CB",
            K.CALLBACK,
            at(2025, 1, 1),
            "C1",
            Callback(CallbackOutcome.REACHED, satisfaction=satisfaction),
        )
    )
    days, amount, _ = extra
    more = [*base, ro(99, days, amount, True)]
    before = loyalty_score(C1, AS_OF, interactions=base)
    after = loyalty_score(C1, AS_OF, interactions=more)
    assert after.score >= before.score
