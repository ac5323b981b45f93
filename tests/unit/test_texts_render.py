"""Rendering customer texts: every purpose in both languages, Babel formatting, opt-out."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path

import pytest

from crm_core.domain.customer import Customer, CustomerType, Gender
from crm_core.domain.dealer import Dealer
from crm_core.domain.ids import CustomerId, DealerId
from crm_core.errors import StandardsError, ValidationError
from crm_core.texts.catalog import Catalogs, resolve_locale
from crm_core.texts.render import Money, TextRenderer
from crm_core.texts.templates import DEFAULT_TEMPLATES, Holiday, Purpose, Template

DEALER = Dealer(id=DealerId("D1"), name="浦东大众4S店")
VALUES: dict[str, object] = {
    "vehicle": "沪A12345",
    "due_date": date(2026, 11, 23),
    "mileage": 5000,
    "hotline": "021-50888888",
    "consultant": "李明",
    "holiday": Holiday.MID_AUTUMN,
    "opening_hours": "8:30-17:30",
    "when": datetime(2026, 11, 23, 6, 30, tzinfo=UTC),
}


def _wang(locale: str | None = None) -> Customer:
    return Customer(
        id=CustomerId("C1"),
        dealer_id=DealerId("D1"),
        type=CustomerType.INDIVIDUAL,
        name="王伟",
        gender=Gender.MALE,
        locale=locale,
    )


def _values(purpose: Purpose) -> dict[str, object]:
    return {k: VALUES[k] for k in DEFAULT_TEMPLATES[purpose].fields}


@pytest.mark.parametrize("purpose", list(Purpose))
@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_every_purpose_renders_in_both_languages(purpose: Purpose, locale: str) -> None:
    text = TextRenderer(DEALER).render(purpose, _wang(locale), _values(purpose))
    assert text.locale == locale
    assert text.sms.startswith("【浦东大众4S店】")
    assert "{" not in text.sms + text.subject + text.text
    greeting = "尊敬的王先生" if locale == "zh_CN" else "Dear Mr 王"
    assert text.sms.removeprefix("【浦东大众4S店】").startswith(greeting)
    assert text.text.startswith(greeting)
    assert text.marketing is DEFAULT_TEMPLATES[purpose].marketing
    opt_out = "回T退订" if locale == "zh_CN" else "Reply T to unsubscribe"
    assert text.sms.endswith(opt_out) is text.marketing
    assert text.length.segments >= 1
    if locale == "zh_CN":
        # a Chinese SMS stays within three segments: customers do not read longer texts
        assert text.length.segments <= 3, text.sms


def test_chinese_dates_numbers_and_times() -> None:
    renderer = TextRenderer(DEALER)
    first = renderer.render(Purpose.FIRST_SERVICE, _wang(), _values(Purpose.FIRST_SERVICE))
    assert first.sms == (
        "【浦东大众4S店】尊敬的王先生，您的爱车沪A12345需在2026年11月23日前或行驶5,000公里时"
        "进行首次保养（以先到者为准），请致电021-50888888预约。"
    )
    appointment = renderer.render(
        Purpose.APPOINTMENT_REMINDER, _wang(), _values(Purpose.APPOINTMENT_REMINDER)
    )
    # 06:30 UTC is 14:30 in Shanghai, the dealer's zone
    assert "您已预约2026年11月23日 14:30到浦东大众4S店" in appointment.sms
    assert appointment.subject == "预约提醒：2026年11月23日 14:30"


def test_english_follows_the_customers_region() -> None:
    renderer = TextRenderer(DEALER)
    values = _values(Purpose.APPOINTMENT_REMINDER)
    gb = renderer.render(Purpose.APPOINTMENT_REMINDER, _wang("en_GB"), values)
    us = renderer.render(Purpose.APPOINTMENT_REMINDER, _wang("en_US"), values)
    assert "on 23 November 2026 at 14:30 for your 沪A12345" in gb.sms
    assert "on November 23, 2026 at 2:30\u202fPM for your" in us.sms


def test_birthday_is_marketing_with_opt_out_everywhere() -> None:
    text = TextRenderer(DEALER).render(Purpose.BIRTHDAY, _wang())
    assert text.sms == (
        "【浦东大众4S店】尊敬的王先生，今天是您的生日，浦东大众4S店全体员工祝您生日快乐，"
        "身体健康，万事如意！回T退订"
    )
    assert text.subject == "浦东大众4S店祝您生日快乐"
    assert text.text.endswith("浦东大众4S店 敬上\n\n如不希望再收到此类邮件，请回复“退订”。")


def test_holiday_names_are_translated() -> None:
    values = {"holiday": Holiday.DRAGON_BOAT, "hotline": "021-50888888"}
    zh = TextRenderer(DEALER).render(Purpose.HOLIDAY, _wang(), values)
    en = TextRenderer(DEALER).render(Purpose.HOLIDAY, _wang("en"), values)
    assert "浦东大众4S店祝您端午节快乐！" in zh.sms
    assert "wishes you a happy Dragon Boat Festival!" in en.sms


def test_service_notices_have_no_opt_out() -> None:
    text = TextRenderer(DEALER).render(Purpose.INSPECTION, _wang(), _values(Purpose.INSPECTION))
    assert "退订" not in text.sms + text.text


def test_the_signature_can_be_left_to_the_provider() -> None:
    text = TextRenderer(DEALER, sms_signature="").render(Purpose.BIRTHDAY, _wang())
    assert text.sms.startswith("尊敬的王先生")


def test_html_escapes_values_and_keeps_paragraphs() -> None:
    values = {**_values(Purpose.DELIVERY_THANKS), "vehicle": "<script>x</script>"}
    text = TextRenderer(DEALER).render(Purpose.DELIVERY_THANKS, _wang(), values)
    assert "<script>" not in text.html
    assert "&lt;script&gt;" in text.html
    assert text.html.count("<p>") == 3
    assert '<html lang="zh-CN">' in text.html


def test_money_decimals_and_times_are_formatted() -> None:
    template = Template(sms="{amount} {count} {at}", subject="s", body="b")
    renderer = TextRenderer(DEALER, templates={Purpose.BIRTHDAY: template})
    values = {"amount": Money(Decimal("1280.5")), "count": Decimal("12000"), "at": time(9, 5)}
    # message ids outside the catalog come back untranslated
    assert renderer.render(Purpose.BIRTHDAY, _wang(), values).sms == (
        "【浦东大众4S店】¥1,280.50 12,000 09:05"
    )


def test_the_dealers_locale_is_the_default() -> None:
    english_dealer = Dealer(id=DealerId("D2"), name="Pudong VW", locale="en_GB")
    text = TextRenderer(english_dealer).render(Purpose.BIRTHDAY, _wang())
    assert text.locale == "en"
    assert text.sms.startswith("【Pudong VW】Dear Mr 王, happy birthday!")


def test_a_missing_field_is_named() -> None:
    with pytest.raises(ValidationError, match="template inspection needs due_date, hotline"):
        TextRenderer(DEALER).render(Purpose.INSPECTION, _wang(), {"vehicle": "沪A12345"})


def test_the_renderers_own_fields_cannot_be_overridden() -> None:
    with pytest.raises(ValidationError, match="name is filled in by the renderer"):
        TextRenderer(DEALER).render(Purpose.BIRTHDAY, _wang(), {"name": "x"})


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (datetime(2026, 1, 1, 9, 0), "timezone-aware"),  # noqa: DTZ001
        (True, "yes/no"),
        (1.5, "cannot format a float"),
    ],
)
def test_unformattable_values_are_refused(value: object, message: str) -> None:
    template = Template(sms="{x}", subject="s", body="b", fields=frozenset({"x"}))
    renderer = TextRenderer(DEALER, templates={Purpose.BIRTHDAY: template})
    with pytest.raises(ValidationError, match=message):
        renderer.render(Purpose.BIRTHDAY, _wang(), {"x": value})


def test_a_purpose_without_template_is_refused() -> None:
    with pytest.raises(ValidationError, match="no template for purpose birthday"):
        TextRenderer(DEALER, templates={}).render(Purpose.BIRTHDAY, _wang())


def test_a_broken_translation_placeholder_names_the_message(tmp_path: Path) -> None:
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    catalog = Catalog(locale="zh_CN", domain="crm_core")
    catalog.add("Happy birthday from {dealer}", "{deler}祝您生日快乐")
    target = tmp_path / "zh_CN" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / "crm_core.mo").open("wb") as fp:
        write_mo(fp, catalog)
    renderer = TextRenderer(DEALER, catalogs=Catalogs(tmp_path))
    with pytest.raises(StandardsError, match="bad placeholder"):
        renderer.render(Purpose.BIRTHDAY, _wang())


def test_a_missing_catalog_is_an_error_not_english(tmp_path: Path) -> None:
    with pytest.raises(StandardsError, match="cannot read the message catalog"):
        TextRenderer(DEALER, catalogs=Catalogs(tmp_path)).render(Purpose.BIRTHDAY, _wang())


@pytest.mark.parametrize(
    ("locale", "catalog", "formatting"),
    [
        ("zh_CN", "zh_CN", "zh_Hans_CN"),
        ("zh-CN", "zh_CN", "zh_Hans_CN"),
        ("zh_TW", "zh_CN", "zh_Hant_TW"),
        ("en", "en", "en"),
        ("en_GB", "en", "en_GB"),
        ("de_DE", "en", "en"),
    ],
)
def test_locale_resolution(locale: str, catalog: str, formatting: str) -> None:
    resolved = resolve_locale(locale)
    assert (resolved.catalog, resolved.formatting) == (catalog, formatting)


@pytest.mark.parametrize("locale", ["", "xx_YY_ZZ", "不是"])
def test_a_bad_locale_is_refused(locale: str) -> None:
    with pytest.raises(ValidationError, match="not a known locale"):
        resolve_locale(locale)
