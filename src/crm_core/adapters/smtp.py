"""E-mail through a host's SMTP server, with the standard library's smtplib.

The notifier keeps one connection open between messages (checked with ``NOOP`` before each
reuse, so a connection the server closed while idle is replaced before any message data is
at risk) and serialises sends on it with a lock; give each dispatcher worker its own
notifier to send in parallel.

Reply codes decide the error class (RFC 5321 §4.2.1): a 4xx reply, a dropped connection or
a timeout is transient — the server may take the same message later — and a 5xx reply is
permanent. The idempotency key goes into ``Message-ID`` (and ``X-Crm-Idempotency-Key``),
so a receiving system that deduplicates on it, and a person reading two copies after an
ambiguous drop, can tell a retry from a new message.
"""

from __future__ import annotations

import enum
import hashlib
import re
import smtplib
import ssl
import threading
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import formatdate
from types import TracebackType
from typing import Any

import attrs

from crm_core.adapters._common import positive_seconds
from crm_core.adapters._scrub import scrub
from crm_core.domain._mask import mask_email
from crm_core.domain._validators import is_whole
from crm_core.domain.ports.notifiers import Email, EmailNotifier, check_email_address
from crm_core.errors import (
    NotifierError,
    PermanentNotifierError,
    TransientNotifierError,
    ValidationError,
)

__all__ = ["SmtpConfig", "SmtpEmailNotifier", "SmtpSecurity", "message_id_for"]

# a 7-bit policy: bodies become quoted-printable or base64 and non-ASCII headers RFC 2047
# words, so the message passes any server, with or without 8BITMIME
_POLICY = default_policy.clone(cte_type="7bit")
_DOT_ATOM = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")


class SmtpSecurity(enum.StrEnum):
    """How the SMTP connection is secured: STARTTLS on port 587, TLS from the start (465), none.

    ``NONE`` sends in clear and is meant only for a relay on the same host or a test
    server.
    """

    NONE = "none"  # plain SMTP: only for a relay on the same host or a test server
    STARTTLS = "starttls"  # connect in clear, upgrade with STARTTLS (port 587)
    SSL = "ssl"  # TLS from the first byte (SMTPS, port 465)


def _mask_secret(value: object) -> str:
    return "None" if value is None else "'***'"


def _sender_address(_: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    """A sender without a domain used to fail each message as if the *customer's* address
    were bad, so the dispatcher parked every e-mail blaming its recipient."""
    try:
        domain = Address(addr_spec=value).domain
    except (ValueError, IndexError):
        domain = ""  # unparseable: as bad as no domain
    if not domain:
        raise ValidationError(f"not an e-mail address: {mask_email(value)}", field=attribute.name)


def _tcp_port(_: Any, attribute: attrs.Attribute[Any], value: int) -> None:
    if not is_whole(value, 1, 65535):
        raise ValidationError(
            f"a TCP port runs from 1 to 65535, got {value!r}", field=attribute.name
        )


@attrs.frozen(slots=True)
class SmtpConfig:
    """Where and how to submit mail.

    ``sender`` is the envelope and ``From`` address, ``sender_name`` its display name (the
    dealer's name, e.g. ``上海某某大众4S店``). ``message_id_domain`` defaults to the
    sender's domain. ``ssl_context`` defaults to :func:`ssl.create_default_context`, which
    verifies the server's certificate; pass your own to trust a private CA.
    """

    host: str
    sender: str = attrs.field(validator=_sender_address)
    port: int = attrs.field(default=587, validator=_tcp_port)
    security: SmtpSecurity = SmtpSecurity.STARTTLS
    username: str | None = None
    password: str | None = attrs.field(default=None, repr=_mask_secret)
    sender_name: str | None = None
    timeout: float = attrs.field(default=30.0, validator=positive_seconds)
    message_id_domain: str | None = None
    local_hostname: str | None = None
    ssl_context: ssl.SSLContext | None = attrs.field(default=None, eq=False)
    reuse_connection: bool = True


def message_id_for(key: str, domain: str) -> str:
    """The ``Message-ID`` header for an idempotency key, so a resent e-mail keeps its id.

    The key itself when it is a valid ``id-left`` (RFC 5322 dot-atom), otherwise a stable
    hash of it.

    >>> message_id_for("T-2026-11-23.birthday", "dealer.example")
    '<T-2026-11-23.birthday@dealer.example>'
    >>> message_id_for("任务:1", "dealer.example")
    '<k.2e5f009d25db46716b43223974bfa550@dealer.example>'
    """
    left = key if _DOT_ATOM.fullmatch(key) else "k." + hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<{left}@{domain}>"


class SmtpEmailNotifier(EmailNotifier):
    """An :class:`~crm_core.domain.ports.notifiers.EmailNotifier` over SMTP.

    >>> notifier = SmtpEmailNotifier(SmtpConfig(host="127.0.0.1", sender="crm@dealer.example"))
    >>> notifier.build_message(Email(key="m1", to="wang@example.com", subject="生日快乐",
    ...                              text="王先生：祝您生日快乐！", to_name="王先生"))["To"]
    '王先生 <wang@example.com>'
    """

    def __init__(self, config: SmtpConfig) -> None:
        self._config = config
        self._domain = config.message_id_domain or config.sender.rpartition("@")[2]
        self._lock = threading.Lock()
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpEmailNotifier:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Say ``QUIT`` and close the open connection, if any."""
        with self._lock:
            self._drop(polite=True)

    def build_message(self, email: Email) -> EmailMessage:
        """The MIME message :meth:`send_email` submits (public so hosts can inspect it)."""
        try:
            to = Address(display_name=email.to_name or "", addr_spec=email.to)
            sender = Address(
                display_name=self._config.sender_name or "", addr_spec=self._config.sender
            )
        except (ValueError, IndexError) as exc:
            raise PermanentNotifierError(f"not an e-mail address: {mask_email(email.to)}") from exc
        msg = EmailMessage(policy=_POLICY)
        msg["From"] = sender
        msg["To"] = to
        msg["Subject"] = email.subject
        msg["Date"] = formatdate(usegmt=True)
        msg["Message-ID"] = message_id_for(email.key, self._domain)
        msg["X-Crm-Idempotency-Key"] = email.key
        msg.set_content(email.text)
        if email.html is not None:
            msg.add_alternative(email.html, subtype="html")
        return msg

    def send_email(self, email: Email) -> str:
        check_email_address(email)
        msg = self.build_message(email)
        with self._lock:
            try:
                smtp = self._connection()
                smtp.send_message(msg)
            except Exception as exc:
                # after any failure the session's state is unknown: start the next send afresh
                self._drop(polite=False)
                raise self._translate(exc, email) from exc
            if not self._config.reuse_connection:
                self._drop(polite=True)
        return str(msg["Message-ID"]).strip("<>")

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is not None:
            try:
                code, _ = self._smtp.noop()
            except (smtplib.SMTPException, OSError):
                code = -1
            if code == 250:
                return self._smtp
            self._drop(polite=False)
        cfg = self._config
        smtp: smtplib.SMTP
        if cfg.security is SmtpSecurity.SSL:
            smtp = smtplib.SMTP_SSL(
                cfg.host,
                cfg.port,
                local_hostname=cfg.local_hostname,
                timeout=cfg.timeout,
                context=cfg.ssl_context or ssl.create_default_context(),
            )
        else:
            smtp = smtplib.SMTP(
                cfg.host, cfg.port, local_hostname=cfg.local_hostname, timeout=cfg.timeout
            )
        try:
            if cfg.security is SmtpSecurity.STARTTLS:
                smtp.starttls(context=cfg.ssl_context or ssl.create_default_context())
            if cfg.username is not None:
                smtp.login(cfg.username, cfg.password or "")
        except BaseException:
            smtp.close()
            raise
        self._smtp = smtp
        return smtp

    def _drop(self, *, polite: bool) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        if polite:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()
        else:
            smtp.close()

    def _translate(self, exc: Exception, email: Email) -> NotifierError:
        masked = mask_email(email.to)
        code: int | None = None
        reply = ""
        if isinstance(exc, smtplib.SMTPRecipientsRefused):
            for rcpt_code, rcpt_reply in exc.recipients.values():
                code, reply = rcpt_code, rcpt_reply.decode("utf-8", "replace")
        elif isinstance(exc, smtplib.SMTPResponseException):
            code = exc.smtp_code
            error = exc.smtp_error
            reply = error.decode("utf-8", "replace") if isinstance(error, bytes) else str(error)
        elif isinstance(exc, smtplib.SMTPNotSupportedError):
            # the server lacks what the configuration or the address needs (STARTTLS, AUTH,
            # SMTPUTF8): no retry changes that
            return PermanentNotifierError(
                f"SMTP server does not support: {scrub(str(exc), email.to, masked)}"
            )
        if code is not None:
            text = scrub(f"SMTP {code} {reply}", email.to, masked)
            if 500 <= code <= 599:
                return PermanentNotifierError(text)
            return TransientNotifierError(text)
        # dropped connections, timeouts, refused connections, TLS failures, protocol errors
        kind = type(exc).__name__
        return TransientNotifierError(
            scrub(f"SMTP connection failed ({kind}): {exc}", email.to, masked)
        )
