"""attrs validators shared by the records: constructors refuse values that cannot exist."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import attrs

from crm_core.errors import ValidationError


def aware(_: Any, attribute: attrs.Attribute[Any], value: datetime | None) -> None:
    """Refuse naive datetimes: a callback due "at 10:00" means nothing without a zone.

    A fixed offset (``datetime.timezone``, what drivers and parsers mostly hand over)
    always has one, so only other zones are asked for it.
    """
    if value is None:
        return
    zone = value.tzinfo
    if type(zone) is not timezone and (zone is None or value.utcoffset() is None):
        raise ValidationError("datetime must be timezone-aware", field=attribute.name)


def non_empty(_: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    """Refuse empty ids: every stored record must be addressable."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("must be a non-empty string", field=attribute.name)


def non_negative(_: Any, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and value < 0:
        raise ValidationError("must not be negative", field=attribute.name)
