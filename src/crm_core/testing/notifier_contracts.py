"""Contract suites for notifiers: a host holds its own gateway adapter to the same tests as
ours.

Subclass the contract in a test module under a name pytest collects (``Test…``) and
implement ``create_notifier``; the contracts themselves are not collected (their names do
not start with ``Test``)::

    class TestMySmsGateway(SmsNotifierContract):
        def create_notifier(self) -> SmsNotifier:
            return MyGatewayNotifier(sandbox_url)

        # optional: a notifier whose gateway is down / refuses the message
        def create_unavailable_notifier(self) -> SmsNotifier:
            return MyGatewayNotifier("http://127.0.0.1:9")

What the suites check is the port's contract (``crm_core.domain.ports.notifiers``): a
non-empty gateway id per message, distinct ids for distinct keys, the same key accepted
again (the outbox retries with it), impossible recipients and empty texts refused as
permanent before any I/O, and — when the optional factories are given — a gateway that is
down raising a transient error and a gateway that refuses raising a permanent one, neither
with the recipient in its message.
"""

from __future__ import annotations

import abc

import pytest

from crm_core.domain.ports.notifiers import Email, EmailNotifier, Sms, SmsNotifier
from crm_core.errors import PermanentNotifierError, TransientNotifierError

__all__ = ["EmailNotifierContract", "SmsNotifierContract"]

LONG_CHINESE_TEXT = (
    "【浦东大众4S店】尊敬的王先生，新车磨合期请避免急加速和长时间高速行驶，并定期检查胎压。"
    "首次保养请在行驶5,000公里或6个月内完成，届时请提前致电预约，我们将为您安排专属服务顾问。"
)


class SmsNotifierContract(abc.ABC):
    """The SMS port's contract: a host's SMS notifier subclasses it and passes these tests.

    ``recipient`` is a number the gateway accepts and ``rejected_recipient`` one that
    ``create_rejecting_notifier``'s gateway refuses."""

    recipient = "13812345678"
    rejected_recipient = "13900000000"

    @abc.abstractmethod
    def create_notifier(self) -> SmsNotifier:
        """A notifier whose gateway accepts messages to ``recipient``."""

    def create_unavailable_notifier(self) -> SmsNotifier:
        """A notifier whose gateway cannot take messages now (down, overloaded)."""
        pytest.skip("no unavailable gateway configured for this notifier")

    def create_rejecting_notifier(self) -> SmsNotifier:
        """A notifier whose gateway refuses messages to ``rejected_recipient``."""
        pytest.skip("no rejecting gateway configured for this notifier")

    def test_send_returns_a_gateway_id(self) -> None:
        gateway_id = self.create_notifier().send_sms(Sms("contract-1", self.recipient, "您好"))
        assert isinstance(gateway_id, str)
        assert gateway_id.strip()

    def test_distinct_keys_get_distinct_ids(self) -> None:
        notifier = self.create_notifier()
        first = notifier.send_sms(Sms("contract-a", self.recipient, "第一条"))
        second = notifier.send_sms(Sms("contract-b", self.recipient, "第二条"))
        assert first != second

    def test_the_same_key_is_accepted_again(self) -> None:
        notifier = self.create_notifier()
        sms = Sms("contract-retry", self.recipient, "您好")
        notifier.send_sms(sms)
        assert notifier.send_sms(sms).strip()

    def test_a_long_chinese_text_is_accepted(self) -> None:
        sms = Sms("contract-long", self.recipient, LONG_CHINESE_TEXT)
        assert self.create_notifier().send_sms(sms).strip()

    @pytest.mark.parametrize("to", ["", "   ", "abc", "138-0013-8000", "1234", "+" + "1" * 16])
    def test_an_impossible_number_is_permanent(self, to: str) -> None:
        with pytest.raises(PermanentNotifierError) as info:
            self.create_notifier().send_sms(Sms("contract-bad-number", to, "您好"))
        if len(to.strip()) > 6:
            assert to not in str(info.value)

    @pytest.mark.parametrize("text", ["", " \n "])
    def test_an_empty_text_is_permanent(self, text: str) -> None:
        with pytest.raises(PermanentNotifierError):
            self.create_notifier().send_sms(Sms("contract-empty", self.recipient, text))

    def test_a_blank_key_is_permanent(self) -> None:
        with pytest.raises(PermanentNotifierError):
            self.create_notifier().send_sms(Sms(" ", self.recipient, "您好"))

    def test_an_unavailable_gateway_is_transient(self) -> None:
        notifier = self.create_unavailable_notifier()
        with pytest.raises(TransientNotifierError) as info:
            notifier.send_sms(Sms("contract-down", self.recipient, "您好"))
        assert self.recipient not in str(info.value)

    def test_a_refusing_gateway_is_permanent(self) -> None:
        notifier = self.create_rejecting_notifier()
        with pytest.raises(PermanentNotifierError) as info:
            notifier.send_sms(Sms("contract-refused", self.rejected_recipient, "您好"))
        assert self.rejected_recipient not in str(info.value)


class EmailNotifierContract(abc.ABC):
    """The e-mail port's contract: a host's e-mail notifier subclasses it and passes these tests.

    The factories work as in :class:`SmsNotifierContract`."""

    recipient = "wang.wei@example.com"
    rejected_recipient = "gone@example.com"

    @abc.abstractmethod
    def create_notifier(self) -> EmailNotifier:
        """A notifier whose server accepts mail to ``recipient``."""

    def create_unavailable_notifier(self) -> EmailNotifier:
        """A notifier whose server cannot take mail now."""
        pytest.skip("no unavailable server configured for this notifier")

    def create_rejecting_notifier(self) -> EmailNotifier:
        """A notifier whose server refuses mail to ``rejected_recipient``."""
        pytest.skip("no rejecting server configured for this notifier")

    def email(self, key: str, **changes: str | None) -> Email:
        fields: dict[str, str | None] = {
            "to": self.recipient,
            "subject": "生日快乐 · Happy birthday",
            "text": "尊敬的王先生：\n\n祝您生日快乐！",
            "html": "<p>尊敬的王先生：</p><p>祝您生日快乐！</p>",
            "to_name": "王先生",
        }
        fields.update(changes)
        return Email(
            key=key,
            to=fields["to"] or "",
            subject=fields["subject"] or "",
            text=fields["text"] or "",
            html=fields["html"],
            to_name=fields["to_name"],
        )

    def test_send_returns_a_gateway_id(self) -> None:
        gateway_id = self.create_notifier().send_email(self.email("contract-1"))
        assert isinstance(gateway_id, str)
        assert gateway_id.strip()

    def test_distinct_keys_get_distinct_ids(self) -> None:
        notifier = self.create_notifier()
        assert notifier.send_email(self.email("contract-a")) != notifier.send_email(
            self.email("contract-b")
        )

    def test_the_same_key_is_accepted_again(self) -> None:
        notifier = self.create_notifier()
        notifier.send_email(self.email("contract-retry"))
        assert notifier.send_email(self.email("contract-retry")).strip()

    def test_plain_text_only_is_accepted(self) -> None:
        email = self.email("contract-plain", html=None, to_name=None, subject="Service reminder")
        assert self.create_notifier().send_email(email).strip()

    @pytest.mark.parametrize("to", ["", "wang", "wang@", "wang@example", "a b@example.com"])
    def test_an_impossible_address_is_permanent(self, to: str) -> None:
        with pytest.raises(PermanentNotifierError):
            self.create_notifier().send_email(self.email("contract-bad-address", to=to))

    def test_a_line_break_in_the_subject_is_permanent(self) -> None:
        email = self.email("contract-header", subject="Hi\r\nBcc: everyone@example.com")
        with pytest.raises(PermanentNotifierError):
            self.create_notifier().send_email(email)

    def test_an_empty_text_is_permanent(self) -> None:
        with pytest.raises(PermanentNotifierError):
            self.create_notifier().send_email(self.email("contract-empty", text=" "))

    def test_an_unavailable_server_is_transient(self) -> None:
        notifier = self.create_unavailable_notifier()
        with pytest.raises(TransientNotifierError) as info:
            notifier.send_email(self.email("contract-down"))
        assert self.recipient not in str(info.value)

    def test_a_refusing_server_is_permanent(self) -> None:
        notifier = self.create_rejecting_notifier()
        with pytest.raises(PermanentNotifierError) as info:
            notifier.send_email(self.email("contract-refused", to=self.rejected_recipient))
        assert self.rejected_recipient not in str(info.value)
