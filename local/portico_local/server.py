"""The local runtime's HTTP server: the API, `web/` and the dev endpoints on one origin.

- `/v1/...` goes through the in-process API Gateway (routes from template.yaml);
- `/v1/openapi.json` is the OpenAPI document, generated from the code;
- `/_dev/...` are the dev endpoints of DESIGN 4.6;
- anything else is a file under `web/`.

`dispatch()` turns a `Request` into a response and knows nothing about sockets, so it can be
tested without a server; `RequestHandler` does the HTTP/1.1 part.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from portico.clock import ManualClock
from portico_local import dev, static
from portico_local.bus import PublishedEvents
from portico_local.demo import Demo
from portico_local.gateway import Gateway, HttpResult, LambdaContext, load_handler
from portico_local.outbox import Outbox
from portico_local.template import schedules
from portico_local.workers import QueuePoller

MAX_BODY_BYTES = 1024 * 1024
# An oversized body up to this size is read and dropped before the 413, so that a client
# that sends it without waiting (no `Expect: 100-continue`) can read the answer instead of
# a connection reset. Anything larger is cut off.
_DRAIN_LIMIT = 16 * MAX_BODY_BYTES
OPENAPI_PATH = "/v1/openapi.json"

log = logging.getLogger("portico_local.server")


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # as sent, still percent-encoded, without the query string
    query: str
    headers: dict[str, str]  # lower-case names; repeated headers joined as HTTP allows
    body: bytes = b""
    source_ip: str = "127.0.0.1"


@dataclass
class Runtime:
    """Everything the server serves from, built once at start-up by `__main__`."""

    gateway: Gateway
    clock: ManualClock
    demo: Demo
    outbox: Outbox
    aws: dev.AwsInfo
    stripe: dev.StripeInfo | None = None  # None: no fake Stripe running
    web_root: Path = static.WEB_ROOT
    # Handlers are written for Lambda, one event at a time per process: their module-level
    # resolver and logger keep per-request state. Requests reach them one at a time.
    lock: threading.Lock = field(default_factory=threading.Lock)
    # The SQS event-source mappings; they deliver under `lock` too. None: no queues served.
    queues: QueuePoller | None = None
    openapi_document: bytes | None = field(default=None, repr=False)  # built on first use
    # What reached the event bus (a rule of the runtime's own). None: not observed.
    events: PublishedEvents | None = None
    # The security headers CloudFront adds to the pages (template.page_headers).
    page_headers: dict[str, str] = field(default_factory=dict)


def json_result(status: int, document: Any, headers: dict[str, str] | None = None) -> HttpResult:
    """A JSON response that no cache keeps."""
    body = json.dumps(document).encode()
    return HttpResult(
        status,
        {"content-type": "application/json", "cache-control": "no-store", **(headers or {})},
        body,
    )


def error_result(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> HttpResult:
    """The API's error body (DESIGN 4.7)."""
    return json_result(status, {"error": {"code": code, "message": message}}, headers)


def _allow(methods: list[str]) -> dict[str, str]:
    return {"allow": ", ".join(dict.fromkeys([*methods, "OPTIONS"]))}


# --- dev endpoints -------------------------------------------------------------------------

DevHandler = Callable[[Runtime, Request], HttpResult]


def _dev_demo(runtime: Runtime, request: Request) -> HttpResult:
    return json_result(200, dev.demo_document(runtime.demo, runtime.aws, runtime.stripe))


def _dev_outbox(runtime: Runtime, request: Request) -> HttpResult:
    return json_result(200, dev.outbox_document(runtime.outbox))


def _dev_events(runtime: Runtime, request: Request) -> HttpResult:
    if runtime.events is None:
        return error_result(503, "events_not_observed", "This runtime does not observe the bus.")
    return json_result(200, dev.events_document(runtime.events))


def _dev_clock(runtime: Runtime, request: Request) -> HttpResult:
    return json_result(200, dev.clock_document(runtime.clock))


def _dev_set_clock(runtime: Runtime, request: Request) -> HttpResult:
    when = dev.parse_clock_change(request.body)
    with runtime.lock:  # the time changes between requests, never during one
        runtime.clock.set(when)
    log.info("clock %s", f"set to {when.isoformat()}" if when else "follows the system clock")
    return json_result(200, dev.clock_document(runtime.clock))


def _dev_drain_queues(runtime: Runtime, request: Request) -> HttpResult:
    if runtime.queues is None:
        return error_result(503, "queues_not_running", "This runtime does not deliver queues.")
    result = runtime.queues.drain()
    log.info(
        "queues drained: %d delivered, %d awaiting retry", result.delivered, result.awaiting_retry
    )
    return json_result(200, result.as_json())


def _dev_autopay_run(runtime: Runtime, request: Request) -> HttpResult:
    """Fire the template's schedule now (at the runtime's clock), as EventBridge Scheduler
    would with its scheduled time, and drain the queues: the run charges and its emails go
    out. Returns what the run selected and what the drain delivered."""
    if runtime.queues is None:
        return error_result(503, "queues_not_running", "This runtime does not deliver queues.")
    results = []
    for schedule in schedules():
        event = json.loads(schedule.input or "{}")
        stamp = runtime.clock.now().isoformat()
        event = {k: stamp if v == "<aws.scheduler.scheduled-time>" else v for k, v in event.items()}
        with runtime.lock:
            context = LambdaContext(function_name=schedule.function)
            results.append(load_handler(schedule.handler)(event, context))
    drained = runtime.queues.drain()
    log.info("schedule fired; queues drained: %d delivered", drained.delivered)
    return json_result(200, {"runs": results, "queues": drained.as_json()})


DEV_ROUTES: dict[str, dict[str, DevHandler]] = {
    "/_dev/autopay/run": {"POST": _dev_autopay_run},
    "/_dev/demo": {"GET": _dev_demo},
    "/_dev/outbox": {"GET": _dev_outbox},
    "/_dev/events": {"GET": _dev_events},
    "/_dev/clock": {"GET": _dev_clock, "POST": _dev_set_clock},
    "/_dev/queues/drain": {"POST": _dev_drain_queues},
}


def _serve_dev(runtime: Runtime, request: Request, method: str) -> HttpResult:
    methods = DEV_ROUTES.get(request.path)
    if methods is None:
        return error_result(404, "not_found", "No such route.")
    allowed = [*methods, *(["HEAD"] if "GET" in methods else [])]
    if method == "OPTIONS":
        return HttpResult(204, _allow(allowed), b"")
    handler = methods.get(method)
    if handler is None:
        return error_result(405, "method_not_allowed", "Method not allowed.", _allow(allowed))
    try:
        return handler(runtime, request)
    except dev.DevInputError as error:
        return error_result(400, error.code, error.message)


# --- the API -------------------------------------------------------------------------------


def _serve_openapi(runtime: Runtime, method: str) -> HttpResult:
    if method == "OPTIONS":
        return HttpResult(204, _allow(["GET", "HEAD"]), b"")
    if method != "GET":
        return error_result(405, "method_not_allowed", "Method not allowed.", _allow(["GET"]))
    with runtime.lock:  # building it imports the handler modules
        if runtime.openapi_document is None:
            # Imported here: it imports every handler, which the runtime otherwise does lazily.
            from portico_local import openapi

            runtime.openapi_document = json.dumps(openapi.build_document()).encode()
        body = runtime.openapi_document
    return HttpResult(200, {"content-type": "application/json", "cache-control": "no-cache"}, body)


def _serve_api(runtime: Runtime, request: Request, method: str) -> HttpResult:
    if method == "OPTIONS":
        allowed = [
            route.method
            for route in runtime.gateway.routes
            if route.match(route.method, request.path) is not None
        ]
        if not allowed:
            return error_result(404, "not_found", "No such route.")
        if "GET" in allowed:
            allowed.append("HEAD")
        return HttpResult(204, _allow(allowed), b"")
    with runtime.lock:
        result = runtime.gateway.request(
            method,
            request.path,
            body=request.body or None,
            headers=request.headers,
            query=request.query,
            source_ip=request.source_ip,
        )
    headers = {"cache-control": "no-store", **result.headers}
    return HttpResult(result.status, headers, result.body, result.cookies)


# --- web/ ----------------------------------------------------------------------------------


# Where the pages find Stripe (web/assets/stripe.json names Stripe.js); the runtime
# answers with its fake Stripe's browser pages instead, so no page changes between the two.
STRIPE_CONFIG_PATH = "/assets/stripe.json"


def stripe_config(stripe: dev.StripeInfo) -> dict[str, str]:
    """`/assets/stripe.json` in the local runtime: the fake's card form and 3-D Secure page."""
    return {
        "card_form": f"{stripe.api_base}/_fake/card-form",
        "authenticate": f"{stripe.api_base}/_fake/authenticate",
    }


def _serve_static(runtime: Runtime, request: Request, method: str) -> HttpResult:
    if request.path == STRIPE_CONFIG_PATH and method == "GET" and runtime.stripe is not None:
        return json_result(200, stripe_config(runtime.stripe))
    try:
        found = static.find(request.path, runtime.web_root)
    except static.BadPath:
        return error_result(400, "bad_path", "This path is not allowed.")
    if found is None:
        return error_result(404, "not_found", "No such page or route.")
    if method == "OPTIONS":
        return HttpResult(204, _allow(["GET", "HEAD"]), b"")
    if method != "GET":
        return error_result(
            405, "method_not_allowed", "Method not allowed.", _allow(["GET", "HEAD"])
        )
    headers = {
        "content-type": found.content_type,
        "cache-control": "no-cache",
        **runtime.page_headers,
    }
    return HttpResult(200, headers, found.read())


# --- dispatch ------------------------------------------------------------------------------


def dispatch(runtime: Runtime, request: Request) -> HttpResult:
    """Serve one request. HEAD is served as GET (the body is dropped when written); an
    unexpected error is logged and answered with a 500 and the error body, nothing more."""
    method = "GET" if request.method == "HEAD" else request.method
    path = request.path
    try:
        if path == "/_dev" or path.startswith("/_dev/"):
            return _serve_dev(runtime, request, method)
        if path == OPENAPI_PATH:
            return _serve_openapi(runtime, method)
        if path == "/v1" or path.startswith("/v1/"):
            return _serve_api(runtime, request, method)
        return _serve_static(runtime, request, method)
    except Exception:
        log.exception("unhandled error serving %s %s", request.method, path)
        return error_result(500, "internal_error", "Something went wrong on our side.")


# --- HTTP/1.1 ------------------------------------------------------------------------------


def _headers(handler: BaseHTTPRequestHandler) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in handler.headers.items():
        key = name.lower()
        if key in headers:
            # Cookies are joined with "; ", everything else with "," (RFC 9110 5.3).
            headers[key] += ("; " if key == "cookie" else ",") + value
        else:
            headers[key] = value
    return headers


def _split_target(target: str) -> tuple[str, str]:
    """(path, query) of a request target, origin-form or absolute-form."""
    if target.startswith("/"):
        # Not urlsplit: it would read "//host/x" as a network location.
        path, _, query = target.partition("?")
    else:
        parts = urlsplit(target)
        path, query = parts.path or "/", parts.query
    return path.partition("#")[0], query


class RequestHandler(BaseHTTPRequestHandler):
    """Reads a request, hands it to `dispatch()`, writes the response."""

    server: LocalServer
    protocol_version = "HTTP/1.1"  # keep-alive, so every response carries Content-Length
    server_version = "PorticoLocal"
    sys_version = ""
    timeout = 60  # a silent client does not hold a thread forever

    def _serve(self) -> None:
        started = time.perf_counter()
        path, query = _split_target(self.path)
        result = self._read_and_dispatch(path, query)
        try:
            self._write(result)
        except (BrokenPipeError, ConnectionResetError):
            log.debug("client went away before the response to %s %s", self.command, path)
        elapsed = (time.perf_counter() - started) * 1000
        log.info("%s %s %d %.1fms", self.command, path, result.status, elapsed)

    def _check_length(self) -> HttpResult | None:
        """The error response if the body cannot be read, else None (and then it can)."""
        if self.headers.get("transfer-encoding", "identity").lower() != "identity":
            self.close_connection = True  # the body was not read
            return error_result(411, "length_required", "Send the body with a Content-Length.")
        try:
            length = int(self.headers.get("content-length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = True
            return error_result(400, "bad_request", "The Content-Length header is not valid.")
        if length > MAX_BODY_BYTES:
            self.close_connection = True  # the body was not read
            return error_result(
                413,
                "payload_too_large",
                f"The request body is over {MAX_BODY_BYTES // 1024 // 1024} MiB.",
            )
        return None

    def _read_and_dispatch(self, path: str, query: str) -> HttpResult:
        refused = self._check_length()
        if refused is not None:
            if refused.status == 413:
                self._drain(int(self.headers["content-length"]))
            return refused
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        request = Request(
            method=self.command,
            path=path,
            query=query,
            headers=_headers(self),
            body=body,
            source_ip=str(self.client_address[0]),
        )
        return dispatch(self.server.runtime, request)

    def _drain(self, length: int) -> None:
        if length > _DRAIN_LIMIT:
            return
        while length > 0:
            chunk = self.rfile.read(min(length, 64 * 1024))
            if not chunk:
                return
            length -= len(chunk)

    def _write(self, result: HttpResult) -> None:
        has_body = self.command != "HEAD" and result.status not in (204, 304)
        self.send_response(result.status)
        headers = {"x-content-type-options": "nosniff", **result.headers}
        for name, value in headers.items():
            if name not in ("content-length", "connection", "set-cookie"):
                self.send_header(name, value)
        for cookie in result.cookies:
            self.send_header("set-cookie", cookie)
        if result.status != 204:
            self.send_header("content-length", str(len(result.body)))
        if self.close_connection:
            self.send_header("connection", "close")
        self.end_headers()
        if has_body:
            self.wfile.write(result.body)

    def version_string(self) -> str:
        return self.server_version

    def handle_expect_100(self) -> bool:
        """Refuse an oversized body before the client sends it, instead of `100 Continue`."""
        result = self._check_length()
        if result is not None:
            self._write(result)
            path = _split_target(self.path)[0]
            log.info("%s %s %d (before the body)", self.command, path, result.status)
            return False
        return super().handle_expect_100()

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _serve

    def __getattr__(self, name: str) -> Any:
        # Any other method (TRACE, QUERY...) too: http.server would answer it 501 itself;
        # API Gateway answers a method no route has 404, and so does `_serve`.
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(name)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Silenced: `_serve` logs each request once, with its time and without the query
        string (which may carry a sign-in token)."""

    def log_message(self, format: str, *args: Any) -> None:
        log.warning("%s: %s", self.address_string(), format % args)


class LocalServer(ThreadingHTTPServer):
    """One thread per connection; threads do not keep the process alive on shutdown."""

    daemon_threads = True
    runtime: Runtime


def bind(port: int) -> LocalServer:
    """Listen on 127.0.0.1:`port` (0 for a free one). Serve with `serve_forever()` once
    `runtime` is set. Loopback only: the demo's admin keys are printed in plain sight."""
    return LocalServer(("127.0.0.1", port), RequestHandler)
