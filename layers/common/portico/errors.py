"""Domain exceptions. Services raise these; `portico.http.errors` maps them to HTTP once."""

from __future__ import annotations

from typing import Any


class PorticoError(Exception):
    """Base of every error a user may see. `code` is stable and machine-readable."""

    code = "error"

    def __init__(self, message: str, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details


class BadRequestError(PorticoError):
    """The request is malformed (bad cursor, unparsable body, bad query parameter)."""

    code = "bad_request"


class ValidationFailedError(PorticoError):
    """The request is well-formed but breaks a business rule (lines do not add up...)."""

    code = "validation_error"


class UnauthorizedError(PorticoError):
    """No valid session or API key."""

    code = "unauthorized"


class ForbiddenError(PorticoError):
    """Authenticated, but not allowed to do this."""

    code = "forbidden"


class NotFoundError(PorticoError):
    """Unknown, or not yours: the two are indistinguishable on purpose."""

    code = "not_found"


class ConflictError(PorticoError):
    """The request conflicts with the current state (taken slug, concurrent change...)."""

    code = "conflict"


class PayloadTooLargeError(PorticoError):
    """The request body is larger than the route accepts."""

    code = "payload_too_large"


class ThrottledError(PorticoError):
    """Too many attempts; retry after `retry_after` seconds."""

    code = "too_many_requests"

    def __init__(self, message: str, *, retry_after: int, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after
