"""The public API is what the namespaces' ``__all__`` lists say, every name there resolves
and is documented, and ``docs/api.md`` lists exactly those names (a host reads the page,
a reviewer sees every addition in its diff)."""

from __future__ import annotations

import importlib
import importlib.util
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _generator() -> types.ModuleType:
    spec = importlib.util.spec_from_file_location("gen_api_doc", ROOT / "tools" / "gen_api_doc.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GENERATOR = _generator()
NAMESPACES = [name for name, _ in GENERATOR.NAMESPACES]
# constants and type aliases carry no docstring of their own; the page shows their type
DOCUMENTED_KINDS = {"class", "exception", "function", "module", "NewType"}


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_every_exported_name_resolves_and_is_public(namespace: str) -> None:
    module = importlib.import_module(namespace)
    exported = list(module.__all__)
    assert len(exported) == len(set(exported)), "a name is listed twice"
    for name in exported:
        assert not name.startswith("_") or name == "__version__", name
        assert hasattr(module, name), f"{namespace}.{name} is listed but missing"


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_every_exported_class_and_function_has_a_docstring(namespace: str) -> None:
    module = importlib.import_module(namespace)
    undocumented = [
        name
        for name in module.__all__
        if GENERATOR.kind(getattr(module, name)) in DOCUMENTED_KINDS
        and not GENERATOR.own_doc(getattr(module, name)).strip()
    ]
    assert undocumented == []


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_every_summary_line_stands_alone(namespace: str) -> None:
    """The page shows a docstring's first line only, so that line must be a whole sentence:
    one cut at the line break ("asks for more points than the member") reads as a mistake."""
    module = importlib.import_module(namespace)
    cut = [
        name
        for name in module.__all__
        if GENERATOR.kind(getattr(module, name)) in DOCUMENTED_KINDS
        and not GENERATOR.summary(getattr(module, name)).endswith((".", "?", "!", "…"))
    ]
    assert cut == []


def test_summaries_read_as_markdown() -> None:
    """Docstrings use reST markup; the page turns it into Markdown code spans."""
    assert GENERATOR.markdown("See :class:`~crm_core.errors.NotFoundError`.") == (
        "See `NotFoundError`."
    )
    assert GENERATOR.markdown(":func:`next_inspection` for ``on``") == "`next_inspection` for `on`"


def test_subpackage_names_reach_the_top_level_namespaces() -> None:
    import crm_core
    import crm_core.schedule

    assert crm_core.ValidationError is importlib.import_module("crm_core.errors").ValidationError
    assert crm_core.schedule.plan is importlib.import_module("crm_core.schedule.planner").plan
    modules = ["calendars", "consent", "festivals", "inspection", "planner", "sla", "workdays"]
    for module in [*modules, "working_time"]:
        inner = importlib.import_module(f"crm_core.schedule.{module}")
        assert set(inner.__all__) <= set(crm_core.schedule.__all__), module


def test_the_api_page_is_generated_from_the_code() -> None:
    page = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    assert page == GENERATOR.render(), "docs/api.md is stale: run python tools/gen_api_doc.py"
