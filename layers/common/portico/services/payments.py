"""Paying invoices, the balance or account credit with a saved method (DESIGN 2, 4.3).

A payment goes through three steps, each safe to repeat:
1. `start`: the payment is written as pending and holds its invoices (one transaction), so no
   other payment can take them and the amount is the one computed here, from the invoices,
   never from the client.
2. the charge: one PaymentIntent, with a Stripe idempotency key derived from the payment id,
   which is derived from the business, the customer and the request's `Idempotency-Key`.
3. `settle` / `fail` / `mark`: what Stripe answered, recorded in one transaction.

A crash between 2 and 3 leaves a pending payment. The next try of the same request, or the
next payment that finds the invoices held by it once it is stale, looks the PaymentIntent up
at Stripe by the payment's id and records what happened; only when Stripe has none is it
charged (again with the same key). The Stripe webhook records the same outcomes, so whichever
arrives first wins and the other changes nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal, Self

from pydantic import Field, StrictBool, StringConstraints, model_validator

from portico.bootstrap import Services
from portico.clock import business_date
from portico.data.payments import AutoPayAfterFailure
from portico.data.transactions import ConditionsFailed
from portico.domain.billing import (
    AUTOPAY_PAYMENT_PREFIX,
    OPEN_PAYMENT_STATUSES,
    CrmInvoiceStatus,
    Invoice,
    Payment,
    PaymentApplication,
    PaymentKind,
    PaymentStatus,
)
from portico.domain.business import MINIMUM_CHARGE
from portico.domain.common import Amount, DomainModel, EntityId
from portico.domain.email_jobs import PaymentFailedNoticeRequested, ReceiptRequested
from portico.domain.service import Estimate, PortalEstimateStatus
from portico.domain.wallet import PaymentMethod, WalletOwner
from portico.errors import (
    ConflictError,
    ForbiddenError,
    NotFoundError,
    UnauthorizedError,
    ValidationFailedError,
)
from portico.identity.principal import Principal
from portico.observability import logger
from portico.payments import (
    Charge,
    PaymentDeclined,
    customer_message,
    idempotency_key,
    is_retryable,
)
from portico.payments.errors import AuthenticationRequired
from portico.services.scope import require_tab, session_customer

# A transaction holds at most 100 items: settling writes the payment, the profile, the
# activity entry, and per invoice the invoice and its `invoice.paid` event.
MAX_INVOICES_PER_PAYMENT = 45
# A pending payment older than this lost its process (a Lambda lives 30 s at most); one
# waiting for 3-D Secure gives the customer an hour.
STALE_AFTER = {
    PaymentStatus.PENDING: timedelta(minutes=5),
    PaymentStatus.REQUIRES_ACTION: timedelta(hours=1),
}
_SAVE_ATTEMPTS = 3

IdempotencyKey = Annotated[
    str, StringConstraints(min_length=8, max_length=255, pattern=r"^[\x21-\x7e]+$")
]
PaymentMethodId = Annotated[str, StringConstraints(pattern=r"^pm_[A-Za-z0-9_]{1,100}$")]


class PaymentRequest(DomainModel):
    """`POST /v1/me/payments`: the invoices to pay (or the whole balance) and the method.
    The amount is never sent: it is computed from the invoices."""

    invoice_ids: (
        Annotated[list[EntityId], Field(min_length=1, max_length=MAX_INVOICES_PER_PAYMENT)] | None
    ) = None
    pay_balance: StrictBool = False
    payment_method_id: PaymentMethodId

    @model_validator(mode="after")
    def _one_target(self) -> Self:
        if (self.invoice_ids is None) == (not self.pay_balance):
            raise ValueError("give either invoice_ids or pay_balance: true")
        if self.invoice_ids is not None and len(set(self.invoice_ids)) != len(self.invoice_ids):
            raise ValueError("invoice_ids lists an invoice twice")
        return self


class DepositRequest(DomainModel):
    """`POST /v1/me/estimates/{id}/deposit`: the amount comes from the estimate."""

    payment_method_id: PaymentMethodId


class CreditRequest(DomainModel):
    """`POST /v1/me/credits`: charge a saved method now and keep it as account credit."""

    amount: Annotated[Amount, Field(gt=0)]
    payment_method_id: PaymentMethodId


class NextAction(DomainModel):
    """What the browser needs to finish a payment the bank wants confirmed (3-D Secure):
    Stripe.js `handleNextAction({clientSecret})` with this key and account."""

    type: Literal["confirm_with_stripe"] = "confirm_with_stripe"
    payment_intent_id: str
    client_secret: str
    publishable_key: str
    stripe_account: str | None


class PaymentResult(DomainModel):
    """The outcome of a payment request. `status`: `succeeded`, `processing` (a bank debit,
    settled in a few days), or `requires_action` (confirm it with `next_action`)."""

    payment_id: str
    status: PaymentStatus
    amount: int
    currency: str
    credit_applied: int
    credit_added: int
    applied_to: list[PaymentApplication]
    method_summary: str | None
    estimate_id: str | None = None
    next_action: NextAction | None = None
    message: str


class PaymentInProgressError(ConflictError):
    code = "payment_in_progress"


class NothingToPayError(ConflictError):
    code = "nothing_to_pay"


# --- the routes' services ---------------------------------------------------------------


def pay(svc: Services, principal: Principal, request: PaymentRequest, key: str) -> PaymentResult:
    """Pay invoices or the balance (oldest invoice first) with a saved method, once per
    `key`: the same key returns the same result without a second charge."""
    business_id, customer_id, tabs, _ = session_customer(principal)
    require_tab(tabs, "payments")

    def run() -> PaymentResult:
        owner = _owner(svc, business_id, customer_id)
        return _pay(svc, owner, request, _payment_id(business_id, customer_id, key))

    return _once(svc, business_id, customer_id, key, request, run)


def buy_credit(
    svc: Services, principal: Principal, request: CreditRequest, key: str
) -> PaymentResult:
    """Charge a saved method now and add the amount to the account credit, which pays the
    next invoices (customer-paid and AutoPay); only where the business turned it on."""
    business_id, customer_id, tabs, _ = session_customer(principal)
    require_tab(tabs, "payments")

    def run() -> PaymentResult:
        owner = _owner(svc, business_id, customer_id)
        settings = owner.portal.credits
        if not settings.enabled:
            raise ForbiddenError(
                f"{owner.business_name} does not take account credit.", code="credits_unavailable"
            )
        if not MINIMUM_CHARGE <= request.amount <= settings.max_amount:
            raise ValidationFailedError(
                f"Add between {_money(MINIMUM_CHARGE, owner.currency)} and "
                f"{_money(settings.max_amount, owner.currency)}.",
                code="credit_out_of_range",
            )
        payment_id = _payment_id(business_id, customer_id, key)
        existing = svc.payment_records.get(business_id, customer_id, payment_id)
        if existing is not None:
            return _resume(svc, owner, existing)
        method = _method(owner, request.payment_method_id)
        payment = _to_credit(svc, owner, payment_id, PaymentKind.CREDIT, method, request.amount)
        return _begin(svc, owner, payment, [])

    return _once(svc, business_id, customer_id, key, request, run)


def pay_deposit(
    svc: Services, principal: Principal, estimate_id: str, request: DepositRequest, key: str
) -> PaymentResult:
    """Pay the deposit of an estimate the customer accepted, once per `key`, with a saved
    method. The money is the customer's account credit (the job's invoice uses it first)
    and the estimate counts it as its deposit paid."""
    business_id, customer_id, tabs, _ = session_customer(principal)
    require_tab(tabs, "estimates")

    def run() -> PaymentResult:
        owner = _owner(svc, business_id, customer_id)
        payment_id = _payment_id(business_id, customer_id, key)
        for attempt in range(_SAVE_ATTEMPTS):
            existing = svc.payment_records.get(business_id, customer_id, payment_id)
            if existing is not None:
                return _resume(svc, owner, existing)
            estimate, amount = _deposit_due(
                svc.customer_estimates.get(business_id, customer_id, estimate_id, consistent=True),
                ledger_day(owner, svc.clock.now()),
            )
            method = _method(owner, request.payment_method_id)
            if estimate.deposit_pending:
                if not _release_if_stale(svc, owner, estimate.deposit_pending):
                    raise PaymentInProgressError(
                        "A payment of this deposit is already in progress. "
                        "Check your payments before trying again."
                    )
                continue
            if amount < MINIMUM_CHARGE:
                raise ValidationFailedError(
                    f"Payments under {_money(MINIMUM_CHARGE, owner.currency)} cannot be "
                    "taken online; contact us to settle this amount.",
                    code="amount_too_small",
                )
            payment = _to_credit(
                svc,
                owner,
                payment_id,
                PaymentKind.DEPOSIT,
                method,
                amount,
                estimate_id=estimate.estimate_id,
            )
            try:
                svc.payment_records.start(
                    business_id, payment, [], svc.clock.now(), estimate=estimate
                )
            except ConditionsFailed as error:
                if attempt == _SAVE_ATTEMPTS - 1:
                    raise PaymentInProgressError(
                        "The estimate changed while paying; check it and try again."
                    ) from error
                continue  # the same request racing itself, or the estimate changed: again
            return _charge(svc, owner, payment)
        raise PaymentInProgressError("The estimate changed while paying; check it and try again.")

    return _once(svc, business_id, customer_id, key, request, run)


def _deposit_due(estimate: Estimate | None, today: date) -> tuple[Estimate, int]:
    """The estimate and what is left to pay of its deposit; refuses an estimate the customer
    may not see (404), has not accepted, or whose deposit is paid or absent (409)."""
    if estimate is None or not estimate.visible:
        raise NotFoundError("No such estimate.", code="estimate_not_found")
    if estimate.portal_status(today) is not PortalEstimateStatus.ACCEPTED:
        raise ConflictError(
            "Accept the estimate before paying its deposit.", code="estimate_not_accepted"
        )
    if estimate.deposit_amount <= 0:
        raise ConflictError("This estimate asks for no deposit.", code="no_deposit")
    if estimate.deposit_due <= 0:
        raise ConflictError("The deposit is paid already.", code="deposit_already_paid")
    return estimate, estimate.deposit_due


def _once(
    svc: Services,
    business_id: str,
    customer_id: str,
    key: str,
    request: DomainModel,
    run: Callable[[], PaymentResult],
) -> PaymentResult:
    """Run `run` once per (business, customer, key) with Powertools idempotency: a repeat
    gets the stored result; a repeat with another body, or while the first still runs, is a
    conflict. A failure is not stored, so a retry runs again (and finds the payment)."""
    from aws_lambda_powertools.utilities.idempotency import idempotent_function
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )
    from aws_lambda_powertools.utilities.idempotency.serialization.pydantic import (
        PydanticSerializer,
    )

    def run_once(data: dict[str, Any], run: Callable[[], PaymentResult]) -> PaymentResult:
        return run()

    once = idempotent_function(
        run_once,
        data_keyword_argument="data",
        persistence_store=svc.idempotency_store,
        config=svc.idempotency_config,
        output_serializer=PydanticSerializer(PaymentResult),
    )
    data = {
        "business_id": business_id,
        "customer_id": customer_id,
        "key": key,
        "request": request.model_dump(mode="json"),
    }
    try:
        result: PaymentResult = once(data=data, run=run)
    except IdempotencyValidationError as error:
        raise ConflictError(
            "This Idempotency-Key was used for another request; use a new key for a new payment.",
            code="idempotency_key_reused",
        ) from error
    except IdempotencyAlreadyInProgressError as error:
        raise PaymentInProgressError(
            "This payment is still being processed; try again in a few seconds."
        ) from error
    return result


# --- planning ----------------------------------------------------------------------------


def _owner(svc: Services, business_id: str, customer_id: str) -> WalletOwner:
    owner = svc.wallets.owner(business_id, customer_id)
    if owner is None:
        raise UnauthorizedError("This account no longer exists; sign in again.")
    return owner


def _method(owner: WalletOwner, payment_method_id: str) -> PaymentMethod:
    method = owner.method(payment_method_id)
    if method is None:
        raise NotFoundError("No such payment method.", code="payment_method_not_found")
    return method


def _payment_id(business_id: str, customer_id: str, key: str) -> str:
    """The payment a request makes, named by the request: a retry names the same one."""
    digest = hashlib.sha256(f"{business_id}\n{customer_id}\n{key}".encode()).hexdigest()
    return f"pay_{digest[:24]}"


def _money(amount: int, currency: str) -> str:
    from portico.documents.money import format_money

    return format_money(amount, currency)


def _oldest_first(invoices: Sequence[Invoice]) -> list[Invoice]:
    return sorted(invoices, key=lambda i: (i.issue_date, i.due_date, i.number, i.invoice_id))


def _payable(svc: Services, owner: WalletOwner, request: PaymentRequest) -> list[Invoice]:
    """The invoices this request pays, as they are now, oldest first."""
    wanted = owner.open_invoice_ids if request.pay_balance else tuple(request.invoice_ids or ())
    if len(wanted) > MAX_INVOICES_PER_PAYMENT:
        raise ValidationFailedError(
            f"One payment covers at most {MAX_INVOICES_PER_PAYMENT} invoices; "
            "pay some of them first.",
            code="too_many_invoices",
        )
    found = svc.payment_records.invoices(owner.business_id, owner.customer_id, wanted)
    invoices = []
    for invoice_id in wanted:
        invoice = found.get(invoice_id)
        if invoice is None or invoice.status is not CrmInvoiceStatus.SENT:
            if request.pay_balance:
                continue  # voided since the summary was read
            raise NotFoundError(f"No such invoice: {invoice_id}.", code="invoice_not_found")
        if invoice.amount_due <= 0:
            if request.pay_balance:
                continue
            raise ConflictError(
                f"Invoice {invoice.number} is paid already.", code="invoice_already_paid"
            )
        invoices.append(invoice)
    if not invoices:
        raise NothingToPayError("There is nothing to pay.")
    return _oldest_first(invoices)


def _pay(
    svc: Services, owner: WalletOwner, request: PaymentRequest, payment_id: str
) -> PaymentResult:
    for attempt in range(_SAVE_ATTEMPTS):
        existing = svc.payment_records.get(owner.business_id, owner.customer_id, payment_id)
        if existing is not None:
            return _resume(svc, owner, existing)
        method = _method(owner, request.payment_method_id)
        invoices = _payable(svc, owner, request)
        held = {i.payment_pending for i in invoices if i.payment_pending}
        if held:
            if not any(_release_if_stale(svc, owner, holder) for holder in held):
                raise PaymentInProgressError(
                    "A payment for these invoices is already in progress. "
                    "Check your payments before trying again."
                )
            continue
        total = sum(invoice.amount_due for invoice in invoices)
        credit = min(owner.credit_balance, total)
        charged = total - credit
        if 0 < charged < MINIMUM_CHARGE:
            raise ValidationFailedError(
                f"Payments under {_money(MINIMUM_CHARGE, owner.currency)} cannot be taken "
                "online; contact us to settle this amount.",
                code="amount_too_small",
            )
        kind = PaymentKind.BALANCE if request.pay_balance else PaymentKind.INVOICES
        payment = _pending(svc, owner, payment_id, kind, method, invoices, credit)
        try:
            return _begin(svc, owner, payment, invoices)
        except ConditionsFailed as error:
            if "payment" in error.labels:  # the same request, racing itself: finish that one
                existing = svc.payment_records.get(owner.business_id, owner.customer_id, payment_id)
                if existing is not None:
                    return _resume(svc, owner, existing)
            if attempt == _SAVE_ATTEMPTS - 1:
                raise PaymentInProgressError(
                    "Your invoices changed while paying; check them and try again."
                ) from error
            # The invoices or the credit changed since they were read: read again.
            owner = _owner(svc, owner.business_id, owner.customer_id)
    raise AssertionError("unreachable")  # pragma: no cover


def _to_credit(
    svc: Services,
    owner: WalletOwner,
    payment_id: str,
    kind: PaymentKind,
    method: PaymentMethod,
    amount: int,
    **extra: Any,
) -> Payment:
    """A pending payment of `amount` to the method that pays no invoice: all of it becomes
    account credit when it settles (bought credit, an estimate's deposit)."""
    return Payment(
        payment_id=payment_id,
        customer_id=owner.customer_id,
        kind=kind,
        amount=amount,
        currency=owner.currency,
        status=PaymentStatus.PENDING,
        method_summary=method.summary,
        payment_method_id=method.payment_method_id,
        created_at=svc.clock.now(),
        **extra,
    )


def _pending(
    svc: Services,
    owner: WalletOwner,
    payment_id: str,
    kind: PaymentKind,
    method: PaymentMethod,
    invoices: Sequence[Invoice],
    credit: int,
    **extra: Any,
) -> Payment:
    """A payment of the invoices' amounts due, `credit` of it from account credit, ready to
    start. Its `applied_to` is the plan: what each invoice is to receive, in the order money
    goes to them."""
    charged = sum(i.amount_due for i in invoices) - credit
    return Payment(
        payment_id=payment_id,
        customer_id=owner.customer_id,
        kind=kind,
        amount=charged,
        currency=owner.currency,
        status=PaymentStatus.PENDING,
        method_summary=method.summary if charged else "Account credit",
        payment_method_id=method.payment_method_id if charged else None,
        applied_to=[
            PaymentApplication(
                invoice_id=i.invoice_id, invoice_number=i.number, amount=i.amount_due
            )
            for i in invoices
        ],
        credit_applied=credit,
        created_at=svc.clock.now(),
        **extra,
    )


# --- charging and recording ---------------------------------------------------------------


def _begin(
    svc: Services, owner: WalletOwner, payment: Payment, invoices: Sequence[Invoice]
) -> PaymentResult:
    """Write the pending payment holding its invoices, then charge it."""
    svc.payment_records.start(owner.business_id, payment, invoices, svc.clock.now())
    if payment.amount == 0:  # wholly paid with account credit: nothing to charge
        return _result(svc, owner, _settle(svc, owner, payment))
    return _charge(svc, owner, payment)


def _charge(svc: Services, owner: WalletOwner, payment: Payment) -> PaymentResult:
    """Charge the pending payment (on session, or off session for AutoPay) and record what
    Stripe answers."""
    if owner.stripe_customer is None or payment.payment_method_id is None:
        raise NotFoundError("No such payment method.", code="payment_method_not_found")
    off_session = payment.kind is PaymentKind.AUTOPAY
    try:
        charge = svc.payments.charge(
            owner.stripe_account,
            owner.stripe_customer,
            payment.payment_method_id,
            payment.amount,
            payment.currency,
            off_session=off_session,
            idempotency_key=idempotency_key(owner.business_id, "payment", payment.payment_id),
            metadata={
                "portico_business": owner.business_id,
                "portico_customer": owner.customer_id,
                "portico_payment": payment.payment_id,
            },
        )
    except PaymentDeclined as declined:
        _fail(svc, owner, payment, declined.decline_code, declined.message_for_customer)
        raise
    except AuthenticationRequired as needed:
        if off_session:  # never retried off session: the customer pays in the portal
            code = "authentication_required"
            _fail(svc, owner, payment, code, customer_message(code))
            raise PaymentDeclined(
                code, customer_message(code), payment_intent_id=needed.payment_intent_id
            ) from needed
        charge = Charge(  # on session Stripe answers requires_action instead; be safe
            payment_intent_id=needed.payment_intent_id,
            status="requires_action",
            amount=payment.amount,
            currency=payment.currency,
            client_secret=needed.client_secret,
        )
    # GatewayUnavailable propagates: the outcome is unknown and the payment stays pending;
    # the same request again (or the webhook) finds out what happened.
    return record_charge(svc, owner, payment, charge)


def record_charge(
    svc: Services, owner: WalletOwner, payment: Payment, charge: Charge
) -> PaymentResult:
    """Record what Stripe says of the payment's PaymentIntent."""
    payment = payment.model_copy(update={"payment_intent_id": charge.payment_intent_id})
    match charge.status:
        case "succeeded":
            return _result(svc, owner, _settle(svc, owner, payment))
        case "failed":
            code = charge.decline_code or "generic_decline"
            _fail(svc, owner, payment, code, customer_message(code))
            raise PaymentDeclined(code, customer_message(code))
        case "processing" | "requires_action":
            status = PaymentStatus(charge.status)
            svc.payment_records.mark(
                owner.business_id, payment, status, charge.payment_intent_id, svc.clock.now()
            )
            moved = payment.model_copy(update={"status": status})
            return _result(svc, owner, moved, charge.client_secret)
    raise AssertionError(charge.status)  # pragma: no cover


def _resume(svc: Services, owner: WalletOwner, payment: Payment) -> PaymentResult:
    """The same request again: answer with its payment, finishing it if it was left open."""
    if payment.status is PaymentStatus.FAILED:
        code = payment.failure_code or "generic_decline"
        raise PaymentDeclined(code, payment.failure_message or customer_message(code))
    if payment.status is PaymentStatus.SUCCEEDED:
        _queue_receipt(svc, owner, payment)  # in case the first try died before queuing it
    if payment.status not in OPEN_PAYMENT_STATUSES:
        return _result(svc, owner, payment)
    if payment.amount == 0:
        return _result(svc, owner, _settle(svc, owner, payment))
    found = _find_charge(svc, owner, payment)
    if found is None:
        # Stripe never saw it (the process died before the call): charge it now, same key.
        return _charge(svc, owner, payment)
    return record_charge(svc, owner, payment, found)


def autopay_payment_id(business_id: str, invoice_id: str, due_on: date, attempt: int) -> str:
    """AutoPay's payment of an invoice for a due date and attempt: named by them, so two
    runs (or a job delivered twice) make the same payment, and Stripe sees the same key."""
    material = f"{business_id}\n{invoice_id}\n{due_on.isoformat()}\n{attempt}"
    return f"{AUTOPAY_PAYMENT_PREFIX}{hashlib.sha256(material.encode()).hexdigest()[:24]}"


def charge_autopay(svc: Services, owner: WalletOwner, invoice: Invoice) -> Payment | None:
    """Charge an invoice's amount due to the customer's AutoPay method, off session, once
    for its due date and attempt, whoever asks how often; returns the payment as recorded
    (succeeded, processing or failed), or None when it is under 50 cents. Account credit is
    used first. Raises `GatewayUnavailable` when Stripe's answer is unknown (the job is tried
    again and finds the payment), `ConditionsFailed` when the invoice changed since read."""
    method = owner.method(owner.autopay_method_id) if owner.autopay_method_id else None
    due_on, attempt = invoice.due_date, invoice.autopay_attempt
    payment_id = autopay_payment_id(owner.business_id, invoice.invoice_id, due_on, attempt)
    records = svc.payment_records
    try:
        existing = records.get(owner.business_id, owner.customer_id, payment_id)
        if existing is not None:
            _resume(svc, owner, existing)
        elif method is not None:
            credit = min(owner.credit_balance, invoice.amount_due)
            charged = invoice.amount_due - credit
            if 0 < charged < MINIMUM_CHARGE:
                return None
            payment = _pending(
                svc,
                owner,
                payment_id,
                PaymentKind.AUTOPAY,
                method,
                [invoice],
                credit,
                autopay_due_on=due_on,
                autopay_attempt=attempt,
            )
            try:
                _begin(svc, owner, payment, [invoice])
            except ConditionsFailed as error:
                if "payment" not in error.labels:
                    raise
                existing = records.get(owner.business_id, owner.customer_id, payment_id)
                if existing is not None:
                    _resume(svc, owner, existing)
    except PaymentDeclined:
        pass  # recorded as failed; the customer is told
    return records.get(owner.business_id, owner.customer_id, payment_id)


def _find_charge(svc: Services, owner: WalletOwner, payment: Payment) -> Charge | None:
    return svc.payments.find_charge(
        owner.stripe_account,
        "portico_payment",
        payment.payment_id,
        stripe_customer=owner.stripe_customer,
    )


def _release_if_stale(svc: Services, owner: WalletOwner, holder_id: str) -> bool:
    """Finish a payment that holds invoices another payment wants, if it was abandoned
    (its process died, or the customer never confirmed it). True if its invoices are free
    now or the holder is gone; False while it may still be under way."""
    holder = svc.payment_records.get(owner.business_id, owner.customer_id, holder_id)
    if holder is None or holder.status not in OPEN_PAYMENT_STATUSES:
        return True  # settled or failed meanwhile: read the invoices again
    stale_after = STALE_AFTER.get(holder.status)
    touched = holder.updated_at or holder.created_at
    if stale_after is None or svc.clock.now() - touched < stale_after:
        return False  # a bank debit on its way, or a payment still being made
    found = _find_charge(svc, owner, holder) if holder.amount else None
    if found is None or found.status == "requires_action":
        if holder.amount == 0:
            _settle(svc, owner, holder)
        else:
            _fail(svc, owner, holder, "abandoned", "This payment was not completed.")
        return True
    with contextlib.suppress(PaymentDeclined):  # recorded as failed: its invoices are free
        record_charge(svc, owner, holder, found)
    return True


def ledger_day(owner: WalletOwner, when: datetime) -> date:
    """The business's date of `when`: the day a payment appears on statements."""
    return business_date(owner.timezone, when)


def _settle(svc: Services, owner: WalletOwner, payment: Payment) -> Payment:
    """Apply a succeeded payment to its invoices as they are now, in its planned order; what
    finds no invoice to pay (an invoice edited or voided meanwhile, or a credit purchase)
    becomes account credit. Then queue its receipt. Idempotent: a payment settled already
    is returned as stored.

    A payment recorded as failed that Stripe says succeeded after all (3-D Secure finished
    in an old tab after the hold was given up) is settled too: the money arrived. Its credit
    was given back when it failed, so only the amount charged is applied."""
    if payment.status is PaymentStatus.FAILED:
        payment = payment.model_copy(update={"credit_applied": 0})
    for attempt in range(_SAVE_ATTEMPTS):
        planned = [a.invoice_id for a in payment.applied_to]
        now_invoices = svc.payment_records.invoices(owner.business_id, owner.customer_id, planned)
        money = payment.amount + payment.credit_applied
        shares: list[tuple[Invoice, int]] = []
        for application in payment.applied_to:
            invoice = now_invoices.get(application.invoice_id)
            if invoice is None:
                continue
            share = min(money, application.amount, invoice.counted_due)
            money -= share
            shares.append((invoice, share))
        try:
            settled = svc.payment_records.settle(
                owner.business_id,
                payment,
                shares,
                money,
                ledger_day(owner, payment.created_at),
                svc.clock.now(),
                estimate=_deposit_estimate(svc, owner, payment),
            )
        except ConditionsFailed as error:
            if "payment" in error.labels:
                current = svc.payment_records.get(
                    owner.business_id, owner.customer_id, payment.payment_id
                )
                if current is None:
                    raise
                return current  # settled (or failed) by someone else first
            if attempt == _SAVE_ATTEMPTS - 1:
                raise
            continue
        logger.info(
            "payment succeeded",
            extra={"business_id": owner.business_id, "payment_id": payment.payment_id},
        )
        _queue_receipt(svc, owner, settled)
        return settled
    raise AssertionError("unreachable")  # pragma: no cover


def _deposit_estimate(svc: Services, owner: WalletOwner, payment: Payment) -> Estimate | None:
    """The estimate a deposit is for, as it is now (None for other payments, or when the
    CRM deleted it: the money still becomes account credit)."""
    if payment.estimate_id is None:
        return None
    return svc.customer_estimates.get(
        owner.business_id, owner.customer_id, payment.estimate_id, consistent=True
    )


def _queue_receipt(svc: Services, owner: WalletOwner, payment: Payment) -> None:
    """Ask the mailer for the receipt (it sends one per payment, however often asked)."""
    job = ReceiptRequested(
        business_id=owner.business_id,
        customer_id=owner.customer_id,
        payment_id=payment.payment_id,
    )
    svc.email_jobs.enqueue([job])


def _after_autopay_failure(
    owner: WalletOwner, payment: Payment, code: str, today: date
) -> AutoPayAfterFailure:
    """When AutoPay tries again after a failed charge: soft declines on the business's retry
    days (counted from the first attempt), at most that many times; anything else (a hard
    decline, a bank that wants the customer to confirm) never, for this due date."""
    retry_days = owner.portal.autopay.retry_days
    attempt = payment.autopay_attempt
    if is_retryable(code) and attempt < len(retry_days):
        gap = retry_days[attempt] - (retry_days[attempt - 1] if attempt else 0)
        return {"autopay_attempt": attempt + 1, "autopay_retry_on": today + timedelta(days=gap)}
    return {"autopay_done_for": payment.autopay_due_on, "autopay_retry_on": None}


def _fail(svc: Services, owner: WalletOwner, payment: Payment, code: str, message: str) -> None:
    """Record the payment as failed and free its invoices and credit (no-op if it was
    recorded already). The customer is emailed when they were not there to see it: an
    AutoPay charge, or a bank debit that failed after it was accepted."""
    autopay = None
    if payment.kind is PaymentKind.AUTOPAY:
        autopay = _after_autopay_failure(owner, payment, code, ledger_day(owner, svc.clock.now()))
    for attempt in range(_SAVE_ATTEMPTS):
        planned = [a.invoice_id for a in payment.applied_to]
        now_invoices = svc.payment_records.invoices(owner.business_id, owner.customer_id, planned)
        held = [i for i in now_invoices.values() if i.payment_pending == payment.payment_id]
        estimate = _deposit_estimate(svc, owner, payment)
        held_estimate = (
            estimate
            if estimate is not None and estimate.deposit_pending == payment.payment_id
            else None
        )
        try:
            svc.payment_records.fail(
                owner.business_id,
                payment,
                held,
                code,
                message,
                svc.clock.now(),
                autopay,
                held_estimate=held_estimate,
            )
        except ConditionsFailed as error:
            if "payment" in error.labels or attempt == _SAVE_ATTEMPTS - 1:
                return  # recorded already (by the webhook, say)
            continue
        if autopay is not None or payment.status is PaymentStatus.PROCESSING:
            job = PaymentFailedNoticeRequested(
                business_id=owner.business_id,
                customer_id=owner.customer_id,
                payment_id=payment.payment_id,
            )
            svc.email_jobs.enqueue([job])
        logger.info(
            "payment failed",
            extra={
                "business_id": owner.business_id,
                "payment_id": payment.payment_id,
                "decline_code": code,
            },
        )
        return


def _result(
    svc: Services, owner: WalletOwner, payment: Payment, client_secret: str | None = None
) -> PaymentResult:
    next_action = None
    if (
        payment.status is PaymentStatus.REQUIRES_ACTION
        and client_secret
        and payment.payment_intent_id
    ):
        next_action = NextAction(
            payment_intent_id=payment.payment_intent_id,
            client_secret=client_secret,
            publishable_key=svc.stripe.publishable_key,
            stripe_account=owner.stripe_account,
        )
    messages = {
        PaymentStatus.SUCCEEDED: "Thank you: your payment was received.",
        PaymentStatus.PROCESSING: (
            "Your bank payment is on its way; it usually takes a few business days to clear."
        ),
        PaymentStatus.REQUIRES_ACTION: "Your bank needs you to confirm this payment.",
        PaymentStatus.PENDING: "Your payment is being processed.",
    }
    shared = set(PaymentResult.model_fields) & set(Payment.model_fields)
    return PaymentResult(
        **{name: getattr(payment, name) for name in shared},
        next_action=next_action,
        message=messages.get(payment.status, ""),
    )
