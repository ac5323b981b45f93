"""The examples in the notifier, outbox and text modules' docstrings run."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "crm_core.adapters._scrub",
    "crm_core.adapters.console",
    "crm_core.adapters.memory_notifiers",
    "crm_core.adapters.sms_http",
    "crm_core.adapters.smtp",
    "crm_core.domain.ports.notifiers",
    "crm_core.texts.catalog",
    "crm_core.texts.names",
    "crm_core.texts.render",
    "crm_core.texts.sms",
]


@pytest.mark.parametrize("name", MODULES)
def test_module_examples(name: str) -> None:
    result = doctest.testmod(
        importlib.import_module(name),
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
    )
    assert result.failed == 0
    assert result.attempted > 0
