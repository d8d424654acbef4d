"""Public portal routes: what the login page needs. Sessions arrive with the accounts issue."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from portico.bootstrap import services
from portico.domain.business import PublicPortal
from portico.http.resolver import create_resolver
from portico.http.responses import route_responses
from portico.observability import logger
from portico.services import portals

app = create_resolver()
svc = services()

SlugParam = Annotated[str, Path(min_length=1, max_length=64)]


@app.get("/v1/portals/<slug>", tags=["portal"], responses=route_responses(404, 422))
def get_portal(slug: SlugParam) -> PublicPortal:
    """The business name, logo, colour, contact details, tabs and login methods of a portal."""
    return portals.public_portal(svc, slug)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
