"""What a rule check reports: a stable code, the field, a message and a severity.

Checks report, constructors refuse (DESIGN rule 6): a host shows violations to the person
who keyed the record instead of rejecting the whole record, so every check returns a
tuple of :class:`Violation` — empty when the record is clean — and never raises for bad
data. Messages never quote the value itself (a phone or ID number would end up in logs);
they say what is wrong with it.
"""

from __future__ import annotations

import enum
from typing import Protocol

import attrs

from crm_core.domain._validators import as_members

__all__ = ["IdentifierStandard", "Severity", "Violation"]


class Severity(enum.StrEnum):
    """How bad a defect is: an error to correct, or a warning for a person to look at.

    ``ERROR``: the value is wrong and the OEM system rejects or
    miscounts it; ``WARNING``: suspicious or incomplete, a person should look."""

    ERROR = "error"
    WARNING = "warning"


@attrs.frozen(slots=True)
class Violation:
    """One defect in one field: a stable rule code, the field, a message and a severity.

    >>> Violation("PLATE_NO_PROVINCE", "plate", "no province abbreviation")
    Violation(code='PLATE_NO_PROVINCE', field='plate', message='no province abbreviation', severity=<Severity.ERROR: 'error'>)
    """  # noqa: E501

    code: str
    field: str
    message: str
    severity: Severity = Severity.ERROR

    __attrs_post_init__ = as_members

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def __str__(self) -> str:
        return f"{self.code} [{self.severity}] {self.field}: {self.message}"

    def at(self, prefix: str) -> Violation:
        """The same violation inside a larger record (``vin`` → ``vehicle.vin``)."""
        return Violation(self.code, f"{prefix}.{self.field}", self.message, self.severity)


class IdentifierStandard(Protocol):
    """The functions every identifier module has: ``compact``, ``validate``, ``is_valid`` …

    It is python-stdnum's shape plus :func:`check`, so a host can treat the modules of
    :mod:`crm_core.domain.rules` alike:

    >>> from crm_core.domain.rules import plate, vin
    >>> standards: list[IdentifierStandard] = [plate, vin]
    >>> [s.is_valid("沪A12345") for s in standards]
    [True, False]
    """

    def compact(self, value: str, /) -> str:
        """The value in its minimal, storable form (separators and case removed)."""
        ...

    def validate(self, value: str, /) -> str:
        """The compact value, or a typed :class:`~crm_core.errors.ValidationError`."""
        ...

    def is_valid(self, value: str, /) -> bool: ...

    def format(self, value: str, /) -> str:
        """The value as a person should see it."""
        ...

    def check(self, value: object, /) -> tuple[Violation, ...]:
        """Every defect of the value as entered, warnings included; never raises."""
        ...
