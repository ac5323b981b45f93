from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

from crm_core.adapters.smtp import SmtpSecurity
from crm_core.testing.gateways import FakeSmtpServer


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
