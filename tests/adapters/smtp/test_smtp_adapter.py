"""The SMTP adapter against a real SMTP server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

import shutil
import ssl
import subprocess
import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import attrs
import pytest

from crm_core.adapters.smtp import SmtpConfig, SmtpEmailNotifier, SmtpSecurity, message_id_for
from crm_core.domain.ports.notifiers import Email
from crm_core.errors import PermanentNotifierError, TransientNotifierError, ValidationError
from crm_core.testing.gateways import FakeSmtpServer, Fault

TO = "wang.wei@example.com"


@attrs.frozen
class Tls:
    server: ssl.SSLContext
    client: ssl.SSLContext


@pytest.fixture(scope="session")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Tls:
    """A self-signed certificate for 127.0.0.1, made with the openssl command."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    where: Path = tmp_path_factory.mktemp("tls")
    cert, key = where / "cert.pem", where / "key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert, key)
    client = ssl.create_default_context(cafile=str(cert))
    return Tls(server=server, client=client)


@pytest.fixture
def smtp_server() -> Iterator[FakeSmtpServer]:
    with FakeSmtpServer(slow_seconds=1.0) as server:
        yield server


@pytest.fixture
def starttls_server(tls: Tls) -> Iterator[FakeSmtpServer]:
    with FakeSmtpServer(
        security=SmtpSecurity.STARTTLS, server_context=tls.server, credentials=("crm", "s3cret")
    ) as server:
        yield server


@pytest.fixture
def smtps_server(tls: Tls) -> Iterator[FakeSmtpServer]:
    with FakeSmtpServer(
        security=SmtpSecurity.SSL, server_context=tls.server, credentials=("crm", "s3cret")
    ) as server:
        yield server


def _email(key: str = "T1.birthday", **changes: str | None) -> Email:
    fields: dict[str, str | None] = {
        "subject": "浦东大众4S店祝您生日快乐",
        "text": "尊敬的王先生：\n\n祝您生日快乐！",
        "html": "<p>尊敬的王先生：</p><p>祝您生日快乐！</p>",
        "to_name": "王先生",
    }
    fields.update(changes)
    return Email(
        key=key,
        to=TO,
        subject=fields["subject"] or "",
        text=fields["text"] or "",
        html=fields["html"],
        to_name=fields["to_name"],
    )


def _only_message(server: FakeSmtpServer) -> EmailMessage:
    assert len(server.messages) == 1
    return server.messages[0]


def test_utf8_names_and_subject_travel_as_encoded_words(smtp_server: FakeSmtpServer) -> None:
    with SmtpEmailNotifier(smtp_server.config()) as notifier:
        gateway_id = notifier.send_email(_email())
    raw = smtp_server.bodies["T1.birthday"]
    header_block = raw.split("\r\n\r\n", 1)[0]
    assert header_block.isascii()
    assert "=?utf-8?" in header_block
    msg = _only_message(smtp_server)
    assert str(msg["Subject"]) == "浦东大众4S店祝您生日快乐"
    assert msg["To"].addresses[0].display_name == "王先生"
    assert msg["To"].addresses[0].addr_spec == TO
    assert msg["From"].addresses[0].display_name == "浦东大众4S店"
    assert msg["Message-ID"] == "<T1.birthday@dealer.example>"
    assert gateway_id == "T1.birthday@dealer.example"
    assert msg["X-Crm-Idempotency-Key"] == "T1.birthday"


def test_plain_and_html_bodies_are_alternatives(smtp_server: FakeSmtpServer) -> None:
    with SmtpEmailNotifier(smtp_server.config()) as notifier:
        notifier.send_email(_email())
    msg = _only_message(smtp_server)
    assert msg.get_content_type() == "multipart/alternative"
    plain = msg.get_body(("plain",))
    html = msg.get_body(("html",))
    assert plain is not None
    assert html is not None
    assert isinstance(plain, EmailMessage)
    assert isinstance(html, EmailMessage)
    assert plain.get_content() == "尊敬的王先生：\n\n祝您生日快乐！\n"
    assert html.get_content() == "<p>尊敬的王先生：</p><p>祝您生日快乐！</p>\n"


def test_plain_text_only_is_a_single_part(smtp_server: FakeSmtpServer) -> None:
    with SmtpEmailNotifier(smtp_server.config()) as notifier:
        notifier.send_email(_email(html=None, to_name=None))
    msg = _only_message(smtp_server)
    assert msg.get_content_type() == "text/plain"
    assert msg["To"] == TO


def test_a_key_that_is_no_dot_atom_becomes_a_hashed_message_id(
    smtp_server: FakeSmtpServer,
) -> None:
    with SmtpEmailNotifier(smtp_server.config()) as notifier:
        notifier.send_email(_email(key="任务 1/生日"))
    msg = _only_message(smtp_server)
    assert msg["Message-ID"] == message_id_for("任务 1/生日", "dealer.example")
    assert msg["X-Crm-Idempotency-Key"] == "任务 1/生日"


def test_one_connection_carries_many_messages(smtp_server: FakeSmtpServer) -> None:
    with SmtpEmailNotifier(smtp_server.config()) as notifier:
        for i in range(5):
            notifier.send_email(_email(key=f"m{i}"))
    assert smtp_server.delivered_keys() == {f"m{i}" for i in range(5)}


def test_a_connection_the_server_closed_while_idle_is_replaced() -> None:
    with FakeSmtpServer(idle_timeout=0.2) as server, SmtpEmailNotifier(server.config()) as notifier:
        notifier.send_email(_email(key="before"))
        time.sleep(0.5)  # the server hangs up on the idle connection
        notifier.send_email(_email(key="after"))
    assert server.delivered_keys() == {"before", "after"}


def test_starttls_with_login(starttls_server: FakeSmtpServer, tls: Tls) -> None:
    with SmtpEmailNotifier(starttls_server.config(ssl_context=tls.client)) as notifier:
        notifier.send_email(_email())
    assert starttls_server.delivered_keys() == {"T1.birthday"}


def test_smtps_with_login(smtps_server: FakeSmtpServer, tls: Tls) -> None:
    with SmtpEmailNotifier(smtps_server.config(ssl_context=tls.client)) as notifier:
        notifier.send_email(_email())
    assert smtps_server.delivered_keys() == {"T1.birthday"}


def test_a_wrong_password_is_permanent(starttls_server: FakeSmtpServer, tls: Tls) -> None:
    config = starttls_server.config(ssl_context=tls.client, password="wrong")
    with SmtpEmailNotifier(config) as notifier, pytest.raises(PermanentNotifierError, match="535"):
        notifier.send_email(_email())
    assert starttls_server.delivered_keys() == set()


def test_skipping_starttls_where_it_is_required_is_permanent(
    starttls_server: FakeSmtpServer,
) -> None:
    config = starttls_server.config(security=SmtpSecurity.NONE, username=None)
    with SmtpEmailNotifier(config) as notifier, pytest.raises(PermanentNotifierError, match="530"):
        notifier.send_email(_email())


def test_an_untrusted_certificate_is_transient(starttls_server: FakeSmtpServer) -> None:
    # the default context verifies the certificate; a self-signed one fails the handshake
    notifier = SmtpEmailNotifier(starttls_server.config())
    with notifier, pytest.raises(TransientNotifierError, match="SSLCertVerificationError"):
        notifier.send_email(_email())


@pytest.mark.parametrize(
    ("fault", "code"),
    [(Fault.BUSY, "451"), (Fault.RATE_LIMITED, "450"), (Fault.BUSY_CODE, "452")],
)
def test_4xx_replies_are_transient(smtp_server: FakeSmtpServer, fault: Fault, code: str) -> None:
    smtp_server.fail_next(fault)
    with SmtpEmailNotifier(smtp_server.config()) as notifier:
        with pytest.raises(TransientNotifierError, match=f"SMTP {code} "):
            notifier.send_email(_email())
        notifier.send_email(_email())
    assert smtp_server.receipts["T1.birthday"] == 1
    assert smtp_server.attempts["T1.birthday"] == 2


def test_a_5xx_reply_is_permanent(smtp_server: FakeSmtpServer) -> None:
    smtp_server.fail_next(Fault.REJECTED)
    notifier = SmtpEmailNotifier(smtp_server.config())
    with notifier, pytest.raises(PermanentNotifierError, match=r"SMTP 554 5\.6\.0"):
        notifier.send_email(_email())
    assert smtp_server.delivered_keys() == set()


def test_a_refused_recipient_is_permanent_and_masked(smtp_server: FakeSmtpServer) -> None:
    smtp_server.reject(TO)
    notifier = SmtpEmailNotifier(smtp_server.config())
    with notifier, pytest.raises(PermanentNotifierError) as info:
        notifier.send_email(_email())
    assert "SMTP 550" in str(info.value)
    assert TO not in str(info.value)
    assert "w***@example.com" in str(info.value)


def test_a_connection_dropped_mid_send_is_transient_and_the_retry_delivers(
    smtp_server: FakeSmtpServer,
) -> None:
    smtp_server.fail_next(Fault.DROP)
    with SmtpEmailNotifier(smtp_server.config()) as notifier:
        with pytest.raises(TransientNotifierError, match="SMTPServerDisconnected"):
            notifier.send_email(_email())
        assert smtp_server.delivered_keys() == set()
        notifier.send_email(_email())
    assert smtp_server.receipts["T1.birthday"] == 1


def test_a_drop_after_the_server_took_the_message_is_not_a_double_delivery(
    smtp_server: FakeSmtpServer,
) -> None:
    smtp_server.fail_next(Fault.ACCEPT_THEN_DROP)
    with SmtpEmailNotifier(smtp_server.config()) as notifier:
        with pytest.raises(TransientNotifierError):
            notifier.send_email(_email())
        notifier.send_email(_email())
    # the retry carried the same Message-ID, so the server recognised it
    assert smtp_server.attempts["T1.birthday"] == 2
    assert smtp_server.receipts["T1.birthday"] == 1


def test_a_slow_server_times_out_as_transient(smtp_server: FakeSmtpServer) -> None:
    smtp_server.fail_next(Fault.SLOW)
    notifier = SmtpEmailNotifier(smtp_server.config(timeout=0.3))
    with notifier, pytest.raises(TransientNotifierError, match=r"timed out|TimeoutError"):
        notifier.send_email(_email())


def test_an_address_with_a_bad_display_name_still_sends(smtp_server: FakeSmtpServer) -> None:
    # quotes, commas and angle brackets in a name must be quoted, not break the header
    with SmtpEmailNotifier(smtp_server.config()) as notifier:
        notifier.send_email(_email(to_name='王 "老王", <VIP>'))
    msg = _only_message(smtp_server)
    assert msg["To"].addresses[0].display_name == '王 "老王", <VIP>'
    assert msg["To"].addresses[0].addr_spec == TO


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        # a bad sender failed every message as "not an e-mail address: <the customer's>"
        ({"sender": ""}, "sender"),
        ({"sender": "crm"}, "sender"),
        ({"sender": "crm@"}, "sender"),
        ({"port": 70000}, "port"),
        ({"port": 0}, "port"),
        ({"timeout": float("nan")}, "timeout"),
        ({"timeout": -1.0}, "timeout"),
    ],
)
def test_a_config_no_server_can_use_is_refused(settings: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        SmtpConfig(**{"host": "127.0.0.1", "sender": "crm@dealer.example", **settings})
    assert caught.value.field == field
