"""Motor-vehicle licence plates (机动车号牌, GA 36-2018).

A plate is the issuing province's abbreviation (沪 for Shanghai), the letter of the
issuing office, then the serial: five letters or digits on an ordinary plate
(``沪A12345``), six on a new-energy plate, where ``D`` (battery electric) or ``F`` (other
new energy) stands first on a small car's plate (``沪AD12345``) and last on a large
vehicle's (``沪A12345D``). Special plates end in 学 (driving school), 警 (police), 挂
(trailer), 领 (consulate) or 港/澳 (Hong Kong and Macao cars crossing into Guangdong,
``粤Z1234港``); embassy plates are six digits with 使 (``使014578`` on old plates,
``224578使`` on new ones). Serials never use the letters I and O (read 1 and 0).

Seed 000 lists the two defects a DMS sees most: a joining symbol (``沪A-12345``) and a
plate keyed without its province (``A12345``). ``compact`` removes joining symbols so a
plate can be looked up however it was typed; ``check`` reports them, because the stored
record must be fixed.

>>> validate("沪a·12345")
'沪A12345'
>>> [v.code for v in check("沪A-12345")]
['PLATE_JOINING_SYMBOL']
>>> [v.code for v in check("A12345")]
['PLATE_NO_PROVINCE']
>>> is_valid("粤Z1234港"), is_valid("京AD12345"), is_valid("沪A1234O")
(True, True, False)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

import attrs

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
from crm_core.domain.rules.violation import Violation
from crm_core.errors import InvalidComponent, InvalidFormat, InvalidLength, ValidationError

__all__ = [
    "DEFAULT_POLICY",
    "PROVINCES",
    "PlatePolicy",
    "check",
    "compact",
    "format",
    "is_clean",
    "is_valid",
    "validate",
]

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
"""The 31 province-level abbreviations of mainland China printed on plates."""

_LETTER = "A-HJ-NP-Z"  # no I, no O
_ERRORS: Mapping[str, type[ValidationError]] = MappingProxyType(
    {
        "PLATE_MISSING": InvalidLength,
        "PLATE_PLACEHOLDER": InvalidFormat,
        "PLATE_JOINING_SYMBOL": InvalidFormat,
        "PLATE_NO_PROVINCE": InvalidComponent,
        "PLATE_UNKNOWN_PROVINCE": InvalidComponent,
        "PLATE_LETTER_I_O": InvalidFormat,
        "PLATE_LENGTH": InvalidLength,
        "PLATE_FORMAT": InvalidFormat,
    }
)


def _plate_pattern(provinces: str, suffixes: str) -> re.Pattern[str]:
    p = f"[{re.escape(provinces)}]"
    serial = f"[{_LETTER}0-9]"
    special = "".join(c for c in suffixes if c not in "港澳使")
    forms = [
        f"{p}[{_LETTER}]{serial}{{5}}",  # ordinary, 沪A12345
        f"{p}[{_LETTER}](?:[DF]{serial}[0-9]{{4}}|[0-9]{{5}}[DF])",  # new energy
    ]
    if special:
        forms.append(f"{p}[{_LETTER}]{serial}{{4}}[{re.escape(special)}]")  # 京A1234学
    if "港" in suffixes or "澳" in suffixes:
        hk_macao = "".join(c for c in "港澳" if c in suffixes)
        forms.append(f"粤Z{serial}{{4}}[{hk_macao}]")
    if "使" in suffixes:
        forms.append("使[0-9]{6}|[0-9]{6}使")
    return re.compile("|".join(forms))


@attrs.frozen(slots=True)
class PlatePolicy:
    """What counts as a plate. ``placeholders`` are the words people type when a new car
    has no plate yet ("无牌", "新车"): not a plate, and not counted as filled."""

    provinces: str = PROVINCES
    special_suffixes: str = "学警挂港澳使领"
    joining_symbols: str = "-－—–_·•・.．/\\|~"
    placeholders: frozenset[str] = frozenset(
        {"无", "无牌", "无牌照", "未上牌", "暂无", "新车", "临牌", "待定", "未知", "-", "/", "0"}
    )
    _pattern: re.Pattern[str] = attrs.field(init=False, eq=False, repr=False, hash=False)
    _strip: Separators = attrs.field(init=False, eq=False, repr=False, hash=False)

    @_pattern.default
    def _compile_pattern(self) -> re.Pattern[str]:
        return _plate_pattern(self.provinces, self.special_suffixes)

    @_strip.default
    def _compile_strip(self) -> Separators:
        return Separators(f"[\\s{re.escape(self.joining_symbols)}]+")

    def is_placeholder(self, value: str) -> bool:
        return value.strip() in self.placeholders


DEFAULT_POLICY = PlatePolicy()


def compact(value: str, policy: PlatePolicy = DEFAULT_POLICY) -> str:
    """Remove spaces and joining symbols, upper-case, full-width letters to ASCII."""
    return canonical(require_text(value, "a plate"), policy._strip)


def is_clean(value: object, policy: PlatePolicy = DEFAULT_POLICY) -> bool:
    """True for a plate stored exactly in one of GA 36-2018's forms.

    >>> is_clean("沪A12345"), is_clean("沪A-12345")
    (True, False)
    """
    return type(value) is str and policy._pattern.fullmatch(value) is not None


def check(
    value: object, *, field: str = "plate", policy: PlatePolicy = DEFAULT_POLICY
) -> tuple[Violation, ...]:
    """Every defect of a plate as entered; never raises."""
    if not isinstance(value, str):
        return not_text(field, "PLATE_FORMAT", value)
    if policy._pattern.fullmatch(value):
        return ()
    stripped = value.strip()
    if not stripped:
        return (violation("PLATE_MISSING", field, "no plate number"),)
    if stripped in policy.placeholders:
        return (
            violation(
                "PLATE_PLACEHOLDER",
                field,
                "a placeholder, not a plate; leave the field empty until the car is registered",
            ),
        )
    found: list[Violation] = []
    separators = policy._strip.pattern  # whitespace and joining symbols
    bare = stripped
    if separators.search(stripped):  # a search is cheaper than a sub that finds nothing
        bare = separators.sub("", stripped)
        found.append(
            violation(
                "PLATE_JOINING_SYMBOL",
                field,
                "contains a space or joining symbol; key the plate as 沪A12345",
            )
        )
    plate = canonical(stripped, policy._strip, dropped=bare)
    if plate != bare:
        found.append(
            not_normalised("PLATE_NOT_NORMALISED", field, "lower-case or full-width letters")
        )
    if policy._pattern.fullmatch(plate):
        return tuple(found)
    named = False  # a defect more telling than "wrong length" or "wrong format"
    first = plate[:1]
    if first and first not in policy.provinces and first != "使" and not first.isdigit():
        named = True
        if first.isascii():
            found.append(
                violation(
                    "PLATE_NO_PROVINCE",
                    field,
                    "starts without the province abbreviation (沪, 京, 粤…)",
                )
            )
        else:
            found.append(
                violation(
                    "PLATE_UNKNOWN_PROVINCE",
                    field,
                    "the first character is not a province abbreviation",
                )
            )
    if "I" in plate or "O" in plate:
        named = True
        found.append(
            violation(
                "PLATE_LETTER_I_O",
                field,
                "plates never use the letters I and O (read 1 and 0)",
            )
        )
    if not named:
        if len(plate) not in (7, 8):
            found.append(
                violation("PLATE_LENGTH", field, f"{len(plate)} characters; a plate has 7 or 8")
            )
        else:
            found.append(
                violation(
                    "PLATE_FORMAT",
                    field,
                    "not an ordinary, new-energy or special plate of GA 36-2018",
                )
            )
    return tuple(found)


def validate(value: str, policy: PlatePolicy = DEFAULT_POLICY) -> str:
    """The compact plate, or a typed error saying what is wrong with it."""
    if isinstance(value, str) and policy.is_placeholder(value):
        raise InvalidFormat("a placeholder, not a plate", field="plate")
    plate = compact(value, policy)
    raise_first_error(check(plate, policy=policy), _ERRORS)
    return plate


def is_valid(value: str, policy: PlatePolicy = DEFAULT_POLICY) -> bool:
    return holds(validate, value, policy)


def format(value: str, policy: PlatePolicy = DEFAULT_POLICY) -> str:
    """Plates are stored and shown without the dot printed on the metal plate."""
    return compact(value, policy)
