"""Records to rows and back, derived from the records' own type hints.

One codec per table: plain fields map to a column of the same name, enums to their
values, money to decimal text, nested values (tuples, sets, an interaction's detail) to
JSON through the library's cattrs converter, so what comes back is equal to what went in.

Records are encoded column by column (:meth:`RowCodec.to_columns`): a bulk load of
millions of rows spends its time here, and mapping one C-level function over a column
(``isoformat``, an enum's value, a NUL search in the column's joined text) costs a
fraction of a Python loop over every field of every row.
"""

from __future__ import annotations

import enum
import json
import operator
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

import attrs
import sqlalchemy as sa

from crm_core.adapters.sql.schema import UtcDateTime
from crm_core.domain.ports.storage import refuse_unstorable
from crm_core.domain.serialization import make_converter

R = TypeVar("R")

Column = Sequence[Any]
"""One column's values, a row per record."""

_CONVERTER = make_converter()
_IDENTITY_TYPES = (str, int, bool, date, datetime)
_ENUM_VALUE = operator.attrgetter("_value_")  # ``.value`` is a Python-level property
_NUL_IN_JSON = "\\u0000"  # JSON escapes U+0000, also with ensure_ascii=False
# one encoder for every call: json.dumps with arguments builds a new one each time,
# which costs more than encoding a repair order's detail
_to_json_text = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _unwrap(hint: Any) -> Any:
    """``X | None`` → ``X``; NewTypes → their base type."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1:
            hint = args[0]
    while hasattr(hint, "__supertype__"):
        hint = hint.__supertype__
    return hint


def _present(convert: Callable[[Any], Any], column: Column) -> Column:
    """``convert`` mapped over a column's values, ``None`` kept as it is."""
    if None in column:
        return [None if v is None else convert(v) for v in column]
    return list(map(convert, column))


class RowCodec(Generic[R]):
    """Encodes one record class to the columns of one table.

    :meth:`to_row` feeds SQLAlchemy statements (which adapt dates and datetimes per
    dialect); :meth:`to_columns` and :meth:`to_rows` feed the drivers' bulk paths
    directly, so for SQLite they do that adaptation themselves.
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
        self._decoders: list[tuple[str, str, Callable[[Any], Any]]] = []
        encoders: dict[str, Callable[[Column], Column] | None] = {}
        field_of: dict[str, str] = {}
        kinds: dict[str, Any] = {}
        for field in attrs.fields(cls):  # type: ignore[arg-type]
            column = renamed.get(field.name, field.name)
            encode, decode = self._converters(field.name, hints[field.name])
            self._decoders.append((field.name, column, decode))
            encoders[column] = encode
            field_of[column] = field.name
            kinds[column] = _unwrap(hints[field.name])
        derived = dict(derived or {})
        for column in derived:
            kinds[column] = _derived_type(table.c[column])
        self.columns: tuple[str, ...] = tuple(c.name for c in table.columns if c.name in kinds)
        missing = {c.name for c in table.columns} - set(self.columns)
        if missing:
            raise TypeError(f"{table.name}: no field for column(s) {sorted(missing)}")
        # a C-level attrgetter per column reads that column of every record
        self._readers = [
            (i, operator.attrgetter(field_of[c]))
            for i, c in enumerate(self.columns)
            if c in field_of
        ]
        self._encoders = [
            (i, encode)
            for i, c in enumerate(self.columns)
            if c in field_of and (encode := encoders[c]) is not None
        ]
        self._derivations = [(i, derived[c]) for i, c in enumerate(self.columns) if c in derived]
        self._width = len(self.columns)
        types_ = [kinds[c] for c in self.columns]
        self._text_columns = [
            (i, c) for i, (c, t) in enumerate(zip(self.columns, types_, strict=True)) if t is str
        ]
        self._sqlite_adapters = [
            (i, _sqlite_adapter(t)) for i, t in enumerate(types_) if t in (date, datetime, bool)
        ]
        self._version_at = self.columns.index("version")
        self._updated_at = self.columns.index("updated_at")

    @staticmethod
    def _converters(
        name: str, hint: Any
    ) -> tuple[Callable[[Column], Column] | None, Callable[[Any], Any]]:
        """A column encoder (``None``: stored as it is) and a value decoder."""
        base = _unwrap(hint)
        if base in _IDENTITY_TYPES and base is not bool:
            return None, _identity
        if isinstance(base, type) and issubclass(base, enum.Enum):
            enum_cls = base
            return (
                lambda column: _present(_ENUM_VALUE, column),
                lambda v: None if v is None else enum_cls(v),
            )
        if base is Decimal:
            return (
                lambda column: _present(str, column),
                lambda v: None if v is None else Decimal(v),
            )
        if base is bool:
            return None, lambda v: None if v is None else bool(v)

        def to_json(value: Any) -> str | None:
            if value is None:
                return None
            if not value and isinstance(value, tuple | frozenset):
                return "[]"  # the common case (no opted-out channels), without cattrs
            data = _CONVERTER.unstructure(value, unstructure_as=hint)
            text = _to_json_text(data)
            # NUL is escaped (or an escaped backslash precedes "u0000"); a lone surrogate
            # is not printable: look closer
            if _NUL_IN_JSON in text or not text.isprintable():
                refuse_unstorable(name, data)
            return text

        def from_json(text: Any) -> Any:
            return None if text is None else _CONVERTER.structure(json.loads(text), hint)

        return (lambda column: list(map(to_json, column))), from_json

    def to_row(self, record: R, *, stamp: tuple[int, datetime] | None = None) -> dict[str, Any]:
        """One record as a ``{column: value}`` mapping for a SQLAlchemy statement."""
        values = self.to_rows([record], stamp=stamp)[0]
        return dict(zip(self.columns, values, strict=True))

    def to_rows(
        self,
        records: Sequence[R],
        *,
        stamp: tuple[int, datetime] | None = None,
        sqlite: bool = False,
    ) -> list[tuple[Any, ...]]:
        """The records' rows as tuples in :attr:`columns` order (see :meth:`to_columns`)."""
        return list(zip(*self.to_columns(records, stamp=stamp, sqlite=sqlite), strict=True))

    def to_columns(
        self,
        records: Sequence[R],
        *,
        stamp: tuple[int, datetime] | None = None,
        sqlite: bool = False,
    ) -> list[Column]:
        """The records' values column by column, in :attr:`columns` order.

        ``stamp`` replaces every record's ``(version, updated_at)``. ``sqlite`` stores
        dates, datetimes and booleans as SQLAlchemy's SQLite types do (the raw
        ``executemany`` path bypasses them). Text containing U+0000 is refused with
        :class:`~crm_core.errors.ValidationError`.
        """
        count = len(records)
        columns: list[Column] = [()] * self._width
        if not count:
            return columns
        for i, read in self._readers:
            columns[i] = list(map(read, records))
        for i, derive in self._derivations:
            columns[i] = list(map(derive, records))
        for i, encode in self._encoders:
            columns[i] = encode(columns[i])
        for i, name in self._text_columns:
            text = "".join(filter(None, columns[i]))
            if not text.isprintable():  # NUL and lone surrogates are not; look closer
                refuse_unstorable(name, text)
        stamped = () if stamp is None else (self._version_at, self._updated_at)
        if sqlite:
            for i, adapt in self._sqlite_adapters:
                if i not in stamped:
                    columns[i] = _present(adapt, columns[i])
        if stamp is not None:
            version, updated_at = stamp
            columns[self._version_at] = (version,) * count
            columns[self._updated_at] = (
                _sqlite_datetime(updated_at) if sqlite else updated_at,
            ) * count
        return columns

    def from_row(self, row: Mapping[Any, Any]) -> R:
        return self.cls(**{name: decode(row[column]) for name, column, decode in self._decoders})


def _identity(value: Any) -> Any:
    return value


def _derived_type(column: sa.Column[Any]) -> type | None:
    if isinstance(column.type, sa.Date):
        return date
    if isinstance(column.type, UtcDateTime):
        return datetime
    return None


def _sqlite_datetime(value: datetime) -> str:
    """SQLAlchemy's SQLite text for a UTC datetime (``UtcDateTime`` passes it naive UTC):
    ``YYYY-MM-DD HH:MM:SS.ffffff``, the offset cut off; ``isoformat`` is twice as fast as
    ``strftime`` and pads the year to four digits as SQLAlchemy does."""
    return value.astimezone(UTC).isoformat(" ", "microseconds")[:26]


_sqlite_date: Callable[[date], str] = operator.methodcaller("isoformat")


def _sqlite_adapter(kind: type | None) -> Callable[[Any], Any]:
    if kind is datetime:
        return _sqlite_datetime
    if kind is bool:
        # SQLAlchemy stores 1/0; an exact int also binds without sqlite3's adaptation
        # lookup, which costs about 1 µs per bool (see SqlUnitOfWork.bulk_insert)
        return int
    return _sqlite_date
