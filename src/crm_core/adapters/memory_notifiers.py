"""In-memory notifiers: the fakes a host uses in its own tests, and ours.

They record every message they accepted (``sent``), answer a repeated idempotency key with
the id they gave the first time (as a deduplicating gateway does), and can be told to fail:
``fail_next`` queues errors for the coming calls, ``reject`` makes one recipient fail
permanently (an unsubscribed number). They pass the notifier contract suite like the real
adapters, so a test that passes against them tests the host's code, not the fake.

>>> from crm_core.domain.ports.notifiers import Sms
>>> from crm_core.errors import TransientNotifierError
>>> sms = InMemorySmsNotifier()
>>> sms.fail_next(TransientNotifierError("gateway busy"))
>>> sms.send_sms(Sms(key="m1", to="13812345678", text="您好"))
Traceback (most recent call last):
...
crm_core.errors.TransientNotifierError: gateway busy
>>> sms.send_sms(Sms(key="m1", to="13812345678", text="您好"))
'mem-sms-1'
>>> [m.key for m in sms.sent]
['m1']
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Generic, TypeVar

from crm_core.domain.ports.notifiers import (
    Email,
    EmailNotifier,
    Sms,
    SmsNotifier,
    check_email_address,
    check_sms_recipient,
)
from crm_core.errors import NotifierError, PermanentNotifierError

__all__ = ["InMemoryEmailNotifier", "InMemorySmsNotifier"]

M = TypeVar("M", Sms, Email)


class _Recorder(Generic[M]):
    def __init__(self, prefix: str) -> None:
        self._prefix = prefix
        self._lock = threading.Lock()
        self._failures: deque[NotifierError] = deque()
        self._rejected: dict[str, str] = {}
        self._ids: dict[str, str] = {}
        self.sent: list[M] = []
        """Every message accepted, in order; a repeated key appears again (a double send)."""
        self.calls = 0
        """Every call, including the ones that raised."""

    def fail_next(self, *errors: NotifierError) -> None:
        """Raise these errors, one per call, before accepting anything again."""
        with self._lock:
            self._failures.extend(errors)

    def reject(self, recipient: str, reason: str = "recipient unsubscribed") -> None:
        """Fail every message to ``recipient`` permanently with ``reason``."""
        with self._lock:
            self._rejected[recipient] = reason

    def keys(self) -> list[str]:
        """The idempotency keys of :attr:`sent`, in order."""
        with self._lock:
            return [m.key for m in self.sent]

    def _accept(self, message: M) -> str:
        with self._lock:
            self.calls += 1
            if self._failures:
                raise self._failures.popleft()
            if message.to in self._rejected:
                raise PermanentNotifierError(self._rejected[message.to])
            self.sent.append(message)
            if message.key not in self._ids:
                self._ids[message.key] = f"{self._prefix}-{len(self._ids) + 1}"
            return self._ids[message.key]


class InMemorySmsNotifier(_Recorder[Sms], SmsNotifier):
    """Records text messages instead of sending them."""

    def __init__(self) -> None:
        super().__init__("mem-sms")

    def send_sms(self, sms: Sms) -> str:
        check_sms_recipient(sms)
        return self._accept(sms)


class InMemoryEmailNotifier(_Recorder[Email], EmailNotifier):
    """Records e-mails instead of sending them."""

    def __init__(self) -> None:
        super().__init__("mem-email")

    def send_email(self, email: Email) -> str:
        check_email_address(email)
        return self._accept(email)
