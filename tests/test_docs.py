"""Every ``>>>`` example in the docs and the README runs, so the docs cannot rot."""

from __future__ import annotations

import ast
import doctest
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])


@pytest.mark.parametrize("path", DOCS, ids=[p.name for p in DOCS])
def test_doc_examples_run(path: Path) -> None:
    result = doctest.testfile(
        str(path),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        encoding="utf-8",
    )
    assert result.failed == 0, f"{result.failed} doc example(s) failed in {path.name}"


def _public_names() -> dict[str, set[str]]:
    """Namespace → the names docs/api.md lists for it (the page a host trusts)."""
    names: dict[str, set[str]] = {}
    current: set[str] = set()
    for line in (ROOT / "docs" / "api.md").read_text(encoding="utf-8").splitlines():
        if heading := re.fullmatch(r"## `([\w.]+)`", line):
            current = names.setdefault(heading[1], set())
        elif row := re.match(r"\| `(\w+)` \|", line):
            current.add(row[1])
    return names


def _imports_from_crm_core(path: Path) -> list[tuple[str, str]]:
    """(module, name) for every ``from crm_core… import name`` in the file's examples."""
    text = path.read_text(encoding="utf-8")
    found: list[tuple[str, str]] = []
    for example in doctest.DocTestParser().get_examples(text):
        for node in ast.walk(ast.parse(example.source)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("crm_core"):
                found += [(node.module or "", alias.name) for alias in node.names]
    return found


@pytest.mark.parametrize("path", DOCS, ids=[p.name for p in DOCS])
def test_doc_examples_import_only_public_names(path: Path) -> None:
    """What a host copies from the docs must not be a name that "may change": every name
    an example imports is listed on docs/api.md, by the namespace it is imported from or
    one that contains it (``crm_core.schedule.planner.plan`` is ``crm_core.schedule``'s)."""
    public = _public_names()
    private = [
        f"{module}.{name}"
        for module, name in _imports_from_crm_core(path)
        if not any(
            name in names and (module == namespace or module.startswith(namespace + "."))
            for namespace, names in public.items()
        )
    ]
    assert private == [], f"{path.name} imports names that docs/api.md does not list"


def test_the_import_check_sees_private_names(tmp_path: Path) -> None:
    # guards the test above against a parser that silently finds nothing
    doc = tmp_path / "doc.md"
    doc.write_text(
        ">>> from crm_core.adapters._common import OutboxTransitions\n"
        ">>> from crm_core import (Customer,\n"
        "...                       CustomerId)\n",
        encoding="utf-8",
    )
    assert _imports_from_crm_core(doc) == [
        ("crm_core.adapters._common", "OutboxTransitions"),
        ("crm_core", "Customer"),
        ("crm_core", "CustomerId"),
    ]
    assert "OutboxTransitions" not in set().union(*_public_names().values())
