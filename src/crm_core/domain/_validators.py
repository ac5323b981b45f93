"""attrs validators shared by the records: constructors refuse values that cannot exist.

:func:`as_members` is the records' one rule for enum fields: a field typed as an enum
holds the member, whether the caller passed the member or its value string (as a DMS row
or a host's config hands it over), and anything else is a typed error naming the field.
"""

from __future__ import annotations

import enum
import functools
import math
import types
import typing
from collections.abc import Callable, Hashable, Iterable
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, TypeGuard, TypeVar

import attrs

from crm_core.errors import ValidationError

E = TypeVar("E", bound=enum.Enum)


def aware(_: Any, attribute: attrs.Attribute[Any], value: datetime | None) -> None:
    """Refuse naive datetimes: a callback due "at 10:00" means nothing without a zone.

    A fixed offset (``datetime.timezone``, what drivers and parsers mostly hand over)
    always has one, so only other zones are asked for it.
    """
    if value is None:
        return
    zone = value.tzinfo
    if type(zone) is not timezone and (zone is None or value.utcoffset() is None):
        raise ValidationError("datetime must be timezone-aware", field=attribute.name)


def require_aware(value: object, field: str) -> datetime:
    """A function's datetime argument (``now``…), unless it is not an aware datetime.

    The pure core takes the time from its caller; a ``date`` or a naive datetime there
    would plan in no zone, or in the machine's, so it is refused with a typed error that
    names the argument rather than an ``AttributeError`` from deep inside.
    """
    if not isinstance(value, datetime):
        raise ValidationError(
            f"must be a timezone-aware datetime, not {type(value).__name__}", field=field
        )
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError("must be timezone-aware", field=field)
    return value


def is_whole(value: object, low: float = -math.inf, high: float = math.inf) -> TypeGuard[int]:
    """``value`` is an int from ``low`` to ``high``. A bool is not, though Python makes it
    an int: ``True`` for a count, a port or a score is a mistake, not a 1."""
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def non_empty(_: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    """Refuse empty ids: every stored record must be addressable."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("must be a non-empty string", field=attribute.name)


def non_negative(_: Any, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and value < 0:
        raise ValidationError("must not be negative", field=attribute.name)


def finite(_: Any, attribute: attrs.Attribute[Any], value: Decimal | None) -> None:
    """Money is a number: ``Decimal("NaN")`` (what a CSV cell "NaN" parses to) would
    poison every sum it enters and could not be read back from JSON."""
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValidationError(f"must be a finite amount, got {value}", field=attribute.name)


def member(enum_type: type[E], value: object, field: str | None = None) -> E:
    """The member of ``enum_type`` that ``value`` is, or whose value it is.

    A value that names no member is refused with a :class:`ValidationError` naming
    ``field`` and listing the allowed values; a non-string is named by its type only
    (it may be personal data in the wrong column).

    >>> from crm_core.domain.contact import Channel
    >>> member(Channel, "sms") is Channel.SMS
    True
    >>> member(Channel, "fax", "channel")
    Traceback (most recent call last):
    ...
    crm_core.errors.ValidationError: channel: 'fax' is not one of: phone, sms, email, mail, in_person, wechat, app, internal
    """  # noqa: E501
    if type(value) is enum_type:
        return value
    try:
        return enum_type(value)
    except (TypeError, ValueError) as exc:
        allowed = ", ".join(str(m.value) for m in enum_type)
        given = repr(value) if isinstance(value, str) else f"a value of type {type(value).__name__}"
        raise ValidationError(f"{given} is not one of: {allowed}", field=field) from exc


# (field name, enum, container or None, None allowed)
_EnumField = tuple[str, type[enum.Enum], type[Any] | None, bool]


def as_members(record: object) -> None:
    """Store every enum field of ``record`` as its member (call it first in post-init).

    The scores select records with ``kind is InteractionKind.CALLBACK``; a value string
    (``"callback"``) equals the member but is not it, so a record keeping the string would
    silently drop out of every KPI. Fields typed ``E``, ``E | None``, ``tuple[E, ...]``
    and ``frozenset[E]`` are converted; a field with its own attrs converter converts
    itself.

    A DMS streams millions of records, nearly all built with members, so the test that
    they are is generated per class from its annotations (as attrs generates
    ``__init__``): one type comparison per field, no loop, no enum call — a fifth of
    what a loop over the fields costs. Only a record that holds something else goes
    through the conversion.
    """
    # typeshed's type[object] does not satisfy Hashable (an unbound __hash__); classes hash
    _compiled_check(typing.cast(Hashable, type(record)))(record)


@functools.cache  # one per record class: a pure function of the class's annotations
def _compiled_check(cls: Hashable) -> Callable[[Any], None]:
    assert isinstance(cls, type)
    fields = _enum_fields(cls)
    env: dict[str, Any] = {"_convert": _convert, "_fields": fields, "_members_in": _members_in}
    tests = []
    for i, (name, enum_type, container, optional) in enumerate(fields):
        env[f"_e{i}"], env[f"_c{i}"] = enum_type, container
        if container is not None:
            # an empty collection (the usual opt-out set) is answered without a call
            tests.append(
                f"((not r.{name} and type(r.{name}) is _c{i})"
                f" or _members_in(r.{name}, _e{i}, _c{i}))"
            )
        elif optional:
            tests.append(f"(r.{name} is None or type(r.{name}) is _e{i})")
        else:
            tests.append(f"type(r.{name}) is _e{i}")
    condition = " and ".join(tests) or "True"
    source = f"def check(r):\n    if not ({condition}):\n        _convert(r, _fields)\n"
    exec(compile(source, f"<as_members {cls.__qualname__}>", "exec"), env)
    return typing.cast(Callable[[Any], None], env["check"])


def _convert(record: object, fields: tuple[_EnumField, ...]) -> None:
    for name, enum_type, container, optional in fields:
        value = getattr(record, name)
        if type(value) is enum_type or (value is None and optional):
            continue
        if container is None:
            object.__setattr__(record, name, member(enum_type, value, name))
        elif not _members_in(value, enum_type, container):
            object.__setattr__(record, name, _collection(value, enum_type, container, name))


def _members_in(value: Any, enum_type: type[enum.Enum], container: type[Any]) -> bool:
    if type(value) is not container:
        return False
    # a record holds one or two members here: the loop costs a quarter of all(generator)
    for item in value:  # noqa: SIM110
        if type(item) is not enum_type:
            return False
    return True


def _collection(
    value: Any, enum_type: type[enum.Enum], container: type, name: str
) -> tuple[Any, ...] | frozenset[Any]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValidationError(
            f"expected a collection of {enum_type.__name__}, got {type(value).__name__}",
            field=name,
        )
    members = (member(enum_type, item, name) for item in value)
    return tuple(members) if container is tuple else frozenset(members)


def _enum_fields(cls: type) -> tuple[_EnumField, ...]:
    hints = typing.get_type_hints(cls)
    found: list[_EnumField] = []
    for field in attrs.fields(cls):
        if field.init and field.converter is None:
            shape = _enum_shape(hints[field.name])
            if shape is not None:
                found.append((field.name, *shape))
            elif _mentions_enum(hints[field.name]):
                raise TypeError(f"{cls.__name__}.{field.name}: no enum conversion for its type")
    return tuple(found)


def _enum_shape(hint: Any) -> tuple[type[enum.Enum], type | None, bool] | None:
    """(enum, container, None allowed) for a field type that holds enum members."""
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint, None, False
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union) and len(args) == 2 and type(None) in args:
        (inner,) = (a for a in args if a is not type(None))
        if isinstance(inner, type) and issubclass(inner, enum.Enum):
            return inner, None, True
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        (inner, _) = args
        container: type = tuple
    elif origin is frozenset and len(args) == 1:
        (inner,) = args
        container = frozenset
    else:
        return None
    if isinstance(inner, type) and issubclass(inner, enum.Enum):
        return inner, container, False
    return None


def _mentions_enum(hint: Any) -> bool:
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return True
    return any(_mentions_enum(arg) for arg in typing.get_args(hint))
