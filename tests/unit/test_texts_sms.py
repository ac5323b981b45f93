"""SMS length: counting units and segments, splitting without cutting a character."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_core.errors import ValidationError
from crm_core.texts.sms import SmsEncoding, SmsLimits, sms_length, split_sms

GSM_CHARS = "@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡AZaz§¿äöñüà^{}[]~|€"


@pytest.mark.parametrize(
    ("text", "encoding", "units", "segments", "per_segment"),
    [
        ("", SmsEncoding.GSM7, 0, 0, 160),
        ("a" * 160, SmsEncoding.GSM7, 160, 1, 160),
        ("a" * 161, SmsEncoding.GSM7, 161, 2, 153),
        ("a" * 306, SmsEncoding.GSM7, 306, 2, 153),
        ("a" * 307, SmsEncoding.GSM7, 307, 3, 153),
        ("€" * 80, SmsEncoding.GSM7, 160, 1, 160),  # an escape takes two septets
        ("€" * 81, SmsEncoding.GSM7, 162, 2, 153),
        ("好" * 70, SmsEncoding.UCS2, 70, 1, 70),
        ("好" * 71, SmsEncoding.UCS2, 71, 2, 67),
        ("好" * 134, SmsEncoding.UCS2, 134, 2, 67),
        ("好" * 135, SmsEncoding.UCS2, 135, 3, 67),
        ("a" * 69 + "好", SmsEncoding.UCS2, 70, 1, 70),  # one Chinese character: all UCS-2
        ("😀" * 35, SmsEncoding.UCS2, 70, 1, 70),  # beyond the BMP: two units each
    ],
)
def test_length(
    text: str, encoding: SmsEncoding, units: int, segments: int, per_segment: int
) -> None:
    length = sms_length(text)
    assert (length.encoding, length.units, length.segments, length.per_segment) == (
        encoding,
        units,
        segments,
        per_segment,
    )
    assert length.characters == len(text)


def test_a_two_unit_character_is_never_cut() -> None:
    # 66 one-unit characters then an emoji: the emoji cannot straddle parts 1 and 2
    text = "好" * 66 + "😀" + "好" * 10
    parts = split_sms(text)
    assert parts == ["好" * 66, "😀" + "好" * 10]
    assert sms_length(text).segments == 2


def test_a_gsm_escape_is_never_cut() -> None:
    text = "a" * 152 + "€" + "b" * 10  # 164 septets: two parts of at most 153
    assert split_sms(text) == ["a" * 152, "€" + "b" * 10]


def test_providers_that_bill_ascii_as_70() -> None:
    limits = SmsLimits(gsm7=False)
    assert sms_length("a" * 71, limits).segments == 2


def test_a_segment_cap_refuses_long_texts() -> None:
    with pytest.raises(ValidationError, match="needs 3 SMS segments, the limit is 2"):
        split_sms("好" * 135, SmsLimits(max_segments=2))
    assert len(split_sms("好" * 134, SmsLimits(max_segments=2))) == 2


texts = st.text(
    alphabet=st.one_of(
        st.sampled_from(GSM_CHARS),
        st.sampled_from("王先生您好，。！【】"),
        st.characters(min_codepoint=0x1F600, max_codepoint=0x1F64F),
    ),
    max_size=400,
)


@given(texts)
def test_split_parts_rejoin_and_fit(text: str) -> None:
    length = sms_length(text)
    parts = split_sms(text)
    assert "".join(parts) == text
    assert len(parts) == length.segments
    unit_counts = [sms_length(p).units for p in parts]
    if length.segments > 1:
        # parts are measured in the whole text's encoding: a part of a UCS-2 text may be
        # pure ASCII, which alone would be GSM-7 but travels as UCS-2 in this message
        per_char = [
            sum(2 if ord(c) > 0xFFFF else 1 for c in p)
            if length.encoding is SmsEncoding.UCS2
            else sms_length(p).units
            for p in parts
        ]
        assert all(0 < n <= length.per_segment for n in per_char)
    else:
        assert sum(unit_counts) == length.units


@given(st.text(alphabet="好a", min_size=71, max_size=300))
def test_segments_never_undercount(text: str) -> None:
    length = sms_length(text)
    assert length.segments * length.per_segment >= length.units
