"""Identifier types.

A DMS already has ids for its dealers, customers and vehicles; the library takes them as
they are (opaque strings) instead of minting its own, so records map one-to-one onto the
host's rows. ``NewType`` keeps a customer id from being passed where a vehicle id belongs.
"""

from __future__ import annotations

from typing import NewType

DealerId = NewType("DealerId", str)
StaffId = NewType("StaffId", str)
CustomerId = NewType("CustomerId", str)
VehicleId = NewType("VehicleId", str)
OwnershipId = NewType("OwnershipId", str)
InteractionId = NewType("InteractionId", str)
CaseId = NewType("CaseId", str)
TaskId = NewType("TaskId", str)
MessageId = NewType("MessageId", str)
