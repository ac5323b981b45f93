"""A host's tests install ``crm-core[testing]`` to use the contract suites, strategies and
rule assertions: that extra and the base dependencies must cover every third-party module
those helpers import, directly or through the crm_core modules they import."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
# the helpers a host's own test suite imports (sql_stores, postgres and gateways need the
# sql, postgres and test extras: they run our servers)
HOST_HELPERS = (
    "crm_core.testing.assertions",
    "crm_core.testing.notifier_contracts",
    "crm_core.testing.plugin",
    "crm_core.testing.records",
    "crm_core.testing.storage_contracts",
    "crm_core.testing.strategies",
)
DISTRIBUTION = {"dateutil": "python-dateutil"}  # import name → distribution, where they differ


def _source(module: str) -> Path | None:
    base = SRC.joinpath(*module.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.exists():
            return path
    return None


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def third_party_imports(modules: tuple[str, ...]) -> set[str]:
    """Top-level names of the non-stdlib modules that ``modules`` import, following
    imports of crm_core's own modules and their packages (a from-import may name a
    module or a member)."""
    seen: set[str] = set()
    todo = list(modules)
    outside: set[str] = set()
    while todo:
        module = todo.pop()
        path = _source(module)
        if module in seen or path is None:
            continue
        seen.add(module)
        for name in _imports(path):
            top = name.split(".")[0]
            if top == "crm_core":  # importing a.b.c runs a and a.b first
                parts = name.split(".")
                todo += [".".join(parts[:n]) for n in range(1, len(parts) + 1)]
            elif top not in sys.stdlib_module_names and top != "__future__":
                outside.add(top)
    return outside


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[\s\[<>=!~;]", r, maxsplit=1)[0].lower() for r in requirements}


def test_the_testing_extra_covers_what_the_host_helpers_import() -> None:
    needed = {DISTRIBUTION.get(m, m) for m in third_party_imports(HOST_HELPERS)}
    installed = _names(PROJECT["dependencies"] + PROJECT["optional-dependencies"]["testing"])
    assert needed - installed == set()


def test_the_import_scan_follows_crm_core_modules() -> None:
    # guards the test above against a scan that silently finds nothing
    assert {"pytest", "hypothesis", "attrs", "cattrs"} <= third_party_imports(HOST_HELPERS)
    assert "dateutil" in third_party_imports(("crm_core.schedule",))  # via its modules
    assert "sqlalchemy" in third_party_imports(("crm_core.testing.sql_stores",))
