"""Keeping AutoPay's Stripe calls under a rate (DESIGN 4.4).

Every worker instance asks the same counter before each Stripe call: one counter per second
(a DynamoDB item, `ADD` conditional on staying under the limit), so however many workers run,
no second sees more calls than the limit. A worker refused in this second waits for the next.
The clock and the sleep are injected, so a simulation on a virtual clock can measure it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from portico.payments.gateway import (
    Charge,
    MethodType,
    PaymentGateway,
    Refund,
    SavedMethod,
    SetupIntent,
    WebhookEvent,
)


class WindowCounter(Protocol):
    def take(self, second: int, limit: int) -> bool:
        """Count one call in `second` if fewer than `limit` were counted; False if not."""
        ...


class InMemoryWindowCounter:
    """One process's counter (tests, simulations)."""

    def __init__(self) -> None:
        self.counts: dict[int, int] = {}

    def take(self, second: int, limit: int) -> bool:
        if self.counts.get(second, 0) >= limit:
            return False
        self.counts[second] = self.counts.get(second, 0) + 1
        return True


class RateLimiter:
    """At most `per_second` calls in any clock second, across everyone sharing `counter`."""

    def __init__(
        self,
        per_second: int,
        counter: WindowCounter,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if per_second < 1:
            raise ValueError("the rate must be at least one call a second")
        self._limit = per_second
        self._counter = counter
        self._clock = clock
        self._sleep = sleep

    def acquire(self) -> None:
        """Wait until a call may be made, and count it."""
        while True:
            now = self._clock()
            second = int(now)
            if self._counter.take(second, self._limit):
                return
            self._sleep(max(second + 1 - now, 0.001))


class RateLimitedGateway:
    """A `PaymentGateway` whose calls to Stripe each wait for the limiter first."""

    def __init__(self, gateway: PaymentGateway, limiter: RateLimiter) -> None:
        self._gateway = gateway
        self._limiter = limiter

    def create_account(self, business_name: str, *, idempotency_key: str | None = None) -> str:
        self._limiter.acquire()
        return self._gateway.create_account(business_name, idempotency_key=idempotency_key)

    def ensure_customer(
        self, account: str | None, portico_customer_ref: str, email: str, name: str
    ) -> str:
        self._limiter.acquire()
        return self._gateway.ensure_customer(account, portico_customer_ref, email, name)

    def create_setup_intent(
        self,
        account: str | None,
        stripe_customer: str,
        method_type: MethodType,
        idempotency_key: str,
    ) -> SetupIntent:
        self._limiter.acquire()
        return self._gateway.create_setup_intent(
            account, stripe_customer, method_type, idempotency_key
        )

    def get_setup_intent(self, account: str | None, setup_intent_id: str) -> SetupIntent:
        self._limiter.acquire()
        return self._gateway.get_setup_intent(account, setup_intent_id)

    def get_payment_method(self, account: str | None, payment_method_id: str) -> SavedMethod:
        self._limiter.acquire()
        return self._gateway.get_payment_method(account, payment_method_id)

    def detach_payment_method(self, account: str | None, payment_method_id: str) -> None:
        self._limiter.acquire()
        self._gateway.detach_payment_method(account, payment_method_id)

    def charge(
        self,
        account: str | None,
        stripe_customer: str,
        payment_method: str,
        amount: int,
        currency: str,
        *,
        off_session: bool,
        idempotency_key: str,
        metadata: Mapping[str, str],
    ) -> Charge:
        self._limiter.acquire()
        return self._gateway.charge(
            account,
            stripe_customer,
            payment_method,
            amount,
            currency,
            off_session=off_session,
            idempotency_key=idempotency_key,
            metadata=metadata,
        )

    def find_charge(
        self,
        account: str | None,
        metadata_key: str,
        value: str,
        *,
        stripe_customer: str | None = None,
    ) -> Charge | None:
        self._limiter.acquire()
        return self._gateway.find_charge(
            account, metadata_key, value, stripe_customer=stripe_customer
        )

    def refund(
        self, account: str | None, payment_intent_id: str, amount: int | None, idempotency_key: str
    ) -> Refund:
        self._limiter.acquire()
        return self._gateway.refund(account, payment_intent_id, amount, idempotency_key)

    def parse_webhook(self, payload: bytes, signature_header: str) -> WebhookEvent:
        return self._gateway.parse_webhook(payload, signature_header)  # no call to Stripe


def dynamodb_counter() -> Any:
    """The shared counter in the one table (built on first use, like the repositories)."""
    from portico.data.rates import DynamoWindowCounter

    return DynamoWindowCounter("stripe")
