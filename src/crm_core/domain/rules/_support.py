"""Helpers shared by the rule modules."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping

from crm_core.domain.rules.violation import Severity, Violation
from crm_core.errors import InvalidFormat, ValidationError


def raise_first_error(
    violations: Iterable[Violation], errors: Mapping[str, type[ValidationError]]
) -> None:
    """Raise the typed error of the first ERROR-severity violation (``validate``'s half
    of a module); warnings do not raise."""
    for violation in violations:
        if violation.severity is Severity.ERROR:
            error = errors.get(violation.code, InvalidFormat)
            raise error(violation.message, field=violation.field)


def not_text(field: str, code: str, value: object) -> tuple[Violation, ...]:
    """The violation for a value that is not a string at all (an int, None, bytes)."""
    return (Violation(code, field, f"expected text, got {type(value).__name__}"),)


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


def canonical(value: str, separators: re.Pattern[str]) -> str:
    """Folded (:func:`fold`) with every separator removed."""
    if value.isascii():  # no composition in ASCII: one round is already idempotent
        return separators.sub("", value.upper())
    return fixed_point(lambda text: separators.sub("", fold(text)), value)


def holds(validate: Callable[..., object], *args: object) -> bool:
    """``is_valid`` for every module: whether ``validate(*args)`` passes."""
    try:
        validate(*args)
    except ValidationError:
        return False
    return True


def not_normalised(code: str, field: str, how: str) -> Violation:
    """The warning for a value that is right but not stored in its compact form."""
    return Violation(code, field, f"stored with {how}", Severity.WARNING)
