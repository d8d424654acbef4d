"""The customer's wallet: saved cards and US bank accounts (DESIGN 4.3, 4.7).

Every route needs a customer session and the Payments tab; the ids come from the session,
never from the request. Card and bank numbers never reach this function: the browser
confirms the SetupIntent with Stripe, and this function reads the result from Stripe.
"""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ConfigDict, Field

from portico.bootstrap import services
from portico.domain.wallet import MethodType, PaymentMethod
from portico.http.params import IdempotencyKey, LanguageQuery, RecordId
from portico.http.resolver import create_resolver, customer_only
from portico.http.responses import ItemList, route_responses, saved
from portico.observability import logger
from portico.services import autopay, payments, wallet

app = create_resolver()
principal = customer_only(app)
svc = services()

PAY = route_responses(400, 401, 402, 403, 404, 409, 503)
MethodQuery = Annotated[str | None, Query(pattern=r"^pm_[A-Za-z0-9_]{1,100}$")]


class HoldRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    held: bool = Field(strict=True)


def _client_ip() -> str:
    return app.current_event.request_context.http.source_ip or "unknown"


READ = route_responses(401, 403)
WRITE = route_responses(400, 401, 403, 404, 409)


class SetupRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: MethodType


class SaveRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    setup_intent_id: str = Field(min_length=1, max_length=255, pattern=r"^seti_[A-Za-z0-9_]+$")


@app.get("/v1/me/payment-methods", tags=["customer"], responses=READ)
def list_payment_methods() -> ItemList[PaymentMethod]:
    """The saved cards and bank accounts, the default first."""
    return ItemList[PaymentMethod](items=wallet.list_methods(svc, principal()))


@app.post("/v1/me/payment-methods/setup", tags=["customer"], responses=WRITE)
def start_setup(request: SetupRequest) -> wallet.SetupStarted:
    """Start saving a card or US bank account: confirm the returned SetupIntent in the
    browser with Stripe.js (`publishable_key`, `stripe_account`), then save it below."""
    return wallet.start_setup(svc, principal(), request.type)


@app.post(
    "/v1/me/payment-methods",
    tags=["customer"],
    responses=route_responses(400, 401, 403, 404, 409, success=(200, 201)),
)
def save_payment_method(request: SaveRequest) -> Response[PaymentMethod]:
    """Save the method of a confirmed SetupIntent: 201 the first time, 200 with the same
    method when it is saved already; 404 if the SetupIntent is not this customer's, 409 if
    it did not succeed."""
    method, created = wallet.save_method(svc, principal(), request.setup_intent_id)
    return saved(method, created)


@app.delete(
    "/v1/me/payment-methods/<method_id>",
    tags=["customer"],
    responses=route_responses(400, 401, 403, 404, 409, success=(204,)),
)
def delete_payment_method(method_id: RecordId) -> Response[str]:
    """Remove a saved method (it can no longer be charged); if it was the default, the
    oldest remaining one becomes the default."""
    wallet.delete_method(svc, principal(), method_id)
    return Response(status_code=204, body="")


@app.put("/v1/me/payment-methods/<method_id>/default", tags=["customer"], responses=WRITE)
def set_default_payment_method(method_id: RecordId) -> PaymentMethod:
    """Make a saved method the default."""
    return wallet.make_default(svc, principal(), method_id)


@app.post("/v1/me/payments", tags=["customer"], responses=PAY)
def make_payment(
    request: payments.PaymentRequest, idempotency_key: IdempotencyKey
) -> payments.PaymentResult:
    """Pay invoices (`invoice_ids`) or the whole balance (`pay_balance`, oldest invoice
    first) with a saved method; the amount comes from the invoices. 402 when the bank
    declines (nothing changes); `requires_action` when the bank wants the customer to
    confirm (`next_action`); `processing` for a bank debit."""
    return payments.pay(svc, principal(), request, idempotency_key)


@app.post("/v1/me/credits", tags=["customer"], responses=PAY)
def add_credit(
    request: payments.CreditRequest, idempotency_key: IdempotencyKey
) -> payments.PaymentResult:
    """Charge a saved method now and keep the money as account credit for the next
    invoices (only where the business takes credit)."""
    return payments.buy_credit(svc, principal(), request, idempotency_key)


@app.get("/v1/me/autopay", tags=["customer"], responses=route_responses(401, 403, 404))
def get_autopay(
    payment_method_id: MethodQuery = None, lang: LanguageQuery = "en"
) -> autopay.AutoPayView:
    """AutoPay: on or off, its method, the business's rules, and the authorization text
    (for `payment_method_id`, else the AutoPay or default method) to agree to."""
    return autopay.get_autopay(svc, principal(), payment_method_id, lang)


@app.put("/v1/me/autopay", tags=["customer"], responses=WRITE)
def put_autopay(change: autopay.AutoPayChange) -> autopay.AutoPayView:
    """Turn AutoPay on (a saved method and `accept_terms: true`; the consent is logged
    with its text, version, time and client address) or off (403 with the business's
    message where it forbids that)."""
    return autopay.set_autopay(svc, principal(), change, _client_ip())


@app.put("/v1/me/invoices/<invoice_id>/autopay-hold", tags=["customer"], responses=WRITE)
def hold_invoice(invoice_id: RecordId, request: HoldRequest) -> autopay.HoldView:
    """Hold an invoice out of AutoPay (`held: true`) or put it back."""
    return autopay.hold_invoice(svc, principal(), invoice_id, request.held, _client_ip())


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # A request whose process died may be retried once this invocation could have ended.
    svc.idempotency_config.register_lambda_context(context)
    return app.resolve(event, context)
