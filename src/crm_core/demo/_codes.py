"""Check characters for the identifiers the demo generator mints.

These compute check characters to *build* valid identifiers; validating identifiers a
customer typed is the job of ``crm_core.domain.rules``. Each function is the standard's
arithmetic and nothing else, so the generator stays fast.
"""

from __future__ import annotations

import operator

# ISO 3779 / GB 16735 transliteration: letters map to 1..9 skipping I, O, Q.
_VIN_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_VIN_W = (8, 7, 6, 5, 4, 3, 2, 10, 9, 8, 7, 6, 5, 4, 3, 2)  # position 9 left out

VIN_ALPHABET = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"


def vin_check_digit(vin17: str) -> str:
    """The character that belongs in position 9 of a 17-character VIN.

    >>> vin_check_digit("1M8GDM9A_KP042788")
    'X'
    """
    # Position 9 (the check digit itself) has weight 0: skip it.
    total = sum(map(operator.mul, map(_VIN_VALUES.__getitem__, vin17[:8] + vin17[9:]), _VIN_W))
    rem = total % 11
    return "X" if rem == 10 else str(rem)


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def resident_id_check(body17: str) -> str:
    """GB 11643 check character (ISO 7064 MOD 11-2) for the first 17 digits.

    >>> resident_id_check("11010519491231002")
    'X'
    """
    total = sum(map(operator.mul, map(int, body17), _ID_WEIGHTS))
    return "10X98765432"[total % 11]


USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def organisation_code_check(body8: str) -> str:
    """GB 11714 check character of a nine-character organisation code.

    >>> organisation_code_check("M000100Y")  # of USCC 91350100M000100Y43
    '4'
    """
    total = sum(int(ch, 36) * w for ch, w in zip(body8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def uscc_check(body17: str) -> str:
    """GB 32100 check character of an 18-character Unified Social Credit Code.

    >>> uscc_check("91350100M000100Y4")
    '3'
    """
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(body17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]
