"""Points ledger: oldest-first debits, separate pots, a balance that never goes negative;
tier rules."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scoring_builders import at, member, points

from crm_core.domain.membership import MembershipStatus, PointsKind, PointsSource, Tier
from crm_core.errors import InsufficientPointsError, ValidationError
from crm_core.scoring.ledger import PointsLedger, TierPolicy, TierRule, qualifying_tier

DEALER, OEM = PointsSource.DEALER, PointsSource.OEM
EARN, REDEEM, EXPIRE, ADJUST = (
    PointsKind.EARN,
    PointsKind.REDEEM,
    PointsKind.EXPIRE,
    PointsKind.ADJUST,
)


def test_redemption_takes_the_oldest_lots_first() -> None:
    ledger = PointsLedger.replay(
        "M1",
        [
            points("P1", "M1", EARN, 100, at(2026, 1, 1)),
            points("P2", "M1", EARN, 200, at(2026, 1, 2)),
            points("P3", "M1", EARN, 300, at(2026, 1, 3)),
            points("P4", "M1", REDEEM, -250, at(2026, 1, 4)),
        ],
    )
    assert [(lot.entry_id, lot.remaining) for lot in ledger.lots] == [("P2", 50), ("P3", 300)]
    assert ledger.balance() == 350


def test_pots_are_kept_apart() -> None:
    ledger = PointsLedger.replay(
        "M1",
        [
            points("P1", "M1", EARN, 100, at(2026, 1, 1), source=OEM),
            points("P2", "M1", EARN, 100, at(2026, 1, 2)),
        ],
    )
    with pytest.raises(InsufficientPointsError) as caught:
        ledger.apply(points("P3", "M1", REDEEM, -150, at(2026, 1, 3), source=OEM))
    assert (caught.value.requested, caught.value.available, caught.value.source) == (
        150,
        100,
        "oem",
    )
    after = ledger.apply(points("P3", "M1", REDEEM, -60, at(2026, 1, 3), source=OEM))
    assert (after.balance(OEM), after.balance(DEALER)) == (40, 100)


def test_a_refused_redemption_leaves_the_ledger_unchanged() -> None:
    ledger = PointsLedger.replay("M1", [points("P1", "M1", EARN, 100, at(2026, 1, 1))])
    with pytest.raises(InsufficientPointsError, match="asks for 101 dealer points but holds 100"):
        ledger.apply(points("P2", "M1", REDEEM, -101, at(2026, 1, 2)))
    assert ledger.balance() == 100


def test_expired_points_cannot_be_redeemed() -> None:
    ledger = PointsLedger.replay(
        "M1",
        [
            points("P1", "M1", EARN, 100, at(2026, 1, 1), expires=date(2026, 1, 31)),
            points("P2", "M1", EARN, 50, at(2026, 1, 2)),
        ],
    )
    assert ledger.expiring(date(2026, 2, 1)) == {DEALER: 100}
    assert ledger.expiring(date(2026, 1, 31)) == {}
    with pytest.raises(InsufficientPointsError):
        ledger.apply(points("P3", "M1", REDEEM, -120, at(2026, 2, 2)))
    # on the expiry day itself they still count
    assert ledger.apply(points("P3", "M1", REDEEM, -120, at(2026, 1, 31))).balance() == 30


def test_expiry_takes_the_soonest_expiring_lots() -> None:
    ledger = PointsLedger.replay(
        "M1",
        [
            points("P1", "M1", EARN, 100, at(2026, 1, 1)),  # never expires
            points("P2", "M1", EARN, 70, at(2026, 1, 2), expires=date(2026, 1, 20)),
            points("P3", "M1", EARN, 30, at(2026, 1, 3), expires=date(2026, 6, 30)),
            points("P4", "M1", EXPIRE, -70, at(2026, 1, 21)),
        ],
    )
    assert [(lot.entry_id, lot.remaining) for lot in ledger.lots] == [("P1", 100), ("P3", 30)]


def test_adjustments_add_or_take_oldest_first() -> None:
    ledger = PointsLedger.replay(
        "M1",
        [
            points("P1", "M1", EARN, 10, at(2026, 1, 1)),
            points("P2", "M1", ADJUST, 40, at(2026, 1, 2)),
            points("P3", "M1", ADJUST, -20, at(2026, 1, 3)),
        ],
    )
    assert [(lot.entry_id, lot.remaining) for lot in ledger.lots] == [("P2", 30)]
    with pytest.raises(InsufficientPointsError):
        ledger.apply(points("P4", "M1", ADJUST, -31, at(2026, 1, 4)))


def test_entries_of_another_member_or_out_of_order_are_refused() -> None:
    ledger = PointsLedger.replay("M1", [points("P1", "M1", EARN, 10, at(2026, 1, 5))])
    with pytest.raises(ValidationError, match="belongs to member M2"):
        ledger.apply(points("P2", "M2", EARN, 10, at(2026, 1, 6)))
    with pytest.raises(ValidationError, match="older than the last"):
        ledger.apply(points("P2", "M1", EARN, 10, at(2026, 1, 4)))


def test_signs_are_checked_by_the_record() -> None:
    with pytest.raises(ValidationError, match="negative"):
        points("P1", "M1", REDEEM, 10, at(2026, 1, 1))


op = st.tuples(
    st.sampled_from([EARN, REDEEM, EXPIRE, ADJUST]),
    st.sampled_from([DEALER, OEM]),
    st.integers(1, 500),
    st.booleans(),  # sign of an adjustment
    st.one_of(st.none(), st.integers(0, 60)),  # expiry, days after the entry
)


@settings(max_examples=150)
@given(st.lists(op, max_size=40))
def test_balance_never_negative_and_debits_take_oldest_first(ops: list[tuple]) -> None:  # type: ignore[type-arg]
    ledger = PointsLedger("M1")
    for n, (kind, source, size, positive, expiry) in enumerate(ops):
        when = at(2026, 1, 1) + timedelta(days=n)
        signed = size if kind is EARN or (kind is ADJUST and positive) else -size
        expires = when.date() + timedelta(days=expiry) if expiry is not None else None
        entry = points(f"P{n}", "M1", kind, signed, when, source=source, expires=expires)
        before = ledger
        wanted = -signed
        held = before.balance(source)
        try:
            ledger = ledger.apply(entry)
        except InsufficientPointsError:
            refused = True
        else:
            refused = False
        if refused:
            # only a debit beyond what the pot holds (usable points, for a redemption) is
            # refused, and the ledger stays as it was
            assert signed < 0
            assert wanted > held or kind is REDEEM
            assert ledger is before
            continue
        for pot in (DEALER, OEM):
            assert ledger.balance(pot) >= 0
        assert all(lot.remaining > 0 for lot in ledger.lots)
        if kind in (REDEEM, ADJUST) and signed < 0:
            # only the lots of that pot changed, and the changed ones form a prefix of
            # them in earning order: no younger lot was touched while an older one had
            # points left (redemptions skip expired lots, which may stay behind)
            old = [lot for lot in before.lots if lot.source is source]
            new = {lot.entry_id: lot.remaining for lot in ledger.lots}
            usable = [lot for lot in old if kind is ADJUST or lot.usable_on(when.date())]
            touched = [new.get(lot.entry_id, 0) != lot.remaining for lot in usable]
            assert touched == sorted(touched, reverse=True)
            assert ledger.balance(source) == before.balance(source) + signed


def test_tier_rules_need_all_three_criteria() -> None:
    m = member("M1", "C1", date(2022, 1, 1))
    entries = [
        points("P1", "M1", EARN, 25_000, at(2026, 1, 1), spend=Decimal(90_000)),
        points("P2", "M1", EARN, 5_000, at(2024, 1, 1), spend=Decimal(50_000)),  # outside
    ]
    decision = qualifying_tier(m, entries, date(2026, 3, 1))
    assert (decision.tier, decision.points, decision.spend, decision.tenure_months) == (
        Tier.DIAMOND,
        25_000,
        Decimal(90_000),
        50,
    )
    assert decision.next_tier is None
    assert decision.shortfalls == ()
    young = member("M1", "C1", date(2024, 6, 1))  # 21 months: gold needs 12, diamond 36
    assert qualifying_tier(young, entries, date(2026, 3, 1)).tier is Tier.GOLD


def test_pending_members_have_no_tenure_and_policy_is_data() -> None:
    m = member("M1", "C1", date(2020, 1, 1), MembershipStatus.PENDING)
    policy = TierPolicy(rules=(TierRule(Tier.SILVER), TierRule(Tier.GOLD, min_tenure_months=1)))
    decision = qualifying_tier(m, [], date(2026, 3, 1), policy)
    assert decision.tier is Tier.SILVER
    assert decision.tenure_months == 0
    assert [(s.criterion, s.have, s.need) for s in decision.shortfalls] == [
        ("tenure_months", Decimal(0), Decimal(1))
    ]
    with pytest.raises(ValidationError, match="one rule"):
        TierPolicy(rules=(TierRule(Tier.SILVER), TierRule(Tier.SILVER)))
    with pytest.raises(ValidationError, match="silver"):
        TierPolicy(rules=(TierRule(Tier.GOLD),))
    with pytest.raises(ValidationError, match="negative"):
        TierRule(Tier.GOLD, min_points=-1)
