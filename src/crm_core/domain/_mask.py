"""Masking of personal data for ``repr``, logs and error messages.

PIPL treats phone numbers, ID numbers and e-mail addresses as personal information; a
record printed in a traceback or a log line must not disclose them. The masks keep just
enough to let a person recognise a record they already know (the mobile's prefix and last
four digits, as Chinese SMS receipts do).
"""

from __future__ import annotations


def mask_phone(value: object) -> str:
    """``'13812345678'`` → ``'138****5678'``; short values are masked entirely."""
    if value is None:
        return "None"
    text = str(value)
    if len(text) <= 7:
        return repr("*" * len(text))
    return repr(text[:3] + "*" * (len(text) - 7) + text[-4:])


def mask_id_number(value: object) -> str:
    """Keep the first 4 and last 2 characters of an ID/USCC number: enough to tell two
    records apart, too little to identify a person."""
    if value is None:
        return "None"
    text = str(value)
    if len(text) <= 6:
        return repr("*" * len(text))
    return repr(text[:4] + "*" * (len(text) - 6) + text[-2:])


def mask_email(value: object) -> str:
    """``'zhang.wei@example.com'`` → ``'z***@example.com'``."""
    if value is None:
        return "None"
    text = str(value)
    local, at, domain = text.partition("@")
    if not at:
        return repr("*" * len(text))
    return repr((local[:1] or "") + "***@" + domain)


def mask_text(value: object) -> str:
    """Mask free text that may hold personal data (an address, a name of a reporter)."""
    if value is None:
        return "None"
    text = str(value)
    return repr(text[:1] + "*" * max(0, len(text) - 1))
