"""Every rule code the checks can emit is documented in docs/rules.md, and stays stable."""

from __future__ import annotations

import re
from pathlib import Path

import crm_core.domain.rules as rules

SOURCES = Path(rules.__file__).resolve().parent
DOC = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def emitted_codes() -> set[str]:
    text = "\n".join(p.read_text(encoding="utf-8") for p in SOURCES.glob("*.py"))
    # Violation(...) itself, the shared violation(...) and the not_normalised(...) warning
    pattern = r'\b(?:Violation|violation|not_normalised)\(\s*"([A-Z][A-Z0-9_]+)"'
    return set(re.findall(pattern, text))


def test_every_code_is_documented() -> None:
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", DOC.read_text(encoding="utf-8")))
    missing = emitted_codes() - documented
    assert not missing, f"rule codes missing from docs/rules.md: {sorted(missing)}"


def test_the_code_list_is_found() -> None:
    # guards the test above against a regex that silently finds nothing
    assert {"PLATE_NO_PROVINCE", "PHONE_STAFF_NUMBER", "STOCK_NOT_MARKED"} <= emitted_codes()
    assert len(emitted_codes()) >= 70
