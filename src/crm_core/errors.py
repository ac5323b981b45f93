"""The library's typed error hierarchy.

A host catches :class:`CrmCoreError` to handle anything the library raises on purpose, or
one of its branches to handle a kind of failure: bad input (:class:`ValidationError`),
storage (:class:`RepositoryError`), gateways (:class:`NotifierError`) and broken standards
files (:class:`StandardsError`). Driver and gateway exceptions never escape raw: adapters
translate them (``raise DuplicateError(...) from exc``) so a host's code does not depend on
which database or SMS provider is behind the port.

Messages never contain personal data in clear (phones, ID numbers, e-mail addresses are
masked before they reach an error message), because error messages end up in logs.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "ConflictError",
    "CrmCoreError",
    "DuplicateError",
    "InsufficientPointsError",
    "InvalidChecksum",
    "InvalidComponent",
    "InvalidFormat",
    "InvalidLength",
    "NotFoundError",
    "NotifierError",
    "PermanentNotifierError",
    "RecordValidationError",
    "RepositoryError",
    "ScheduleError",
    "StandardsError",
    "TransientNotifierError",
    "UnknownCalendarYearError",
    "UnknownFestivalYearError",
    "UnknownRuleError",
    "ValidationError",
]


class CrmCoreError(Exception):
    """Root of every error the library raises on purpose."""


class ValidationError(CrmCoreError, ValueError):
    """A value cannot be what it claims to be (a VIN, a plate, a phone number, a record).

    It subclasses :class:`ValueError` so code written against plain Python conventions
    (``except ValueError``) keeps working, as python-stdnum's errors do.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class InvalidFormat(ValidationError):
    """The value has characters or a structure the standard does not allow."""


class InvalidLength(ValidationError):
    """The value has the wrong number of characters or digits."""


class InvalidChecksum(ValidationError):
    """The value's check character does not match the rest of it."""


class InvalidComponent(ValidationError):
    """A part of the value (a region code, a province, a date) is not a known one."""


class RecordValidationError(ValidationError):
    """A record as a whole is malformed; ``errors`` lists every field that failed.

    Raised when structuring a record from untrusted data (a JSON payload, a database row):
    all field errors are collected so the host can report them together, not one by one.
    """

    def __init__(self, record_type: str, errors: Sequence[ValidationError]) -> None:
        self.record_type = record_type
        self.errors = tuple(errors)
        detail = "; ".join(str(e) for e in self.errors) or "invalid record"
        super().__init__(f"invalid {record_type}: {detail}")


class RepositoryError(CrmCoreError):
    """Storage failed; adapters raise one of the subclasses wherever the cause is known."""


class NotFoundError(RepositoryError, LookupError):
    """No record with the requested id exists (for this dealer)."""


class DuplicateError(RepositoryError):
    """A record with the same id (or another unique key) already exists."""


class ConflictError(RepositoryError):
    """The record changed since the caller read it: the update carried a stale version.

    The caller should re-read, re-apply its change and try again; the store never
    overwrites a newer version with an older one.
    """


class NotifierError(CrmCoreError):
    """A message could not be handed to a gateway."""


class TransientNotifierError(NotifierError):
    """The gateway may accept the same message later (timeout, 429, 5xx, dropped line).

    The outbox dispatcher retries these with exponential backoff.
    """


class PermanentNotifierError(NotifierError):
    """The gateway will never accept this message: a bad number, rejected content, opted out.

    The dispatcher parks it with the reason for a person to see.
    """


class StandardsError(CrmCoreError):
    """A standards file (a follow-up calendar, thresholds, a holiday schedule) is invalid.

    The message names the file, the rule and the field, so the author of a host's own
    calendar can find the mistake without reading library code.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        rule: str | None = None,
        field: str | None = None,
    ) -> None:
        self.source = source
        self.rule = rule
        self.field = field
        where = ", ".join(
            part
            for part in (
                f"file {source}" if source else "",
                f"rule {rule}" if rule else "",
                f"field {field}" if field else "",
            )
            if part
        )
        super().__init__(f"{where}: {message}" if where else message)


class UnknownRuleError(StandardsError, LookupError):
    """A loaded calendar has no rule with the id asked for.

    Rules a host's override switches off are dropped when the calendar loads, so an id
    that stands in the brand's file can still be unknown to the calendar in hand.
    """

    def __init__(self, calendar: str, rule: str) -> None:
        self.calendar = calendar
        super().__init__(f"calendar {calendar} has no enabled rule with this id", rule=rule)


class ScheduleError(CrmCoreError):
    """A scheduling question cannot be answered from the data given."""


class UnknownCalendarYearError(ScheduleError, LookupError):
    """The working-day calendar has no official schedule for a year.

    China's holidays and adjusted working weekends (调休) are announced each year by the
    State Council; guessing them would put callbacks on days the dealer is closed. Add the
    year's schedule (see ``docs/calendars.md``) instead.
    """

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"no official working-day schedule for {year}; add the State Council's "
            f"schedule for {year} to the calendar"
        )


class UnknownFestivalYearError(ScheduleError, LookupError):
    """A lunar festival's date is asked for a year outside the shipped table (2000–2060).

    The table is generated, not computed at run time; extend it with
    ``tools/gen_lunar_table.py`` rather than guess a lunar date.
    """

    def __init__(self, festival: str, year: int) -> None:
        self.festival = festival
        self.year = year
        super().__init__(f"no date for {festival} in {year}: the lunar table does not cover it")


class InsufficientPointsError(ValidationError):
    """A redemption, expiry or negative adjustment asks for more points than the member holds.

    The points are counted in the entry's pot (OEM or dealer). The ledger refuses it whole:
    a balance never goes negative, and a redemption is never half-applied.
    """

    def __init__(self, *, member_id: str, source: str, requested: int, available: int) -> None:
        self.member_id = member_id
        self.source = source
        self.requested = requested
        self.available = available
        super().__init__(
            f"member {member_id} asks for {requested} {source} points but holds {available}",
            field="points",
        )
