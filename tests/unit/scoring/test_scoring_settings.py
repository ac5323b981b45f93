"""Bad scoring settings and dates at the edge of the calendar: a ValidationError naming
the setting, not a silently wrong score or a bare ValueError from date arithmetic."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_core.domain.anchor import AnchorKind
from crm_core.domain.ids import CustomerId
from crm_core.errors import ValidationError
from crm_core.scoring import (
    CallbackReportConfig,
    ChurnConfig,
    KpiConfig,
    LostOwnerConfig,
    LoyaltyWeights,
    RfmConfig,
    SegmentConfig,
    SurveyConfig,
    TierPolicy,
    lost_owners,
    loyalty_score,
    qualifying_tier,
    retention_status,
    rfm_scores,
)
from crm_core.testing.records import club_member, ownership


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: LoyaltyWeights(window_months=-1), "window_months"),
        (lambda: LoyaltyWeights(club_active_months=-12), "club_active_months"),
        (lambda: LoyaltyWeights(spend_step=Decimal(0)), "spend_step"),
        (lambda: LoyaltyWeights(points_per_visit=Decimal("NaN")), "points_per_visit"),
        (lambda: LoyaltyWeights(visits_cap=Decimal("Infinity")), "visits_cap"),
        (lambda: LoyaltyWeights(referral_points=2.5), "referral_points"),  # type: ignore[arg-type]
        (lambda: LoyaltyWeights(satisfaction_points={5: Decimal("NaN")}), "satisfaction_points"),
        (lambda: RfmConfig(window_months=-1), "window_months"),
        (lambda: ChurnConfig(history_months=-6), "history_months"),
        (lambda: SegmentConfig(never_return_months=-1), "never_return_months"),
        (lambda: SegmentConfig(third_party_months=-1), "third_party_months"),
        (lambda: KpiConfig(places=-1), "places"),
        (lambda: KpiConfig(places=10**6), "places"),
        (lambda: KpiConfig(renewal_lookback_days=10**9), "renewal_lookback_days"),
        (lambda: KpiConfig(prospect_loss_days=10**9), "prospect_loss_days"),
        (lambda: SurveyConfig(places=-3), "places"),
        (lambda: CallbackReportConfig(top_issues=-1), "top_issues"),
        (lambda: CallbackReportConfig(places=True), "places"),
        # a typo matched no task: an empty report without a word
        (lambda: CallbackReportConfig(anchors=frozenset({"repair_handed_bak"})), "anchors"),
        (lambda: KpiConfig(sales_callback_anchors=frozenset({"sales"})), "sales_callback_anchors"),
        (
            lambda: KpiConfig(after_sales_callback_anchors=frozenset({"repair", "last_visit"})),
            "after_sales_callback_anchors",
        ),
    ],
)
def test_a_bad_setting_is_refused_naming_it(make: Callable[[], object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        make()
    assert caught.value.field == field


@given(places=st.integers(0, 28))
def test_every_sensible_number_of_places_is_accepted(places: int) -> None:
    assert KpiConfig(places=places).places == places


@pytest.mark.parametrize(
    ("score", "field"),
    [
        (
            lambda d, months: loyalty_score(
                CustomerId("C1"), d, weights=LoyaltyWeights(window_months=months)
            ),
            "window_months",
        ),
        (lambda d, months: rfm_scores([], d, RfmConfig(window_months=months)), "window_months"),
    ],
)
@given(day=st.dates(max_value=date(3, 12, 31)), months=st.integers(36, 10**7))
def test_a_window_reaching_before_year_1_names_the_setting(
    score: Callable[[date, int], Any], field: str, day: date, months: int
) -> None:
    with pytest.raises(ValidationError, match="months before") as caught:
        score(day, months)
    assert caught.value.field == field


def test_lost_owner_and_tier_windows_off_the_calendar_are_validation_errors() -> None:
    config = LostOwnerConfig(lost_after_months=10**6, long_lost_after_months=10**7)
    with pytest.raises(ValidationError, match="months before") as caught:
        list(lost_owners([ownership("O1", "C1", "V1")], [], date(2026, 11, 23), config))
    assert caught.value.field == "lost_after_months"
    with pytest.raises(ValidationError):
        retention_status(None, date(1, 1, 1), date(1, 1, 1))
    with pytest.raises(ValidationError) as caught:
        qualifying_tier(club_member("M1", "C1"), [], date(1, 1, 2), TierPolicy())
    assert caught.value.field == "window_months"


def test_anchor_kinds_may_be_members_or_their_values() -> None:
    config = KpiConfig(sales_callback_anchors=frozenset({"delivery", AnchorKind.SALE}))
    assert config.sales_callback_anchors == {AnchorKind.DELIVERY, AnchorKind.SALE}
