"""Audit entries: who changed a customer's file in a way a person may later question.

Merging two customer files (the CLI's duplicate merge), erasing a customer on request and
similar bulk corrections rewrite history; an audit entry records that they happened, by
whom and on which records, so a CR manager can answer "where did this file go". Entries
never hold personal data themselves (names, phones): only ids and a stable action key.
"""

from __future__ import annotations

from datetime import datetime

import attrs

from crm_core.domain._validators import aware, non_empty, non_negative
from crm_core.domain.ids import DealerId

__all__ = ["AuditEntry"]


@attrs.frozen(slots=True)
class AuditEntry:
    """One audited action.

    ``action`` is a stable, dotted key (``"customer.merge"``, ``"customer.erase"``) that a
    host can filter on; ``subject_type``/``subject_id`` name the record acted on and
    ``related_ids`` the others involved (the duplicate merged into the survivor).
    ``actor`` is a staff id, or a tool's name for automatic actions.
    """

    id: str = attrs.field(validator=non_empty)
    dealer_id: DealerId = attrs.field(validator=non_empty)
    at: datetime = attrs.field(validator=aware)
    actor: str = attrs.field(validator=non_empty)
    action: str = attrs.field(validator=non_empty)
    subject_type: str = attrs.field(validator=non_empty)
    subject_id: str = attrs.field(validator=non_empty)
    related_ids: tuple[str, ...] = ()
    detail: str | None = None
    version: int = attrs.field(default=0, validator=non_negative)
    updated_at: datetime | None = attrs.field(default=None, validator=aware)
