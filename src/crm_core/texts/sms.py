"""How long an SMS is, in the units carriers bill: segments.

A text with any character outside the GSM 03.38 alphabet — every Chinese text — travels as
UCS-2: 70 UTF-16 code units fit one SMS, and a longer text is split into parts of 67 (the
other three carry the concatenation header). A text entirely in the GSM alphabet fits 160
septets, or 153 per part; ``^{}[]~|\\€`` and form feed take two septets each. Emoji and
other characters beyond the BMP take two UCS-2 units. Chinese providers bill exactly this
way ("70字一条, 长短信67字一条"), with the 【signature】 counted in.

The limits are data (:class:`SmsLimits`), because some providers bill ASCII texts as
70/67 too (``gsm7=False``) and some cap the number of parts.

>>> sms_length("【某某4S店】王先生，您的爱车保养到期，请致电预约。")
SmsLength(encoding=<SmsEncoding.UCS2: 'ucs2'>, characters=26, units=26, segments=1, per_segment=70)
>>> sms_length("x" * 161).segments
2
>>> [len(part) for part in split_sms("好" * 140)]
[67, 67, 6]
"""

from __future__ import annotations

import enum

import attrs

from crm_core.errors import ValidationError

__all__ = ["SmsEncoding", "SmsLength", "SmsLimits", "sms_length", "split_sms"]

_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = frozenset("^{}\\[~]|€\f")


class SmsEncoding(enum.StrEnum):
    """How an SMS is encoded: GSM-7 (160 characters a segment) or UCS-2 (70; any Chinese text)."""

    GSM7 = "gsm7"
    UCS2 = "ucs2"


@attrs.frozen(slots=True)
class SmsLimits:
    """How many units an SMS segment holds, and how many segments a provider accepts.

    The defaults are 3GPP TS 23.038/23.040's, which Chinese carriers bill by;
    ``max_segments`` makes :func:`split_sms` refuse a text longer than a
    provider accepts (``None``: no cap)."""

    ucs2_single: int = 70
    ucs2_part: int = 67
    gsm_single: int = 160
    gsm_part: int = 153
    gsm7: bool = True
    max_segments: int | None = None


@attrs.frozen(slots=True)
class SmsLength:
    """How long a text is as an SMS: characters, network units and segments.

    ``characters`` as a reader counts them, ``units`` as the network does (septets or
    UTF-16 code units), ``per_segment`` the units each segment held."""

    encoding: SmsEncoding
    characters: int
    units: int
    segments: int
    per_segment: int


def _encoding(text: str, limits: SmsLimits) -> SmsEncoding:
    if limits.gsm7 and all(c in _GSM_BASIC or c in _GSM_EXTENDED for c in text):
        return SmsEncoding.GSM7
    return SmsEncoding.UCS2


def _units(char: str, encoding: SmsEncoding) -> int:
    if encoding is SmsEncoding.GSM7:
        return 2 if char in _GSM_EXTENDED else 1
    return 2 if ord(char) > 0xFFFF else 1


def _limits_for(encoding: SmsEncoding, limits: SmsLimits) -> tuple[int, int]:
    if encoding is SmsEncoding.GSM7:
        return limits.gsm_single, limits.gsm_part
    return limits.ucs2_single, limits.ucs2_part


def _parts(text: str, encoding: SmsEncoding, per_part: int) -> list[str]:
    parts: list[str] = []
    start = used = 0
    for i, char in enumerate(text):
        size = _units(char, encoding)
        if used + size > per_part:
            parts.append(text[start:i])
            start, used = i, 0
        used += size
    parts.append(text[start:])
    return parts


def sms_length(text: str, limits: SmsLimits | None = None) -> SmsLength:
    """Count ``text`` in carrier units and segments (an empty text is 0 segments)."""
    limits = limits or SmsLimits()
    encoding = _encoding(text, limits)
    units = sum(_units(c, encoding) for c in text)
    single, part = _limits_for(encoding, limits)
    if units == 0:
        return SmsLength(encoding, 0, 0, 0, single)
    if units <= single:
        return SmsLength(encoding, len(text), units, 1, single)
    # counted by splitting, not by division: a two-unit character is never cut, so a part
    # can end one unit short and a text can need one part more than units / 67
    return SmsLength(encoding, len(text), units, len(_parts(text, encoding, part)), part)


def split_sms(text: str, limits: SmsLimits | None = None) -> list[str]:
    """Split ``text`` into the parts a phone reassembles.

    Never inside a character (an emoji's surrogate pair, a GSM escape). Raises
    :class:`~crm_core.errors.ValidationError` when the text needs more segments than
    ``limits.max_segments``."""
    limits = limits or SmsLimits()
    length = sms_length(text, limits)
    if limits.max_segments is not None and length.segments > limits.max_segments:
        raise ValidationError(
            f"the text needs {length.segments} SMS segments, the limit is {limits.max_segments}",
            field="text",
        )
    if length.segments <= 1:
        return [text] if text else []
    return _parts(text, length.encoding, length.per_segment)
