"""Cases: what a customer asks for or complains about, and how it was handled (seed 000's
hotline record: type, content, CR representative, handling department and person,
progress)."""

from __future__ import annotations

import enum
import itertools
from datetime import datetime

import attrs

from crm_core.domain._mask import mask_phone
from crm_core.domain._validators import as_members, aware, non_empty, non_negative
from crm_core.domain.ids import CaseId, CustomerId, DealerId, InteractionId, StaffId, VehicleId
from crm_core.errors import ValidationError


class CaseKind(enum.StrEnum):
    """What a case is about: inquiry, appointment, complaint, rescue, suggestion or other.

    The case types of seed 000's hotline record (咨询, 预约, 投诉, 救援, 建议, 其它); the SLA
    definitions select cases by them.
    """

    INQUIRY = "inquiry"  # 咨询
    APPOINTMENT = "appointment"  # 预约
    COMPLAINT = "complaint"  # 投诉
    RESCUE = "rescue"  # 救援
    SUGGESTION = "suggestion"  # 建议
    OTHER = "other"  # 其它


class CaseSource(enum.StrEnum):
    """Where a case came from: the hotline, a callback, a written request, a survey, a walk-in.

    Some sources carry their own deadline, which the SLA definitions match on: written
    requests and third-party SSI/CSI findings are handled within 48 h (seed 000), a
    complaint found on a callback goes to the general manager within half a working day
    (seed 001).
    """

    HOTLINE = "hotline"
    CALLBACK = "callback"  # found during a callback (seed 001 escalation)
    WRITTEN_REQUEST = "written_request"  # 48 h (seed 000)
    THIRD_PARTY_SURVEY = "third_party_survey"  # SSI/CSI findings, 48 h (seed 000)
    WALK_IN = "walk_in"
    OTHER = "other"


class CaseStatus(enum.StrEnum):
    """Where a case stands: open, escalated, answered (the customer heard back), resolved, closed.

    The order matters: an SLA whose target is ANSWERED is met by a case that went straight
    to RESOLVED. A complaint that is not ``is_final`` (resolved or closed) is an open
    complaint for the loyalty, churn and segment scores.
    """

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
    """One step of a case's history: the status it moved to, when, by whom, with a note.

    The SLAs time a case from these steps (:meth:`Case.first_reached`).
    """

    status: CaseStatus
    at: datetime = attrs.field(validator=aware)
    by: StaffId | None = None
    note: str | None = None

    __attrs_post_init__ = as_members


def _history_in_order(_: object, __: object, value: tuple[CaseStatusChange, ...]) -> None:
    if not value:
        raise ValidationError("a case needs at least its opening status", field="history")
    if any(b.at < a.at for a, b in itertools.pairwise(value)):
        raise ValidationError("status changes must be in time order", field="history")


@attrs.frozen(slots=True)
class Case:
    """A hotline case or complaint, with who handles it and every status change so far.

    The fields are seed 000's hotline record: caller, phone, vehicle, case type, content,
    CR representative, handling department and person, remarks. ``status`` is the last
    entry of ``history`` (time-ordered, never empty); a complaint found on a callback points
    back to that callback through ``origin_interaction_id``.
    """

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

    __attrs_post_init__ = as_members

    @property
    def status(self) -> CaseStatus:
        return self.history[-1].status

    def first_reached(self, status: CaseStatus) -> datetime | None:
        """When the case first reached ``status`` (for SLA measurement)."""
        return next((change.at for change in self.history if change.status is status), None)
