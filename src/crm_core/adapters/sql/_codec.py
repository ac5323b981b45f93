"""Records to rows and back, derived from the records' own type hints.

One codec per table: plain fields map to a column of the same name, enums to their
values, money to decimal text, nested values (tuples, sets, an interaction's detail) to
JSON through the library's cattrs converter, so what comes back is equal to what went in.
"""

from __future__ import annotations

import enum
import json
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

import attrs
import sqlalchemy as sa

from crm_core.adapters._common import refuse_nul
from crm_core.domain.serialization import make_converter

R = TypeVar("R")

_CONVERTER = make_converter()
_IDENTITY_TYPES = (str, int, bool, date, datetime)


def _unwrap(hint: Any) -> Any:
    """``X | None`` → ``X``; NewTypes → their base type."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1:
            hint = args[0]
    while hasattr(hint, "__supertype__"):
        hint = hint.__supertype__
    return hint


class RowCodec(Generic[R]):
    """Encodes one record class to the columns of one table."""

    def __init__(
        self,
        cls: type[R],
        table: sa.Table,
        *,
        renamed: Mapping[str, str] | None = None,
        derived: Mapping[str, Callable[[R], Any]] | None = None,
    ) -> None:
        renamed = dict(renamed or {})
        hints = typing.get_type_hints(cls)
        self.cls = cls
        self.table = table
        self._fields: list[tuple[str, str, Callable[[Any], Any], Callable[[Any], Any]]] = []
        for field in attrs.fields(cls):  # type: ignore[arg-type]
            column = renamed.get(field.name, field.name)
            encode, decode = self._converters(field.name, hints[field.name])
            self._fields.append((field.name, column, encode, decode))
        self._derived = dict(derived or {})
        self.columns: tuple[str, ...] = tuple(
            c.name
            for c in table.columns
            if c.name in self._derived or any(c.name == f[1] for f in self._fields)
        )
        missing = {c.name for c in table.columns} - set(self.columns)
        if missing:
            raise TypeError(f"{table.name}: no field for column(s) {sorted(missing)}")

    @staticmethod
    def _converters(name: str, hint: Any) -> tuple[Callable[[Any], Any], Callable[[Any], Any]]:
        base = _unwrap(hint)

        def plain_str(value: Any) -> Any:
            if value is not None and "\x00" in value:
                refuse_nul(name, value)
            return value

        if base is str:
            return plain_str, _identity
        if isinstance(base, type) and issubclass(base, enum.Enum):
            enum_cls = base
            return (
                lambda v: None if v is None else v.value,
                lambda v: None if v is None else enum_cls(v),
            )
        if base is Decimal:
            return (
                lambda v: None if v is None else str(v),
                lambda v: None if v is None else Decimal(v),
            )
        if base is bool:
            return _identity, lambda v: None if v is None else bool(v)
        if base in _IDENTITY_TYPES:
            return _identity, _identity

        def to_json(value: Any) -> str | None:
            if value is None:
                return None
            data = _CONVERTER.unstructure(value, unstructure_as=hint)
            refuse_nul(name, data)
            return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

        def from_json(text: Any) -> Any:
            return None if text is None else _CONVERTER.structure(json.loads(text), hint)

        return to_json, from_json

    def to_row(self, record: R) -> dict[str, Any]:
        row = {column: encode(getattr(record, name)) for name, column, encode, _ in self._fields}
        for column, derive in self._derived.items():
            row[column] = derive(record)
        return row

    def to_values(self, record: R) -> tuple[Any, ...]:
        """The row as a tuple in :attr:`columns` order (for the bulk paths)."""
        row = self.to_row(record)
        return tuple(row[c] for c in self.columns)

    def from_row(self, row: Mapping[Any, Any]) -> R:
        return self.cls(**{name: decode(row[column]) for name, column, _, decode in self._fields})


def _identity(value: Any) -> Any:
    return value


def sqlite_value(value: Any) -> Any:
    """What SQLAlchemy's SQLite types store, for the raw ``executemany`` bulk path:
    dates as ISO text, datetimes as UTC text with microseconds (sortable)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def sqlite_values(values: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(sqlite_value(v) for v in values)
