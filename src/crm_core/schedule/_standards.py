"""Loading the schedule's data files (TOML, structured with cattrs) into typed values.

Every failure becomes a :class:`~crm_core.errors.StandardsError` naming the file, the entry
("rule") and the field, so a host that writes its own file can find its mistake.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from importlib import resources
from typing import Any, Protocol, TypeVar, runtime_checkable

from crm_core.domain.serialization import make_converter, structure_record
from crm_core.errors import RecordValidationError, StandardsError

T = TypeVar("T")


def parse_toml(text: str, *, source: str) -> dict[str, Any]:
    """Parse a TOML document, naming ``source`` in the error if it is not valid TOML."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise StandardsError(f"not valid TOML: {exc}", source=source) from exc


def read_packaged(name: str) -> str:
    """The text of a data file shipped in ``crm_core/schedule/data/``."""
    return resources.files("crm_core.schedule").joinpath("data", name).read_text("utf-8")


def entries(document: dict[str, Any], key: str, *, source: str) -> list[dict[str, Any]]:
    """The array of tables ``key`` of a standards document (``[[key]]`` entries)."""
    value = document.get(key)
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise StandardsError(f"expected an array of [[{key}]] tables", source=source, field=key)
    return value


def structure(data: dict[str, Any], cls: type[T], *, source: str, rule: str) -> T:
    """Structure one entry; the first failing field is named in the error."""
    try:
        return structure_record(make_converter(), data, cls)
    except RecordValidationError as exc:
        first = exc.errors[0] if exc.errors else None
        raise StandardsError(
            "; ".join(e.message for e in exc.errors) or str(exc),
            source=source,
            rule=rule,
            field=first.field if first is not None else None,
        ) from exc


@runtime_checkable
class _Validated(Protocol):
    def validate(self, source: str) -> None: ...


def load_entries(
    text: str,
    cls: type[T],
    *,
    source: str,
    key: str,
    id_key: str,
    rule_name: Callable[[object], str] = str,
) -> tuple[T, ...]:
    """Load a ``format = 1`` standards file: its ``[[key]]`` entries structured into
    ``cls``, each validated (if ``cls`` has ``validate(source)``), ids unique.

    ``rule_name`` turns an entry's ``id_key`` value into the name used in errors.
    """
    document = parse_toml(text, source=source)
    if document.get("format") != 1:
        raise StandardsError("unsupported format; expected format = 1", source=source)
    items: list[T] = []
    seen: set[object] = set()
    for i, entry in enumerate(entries(document, key, source=source)):
        raw_id = entry.get(id_key)
        rule = rule_name(raw_id) if raw_id is not None else f"#{i + 1}"
        item = structure(entry, cls, source=source, rule=rule)
        if isinstance(item, _Validated):
            item.validate(source)
        if raw_id in seen:
            raise StandardsError(f"duplicate {id_key}", source=source, rule=rule, field=id_key)
        seen.add(raw_id)
        items.append(item)
    return tuple(items)
