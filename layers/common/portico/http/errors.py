"""The one mapping from domain exceptions to status codes and the error body of DESIGN 4.7:
`{"error": {"code": "...", "message": "...", "details": ...}}`."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from portico.errors import (
    BadRequestError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    PayloadTooLargeError,
    PorticoError,
    ThrottledError,
    UnauthorizedError,
    ValidationFailedError,
)
from portico.observability import logger
from portico.payments.errors import (
    AuthenticationRequired,
    GatewayUnavailable,
    InvalidWebhook,
    PaymentDeclined,
)

STATUS_BY_ERROR: dict[type[PorticoError], int] = {
    BadRequestError: 400,
    InvalidWebhook: 400,
    UnauthorizedError: 401,
    PaymentDeclined: 402,
    AuthenticationRequired: 402,
    ForbiddenError: 403,
    NotFoundError: 404,
    ConflictError: 409,
    PayloadTooLargeError: 413,
    ValidationFailedError: 422,
    ThrottledError: 429,
    GatewayUnavailable: 503,
}


def error_response(
    status: int, code: str, message: str, details: Any = None, headers: dict[str, str] | None = None
) -> Response[str]:
    error: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=json.dumps({"error": error}),
        headers=headers or {},
    )


def invalid_request(details: list[dict[str, Any]]) -> Response[str]:
    """The 422 of input that fails validation, each problem located in `details`."""
    return error_response(422, "validation_error", "The request is not valid.", details)


def status_for(error: PorticoError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return 400


def _validation_details(error: RequestValidationError) -> list[dict[str, Any]]:
    # Location and message only: never echo the input back (it may hold secrets).
    return [
        {"location": [str(part) for part in item.get("loc", ())], "message": item.get("msg", "")}
        for item in error.errors()
    ]


def register_error_handlers(app: APIGatewayHttpResolver) -> None:
    """Install the error mapping on a resolver."""

    @app.exception_handler(PorticoError)
    def _domain_error(error: PorticoError) -> Response[str]:
        headers = None
        if isinstance(error, ThrottledError):
            headers = {"Retry-After": str(error.retry_after)}
        elif isinstance(error, GatewayUnavailable):
            headers = {"Retry-After": "5"}
        return error_response(status_for(error), error.code, error.message, error.details, headers)

    @app.exception_handler(RequestValidationError)
    def _invalid_request(error: RequestValidationError) -> Response[str]:
        details = _validation_details(error)
        if any(item.get("type") == "json_invalid" for item in error.errors()):
            return error_response(400, "invalid_json", "The request body is not valid JSON.")
        return invalid_request(details)

    @app.not_found
    def _no_route(_: Exception) -> Response[str]:
        return error_response(404, "not_found", "No such route.")

    @app.exception_handler(Exception)
    def _unexpected(error: Exception) -> Response[str]:
        logger.exception("unhandled error")
        return error_response(500, "internal_error", "Something went wrong on our side.")
