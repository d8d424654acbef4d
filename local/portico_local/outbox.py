"""The outbox of `GET /_dev/outbox`: every email the local SES (moto) accepted, oldest first.

The messages come from moto's SES backend, which SES v1 and v2 share. moto keeps a simple
email's HTML part only (or its text part when there is no HTML) and no send time, so the
outbox also wraps moto's WSGI app and notes, for each accepted send, its time on the dev
clock and both body parts. Raw (MIME) emails carry everything and are parsed as they are.
"""

from __future__ import annotations

import io
import json
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from email import message_from_string, policy
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import Message, RawMessage, ses_backends

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

_SES_SCOPE = re.compile(r"Credential=[^/]+/[^/]+/[^/]+/ses/aws4_request")
_V2_SEND_PATH = "/v2/email/outbound-emails"
_V1_SEND_ACTIONS = frozenset({"SendEmail", "SendRawEmail"})
_MESSAGE_ID = re.compile(r'"MessageId"\s*:\s*"([^"]+)"|<MessageId>([^<]+)</MessageId>')
# A simple email's single stored body is HTML when it carries tags; only used when the
# send itself was not seen (it always is, unless moto's backend is filled another way).
_LOOKS_LIKE_HTML = re.compile(r"<[a-zA-Z][^>]*>")


@dataclass(frozen=True)
class _Seen:
    sent_at: datetime
    text: str | None
    html: str | None


@dataclass(frozen=True)
class OutboxMessage:
    id: str
    to: list[str]
    sender: str
    subject: str | None
    text: str | None
    html: str | None
    sent_at: datetime | None

    def as_json(self) -> dict[str, Any]:
        """The DESIGN 4.6 shape: id, to, from, subject, text, html, sent_at."""
        return {
            "id": self.id,
            "to": self.to,
            "from": self.sender,
            "subject": self.subject,
            "text": self.text,
            "html": self.html,
            "sent_at": self.sent_at.isoformat() if self.sent_at else None,
        }


class Outbox:
    """A WSGI middleware around moto that notes each SES send, and the outbox reader."""

    def __init__(self, app: WSGIApplication, now: Callable[[], datetime], region: str) -> None:
        self._app = app
        self._now = now
        self._region = region
        self._seen: dict[str, _Seen] = {}
        self._lock = threading.Lock()

    # --- the middleware ------------------------------------------------------------------

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST" or not _SES_SCOPE.search(
            environ.get("HTTP_AUTHORIZATION", "")
        ):
            return self._app(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        environ["wsgi.input"] = io.BytesIO(body)  # moto reads the body again
        parts = _simple_parts(environ.get("PATH_INFO", ""), body)
        if parts is None:
            return self._app(environ, start_response)

        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured.update(status=status, headers=headers, exc_info=exc_info)
            return lambda data: None  # moto never uses the legacy write() callable

        result = self._app(environ, capture)
        try:
            response = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        if str(captured.get("status", "")).startswith("200"):
            self._note(response, parts)
        start_response(captured["status"], captured["headers"], captured.get("exc_info"))
        return [response]

    def _note(self, response: bytes, parts: tuple[str | None, str | None]) -> None:
        found = _MESSAGE_ID.search(response.decode("utf-8", "replace"))
        if found is None:
            return
        message_id = found.group(1) or found.group(2)
        with self._lock:
            self._seen[message_id] = _Seen(self._now(), *parts)

    # --- the reader ----------------------------------------------------------------------

    def messages(self) -> list[OutboxMessage]:
        """Every email SES accepted in this runtime's region, oldest first."""
        backend = ses_backends[DEFAULT_ACCOUNT_ID][self._region]
        with self._lock:
            seen = dict(self._seen)
        found = []
        for sent in list(backend.sent_messages):
            if isinstance(sent, RawMessage):
                found.append(_raw(sent, seen.get(sent.id)))
            elif isinstance(sent, Message):
                found.append(_simple(sent, seen.get(sent.id)))
            # SES templates are not listed: Portico renders its emails itself (Jinja2).
        return found


def _simple_parts(path: str, body: bytes) -> tuple[str | None, str | None] | None:
    """(text, html) of a simple SES v2 or v1 send request, or None if it is not one."""
    if path == _V2_SEND_PATH:
        try:
            content = json.loads(body or b"{}").get("Content") or {}
        except (ValueError, AttributeError):
            return None
        simple = content.get("Simple") if isinstance(content, dict) else None
        if not isinstance(simple, dict):
            return (None, None)  # raw: the MIME message carries both parts
        parts = simple.get("Body") or {}
        return ((parts.get("Text") or {}).get("Data"), (parts.get("Html") or {}).get("Data"))
    form = parse_qs(body.decode("utf-8", "replace"))
    action = form.get("Action", [""])[0]
    if action not in _V1_SEND_ACTIONS:
        return None
    if action == "SendRawEmail":
        return (None, None)
    text = form.get("Message.Body.Text.Data", [None])[0]
    html = form.get("Message.Body.Html.Data", [None])[0]
    return (text, html)


def _simple(sent: Message, seen: _Seen | None) -> OutboxMessage:
    text: str | None
    html: str | None
    sent_at: datetime | None = None
    if seen is not None:
        text, html, sent_at = seen.text, seen.html, seen.sent_at
    elif _LOOKS_LIKE_HTML.search(sent.body or ""):
        text, html = None, sent.body
    else:
        text, html = sent.body, None
    destinations = sent.destinations or {}
    to = _addresses(
        address
        for kind in ("ToAddresses", "CcAddresses", "BccAddresses")
        for address in destinations.get(kind, [])
    )
    return OutboxMessage(sent.id, to, sent.source, sent.subject, text, html, sent_at)


def _addresses(values: Iterable[str]) -> list[str]:
    """Bare addresses, without display names or repeats, in order."""
    found = [address for _, address in getaddresses(list(values)) if address]
    return list(dict.fromkeys(found))


def _raw(sent: RawMessage, seen: _Seen | None) -> OutboxMessage:
    parsed = message_from_string(sent.raw_data, policy=policy.default)
    assert isinstance(parsed, EmailMessage)  # guaranteed by policy.default
    sent_at = seen.sent_at if seen else _date_header(parsed)
    return OutboxMessage(
        id=sent.id,
        to=_addresses(sent.destinations),
        sender=str(parsed["From"] or sent.source or ""),
        subject=str(parsed["Subject"]) if parsed["Subject"] is not None else None,
        text=_part(parsed, "plain"),
        html=_part(parsed, "html"),
        sent_at=sent_at,
    )


def _part(parsed: EmailMessage, subtype: str) -> str | None:
    body = parsed.get_body(preferencelist=(subtype,))
    if body is None or body.get_content_subtype() != subtype:
        return None
    content = body.get_content()
    return content if isinstance(content, str) else None


def _date_header(parsed: EmailMessage) -> datetime | None:
    value = parsed["Date"]
    if value is None:
        return None
    try:
        return parsedate_to_datetime(str(value))
    except (TypeError, ValueError):
        return None
