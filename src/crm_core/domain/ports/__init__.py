"""The core's ports: interfaces a host's infrastructure implements (ABCs whose docstrings
state the contract that :mod:`crm_core.testing` checks).

Storage ports live in :mod:`crm_core.domain.ports.storage`; notifier ports in
:mod:`crm_core.domain.ports.notifiers`.
"""

from crm_core.domain.ports.storage import (
    AgendaSubject,
    AnchorHit,
    AnchorQuery,
    AuditLog,
    CaseRepository,
    Clock,
    ClubMemberRepository,
    CorrectiveActionRepository,
    CustomerRepository,
    DateRange,
    DealerRepository,
    InsurancePolicyRepository,
    InteractionRepository,
    OutboxRepository,
    OwnershipRepository,
    PointsLedgerRepository,
    ReferralRepository,
    Repository,
    StaffRepository,
    StoredRecord,
    SurveyResponseRepository,
    TaskRepository,
    TaskUpsertResult,
    UnitOfWork,
    VehicleRepository,
)

__all__ = [
    "AgendaSubject",
    "AnchorHit",
    "AnchorQuery",
    "AuditLog",
    "CaseRepository",
    "Clock",
    "ClubMemberRepository",
    "CorrectiveActionRepository",
    "CustomerRepository",
    "DateRange",
    "DealerRepository",
    "InsurancePolicyRepository",
    "InteractionRepository",
    "OutboxRepository",
    "OwnershipRepository",
    "PointsLedgerRepository",
    "ReferralRepository",
    "Repository",
    "StaffRepository",
    "StoredRecord",
    "SurveyResponseRepository",
    "TaskRepository",
    "TaskUpsertResult",
    "UnitOfWork",
    "VehicleRepository",
]
