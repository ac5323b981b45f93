"""Helpers shared by the rule modules."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping

import attrs

from crm_core.domain.rules.violation import Severity, Violation
from crm_core.errors import InvalidFormat, ValidationError

# Enum members are class attributes, which CPython 3.11 looks up through the metaclass on
# every access (about 0.15 µs, a third of a regex match); hot paths use these names.
ERROR = Severity.ERROR
WARNING = Severity.WARNING


@functools.lru_cache(maxsize=4096)
def violation(code: str, field: str, message: str, severity: Severity = ERROR) -> Violation:
    """A :class:`Violation`, shared with earlier identical ones.

    Building a frozen attrs instance takes four ``object.__setattr__`` calls, about a
    microsecond — as long as diagnosing the value that needs it — while a cache hit
    takes a fifth of that. Sharing is invisible to callers: violations are frozen values,
    and their messages never quote the value, so the cache holds no personal data. It is
    bounded (least recently used out) because a message may carry a number (a length)
    that junk varies without end; ``functools.lru_cache`` is thread-safe, so checks can
    run on a host's thread pool.
    """
    return Violation(code, field, message, severity)


def raise_first_error(
    violations: Iterable[Violation], errors: Mapping[str, type[ValidationError]]
) -> None:
    """Raise the typed error of the first ERROR-severity violation (``validate``'s half
    of a module); warnings do not raise."""
    for found in violations:
        if found.severity is ERROR:
            error = errors.get(found.code, InvalidFormat)
            raise error(found.message, field=found.field)


def not_text(field: str, code: str, value: object) -> tuple[Violation, ...]:
    """The violation for a value that is not a string at all (an int, None, bytes)."""
    return (violation(code, field, f"expected text, got {type(value).__name__}"),)


def require_text(value: object, what: str) -> str:
    """``compact``'s guard: a non-string is a typed error, not an AttributeError."""
    if not isinstance(value, str):
        raise InvalidFormat(f"{what} must be text, got {type(value).__name__}")
    return value


def nfkc(value: str) -> str:
    """Full-width letters and digits (Ａ１２３) to their ASCII forms, as Chinese input
    methods produce them; skipped for pure-ASCII text, the common case."""
    return value if value.isascii() else unicodedata.normalize("NFKC", value)


def fold(value: str) -> str:
    """Upper-cased NFKC: the form identifiers are compared in. Normalised again after
    upper-casing, which can decompose (``'ǰ'.upper()``), so that folding is idempotent."""
    if value.isascii():
        return value.upper()
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", value).upper())


def fixed_point(step: Callable[[str], str], value: str) -> str:
    """Apply ``step`` until nothing changes, so that ``compact`` is idempotent.

    Dropping a separator can leave a combining mark next to a new base letter, which
    NFKC then composes, so one round is not always enough (hypothesis found
    ``'A-\u0301'``). Two rounds suffice in practice; the bound keeps junk cheap.
    """
    text = step(value)
    for _ in range(4):
        again = step(text)
        if again == text:
            break
        text = again
    return text


def _compiled(pattern: str | re.Pattern[str]) -> re.Pattern[str]:
    return re.compile(pattern)


@attrs.frozen(slots=True)
class Separators:
    """What :func:`canonical` removes: ``pattern`` matches runs of single characters (a
    character class), so removing them twice removes nothing more; ``ascii`` holds the
    ASCII ones for ``bytes.translate``, worked out once here rather than per call."""

    pattern: re.Pattern[str] = attrs.field(converter=_compiled)
    ascii: bytes = attrs.field(init=False, repr=False)

    @ascii.default
    def _ascii_members(self) -> bytes:
        return bytes(code for code in range(128) if self.pattern.fullmatch(chr(code)))


def canonical(value: str, separators: Separators, dropped: str | None = None) -> str:
    """Folded (:func:`fold`) with every separator removed.

    Two shortcuts around :func:`fixed_point`'s rounds of NFKC, both exact. ASCII has
    nothing to compose, so one round is idempotent — and it runs as ``bytes.translate``,
    which deletes the separators three times faster than ``re.sub``. Text that folding
    leaves alone (a plate such as ``沪A-12345``: upper-case, already NFKC) loses only its
    separators, and that is the fixed point unless the removal brought a combining mark
    against a new base letter — which is exactly when the result is no longer NFKC.
    ``dropped`` is ``value`` with its separators removed (``separators.pattern.sub("",
    value)``), for a caller that has it already (a plate's diagnosis reports them): the
    second shortcut takes it instead of removing them again.
    """
    if value.isascii():
        ascii_text = value.upper().encode("ascii")
        return ascii_text.translate(None, separators.ascii).decode("ascii")
    drop = separators.pattern.sub
    if value.upper() == value and unicodedata.is_normalized("NFKC", value):
        text = drop("", value) if dropped is None else dropped
        if unicodedata.is_normalized("NFKC", text):
            return text
    return fixed_point(lambda text: drop("", fold(text)), value)


def holds(validate: Callable[..., object], *args: object) -> bool:
    """``is_valid`` for every module: whether ``validate(*args)`` passes."""
    try:
        validate(*args)
    except ValidationError:
        return False
    return True


def not_normalised(code: str, field: str, how: str) -> Violation:
    """The warning for a value that is right but not stored in its compact form."""
    return violation(code, field, f"stored with {how}", WARNING)
