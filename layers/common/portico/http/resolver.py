"""The resolver every function uses: validation on, the error mapping, a body-size limit."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.utilities.typing import LambdaContext

from portico.errors import PayloadTooLargeError
from portico.http.errors import error_response, register_error_handlers
from portico.http.principal import Principal, require_business

MAX_BODY_BYTES = 256 * 1024


class PorticoResolver(APIGatewayHttpResolver):
    """Refuses oversized bodies before anything parses them (Powertools' validation
    middleware runs ahead of any middleware added with `use()`)."""

    def resolve(self, event: Mapping[str, Any], context: LambdaContext) -> dict[str, Any]:
        body = event.get("body") or ""
        if len(body) > MAX_BODY_BYTES:
            message = f"The request body is over {MAX_BODY_BYTES // 1024} KiB."
            refused = error_response(413, PayloadTooLargeError.code, message)
            return {
                "statusCode": refused.status_code,
                "headers": {"Content-Type": "application/json"},
                "body": refused.body,
                "isBase64Encoded": False,
            }
        return super().resolve(event, context)


def create_resolver() -> APIGatewayHttpResolver:
    """A resolver with request validation, the error body of DESIGN 4.7 and a body limit."""
    app = PorticoResolver(enable_validation=True)
    register_error_handlers(app)
    return app


def business_only(app: APIGatewayHttpResolver) -> Callable[[], Principal]:
    """Make every route of `app` require a business principal; returns its getter."""

    def _require(app: APIGatewayHttpResolver, next_middleware: NextMiddleware) -> Response[object]:
        app.append_context(principal=require_business(app.current_event.raw_event))
        return next_middleware(app)

    app.use(middlewares=[_require])

    def current() -> Principal:
        principal: Principal = app.context["principal"]
        return principal

    return current
