"""Cases: what a customer asks for or complains about, and how it was handled (seed 000's
hotline record: type, content, CR representative, handling department and person,
progress)."""

from __future__ import annotations

import enum
import itertools
from datetime import datetime

import attrs

from crm_core.domain._mask import mask_phone
from crm_core.domain._validators import aware, non_empty, non_negative
from crm_core.domain.ids import CaseId, CustomerId, DealerId, InteractionId, StaffId, VehicleId
from crm_core.errors import ValidationError


class CaseKind(enum.StrEnum):
    INQUIRY = "inquiry"  # 咨询
    APPOINTMENT = "appointment"  # 预约
    COMPLAINT = "complaint"  # 投诉
    RESCUE = "rescue"  # 救援
    SUGGESTION = "suggestion"  # 建议
    OTHER = "other"  # 其它


class CaseSource(enum.StrEnum):
    HOTLINE = "hotline"
    CALLBACK = "callback"  # found during a callback (seed 001 escalation)
    WRITTEN_REQUEST = "written_request"  # 48 h (seed 000)
    THIRD_PARTY_SURVEY = "third_party_survey"  # SSI/CSI findings, 48 h (seed 000)
    WALK_IN = "walk_in"
    OTHER = "other"


class CaseStatus(enum.StrEnum):
    OPEN = "open"
    ESCALATED = "escalated"  # passed to the general manager / responsible department
    ANSWERED = "answered"  # the customer got an answer
    RESOLVED = "resolved"
    CLOSED = "closed"

    @property
    def is_final(self) -> bool:
        return self in (CaseStatus.RESOLVED, CaseStatus.CLOSED)


@attrs.frozen(slots=True)
class CaseStatusChange:
    status: CaseStatus
    at: datetime = attrs.field(validator=aware)
    by: StaffId | None = None
    note: str | None = None


def _history_in_order(_: object, __: object, value: tuple[CaseStatusChange, ...]) -> None:
    if not value:
        raise ValidationError("a case needs at least its opening status", field="history")
    if any(b.at < a.at for a, b in itertools.pairwise(value)):
        raise ValidationError("status changes must be in time order", field="history")


@attrs.frozen(slots=True)
class Case:
    id: CaseId = attrs.field(validator=non_empty)
    dealer_id: DealerId = attrs.field(validator=non_empty)
    kind: CaseKind
    opened_at: datetime = attrs.field(validator=aware)
    history: tuple[CaseStatusChange, ...] = attrs.field(validator=_history_in_order)
    source: CaseSource = CaseSource.HOTLINE
    customer_id: CustomerId | None = None
    vehicle_id: VehicleId | None = None
    caller_name: str | None = None
    caller_phone: str | None = attrs.field(default=None, repr=mask_phone)
    content: str | None = None
    cr_staff_id: StaffId | None = None  # CR representative who took it
    department: str | None = None  # handling department
    handler_staff_id: StaffId | None = None
    origin_interaction_id: InteractionId | None = None  # the callback that found it
    remarks: str | None = None
    version: int = attrs.field(default=0, validator=non_negative)
    updated_at: datetime | None = attrs.field(default=None, validator=aware)

    @property
    def status(self) -> CaseStatus:
        return self.history[-1].status

    def first_reached(self, status: CaseStatus) -> datetime | None:
        """When the case first reached ``status`` (for SLA measurement)."""
        return next((change.at for change in self.history if change.status is status), None)
