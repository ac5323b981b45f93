"""Loading the schedule's data files (TOML, structured with cattrs) into typed values.

Every failure becomes a :class:`~crm_core.errors.StandardsError` naming the file, the entry
("rule") and the field, so a host that writes its own file can find its mistake.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any, TypeVar

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
