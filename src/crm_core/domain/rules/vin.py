"""Vehicle identification numbers (VIN, 车辆识别代号 / 车身号): ISO 3779, GB 16735.

A VIN has 17 characters from the digits and the capital letters without I, O and Q
(easily read as 1 and 0). Position 9 is a check digit computed over the other sixteen:
mandatory in China since GB 16735-2004 and in North America under 49 CFR 565, but only
advisory under ISO 3779, so a European VIN without one (``WVWZZZ…``) is not wrong; the
same holds for the model-year code in position 10. Which world regions must carry them
is :class:`VinPolicy` data, keyed by the WMI's leading characters: by default an error
for ``L`` (China) and ``1``–``5`` (North America), a warning elsewhere.

Seed 000 adds a legacy rule of the SVW-2 system: a VIN starting ``DC`` shorter than 16
characters, or ``LDC`` (Dongfeng Peugeot-Citroën's WMI) shorter than 17, is a typing
error. A 16-character ``DC…`` frame number is what that system accepted, so it is
reported as a warning, not as a wrong length.

>>> validate("lsvau2180n2183294")
Traceback (most recent call last):
    ...
crm_core.errors.InvalidChecksum: vin: check digit (position 9) is wrong
>>> validate("LSVAU218XN2183294")
'LSVAU218XN2183294'
>>> calc_check_digit("1M8GDM9A_KP042788")
'X'
>>> is_valid("WVWZZZ1JZXW000001")  # European VIN without a check digit: a warning only
True
>>> [v.code for v in check("WVWZZZ1JZXW000001")]
['VIN_CHECK_DIGIT']
>>> [v.code for v in check("DC12345678901")]
['VIN_LEGACY_LENGTH']
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from types import MappingProxyType

import attrs

from crm_core.domain._validators import as_members, member
from crm_core.domain.rules._support import (
    WARNING,
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
from crm_core.errors import InvalidChecksum, InvalidFormat, InvalidLength, ValidationError

__all__ = [
    "DEFAULT_POLICY",
    "MODEL_YEAR_CODES",
    "LegacyVinPrefix",
    "VinPolicy",
    "calc_check_digit",
    "check",
    "compact",
    "format",
    "is_clean",
    "is_valid",
    "validate",
]

ALPHABET = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
_TRANSLITERATION = MappingProxyType(
    {
        **{d: int(d) for d in "0123456789"},
        **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
        **dict(zip("JKLMN", range(1, 6), strict=True)),
        "P": 7,
        "R": 9,
        **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
    }
)
MODEL_YEAR_CODES = frozenset("ABCDEFGHJKLMNPRSTVWXY123456789")
"""Position 10: the 30-year cycle of ISO 3779 / GB 16735 (no I, O, Q, U, Z, 0)."""
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_CHECK_DIGITS = "0123456789X"  # the check digit for each remainder mod 11
# byte → transliterated value (0 for every other byte, the high bytes of UTF-16 included)
_VALUES = bytes(_TRANSLITERATION.get(chr(code), 0) for code in range(256))
# the weights in 16-bit lanes, position 1's weight in the lowest lane: see _check_digit
_WEIGHT_LANES = sum(weight << 16 * position for position, weight in enumerate(_WEIGHTS))
_SUM_LANE = 16 * (len(_WEIGHTS) - 1)
# the codec's own function: str.encode("utf-16-be") looks the codec up by name each time
_UTF16 = codecs.lookup("utf-16-be").encode
_from_bytes = int.from_bytes  # CPython 3.11 looks class attributes up slowly
_CHARS = re.compile(r"[0-9A-HJ-NPR-Z]*")
_SEVENTEEN = re.compile(r"[0-9A-HJ-NPR-Z]{17}")
# 17 characters with a model-year code in position 10: what is_clean() asks first
_CLEAN_VIN = re.compile(r"[0-9A-HJ-NPR-Z]{9}[1-9A-HJ-NPR-TV-Y][0-9A-HJ-NPR-Z]{7}")
_ANY_CHECK = re.compile(r"[0-9A-HJ-NPR-Z]{8}.[0-9A-HJ-NPR-Z]{8}")
_SEPARATORS = Separators(r"[\s\-]+")

_ERRORS: Mapping[str, type[ValidationError]] = MappingProxyType(
    {
        "VIN_MISSING": InvalidLength,
        "VIN_LENGTH": InvalidLength,
        "VIN_LEGACY_LENGTH": InvalidLength,
        "VIN_FORBIDDEN_LETTER": InvalidFormat,
        "VIN_FORMAT": InvalidFormat,
        "VIN_CHECK_DIGIT": InvalidChecksum,
    }
)


@attrs.frozen(slots=True)
class LegacyVinPrefix:
    """A VIN beginning with ``prefix`` must have at least ``length`` characters; exactly
    ``length`` below 17 is a legacy frame number the OEM system accepts."""

    prefix: str
    length: int


def _severity_map(value: Mapping[str, Severity]) -> Mapping[str, Severity]:
    return MappingProxyType(
        {str(k).upper(): member(Severity, v, "regions") for k, v in value.items()}
    )


@attrs.frozen(slots=True)
class VinPolicy:
    """Where the check digit and the model-year code are mandatory, and which legacy
    prefixes apply.

    ``regions`` maps leading WMI characters to the severity of a wrong check digit or
    model-year code (the longest matching prefix wins, so ``{"W": ERROR, "WVW":
    WARNING}`` works); VINs that match no prefix get ``default_severity``.
    """

    regions: Mapping[str, Severity] = attrs.field(
        factory=lambda: {p: Severity.ERROR for p in "L12345"},
        converter=_severity_map,
        hash=False,
    )
    default_severity: Severity = Severity.WARNING
    legacy_prefixes: tuple[LegacyVinPrefix, ...] = (
        LegacyVinPrefix("LDC", 17),
        LegacyVinPrefix("DC", 16),
    )
    # the lengths of the region prefixes, longest first: the only slices worth looking up
    _prefix_lengths: tuple[int, ...] = attrs.field(init=False, eq=False, repr=False, hash=False)

    __attrs_post_init__ = as_members

    @_prefix_lengths.default
    def _compute_prefix_lengths(self) -> tuple[int, ...]:
        return tuple(sorted({len(prefix) for prefix in self.regions if prefix}, reverse=True))

    def severity_for(self, vin: str) -> Severity:
        """How wrong a missing check digit or model-year code is for this VIN's region."""
        regions, size = self.regions, len(vin)
        for length in self._prefix_lengths:
            if length <= size:
                severity = regions.get(vin[:length])
                if severity is not None:
                    return severity
        return self.default_severity


DEFAULT_POLICY = VinPolicy()


def compact(value: str) -> str:
    """Remove spaces and hyphens, upper-case, full-width to ASCII."""
    return canonical(require_text(value, "a VIN"), _SEPARATORS)


def calc_check_digit(vin: str) -> str:
    """The check digit (``0``–``9`` or ``X``) for a 17-character VIN; position 9 is
    ignored, so any placeholder may stand there."""
    if not isinstance(vin, str) or len(vin) != 17 or not _ANY_CHECK.fullmatch(vin):
        raise InvalidFormat("17 characters of the VIN alphabet are needed", field="vin")
    ascii_only = f"{vin[:8]}0{vin[9:]}"  # position 9 has weight 0, but must be ASCII here
    return _check_digit(ascii_only)


def _check_digit(vin: str) -> str:
    """The check digit of 17 characters of the VIN alphabet (position 9 counts 0): the
    weighted sum Σ weightᵢ × valueᵢ mod 11, in C operations only.

    The sum is the hot part of every clean VIN, and a Python loop (or ``map`` over the
    weights and ``sum``) spends most of its time per element. Encoded as UTF-16, each
    character becomes a 16-bit lane of one integer — high byte 0, low byte translated to
    its value — with position 1 in the highest lane. Multiplied by the weights laid out
    the other way round (position 1 in the lowest lane), lane 17 of the product collects
    exactly the products valueᵢ × weightᵢ. No lane overflows into the next: none adds
    more than 17 products of at most 9 × 10, so every lane stays below 1 531 < 2¹⁶.
    ``test_check_digit_is_the_textbook_sum`` holds it to the plain formula.
    """
    lanes = _from_bytes(_UTF16(vin)[0].translate(_VALUES))  # big-endian, the default
    return _CHECK_DIGITS[((lanes * _WEIGHT_LANES >> _SUM_LANE) & 0xFFFF) % 11]


def is_clean(value: object) -> bool:
    """True for a stored VIN that :func:`check` passes without a word: 17 valid
    characters, a model-year code and a matching check digit.

    >>> is_clean("LSVAU218XN2183294"), is_clean("WVWZZZ1JZXW000001")
    (True, False)
    """
    return (
        type(value) is str
        and _CLEAN_VIN.fullmatch(value) is not None
        and value[8] == _check_digit(value)
    )


def check(
    value: object, *, field: str = "vin", policy: VinPolicy = DEFAULT_POLICY
) -> tuple[Violation, ...]:
    """Every defect of a VIN as entered, warnings included; never raises."""
    if not isinstance(value, str):
        return not_text(field, "VIN_FORMAT", value)
    if _SEVENTEEN.fullmatch(value):  # stored compact: only the positions can be wrong
        digit_ok = value[8] == _check_digit(value)
        if digit_ok and value[9] in MODEL_YEAR_CODES:
            return ()
        return _check_positions(value, digit_ok, field, policy, [])
    found: list[Violation] = []
    vin = canonical(value, _SEPARATORS)
    if not vin:
        return (violation("VIN_MISSING", field, "no VIN"),)
    if vin != value:
        found.append(
            not_normalised(
                "VIN_NOT_NORMALISED", field, "spaces, hyphens, lower-case or full-width characters"
            )
        )
    if len(vin) > 17:
        found.append(_length(vin, field))
        return tuple(found)
    if not _CHARS.fullmatch(vin):
        bad = set(vin).difference(ALPHABET)
        confusable = [c for c in "IOQ" if c in bad]
        if confusable:
            found.append(
                violation(
                    "VIN_FORBIDDEN_LETTER",
                    field,
                    f"contains {', '.join(confusable)}; VINs never use I, O or Q (read 1, 0 and 0)",
                )
            )
        if len(confusable) < len(bad):
            found.append(
                violation("VIN_FORMAT", field, "contains characters other than A-Z and 0-9")
            )
        return tuple(found)
    for legacy in policy.legacy_prefixes:
        if vin.startswith(legacy.prefix):
            if len(vin) < legacy.length:
                found.append(
                    violation(
                        "VIN_LEGACY_LENGTH",
                        field,
                        f"{len(vin)} characters; a VIN starting with {legacy.prefix} "
                        f"has at least {legacy.length}",
                    )
                )
                return tuple(found)
            if len(vin) == legacy.length < 17:
                found.append(
                    violation(
                        "VIN_LEGACY",
                        field,
                        f"a {legacy.length}-character legacy frame number starting with "
                        f"{legacy.prefix}, not a 17-character VIN",
                        WARNING,
                    )
                )
                return tuple(found)
            break
    if len(vin) != 17:
        found.append(_length(vin, field))
        return tuple(found)
    return _check_positions(vin, vin[8] == _check_digit(vin), field, policy, found)


def _length(vin: str, field: str) -> Violation:
    return violation("VIN_LENGTH", field, f"{len(vin)} characters; a VIN has 17")


def _check_positions(
    vin: str, digit_ok: bool, field: str, policy: VinPolicy, found: list[Violation]
) -> tuple[Violation, ...]:
    """The check digit (position 9, ``digit_ok`` when it matches) and the model-year code
    (position 10) of a VIN of 17 valid characters."""
    if not digit_ok:
        found.append(
            violation(
                "VIN_CHECK_DIGIT",
                field,
                "check digit (position 9) is wrong",
                policy.severity_for(vin),
            )
        )
    if vin[9] not in MODEL_YEAR_CODES:
        found.append(
            violation(
                "VIN_MODEL_YEAR",
                field,
                "position 10 is not a model-year code (never I, O, Q, U, Z or 0)",
                policy.severity_for(vin),
            )
        )
    return tuple(found)


def validate(value: str, policy: VinPolicy = DEFAULT_POLICY) -> str:
    """The compact VIN, or :class:`~crm_core.errors.InvalidLength` /
    :class:`~crm_core.errors.InvalidFormat` / :class:`~crm_core.errors.InvalidChecksum`.

    Strictly ISO 3779: a legacy 16-character ``DC…`` frame number is not a VIN here.
    """
    vin = compact(value)
    violations = check(vin, policy=policy)
    raise_first_error(violations, _ERRORS)
    if any(v.code == "VIN_LEGACY" for v in violations):
        raise InvalidLength(f"{len(vin)} characters; a VIN has 17", field="vin")
    return vin


def is_valid(value: str, policy: VinPolicy = DEFAULT_POLICY) -> bool:
    return holds(validate, value, policy)


def format(value: str) -> str:
    """VINs are shown as stored: 17 characters, no separators."""
    return compact(value)
