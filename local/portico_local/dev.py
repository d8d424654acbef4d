"""The dev-only endpoints of DESIGN 4.6 (`/_dev/...`): never in `template.yaml`, never deployed.

Each function builds a response document from the runtime's parts; the server maps
`DevInputError` to a 400 with the API's error body.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from portico.clock import ManualClock
from portico_local.bus import PublishedEvents
from portico_local.demo import Demo
from portico_local.outbox import Outbox


class DevInputError(ValueError):
    """The request to a dev endpoint is malformed; `code` goes in the error body."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class StripeInfo:
    """Where the runtime's fake Stripe is, and the key a browser gives Stripe.js."""

    api_base: str
    publishable_key: str


@dataclass(frozen=True)
class AwsInfo:
    """Where the runtime's moto is, for tests and tools that talk to it directly."""

    endpoint_url: str
    region: str
    table_name: str


def demo_document(demo: Demo, aws: AwsInfo, stripe: StripeInfo | None) -> dict[str, Any]:
    """`GET /_dev/demo`: the DESIGN 4.6 shape, plus where the local AWS is under `aws`."""
    return {
        **demo.as_json(),
        "stripe": {
            "api_base": stripe.api_base if stripe else None,
            "publishable_key": stripe.publishable_key if stripe else None,
        },
        "aws": {
            "endpoint_url": aws.endpoint_url,
            "region": aws.region,
            "table_name": aws.table_name,
        },
    }


def outbox_document(outbox: Outbox) -> dict[str, Any]:
    """`GET /_dev/outbox`: every email SES accepted, oldest first."""
    return {"messages": [message.as_json() for message in outbox.messages()]}


def events_document(events: PublishedEvents) -> dict[str, Any]:
    """`GET /_dev/events`: every domain event put on the bus, oldest first, as a rule's
    target receives it (`detail-type`, `source`, `time`, `detail` with the event's `id`)."""
    return {"events": events.collect()}


def clock_document(clock: ManualClock) -> dict[str, Any]:
    """`GET /_dev/clock`: what the handlers' clock reads, and whether it is held fixed."""
    return {"now": clock.now().isoformat(), "fixed": clock.fixed is not None}


def parse_clock_change(body: bytes) -> datetime | None:
    """The time a `POST /_dev/clock` body asks for: `{"now": ISO-8601 with offset}`, or
    `{"now": null}` to follow the system clock again."""
    try:
        payload = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError) as error:
        raise DevInputError("invalid_json", "The request body is not valid JSON.") from error
    if not isinstance(payload, dict) or set(payload) != {"now"}:
        raise DevInputError(
            "bad_request", 'Send {"now": "<ISO-8601 time with offset>"} or {"now": null}.'
        )
    value = payload["now"]
    if value is None:
        return None
    if not isinstance(value, str):
        raise DevInputError("bad_request", "`now` must be an ISO-8601 string or null.")
    try:
        when = datetime.fromisoformat(value)
    except ValueError as error:
        raise DevInputError(
            "bad_request", f"`now` is not an ISO-8601 time: {value[:40]!r}."
        ) from error
    if when.tzinfo is None:
        raise DevInputError(
            "bad_request", "`now` needs a time zone offset (e.g. 2026-05-01T09:00:00-05:00)."
        )
    return when
