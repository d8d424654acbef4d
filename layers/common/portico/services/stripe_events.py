"""Stripe's webhooks (DESIGN 4.3): what Stripe tells Portico about payments after the fact.

Each event is verified (signature, 300 s tolerance), then processed once: an event id seen
before is acknowledged and skipped. Processing is idempotent anyway (every change is
conditional on the state it moves from), so two deliveries racing each other, or an event
racing the request that made the payment, change things once.

Events never move a payment backwards: a succeeded payment stays succeeded whatever arrives
after it (a refund is a new entry, not a step back). An event for an account, customer or
payment Portico does not know is acknowledged and logged, never failed: Stripe would retry
it for days and it would never succeed.
"""

from __future__ import annotations

import contextlib
import hashlib
from typing import Any, Literal

from portico.bootstrap import Services
from portico.data.transactions import ConditionsFailed
from portico.domain.billing import (
    OPEN_PAYMENT_STATUSES,
    Payment,
    PaymentApplication,
    PaymentKind,
    PaymentStatus,
)
from portico.domain.common import DomainModel
from portico.domain.wallet import WalletOwner
from portico.observability import logger
from portico.payments import Charge, PaymentDeclined, WebhookEvent
from portico.services import autopay, payments, wallet

Outcome = Literal["processed", "duplicate", "ignored", "unknown"]


class WebhookOutcome(DomainModel):
    """What Portico did with an event (Stripe only reads the status code)."""

    received: bool = True
    outcome: Outcome


def handle(svc: Services, payload: bytes, signature: str) -> WebhookOutcome:
    """Verify and process one webhook. Raises `InvalidWebhook` (400) for a bad signature, an
    old timestamp or a body that is not an event."""
    event = svc.payments.parse_webhook(payload, signature)
    records = svc.payment_records
    if records.event_processed(event.id):
        return WebhookOutcome(outcome="duplicate")
    outcome = _dispatch(svc, event)
    records.record_event(event.id, event.type, svc.clock.now())
    logger.info(
        "stripe event", extra={"event_id": event.id, "type": event.type, "outcome": outcome}
    )
    return WebhookOutcome(outcome=outcome)


def _dispatch(svc: Services, event: WebhookEvent) -> Outcome:
    match event.type:
        case (
            "payment_intent.succeeded"
            | "payment_intent.processing"
            | "payment_intent.payment_failed"
        ):
            return _payment_intent(svc, event)
        case "charge.refunded":
            return _refunded(svc, event)
        case "payment_method.detached" | "payment_method.updated":
            return _payment_method(svc, event)
    return "ignored"


def _payment_of(
    svc: Services, event: WebhookEvent, metadata: dict[str, Any]
) -> tuple[WalletOwner, Payment] | None:
    """The payment an event's object names in its metadata, if it is really that business's
    (the event's account must be the business's connected account)."""
    business_id = metadata.get("portico_business")
    customer_id = metadata.get("portico_customer")
    payment_id = metadata.get("portico_payment")
    if not (
        isinstance(business_id, str)
        and isinstance(customer_id, str)
        and isinstance(payment_id, str)
    ):
        return None
    owner = svc.wallets.owner(business_id, customer_id)
    if owner is None or owner.stripe_account != event.account:
        return None
    payment = svc.payment_records.get(business_id, customer_id, payment_id)
    if payment is None:
        return None
    return owner, payment


def _unknown(event: WebhookEvent, what: str) -> Outcome:
    logger.warning(
        "stripe event for something Portico does not know",
        extra={"event_id": event.id, "type": event.type, "account": event.account, "what": what},
    )
    return "unknown"


def _payment_intent(svc: Services, event: WebhookEvent) -> Outcome:
    intent = event.object
    found = _payment_of(svc, event, intent.get("metadata") or {})
    if found is None:
        return _unknown(event, "payment")
    owner, payment = found
    status = event.type.removeprefix("payment_intent.")
    late_success = status == "succeeded" and payment.status is PaymentStatus.FAILED
    if payment.status not in OPEN_PAYMENT_STATUSES and not late_success:
        return "ignored"  # decided already; never backwards
    error = intent.get("last_payment_error") or {}
    charge = Charge(
        payment_intent_id=str(intent.get("id")),
        status="failed" if status == "payment_failed" else status,
        amount=int(intent.get("amount") or payment.amount),
        currency=str(intent.get("currency") or payment.currency),
        decline_code=error.get("decline_code") or error.get("code"),
    )
    # A failure is recorded (and the customer told where they were not there to see it).
    with contextlib.suppress(PaymentDeclined):
        payments.record_charge(svc, owner, payment, charge)
    return "processed"


def _refunded(svc: Services, event: WebhookEvent) -> Outcome:
    """Money given back: a refund entry for what was refunded since Portico last counted,
    taken off the payment's invoices (the last paid first), then off the credit it added."""
    charge = event.object
    found = _payment_of(svc, event, charge.get("metadata") or {})
    if found is None:
        return _unknown(event, "payment")
    owner, payment = found
    refunded_total = int(charge.get("amount_refunded") or 0)
    delta = refunded_total - payment.amount_refunded
    if payment.status is not PaymentStatus.SUCCEEDED or delta <= 0:
        return "ignored"  # counted already, or an older event arriving late
    invoices = svc.payment_records.invoices(
        owner.business_id, owner.customer_id, [a.invoice_id for a in payment.applied_to]
    )
    left, reopened = delta, []
    for application in reversed(payment.applied_to):
        invoice = invoices.get(application.invoice_id)
        if invoice is None or left == 0:
            continue
        share = min(left, application.amount, invoice.amount_paid)
        if share:
            reopened.append((invoice, share))
            left -= share
    credit_taken = min(left, payment.credit_added, owner.credit_balance)
    now = svc.clock.now()
    digest = hashlib.sha256(f"{payment.payment_id}\n{refunded_total}".encode()).hexdigest()
    entry = Payment(
        payment_id=f"ref_{digest[:24]}",
        customer_id=owner.customer_id,
        kind=PaymentKind.REFUND,
        amount=delta,
        currency=payment.currency,
        status=PaymentStatus.REFUNDED,
        method_summary=payment.method_summary,
        payment_method_id=payment.payment_method_id,
        payment_intent_id=payment.payment_intent_id,
        applied_to=[
            PaymentApplication(
                invoice_id=invoice.invoice_id, invoice_number=invoice.number, amount=share
            )
            for invoice, share in reopened
        ],
        refund_of=payment.payment_id,
        created_at=now,
        updated_at=now,
    )
    # A refunded deposit is no longer paid: its estimate shows it due again.
    deposit_of = (
        svc.customer_estimates.get(
            owner.business_id, owner.customer_id, payment.estimate_id, consistent=True
        )
        if payment.estimate_id
        else None
    )
    with contextlib.suppress(ConditionsFailed):  # recorded by a concurrent delivery
        svc.payment_records.refund(
            owner.business_id,
            payment,
            entry,
            reopened,
            credit_taken,
            payments.ledger_day(owner, now),
            now,
            estimate=deposit_of,
        )
    return "processed"


def _payment_method(svc: Services, event: WebhookEvent) -> Outcome:
    """A saved method detached at Stripe (removed from the wallet too) or updated by the
    card network (new expiry: the wallet shows it)."""
    method_id = str(event.object.get("id") or "")
    owner_ids = svc.payment_records.owner_of(event.account, method_id)
    if owner_ids is None:
        return _unknown(event, "payment method")
    owner = svc.wallets.owner(*owner_ids)
    if owner is None or owner.stripe_account != event.account:
        return _unknown(event, "customer")
    if owner.method(method_id) is None:
        return "ignored"  # removed from the wallet already
    if event.type == "payment_method.detached":
        if owner.autopay_enabled and owner.autopay_method_id == method_id:
            autopay.stop_for_removed_method(svc, owner, "payment method removed at Stripe")
            owner = svc.wallets.owner(owner.business_id, owner.customer_id) or owner
        wallet.forget_method(svc, owner, method_id)
    else:
        card = event.object.get("card") or {}
        wallet.refresh_method(svc, owner, method_id, card.get("exp_month"), card.get("exp_year"))
    return "processed"
