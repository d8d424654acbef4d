"""The customer's billing pages. Today: `GET /v1/me`; the billing issue adds the rest."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from portico.bootstrap import services
from portico.http.resolver import create_resolver, customer_only
from portico.http.responses import route_responses
from portico.observability import logger
from portico.services.customer_home import CustomerHome, customer_home

app = create_resolver()
principal = customer_only(app)
svc = services()


@app.get("/v1/me", tags=["customer"], responses=route_responses(401, 403))
def get_me() -> CustomerHome:
    """The signed-in customer and the business they belong to."""
    return customer_home(svc, principal())


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
