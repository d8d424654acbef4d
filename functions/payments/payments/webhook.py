"""Stripe's webhooks (DESIGN 4.3): `POST /v1/webhooks/stripe`.

Public, with no session: Stripe's signature (the endpoint secret, 300 s tolerance) is the
authentication, checked before anything is read. Each event is processed once; an event
for an account or object Portico does not know is acknowledged and logged, so Stripe stops
retrying it.
"""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Header
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from portico.bootstrap import services
from portico.http.resolver import create_resolver
from portico.http.responses import route_responses
from portico.observability import logger
from portico.services import stripe_events

# Stripe's body is read as sent: its signature is checked before anything parses it.
app = create_resolver(raw_body=True)
svc = services()

# Optional here so that a missing signature is the same 400 as a wrong one.
StripeSignature = Annotated[str | None, Header(alias="stripe-signature", max_length=4096)]


@app.post("/v1/webhooks/stripe", tags=["stripe"], responses=route_responses(400))
def stripe_webhook(stripe_signature: StripeSignature = None) -> stripe_events.WebhookOutcome:
    """An event from Stripe about a business's payments or payment methods."""
    payload = app.current_event.decoded_body or ""
    return stripe_events.handle(svc, payload.encode(), stripe_signature or "")


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
