"""The shipped catalogs are complete, consistent and compiled from the current sources."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from crm_core.texts.catalog import CATALOG_DIR, DOMAIN, SUPPORTED_LOCALES
from crm_core.texts.render import placeholders

TEXTS_DIR = Path(CATALOG_DIR).parent / "texts"
POT = CATALOG_DIR / f"{DOMAIN}.pot"


def _ids(path: Path) -> set[str]:
    with path.open("rb") as fp:
        return {str(m.id) for m in read_po(fp) if m.id}


def _po(locale: str) -> Path:
    return CATALOG_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def test_the_template_holds_every_marked_message() -> None:
    extracted = {
        str(message[2])
        for message in extract_from_dir(str(TEXTS_DIR), method_map=[("**.py", "python")])
    }
    assert extracted == _ids(POT), "run pybabel extract (docs/notifiers.md)"


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_each_catalog_translates_every_message(locale: str) -> None:
    with _po(locale).open("rb") as fp:
        catalog = read_po(fp)
    assert {str(m.id) for m in catalog if m.id} == _ids(POT), "run pybabel update"
    for message in catalog:
        if not message.id:
            continue
        assert message.string, f"untranslated in {locale}: {message.id!r}"
        assert not message.fuzzy, f"fuzzy in {locale}: {message.id!r}"
        assert placeholders(str(message.string)) == placeholders(str(message.id)), message.id


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_each_compiled_catalog_matches_its_source(locale: str) -> None:
    with _po(locale).open("rb") as fp:
        source = {str(m.id): str(m.string) for m in read_po(fp) if m.id}
    with (CATALOG_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as fp:
        compiled = {str(m.id): str(m.string) for m in read_mo(fp) if m.id}
    assert compiled == source, "run pybabel compile (docs/notifiers.md)"
