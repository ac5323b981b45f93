"""Records to rows and back, derived from the records' own type hints.

One codec per table: plain fields map to a column of the same name, enums to their
values, money to decimal text, nested values (tuples, sets, an interaction's detail) to
JSON through the library's cattrs converter, so what comes back is equal to what went in.
"""

from __future__ import annotations

import enum
import json
import operator
import types
import typing
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

import attrs
import sqlalchemy as sa

from crm_core.adapters._common import refuse_nul
from crm_core.adapters.sql.schema import UtcDateTime
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
    """Encodes one record class to the columns of one table.

    :meth:`to_row` feeds SQLAlchemy statements (which adapt dates and datetimes per
    dialect); :meth:`to_values` feeds the drivers' bulk paths directly, so it does that
    adaptation itself, from a per-column plan computed once.
    """

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
        kinds: dict[str, Any] = {}
        for field in attrs.fields(cls):  # type: ignore[arg-type]
            column = renamed.get(field.name, field.name)
            encode, decode = self._converters(field.name, hints[field.name])
            self._fields.append((field.name, column, encode, decode))
            kinds[column] = _unwrap(hints[field.name])
        self._derived = dict(derived or {})
        for column in self._derived:
            kinds[column] = _derived_type(table.c[column])
        self.columns: tuple[str, ...] = tuple(c.name for c in table.columns if c.name in kinds)
        missing = {c.name for c in table.columns} - set(self.columns)
        if missing:
            raise TypeError(f"{table.name}: no field for column(s) {sorted(missing)}")
        field_of = {column: name for name, column, _, _ in self._fields}
        encoders = {column: encode for _, column, encode, _ in self._fields}
        # one C-level attrgetter reads every field column at once; the few columns that
        # need converting or deriving are patched in afterwards
        self._field_positions = [i for i, c in enumerate(self.columns) if c in field_of]
        self._read_fields = operator.attrgetter(
            *(field_of[self.columns[i]] for i in self._field_positions)
        )
        self._patches = [
            (i, encoders[c])
            for i, c in enumerate(self.columns)
            if c in field_of and encoders[c] is not _identity
        ]
        self._derivations = [
            (i, self._derived[c]) for i, c in enumerate(self.columns) if c in self._derived
        ]
        self._width = len(self.columns)
        types_ = [kinds[c] for c in self.columns]
        self._text_columns = [
            (i, c) for i, (c, t) in enumerate(zip(self.columns, types_, strict=True)) if t is str
        ]
        self._sqlite_adapters = [
            (i, _sqlite_adapter(t)) for i, t in enumerate(types_) if t in (date, datetime)
        ]
        self._stamp_at = (self.columns.index("version"), self.columns.index("updated_at"))

    @staticmethod
    def _converters(name: str, hint: Any) -> tuple[Callable[[Any], Any], Callable[[Any], Any]]:
        base = _unwrap(hint)
        if base in _IDENTITY_TYPES and base is not bool:
            return _identity, _identity
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

        def to_json(value: Any) -> str | None:
            if value is None:
                return None
            if not value and isinstance(value, tuple | frozenset):
                return "[]"  # the common case (no opted-out channels), without cattrs
            data = _CONVERTER.unstructure(value, unstructure_as=hint)
            refuse_nul(name, data)
            return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

        def from_json(text: Any) -> Any:
            return None if text is None else _CONVERTER.structure(json.loads(text), hint)

        return to_json, from_json

    def to_row(self, record: R, *, stamp: tuple[int, datetime] | None = None) -> dict[str, Any]:
        return dict(zip(self.columns, self.to_values(record, stamp=stamp), strict=True))

    def to_values(
        self, record: R, *, stamp: tuple[int, datetime] | None = None, sqlite: bool = False
    ) -> tuple[Any, ...]:
        """The row as a tuple in :attr:`columns` order. ``stamp`` replaces the record's
        ``(version, updated_at)``; ``sqlite`` stores dates and datetimes as SQLAlchemy's
        SQLite types do (the raw ``executemany`` path bypasses them)."""
        fields = self._read_fields(record)
        if len(self._field_positions) == self._width:
            values = list(fields)
        else:
            values = [None] * self._width
            for i, value in zip(self._field_positions, fields, strict=True):
                values[i] = value
            for i, derive in self._derivations:
                values[i] = derive(record)
        for i, encode in self._patches:
            values[i] = encode(values[i])
        for i, column in self._text_columns:
            text = values[i]
            if text is not None and "\x00" in text:
                refuse_nul(column, text)
        if stamp is not None:
            values[self._stamp_at[0]], values[self._stamp_at[1]] = stamp
        if sqlite:
            for i, adapt in self._sqlite_adapters:
                if values[i] is not None:
                    values[i] = adapt(values[i])
        return tuple(values)

    def from_row(self, row: Mapping[Any, Any]) -> R:
        return self.cls(**{name: decode(row[column]) for name, column, _, decode in self._fields})


def _identity(value: Any) -> Any:
    return value


def _derived_type(column: sa.Column[Any]) -> type | None:
    if isinstance(column.type, sa.Date):
        return date
    if isinstance(column.type, UtcDateTime):
        return datetime
    return None


def _sqlite_adapter(kind: type | None) -> Callable[[Any], Any]:
    if kind is datetime:
        return lambda v: v.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return lambda v: v.isoformat()
