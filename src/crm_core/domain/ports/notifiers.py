"""Notifier ports: how the library hands one SMS or one e-mail to a host's gateway.

A DMS already has its SMS provider and its mail server; the library does not choose them.
It asks for an object that implements :class:`SmsNotifier` or :class:`EmailNotifier` and
holds every implementation to the same contract (``crm_core.testing.notifier_contracts``).

The contract, for both ports:

* ``send_sms`` / ``send_email`` hands exactly one message to the gateway and returns the
  gateway's id for it (a non-empty string), which the outbox stores so that delivery
  reports can be matched later.
* The message carries an **idempotency key** (the outbox message id, derived from the
  task). The notifier passes it to the gateway unchanged on every attempt (an SMS
  provider's "out id" field, an e-mail's ``Message-ID`` header) so that a gateway or a
  receiving server that deduplicates can drop a repeat. A notifier never invents a fresh
  key for a retry.
* Failures are typed, and the type decides what the dispatcher does next:

  - :class:`~crm_core.errors.TransientNotifierError` — the gateway may accept the *same*
    message later: timeouts, refused or dropped connections, HTTP 429 and 5xx, SMTP 4xx
    replies, a provider's "rate limited" or "busy" code. The message may or may not have
    arrived; the dispatcher retries it with the same key.
  - :class:`~crm_core.errors.PermanentNotifierError` — the gateway will never accept this
    message: a recipient that is not a phone number or address (checked before any I/O),
    an empty or rejected text, an unsubscribed or blacklisted recipient, other HTTP 4xx,
    SMTP 5xx replies. The dispatcher parks the message with the error's text as the reason.

  No other exception escapes a notifier: driver and socket errors are translated
  (``raise TransientNotifierError(...) from exc``). Error texts never contain the
  recipient in clear (they end up in logs and in the outbox's ``last_error``).
* A notifier may be called from several dispatcher threads at once; implementations are
  thread-safe or say otherwise in their docstring.
"""

from __future__ import annotations

import abc
import re

import attrs

from crm_core.domain._mask import mask_email, mask_phone
from crm_core.errors import PermanentNotifierError

__all__ = [
    "Email",
    "EmailNotifier",
    "Sms",
    "SmsNotifier",
    "check_email_address",
    "check_sms_recipient",
]

# E.164 allows at most 15 digits; the shortest real subscriber numbers have 5 or more
_PHONE = re.compile(r"\+?[0-9]{5,15}")
# deliberately loose: one @, no spaces, a dot in the domain; the mail server has the last word
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


@attrs.frozen(slots=True)
class Sms:
    """One text message for one phone number.

    ``key`` is the idempotency key (the outbox message id); ``to`` a mobile number as the
    gateway expects it (``13812345678`` or ``+8613812345678``).
    """

    key: str
    to: str = attrs.field(repr=mask_phone)
    text: str


@attrs.frozen(slots=True)
class Email:
    """One e-mail for one recipient, plain text with an optional HTML alternative.

    ``to_name`` is the display name (``王先生``); notifiers encode it, and the subject, as
    RFC 2047 words when they are not ASCII.
    """

    key: str
    to: str = attrs.field(repr=mask_email)
    subject: str
    text: str
    html: str | None = None
    to_name: str | None = None


def check_sms_recipient(sms: Sms) -> None:
    """Refuse, before any I/O, an SMS that no gateway could deliver.

    Every :class:`SmsNotifier` calls this first, so a mistyped number is parked at once
    instead of being retried against the gateway.

    >>> check_sms_recipient(Sms(key="m1", to="13812345678", text="您好"))
    >>> check_sms_recipient(Sms(key="m1", to="138 0013 8000", text="您好"))
    Traceback (most recent call last):
    ...
    crm_core.errors.PermanentNotifierError: not a phone number: '138******8000'
    """
    _check_common(sms.key, sms.text)
    if not _PHONE.fullmatch(sms.to):
        raise PermanentNotifierError(f"not a phone number: {mask_phone(sms.to)}")


def check_email_address(email: Email) -> None:
    """Refuse, before any I/O, an e-mail that no server could deliver.

    The e-mail counterpart of :func:`check_sms_recipient`.

    >>> check_email_address(Email(key="m1", to="wang@example", subject="s", text="t"))
    Traceback (most recent call last):
    ...
    crm_core.errors.PermanentNotifierError: not an e-mail address: 'w***@example'
    """
    _check_common(email.key, email.text)
    if not _EMAIL.fullmatch(email.to):
        raise PermanentNotifierError(f"not an e-mail address: {mask_email(email.to)}")
    if any(c in email.subject for c in "\r\n"):
        # a line break in a subject would let a template inject headers
        raise PermanentNotifierError("the subject contains a line break")


def _check_common(key: str, text: str) -> None:
    if not key.strip():
        raise PermanentNotifierError("the message has no idempotency key")
    if not text.strip():
        raise PermanentNotifierError("the message text is empty")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # no gateway can send it: park it rather than retry it
        raise PermanentNotifierError("the message text holds a lone surrogate") from None


class SmsNotifier(abc.ABC):
    """The SMS port: sends one text message through a host's SMS gateway.

    The module docstring holds the contract every implementation keeps."""

    @abc.abstractmethod
    def send_sms(self, sms: Sms) -> str:
        """Hand ``sms`` to the gateway once and return the gateway's message id.

        Calls :func:`check_sms_recipient` before any I/O. Passes ``sms.key`` to the gateway
        unchanged. Raises :class:`~crm_core.errors.TransientNotifierError` when the same
        message may succeed later and :class:`~crm_core.errors.PermanentNotifierError`
        when it never will; nothing else.
        """


class EmailNotifier(abc.ABC):
    """The e-mail port: sends one e-mail through a host's mail server or mail API.

    The module docstring holds the contract every implementation keeps."""

    @abc.abstractmethod
    def send_email(self, email: Email) -> str:
        """Hand ``email`` to the server once and return its message id.

        Calls :func:`check_email_address` before any I/O. Carries ``email.key`` in the
        message (SMTP: in ``Message-ID``). Raises
        :class:`~crm_core.errors.TransientNotifierError` when the same message may succeed
        later and :class:`~crm_core.errors.PermanentNotifierError` when it never will;
        nothing else.
        """
