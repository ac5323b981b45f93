"""Identifier types.

A DMS already has ids for its dealers, customers and vehicles; the library takes them as
they are (opaque strings) instead of minting its own, so records map one-to-one onto the
host's rows. ``NewType`` keeps a customer id from being passed where a vehicle id belongs.
"""

from __future__ import annotations

from typing import NewType

DealerId = NewType("DealerId", str)
DealerId.__doc__ = "A dealership's id, as the host's DMS has it."
StaffId = NewType("StaffId", str)
StaffId.__doc__ = "A dealer employee's id, as the host's DMS has it."
CustomerId = NewType("CustomerId", str)
CustomerId.__doc__ = "A customer file's id (一人一档), as the host's DMS has it."
VehicleId = NewType("VehicleId", str)
VehicleId.__doc__ = "A vehicle file's id (一车一档), as the host's DMS has it."
OwnershipId = NewType("OwnershipId", str)
OwnershipId.__doc__ = "The id of one ownership record (who held which car when)."
InteractionId = NewType("InteractionId", str)
InteractionId.__doc__ = "The id of one contact: a call, visit, repair order, callback, SMS …"
CaseId = NewType("CaseId", str)
CaseId.__doc__ = "A hotline case's or complaint's id, as the host's DMS has it."
TaskId = NewType("TaskId", str)
TaskId.__doc__ = "A follow-up task's id, derived by the planner from (rule, subject, anchor event)."
MessageId = NewType("MessageId", str)
MessageId.__doc__ = "An outbox message's id, derived from its task: the gateway's idempotency key."
