"""Response shapes shared by the routes: lists, the error body, created-or-updated."""

from __future__ import annotations

import base64
from typing import Any, TypeVar

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from pydantic import BaseModel, ConfigDict

from portico.data.pagination import Page

T = TypeVar("T", bound=BaseModel)


class ErrorDetail(BaseModel):
    model_config = ConfigDict(defer_build=True)  # built by the first error, not at import

    code: str
    message: str
    details: Any = None


class ErrorBody(BaseModel):
    model_config = ConfigDict(defer_build=True)

    error: ErrorDetail


class ItemList[T: BaseModel](BaseModel):
    """A page of a list: `{"items": [...], "next_cursor": ...}`."""

    # Each `ItemList[X]` in a route's signature is built on the route's first use, with X.
    model_config = ConfigDict(defer_build=True)

    items: list[T]
    next_cursor: str | None = None

    @classmethod
    def of(cls, page: Page[Any]) -> ItemList[T]:
        return cls(items=page.items, next_cursor=page.next_cursor)


_DESCRIPTIONS = {
    200: "OK",
    201: "Created",
    202: "Accepted",
    204: "No content",
    400: "Bad input (malformed body, cursor or parameter)",
    401: "Not signed in, or no valid API key",
    402: "The payment was declined (nothing was charged or changed)",
    403: "Not allowed",
    404: "Not found, or not yours",
    409: "Conflicts with the current state",
    413: "Request body too large",
    422: "Validation failed",
    429: "Too many attempts",
    503: "The payment service did not answer; retry with the same Idempotency-Key",
}


def route_responses(
    *errors: int,
    success: tuple[int, ...] = (200,),
    media_types: tuple[str, ...] = (),
    json_model: type[BaseModel] | None = None,
) -> dict[int, OpenAPIResponse]:
    """OpenAPI entries for a route: its success statuses (Powertools fills in their schema
    from the return type, but only when they are listed) and the error statuses it may
    answer, with the error body. With `media_types`, the success body is a document (PDF,
    CSV) of one of those types; `json_model` is the schema of its `application/json` one."""
    documented = {status: OpenAPIResponse(description=_DESCRIPTIONS[status]) for status in success}
    if media_types:  # documents (PDF, CSV) rather than the JSON of the return type
        binary = {"type": "string", "format": "binary"}
        for status in success:
            documented[status]["content"] = {
                kind: {"model": json_model}
                if kind == "application/json" and json_model
                else {"schema": binary}
                for kind in media_types
            }
    if 204 in documented:  # no body, whatever the function's return type says
        documented[204]["content"] = {}
    # Every route may answer 400 (a body that is not UTF-8) and 413 (one over the limit):
    # the resolver refuses both before any route runs. Every validated route may answer
    # 422; listing it keeps Powertools' own schema out.
    for status in sorted({*errors, 400, 413, 422}):
        documented[status] = OpenAPIResponse(
            description=_DESCRIPTIONS[status],
            content={"application/json": {"model": ErrorBody}},
        )
    return documented


def download(body: bytes | str, media_type: str, headers: dict[str, str]) -> Response[Any]:
    """A non-JSON body (PDF, CSV, image). Bytes are base64-encoded here, as API Gateway
    expects binary bodies: Powertools' response validation would otherwise serialize them
    as text and fail on anything that is not UTF-8."""
    response: Response[Any] = Response(
        status_code=200,
        content_type=media_type,
        body=base64.b64encode(body).decode() if isinstance(body, bytes) else body,
        headers=headers,
    )
    response.base64_encoded = isinstance(body, bytes)
    return response


def saved[T: BaseModel](model: T, created: bool) -> Response[T]:
    """201 for a record this request created, 200 for one it updated or left as it was."""
    return Response(
        status_code=201 if created else 200,
        content_type=content_types.APPLICATION_JSON,
        body=model,
    )
