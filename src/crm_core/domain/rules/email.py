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
    WARNING,
    fixed_point,
    holds,
    nfkc,
    not_normalised,
    not_text,
    raise_first_error,
    require_text,
    violation,
)
from crm_core.domain.rules.violation import Violation
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
    _clean: re.Pattern[str] = attrs.field(init=False, eq=False, repr=False, hash=False)

    @_clean.default
    def _compile_clean(self) -> re.Pattern[str]:
        # The common address (wang.fang@qq.com) in one match, typos included: a stricter
        # subset of _ADDRESS (no hyphen or capital in the domain, fewer symbols before
        # the @), its local part at most 64 characters (the lookahead), its domain not
        # a known typo (the negative lookahead; the keys are lower case). What it does
        # not take, check() judges in full.
        typos = "|".join(map(re.escape, self.domain_typos))
        not_typo = f"(?!(?:{typos})\\Z)" if typos else ""
        return re.compile(
            f"(?=[^@]{{1,64}}@)[A-Za-z0-9_+-]+(?:\\.[A-Za-z0-9_+-]+)*"
            f"@{not_typo}(?:[a-z0-9]{{1,63}}\\.)+[a-z]{{2,63}}"
        )


DEFAULT_POLICY = EmailPolicy()


def compact(value: str) -> str:
    """Outer spaces removed and full-width characters (＠) to ASCII; case is kept."""
    text = require_text(value, "an e-mail address")
    if text.isascii():  # nothing to normalise, and strip() is idempotent
        return text.strip()
    return fixed_point(lambda text: nfkc(text).strip(), text)


def is_clean(value: object, policy: EmailPolicy = DEFAULT_POLICY) -> bool:
    """True for an address :func:`check` finds nothing wrong with, decided by one regex
    for the common case; False means "look closer", not "wrong".

    >>> is_clean("wang.fang@qq.com"), is_clean("wang@qq.con"), is_clean("li@Example.COM")
    (True, False, False)
    """
    return type(value) is str and len(value) <= 254 and policy._clean.fullmatch(value) is not None


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
            return (violation("EMAIL_MISSING", field, "no e-mail address"),)
        if len(address) > 254:
            return (violation("EMAIL_LENGTH", field, f"{len(address)} characters; at most 254"),)
        if address != value:
            found.append(
                not_normalised("EMAIL_NOT_NORMALISED", field, "spaces or full-width characters")
            )
        # the same text fails the same match: matching again would only cost time
        match = _ADDRESS.fullmatch(address) if address != value else None
        if match is None:
            reason = "needs exactly one @" if address.count("@") != 1 else "not a valid address"
            found.append(violation("EMAIL_FORMAT", field, reason))
            return tuple(found)
    if len(match["local"]) > 64:
        found.append(violation("EMAIL_LENGTH", field, "the part before @ exceeds 64 characters"))
    meant = policy.domain_typos.get(match["domain"].lower())
    if meant is not None:
        found.append(violation("EMAIL_DOMAIN_TYPO", field, f"did you mean @{meant}?", WARNING))
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
