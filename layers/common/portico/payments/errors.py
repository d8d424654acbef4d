"""Payment errors. The Stripe adapter and the fake raise these and nothing of Stripe's, so
services and the HTTP edge never need to know which gateway answered."""

from __future__ import annotations

from portico.errors import PorticoError


class PaymentError(PorticoError):
    """Base of the payment errors a customer or a business may see."""

    code = "payment_error"


class PaymentDeclined(PaymentError):
    """The bank or Stripe refused the payment or the payment method.

    `message` is safe to show the customer (see `portico.payments.declines`); `decline_code`
    is Stripe's code, for the business and for the retry policy (`retryable`)."""

    code = "payment_declined"

    def __init__(
        self,
        decline_code: str,
        message_for_customer: str,
        *,
        retryable: bool = False,
        payment_intent_id: str | None = None,
    ) -> None:
        super().__init__(message_for_customer, details={"decline_code": decline_code})
        self.decline_code = decline_code
        self.message_for_customer = message_for_customer
        self.retryable = retryable
        self.payment_intent_id = payment_intent_id


class AuthenticationRequired(PaymentError):
    """The bank wants the customer to confirm the payment (3-D Secure). An off-session charge
    cannot do that: the customer finishes it in the portal with `client_secret`."""

    code = "authentication_required"

    def __init__(self, payment_intent_id: str, client_secret: str | None) -> None:
        super().__init__(
            "Your bank needs you to confirm this payment. Open the portal to finish paying."
        )
        self.payment_intent_id = payment_intent_id
        self.client_secret = client_secret


class GatewayUnavailable(PaymentError):
    """Stripe did not answer in time, failed (5xx) or throttled us (429), after the retries.

    The outcome of a money-moving call is then unknown: retry later with the same idempotency
    key, or look the charge up with `find_charge`, never with a new key."""

    code = "payment_gateway_unavailable"

    def __init__(
        self, message: str = "The payment service is unavailable. Try again shortly."
    ) -> None:
        super().__init__(message)


class InvalidWebhook(PaymentError):
    """A webhook whose signature is missing, wrong or older than the tolerance, or whose body
    is not an event."""

    code = "invalid_webhook"


class PaymentGatewayError(RuntimeError):
    """Stripe refused a request for a reason that is Portico's to fix (bad key, missing
    permission, invalid parameters, an idempotency key reused with other parameters).

    Deliberately not a `PorticoError`: the edge answers 500 and logs it, since no user action
    can fix it."""
