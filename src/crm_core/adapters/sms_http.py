"""SMS through a JSON-over-HTTP gateway, configured rather than coded per provider.

Chinese SMS providers all take a JSON POST with a phone number, a text and the sender's
own id for the message, and answer with JSON — but every one names the fields differently,
signs requests differently and reports errors its own way (HTTP status, a ``code`` field,
both). :class:`SmsHttpConfig` describes one provider: the URL, static headers (the auth
header), an optional request signer, where our fields go in the request, and where the
reply keeps the message id, the result code and the error text.

How a reply is classified:

* no reply at all (timeout, refused or dropped connection): transient;
* HTTP 408, 425, 429 and 5xx: transient; other 4xx and 3xx: permanent;
* HTTP 2xx whose body is not JSON: transient (the message may have been accepted; the
  retry carries the same key, so a deduplicating gateway drops it);
* with ``status_path`` set, the result code at that path: one of ``ok_values`` is success,
  one of ``transient_values`` is transient (a provider's "rate limited"), anything else is
  permanent (bad number, rejected content, unsubscribed). The code is read from 4xx
  replies too, so a provider that answers 400 with a rate-limit code is retried.
"""

from __future__ import annotations

import http.client
import json
import ssl
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import attrs

from crm_core.adapters._common import positive_seconds
from crm_core.adapters._scrub import scrub
from crm_core.domain._mask import mask_phone
from crm_core.domain.ports.notifiers import Sms, SmsNotifier, check_sms_recipient
from crm_core.errors import PermanentNotifierError, TransientNotifierError, ValidationError

__all__ = ["SmsFieldMap", "SmsHttpConfig", "SmsHttpNotifier"]

_MAX_REPLY = 1 << 20
_TRANSIENT_HTTP = frozenset({408, 425, 429})

Signer = Callable[[bytes], Mapping[str, str]]


def _mask_headers(value: object) -> str:
    if not isinstance(value, Mapping):
        return repr(value)
    return repr({k: "***" for k in value})


def _http_url(_: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises on a port beyond 65535
    except ValueError as exc:  # "http://[::1" (an unclosed IPv6 host), a port of 99999
        raise ValidationError(f"not a URL: {exc}", field=attribute.name) from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(
            "must be an http:// or https:// URL with a host", field=attribute.name
        )


@attrs.frozen(slots=True)
class SmsFieldMap:
    """Which field of an SMS provider's request body gets the number, the text and the key.

    Dotted names build nested objects (``"message.to"`` → ``{"message": {"to": ...}}``).
    ``key=None`` leaves the idempotency key out, for a provider that has no field for it
    (then a retry after a timeout can text the customer twice: prefer a provider that takes
    one)."""

    to: str = "to"
    text: str = "text"
    key: str | None = "out_id"


@attrs.frozen(slots=True)
class SmsHttpConfig:
    """One provider's API, described as data.

    ``headers`` are sent with every request (``{"Authorization": "Bearer …"}``) and are
    masked in ``repr``. ``signer``, when given, receives the request body and returns more
    headers (for providers that sign each request with an HMAC). ``static_fields`` are
    merged into every body (a signature name, a template code). ``message_id_path`` and
    ``status_path`` are dotted paths into the reply; ``message_id_path=None`` means the
    provider gives no id of its own and the idempotency key stands for it.

    >>> SmsHttpConfig(url="ftp://sms.example")
    Traceback (most recent call last):
    ...
    crm_core.errors.ValidationError: url: must be an http:// or https:// URL with a host
    """

    url: str = attrs.field(validator=_http_url)
    headers: Mapping[str, str] = attrs.field(factory=dict, repr=_mask_headers)
    fields: SmsFieldMap = SmsFieldMap()
    static_fields: Mapping[str, Any] = attrs.field(factory=dict)
    message_id_path: str | None = "message_id"
    status_path: str | None = None
    ok_values: frozenset[str] = frozenset({"OK"})
    transient_values: frozenset[str] = frozenset()
    error_text_path: str | None = None
    timeout: float = attrs.field(default=10.0, validator=positive_seconds)
    signer: Signer | None = attrs.field(default=None, eq=False)
    ssl_context: ssl.SSLContext | None = attrs.field(default=None, eq=False)


def _put(body: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    node = body
    for name in parents:
        node = node.setdefault(name, {})
    node[last] = value


def _get(data: Any, path: str) -> Any:
    node = data
    for name in path.split("."):
        if not isinstance(node, Mapping) or name not in node:
            return None
        node = node[name]
    return node


class SmsHttpNotifier(SmsNotifier):
    """An :class:`~crm_core.domain.ports.notifiers.SmsNotifier` for a JSON-over-HTTP gateway.

    One HTTP connection per message, so the notifier is thread-safe and holds no state
    between sends.

    >>> cfg = SmsHttpConfig(url="https://sms.example/v1/send",
    ...                     fields=SmsFieldMap(to="PhoneNumbers", text="Content", key="OutId"),
    ...                     static_fields={"SignName": "某某4S店"})
    >>> SmsHttpNotifier(cfg).request_body(Sms(key="m1", to="13812345678", text="您好"))
    {'SignName': '某某4S店', 'PhoneNumbers': '13812345678', 'Content': '您好', 'OutId': 'm1'}
    """

    def __init__(self, config: SmsHttpConfig) -> None:
        self._config = config
        parts = urlsplit(config.url)
        self._https = parts.scheme == "https"
        self._host = parts.hostname or ""
        self._port = parts.port
        self._path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    def request_body(self, sms: Sms) -> dict[str, Any]:
        """The JSON object sent for ``sms`` (public so hosts can check their mapping)."""
        body: dict[str, Any] = json.loads(json.dumps(dict(self._config.static_fields)))
        fields = self._config.fields
        _put(body, fields.to, sms.to)
        _put(body, fields.text, sms.text)
        if fields.key is not None:
            _put(body, fields.key, sms.key)
        return body

    def send_sms(self, sms: Sms) -> str:
        check_sms_recipient(sms)
        payload = json.dumps(self.request_body(sms), ensure_ascii=False).encode("utf-8")
        status, raw = self._post(payload, sms)
        return self._interpret(status, raw, sms)

    def _post(self, payload: bytes, sms: Sms) -> tuple[int, bytes]:
        cfg = self._config
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
            **cfg.headers,
        }
        if cfg.signer is not None:
            headers.update(cfg.signer(payload))
        conn: http.client.HTTPConnection
        if self._https:
            conn = http.client.HTTPSConnection(
                self._host,
                self._port,
                timeout=cfg.timeout,
                context=cfg.ssl_context or ssl.create_default_context(),
            )
        else:
            conn = http.client.HTTPConnection(self._host, self._port, timeout=cfg.timeout)
        try:
            conn.request("POST", self._path, body=payload, headers=headers)
            response = conn.getresponse()
            return response.status, response.read(_MAX_REPLY)
        except TimeoutError as exc:
            raise TransientNotifierError(f"SMS gateway timed out after {cfg.timeout:g} s") from exc
        except (OSError, http.client.HTTPException) as exc:
            reason = scrub(f"{type(exc).__name__}: {exc}", sms.to, mask_phone(sms.to))
            raise TransientNotifierError(f"SMS gateway unreachable ({reason})") from exc
        finally:
            conn.close()

    def _interpret(self, status: int, raw: bytes, sms: Sms) -> str:
        cfg = self._config
        try:
            reply: Any = json.loads(raw) if raw.strip() else None
        except ValueError:
            reply = None
        code = None if cfg.status_path is None else _get(reply, cfg.status_path)
        code_text = None if code is None else str(code)
        detail = self._detail(status, code_text, reply, raw, sms)

        if 200 <= status <= 299:
            if reply is None and raw.strip():
                raise TransientNotifierError(f"{detail}: the reply is not JSON")
            if cfg.status_path is not None and code_text not in cfg.ok_values:
                if code_text in cfg.transient_values:
                    raise TransientNotifierError(detail)
                raise PermanentNotifierError(detail)
            if cfg.message_id_path is None:
                return sms.key
            message_id = _get(reply, cfg.message_id_path)
            if message_id is None or not str(message_id).strip():
                raise TransientNotifierError(
                    f"{detail}: the reply has no message id at {cfg.message_id_path!r}"
                )
            return str(message_id)
        if status in _TRANSIENT_HTTP or 500 <= status <= 599:
            raise TransientNotifierError(detail)
        if code_text is not None and code_text in cfg.transient_values:
            raise TransientNotifierError(detail)
        raise PermanentNotifierError(detail)

    def _detail(self, status: int, code: str | None, reply: Any, raw: bytes, sms: Sms) -> str:
        cfg = self._config
        text = None if cfg.error_text_path is None else _get(reply, cfg.error_text_path)
        if text is None and not 200 <= status <= 299 and reply is None:
            text = raw[:200].decode("utf-8", "replace")
        parts = [f"SMS gateway HTTP {status}"]
        if code is not None:
            parts.append(f"code {code}")
        if text:
            parts.append(str(text))
        return scrub(" ".join(parts), sms.to, mask_phone(sms.to))
