"""Chinese phone numbers: mobiles and landlines, as the MIIT numbering plan has them.

A mobile has 11 digits and starts with a block the MIIT allocated (138, 199, 1740x…). A
landline is the trunk prefix 0, an area code (010 and 02x for the big cities, four
digits elsewhere) and a 7- or 8-digit local number whose length depends on the area.
Seed 000's defects: a landline or a PHS (小灵通) number keyed without its area code, a
separator inside the area code (``0-21-62345678``, ``02-162345678``), the wrong number of
digits, and a dealer staff member's number entered as the customer's (that one needs the
staff list: see :func:`crm_core.domain.rules.check_customer`).

The area codes with their local-number lengths and the mobile blocks come from
libphonenumber's metadata, extracted offline into a table (``tools/gen_rule_tables.py``)
so that checking a number is a dictionary look-up rather than a ``phonenumbers.parse``.

>>> compact("+86 138-1234-5678")
'13812345678'
>>> to_e164("021-62345678")
'+862162345678'
>>> format("02162345678"), format("13812345678")
('021-62345678', '138 1234 5678')
>>> [v.code for v in check("62345678")]
['PHONE_NO_AREA_CODE']
>>> [v.code for v in check("02-162345678")]
['PHONE_SEPARATOR_IN_AREA_CODE']
>>> [v.code for v in check("1381234567")]
['PHONE_LENGTH']
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from types import MappingProxyType

import attrs

from crm_core.domain.rules._cn_tables import AREA_CODES, MOBILE_PREFIXES
from crm_core.domain.rules._support import (
    Separators,
    canonical,
    holds,
    nfkc,
    not_text,
    raise_first_error,
    require_text,
    violation,
)
from crm_core.domain.rules.violation import Violation
from crm_core.errors import InvalidComponent, InvalidFormat, InvalidLength, ValidationError

__all__ = [
    "DEFAULT_POLICY",
    "PhoneKind",
    "PhonePolicy",
    "analyse",
    "check",
    "compact",
    "format",
    "is_clean",
    "is_valid",
    "kind",
    "to_e164",
    "validate",
]

_ERRORS: Mapping[str, type[ValidationError]] = MappingProxyType(
    {
        "PHONE_MISSING": InvalidLength,
        "PHONE_FORMAT": InvalidFormat,
        "PHONE_LENGTH": InvalidLength,
        "PHONE_NO_AREA_CODE": InvalidComponent,
        "PHONE_UNKNOWN_AREA_CODE": InvalidComponent,
        "PHONE_UNKNOWN_PREFIX": InvalidComponent,
        "PHONE_SEPARATOR_IN_AREA_CODE": InvalidFormat,
    }
)

_CLEAN_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_CLEAN_LANDLINE = re.compile(r"(0[1-9][0-9]{1,2})-([2-9][0-9]{6,7})")
_SEPARATORS = "-－—– ()（）.．/"
_STRIP = Separators(r"[\s\-－—–().（）．/]+")
_COUNTRY_CODES = ("+86", "0086")
_ASCII_DIGITS = "0123456789"


class PhoneKind(enum.StrEnum):
    MOBILE = "mobile"
    LANDLINE = "landline"


_MOBILE = PhoneKind.MOBILE  # module names for the hot path, see _support.ERROR
_LANDLINE = PhoneKind.LANDLINE


@attrs.frozen(slots=True)
class PhonePolicy:
    """The numbering plan: area code (with the trunk 0) → allowed local-number lengths,
    and the prefixes of mobile blocks. Defaults are libphonenumber's, shipped as a table.
    """

    area_codes: Mapping[str, tuple[int, ...]] = attrs.field(default=AREA_CODES, hash=False)
    mobile_prefixes: frozenset[str] = MOBILE_PREFIXES

    def area_code(self, digits: str) -> str | None:
        """The area code a national number (``0…``) starts with, if it is a known one:
        three digits (021) before four (0571)."""
        codes = self.area_codes  # no loop: this runs in every landline's diagnosis
        if digits[:3] in codes:
            return digits[:3]
        return digits[:4] if digits[:4] in codes else None

    def is_mobile_block(self, digits: str) -> bool:
        prefixes = self.mobile_prefixes
        return digits[:3] in prefixes or digits[:4] in prefixes or digits[:5] in prefixes


DEFAULT_POLICY = PhonePolicy()


def _without_trunk_zero(after_country_code: str) -> bool:
    """After +86 a landline drops its trunk 0: 21… (Shanghai), 10… (Beijing; no mobile
    block starts with 10)."""
    return after_country_code[:1] in "23456789" or after_country_code.startswith("10")


def compact(value: str) -> str:
    """The national number in digits: separators and the country code +86 / 0086
    removed, a landline keeps its trunk 0 (``'02162345678'``)."""
    return _national(canonical(require_text(value, "a phone number"), _STRIP))


def _national(text: str) -> str:
    """Canonical text (:func:`canonical`) without its country code."""
    if text.startswith(_COUNTRY_CODES):
        text = text[text.index("86") + 2 :]
        if _without_trunk_zero(text):  # +86 21 6234 5678: the area code without its 0
            text = "0" + text
    elif len(text) == 13 and text.startswith("861"):
        text = text[2:]  # 8613812345678 keyed without the plus
    return text


def _local_violations(
    digits: str, field: str, policy: PhonePolicy
) -> tuple[PhoneKind | None, str | None, tuple[Violation, ...]]:
    """The kind of a compact number, its area code (landlines) and its defects."""
    if not digits.isdigit() or not digits.isascii():
        return (
            None,
            None,
            (violation("PHONE_FORMAT", field, "contains characters that are not digits"),),
        )
    if digits[0] == "1":
        if len(digits) != 11:
            return (
                _MOBILE,
                None,
                (
                    violation(
                        "PHONE_LENGTH", field, f"{len(digits)} digits; a mobile number has 11"
                    ),
                ),
            )
        if not policy.is_mobile_block(digits):
            return (
                _MOBILE,
                None,
                (
                    violation(
                        "PHONE_UNKNOWN_PREFIX",
                        field,
                        "not an allocated mobile block (e.g. 138, 199)",
                    ),
                ),
            )
        return _MOBILE, None, ()
    if digits[0] == "0":
        area = policy.area_code(digits)
        if area is None:
            return (
                _LANDLINE,
                None,
                (
                    violation(
                        "PHONE_UNKNOWN_AREA_CODE", field, "does not start with a known area code"
                    ),
                ),
            )
        local = digits[len(area) :]
        lengths = policy.area_codes[area]
        if len(local) not in lengths:
            # the join alone takes as long as the rest of this diagnosis; one length is usual
            expected = str(lengths[0]) if len(lengths) == 1 else " or ".join(map(str, lengths))
            return (
                _LANDLINE,
                area,
                (
                    violation(
                        "PHONE_LENGTH",
                        field,
                        f"{len(local)} digits after area code {area}; local numbers there have "
                        f"{expected}",
                    ),
                ),
            )
        if local[0] in "01":
            return (
                _LANDLINE,
                area,
                (violation("PHONE_FORMAT", field, "a local number never starts with 0 or 1"),),
            )
        return _LANDLINE, area, ()
    if len(digits) in (7, 8):
        # area_code() too: a host's plan may have area codes without the trunk 0
        return (
            _LANDLINE,
            policy.area_code(digits),
            (
                violation(
                    "PHONE_NO_AREA_CODE",
                    field,
                    "a landline or PHS (小灵通) number without its area code",
                ),
            ),
        )
    return None, None, (violation("PHONE_FORMAT", field, "neither a mobile nor a landline number"),)


def _separator_in_area_code(raw: str, area: str) -> bool:
    """True when a separator splits the area code (``0-21…``, ``02-1…``, ``(02)1…``)."""
    if raw.lstrip(_SEPARATORS).startswith(area) and not raw.startswith(_COUNTRY_CODES):
        return False  # the usual 0571-8888888 or (0571)8888888: the area code keyed whole
    text = nfkc(raw.strip())
    if text.startswith(_COUNTRY_CODES):
        text = text[3:] if text[0] == "+" else text[4:]
    text = text.lstrip(_SEPARATORS)
    if _without_trunk_zero(text):  # +86-21-…: the area code was keyed without its 0
        area = area[1:]
    # What _walk_splits() finds first, in C: the leading ASCII digits hold the whole
    # area code (no separator in it), or a separator follows them inside it (0-21…).
    run = len(text) - len(text.lstrip(_ASCII_DIGITS))
    if run >= len(area):
        return False
    if run and run < len(text) and (text[run] in _SEPARATORS or text[run].isspace()):
        return True
    return _walk_splits(text, len(area))


def _walk_splits(text: str, area_length: int) -> bool:
    """Whether a separator comes between the first digit of ``text`` and the one that
    completes an area code of ``area_length`` digits; any other character is skipped."""
    seen = 0
    for char in text:
        if char.isdigit():
            seen += 1
            if seen >= area_length:
                return False
        elif seen and (char in _SEPARATORS or char.isspace()):
            return True
    return False


def is_clean(value: object, policy: PhonePolicy = DEFAULT_POLICY) -> bool:
    """True for the two common clean forms — a mobile as 11 bare digits of an allocated
    block, a landline as ``area-local`` with the right length — decided without
    compacting; False means "look closer", not "wrong".

    >>> is_clean("13812345678"), is_clean("0571-88888888"), is_clean("138-1234-5678")
    (True, True, False)
    """
    if type(value) is not str:
        return False
    if _CLEAN_MOBILE.fullmatch(value):
        return value[:3] in policy.mobile_prefixes or policy.is_mobile_block(value)
    landline = _CLEAN_LANDLINE.fullmatch(value)
    if landline is None:
        return False
    lengths = policy.area_codes.get(landline[1])
    return lengths is not None and len(landline[2]) in lengths


def analyse(
    value: object, field: str, policy: PhonePolicy
) -> tuple[PhoneKind | None, str, tuple[Violation, ...]]:
    """The number's kind (``None`` when it is neither), its compact digits and its
    defects, in one pass: record checks need all three (a landline in the mobile field is
    a defect of the record; the staff-number look-up needs the compact form)."""
    if not isinstance(value, str):
        return None, "", not_text(field, "PHONE_FORMAT", value)
    if is_clean(value, policy):
        if value[0] == "1":
            return _MOBILE, value, ()
        return _LANDLINE, value.replace("-", ""), ()
    if len(value) > 40:
        return None, "", (violation("PHONE_FORMAT", field, f"{len(value)} characters long"),)
    # ASCII digits are their own canonical form: of compact(), only the country code
    # step can change them
    digits = _national(value) if value.isdigit() and value.isascii() else compact(value)
    if not digits:
        return None, "", (violation("PHONE_MISSING", field, "no phone number"),)
    phone_kind, area, found = _local_violations(digits, field, policy)
    if area is not None and _separator_in_area_code(value, area):
        found = (
            violation(
                "PHONE_SEPARATOR_IN_AREA_CODE",
                field,
                f"a separator inside area code {area}; key it as {area}-…",
            ),
            *found,
        )
    return phone_kind, digits, found


def check(
    value: object, *, field: str = "phone", policy: PhonePolicy = DEFAULT_POLICY
) -> tuple[Violation, ...]:
    """Every defect of a phone number as entered; never raises."""
    return analyse(value, field, policy)[2]


def kind(value: str, policy: PhonePolicy = DEFAULT_POLICY) -> PhoneKind:
    """Mobile or landline, for a valid number (raises like :func:`validate` otherwise).

    >>> kind("138 1234 5678"), kind("0571-88888888")
    (<PhoneKind.MOBILE: 'mobile'>, <PhoneKind.LANDLINE: 'landline'>)
    """
    phone_kind, _, violations = analyse(compact(value), "phone", policy)
    raise_first_error(violations, _ERRORS)
    assert phone_kind is not None  # no violation means the number was classified
    return phone_kind


def validate(value: str, policy: PhonePolicy = DEFAULT_POLICY) -> str:
    """The compact national number, or a typed error.

    Separators are allowed here (``'021 6234 5678'``) except inside the area code.
    """
    digits = compact(value)
    raise_first_error(check(value, policy=policy), _ERRORS)
    return digits


def is_valid(value: str, policy: PhonePolicy = DEFAULT_POLICY) -> bool:
    return holds(validate, value, policy)


def format(value: str, policy: PhonePolicy = DEFAULT_POLICY) -> str:
    """``138 1234 5678`` for mobiles, ``021-62345678`` for landlines."""
    digits = validate(value, policy)
    if digits[0] == "1":
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    area = policy.area_code(digits)
    assert area is not None  # validate() accepted it as a landline
    return f"{area}-{digits[len(area) :]}"


def to_e164(value: str, policy: PhonePolicy = DEFAULT_POLICY) -> str:
    """The E.164 form an SMS gateway expects: ``+86`` and the number without trunk 0."""
    digits = validate(value, policy)
    return "+86" + (digits[1:] if digits[0] == "0" else digits)
