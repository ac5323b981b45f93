"""Resident identity card numbers (公民身份号码, GB 11643-1999).

18 characters: a six-digit administrative division code (GB/T 2260) of the place of
first registration, the birth date as YYYYMMDD, a three-digit sequence number (odd for
men, even for women) and an ISO 7064 MOD 11-2 check character (``0``–``9`` or ``X``).

The division code is checked against every code GB/T 2260 ever listed, but a code that
is missing is a *warning*, not an error: counties are merged and renamed, their people
keep their numbers, and no list is complete (python-stdnum's ``cn.ric`` rejects valid
numbers this way, its issue #442). An unknown province (the first two digits) is an
error: those have not changed since 1988. The 15-digit first-generation numbers lost
their validity in 2013 and are refused.

>>> validate("11010519491231002x")
'11010519491231002X'
>>> birth_date("11010519491231002X"), gender("11010519491231002X")
(datetime.date(1949, 12, 31), <Gender.FEMALE: 'female'>)
>>> [v.code for v in check("110105194912310021")]
['ID_CARD_CHECKSUM']
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from types import MappingProxyType

import attrs

from crm_core.domain._validators import as_members
from crm_core.domain.customer import Gender
from crm_core.domain.rules._cn_tables import DIVISION_CODES
from crm_core.domain.rules._support import (
    Separators,
    canonical,
    holds,
    not_normalised,
    not_text,
    raise_first_error,
    require_text,
    violation,
)
from crm_core.domain.rules.violation import Severity, Violation
from crm_core.errors import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)

__all__ = [
    "DEFAULT_POLICY",
    "IdCardPolicy",
    "birth_date",
    "calc_check_digit",
    "check",
    "clean_birth_date",
    "compact",
    "decode_birth_date",
    "format",
    "gender",
    "is_clean",
    "is_valid",
    "validate",
]

_CHECK = "10X98765432"
# ISO 7064 MOD 11-2: a valid number has Σ aᵢ·2^(18-i) ≡ 1 (mod 11) over all 18 characters,
# X counting 10. Read as a base-35 numeral the number is ≡ that sum (35 ≡ 2), except that
# X reads as 33 ≡ 0 instead of 10: a valid number ending in X leaves 1 - 10 ≡ 2.
_REMAINDER_OF_VALID_X = 2
_from_iso = date.fromisoformat  # CPython 3.11 looks class attributes up slowly
_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
_STRIP = Separators(r"[\s\-]+")
_ERRORS: Mapping[str, type[ValidationError]] = MappingProxyType(
    {
        "ID_CARD_MISSING": InvalidLength,
        "ID_CARD_LENGTH": InvalidLength,
        "ID_CARD_FIRST_GENERATION": InvalidLength,
        "ID_CARD_FORMAT": InvalidFormat,
        "ID_CARD_CHECKSUM": InvalidChecksum,
        "ID_CARD_BIRTH_DATE": InvalidComponent,
        "ID_CARD_PROVINCE": InvalidComponent,
        "ID_CARD_AREA_UNKNOWN": InvalidComponent,
    }
)


@attrs.frozen(slots=True)
class IdCardPolicy:
    """The division codes known to be valid and how to treat one that is not listed."""

    division_codes: frozenset[str] = DIVISION_CODES
    unknown_area_severity: Severity = Severity.WARNING
    earliest_birth_year: int = 1900
    _provinces: frozenset[str] = attrs.field(init=False, eq=False, repr=False, hash=False)

    __attrs_post_init__ = as_members

    @_provinces.default
    def _derive_provinces(self) -> frozenset[str]:
        return frozenset(code[:2] for code in self.division_codes)


DEFAULT_POLICY = IdCardPolicy()


def compact(value: str) -> str:
    """Spaces and hyphens removed, ``x`` upper-cased, full-width digits to ASCII."""
    return canonical(require_text(value, "an ID number"), _STRIP)


def calc_check_digit(number: str) -> str:
    """The ISO 7064 MOD 11-2 check character over the first 17 digits."""
    head = number[:17] if isinstance(number, str) else ""
    if len(head) != 17 or not head.isdigit() or not head.isascii():
        raise InvalidFormat("17 digits are needed", field="id_number")
    return _check_char(head)


def _check_char(number: str) -> str:
    # The weights are w_i = 2^(17-i) mod 11 (i = 0..16) and 13 ≡ 2 (mod 11), so twice the
    # digits read as a base-13 numeral, 2 * sum(d_i * 13^(16-i)), is ≡ sum(d_i * w_i):
    # one C-level int() instead of 17 multiplications.
    return _CHECK[2 * int(number[:17], 13) % 11]


def _checks_out(number: str) -> bool:
    """ISO 7064 MOD 11-2 over a number of :data:`_SHAPE`, check character included, in
    one ``int()``: see :data:`_REMAINDER_OF_VALID_X`."""
    return int(number, 35) % 11 == (_REMAINDER_OF_VALID_X if number[17] == "X" else 1)


def decode_birth_date(number: str) -> date | None:
    """The birth date in a compact 18-character number, ``None`` if it is no date; no
    other check (use on numbers :func:`check` found no error in)."""
    digits = number[6:14]
    if len(digits) != 8 or not digits.isdigit() or not digits.isascii():
        return None
    return _shaped_birth_date(number)


def _shaped_birth_date(number: str) -> date | None:
    """:func:`decode_birth_date` of a number of :data:`_SHAPE`, whose positions 7-14
    are ASCII digits: the tests of the text are skipped, and so is the lookup of
    ``date.fromisoformat`` through the class."""
    try:
        return _from_iso(number[6:14])  # YYYYMMDD, Python 3.11+
    except ValueError:
        return None


def clean_birth_date(
    value: object, policy: IdCardPolicy = DEFAULT_POLICY, today: date | None = None
) -> date | None:
    """The birth date of a number :func:`check` finds nothing wrong with, read without
    compacting; ``None`` for every other value ("look closer", not "wrong").

    A record check needs both answers — is the number clean, and when was its holder
    born (to compare with the record's birthday) — and this gives them in one pass.

    >>> clean_birth_date("11010519491231002X"), clean_birth_date("11010519491231002x")
    (datetime.date(1949, 12, 31), None)
    """
    if (
        type(value) is not str
        or _SHAPE.fullmatch(value) is None
        or not _checks_out(value)
        or value[:6] not in policy.division_codes
    ):
        return None
    try:
        born = _from_iso(value[6:14])  # eight digits: the shape said so
    except ValueError:
        return None
    if born.year < policy.earliest_birth_year or (today is not None and born > today):
        return None
    return born


def is_clean(
    value: object, policy: IdCardPolicy = DEFAULT_POLICY, today: date | None = None
) -> bool:
    """True when :func:`check` would find nothing: shape, check character, a listed
    division code and a real birth date, without compacting; False means "look closer".

    >>> is_clean("11010519491231002X"), is_clean("11010519491231002x")
    (True, False)
    """
    return clean_birth_date(value, policy, today) is not None


def check(
    value: object,
    *,
    field: str = "id_number",
    policy: IdCardPolicy = DEFAULT_POLICY,
    today: date | None = None,
) -> tuple[Violation, ...]:
    """Every defect of an ID number as entered; never raises. With ``today`` a birth
    date in the future is reported too (the library never reads the clock itself)."""
    if not isinstance(value, str):
        return not_text(field, "ID_CARD_FORMAT", value)
    if clean_birth_date(value, policy, today) is not None:
        return ()
    found: list[Violation] = []
    number = value
    if not _SHAPE.fullmatch(value):
        number = compact(value) if len(value) < 64 else value
        if not number:
            return (violation("ID_CARD_MISSING", field, "no ID number"),)
        if number != value:
            found.append(
                not_normalised(
                    "ID_CARD_NOT_NORMALISED",
                    field,
                    "spaces, hyphens, a lower-case x or full-width digits",
                )
            )
        if len(number) == 15 and number.isdigit():
            found.append(
                violation(
                    "ID_CARD_FIRST_GENERATION",
                    field,
                    "a 15-digit first-generation number, no longer valid since 2013",
                )
            )
            return tuple(found)
        if len(number) != 18:
            found.append(
                violation("ID_CARD_LENGTH", field, f"{len(number)} characters; an ID has 18")
            )
            return tuple(found)
        if not _SHAPE.fullmatch(number):
            found.append(
                violation("ID_CARD_FORMAT", field, "17 digits and a digit or X are expected")
            )
            return tuple(found)
    if not _checks_out(number):
        found.append(violation("ID_CARD_CHECKSUM", field, "check character does not match"))
    born = _shaped_birth_date(number)
    if born is None or born.year < policy.earliest_birth_year:
        found.append(violation("ID_CARD_BIRTH_DATE", field, "the birth date does not exist"))
    elif today is not None and born > today:
        found.append(violation("ID_CARD_BIRTH_DATE", field, "the birth date is in the future"))
    if number[:2] not in policy._provinces:
        found.append(violation("ID_CARD_PROVINCE", field, "unknown province code"))
    elif number[:6] not in policy.division_codes:
        found.append(
            violation(
                "ID_CARD_AREA_UNKNOWN",
                field,
                "division code not in the GB/T 2260 list (may be a merged county)",
                policy.unknown_area_severity,
            )
        )
    return tuple(found)


def validate(value: str, policy: IdCardPolicy = DEFAULT_POLICY, today: date | None = None) -> str:
    """The compact number, or a typed error; an unlisted division code does not raise
    unless the policy makes it an error."""
    number = compact(value)
    raise_first_error(check(number, policy=policy, today=today), _ERRORS)
    return number


def is_valid(value: str, policy: IdCardPolicy = DEFAULT_POLICY, today: date | None = None) -> bool:
    return holds(validate, value, policy, today)


def format(value: str) -> str:
    return compact(value)


def birth_date(value: str) -> date:
    """The birth date encoded in a valid number."""
    number = validate(value)
    born = decode_birth_date(number)
    assert born is not None  # validate() checked the date
    return born


def gender(value: str) -> Gender:
    """The sequence number is odd for men and even for women."""
    return Gender.MALE if int(validate(value)[16]) % 2 else Gender.FEMALE
