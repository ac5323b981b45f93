"""Finding the message catalog and the formatting locale for a customer.

The compiled catalogs ship in the wheel under ``crm_core/i18n/<locale>/LC_MESSAGES``. Texts
exist in Simplified Chinese (``zh_CN``) and English (``en``): a customer whose language is
Chinese in any script or region gets the zh_CN texts, everyone else the English ones. Dates
and numbers, however, follow the customer's own locale where Babel knows it, so an en_GB
customer reads "23 November 2026" and an en_US one "November 23, 2026".

>>> resolve_locale("zh-Hans-CN")
TextLocale(catalog='zh_CN', formatting='zh_Hans_CN')
>>> resolve_locale("fr_FR")
TextLocale(catalog='en', formatting='en')
"""

from __future__ import annotations

import gettext
import threading
from collections.abc import Sequence
from pathlib import Path

import attrs
from babel import Locale, UnknownLocaleError

from crm_core.errors import StandardsError, ValidationError

__all__ = ["CATALOG_DIR", "DOMAIN", "SUPPORTED_LOCALES", "Catalogs", "TextLocale", "resolve_locale"]

CATALOG_DIR = Path(__file__).resolve().parent.parent / "i18n"
DOMAIN = "crm_core"
SUPPORTED_LOCALES: tuple[str, ...] = ("zh_CN", "en")


@attrs.frozen(slots=True)
class TextLocale:
    """``catalog`` picks the texts, ``formatting`` (a Babel locale id) the dates and numbers."""

    catalog: str
    formatting: str


def resolve_locale(locale: str, supported: Sequence[str] = SUPPORTED_LOCALES) -> TextLocale:
    """Map a customer's locale (``zh_CN``, ``zh-TW``, ``en_GB``, ``fr``) to a catalog.

    Raises :class:`~crm_core.errors.ValidationError` for a string that is not a locale.
    The last of ``supported`` is the fallback for languages without a catalog.
    """
    try:
        parsed = Locale.parse(locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise ValidationError(f"not a known locale: {locale!r}", field="locale") from exc
    exact = str(parsed)
    if exact in supported:
        return TextLocale(exact, exact)
    for candidate in supported:
        if Locale.parse(candidate).language == parsed.language:
            return TextLocale(candidate, exact)
    fallback = supported[-1]
    return TextLocale(fallback, fallback)


class Catalogs:
    """Loads compiled catalogs once per locale (thread-safe).

    ``directory`` and ``domain`` default to the library's own; a host with its own texts
    passes its own, laid out the same way (``<directory>/<locale>/LC_MESSAGES/<domain>.mo``).
    A missing catalog is an error, not a silent fallback to English message ids.
    """

    def __init__(self, directory: Path = CATALOG_DIR, domain: str = DOMAIN) -> None:
        self._directory = directory
        self._domain = domain
        self._lock = threading.Lock()
        self._loaded: dict[str, gettext.GNUTranslations] = {}

    def path(self, locale: str) -> Path:
        return self._directory / locale / "LC_MESSAGES" / f"{self._domain}.mo"

    def translations(self, locale: str) -> gettext.GNUTranslations:
        """The catalog for a catalog locale (``zh_CN``, ``en``)."""
        with self._lock:
            found = self._loaded.get(locale)
            if found is None:
                path = self.path(locale)
                try:
                    with path.open("rb") as fp:
                        found = gettext.GNUTranslations(fp)
                except OSError as exc:
                    raise StandardsError(
                        "cannot read the message catalog", source=str(path)
                    ) from exc
                self._loaded[locale] = found
            return found
