"""Unified Social Credit Codes (统一社会信用代码, GB 32100-2015).

The 18-character code every Chinese organisation carries since 2015, replacing the
organisation code certificate (组织机构代码) that seed 000 still names: the registration
authority (1 institutions, 5 civil affairs, 9 market regulation, N agriculture, Y
other…), the organisation type, the six-digit division code of the registering office,
the nine-character organisation code and a check character. Characters come from the
digits and the capital letters without I, O, Z, S and V; the check character is the
GB 32100 MOD 31 sum.

An authority character outside the published list is reported as a warning: the list
has grown since 2015, and a valid code must not be refused because this table is older.

>>> validate("91310000MA1FL4T27Y ")
'91310000MA1FL4T27Y'
>>> [v.code for v in check("91310000MA1FL4T27K")]
['USCC_CHECKSUM']
>>> calc_check_digit("91110000600037341")
'L'
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from types import MappingProxyType

import attrs

from crm_core.domain._validators import as_members
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
    "ALPHABET",
    "DEFAULT_POLICY",
    "UsccPolicy",
    "calc_check_digit",
    "check",
    "compact",
    "format",
    "is_clean",
    "is_valid",
    "validate",
]

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = MappingProxyType({c: i for i, c in enumerate(ALPHABET)})
# each character → the base-34 digit of its value (J, value 18, is I in base 34): see
# _check_char
_AS_BASE34 = bytes.maketrans(
    ALPHABET.encode("ascii"),
    string.digits.encode("ascii") + string.ascii_uppercase[:21].encode("ascii"),
)
_SHAPE = re.compile(f"[{ALPHABET}]{{2}}[0-9]{{6}}[{ALPHABET}]{{10}}")
_STRIP = Separators(r"[\s\-]+")
_ERRORS: Mapping[str, type[ValidationError]] = MappingProxyType(
    {
        "USCC_MISSING": InvalidLength,
        "USCC_LENGTH": InvalidLength,
        "USCC_FORMAT": InvalidFormat,
        "USCC_CHECKSUM": InvalidChecksum,
        "USCC_AUTHORITY": InvalidComponent,
    }
)


@attrs.frozen(slots=True)
class UsccPolicy:
    """Registration-authority characters of GB 32100's appendix, and how to treat others."""

    authorities: str = "123456789ANY"
    unknown_authority_severity: Severity = Severity.WARNING

    __attrs_post_init__ = as_members


DEFAULT_POLICY = UsccPolicy()


def compact(value: str) -> str:
    return canonical(require_text(value, "a USCC"), _STRIP)


def calc_check_digit(code: str) -> str:
    """The check character over the first 17 characters."""
    head = code[:17] if isinstance(code, str) else ""
    if len(head) != 17 or any(c not in _VALUE for c in head):
        raise InvalidFormat("17 characters of the USCC alphabet are needed", field="uscc")
    return _check_char(head)


def _check_char(code: str) -> str:
    """The check character over the first 17 characters (of the USCC alphabet).

    GB 32100 weighs position i (from 0) with 3^i mod 31, a geometric series, and
    34 ≡ 3 (mod 31): so the weighted sum is ≡ the first 17 characters, reversed and read
    as a base-34 numeral of their values — one C-level ``int()`` instead of a loop.
    ``test_uscc_check_char_is_the_textbook_sum`` holds it to GB 32100's formula.
    """
    numeral = code[16::-1].encode().translate(_AS_BASE34)  # ASCII: UTF-8 is the same
    return ALPHABET[-int(numeral, 34) % 31]


def is_clean(value: object, policy: UsccPolicy = DEFAULT_POLICY) -> bool:
    """True when :func:`check` would find nothing, without compacting.

    >>> is_clean("91110000600037341L"), is_clean("91110000600037341l")
    (True, False)
    """
    return (
        type(value) is str
        and _SHAPE.fullmatch(value) is not None
        and value[17] == _check_char(value)
        and value[0] in policy.authorities
    )


def check(
    value: object, *, field: str = "uscc", policy: UsccPolicy = DEFAULT_POLICY
) -> tuple[Violation, ...]:
    """Every defect of a USCC as entered; never raises."""
    if not isinstance(value, str):
        return not_text(field, "USCC_FORMAT", value)
    # is_clean() spelt out: the shape is tested once, whether the value is clean or not
    shaped = _SHAPE.fullmatch(value) is not None
    digit_ok = shaped and value[17] == _check_char(value)
    if digit_ok and value[0] in policy.authorities:
        return ()
    found: list[Violation] = []
    code = value
    if not shaped:
        code = compact(value) if len(value) < 64 else value
        if not code:
            return (violation("USCC_MISSING", field, "no credit code"),)
        if code != value:
            found.append(
                not_normalised(
                    "USCC_NOT_NORMALISED",
                    field,
                    "spaces, hyphens, lower-case or full-width characters",
                )
            )
        if len(code) != 18:
            found.append(violation("USCC_LENGTH", field, f"{len(code)} characters; a USCC has 18"))
            return tuple(found)
        if not _SHAPE.fullmatch(code):
            found.append(
                violation(
                    "USCC_FORMAT",
                    field,
                    "positions 3-8 are digits; no I, O, Z, S or V anywhere",
                )
            )
            return tuple(found)
    if not (digit_ok if shaped else code[17] == _check_char(code)):
        found.append(violation("USCC_CHECKSUM", field, "check character does not match"))
    if code[0] not in policy.authorities:
        found.append(
            violation(
                "USCC_AUTHORITY",
                field,
                "registration authority not in GB 32100's list",
                policy.unknown_authority_severity,
            )
        )
    return tuple(found)


def validate(value: str, policy: UsccPolicy = DEFAULT_POLICY) -> str:
    code = compact(value)
    raise_first_error(check(code, policy=policy), _ERRORS)
    return code


def is_valid(value: str, policy: UsccPolicy = DEFAULT_POLICY) -> bool:
    return holds(validate, value, policy)


def format(value: str) -> str:
    return compact(value)
