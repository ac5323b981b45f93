"""Generate ``docs/api.md``, the index of crm_core's public API, from the ``__all__`` lists.

The public API is what the namespaces below export; the index lists every exported name
with the first line of its docstring, so a host sees the whole surface on one page and a
reviewer sees every addition in the diff. That first line must therefore stand alone: say
what the thing is in dealer terms, in one sentence, and leave the details to the lines after
a blank one. ``tests/unit/test_public_api.py`` fails when the page and the code disagree,
so run this after changing an ``__all__`` or a summary line:

    python tools/gen_api_doc.py            # rewrite docs/api.md
    python tools/gen_api_doc.py --check    # exit 1 if it is out of date

Needs the ``test`` extra (the adapters and test helpers import their optional
dependencies).
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import re
import sys
import types
import typing
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "api.md"

# (namespace, why a host imports it); the order is the order of the page
NAMESPACES: tuple[tuple[str, str], ...] = (
    ("crm_core", "records, ids, enums, typed errors and the converter"),
    ("crm_core.domain.rules", "record checks and the identifier standards"),
    ("crm_core.domain.duplicates", "finding duplicate customer files and planning their merge"),
    ("crm_core.domain.ports", "the interfaces a host's storage and gateways implement"),
    ("crm_core.schedule", "working days, follow-up calendars, the planner, SLAs"),
    ("crm_core.scoring", "KPIs, the callback report, loyalty, churn, segments"),
    ("crm_core.scoring.kpi", "KPI values and the functions that make them, for a host's own KPIs"),
    ("crm_core.texts", "customer texts: templates, catalogs, salutations, SMS length"),
    ("crm_core.adapters.memory", "in-memory storage (also the test fake)"),
    ("crm_core.adapters.sql", "SQLite and PostgreSQL storage (extra `sql` / `postgres`)"),
    ("crm_core.adapters.sql.migrate", "schema migrations"),
    ("crm_core.adapters.sql.schema", "the SQL tables, for a host's own migrations and reports"),
    ("crm_core.adapters.planning", "planning a day into storage"),
    ("crm_core.adapters.outbox", "turning tasks into outbox messages"),
    ("crm_core.adapters.dispatcher", "sending the outbox through the gateways"),
    ("crm_core.adapters.smtp", "e-mail over SMTP"),
    ("crm_core.adapters.sms_http", "SMS over a JSON/HTTP gateway"),
    ("crm_core.adapters.memory_notifiers", "notifier fakes that record what they got"),
    ("crm_core.adapters.console", "notifiers that print or write a file (the demo)"),
    ("crm_core.adapters.csv_import", "importing a DMS export"),
    ("crm_core.adapters.merge", "merging duplicate customers"),
    ("crm_core.cli", "the `crm-core` command, callable from Python"),
    ("crm_core.demo", "generated dealers with known data defects, for demos and tests"),
    ("crm_core.testing.assertions", "rule assertions for a host's tests"),
    ("crm_core.testing.storage_contracts", "the storage contract suite"),
    ("crm_core.testing.notifier_contracts", "the notifier contract suite"),
    ("crm_core.testing.strategies", "hypothesis strategies for every record"),
    ("crm_core.testing.records", "small valid records for tests"),
    ("crm_core.testing.sql_stores", "SQL stores for contract tests"),
    ("crm_core.testing.postgres", "a throw-away PostgreSQL server for tests"),
    ("crm_core.testing.gateways", "local SMTP and SMS test servers"),
)


def own_doc(value: object) -> str:
    """A name's own docstring, not one it inherits from its class or a base class.

    Every undocumented enum would otherwise read "Create a collection of name/value pairs",
    and every id type typing's words on ``NewType``.
    """
    own = inspect.isclass(value) or isinstance(value, typing.NewType)
    doc = vars(value).get("__doc__") if own else inspect.getdoc(value)
    return inspect.cleandoc(doc) if isinstance(doc, str) else ""


_ROLE = re.compile(r":[a-z]+:`(~?)([^`]+)`")
_LITERAL = re.compile(r"``([^`]+)``")


def markdown(text: str) -> str:
    """reST inline markup as Markdown: literals and cross-references become code spans.

    A cross-reference to ``~a.b.x`` shows ``x``, as Sphinx would.
    """
    text = _ROLE.sub(lambda m: f"`{m[2].rsplit('.', 1)[-1] if m[1] else m[2]}`", text)
    return _LITERAL.sub(r"`\1`", text)


def summary(value: object) -> str:
    """The first line of what a name documents: its own docstring, or for a constant
    the type it is an instance of."""
    if typing.get_origin(value) is not None:
        return f"`{value}`".replace("collections.abc.", "").replace("datetime.", "")
    if isinstance(value, types.ModuleType | type) or callable(value):
        doc = own_doc(value).strip()
        return markdown(doc.splitlines()[0]) if doc else ""
    return f"a `{type(value).__name__}` value"


def kind(value: object) -> str:
    if typing.get_origin(value) is not None:
        return "type alias"
    if isinstance(value, typing.NewType):
        return "NewType"
    if isinstance(value, types.ModuleType):
        return "module"
    if inspect.isclass(value):
        return "exception" if issubclass(value, BaseException) else "class"
    if callable(value):
        return "function"
    return "constant"


def render() -> str:
    lines = [
        "# Public API",
        "",
        "Every name a host may rely on, by namespace: what each namespace's `__all__`",
        "exports, with the first line of its docstring. Anything not listed here may change",
        "between minor versions. Generated by `tools/gen_api_doc.py`; a test fails when this",
        "page and the code disagree.",
        "",
        "```python",
        ">>> import crm_core",
        ">>> crm_core.Customer.__module__, crm_core.ValidationError.__module__",
        "('crm_core.domain.customer', 'crm_core.errors')",
        "",  # doctest reads up to a blank line: without it the fence is expected output
        "```",
        "",
    ]
    for name, why in NAMESPACES:
        module = importlib.import_module(name)
        lines += [f"## `{name}`", "", f"{why[0].upper()}{why[1:]}.", ""]
        lines += ["| name | kind | summary |", "|---|---|---|"]
        for exported in module.__all__:
            value = getattr(module, exported)
            text = summary(value).replace("|", "\\|")
            lines.append(f"| `{exported}` | {kind(value)} | {text} |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/api.md is stale")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if DOC.read_text(encoding="utf-8") != text:
            print(f"{DOC} is out of date: run python tools/gen_api_doc.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
