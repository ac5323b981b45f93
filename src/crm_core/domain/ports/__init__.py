"""The core's ports: interfaces a host's infrastructure implements (ABCs whose docstrings
state the contract that :mod:`crm_core.testing` checks).

Storage ports live in :mod:`crm_core.domain.ports.storage`; notifier ports in
:mod:`crm_core.domain.ports.notifiers`; both are importable from here.
"""

from crm_core.domain.ports.notifiers import (
    Email,
    EmailNotifier,
    Sms,
    SmsNotifier,
    check_email_address,
    check_sms_recipient,
)
from crm_core.domain.ports.storage import (
    AgendaSubject,
    AnchorHit,
    AnchorQuery,
    AuditLog,
    CaseRepository,
    Clock,
    ClubMemberRepository,
    CustomerRepository,
    DateRange,
    DealerRepository,
    InteractionRepository,
    OutboxRepository,
    OwnershipRepository,
    PointsLedgerRepository,
    ReferralRepository,
    Repository,
    StaffRepository,
    StoredRecord,
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
    "CustomerRepository",
    "DateRange",
    "DealerRepository",
    "Email",
    "EmailNotifier",
    "InteractionRepository",
    "OutboxRepository",
    "OwnershipRepository",
    "PointsLedgerRepository",
    "ReferralRepository",
    "Repository",
    "Sms",
    "SmsNotifier",
    "StaffRepository",
    "StoredRecord",
    "TaskRepository",
    "TaskUpsertResult",
    "UnitOfWork",
    "VehicleRepository",
    "check_email_address",
    "check_sms_recipient",
]
