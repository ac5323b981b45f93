"""Our notifiers held to the contract suites a host runs on its own."""

from __future__ import annotations

import io
import socket

from crm_core.adapters.console import ConsoleNotifier
from crm_core.adapters.memory_notifiers import InMemoryEmailNotifier, InMemorySmsNotifier
from crm_core.adapters.sms_http import SmsHttpNotifier
from crm_core.adapters.smtp import SmtpEmailNotifier
from crm_core.domain.ports.notifiers import EmailNotifier, SmsNotifier
from crm_core.errors import TransientNotifierError
from crm_core.testing.gateways import FakeSmsGateway, FakeSmtpServer
from crm_core.testing.notifier_contracts import EmailNotifierContract, SmsNotifierContract


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class TestInMemorySms(SmsNotifierContract):
    def create_notifier(self) -> SmsNotifier:
        return InMemorySmsNotifier()

    def create_unavailable_notifier(self) -> SmsNotifier:
        notifier = InMemorySmsNotifier()
        notifier.fail_next(TransientNotifierError("gateway busy"))
        return notifier

    def create_rejecting_notifier(self) -> SmsNotifier:
        notifier = InMemorySmsNotifier()
        notifier.reject(self.rejected_recipient)
        return notifier


class TestInMemoryEmail(EmailNotifierContract):
    def create_notifier(self) -> EmailNotifier:
        return InMemoryEmailNotifier()

    def create_unavailable_notifier(self) -> EmailNotifier:
        notifier = InMemoryEmailNotifier()
        notifier.fail_next(TransientNotifierError("server busy"))
        return notifier

    def create_rejecting_notifier(self) -> EmailNotifier:
        notifier = InMemoryEmailNotifier()
        notifier.reject(self.rejected_recipient)
        return notifier


class TestConsoleSms(SmsNotifierContract):
    def create_notifier(self) -> SmsNotifier:
        return ConsoleNotifier(io.StringIO())


class TestConsoleEmail(EmailNotifierContract):
    def create_notifier(self) -> EmailNotifier:
        return ConsoleNotifier(io.StringIO())


class TestSmsHttp(SmsNotifierContract):
    gateway: FakeSmsGateway

    @classmethod
    def setup_class(cls) -> None:
        cls.gateway = FakeSmsGateway().start()
        cls.gateway.reject(cls.rejected_recipient)

    @classmethod
    def teardown_class(cls) -> None:
        cls.gateway.stop()

    def create_notifier(self) -> SmsNotifier:
        return SmsHttpNotifier(self.gateway.config())

    def create_unavailable_notifier(self) -> SmsNotifier:
        url = f"http://127.0.0.1:{_closed_port()}/sms/send"
        return SmsHttpNotifier(self.gateway.config(url=url, timeout=1.0))

    def create_rejecting_notifier(self) -> SmsNotifier:
        return self.create_notifier()


class TestSmtp(EmailNotifierContract):
    server: FakeSmtpServer

    @classmethod
    def setup_class(cls) -> None:
        cls.server = FakeSmtpServer().start()
        cls.server.reject(cls.rejected_recipient)

    @classmethod
    def teardown_class(cls) -> None:
        cls.server.stop()

    def create_notifier(self) -> EmailNotifier:
        return SmtpEmailNotifier(self.server.config())

    def create_unavailable_notifier(self) -> EmailNotifier:
        return SmtpEmailNotifier(self.server.config(port=_closed_port(), timeout=1.0))

    def create_rejecting_notifier(self) -> EmailNotifier:
        return self.create_notifier()
