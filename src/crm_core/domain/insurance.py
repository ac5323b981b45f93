"""Insurance policies a dealer knows of, for the renewal rate (续保率, seed 000).

One record per policy term. A renewal is a new policy whose ``renewal_of`` names the term
it continues; the renewal rate counts the terms ending in a period that have a renewal the
dealer sold.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import NewType

import attrs

from crm_core.domain._validators import aware, finite, non_empty, non_negative
from crm_core.domain.ids import CustomerId, DealerId, VehicleId
from crm_core.errors import ValidationError

__all__ = ["InsurancePolicy", "PolicyId"]

PolicyId = NewType("PolicyId", str)
PolicyId.__doc__ = "An insurance policy term's id, as the host's DMS has it."


@attrs.frozen(slots=True)
class InsurancePolicy:
    """A policy term from ``starts_on`` to ``ends_on`` (inclusive)."""

    id: PolicyId = attrs.field(validator=non_empty)
    dealer_id: DealerId = attrs.field(validator=non_empty)
    vehicle_id: VehicleId = attrs.field(validator=non_empty)
    starts_on: date
    ends_on: date
    customer_id: CustomerId | None = None
    sold_by_dealer: bool = True  # False: a term the dealer only knows of (sold elsewhere)
    renewal_of: PolicyId | None = None
    insurer: str | None = None
    premium: Decimal | None = attrs.field(default=None, validator=finite)
    version: int = attrs.field(default=0, validator=non_negative)
    updated_at: datetime | None = attrs.field(default=None, validator=aware)

    def __attrs_post_init__(self) -> None:
        if self.ends_on < self.starts_on:
            raise ValidationError("policy ends before it starts", field="ends_on")
        if self.renewal_of == self.id:
            raise ValidationError("a policy cannot renew itself", field="renewal_of")
