"""The customer's estimates (issue 7): list and detail, accept with a typed signature,
decline with a reason, ask for changes, pay the deposit.

Every route needs a customer session and the Estimates tab; the ids come from the session,
never from the request. The deposit goes through the payments code (Stripe is loaded on
first use, so reading estimates never pays for it).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from portico.bootstrap import services
from portico.domain.service import (
    AcceptEstimate,
    DeclineEstimate,
    PortalEstimate,
    RequestEstimateChange,
)
from portico.http.params import Cursor, IdempotencyKey, Limit, RecordId
from portico.http.resolver import create_resolver, customer_only
from portico.http.responses import ItemList, route_responses, saved
from portico.observability import logger
from portico.services import estimates, payments

app = create_resolver()
principal = customer_only(app)
svc = services()

READ = route_responses(400, 401, 403, 404)
DECIDE = route_responses(400, 401, 403, 404, 409)
PAY = route_responses(400, 401, 402, 403, 404, 409, 503)


def _client_ip() -> str:
    return app.current_event.request_context.http.source_ip or "unknown"


@app.get("/v1/me/estimates", tags=["customer"], responses=READ)
def list_estimates(limit: Limit = 20, cursor: Cursor = None) -> ItemList[PortalEstimate]:
    """The estimates the business sent, newest first; accepted, declined and expired ones
    stay listed, drafts and cancelled ones never are."""
    return ItemList[PortalEstimate].of(estimates.list_estimates(svc, principal(), limit, cursor))


@app.get("/v1/me/estimates/<estimate_id>", tags=["customer"], responses=READ)
def get_estimate(estimate_id: RecordId) -> PortalEstimate:
    """One estimate: lines, tax, total, deposit, status, the decision, change requests."""
    return estimates.get_estimate(svc, principal(), estimate_id)


@app.post("/v1/me/estimates/<estimate_id>/accept", tags=["customer"], responses=DECIDE)
def accept_estimate(estimate_id: RecordId, request: AcceptEstimate) -> PortalEstimate:
    """Accept with a typed signature (`signature_name`); the name, time and client address
    are kept. 409 when it is expired, closed or decided already; the same accept again
    answers with the estimate as it is."""
    return estimates.accept(svc, principal(), estimate_id, request, _client_ip())


@app.post("/v1/me/estimates/<estimate_id>/decline", tags=["customer"], responses=DECIDE)
def decline_estimate(estimate_id: RecordId, request: DeclineEstimate) -> PortalEstimate:
    """Decline with a reason. 409 when it is expired, closed or decided already."""
    return estimates.decline(svc, principal(), estimate_id, request, _client_ip())


@app.post(
    "/v1/me/estimates/<estimate_id>/change-request",
    tags=["customer"],
    responses=route_responses(400, 401, 403, 404, 409, success=(201,)),
)
def request_estimate_change(
    estimate_id: RecordId, request: RequestEstimateChange
) -> Response[PortalEstimate]:
    """Ask for changes (1 to 2,000 characters): kept on the estimate and emailed to the
    business's office."""
    return saved(estimates.request_change(svc, principal(), estimate_id, request), True)


@app.post("/v1/me/estimates/<estimate_id>/deposit", tags=["customer"], responses=PAY)
def pay_estimate_deposit(
    estimate_id: RecordId, request: payments.DepositRequest, idempotency_key: IdempotencyKey
) -> payments.PaymentResult:
    """Pay the deposit of an accepted estimate with a saved method; the amount comes from
    the estimate and becomes account credit for the job's invoice. 402 when the bank
    declines; `requires_action` when it wants the customer to confirm (`next_action`);
    503 when Stripe did not answer (retry with the same key)."""
    return payments.pay_deposit(svc, principal(), estimate_id, request, idempotency_key)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # A deposit whose process died may be retried once this invocation could have ended.
    svc.idempotency_config.register_lambda_context(context)
    return app.resolve(event, context)
