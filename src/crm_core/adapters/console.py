"""A notifier that writes messages to a terminal or a file instead of a gateway: for the
demo and for a dealer trying the library before its SMS contract is signed.

Recipients are masked unless ``show_recipients=True``, because a terminal's scroll-back and
a demo log are not places for customers' phone numbers.

>>> import io
>>> from crm_core.domain.ports.notifiers import Sms
>>> out = io.StringIO()
>>> ConsoleNotifier(out).send_sms(Sms(key="m1", to="13812345678", text="【某某4S店】王先生，您好"))
'console-1'
>>> print(out.getvalue(), end="")
--- SMS to '138****5678' · key m1 · 13 chars, 1 segment
【某某4S店】王先生，您好
"""

from __future__ import annotations

import itertools
import sys
import threading
from typing import TextIO

from crm_core.domain._mask import mask_email, mask_phone
from crm_core.domain.ports.notifiers import (
    Email,
    EmailNotifier,
    Sms,
    SmsNotifier,
    check_email_address,
    check_sms_recipient,
)
from crm_core.texts.sms import sms_length

__all__ = ["ConsoleNotifier"]


class ConsoleNotifier(SmsNotifier, EmailNotifier):
    """A notifier that prints each SMS and e-mail instead of sending it (the demo's gateway).

    Each message is a short block of text on ``out`` (stdout by default; pass an open file
    to keep a log)."""

    def __init__(self, out: TextIO | None = None, *, show_recipients: bool = False) -> None:
        self._out = out
        self._show = show_recipients
        self._lock = threading.Lock()
        self._ids = itertools.count(1)

    def send_sms(self, sms: Sms) -> str:
        check_sms_recipient(sms)
        length = sms_length(sms.text)
        plural = "" if length.segments == 1 else "s"
        to = repr(sms.to) if self._show else mask_phone(sms.to)
        head = (
            f"--- SMS to {to} · key {sms.key} · {length.characters} chars, "
            f"{length.segments} segment{plural}"
        )
        return self._write(head, sms.text)

    def send_email(self, email: Email) -> str:
        check_email_address(email)
        to = repr(email.to) if self._show else mask_email(email.to)
        name = f"{email.to_name} " if email.to_name else ""
        head = f"--- E-mail to {name}{to} · key {email.key}\nSubject: {email.subject}"
        return self._write(head, email.text)

    def _write(self, head: str, body: str) -> str:
        out = self._out or sys.stdout
        with self._lock:
            gateway_id = f"console-{next(self._ids)}"
            out.write(f"{head}\n{body}\n")
            out.flush()
        return gateway_id
