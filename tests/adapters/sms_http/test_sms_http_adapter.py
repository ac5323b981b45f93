"""The SMS-over-HTTP adapter against real HTTP servers on 127.0.0.1."""

from __future__ import annotations

import hashlib
import hmac
import json
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import attrs
import pytest

from crm_core.adapters.sms_http import SmsFieldMap, SmsHttpConfig, SmsHttpNotifier
from crm_core.domain.ports.notifiers import Sms
from crm_core.errors import PermanentNotifierError, TransientNotifierError, ValidationError
from crm_core.testing.gateways import FakeSmsGateway, Fault

PHONE = "13812345678"
SMS = Sms(
    key="T1.inspection", to=PHONE, text="【浦东大众4S店】尊敬的王先生，您的爱车年检即将到期。"
)


@pytest.fixture
def gateway() -> Iterator[FakeSmsGateway]:
    with FakeSmsGateway(slow_seconds=1.0) as gw:
        yield gw


@attrs.define
class Canned:
    """A server that answers every request with one canned reply and records requests."""

    status: int = 200
    body: bytes = b""
    delay: float = 0.0
    requests: list[tuple[str, dict[str, str], bytes]] = attrs.Factory(list)
    url: str = ""


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # the client gave up on a delayed reply on purpose
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@pytest.fixture
def canned() -> Iterator[Canned]:
    state = Canned()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            state.requests.append((self.path, dict(self.headers.items()), raw))
            time.sleep(state.delay)
            self.send_response(state.status)
            self.send_header("Content-Length", str(len(state.body)))
            self.end_headers()
            self.wfile.write(state.body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = _Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/api/sms?v=2"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def _reply(canned: Canned, status: int, body: Mapping[str, Any] | bytes) -> None:
    canned.status = status
    canned.body = body if isinstance(body, bytes) else json.dumps(body).encode()


def test_success_returns_the_gateways_id(gateway: FakeSmsGateway) -> None:
    assert SmsHttpNotifier(gateway.config()).send_sms(SMS) == "gw-1"
    assert gateway.receipts == {"T1.inspection": 1}
    assert gateway.bodies["T1.inspection"] == SMS.text


def test_a_repeated_key_is_recognised_by_the_gateway(gateway: FakeSmsGateway) -> None:
    notifier = SmsHttpNotifier(gateway.config())
    assert notifier.send_sms(SMS) == notifier.send_sms(SMS) == "gw-1"
    assert gateway.attempts["T1.inspection"] == 2
    assert gateway.receipts["T1.inspection"] == 1


@pytest.mark.parametrize("fault", [Fault.BUSY, Fault.RATE_LIMITED, Fault.BUSY_CODE, Fault.DROP])
def test_overload_and_lost_connections_are_transient(gateway: FakeSmsGateway, fault: Fault) -> None:
    gateway.fail_next(fault)
    notifier = SmsHttpNotifier(gateway.config())
    with pytest.raises(TransientNotifierError):
        notifier.send_sms(SMS)
    assert gateway.delivered_keys() == set()
    assert notifier.send_sms(SMS) == "gw-1"


def test_a_timeout_is_transient_and_the_retry_is_not_a_double_delivery(
    gateway: FakeSmsGateway,
) -> None:
    gateway.fail_next(Fault.SLOW)
    notifier = SmsHttpNotifier(gateway.config(timeout=0.3))
    with pytest.raises(TransientNotifierError, match=r"timed out after 0\.3 s"):
        notifier.send_sms(SMS)
    assert notifier.send_sms(SMS) == "gw-1"
    assert gateway.receipts["T1.inspection"] == 1
    assert gateway.attempts["T1.inspection"] == 2


def test_a_reply_lost_after_acceptance_is_transient(gateway: FakeSmsGateway) -> None:
    gateway.fail_next(Fault.ACCEPT_THEN_DROP)
    notifier = SmsHttpNotifier(gateway.config())
    with pytest.raises(TransientNotifierError, match="unreachable"):
        notifier.send_sms(SMS)
    assert notifier.send_sms(SMS) == "gw-1"
    assert gateway.receipts["T1.inspection"] == 1


def test_a_refused_number_is_permanent_and_masked(gateway: FakeSmsGateway) -> None:
    gateway.reject(PHONE)
    with pytest.raises(PermanentNotifierError) as info:
        SmsHttpNotifier(gateway.config()).send_sms(SMS)
    message = str(info.value)
    assert message == "SMS gateway HTTP 400 code REJECTED 138****5678 unsubscribed"
    assert PHONE not in message


def test_a_wrong_token_is_permanent(gateway: FakeSmsGateway) -> None:
    config = gateway.config(headers={"Authorization": "Bearer nope"})
    with pytest.raises(PermanentNotifierError, match="HTTP 401 code UNAUTHORIZED"):
        SmsHttpNotifier(config).send_sms(SMS)


def test_the_auth_header_is_masked_in_repr(gateway: FakeSmsGateway) -> None:
    assert "test-token" not in repr(gateway.config())


def test_nothing_listening_is_transient() -> None:
    config = SmsHttpConfig(url="http://127.0.0.1:9/send", timeout=1.0)
    with pytest.raises(TransientNotifierError, match="unreachable"):
        SmsHttpNotifier(config).send_sms(SMS)


def test_field_mapping_static_fields_and_query_reach_the_server(canned: Canned) -> None:
    _reply(canned, 200, {"Code": "OK", "Data": {"BizId": "biz-9"}})
    config = SmsHttpConfig(
        url=canned.url,
        headers={"X-Api-Key": "k1"},
        fields=SmsFieldMap(to="message.phone", text="message.content", key="OutId"),
        static_fields={"SignName": "浦东大众4S店", "message": {"type": "notice"}},
        message_id_path="Data.BizId",
        status_path="Code",
    )
    assert SmsHttpNotifier(config).send_sms(SMS) == "biz-9"
    path, headers, raw = canned.requests[0]
    assert path == "/api/sms?v=2"
    assert headers["X-Api-Key"] == "k1"
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(raw) == {
        "SignName": "浦东大众4S店",
        "message": {"type": "notice", "phone": PHONE, "content": SMS.text},
        "OutId": "T1.inspection",
    }
    assert "浦东".encode() in raw  # UTF-8, not \\u escapes


def test_a_signer_adds_headers_computed_from_the_body(canned: Canned) -> None:
    _reply(canned, 200, {"message_id": "x1"})

    def sign(body: bytes) -> dict[str, str]:
        return {"X-Signature": hmac.new(b"secret", body, hashlib.sha256).hexdigest()}

    SmsHttpNotifier(SmsHttpConfig(url=canned.url, signer=sign)).send_sms(SMS)
    _, headers, raw = canned.requests[0]
    assert headers["X-Signature"] == hmac.new(b"secret", raw, hashlib.sha256).hexdigest()


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (200, {"code": "isv.MOBILE_NUMBER_ILLEGAL", "msg": "bad number"}, PermanentNotifierError),
        (200, {"code": "isv.BUSINESS_LIMIT_CONTROL", "msg": "flow"}, TransientNotifierError),
        (400, {"code": "isv.BUSINESS_LIMIT_CONTROL"}, TransientNotifierError),
        (400, {"code": "isv.TEMPLATE_MISSING"}, PermanentNotifierError),
        (404, b"<html>not found</html>", PermanentNotifierError),
        (301, b"", PermanentNotifierError),
        (408, b"", TransientNotifierError),
        (429, {"code": "THROTTLED"}, TransientNotifierError),
        (500, b"Internal Server Error", TransientNotifierError),
        (502, b"", TransientNotifierError),
        (200, b"<html>maintenance</html>", TransientNotifierError),
        (200, {"code": "OK"}, TransientNotifierError),  # accepted, but no id to record
    ],
)
def test_replies_are_classified(
    canned: Canned,
    status: int,
    body: Mapping[str, Any] | bytes,
    error: type[Exception],
) -> None:
    _reply(canned, status, body)
    config = SmsHttpConfig(
        url=canned.url,
        status_path="code",
        ok_values=frozenset({"OK"}),
        transient_values=frozenset({"isv.BUSINESS_LIMIT_CONTROL"}),
        error_text_path="msg",
    )
    with pytest.raises(error) as info:
        SmsHttpNotifier(config).send_sms(SMS)
    assert type(info.value) is error
    assert f"HTTP {status}" in str(info.value)


def test_the_error_text_from_the_reply_is_in_the_message(canned: Canned) -> None:
    _reply(canned, 200, {"code": "isv.MOBILE_NUMBER_ILLEGAL", "msg": f"{PHONE} is not valid"})
    config = SmsHttpConfig(url=canned.url, status_path="code", error_text_path="msg")
    with pytest.raises(PermanentNotifierError) as info:
        SmsHttpNotifier(config).send_sms(SMS)
    assert str(info.value) == (
        "SMS gateway HTTP 200 code isv.MOBILE_NUMBER_ILLEGAL 138****5678 is not valid"
    )


def test_without_an_id_path_the_key_stands_for_the_id(canned: Canned) -> None:
    _reply(canned, 200, b"")
    config = SmsHttpConfig(url=canned.url, message_id_path=None)
    assert SmsHttpNotifier(config).send_sms(SMS) == "T1.inspection"


def test_a_numeric_id_comes_back_as_text(canned: Canned) -> None:
    _reply(canned, 200, {"message_id": 123456})
    assert SmsHttpNotifier(SmsHttpConfig(url=canned.url)).send_sms(SMS) == "123456"


def test_a_slow_reply_times_out(canned: Canned) -> None:
    canned.delay = 1.0
    _reply(canned, 200, {"message_id": "late"})
    with pytest.raises(TransientNotifierError, match="timed out"):
        SmsHttpNotifier(SmsHttpConfig(url=canned.url, timeout=0.2)).send_sms(SMS)


def test_an_impossible_number_never_reaches_the_server(canned: Canned) -> None:
    with pytest.raises(PermanentNotifierError):
        SmsHttpNotifier(SmsHttpConfig(url=canned.url)).send_sms(
            Sms(key="k", to="138-1234-5678", text="您好")
        )
    assert canned.requests == []


@pytest.mark.parametrize("url", ["ftp://x/send", "sms.example/send", "http:///send"])
def test_a_config_without_an_http_url_is_refused(url: str) -> None:
    with pytest.raises(ValidationError, match="url"):
        SmsHttpConfig(url=url)


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"url": "http://[::1/send"}, "url"),  # urlsplit raised ValueError at the first send
        ({"url": "http://127.0.0.1:99999/send"}, "url"),
        ({"timeout": -1.0}, "timeout"),  # the socket refused it at the first send
        ({"timeout": float("nan")}, "timeout"),
        ({"timeout": float("inf")}, "timeout"),
        ({"timeout": 0}, "timeout"),
    ],
)
def test_a_config_no_gateway_can_use_is_refused(settings: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        SmsHttpConfig(**{"url": "http://127.0.0.1:8080/send", **settings})
    assert caught.value.field == field
