"""The resolver every function uses: validation on, the error mapping, a body-size limit."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.utilities.typing import LambdaContext

from portico.errors import PayloadTooLargeError
from portico.http.errors import error_response, invalid_request, register_error_handlers
from portico.http.principal import Principal, require_business, require_customer

MAX_BODY_BYTES = 256 * 1024


_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def _body_problem(
    event: Mapping[str, Any], limit: int = MAX_BODY_BYTES, raw_body: bool = False
) -> Response[str] | None:
    body = event.get("body") or ""
    if len(body) > limit:
        message = f"The request body is over {limit // 1024} KiB."
        return error_response(413, PayloadTooLargeError.code, message)
    # Every body the API takes is JSON. Powertools would parse a form or multipart body itself
    # (and raise on a malformed one) or raise NotImplementedError on any other type: 500s.
    content_type = str((event.get("headers") or {}).get("content-type", "")).strip().lower()
    method = str(event.get("requestContext", {}).get("http", {}).get("method", "")).upper()
    if method in _BODY_METHODS and content_type and not content_type.startswith("application/json"):
        message = "Send the body as JSON (Content-Type: application/json)."
        return error_response(400, "unsupported_media_type", message)
    text = body
    if event.get("isBase64Encoded") and body:
        try:
            text = base64.b64decode(body, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return error_response(400, "invalid_body", "The request body is not UTF-8 text.")
    if method in _BODY_METHODS and not raw_body and _json_but_not_an_object(text):
        # Every body the API takes is an object. Powertools reads `null` as no body and a list
        # as its first element, so `[{...}]` or `null` would pass where `{...}` belongs.
        return invalid_request([{"location": ["body"], "message": "Send a JSON object."}])
    return None


def _json_but_not_an_object(text: str) -> bool:
    """Valid JSON of another type than an object (invalid JSON is Powertools' 400)."""
    start = text.lstrip()[:1]
    if not start or start == "{":
        return False
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


class PorticoResolver(APIGatewayHttpResolver):
    """Refuses oversized, undecodable and non-JSON bodies before anything parses them: Powertools'
    validation middleware runs ahead of any middleware added with `use()`, and its body
    decoding raises on bytes that are not UTF-8.

    `body_limits` raises the limit for the routes (by route key, "PUT /v1/admin/portal/logo")
    whose bodies are larger by nature; every other route keeps `MAX_BODY_BYTES`. `raw_body`:
    the routes read the body themselves (the Stripe webhook verifies its signature first)."""

    def __init__(
        self,
        *,
        body_limits: Mapping[str, int] | None = None,
        raw_body: bool = False,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self._body_limits = dict(body_limits or {})
        self._raw_body = raw_body

    def resolve(self, event: Mapping[str, Any], context: LambdaContext) -> dict[str, Any]:
        limit = self._body_limits.get(str(event.get("routeKey", "")), MAX_BODY_BYTES)
        refused = _body_problem(event, limit, self._raw_body)
        if refused is None:
            return super().resolve(event, context)
        return {
            "statusCode": refused.status_code,
            "headers": {"Content-Type": "application/json"},
            "body": refused.body,
            "isBase64Encoded": False,
        }


def _known_query_parameters(
    app: APIGatewayHttpResolver, next_middleware: NextMiddleware
) -> Response[object]:
    """Refuse a query parameter the route does not take, as bodies refuse unknown fields: a
    misspelt filter (`?stauts=paid`) would otherwise be ignored and answer every record."""
    known = {field.alias for field in app.context["_route"].dependant.query_params}
    unknown = sorted(set(app.current_event.query_string_parameters or {}) - known)
    if unknown:
        raise RequestValidationError(
            [
                {"type": "extra_forbidden", "loc": ("query", name), "msg": "Unknown parameter."}
                for name in unknown
            ]
        )
    return next_middleware(app)


def create_resolver(
    body_limits: Mapping[str, int] | None = None, raw_body: bool = False
) -> APIGatewayHttpResolver:
    """A resolver with request validation (unknown query parameters refused too), the error
    body of DESIGN 4.7 and a body limit (`MAX_BODY_BYTES`, or the given limit for a route key
    in `body_limits`). Bodies must be JSON objects unless `raw_body` (the routes parse them)."""
    app = PorticoResolver(enable_validation=True, body_limits=body_limits, raw_body=raw_body)
    register_error_handlers(app)
    app.use(middlewares=[_known_query_parameters])
    return app


def _only(
    app: APIGatewayHttpResolver, require: Callable[[dict[str, Any]], Principal]
) -> Callable[[], Principal]:
    def _require(app: APIGatewayHttpResolver, next_middleware: NextMiddleware) -> Response[object]:
        app.append_context(principal=require(app.current_event.raw_event))
        return next_middleware(app)

    app.use(middlewares=[_require])

    def current() -> Principal:
        principal: Principal = app.context["principal"]
        return principal

    return current


def business_only(app: APIGatewayHttpResolver) -> Callable[[], Principal]:
    """Make every route of `app` require a business principal (staff session or API key);
    returns the getter of the current one. Fails closed: no route code runs otherwise."""
    return _only(app, require_business)


def customer_only(app: APIGatewayHttpResolver) -> Callable[[], Principal]:
    """Make every route of `app` require a customer session; returns its getter."""
    return _only(app, require_customer)
