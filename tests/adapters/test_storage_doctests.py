"""The storage modules' docstring examples run."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "crm_core.adapters.memory",
    "crm_core.adapters.sql.engine",
    "crm_core.adapters.sql.migrate",
    "crm_core.adapters.sql.storage",
    "crm_core.domain.personal_data",
    "crm_core.domain.ports.storage",
    "crm_core.testing.records",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
