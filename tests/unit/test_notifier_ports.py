"""The ports' input checks and the texts' parsers on arbitrary input: a clear typed
error or a result, never a crash."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_core.domain.customer import Customer, CustomerType, Gender
from crm_core.domain.ids import CustomerId, DealerId
from crm_core.domain.ports.notifiers import Email, Sms, check_email_address, check_sms_recipient
from crm_core.errors import PermanentNotifierError, ValidationError
from crm_core.texts.catalog import SUPPORTED_LOCALES, resolve_locale
from crm_core.texts.names import salutation, surname


@given(st.from_regex(r"\+?[0-9]{5,15}", fullmatch=True))
def test_plausible_numbers_pass(number: str) -> None:
    check_sms_recipient(Sms(key="k", to=number, text="您好"))


@given(st.text(max_size=30))
def test_any_number_passes_or_is_permanent_and_masked(number: str) -> None:
    error: PermanentNotifierError | None = None
    try:
        check_sms_recipient(Sms(key="k", to=number, text="您好"))
    except PermanentNotifierError as exc:
        error = exc
    if error is None:
        assert number.lstrip("+").isdigit()
        assert number.isascii()
    elif len(number) > 7:
        assert number not in str(error)


@given(st.text(max_size=40))
def test_any_address_passes_or_is_permanent(address: str) -> None:
    try:
        check_email_address(Email(key="k", to=address, subject="s", text="t"))
    except PermanentNotifierError:
        return
    assert address.count("@") == 1


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_blank_texts_are_permanent(text: str) -> None:
    with pytest.raises(PermanentNotifierError, match="empty"):
        check_sms_recipient(Sms(key="k", to="13812345678", text=text))


@given(st.text(max_size=20))
def test_any_locale_resolves_or_is_refused(locale: str) -> None:
    try:
        resolved = resolve_locale(locale)
    except ValidationError as exc:
        field = exc.field
        resolved = None
    if resolved is None:
        assert field == "locale"
    else:
        assert resolved.catalog in SUPPORTED_LOCALES


@given(st.text(max_size=20), st.sampled_from(Gender), st.sampled_from(CustomerType))
def test_any_name_gets_a_salutation(name: str, gender: Gender, kind: CustomerType) -> None:
    customer = Customer(
        id=CustomerId("C1"), dealer_id=DealerId("D1"), type=kind, name=name, gender=gender
    )
    assert isinstance(salutation(customer), str)
    assert surname(name) in name.strip() or "·" in name or "•" in name


_WITH_A_LONE_SURROGATE = st.tuples(
    st.text(min_size=1, max_size=10), st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
).map(lambda parts: parts[0] + parts[1])


@given(text=_WITH_A_LONE_SURROGATE)
def test_a_text_that_is_not_unicode_is_parked_not_retried(text: str) -> None:
    # the gateway's UTF-8 encoding raised UnicodeEncodeError deep in the adapter
    with pytest.raises(PermanentNotifierError, match="lone surrogate"):
        check_sms_recipient(Sms(key="m1", to="13812345678", text=text))
    with pytest.raises(PermanentNotifierError, match="lone surrogate"):
        check_email_address(Email(key="m1", to="wang@example.com", subject="s", text=text))
