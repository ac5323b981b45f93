"""Turning records into plain JSON-ready dicts and back, with cattrs.

A converter is built by :func:`make_converter` rather than kept as a module global, so a
host can add its own hooks (its own record types, another date format) without changing
ours. Dates and datetimes become ISO 8601 strings (datetimes must carry an offset),
``Decimal`` becomes a string (no float rounding on money), enums their values, the
interaction ``detail`` a dict tagged with ``"type"``.

>>> from datetime import date
>>> from crm_core import Customer, CustomerType, make_converter, structure_record
>>> conv = make_converter()
>>> c = Customer(id="C1", dealer_id="D1", type=CustomerType.INDIVIDUAL, name="王芳",
...              birthday=date(1990, 5, 17))
>>> data = conv.unstructure(c)
>>> data["birthday"], data["type"]
('1990-05-17', 'individual')
>>> structure_record(conv, data, Customer) == c
True
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.cols import is_frozenset, is_sequence

from crm_core.domain._validators import is_whole, member
from crm_core.domain.interaction import Callback, ClubActivity, Detail, RepairOrder, Sale
from crm_core.errors import CrmCoreError, RecordValidationError, ValidationError

__all__ = ["configure_converter", "make_converter", "structure_record"]

T = TypeVar("T")


def _structure_date(value: Any, _: type) -> date:
    if isinstance(value, datetime):
        raise ValidationError(f"expected a date, got a datetime: {value!r}")
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValidationError(f"expected an ISO date string, got {type(value).__name__}")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError(f"not an ISO date: {value!r}") from exc


def _structure_datetime(value: Any, _: type) -> datetime:
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError as exc:
            raise ValidationError(f"not an ISO datetime: {value!r}") from exc
    else:
        raise ValidationError(f"expected an ISO datetime string, got {type(value).__name__}")
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ValidationError(f"datetime without a UTC offset: {value!r}")
    return parsed


def _structure_str(value: Any, _: type) -> str:
    # cattrs would str() anything; a phone number that arrives as an int has already lost
    # its leading zero, so refuse it rather than store a wrong number
    if not isinstance(value, str):
        raise ValidationError(f"expected a string, got {type(value).__name__}")
    return value


def _structure_bool(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(f"expected true or false, got {type(value).__name__}")
    return value


def _structure_int(value: Any, _: type) -> int:
    if not is_whole(value):
        raise ValidationError(f"expected an integer, got {type(value).__name__}")
    return value


def _collection_hook(converter: cattrs.Converter, cls: Any) -> Callable[[Any, Any], Any]:
    """Structure ``tuple[X, ...]`` and ``frozenset[X]`` from a list (or a tuple, a set),
    never from a string or a mapping, reporting every bad element."""
    build: Callable[[Iterable[Any]], Any] = frozenset if is_frozenset(cls) else tuple
    (item_type,) = cls.__args__[:1]
    item_hook = converter.get_structure_hook(item_type)

    def structure(value: Any, _: Any) -> Any:
        if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
            raise ValidationError(f"expected a list, got {type(value).__name__}")
        items: list[Any] = []
        errors: list[Exception] = []
        for item in value:
            try:
                items.append(item_hook(item, item_type))
            except Exception as exc:  # collected: every bad element is reported
                errors.append(exc)
        if errors:
            raise cattrs.IterableValidationError(f"While structuring {cls!r}", errors, cls)
        return build(items)

    return structure


def _structure_decimal(value: Any, _: type) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise ValidationError(f"expected a decimal string, got {type(value).__name__}")
    try:
        result = Decimal(value)
    except InvalidOperation as exc:
        raise ValidationError(f"not a decimal number: {value!r}") from exc
    if not result.is_finite():
        raise ValidationError(f"not a finite decimal number: {value!r}")
    return result


def _structure_str_enum(value: Any, cls: type[enum.StrEnum]) -> enum.StrEnum:
    # without this hook the ``str`` hook above would also catch StrEnum subclasses and let
    # any string through as an enum member
    if not isinstance(value, str):
        raise ValidationError(f"expected a string, got {type(value).__name__}")
    return member(cls, value)


def configure_converter(converter: cattrs.Converter) -> None:
    """Install crm_core's hooks on an existing converter (the cattrs convention)."""
    converter.register_unstructure_hook(date, date.isoformat)
    converter.register_unstructure_hook(datetime, datetime.isoformat)
    converter.register_structure_hook(date, _structure_date)
    converter.register_structure_hook(datetime, _structure_datetime)
    converter.register_structure_hook(str, _structure_str)
    converter.register_structure_hook(bool, _structure_bool)
    converter.register_structure_hook(int, _structure_int)
    converter.register_structure_hook_factory(
        lambda t: (is_sequence(t) or is_frozenset(t)) and bool(getattr(t, "__args__", ())),
        lambda t: _collection_hook(converter, t),
    )
    converter.register_structure_hook(enum.StrEnum, _structure_str_enum)
    converter.register_unstructure_hook(Decimal, str)
    converter.register_structure_hook(Decimal, _structure_decimal)
    # StrEnum members are str subclasses; emit the plain value so json.dumps and other
    # tools see a str, not an enum member
    converter.register_unstructure_hook(enum.StrEnum, lambda v: v.value)
    # sets serialize sorted so the same record always gives the same JSON
    converter.register_unstructure_hook_func(
        lambda t: getattr(t, "__origin__", None) is frozenset,
        lambda value: sorted(converter.unstructure(v) for v in value),
    )
    _configure_detail_union(converter)


_DETAIL_TYPES: dict[str, type[Detail]] = {
    "sale": Sale,
    "repair_order": RepairOrder,
    "callback": Callback,
    "club_activity": ClubActivity,
}
_DETAIL_TAGS = {cls: tag for tag, cls in _DETAIL_TYPES.items()}


def _configure_detail_union(converter: cattrs.Converter) -> None:
    """An interaction's ``detail`` is one of four classes; tag it with ``"type"`` so the
    JSON says which, instead of guessing from the keys present."""

    def unstructure(value: Detail | None) -> dict[str, Any] | None:
        if value is None:
            return None
        data: dict[str, Any] = converter.unstructure(value, unstructure_as=type(value))
        return {"type": _DETAIL_TAGS[type(value)], **data}

    def structure(value: Any, _: Any) -> Detail | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            raise ValidationError(f"expected an object, got {type(value).__name__}")
        tag = value.get("type")
        cls = _DETAIL_TYPES.get(tag) if isinstance(tag, str) else None
        if cls is None:
            raise ValidationError(
                f"unknown detail type {tag!r}; expected one of {', '.join(_DETAIL_TYPES)}",
                field="type",
            )
        rest = {k: v for k, v in value.items() if k != "type"}
        return converter.structure(rest, cls)

    union: Any = Detail | None
    converter.register_unstructure_hook_func(lambda t: t == union, unstructure)
    converter.register_structure_hook_func(lambda t: t == union, structure)


def make_converter() -> cattrs.Converter:
    """A converter for every crm_core record, forbidding unknown keys in input."""
    converter = cattrs.Converter(forbid_extra_keys=True)
    configure_converter(converter)
    return converter


def structure_record(converter: cattrs.Converter, data: Any, cls: type[T]) -> T:
    """Build a ``cls`` record from ``data`` (parsed JSON, a row), reporting all bad fields at once.

    Every failure becomes one :class:`~crm_core.errors.RecordValidationError` that lists
    each field's problem."""
    if attrs.has(cls) and not isinstance(data, Mapping):
        # cattrs would report "argument of type 'NoneType' is not iterable"
        error = ValidationError(f"expected an object, got {type(data).__name__}")
        raise RecordValidationError(cls.__name__, [error])
    try:
        return converter.structure(data, cls)
    except CrmCoreError as exc:
        if isinstance(exc, RecordValidationError):
            raise
        raise RecordValidationError(cls.__name__, [_as_validation_error(exc)]) from exc
    except cattrs.BaseValidationError as exc:
        raise RecordValidationError(cls.__name__, _flatten(exc)) from exc
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise RecordValidationError(cls.__name__, [ValidationError(str(exc))]) from exc


def _as_validation_error(exc: BaseException, path: str = "") -> ValidationError:
    if isinstance(exc, ValidationError):
        if path and exc.field is None:
            return ValidationError(exc.message, field=path)
        if path and exc.field:
            return ValidationError(exc.message, field=f"{path}.{exc.field}")
        return exc
    message = str(exc) or type(exc).__name__
    if isinstance(exc, cattrs.ForbiddenExtraKeysError):
        message = f"unknown keys: {', '.join(sorted(exc.extra_fields))}"
    elif isinstance(exc, KeyError):
        message = "required field missing"
    return ValidationError(message, field=path or None)


def _flatten(group: BaseException, path: str = "") -> list[ValidationError]:
    if not isinstance(group, BaseExceptionGroup):
        return [_as_validation_error(group, path)]
    errors: list[ValidationError] = []
    for exc in group.exceptions:
        note = next(
            (
                n
                for n in getattr(exc, "__notes__", ())
                if isinstance(n, cattrs.AttributeValidationNote)
            ),
            None,
        )
        child_path = path
        if note is not None:
            child_path = f"{path}.{note.name}" if path else note.name
        errors.extend(_flatten(exc, child_path))
    return errors
