"""Keeping recipients out of gateway error texts.

Gateways echo the recipient in their replies ("550 <wang@example.com>: unknown user",
``{"msg": "13812345678 is unsubscribed"}``); those texts become error messages and the
outbox's ``last_error``, which end up in logs. PIPL wants personal data masked there.
"""

from __future__ import annotations

import re

_MAX_REASON = 300


def scrub(text: str, secret: str, masked: str) -> str:
    """Replace every occurrence of ``secret`` (case-insensitively) and shorten the text.

    >>> scrub("550 <Wang@Example.com>: unknown user", "wang@example.com", "w***@example.com")
    '550 <w***@example.com>: unknown user'
    """
    if secret:
        text = re.sub(re.escape(secret), masked.strip("'"), text, flags=re.IGNORECASE)
    text = " ".join(text.split())
    return text if len(text) <= _MAX_REASON else text[: _MAX_REASON - 1] + "…"
