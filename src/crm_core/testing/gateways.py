"""Real gateways on 127.0.0.1 for tests and benchmarks: an SMS gateway speaking JSON over
HTTP and an SMTP server, both controlled by the test.

Both record what they accepted per idempotency key (``receipts``), so a test can prove
that every message arrived exactly once however often it was retried, and both fail on
command: ``fail_next(Fault.DROP, ...)`` scripts the next requests, ``random_faults(...)``
fails a share of them at random (from a seeded :class:`random.Random`).

Faults, as each gateway shows them:

=================  ==========================  ===============================
``Fault``          SMS HTTP gateway            SMTP server (at ``DATA``)
=================  ==========================  ===============================
BUSY               503                         ``451 4.3.0``
RATE_LIMITED       429                         ``450 4.7.1``
BUSY_CODE          200, code "BUSY"            ``452 4.3.1``
REJECTED           400, code "REJECTED"        ``554 5.6.0``
DROP               connection closed, nothing  connection closed, not accepted
                   accepted
ACCEPT_THEN_DROP   accepted, then closed       accepted, then closed without
                   without a reply             the ``250``
SLOW               accepted, reply after       accepted, ``250`` after
                   ``slow_seconds``            ``slow_seconds``
=================  ==========================  ===============================

``ACCEPT_THEN_DROP`` and ``SLOW`` are the ambiguous failures: the gateway has the message
but the sender cannot know. A sender that retries with the same key is safe, because both
gateways, like good real ones, accept a repeated key without delivering it twice
(``receipts[key]`` counts the deliveries: it stays 1).

aiosmtpd is needed for :class:`FakeSmtpServer` (it is in the ``test`` extra).
"""

from __future__ import annotations

import abc
import asyncio
import collections
import email
import email.policy
import enum
import json
import random
import ssl
import sys
import threading
import time
import warnings
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from crm_core.adapters.sms_http import SmsFieldMap, SmsHttpConfig
from crm_core.adapters.smtp import SmtpConfig, SmtpSecurity

__all__ = ["FakeSmsGateway", "FakeSmtpServer", "Fault", "fake_gateway_config"]

BUSY_CODE = "BUSY"
REJECTED_CODE = "REJECTED"


class Fault(enum.StrEnum):
    """A failure the test gateways produce on command: busy, rate-limited, rejected, dropped …

    The module docstring tables how each gateway shows each one. REJECTED is the permanent
    failure; ACCEPT_THEN_DROP and SLOW are the ambiguous ones, where the gateway has the
    message but the sender cannot know.
    """

    BUSY = "busy"
    RATE_LIMITED = "rate_limited"
    BUSY_CODE = "busy_code"
    REJECTED = "rejected"
    DROP = "drop"
    ACCEPT_THEN_DROP = "accept_then_drop"
    SLOW = "slow"


_ACCEPTING = frozenset({Fault.ACCEPT_THEN_DROP, Fault.SLOW})


class _Recorder(abc.ABC):
    """Fault script and receipts shared by both gateways (thread-safe)."""

    def __init__(self, slow_seconds: float) -> None:
        self.slow_seconds = slow_seconds
        self._lock = threading.Lock()
        self._script: collections.deque[Fault] = collections.deque()
        self._random: tuple[random.Random, float, tuple[Fault, ...]] | None = None
        self._ids: dict[str, str] = {}
        self._rejected: set[str] = set()
        self.receipts: collections.Counter[str] = collections.Counter()
        """Deliveries per idempotency key (a repeat of a key is not delivered again)."""
        self.attempts: collections.Counter[str] = collections.Counter()
        """Requests per idempotency key, failed ones included."""
        self.repeats: collections.Counter[str] = collections.Counter()
        """Requests for a key already delivered, which the gateway dropped as repeats."""
        self.bodies: dict[str, str] = {}
        """The text (SMS) or raw message (SMTP) of each key's first delivery."""

    @abc.abstractmethod
    def start(self) -> Self:
        """Start serving in a background thread."""

    @abc.abstractmethod
    def stop(self) -> None:
        """Stop serving and close the listening socket."""

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def fail_next(self, *faults: Fault) -> None:
        """Fail the next requests, one fault each, in order."""
        with self._lock:
            self._script.extend(faults)

    def random_faults(
        self, rng: random.Random, rate: float, faults: Sequence[Fault] = tuple(Fault)
    ) -> None:
        """Fail each later request with probability ``rate``, with a fault drawn from
        ``faults``. ``rate=0`` switches random faults off."""
        with self._lock:
            self._random = (rng, rate, tuple(faults)) if rate > 0 else None

    def reject(self, recipient: str) -> None:
        """Refuse every message to ``recipient`` permanently (an unsubscribed number)."""
        with self._lock:
            self._rejected.add(recipient)

    def delivered_keys(self) -> set[str]:
        with self._lock:
            return set(self.receipts)

    def _fault_for(self, recipient: str) -> Fault | None:
        with self._lock:
            if recipient in self._rejected:
                return Fault.REJECTED
            if self._script:
                return self._script.popleft()
            if self._random is not None:
                rng, rate, faults = self._random
                if rng.random() < rate:
                    return rng.choice(faults)
            return None

    def _accept(self, key: str, body: str) -> tuple[str, bool]:
        """The gateway id for ``key`` and whether this was its first delivery."""
        with self._lock:
            first = key not in self._ids
            if first:
                self._ids[key] = f"gw-{len(self._ids) + 1}"
                self.receipts[key] += 1
                self.bodies[key] = body
            else:
                self.repeats[key] += 1
            return self._ids[key], first

    def _attempt(self, key: str) -> None:
        with self._lock:
            self.attempts[key] += 1


class FakeSmsGateway(_Recorder):
    """A JSON-over-HTTP SMS gateway in a thread on 127.0.0.1.

    It takes ``{"to": ..., "text": ..., "out_id": ...}`` and answers
    ``{"code": "OK", "message_id": "gw-1"}``; :meth:`config` returns the matching
    :class:`~crm_core.adapters.sms_http.SmsHttpConfig`.
    """

    def __init__(self, *, slow_seconds: float = 0.5, token: str = "test-token") -> None:
        super().__init__(slow_seconds)
        self.token = token
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                gateway._handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = _QuietServer(("127.0.0.1", 0), Handler)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/sms/send"

    def config(self, **overrides: Any) -> SmsHttpConfig:
        """The adapter configuration for this gateway (``overrides`` replace fields)."""
        url = overrides.pop("url", self.url)
        return fake_gateway_config(url, self.token, **overrides)

    def start(self) -> Self:
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length)
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            _reply(request, 401, {"code": "UNAUTHORIZED", "message": "bad token"})
            return
        try:
            data = json.loads(raw)
            to, text, key = str(data["to"]), str(data["text"]), str(data["out_id"])
        except (ValueError, KeyError, TypeError):
            _reply(request, 400, {"code": "BAD_REQUEST", "message": "malformed request"})
            return
        self._attempt(key)
        fault = self._fault_for(to)
        if fault in _ACCEPTING:
            message_id, _ = self._accept(key, text)
            if fault is Fault.ACCEPT_THEN_DROP:
                request.close_connection = True
                request.wfile.flush()
                request.connection.close()
                return
            time.sleep(self.slow_seconds)
            _reply(request, 200, {"code": "OK", "message_id": message_id})
            return
        if fault is Fault.DROP:
            request.close_connection = True
            request.connection.close()
        elif fault is Fault.BUSY:
            _reply(request, 503, {"code": "UNAVAILABLE", "message": "try again later"})
        elif fault is Fault.RATE_LIMITED:
            _reply(request, 429, {"code": "THROTTLED", "message": "too many requests"})
        elif fault is Fault.BUSY_CODE:
            _reply(request, 200, {"code": BUSY_CODE, "message": "flow control"})
        elif fault is Fault.REJECTED:
            _reply(request, 400, {"code": REJECTED_CODE, "message": f"{to} unsubscribed"})
        else:
            _reply(request, 200, {"code": "OK", "message_id": self._accept(key, text)[0]})


class _QuietServer(ThreadingHTTPServer):
    """Threads per request; a client that gave up (a timeout the test provoked) is not an
    error worth a traceback on stderr."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def fake_gateway_config(url: str, token: str = "test-token", **overrides: Any) -> SmsHttpConfig:
    """The SMS adapter's configuration for a :class:`FakeSmsGateway` running at ``url``.

    For a process that talks to a gateway another process runs."""
    settings: dict[str, Any] = {
        "url": url,
        "headers": {"Authorization": f"Bearer {token}"},
        "fields": SmsFieldMap(to="to", text="text", key="out_id"),
        "message_id_path": "message_id",
        "status_path": "code",
        "ok_values": frozenset({"OK"}),
        "transient_values": frozenset({BUSY_CODE}),
        "error_text_path": "message",
        "timeout": 5.0,
    }
    settings.update(overrides)
    return SmsHttpConfig(**settings)


def _reply(request: BaseHTTPRequestHandler, status: int, body: dict[str, str]) -> None:
    payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
    request.send_response(status)
    request.send_header("Content-Type", "application/json; charset=utf-8")
    request.send_header("Content-Length", str(len(payload)))
    request.end_headers()
    request.wfile.write(payload)


class _Controller(Controller):
    """aiosmtpd's controller, bound to a free port chosen by the kernel (port 0)."""

    def _trigger_server(self) -> None:
        assert isinstance(self.server, asyncio.Server)
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()  # type: ignore[no-untyped-call]

    def factory(self) -> SMTP:
        with warnings.catch_warnings():
            # AUTH on SMTPS is over TLS, but aiosmtpd cannot tell and warns on each connection
            warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS")
            return SMTP(self.handler, **self.SMTP_kwargs)


class FakeSmtpServer(_Recorder):
    """An SMTP server (aiosmtpd) in a thread on 127.0.0.1.

    ``security`` selects plain SMTP, STARTTLS (required before ``MAIL``) or SMTPS; the TLS
    modes need ``server_context`` (a certificate for 127.0.0.1). ``credentials`` makes
    ``AUTH LOGIN/PLAIN`` required with that user and password; ``idle_timeout`` closes
    connections that stay silent that long. Messages are keyed by their
    ``X-Crm-Idempotency-Key`` header, else their ``Message-ID``.
    """

    def __init__(
        self,
        *,
        security: SmtpSecurity = SmtpSecurity.NONE,
        server_context: ssl.SSLContext | None = None,
        credentials: tuple[str, str] | None = None,
        slow_seconds: float = 0.5,
        idle_timeout: float = 300.0,
    ) -> None:
        super().__init__(slow_seconds)
        self.security = security
        self.credentials = credentials
        self.messages: list[email.message.EmailMessage] = []
        """Every accepted message, parsed, first deliveries only."""
        options: dict[str, Any] = {"server_hostname": "fake-smtp.test", "timeout": idle_timeout}
        if security is SmtpSecurity.STARTTLS:
            options.update(tls_context=server_context, require_starttls=True)
        elif security is SmtpSecurity.SSL:
            options.update(ssl_context=server_context)
        if credentials is not None:
            options.update(
                authenticator=self._authenticate,
                auth_required=True,
                # aiosmtpd only knows about TLS it negotiated itself (STARTTLS); on SMTPS
                # the whole connection is TLS already
                auth_require_tls=security is SmtpSecurity.STARTTLS,
            )
        self._controller = _Controller(self, hostname="127.0.0.1", port=0, **options)

    @property
    def port(self) -> int:
        return int(self._controller.port)

    def config(self, **overrides: Any) -> SmtpConfig:
        """The adapter configuration for this server (``overrides`` replace fields)."""
        settings: dict[str, Any] = {
            "host": "127.0.0.1",
            "port": self.port,
            "security": self.security,
            "sender": "crm@dealer.example",
            "sender_name": "浦东大众4S店",
            "timeout": 5.0,
        }
        if self.credentials is not None:
            settings.update(username=self.credentials[0], password=self.credentials[1])
        settings.update(overrides)
        return SmtpConfig(**settings)

    def start(self) -> Self:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        ok = (
            isinstance(data, LoginPassword)
            and self.credentials is not None
            and (data.login.decode(), data.password.decode()) == self.credentials
        )
        return AuthResult(success=ok, handled=False)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in self._rejected:
            return "550 5.1.1 <" + address + ">: recipient unsubscribed"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(parsed, email.message.EmailMessage)
        key = str(parsed.get("X-Crm-Idempotency-Key") or parsed.get("Message-ID") or "")
        self._attempt(key)
        fault = self._fault_for(",".join(envelope.rcpt_tos))
        if fault in _ACCEPTING:
            self._accept_message(key, raw, parsed)
            if fault is Fault.ACCEPT_THEN_DROP:
                return _drop(server)
            await asyncio.sleep(self.slow_seconds)
            return "250 2.0.0 OK"
        replies = {
            Fault.BUSY: "451 4.3.0 Temporary local problem, try again",
            Fault.RATE_LIMITED: "450 4.7.1 Rate limit exceeded, slow down",
            Fault.BUSY_CODE: "452 4.3.1 Insufficient system storage",
            Fault.REJECTED: "554 5.6.0 Message content rejected",
        }
        if fault is Fault.DROP:
            return _drop(server)
        if fault is not None:
            return replies[fault]
        self._accept_message(key, raw, parsed)
        return "250 2.0.0 OK"

    def _accept_message(self, key: str, raw: bytes, parsed: email.message.EmailMessage) -> None:
        _, first = self._accept(key, raw.decode("ascii", "replace"))
        if first:
            with self._lock:
                self.messages.append(parsed)


def _drop(server: SMTP) -> str:
    """Close the client's connection without a reply; aiosmtpd's reply goes nowhere."""
    transport = server.transport
    if isinstance(transport, asyncio.WriteTransport):
        transport.abort()
    return "421 4.3.0 connection dropped"
