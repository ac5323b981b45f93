"""crm_core: customer-relations logic for Chinese automotive dealer management systems.

The names below are the stable public API; everything else may change between minor
versions. See ``docs/quickstart.md``.
"""

from crm_core.domain.action import ActionId, ActionKind, ActionStatus, CorrectiveAction
from crm_core.domain.anchor import AnchorKind
from crm_core.domain.case import Case, CaseKind, CaseSource, CaseStatus, CaseStatusChange
from crm_core.domain.contact import Channel
from crm_core.domain.customer import Customer, CustomerType, Gender, IdDocumentType
from crm_core.domain.dealer import Dealer, Staff, StaffRole
from crm_core.domain.ids import (
    CaseId,
    CustomerId,
    DealerId,
    InteractionId,
    MessageId,
    OwnershipId,
    StaffId,
    TaskId,
    VehicleId,
)
from crm_core.domain.insurance import InsurancePolicy, PolicyId
from crm_core.domain.interaction import (
    Callback,
    CallbackOutcome,
    ClubActivity,
    Interaction,
    InteractionKind,
    Recommendation,
    RepairOrder,
    Sale,
    ServiceKind,
    SurveyAnswer,
)
from crm_core.domain.membership import (
    ClubMember,
    MembershipStatus,
    PointsEntry,
    PointsKind,
    PointsSource,
    Referral,
    Tier,
)
from crm_core.domain.message import MessageStatus, OutboxMessage
from crm_core.domain.serialization import configure_converter, make_converter, structure_record
from crm_core.domain.survey import SurveyId, SurveyKind, SurveyResponse, SurveySource
from crm_core.domain.task import FollowUpTask, TaskStatus
from crm_core.domain.vehicle import Ownership, UsageNature, Vehicle, VehicleClass

__version__ = "0.1.0"

__all__ = [
    "ActionId",
    "ActionKind",
    "ActionStatus",
    "AnchorKind",
    "Callback",
    "CallbackOutcome",
    "Case",
    "CaseId",
    "CaseKind",
    "CaseSource",
    "CaseStatus",
    "CaseStatusChange",
    "Channel",
    "ClubActivity",
    "ClubMember",
    "CorrectiveAction",
    "Customer",
    "CustomerId",
    "CustomerType",
    "Dealer",
    "DealerId",
    "FollowUpTask",
    "Gender",
    "IdDocumentType",
    "InsurancePolicy",
    "Interaction",
    "InteractionId",
    "InteractionKind",
    "MembershipStatus",
    "MessageId",
    "MessageStatus",
    "OutboxMessage",
    "Ownership",
    "OwnershipId",
    "PointsEntry",
    "PointsKind",
    "PointsSource",
    "PolicyId",
    "Recommendation",
    "Referral",
    "RepairOrder",
    "Sale",
    "ServiceKind",
    "Staff",
    "StaffId",
    "StaffRole",
    "SurveyAnswer",
    "SurveyId",
    "SurveyKind",
    "SurveyResponse",
    "SurveySource",
    "TaskId",
    "TaskStatus",
    "Tier",
    "UsageNature",
    "Vehicle",
    "VehicleClass",
    "VehicleId",
    "__version__",
    "configure_converter",
    "make_converter",
    "structure_record",
]
