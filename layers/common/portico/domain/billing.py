"""Invoices and payments. Amounts are integer minor units of `currency`."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Self

from pydantic import Field, StrictBool, model_validator

from portico.domain.common import (
    Amount,
    Currency,
    Day,
    DomainModel,
    EntityId,
    Line,
    LongText,
    ShortText,
    SignedAmount,
    check_total,
)


class InvoiceStatus(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    VOID = "void"


class CrmInvoiceStatus(StrEnum):
    """The statuses a CRM may set; paid and partially paid follow from payments."""

    DRAFT = "draft"
    SENT = "sent"
    VOID = "void"


class InvoiceRecord(DomainModel):
    """An invoice as the CRM pushes it with `PUT /v1/admin/invoices/{id}`."""

    customer_id: EntityId
    number: ShortText
    status: CrmInvoiceStatus
    issue_date: Day
    due_date: Day
    currency: Currency
    lines: Annotated[list[Line], Field(min_length=1, max_length=200)]
    tax_amount: Amount = 0
    total: SignedAmount
    autopay_eligible: StrictBool = False
    memo: LongText | None = None

    @model_validator(mode="after")
    def _adds_up(self) -> Self:
        if self.due_date < self.issue_date:
            raise ValueError("due_date is before issue_date")
        check_total(self.lines, self.tax_amount, self.total)
        return self

    @property
    def subtotal(self) -> int:
        return sum(line.amount for line in self.lines)


AUTOPAY_PAYMENT_PREFIX = "ap_"


def is_autopay_payment(payment_id: str) -> bool:
    """Whether a payment id is one of AutoPay's (`ap_...`; customers' are `pay_...`)."""
    return payment_id.startswith(AUTOPAY_PAYMENT_PREFIX)


class AppliedPayment(DomainModel):
    """A payment (or part of one) applied to an invoice."""

    payment_id: str
    amount: Amount
    paid_on: date


class Invoice(InvoiceRecord):
    """An invoice with what Portico tracks: payments applied and the status they imply."""

    invoice_id: str
    amount_paid: Amount = 0
    applied_payments: list[AppliedPayment] = Field(default_factory=list)
    # Portico's own state below; the CRM sync keeps it (`kept_by_sync`).
    # The payment that holds this invoice while Stripe answers (or an ACH debit settles):
    # no other payment may take it meanwhile.
    payment_pending: str | None = None
    # AutoPay: whether its customer is on AutoPay (kept here so the index is a function of
    # the invoice alone), the customer's hold, the failed attempts for this due date, the next
    # retry, the due date AutoPay gave up on, and the due date the customer was told about.
    autopay_customer: StrictBool = False
    autopay_hold: StrictBool = False
    autopay_attempt: int = 0
    autopay_retry_on: date | None = None
    autopay_done_for: date | None = None
    autopay_notice_for: date | None = None
    updated_at: datetime

    def kept_by_sync(self, record: InvoiceRecord) -> dict[str, object]:
        """What a CRM sync of `record` keeps of this invoice: the money applied, the payment
        holding it, and AutoPay's state (its attempts start over with a new due date)."""
        kept: dict[str, object] = {
            "amount_paid": self.amount_paid,
            "applied_payments": self.applied_payments,
            "payment_pending": self.payment_pending,
            "autopay_customer": self.autopay_customer,
            "autopay_hold": self.autopay_hold,
            "autopay_notice_for": self.autopay_notice_for,
        }
        if record.due_date == self.due_date:
            kept |= {
                "autopay_attempt": self.autopay_attempt,
                "autopay_retry_on": self.autopay_retry_on,
                "autopay_done_for": self.autopay_done_for,
            }
        return kept

    @property
    def autopay_due(self) -> bool:
        """Whether AutoPay has this invoice to deal with (at its due date or retry date). A
        held one is included: the run reports it as skipped, once per due date. So is one
        AutoPay's own payment holds: if that payment's worker died, the next run finishes
        it (a customer's payment holding it takes it out)."""
        return (
            self.status is CrmInvoiceStatus.SENT
            and self.amount_due > 0
            and self.autopay_eligible
            and self.autopay_customer
            and (self.payment_pending is None or is_autopay_payment(self.payment_pending))
            and self.autopay_done_for != self.due_date
        )

    @property
    def amount_due(self) -> int:
        return max(self.total - self.amount_paid, 0)

    @property
    def portal_status(self) -> InvoiceStatus:
        """Paid and partially paid follow from the money applied to a sent invoice."""
        if self.status is not CrmInvoiceStatus.SENT:
            return InvoiceStatus(self.status.value)
        if self.amount_paid >= self.total:
            return InvoiceStatus.PAID
        if self.amount_paid > 0:
            return InvoiceStatus.PARTIALLY_PAID
        return InvoiceStatus.SENT

    @property
    def counted_due(self) -> int:
        """What this invoice adds to the customer's balance: only sent invoices count."""
        return self.amount_due if self.status is CrmInvoiceStatus.SENT else 0


class InvoiceView(DomainModel):
    """An invoice as the admin API returns it."""

    invoice_id: str
    customer_id: str
    number: str
    status: InvoiceStatus
    issue_date: date
    due_date: date
    currency: str
    lines: list[Line]
    subtotal: int
    tax_amount: int
    total: int
    amount_paid: int
    amount_due: int
    autopay_eligible: StrictBool
    memo: str | None
    applied_payments: list[AppliedPayment]
    payment_in_progress: StrictBool = False
    updated_at: datetime

    @classmethod
    def of(cls, invoice: Invoice) -> InvoiceView:
        return cls(
            **invoice.model_dump(
                include=set(cls.model_fields) - {"status", "lines", "applied_payments"}
            ),
            lines=invoice.lines,
            applied_payments=invoice.applied_payments,
            payment_in_progress=invoice.payment_pending is not None,
            status=invoice.portal_status,
            subtotal=invoice.subtotal,
            amount_due=invoice.amount_due,
        )


class PaymentStatus(StrEnum):
    """Where a payment is. `pending`: Portico holds the invoices and Stripe has not answered
    yet; `requires_action`: the customer must confirm it with their bank (3-D Secure);
    `processing`: a bank debit on its way (settles by webhook); `refunded`: a refund entry."""

    PENDING = "pending"
    REQUIRES_ACTION = "requires_action"
    PROCESSING = "processing"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REFUNDED = "refunded"


# A payment in one of these may still succeed or fail; the others are final.
OPEN_PAYMENT_STATUSES = frozenset(
    {PaymentStatus.PENDING, PaymentStatus.REQUIRES_ACTION, PaymentStatus.PROCESSING}
)


class PaymentKind(StrEnum):
    """What the money was for."""

    INVOICES = "invoices"  # invoices the customer chose
    BALANCE = "balance"  # the balance, oldest invoice first
    CREDIT = "credit"  # account credit bought ahead ("Add credit")
    DEPOSIT = "deposit"  # an accepted estimate's deposit, kept as account credit
    AUTOPAY = "autopay"  # charged by the AutoPay run
    REFUND = "refund"  # money given back (a refund entry of an earlier payment)


class PaymentApplication(DomainModel):
    invoice_id: str
    invoice_number: str | None = None
    amount: Amount


class Payment(DomainModel):
    """Money received from a customer and the invoices it was applied to.

    `amount` is what the payment method was charged; `credit_applied` is account credit used
    on top of it, so the invoices received `amount + credit_applied` less `credit_added`
    (money that found no invoice to pay, or bought credit, and became account credit)."""

    payment_id: str
    customer_id: str
    kind: PaymentKind = PaymentKind.INVOICES
    amount: Amount
    currency: str
    status: PaymentStatus
    method_summary: str | None = None
    payment_method_id: str | None = None
    payment_intent_id: str | None = None
    applied_to: list[PaymentApplication] = Field(default_factory=list)
    credit_applied: Amount = 0
    credit_added: Amount = 0
    amount_refunded: Amount = 0
    refund_of: str | None = None
    failure_code: str | None = None
    failure_message: str | None = None
    # AutoPay's charges: the due date and attempt they are for (with the invoice, their name).
    autopay_due_on: date | None = None
    autopay_attempt: int = 0
    # A deposit: the estimate it is for (held by the payment while it is open).
    estimate_id: str | None = None
    created_at: datetime
    updated_at: datetime | None = None

    @property
    def applied_total(self) -> int:
        """What the invoices received from this payment."""
        return sum(application.amount for application in self.applied_to)
