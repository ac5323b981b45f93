"""Rendering a customer text: template + catalog + the customer's name + Babel formatting.

>>> from datetime import date
>>> from crm_core.domain.customer import Customer, CustomerType, Gender
>>> from crm_core.domain.dealer import Dealer
>>> renderer = TextRenderer(Dealer(id="D1", name="浦东大众4S店"))
>>> wang = Customer(id="C1", dealer_id="D1", type=CustomerType.INDIVIDUAL, name="王伟",
...                 gender=Gender.MALE)
>>> text = renderer.render(Purpose.INSPECTION, wang, {"vehicle": "沪A12345",
...                        "due_date": date(2026, 11, 23), "hotline": "021-50888888"})
>>> print(text.sms)
【浦东大众4S店】尊敬的王先生，您的爱车沪A12345年检有效期至2026年11月23日，请及时安排年检。本店可代办，详询021-50888888。
>>> text.length.segments, text.length.units
(2, 74)
"""

from __future__ import annotations

import gettext
import html
import string
from collections.abc import Collection, Mapping
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import attrs
from babel.dates import format_date, format_time
from babel.numbers import format_currency, format_decimal

from crm_core.domain.customer import Customer
from crm_core.domain.dealer import Dealer
from crm_core.errors import StandardsError, ValidationError
from crm_core.texts.catalog import Catalogs, resolve_locale
from crm_core.texts.names import COMPOUND_SURNAMES, salutation
from crm_core.texts.sms import SmsLength, SmsLimits, sms_length
from crm_core.texts.templates import (
    DATE_AT_TIME,
    DEFAULT_TEMPLATES,
    EMAIL_OPT_OUT,
    EMAIL_SIGN_OFF,
    HOLIDAY_NAMES,
    SMS_WITH_OPT_OUT,
    Holiday,
    Purpose,
    Template,
)

__all__ = ["Money", "RenderedText", "TextRenderer", "placeholders"]

_RESERVED = frozenset({"name", "dealer"})


@attrs.frozen(slots=True)
class Money:
    """An amount for a text (a renewal quote, a voucher), formatted as currency."""

    amount: Decimal
    currency: str = "CNY"


@attrs.frozen(slots=True)
class RenderedText:
    """One purpose rendered for one customer, for every channel.

    ``sms`` (with the 【signature】 and, for marketing, the opt-out), and the e-mail's
    ``subject``, plain ``text`` and ``html`` alternative."""

    purpose: Purpose
    locale: str
    sms: str
    subject: str
    text: str
    html: str
    marketing: bool
    length: SmsLength


class TextRenderer:
    """Renders the templates for one dealer.

    ``sms_signature`` defaults to the dealer's name; pass ``""`` when the SMS provider adds
    the registered signature itself. ``templates`` replaces or extends the purposes (with
    message ids the ``catalogs`` translate).
    """

    def __init__(
        self,
        dealer: Dealer,
        *,
        catalogs: Catalogs | None = None,
        templates: Mapping[Purpose, Template] = DEFAULT_TEMPLATES,
        sms_signature: str | None = None,
        sms_limits: SmsLimits | None = None,
        compound_surnames: Collection[str] = COMPOUND_SURNAMES,
    ) -> None:
        self._dealer = dealer
        self._zone = ZoneInfo(dealer.timezone)
        self._catalogs = catalogs or Catalogs()
        self._templates = templates
        self._signature = dealer.name if sms_signature is None else sms_signature
        self._limits = sms_limits or SmsLimits()
        self._compound = compound_surnames

    def render(
        self,
        purpose: Purpose,
        customer: Customer,
        values: Mapping[str, object] | None = None,
    ) -> RenderedText:
        """Render ``purpose`` for ``customer`` in the customer's language (the dealer's
        when the customer has none).

        ``values`` fills the template's fields: ``date`` values become long dates
        (2026年11月23日), aware ``datetime`` values the dealer's local date and time,
        ``int``/``Decimal`` grouped numbers, :class:`Money` currency, :class:`Holiday` the
        festival's name. A missing field raises :class:`~crm_core.errors.ValidationError`.
        """
        values = values or {}
        template = self._templates.get(purpose)
        if template is None:
            raise ValidationError(f"no template for purpose {purpose!s}", field="purpose")
        clash = _RESERVED & values.keys()
        if clash:
            raise ValidationError(
                f"{', '.join(sorted(clash))} is filled in by the renderer", field="values"
            )
        missing = template.fields - values.keys()
        if missing:
            raise ValidationError(
                f"template {purpose!s} needs {', '.join(sorted(missing))}", field="values"
            )
        where = resolve_locale(customer.locale or self._dealer.locale)
        catalog = self._catalogs.translations(where.catalog)
        fields = {k: self._format(v, k, where.formatting, catalog) for k, v in values.items()}
        fields["name"] = salutation(customer, catalog.gettext, self._compound)
        fields["dealer"] = self._dealer.name

        sms = _fill(catalog, template.sms, fields)
        body = _fill(catalog, template.body, fields)
        text = body + "\n\n" + _fill(catalog, EMAIL_SIGN_OFF, fields)
        if template.marketing:
            sms = _fill(catalog, SMS_WITH_OPT_OUT, {"text": sms})
            text += "\n\n" + catalog.gettext(EMAIL_OPT_OUT)
        if self._signature:
            sms = f"【{self._signature}】{sms}"
        return RenderedText(
            purpose=purpose,
            locale=where.catalog,
            sms=sms,
            subject=_fill(catalog, template.subject, fields),
            text=text,
            html=_html(text, where.catalog),
            marketing=template.marketing,
            length=sms_length(sms, self._limits),
        )

    def _format(
        self, value: object, field: str, locale: str, catalog: gettext.GNUTranslations
    ) -> str:
        # order matters: Holiday is a str, datetime is a date, bool is an int
        if isinstance(value, Holiday):
            return catalog.gettext(HOLIDAY_NAMES[value])
        if isinstance(value, str):
            return value
        if isinstance(value, datetime):
            if value.tzinfo is None or value.utcoffset() is None:
                raise ValidationError("datetime must be timezone-aware", field=field)
            local = value.astimezone(self._zone)
            return catalog.gettext(DATE_AT_TIME).format(
                date=format_date(local.date(), "long", locale=locale),
                time=format_time(local.time(), "short", locale=locale),
            )
        if isinstance(value, date):
            return format_date(value, "long", locale=locale)
        if isinstance(value, time):
            return format_time(value, "short", locale=locale)
        if isinstance(value, Money):
            return format_currency(value.amount, value.currency, locale=locale)
        if isinstance(value, bool):
            raise ValidationError("a yes/no value has no text", field=field)
        if isinstance(value, int | Decimal):
            return format_decimal(value, locale=locale)
        raise ValidationError(f"cannot format a {type(value).__name__} in a text", field=field)


def _fill(catalog: gettext.GNUTranslations, message: str, fields: Mapping[str, str]) -> str:
    translated = catalog.gettext(message)
    try:
        return translated.format_map(fields)
    except (KeyError, IndexError, ValueError) as exc:
        # a translator's typo in a placeholder: name the message so it can be fixed
        raise StandardsError(
            f"the translation of {message[:40]!r}… has a bad placeholder: {exc}",
            source="crm_core message catalog",
        ) from exc


def placeholders(message: str) -> frozenset[str]:
    """The ``str.format`` fields a message uses (for checking translations)."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(message) if name)


def _html(text: str, locale: str) -> str:
    paragraphs = "".join(
        "<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in text.split("\n\n")
    )
    lang = locale.replace("_", "-")
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"></head>'
        f"<body>{paragraphs}</body></html>"
    )
