"""Customer texts: templates per purpose, the zh_CN and en catalogs, salutations, Babel
formatting and SMS length. Outside the pure core because it reads the catalog files."""

from crm_core.texts.catalog import Catalogs, TextLocale, resolve_locale
from crm_core.texts.names import salutation, surname
from crm_core.texts.render import Money, RenderedText, TextRenderer
from crm_core.texts.sms import SmsEncoding, SmsLength, SmsLimits, sms_length, split_sms
from crm_core.texts.templates import DEFAULT_TEMPLATES, Holiday, Purpose, Template

__all__ = [
    "DEFAULT_TEMPLATES",
    "Catalogs",
    "Holiday",
    "Money",
    "Purpose",
    "RenderedText",
    "SmsEncoding",
    "SmsLength",
    "SmsLimits",
    "Template",
    "TextLocale",
    "TextRenderer",
    "resolve_locale",
    "salutation",
    "sms_length",
    "split_sms",
    "surname",
]
