"""Payments: the writes that move money between Stripe, invoices, the ledger and credit.

Every state change is one TransactWriteItems (DESIGN 4.1):
- `start`: the payment (pending) is written and each invoice it pays is held for it
  (`payment_pending`), conditional on the invoice being as read and held by no one, and the
  account credit it uses is set aside; so two payments can never take the same invoice.
- `settle`: the payment succeeded; the invoices receive their amounts and are released, the
  ledger entry appears, the profile's balance, summaries and credit follow.
- `fail`: the payment failed; the invoices are released and the credit given back.
- `mark`: the payment waits (3-D Secure, a bank debit on its way).
- `refund`: a refund entry, the invoices reopened by what was given back.

Transitions are conditional on the payment's status, so a webhook delivered twice, or late,
or racing the request that made the payment, changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any, TypedDict

from pynamodb.exceptions import DoesNotExist, UpdateError

from portico.data.activity import activity_item, new_entry_id
from portico.data.billing import to_invoice, to_payment
from portico.data.convert import attributes_of, stored
from portico.data.events import record_event
from portico.data.items import (
    CustomerItem,
    EstimateItem,
    InvoiceItem,
    PaymentItem,
    StripeEventItem,
    StripeRefItem,
)
from portico.data.repositories import (
    autopay_index_actions,
    open_invoice_entry,
    portal_list_sort_key,
)
from portico.data.transactions import ConditionsFailed, Transaction
from portico.domain.autopay import ActivityEntry
from portico.domain.billing import (
    OPEN_PAYMENT_STATUSES,
    AppliedPayment,
    CrmInvoiceStatus,
    Invoice,
    Payment,
    PaymentApplication,
    PaymentKind,
    PaymentStatus,
)
from portico.domain.events import DomainEvent, EventType
from portico.domain.service import Estimate

EVENT_RETENTION = timedelta(days=30)


class AutoPayAfterFailure(TypedDict, total=False):
    """What an AutoPay failure changes on its invoice: the attempts counted, the next retry
    (None: none), the due date AutoPay gave up on."""

    autopay_attempt: int
    autopay_retry_on: date | None
    autopay_done_for: date | None


def _set_or_remove(changes: Mapping[str, Any]) -> list[Any]:
    """Update actions setting invoice attributes (None removes one)."""
    actions = []
    for name, value in changes.items():
        attribute = getattr(InvoiceItem, name)
        actions.append(attribute.remove() if value is None else attribute.set(stored(value)))
    return actions


def _payment_item(business_id: str, customer_id: str, payment_id: str) -> PaymentItem:
    return PaymentItem(*PaymentItem.keys(business_id, customer_id, payment_id))


def later(previous: datetime, now: datetime) -> datetime:
    """A new `updated_at` that differs from `previous` even when the clock stands still:
    the CRM sync's optimistic lock compares it for equality."""
    return now if now > previous else previous + timedelta(microseconds=1)


def _open_statuses() -> list[str]:
    return [status.value for status in OPEN_PAYMENT_STATUSES]


def _profile(payment: Payment, business_id: str) -> CustomerItem:
    return CustomerItem(*CustomerItem.keys(business_id, payment.customer_id))


def _invoice_item(business_id: str, invoice: Invoice) -> InvoiceItem:
    return InvoiceItem(*InvoiceItem.keys(business_id, invoice.customer_id, invoice.invoice_id))


def _estimate_item(business_id: str, estimate: Estimate) -> EstimateItem:
    return EstimateItem(*EstimateItem.keys(business_id, estimate.customer_id, estimate.estimate_id))


def _paid_events(
    business_id: str,
    payment: Payment,
    invoices: Sequence[tuple[Invoice, int]],
    paid_on: date,
    now: datetime,
) -> list[DomainEvent]:
    """`invoice.paid` for each sent invoice this payment pays off (it owed something before
    and owes nothing after)."""
    events = []
    for invoice, amount in invoices:
        before = invoice.amount_due
        after = max(invoice.total - (invoice.amount_paid + amount), 0)
        if amount <= 0 or invoice.status is not CrmInvoiceStatus.SENT or before == 0 or after:
            continue
        events.append(
            DomainEvent(
                type=EventType.INVOICE_PAID,
                business_id=business_id,
                customer_id=payment.customer_id,
                occurred_at=now,
                data={
                    "invoice_id": invoice.invoice_id,
                    "invoice_number": invoice.number,
                    "total": invoice.total,
                    "currency": invoice.currency,
                    "paid_on": paid_on.isoformat(),
                    "payment_id": payment.payment_id,
                    "autopay": payment.kind is PaymentKind.AUTOPAY,
                },
            )
        )
    return events


def _failed_event(
    business_id: str, payment: Payment, held: Sequence[Invoice], now: datetime
) -> DomainEvent:
    return DomainEvent(
        type=EventType.PAYMENT_FAILED,
        business_id=business_id,
        customer_id=payment.customer_id,
        occurred_at=now,
        data={
            "payment_id": payment.payment_id,
            "amount": payment.amount,
            "currency": payment.currency,
            "method_summary": payment.method_summary,
            "failure_code": payment.failure_code,
            "invoice_ids": [invoice.invoice_id for invoice in held],
            "autopay": payment.kind is PaymentKind.AUTOPAY,
        },
    )


def payment_entry(payment: Payment, kind: str, now: datetime) -> ActivityEntry:
    """The activity-log entry of a payment made or failed: amount, method (as a receipt
    names it: brand and last 4), invoices, and why it failed."""
    details: dict[str, object] = {
        "payment_id": payment.payment_id,
        "amount": payment.amount,
        "currency": payment.currency,
        "method_summary": payment.method_summary,
        "invoices": [a.invoice_number or a.invoice_id for a in payment.applied_to],
        "credit_applied": payment.credit_applied or None,
        "failure_code": payment.failure_code,
        "failure_message": payment.failure_message,
    }
    return ActivityEntry(
        entry_id=new_entry_id(),
        kind=kind,
        at=now,
        source="system" if payment.kind is PaymentKind.AUTOPAY else "customer",
        details={k: v for k, v in details.items() if v is not None},
    )


class PaymentRepository:
    # --- reads -------------------------------------------------------------------------------

    def get(self, business_id: str, customer_id: str, payment_id: str) -> Payment | None:
        """One payment, read consistently (it may have changed a moment ago)."""
        try:
            item = PaymentItem.get(
                *PaymentItem.keys(business_id, customer_id, payment_id), consistent_read=True
            )
        except DoesNotExist:
            return None
        return to_payment(item)

    def invoices(
        self, business_id: str, customer_id: str, invoice_ids: Iterable[str]
    ) -> dict[str, Invoice]:
        """The customer's invoices with these ids, read consistently (one BatchGetItem per
        100); ids that are not the customer's are absent."""
        keys = [InvoiceItem.keys(business_id, customer_id, i) for i in dict.fromkeys(invoice_ids)]
        found = (
            to_invoice(item)
            for item in InvoiceItem.batch_get(keys, consistent_read=True)
            if isinstance(item, InvoiceItem)
        )
        return {invoice.invoice_id: invoice for invoice in found}

    def owner_of(self, account: str | None, object_id: str) -> tuple[str, str] | None:
        """The (business, customer) a Stripe object of `account` belongs to, if known."""
        try:
            ref = StripeRefItem.get(*StripeRefItem.keys(account, object_id))
        except DoesNotExist:
            return None
        return ref.business_id, ref.customer_id

    # --- state changes -----------------------------------------------------------------------

    def start(
        self,
        business_id: str,
        payment: Payment,
        invoices: Sequence[Invoice],
        now: datetime,
        estimate: Estimate | None = None,
    ) -> None:
        """Write the pending payment, hold its invoices (or the estimate whose deposit it
        is) and set its credit aside (one transaction). Raises `ConditionsFailed` labelled
        `payment` (it exists already), `invoice:{id}` / `estimate` (changed since read, or
        held by another payment) or `profile` (the credit is no longer there)."""
        item = PaymentItem(
            *PaymentItem.keys(business_id, payment.customer_id, payment.payment_id),
            **attributes_of(payment, exclude={"payment_id"}),
        )
        with Transaction() as tx:
            tx.put("payment", item, condition=PaymentItem.pk.does_not_exist())
            for invoice in invoices:
                held = invoice.model_copy(update={"payment_pending": payment.payment_id})
                tx.update(
                    f"invoice:{invoice.invoice_id}",
                    _invoice_item(business_id, invoice),
                    actions=[
                        InvoiceItem.payment_pending.set(payment.payment_id),
                        InvoiceItem.updated_at.set(later(invoice.updated_at, now)),
                        *autopay_index_actions(business_id, held),  # out while held
                    ],
                    condition=(InvoiceItem.updated_at == invoice.updated_at)
                    & InvoiceItem.payment_pending.does_not_exist(),
                )
            if estimate is not None:
                tx.update(
                    "estimate",
                    _estimate_item(business_id, estimate),
                    actions=[
                        EstimateItem.deposit_pending.set(payment.payment_id),
                        EstimateItem.updated_at.set(later(estimate.updated_at, now)),
                    ],
                    condition=(EstimateItem.updated_at == estimate.updated_at)
                    & EstimateItem.deposit_pending.does_not_exist(),
                )
            if payment.credit_applied:
                tx.update(
                    "profile",
                    _profile(payment, business_id),
                    actions=[CustomerItem.credit_balance.add(-payment.credit_applied)],
                    condition=CustomerItem.credit_balance >= payment.credit_applied,
                )

    def settle(
        self,
        business_id: str,
        payment: Payment,
        invoices: Sequence[tuple[Invoice, int]],
        credit_added: int,
        ledger_day: date,
        now: datetime,
        estimate: Estimate | None = None,
    ) -> Payment:
        """Record the payment as succeeded: each (invoice as just read, amount) receives its
        amount (0: none, only released) and is released if the payment held it;
        `credit_added` goes to the account credit; a deposit's estimate (as just read)
        counts it as paid and is released (one transaction). Returns the payment as stored.
        Raises `ConditionsFailed` labelled `payment` (succeeded already) or `invoice:{id}` /
        `estimate` (changed since read)."""
        settled = payment.model_copy(
            update={
                "status": PaymentStatus.SUCCEEDED,
                "applied_to": [
                    PaymentApplication(
                        invoice_id=invoice.invoice_id, invoice_number=invoice.number, amount=amount
                    )
                    for invoice, amount in invoices
                    if amount > 0
                ],
                "credit_added": credit_added,
                "updated_at": now,
            }
        )
        actions = [
            PaymentItem.status.set(PaymentStatus.SUCCEEDED.value),
            PaymentItem.applied_to.set(stored(settled.applied_to)),
            PaymentItem.credit_applied.set(payment.credit_applied),
            PaymentItem.credit_added.set(credit_added),
            PaymentItem.updated_at.set(now),
        ]
        if payment.payment_intent_id:
            actions.append(PaymentItem.payment_intent_id.set(payment.payment_intent_id))
        if payment.amount > 0:  # a payment made wholly of credit is not a ledger entry
            gsi2pk, gsi2sk = PaymentItem.ledger_keys(
                business_id, payment.customer_id, payment.payment_id, ledger_day.isoformat()
            )
            actions += [PaymentItem.gsi2pk.set(gsi2pk), PaymentItem.gsi2sk.set(gsi2sk)]
        with Transaction() as tx:
            tx.update(
                "payment",
                _payment_item(business_id, payment.customer_id, payment.payment_id),
                actions=actions,
                # Failed too: money Stripe says arrived is recorded whatever Portico thought.
                condition=PaymentItem.status.is_in(*_open_statuses(), PaymentStatus.FAILED.value),
            )
            # The status condition above makes this the one commit of the settlement: its
            # events and its log entry are written once, however often Stripe tells us.
            for event in _paid_events(business_id, settled, invoices, ledger_day, now):
                record_event(tx, event)
            tx.put(
                "activity",
                activity_item(
                    business_id, payment.customer_id, payment_entry(settled, "payment_made", now)
                ),
            )
            self._change_invoices(
                tx,
                business_id,
                payment,
                payment.payment_id,
                invoices,
                ledger_day,
                now,
                credit_added,
            )
            if estimate is not None:
                self._deposit_paid(tx, business_id, payment, estimate, now)
        return settled

    def _deposit_paid(
        self, tx: Transaction, business_id: str, payment: Payment, estimate: Estimate, now: datetime
    ) -> None:
        actions: list[Any] = [
            EstimateItem.deposit_paid.set(estimate.deposit_paid + payment.amount),
            EstimateItem.deposit_payment_id.set(payment.payment_id),
            EstimateItem.updated_at.set(later(estimate.updated_at, now)),
        ]
        if estimate.deposit_pending == payment.payment_id:
            actions.append(EstimateItem.deposit_pending.remove())
        tx.update(
            "estimate",
            _estimate_item(business_id, estimate),
            actions=actions,
            condition=EstimateItem.updated_at == estimate.updated_at,
        )

    def fail(
        self,
        business_id: str,
        payment: Payment,
        held: Sequence[Invoice],
        failure_code: str,
        failure_message: str,
        now: datetime,
        autopay: AutoPayAfterFailure | None = None,
        held_estimate: Estimate | None = None,
    ) -> None:
        """Record the payment as failed, release the invoices (or the deposit's estimate)
        it holds (as just read) and give back its credit (one transaction); an AutoPay
        failure also sets when AutoPay tries again, or that it gave up. Raises
        `ConditionsFailed` labelled `payment` when it is no longer open. Its `payment.failed`
        event and log entry go in the same transaction."""
        failed = payment.model_copy(
            update={
                "status": PaymentStatus.FAILED,
                "failure_code": failure_code,
                "failure_message": failure_message,
                "updated_at": now,
            }
        )
        with Transaction() as tx:
            tx.update(
                "payment",
                _payment_item(business_id, payment.customer_id, payment.payment_id),
                actions=[
                    PaymentItem.status.set(PaymentStatus.FAILED.value),
                    PaymentItem.failure_code.set(failure_code),
                    PaymentItem.failure_message.set(failure_message),
                    PaymentItem.updated_at.set(now),
                ],
                condition=PaymentItem.status.is_in(*_open_statuses()),
            )
            record_event(tx, _failed_event(business_id, failed, held, now))
            tx.put(
                "activity",
                activity_item(
                    business_id, payment.customer_id, payment_entry(failed, "payment_failed", now)
                ),
            )
            for invoice in held:
                changes = dict(autopay or {})
                released = invoice.model_copy(update={"payment_pending": None, **changes})
                tx.update(
                    f"invoice:{invoice.invoice_id}",
                    _invoice_item(business_id, invoice),
                    actions=[
                        InvoiceItem.payment_pending.remove(),
                        InvoiceItem.updated_at.set(later(invoice.updated_at, now)),
                        *_set_or_remove(changes),
                        *autopay_index_actions(business_id, released),
                    ],
                    condition=InvoiceItem.payment_pending == payment.payment_id,
                )
            if held_estimate is not None:
                tx.update(
                    "estimate",
                    _estimate_item(business_id, held_estimate),
                    actions=[
                        EstimateItem.deposit_pending.remove(),
                        EstimateItem.updated_at.set(later(held_estimate.updated_at, now)),
                    ],
                    condition=EstimateItem.deposit_pending == payment.payment_id,
                )
            if payment.credit_applied:
                tx.update(
                    "profile",
                    _profile(payment, business_id),
                    actions=[CustomerItem.credit_balance.add(payment.credit_applied)],
                    condition=CustomerItem.pk.exists(),
                )

    def mark(
        self,
        business_id: str,
        payment: Payment,
        status: PaymentStatus,
        payment_intent_id: str | None,
        now: datetime,
    ) -> bool:
        """Move an open payment to another open status (`requires_action`, `processing`);
        False when it is no longer open. The invoices stay held."""
        item = _payment_item(business_id, payment.customer_id, payment.payment_id)
        actions: list[Any] = [PaymentItem.status.set(status.value), PaymentItem.updated_at.set(now)]
        if payment_intent_id:
            actions.append(PaymentItem.payment_intent_id.set(payment_intent_id))
        try:
            item.update(actions=actions, condition=PaymentItem.status.is_in(*_open_statuses()))
        except UpdateError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise
            return False
        return True

    def refund(
        self,
        business_id: str,
        payment: Payment,
        entry: Payment,
        reopened: Sequence[tuple[Invoice, int]],
        credit_taken: int,
        ledger_day: date,
        now: datetime,
        estimate: Estimate | None = None,
    ) -> None:
        """Write the refund entry `entry` of `payment`, take what was given back off the
        invoices (each as just read, with the amount), off the account credit and off a
        deposit's estimate (as just read), and count it on the payment (one transaction,
        conditional on the refunded total read). Raises `ConditionsFailed` when the refund
        was recorded already or the payment changed."""
        gsi2pk, gsi2sk = PaymentItem.ledger_keys(
            business_id, payment.customer_id, entry.payment_id, ledger_day.isoformat()
        )
        item = _payment_item(business_id, payment.customer_id, entry.payment_id)
        for name, value in attributes_of(entry, exclude={"payment_id"}).items():
            setattr(item, name, value)
        item.gsi2pk, item.gsi2sk = gsi2pk, gsi2sk
        with Transaction() as tx:
            tx.put("refund", item, condition=PaymentItem.pk.does_not_exist())
            tx.update(
                "payment",
                _payment_item(business_id, payment.customer_id, payment.payment_id),
                actions=[
                    PaymentItem.amount_refunded.set(payment.amount_refunded + entry.amount),
                    PaymentItem.updated_at.set(now),
                ],
                condition=(PaymentItem.amount_refunded == payment.amount_refunded)
                & (PaymentItem.status == PaymentStatus.SUCCEEDED.value),
            )
            taken_back = [(invoice, -amount) for invoice, amount in reopened]
            self._change_invoices(
                tx,
                business_id,
                payment,
                entry.payment_id,
                taken_back,
                ledger_day,
                now,
                -credit_taken,
            )
            if estimate is not None:
                tx.update(
                    "estimate",
                    _estimate_item(business_id, estimate),
                    actions=[
                        EstimateItem.deposit_paid.set(max(estimate.deposit_paid - entry.amount, 0)),
                        EstimateItem.updated_at.set(later(estimate.updated_at, now)),
                    ],
                    condition=EstimateItem.updated_at == estimate.updated_at,
                )

    def _change_invoices(
        self,
        tx: Transaction,
        business_id: str,
        payment: Payment,
        entry_id: str,
        changes: Sequence[tuple[Invoice, int]],
        day: date,
        now: datetime,
        credit_delta: int,
    ) -> None:
        """Apply each amount (negative: take back; 0: nothing) to its invoice as read, noting
        entry `entry_id` on it; release the invoices `payment` holds; move the profile's
        balance, summaries and credit to match."""
        balance_delta = 0
        profile_actions: list[Any] = []
        for invoice, amount in changes:
            mine = invoice.payment_pending == payment.payment_id
            after = invoice.model_copy(
                update={
                    "amount_paid": invoice.amount_paid + amount,
                    "payment_pending": None if mine else invoice.payment_pending,
                }
            )
            actions = [InvoiceItem.updated_at.set(later(invoice.updated_at, now))]
            if amount:
                noted = AppliedPayment(payment_id=entry_id, amount=abs(amount), paid_on=day)
                actions += [
                    InvoiceItem.amount_paid.set(after.amount_paid),
                    InvoiceItem.applied_payments.set(stored([*invoice.applied_payments, noted])),
                ]
            if mine:
                actions.append(InvoiceItem.payment_pending.remove())
            actions += autopay_index_actions(business_id, after)
            if amount and invoice.status is CrmInvoiceStatus.SENT:
                actions.append(InvoiceItem.gsi3sk.set(portal_list_sort_key(business_id, after)))
                balance_delta += after.counted_due - invoice.counted_due
                profile_actions.append(open_invoice_entry(after))
            tx.update(
                f"invoice:{invoice.invoice_id}",
                _invoice_item(business_id, invoice),
                actions=actions,
                condition=InvoiceItem.updated_at == invoice.updated_at,
            )
        if balance_delta:
            profile_actions.append(CustomerItem.balance_due.add(balance_delta))
        if credit_delta:
            profile_actions.append(CustomerItem.credit_balance.add(credit_delta))
        if profile_actions:
            tx.update(
                "profile",
                _profile(payment, business_id),
                actions=profile_actions,
                condition=CustomerItem.pk.exists(),
            )

    # --- the customer's email about a payment -------------------------------------------------

    def claim_notice(
        self,
        business_id: str,
        customer_id: str,
        payment_id: str,
        now: datetime,
        entry: ActivityEntry | None = None,
    ) -> bool:
        """Claim the payment's one email to the customer (its receipt, or the notice that it
        failed), logging `entry` with the claim (one transaction); False if it was claimed
        already."""
        item = _payment_item(business_id, customer_id, payment_id)
        condition = PaymentItem.pk.exists() & PaymentItem.customer_notified_at.does_not_exist()
        if entry is None:
            try:
                item.update(
                    actions=[PaymentItem.customer_notified_at.set(now)], condition=condition
                )
            except UpdateError as error:
                if error.cause_response_code != "ConditionalCheckFailedException":
                    raise
                return False
            return True
        try:
            with Transaction() as tx:
                tx.update(
                    "claim",
                    item,
                    actions=[PaymentItem.customer_notified_at.set(now)],
                    condition=condition,
                )
                tx.put("activity", activity_item(business_id, customer_id, entry))
        except ConditionsFailed:
            return False
        return True

    def release_notice(
        self,
        business_id: str,
        customer_id: str,
        payment_id: str,
        entry: ActivityEntry | None = None,
    ) -> None:
        """Give the claim back after the email could not be sent, so a retry sends it; the
        claim's log `entry` goes with it (one transaction)."""
        item = _payment_item(business_id, customer_id, payment_id)
        if entry is None:
            item.update(actions=[PaymentItem.customer_notified_at.remove()])
            return
        with Transaction() as tx:
            tx.update("claim", item, actions=[PaymentItem.customer_notified_at.remove()])
            tx.delete("activity", activity_item(business_id, customer_id, entry))

    # --- webhook events ----------------------------------------------------------------------

    def event_processed(self, event_id: str) -> bool:
        """Whether this Stripe event was processed already."""
        try:
            StripeEventItem.get(*StripeEventItem.keys(event_id), attributes_to_get=["PK"])
        except DoesNotExist:
            return False
        return True

    def record_event(self, event_id: str, event_type: str, now: datetime) -> None:
        """Remember a processed event for 30 days (Stripe retries for 3)."""
        StripeEventItem(
            *StripeEventItem.keys(event_id),
            event_type=event_type,
            processed_at=now,
            expires_at=now + EVENT_RETENTION,
        ).save()
