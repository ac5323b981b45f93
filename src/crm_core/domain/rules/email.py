"""E-mail addresses, as far as a CRM can judge them without sending a message.

The check is syntactic (RFC 5321 limits, the RFC 5322 dot-atom local part, a domain of
letter-digit-hyphen labels with an alphabetic or ``xn--`` top-level label) plus a short
list of misspelt domains of China's big mail providers (``qq.con``, ``163.cm``), which are
warnings: the address is well-formed but will bounce. Addresses with non-ASCII local
parts (RFC 6531) are refused, as most SMTP gateways a dealer uses still do.

>>> validate(" Wang.Fang@Example.COM ")
'Wang.Fang@example.com'
>>> [v.code for v in check("wang@qq.con")]
['EMAIL_DOMAIN_TYPO']
>>> is_valid("wang@@qq.com"), is_valid("wang@qq")
(False, False)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

import attrs

from crm_core.domain.rules._support import (
    fixed_point,
    holds,
    nfkc,
    not_normalised,
    not_text,
    raise_first_error,
    require_text,
)
from crm_core.domain.rules.violation import Severity, Violation
from crm_core.errors import InvalidFormat, InvalidLength, ValidationError

__all__ = [
    "DEFAULT_POLICY",
    "EmailPolicy",
    "check",
    "compact",
    "format",
    "is_clean",
    "is_valid",
    "validate",
]

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ADDRESS = re.compile(
    rf"(?P<local>{_ATOM}(?:\.{_ATOM})*)@(?P<domain>(?:{_LABEL}\.)+(?:[A-Za-z]{{2,63}}|[Xx][Nn]--[A-Za-z0-9-]{{1,59}}))"
)
_ERRORS: Mapping[str, type[ValidationError]] = MappingProxyType(
    {
        "EMAIL_MISSING": InvalidLength,
        "EMAIL_LENGTH": InvalidLength,
        "EMAIL_FORMAT": InvalidFormat,
    }
)


def _frozen_typos(value: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType({str(k).lower(): str(v) for k, v in value.items()})


@attrs.frozen(slots=True)
class EmailPolicy:
    """Misspelt domains (wrong → meant) that are reported as warnings."""

    domain_typos: Mapping[str, str] = attrs.field(
        factory=lambda: {
            "qq.con": "qq.com",
            "qq.cm": "qq.com",
            "qq.co": "qq.com",
            "163.con": "163.com",
            "163.cm": "163.com",
            "126.con": "126.com",
            "126.cm": "126.com",
            "sina.con": "sina.com",
            "sina.cn.com": "sina.cn",
            "gmial.com": "gmail.com",
            "gmail.con": "gmail.com",
            "hotmial.com": "hotmail.com",
            "foxmail.con": "foxmail.com",
        },
        converter=_frozen_typos,
        hash=False,
    )


DEFAULT_POLICY = EmailPolicy()


def compact(value: str) -> str:
    """Outer spaces removed and full-width characters (＠) to ASCII; case is kept."""
    return fixed_point(lambda text: nfkc(text).strip(), require_text(value, "an e-mail address"))


def is_clean(value: object, policy: EmailPolicy = DEFAULT_POLICY) -> bool:
    """True when :func:`check` would find nothing; one regex for the common case.

    >>> is_clean("wang.fang@qq.com"), is_clean("wang@qq.con")
    (True, False)
    """
    if type(value) is not str or len(value) > 254 or _ADDRESS.fullmatch(value) is None:
        return False
    at = value.rfind("@")
    return at <= 64 and value[at + 1 :].lower() not in policy.domain_typos


def check(
    value: object, *, field: str = "email", policy: EmailPolicy = DEFAULT_POLICY
) -> tuple[Violation, ...]:
    """Every defect of an address as entered; never raises."""
    if not isinstance(value, str):
        return not_text(field, "EMAIL_FORMAT", value)
    if is_clean(value, policy):
        return ()
    found: list[Violation] = []
    address = value
    match = _ADDRESS.fullmatch(value) if len(value) <= 254 else None
    if match is None:
        address = compact(value)
        if not address:
            return (Violation("EMAIL_MISSING", field, "no e-mail address"),)
        if len(address) > 254:
            return (Violation("EMAIL_LENGTH", field, f"{len(address)} characters; at most 254"),)
        if address != value:
            found.append(
                not_normalised("EMAIL_NOT_NORMALISED", field, "spaces or full-width characters")
            )
        match = _ADDRESS.fullmatch(address)
        if match is None:
            reason = "needs exactly one @" if address.count("@") != 1 else "not a valid address"
            found.append(Violation("EMAIL_FORMAT", field, reason))
            return tuple(found)
    if len(match["local"]) > 64:
        found.append(Violation("EMAIL_LENGTH", field, "the part before @ exceeds 64 characters"))
    meant = policy.domain_typos.get(match["domain"].lower())
    if meant is not None:
        found.append(
            Violation("EMAIL_DOMAIN_TYPO", field, f"did you mean @{meant}?", Severity.WARNING)
        )
    return tuple(found)


def validate(value: str, policy: EmailPolicy = DEFAULT_POLICY) -> str:
    """The address with its domain lower-cased, or a typed error."""
    address = compact(value)
    raise_first_error(check(address, policy=policy), _ERRORS)
    local, _, domain = address.rpartition("@")
    return f"{local}@{domain.lower()}"


def is_valid(value: str, policy: EmailPolicy = DEFAULT_POLICY) -> bool:
    return holds(validate, value, policy)


def format(value: str) -> str:
    return validate(value)
