"""crm_core: customer-relations logic for Chinese automotive dealer management systems.

The stable public API is the names below — the records, their ids and enums, the typed
errors and the converter — and the ``__all__`` of these namespaces:

- ``crm_core.domain.rules``: record checks (``check_customer`` …) and one module per
  identifier standard (``vin``, ``plate``, ``phone``, ``id_card`` …);
- ``crm_core.domain.ports``: the storage and notifier interfaces a host implements;
- ``crm_core.schedule``: working days, the follow-up calendars, the planner, SLAs;
- ``crm_core.scoring``: KPIs, the callback report, loyalty, churn, segments;
- ``crm_core.testing``: contract suites and rule assertions for a host's own tests;
- ``crm_core.adapters.*``: one module per backend (their dependencies are extras, so the
  package does not import them for you).

Everything else may change between minor versions. See ``docs/quickstart.md`` and
``docs/api.md``.
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
from crm_core.errors import (
    ConflictError,
    CrmCoreError,
    DuplicateError,
    InsufficientPointsError,
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    NotFoundError,
    NotifierError,
    PermanentNotifierError,
    RecordValidationError,
    RepositoryError,
    ScheduleError,
    StandardsError,
    TransientNotifierError,
    UnknownCalendarYearError,
    UnknownFestivalYearError,
    UnknownRuleError,
    ValidationError,
)

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
    "ConflictError",
    "CorrectiveAction",
    "CrmCoreError",
    "Customer",
    "CustomerId",
    "CustomerType",
    "Dealer",
    "DealerId",
    "DuplicateError",
    "FollowUpTask",
    "Gender",
    "IdDocumentType",
    "InsufficientPointsError",
    "InsurancePolicy",
    "Interaction",
    "InteractionId",
    "InteractionKind",
    "InvalidChecksum",
    "InvalidComponent",
    "InvalidFormat",
    "InvalidLength",
    "MembershipStatus",
    "MessageId",
    "MessageStatus",
    "NotFoundError",
    "NotifierError",
    "OutboxMessage",
    "Ownership",
    "OwnershipId",
    "PermanentNotifierError",
    "PointsEntry",
    "PointsKind",
    "PointsSource",
    "PolicyId",
    "Recommendation",
    "RecordValidationError",
    "Referral",
    "RepairOrder",
    "RepositoryError",
    "Sale",
    "ScheduleError",
    "ServiceKind",
    "Staff",
    "StaffId",
    "StaffRole",
    "StandardsError",
    "SurveyAnswer",
    "SurveyId",
    "SurveyKind",
    "SurveyResponse",
    "SurveySource",
    "TaskId",
    "TaskStatus",
    "Tier",
    "TransientNotifierError",
    "UnknownCalendarYearError",
    "UnknownFestivalYearError",
    "UnknownRuleError",
    "UsageNature",
    "ValidationError",
    "Vehicle",
    "VehicleClass",
    "VehicleId",
    "__version__",
    "configure_converter",
    "make_converter",
    "structure_record",
]
