"""The fake's HTTP side: keys, `Stripe-Account`, idempotency, injected faults, routes.

`FakeStripe` owns a `ThreadingHTTPServer` on 127.0.0.1, a `StripeApi` and the background
thread for webhooks. Requests run their Stripe operation under one lock (so concurrent
requests with one idempotency key see each other's saved result); injected latency and
timeouts sleep outside it.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
import secrets
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

from portico_local.fake_stripe import forms, pages
from portico_local.fake_stripe.api import PLATFORM, Account, StripeApi, new_id, public
from portico_local.fake_stripe.errors import StripeError, invalid
from portico_local.fake_stripe.webhooks import Background, Delivery

log = logging.getLogger("portico_local.fake_stripe")
MAX_BODY_BYTES = 256 * 1024
DEFAULT_RETRY_DELAYS = (1.0, 5.0, 30.0)


@dataclass
class Fault:
    """Injected for the next `count` matching requests: latency, then an error status
    before or after the operation runs, or a hang until the client gives up."""

    count: int = 1
    status: int | None = None  # 429 or 5xx
    latency_ms: int = 0
    timeout: bool = False
    path: str = "/v1/"  # applies to request paths starting with this
    # "before": refused before running (never saved under the idempotency key, as a 429 or
    # a failure in front of Stripe). "after": the operation ran and its result is saved;
    # the client gets the error (a 500, saved too, as Stripe saves its 500s) or a hang.
    phase: str = "before"

    @classmethod
    def parse(cls, document: Any) -> Fault:
        """A fault from `POST /_fake/faults` JSON."""
        if not isinstance(document, dict):
            raise invalid("Send a JSON object.")
        known = {"count", "status", "latency_ms", "timeout", "path", "phase"}
        unknown = set(document) - known
        if unknown:
            raise invalid(f"Unknown fault fields: {sorted(unknown)}.")
        types = {"count": int, "latency_ms": int, "timeout": bool, "path": str, "phase": str}
        for name, wanted in types.items():
            if name in document and type(document[name]) is not wanted:
                raise invalid(f"`{name}` must be a {wanted.__name__}.", param=name)
        if document.get("status") is not None and type(document["status"]) is not int:
            raise invalid("`status` must be an int.", param="status")
        fault = cls(**document)
        if fault.status is not None and fault.status != 429 and not 500 <= fault.status < 600:
            raise invalid("`status` must be 429 or 5xx.", param="status")
        if fault.phase not in ("before", "after"):
            raise invalid('`phase` must be "before" or "after".', param="phase")
        if fault.timeout and "phase" not in document:
            fault.phase = "after"  # the interesting timeout: the charge happened
        return fault


@dataclass(frozen=True)
class Saved:
    """A response saved under an idempotency key, with what the request asked."""

    fingerprint: tuple[str, str, str]  # method, path, canonical parameters
    status: int
    body: dict[str, Any]
    request_id: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    run: Callable[[FakeStripe, Account, dict[str, Any], tuple[str, ...]], Any]
    publishable: bool = False  # Stripe.js may call it with the publishable key...
    secret_of: str = ""  # ...proving with this kind's `client_secret` which one it may touch
    lists: bool = False  # the result is a list to page, not an object


def _route(
    method: str,
    path: str,
    run: Callable[[FakeStripe, Account, dict[str, Any], tuple[str, ...]], Any],
    *,
    publishable: bool = False,
    secret_of: str = "",
    lists: bool = False,
) -> Route:
    pattern = re.compile("^" + re.sub(r"\{\w+\}", r"([A-Za-z0-9_]+)", path) + "$")
    return Route(method, pattern, run, publishable, secret_of, lists)


ROUTES: list[Route] = [
    _route("POST", "/v1/accounts", lambda f, a, p, i: f.api.create_account(p)),
    _route("GET", "/v1/accounts/{id}", lambda f, a, p, i: f.api.retrieve_account(i[0])),
    _route("POST", "/v1/customers", lambda f, a, p, i: f.api.create_customer(a, p)),
    _route("GET", "/v1/customers", lambda f, a, p, i: f.api.list_customers(a, p), lists=True),
    _route("GET", "/v1/customers/{id}", lambda f, a, p, i: a.get("customer", i[0])),
    _route("POST", "/v1/customers/{id}", lambda f, a, p, i: f.api.update_customer(a, i[0], p)),
    _route("DELETE", "/v1/customers/{id}", lambda f, a, p, i: f.api.delete_customer(a, i[0])),
    _route(
        "GET",
        "/v1/customers/{id}/payment_methods",
        lambda f, a, p, i: f.api.customer_methods(a, i[0], p),
        lists=True,
    ),
    _route(
        "POST",
        "/v1/payment_methods",
        lambda f, a, p, i: f.api.create_payment_method(a, p),
        publishable=True,
    ),
    _route("GET", "/v1/payment_methods/{id}", lambda f, a, p, i: a.get("payment_method", i[0])),
    _route("POST", "/v1/payment_methods/{id}/attach", lambda f, a, p, i: f.api.attach(a, i[0], p)),
    _route("POST", "/v1/payment_methods/{id}/detach", lambda f, a, p, i: f.api.detach(a, i[0])),
    _route("POST", "/v1/setup_intents", lambda f, a, p, i: f.api.create_setup_intent(a, p)),
    _route(
        "GET",
        "/v1/setup_intents/{id}",
        lambda f, a, p, i: a.get("setup_intent", i[0]),
        publishable=True,
        secret_of="setup_intent",
    ),
    _route(
        "POST",
        "/v1/setup_intents/{id}/confirm",
        lambda f, a, p, i: f.api.confirm_setup_intent(a, i[0], p),
        publishable=True,
        secret_of="setup_intent",
    ),
    _route("POST", "/v1/payment_intents", lambda f, a, p, i: f.api.create_payment_intent(a, p)),
    _route(
        "GET",
        "/v1/payment_intents",
        lambda f, a, p, i: f.api.list_payment_intents(a, p),
        lists=True,
    ),
    _route(
        "GET",
        "/v1/payment_intents/search",
        lambda f, a, p, i: f.api.search_payment_intents(a, p),
        lists=True,
    ),
    _route(
        "GET",
        "/v1/payment_intents/{id}",
        lambda f, a, p, i: a.get("payment_intent", i[0]),
        publishable=True,
        secret_of="payment_intent",
    ),
    _route(
        "POST",
        "/v1/payment_intents/{id}/confirm",
        lambda f, a, p, i: f.api.confirm_payment_intent(a, i[0], p),
        publishable=True,
        secret_of="payment_intent",
    ),
    _route("GET", "/v1/charges/{id}", lambda f, a, p, i: a.get("charge", i[0])),
    _route("POST", "/v1/refunds", lambda f, a, p, i: f.api.create_refund(a, p)),
    _route("GET", "/v1/refunds/{id}", lambda f, a, p, i: a.get("refund", i[0])),
    _route("GET", "/v1/events/{id}", lambda f, a, p, i: a.get("event", i[0])),
    _route("GET", "/v1/events", lambda f, a, p, i: _events(a, p), lists=True),
]


def _events(account: Account, params: dict[str, Any]) -> list[dict[str, Any]]:
    found = account.of_kind("event")
    if params.get("type"):
        found = [e for e in found if e["type"] == params["type"]]
    return found


class FakeStripe:
    """A Stripe API on loopback for the local runtime and the tests.

    `FakeStripe(webhook_url=...).start()`; point the SDK at `api_base` with `secret_key`;
    `stop()` when done. See the package docstring for what it implements.
    """

    api: StripeApi  # replaced by `reset()`; the routes reach it through the fake

    def __init__(
        self,
        *,
        port: int = 0,
        webhook_url: str | None = None,
        secret_key: str | None = None,
        publishable_key: str | None = None,
        webhook_secret: str | None = None,
        webhook_retry_delays: Sequence[float] = DEFAULT_RETRY_DELAYS,
        ach_settle_after_s: float | None = None,
        hang_s: float = 30.0,
    ) -> None:
        suffix = secrets.token_hex(12)
        self.secret_key = secret_key or f"sk_test_fake{suffix}"
        self.publishable_key = publishable_key or f"pk_test_fake{suffix}"
        self.webhook_secret = webhook_secret or f"whsec_fake{secrets.token_hex(16)}"
        self.webhook_url = webhook_url
        # None: ACH debits stay `processing` until `settle()` or `POST /_fake/settle`.
        self.ach_settle_after_s = ach_settle_after_s
        self.hang_s = hang_s
        self.lock = threading.Lock()
        self.api = StripeApi(self._on_event)
        self.background = Background(
            lambda: self.webhook_url, self.webhook_secret, webhook_retry_delays
        )
        self.faults: list[Fault] = []
        # Saved responses per account, per idempotency key.
        self._saved: dict[str, dict[str, Saved]] = {}
        self.requests = 0  # API requests received, faults included
        self._stopping = threading.Event()
        self._port = port
        self._httpd: ThreadingHTTPServer | None = None
        self._serving: threading.Thread | None = None

    # --- life cycle ----------------------------------------------------------------------

    def start(self) -> FakeStripe:
        """Listen on 127.0.0.1 and serve in a background thread."""
        handler = type("Handler", (_Handler,), {"fake": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", self._port), handler)
        self._httpd.daemon_threads = True
        # A short poll interval: `stop()` waits for it, and tests start many fakes.
        self._serving = threading.Thread(
            target=self._httpd.serve_forever, args=(0.05,), name="fake-stripe", daemon=True
        )
        self._serving.start()
        self.background.start()
        return self

    def stop(self) -> None:
        """Stop serving and delivering; hanging requests are released."""
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        self.background.stop()

    def __enter__(self) -> FakeStripe:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def api_base(self) -> str:
        """`http://127.0.0.1:<port>`: the SDK's `api` base address."""
        assert self._httpd is not None, "start() the fake first"
        return f"http://127.0.0.1:{self._httpd.server_port}"

    # --- test controls -------------------------------------------------------------------

    def create_account(self, name: str = "") -> str:
        """A new connected account's id (as `POST /v1/accounts`)."""
        with self.lock:
            return str(self.api.create_account({"business_profile": {"name": name}})["id"])

    def inject(self, fault: Fault) -> None:
        """Add a fault for the next matching requests."""
        with self.lock:
            self.faults.append(fault)

    def settle(self, account: str | None = None, payment_intent: str | None = None) -> list[str]:
        """Settle processing ACH debits now (of one account, or one PaymentIntent)."""
        with self.lock:
            return self.api.settle(self.api.account(account), payment_intent)

    def complete_authentication(
        self, account: str | None, payment_intent_id: str, *, succeed: bool = True
    ) -> dict[str, Any]:
        """Answer 3-D Secure for a PaymentIntent that `requires_action` (account None: the
        platform), as the browser's confirm does: succeeded with a charge, or (`succeed=False`)
        `requires_payment_method` with `payment_intent_authentication_failure`; the events
        are emitted and delivered as for any request. The PaymentIntent afterwards."""
        with self.lock:
            intent = self.api.complete_authentication(
                self.api.account(account), payment_intent_id, succeed=succeed
            )
            return public(intent)

    def charges(self, account: str | None = None) -> list[dict[str, Any]]:
        """Every charge attempt of an account (None: the platform), oldest first."""
        with self.lock:
            return [public(c) for c in self.api.account(account).charges()]

    def events(self, account: str | None = None) -> list[dict[str, Any]]:
        """Every event of an account, oldest first."""
        with self.lock:
            return [public(e) for e in reversed(self.api.account(account).of_kind("event"))]

    @property
    def deliveries(self) -> list[Delivery]:
        """Every webhook delivery attempt so far."""
        return list(self.background.deliveries)

    def stats(self) -> dict[str, Any]:
        """Per account: PaymentIntents created, charges attempted and succeeded."""
        with self.lock:
            accounts = {
                account_id: {
                    "payment_intents_created": account.payment_intents_created,
                    "charges": len(account.charges()),
                    "charges_succeeded": sum(
                        1 for c in account.charges() if c["status"] == "succeeded"
                    ),
                    "idempotency_keys": len(self._saved.get(account_id, {})),
                }
                for account_id, account in self.api.accounts.items()
            }
        return {"accounts": accounts, "requests": self.requests}

    def reset(self) -> None:
        """Forget every object, account, key, fault and queued webhook."""
        with self.lock:
            self.api = StripeApi(self._on_event)
            self.faults.clear()
            self._saved.clear()
            self.requests = 0
        self.background.clear()

    # --- internals -----------------------------------------------------------------------

    def _on_event(self, account: Account, event: dict[str, Any]) -> None:
        self.background.deliver(event)
        if event["type"] == "payment_intent.processing" and self.ach_settle_after_s is not None:
            intent_id = event["data"]["object"]["id"]
            self.background.later(
                self.ach_settle_after_s, lambda: self._settle_later(account.id, intent_id)
            )

    def _settle_later(self, account_id: str, intent_id: str) -> None:
        with self.lock:
            account = self.api.accounts.get(account_id)
            if account is not None and intent_id in account.settlements:
                self.api.settle(account, intent_id)

    def take_fault(self, path: str) -> Fault | None:
        """The first fault for this path, counted down."""
        with self.lock:
            for fault in self.faults:
                if path.startswith(fault.path) and fault.count > 0:
                    fault.count -= 1
                    if fault.count == 0:
                        self.faults.remove(fault)
                    return fault
        return None

    def sleep(self, seconds: float) -> None:
        """Sleep, but wake at once when the fake stops."""
        self._stopping.wait(seconds)

    def saved(self, account_id: str, key: str) -> Saved | None:
        """The response saved under an idempotency key (call under `lock`)."""
        return self._saved.get(account_id, {}).get(key)

    def save(self, account_id: str, key: str, saved: Saved) -> None:
        """Save a response under an idempotency key (call under `lock`)."""
        self._saved.setdefault(account_id, {})[key] = saved


@dataclass
class _Answer:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class _Handler(BaseHTTPRequestHandler):
    """One HTTP request to the fake: `/v1/...` as Stripe, `/_fake/...` for the tests."""

    # Headers and body go out in separate writes: without this a reused connection waits
    # for the client's delayed acknowledgement (~40 ms) on every call.
    disable_nagle_algorithm = True

    fake: FakeStripe
    protocol_version = "HTTP/1.1"
    server_version = "FakeStripe/1.0"

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)

    def _serve(self, method: str) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("content-length") or 0)
        if length > MAX_BODY_BYTES:
            self._send(_Answer(413, invalid("Request body too large.").document()), "")
            return
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        request_id = new_id("req", 14)
        if parts.path in (pages.CARD_FORM, pages.AUTHENTICATE) and method in ("GET", "POST"):
            self._send_page(pages.handle(self.fake, method, parts.path, parts.query, body))
            return
        if parts.path.startswith("/_fake/"):
            self._send(_control(self.fake, method, parts.path, body), request_id)
            return
        fake = self.fake
        with fake.lock:
            fake.requests += 1
        fault = fake.take_fault(parts.path)
        if fault is not None and fault.latency_ms:
            fake.sleep(fault.latency_ms / 1000)
        if fault is not None and fault.phase == "before":
            if fault.timeout:
                fake.sleep(fake.hang_s)
                self.close_connection = True  # no answer: the client times out
                return
            if fault.status is not None:
                self._send(_fault_answer(fault.status, saved=False), request_id)
                return
        answer = self._execute(method, parts.path, parts.query, body, request_id)
        if fault is not None and fault.phase == "after":
            if fault.timeout:
                fake.sleep(fake.hang_s)
            elif fault.status is not None:
                answer = _fault_answer(fault.status, saved=fault.status >= 500)
                self._resave(method, answer, request_id)
        self._send(answer, request_id)

    def _execute(self, method: str, path: str, query: str, body: str, request_id: str) -> _Answer:
        fake = self.fake
        try:
            params = forms.decode(body if method == "POST" else query)
            if method == "POST" and query:
                params = {**forms.decode(query), **params}
            route, ids = _match(method, path)
            publishable = _authenticate(fake, self.headers.get("authorization"), route)
            account_id = self.headers.get("stripe-account") or None
            key = self.headers.get("idempotency-key") if method == "POST" else None
            fingerprint = (method, path, json.dumps(params, sort_keys=True))
            with fake.lock:
                account = fake.api.account(account_id)
                if key is not None:
                    saved = fake.saved(account.id, key)
                    if saved is not None:
                        return _replay(saved, fingerprint, key)
                if publishable:
                    _check_client_secret(account, route, ids, params)
                try:
                    result = route.run(fake, account, params, tuple(unquote(i) for i in ids))
                    answer = _Answer(200, _shape(route, account, result, path, params))
                except StripeError as error:
                    answer = _Answer(error.status, error.document())
                # Stripe saves a result once the endpoint ran: successes and card declines.
                # Validation errors (other 4xx) are not saved, so a corrected retry works.
                if key is not None and (answer.status < 300 or answer.status == 402):
                    fake.save(
                        account.id, key, Saved(fingerprint, answer.status, answer.body, request_id)
                    )
                if key is not None:
                    answer.headers["idempotency-key"] = key
                return answer
        except forms.FormError as error:
            return _Answer(400, invalid(str(error)).document())
        except StripeError as error:
            return _Answer(error.status, error.document())

    def _resave(self, method: str, answer: _Answer, request_id: str) -> None:
        # An "after" 5xx replaces the saved success: Stripe replays the 500 it saved.
        key = self.headers.get("idempotency-key") if method == "POST" else None
        if key is None or answer.status < 500:
            return
        fake = self.fake
        with fake.lock:
            account_id = self.headers.get("stripe-account") or PLATFORM
            saved = fake.saved(account_id, key)
            if saved is not None:
                fake.save(
                    account_id,
                    key,
                    Saved(
                        saved.fingerprint,
                        answer.status,
                        answer.body,
                        request_id,
                        dict(answer.headers),
                    ),
                )

    def _send_page(self, answer: pages.PageAnswer) -> None:
        try:
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.send_header("content-length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _send(self, answer: _Answer, request_id: str) -> None:
        payload = json.dumps(answer.body, indent=2).encode()
        try:
            self.send_response(answer.status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(payload)))
            if request_id:
                self.send_header("request-id", request_id)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (an injected timeout): nothing to tell it


def _match(method: str, path: str) -> tuple[Route, tuple[str, ...]]:
    allowed = False
    for route in ROUTES:
        found = route.pattern.match(path)
        if found is None:
            continue
        if route.method == method:
            return route, found.groups()
        allowed = True
    if allowed:
        raise StripeError(405, "invalid_request_error", f"Method {method} not allowed on {path}.")
    raise StripeError(
        404,
        "invalid_request_error",
        f"Unrecognized request URL ({method}: {path}).",
    )


def _authenticate(fake: FakeStripe, header: str | None, route: Route) -> bool:
    """Whether the request came with the publishable key; 401 unless a key fits."""
    key = ""
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer":
            key = value.strip()
        elif scheme.lower() == "basic":  # curl -u sk_test_...:
            try:
                key = base64.b64decode(value.strip()).decode().partition(":")[0]
            except (binascii.Error, UnicodeDecodeError):
                key = ""
    if key == fake.secret_key:
        return False
    if key == fake.publishable_key:
        if not route.publishable:
            raise StripeError(
                401,
                "invalid_request_error",
                "This API call cannot be made with a publishable API key. "
                "Please use a secret API key.",
            )
        return True
    if not key:
        raise StripeError(
            401,
            "invalid_request_error",
            "You did not provide an API key. You need to provide your API key in the "
            "Authorization header, using Bearer auth "
            "(e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
        )
    masked = key[:8] + "*" * 4 + key[-4:]
    raise StripeError(401, "invalid_request_error", f"Invalid API Key provided: {masked}")


_INTENT_NAMES = {"setup_intent": "SetupIntent", "payment_intent": "PaymentIntent"}


def _check_client_secret(
    account: Account, route: Route, ids: tuple[str, ...], params: dict[str, Any]
) -> None:
    # With the publishable key, Stripe.js proves which intent it may touch by its
    # client_secret; creating a PaymentMethod needs no secret.
    if not route.secret_of:
        return
    intent = account.get(route.secret_of, ids[0])
    if params.get("client_secret") != intent["client_secret"]:
        raise invalid(
            "The client_secret provided does not match the client_secret associated with "
            f"the {_INTENT_NAMES[route.secret_of]}.",
            param="client_secret",
        )


def _replay(saved: Saved, fingerprint: tuple[str, str, str], key: str) -> _Answer:
    if saved.fingerprint != fingerprint:
        raise StripeError(
            400,
            "idempotency_error",
            "Keys for idempotent requests can only be used with the same parameters they "
            f"were first used with. Try using a key other than '{key}' if you meant to "
            "execute a different request.",
        )
    headers = {
        **saved.headers,
        "idempotency-key": key,
        "idempotent-replayed": "true",
        "original-request": saved.request_id,
    }
    return _Answer(saved.status, json.loads(json.dumps(saved.body)), headers)


def _fault_answer(status: int, *, saved: bool) -> _Answer:
    if status == 429:
        error = StripeError(
            429,
            "invalid_request_error",
            "Request rate limit exceeded. Learn more about rate limits here "
            "https://stripe.com/docs/rate-limits.",
            code="rate_limit",
        )
        return _Answer(429, error.document())
    error = StripeError(
        status, "api_error", "An unknown error occurred (injected by the fake Stripe)."
    )
    # A saved 500 would only be replayed, so Stripe tells its SDKs not to retry it.
    return _Answer(status, error.document(), {"stripe-should-retry": "false"} if saved else {})


def _shape(
    route: Route, account: Account, result: Any, path: str, params: dict[str, Any]
) -> dict[str, Any]:
    expand = params.get("expand") or []
    if isinstance(expand, str):
        expand = [expand]
    if not route.lists:
        return _expand(account, public(result), expand)
    limit = params.get("limit") or "10"
    if not (isinstance(limit, str) and limit.isdigit() and 1 <= int(limit) <= 100):
        raise invalid("Invalid integer: limit must be between 1 and 100.", param="limit")
    items: list[dict[str, Any]] = list(result)
    after = params.get("starting_after")
    if after:
        ids = [item["id"] for item in items]
        items = items[ids.index(after) + 1 :] if after in ids else []
    page = items[: int(limit)]
    nested = [e.removeprefix("data.") for e in expand if e.startswith("data.")]
    document: dict[str, Any] = {
        "object": "search_result" if path.endswith("/search") else "list",
        "data": [_expand(account, public(item), nested) for item in page],
        "has_more": len(items) > len(page),
        "url": path,
    }
    if document["object"] == "search_result":
        document["next_page"] = None
    return document


def _expand(account: Account, obj: dict[str, Any], expand: list[str]) -> dict[str, Any]:
    for name in expand:
        value = obj.get(name)
        if isinstance(value, str) and value in account.objects:
            obj[name] = public(account.objects[value])
    return obj


def _control(fake: FakeStripe, method: str, path: str, body: str) -> _Answer:
    """`/_fake/...`: faults, stats, settlement and reset, for tests and the local runtime."""
    try:
        document = json.loads(body) if body else {}
        if (method, path) == ("POST", "/_fake/faults"):
            fake.inject(Fault.parse(document))
            return _Answer(200, {"faults": [vars(f) for f in fake.faults]})
        if (method, path) == ("DELETE", "/_fake/faults"):
            with fake.lock:
                fake.faults.clear()
            return _Answer(200, {"faults": []})
        if (method, path) == ("GET", "/_fake/stats"):
            return _Answer(200, fake.stats())
        if (method, path) == ("POST", "/_fake/settle"):
            settled = fake.settle(document.get("account"), document.get("payment_intent"))
            return _Answer(200, {"settled": settled})
        if (method, path) == ("POST", "/_fake/reset"):
            fake.reset()
            return _Answer(200, {"reset": True})
        return _Answer(404, invalid(f"No fake control at {method} {path}.").document())
    except (ValueError, TypeError) as error:
        return _Answer(400, invalid(f"Bad control request: {error}").document())
    except StripeError as error:
        return _Answer(error.status, error.document())
