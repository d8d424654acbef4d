"""Stripe's error responses: `{"error": {"type", "code", "decline_code", "message", ...}}`."""

from __future__ import annotations

from typing import Any


class StripeError(Exception):
    """An error the fake answers with, in Stripe's shape and with Stripe's status code."""

    def __init__(
        self,
        status: int,
        type: str,
        message: str,
        *,
        code: str | None = None,
        param: str | None = None,
        decline_code: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body: dict[str, Any] = {"type": type, "message": message}
        if code is not None:
            self.body["code"] = code
            self.body["doc_url"] = f"https://docs.stripe.com/error-codes/{code.replace('_', '-')}"
        if param is not None:
            self.body["param"] = param
        if decline_code is not None:
            self.body["decline_code"] = decline_code
        self.body.update(extra or {})

    def document(self) -> dict[str, Any]:
        """The response body."""
        return {"error": self.body}


def invalid(message: str, *, param: str | None = None, code: str | None = None) -> StripeError:
    """A 400 `invalid_request_error` (bad or missing parameter)."""
    return StripeError(400, "invalid_request_error", message, param=param, code=code)


def missing(kind: str, object_id: str, param: str = "id") -> StripeError:
    """A 404 `resource_missing`, as for an id of another account."""
    return StripeError(
        404,
        "invalid_request_error",
        f"No such {kind}: '{object_id}'",
        code="resource_missing",
        param=param,
    )
