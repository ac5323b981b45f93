"""Corrective and preventive actions (整改措施 / 预防措施, seed 001).

Seed 001 asks that every problem a callback or the monthly callback report brings up gets
an action with a named owner and a completion date, approved by the general manager and
supervised by the service manager. A corrective action answers a complaint that happened;
a preventive one answers a problem that recurs across callbacks before it turns into a
complaint.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import NewType

import attrs

from crm_core.domain._validators import as_members, aware, non_empty, non_negative
from crm_core.domain.ids import CaseId, DealerId, InteractionId, StaffId
from crm_core.errors import ValidationError

__all__ = ["ActionId", "ActionKind", "ActionStatus", "CorrectiveAction"]

ActionId = NewType("ActionId", str)
ActionId.__doc__ = "A corrective or preventive action's id, as the host's DMS has it."


class ActionKind(enum.StrEnum):
    """Whether an action fixes a problem that happened or prevents one recurring (seed 001)."""

    CORRECTIVE = "corrective"  # 整改措施: fixes a problem that reached a customer
    PREVENTIVE = "preventive"  # 预防措施: removes the cause of a recurring problem


class ActionStatus(enum.StrEnum):
    """Where a corrective or preventive action stands: open, in progress, done or cancelled."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"

    @property
    def is_closed(self) -> bool:
        return self in (ActionStatus.DONE, ActionStatus.CANCELLED)


@attrs.frozen(slots=True)
class CorrectiveAction:
    """One action: which issue it answers, who owns it, by when.

    ``issue`` is the same issue code a callback records in ``Callback.issues`` (e.g.
    ``"waiting_time"``), so the monthly report can tell which issues still lack an action.
    ``closed_at`` is set exactly when the status is closed.
    """

    id: ActionId = attrs.field(validator=non_empty)
    dealer_id: DealerId = attrs.field(validator=non_empty)
    kind: ActionKind
    issue: str = attrs.field(validator=non_empty)
    description: str
    owner_id: StaffId = attrs.field(validator=non_empty)
    deadline: date
    opened_at: datetime = attrs.field(validator=aware)
    status: ActionStatus = ActionStatus.OPEN
    closed_at: datetime | None = attrs.field(default=None, validator=aware)
    approved_by: StaffId | None = None  # the general manager's approval (seed 001)
    case_id: CaseId | None = None
    source_interaction_id: InteractionId | None = None  # the callback that found the issue
    result: str | None = None
    version: int = attrs.field(default=0, validator=non_negative)
    updated_at: datetime | None = attrs.field(default=None, validator=aware)

    def __attrs_post_init__(self) -> None:
        as_members(self)
        if self.status.is_closed and self.closed_at is None:
            raise ValidationError(f"a {self.status} action needs closed_at", field="closed_at")
        if not self.status.is_closed and self.closed_at is not None:
            raise ValidationError(f"a {self.status} action cannot be closed", field="closed_at")
        if self.closed_at is not None and self.closed_at < self.opened_at:
            raise ValidationError("action closed before it was opened", field="closed_at")
