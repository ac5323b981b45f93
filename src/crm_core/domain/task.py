"""Follow-up tasks: what the planner says someone must do, and by when."""

from __future__ import annotations

import enum
from datetime import date, datetime

import attrs

from crm_core.domain._mask import mask_phone, mask_text
from crm_core.domain._validators import as_members, aware, non_empty, non_negative
from crm_core.domain.contact import Channel
from crm_core.domain.dealer import StaffRole
from crm_core.domain.ids import CustomerId, DealerId, StaffId, TaskId, VehicleId
from crm_core.errors import ValidationError


class TaskStatus(enum.StrEnum):
    """Where a follow-up task stands: planned, done, cancelled, or deferred by the contact cap.

    Re-planning never reopens a task that is done or cancelled.
    """

    PLANNED = "planned"
    DONE = "done"
    CANCELLED = "cancelled"
    DEFERRED = "deferred"  # pushed back by the contact cap; the reason is on the task


@attrs.frozen(slots=True)
class FollowUpTask:
    """A callback, reminder or greeting due for one subject.

    ``id`` is derived from (calendar rule, subject, anchor event) so planning the same facts
    twice yields the same task, and a repository storing it twice stores it once.
    ``explanation`` answers "why is this customer on today's list" in one line.
    """

    id: TaskId = attrs.field(validator=non_empty)
    dealer_id: DealerId = attrs.field(validator=non_empty)
    rule_id: str
    customer_id: CustomerId
    due_from: datetime = attrs.field(validator=aware)
    due_until: datetime = attrs.field(validator=aware)
    role: StaffRole
    channels: tuple[Channel, ...]
    anchor: str  # the anchor event's kind, e.g. "delivery", "repair_handed_back"
    anchor_date: date
    explanation: str
    vehicle_id: VehicleId | None = None
    assignee_id: StaffId | None = None
    priority: int = 0  # higher first; redlist customers get a boost
    focus: str | None = None  # script / focus key of the call
    contact_name: str | None = attrs.field(default=None, repr=mask_text)  # e.g. the reporter
    contact_phone: str | None = attrs.field(default=None, repr=mask_phone)  # number to call
    preferred_time: str | None = None  # the customer's preferred time, as recorded
    attempt: int = attrs.field(default=1, validator=non_negative)
    status: TaskStatus = TaskStatus.PLANNED
    status_reason: str | None = None
    version: int = attrs.field(default=0, validator=non_negative)
    updated_at: datetime | None = attrs.field(default=None, validator=aware)

    def __attrs_post_init__(self) -> None:
        as_members(self)
        if self.due_until < self.due_from:
            raise ValidationError("due window ends before it starts", field="due_until")
        if not self.channels:
            raise ValidationError("a task needs at least one channel", field="channels")
