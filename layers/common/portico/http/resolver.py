"""The resolver every function uses: validation on, the error mapping, a body-size limit."""

from __future__ import annotations

from collections.abc import Callable

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware

from portico.errors import PayloadTooLargeError
from portico.http.errors import register_error_handlers
from portico.http.principal import Principal, require_business

MAX_BODY_BYTES = 256 * 1024


def _limit_body(app: APIGatewayHttpResolver, next_middleware: NextMiddleware) -> Response[object]:
    body = app.current_event.body or ""
    if len(body) > MAX_BODY_BYTES:
        raise PayloadTooLargeError(f"The request body is over {MAX_BODY_BYTES // 1024} KiB.")
    return next_middleware(app)


def create_resolver() -> APIGatewayHttpResolver:
    """A resolver with request validation, the error body of DESIGN 4.7 and a body limit."""
    app = APIGatewayHttpResolver(enable_validation=True)
    register_error_handlers(app)
    app.use(middlewares=[_limit_body])
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
