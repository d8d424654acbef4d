"""An in-process API Gateway HTTP API: request -> payload 2.0 event -> authorizer -> handler.

Used by the local runtime's HTTP server and by the functional tests, so both exercise the
handlers exactly as API Gateway would call them.
"""

from __future__ import annotations

import base64
import importlib
import json
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from portico_local.template import Route, authorizer_handler, routes

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


@dataclass(frozen=True)
class LambdaContext:
    """Enough of Lambda's context object for Powertools."""

    function_name: str = "local"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:000000000000:function:local"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = "/aws/lambda/local"
    log_stream_name: str = "local"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 10_000


@dataclass(frozen=True)
class HttpResult:
    status: int
    headers: dict[str, str]
    body: bytes
    cookies: list[str] = field(default_factory=list)

    def json(self) -> Any:
        return json.loads(self.body)


def load_handler(dotted: str) -> Handler:
    """`auth.handler.lambda_handler` -> the function, imported as Lambda would."""
    module_name, _, function_name = dotted.rpartition(".")
    handler: Handler = getattr(importlib.import_module(module_name), function_name)
    return handler


def _error(status: int, code: str, message: str) -> HttpResult:
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    return HttpResult(status, {"content-type": "application/json"}, body)


class Gateway:
    """Routes requests to handlers the way the template's HTTP API does."""

    def __init__(self, route_table: list[Route] | None = None, authorizer: str | None = None):
        self.routes = route_table if route_table is not None else routes()
        self.authorizer = authorizer or authorizer_handler()

    def find(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        for route in self.routes:
            params = route.match(method, path)
            if params is not None:
                return route, params
        return None

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | str | None = None,
        headers: Mapping[str, str] | None = None,
        query: str = "",
        source_ip: str = "127.0.0.1",
    ) -> HttpResult:
        """Serve one request. `path` may carry a query string after '?'."""
        if "?" in path:
            path, query = path.split("?", 1)
        method = method.upper()
        found = self.find(method, path)
        if found is None:
            return _error(404, "not_found", "No such route.")
        route, params = found
        event = build_event(route, path, params, query, headers or {}, body, source_ip)
        if route.authorized:
            decision = load_handler(self.authorizer)(authorizer_event(event), LambdaContext())
            if not decision.get("isAuthorized"):
                # What API Gateway itself answers when an authorizer denies.
                return HttpResult(
                    403, {"content-type": "application/json"}, b'{"message":"Forbidden"}'
                )
            event["requestContext"]["authorizer"] = {"lambda": decision.get("context") or {}}
        result = load_handler(route.handler)(event, LambdaContext(function_name=route.function))
        return to_http(result)


def build_event(
    route: Route,
    path: str,
    params: dict[str, str],
    query: str,
    headers: Mapping[str, str],
    body: bytes | str | None,
    source_ip: str,
) -> dict[str, Any]:
    """An API Gateway HTTP API payload 2.0 event."""
    lowered: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in headers.items():
        key = name.lower()
        if key == "cookie":
            cookies.extend(part.strip() for part in value.split(";") if part.strip())
            continue
        lowered[key] = f"{lowered[key]},{value}" if key in lowered else value
    query_params: dict[str, str] = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        query_params[name] = f"{query_params[name]},{value}" if name in query_params else value
    raw_body = body.encode() if isinstance(body, str) else body
    is_text = raw_body is None or _is_text(raw_body)
    now = datetime.now(UTC)
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route.route_key,
        "rawPath": path,
        "rawQueryString": query,
        "headers": lowered,
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "local",
            "domainName": lowered.get("host", "127.0.0.1"),
            "domainPrefix": "local",
            "http": {
                "method": route.method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": lowered.get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": route.route_key,
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(time.time() * 1000),
        },
        "isBase64Encoded": not is_text,
    }
    if cookies:
        event["cookies"] = cookies
    if query_params:
        event["queryStringParameters"] = query_params
    if params:
        event["pathParameters"] = params
    if raw_body is not None:
        event["body"] = raw_body.decode() if is_text else base64.b64encode(raw_body).decode()
    return event


def _is_text(raw: bytes) -> bool:
    try:
        raw.decode()
    except UnicodeDecodeError:
        return False
    return True


_ROUTE_ARN = "arn:aws:execute-api:us-east-1:000000000000:local/$default/"


def authorizer_event(event: dict[str, Any]) -> dict[str, Any]:
    """The REQUEST authorizer event (payload 2.0) API Gateway sends for `event`."""
    keys = ("version", "routeKey", "rawPath", "rawQueryString", "cookies", "headers")
    request = {key: event[key] for key in keys if key in event}
    request.update(
        type="REQUEST",
        routeArn=_ROUTE_ARN + event["routeKey"].replace(" ", ""),
        identitySource=[],
        queryStringParameters=event.get("queryStringParameters", {}),
        pathParameters=event.get("pathParameters", {}),
        requestContext=event["requestContext"],
    )
    return request


def to_http(result: dict[str, Any]) -> HttpResult:
    """A handler's payload 2.0 response -> status, headers and body bytes."""
    body = result.get("body") or ""
    raw = base64.b64decode(body) if result.get("isBase64Encoded") else body.encode()
    headers = {name.lower(): str(value) for name, value in (result.get("headers") or {}).items()}
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers[name.lower()] = ", ".join(str(value) for value in values)
    return HttpResult(
        int(result.get("statusCode", 200)), headers, raw, list(result.get("cookies") or [])
    )
