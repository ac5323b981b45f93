"""Loyalty, churn, segments, KPIs and reports: pure functions over records and a period.

See ``docs/kpis.md`` (every KPI's numerator and denominator, the callback report, how to
override the numbers) and ``docs/scoring.md`` (points ledger, tiers, loyalty, churn,
segments, RFM).
"""

from crm_core.scoring.actions import ActionReport, OverdueAction, action_report
from crm_core.scoring.callbacks import (
    CallbackReport,
    CallbackReportConfig,
    CallbackWindow,
    WindowCompliance,
    callback_reports,
)
from crm_core.scoring.churn import (
    ChurnBand,
    ChurnConfig,
    ChurnReason,
    ChurnRisk,
    LostOwner,
    LostOwnerConfig,
    OwnerRetention,
    churn_risk,
    lost_owners,
    owner_churn_risk,
    retention_status,
)
from crm_core.scoring.kpi import (
    NOT_APPLICABLE,
    KpiValue,
    NotApplicable,
    Threshold,
    ThresholdOutcome,
)
from crm_core.scoring.kpis import KpiCode, KpiConfig, KpiSet, dealer_kpis
from crm_core.scoring.ledger import (
    PointsLedger,
    PointsLot,
    Shortfall,
    TierDecision,
    TierPolicy,
    TierRule,
    qualifying_tier,
)
from crm_core.scoring.loyalty import LoyaltyReason, LoyaltyScore, LoyaltyWeights, loyalty_score
from crm_core.scoring.period import Period, PeriodKind
from crm_core.scoring.rfm import RfmConfig, RfmScore, rfm_scores
from crm_core.scoring.segments import (
    CustomerHistory,
    LifecycleStage,
    Segment,
    SegmentConfig,
    SegmentResult,
    StageResult,
    customer_segment,
    lifecycle_stage,
)
from crm_core.scoring.surveys import QuestionScore, SurveyConfig, SurveySummary, survey_summaries

__all__ = [
    "NOT_APPLICABLE",
    "ActionReport",
    "CallbackReport",
    "CallbackReportConfig",
    "CallbackWindow",
    "ChurnBand",
    "ChurnConfig",
    "ChurnReason",
    "ChurnRisk",
    "CustomerHistory",
    "KpiCode",
    "KpiConfig",
    "KpiSet",
    "KpiValue",
    "LifecycleStage",
    "LostOwner",
    "LostOwnerConfig",
    "LoyaltyReason",
    "LoyaltyScore",
    "LoyaltyWeights",
    "NotApplicable",
    "OverdueAction",
    "OwnerRetention",
    "Period",
    "PeriodKind",
    "PointsLedger",
    "PointsLot",
    "QuestionScore",
    "RfmConfig",
    "RfmScore",
    "Segment",
    "SegmentConfig",
    "SegmentResult",
    "Shortfall",
    "StageResult",
    "SurveyConfig",
    "SurveySummary",
    "Threshold",
    "ThresholdOutcome",
    "TierDecision",
    "TierPolicy",
    "TierRule",
    "WindowCompliance",
    "action_report",
    "callback_reports",
    "churn_risk",
    "customer_segment",
    "dealer_kpis",
    "lifecycle_stage",
    "lost_owners",
    "loyalty_score",
    "owner_churn_risk",
    "qualifying_tier",
    "retention_status",
    "rfm_scores",
    "survey_summaries",
]
