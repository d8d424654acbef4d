"""Invoices and payments. Amounts are integer minor units of `currency`."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Self

from pydantic import Field, StrictBool, model_validator

from portico.domain.common import (
    Amount,
    Currency,
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
    issue_date: date
    due_date: date
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
    updated_at: datetime

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
    updated_at: datetime

    @classmethod
    def of(cls, invoice: Invoice) -> InvoiceView:
        return cls(
            **invoice.model_dump(exclude={"status", "lines", "applied_payments"}),
            lines=invoice.lines,
            applied_payments=invoice.applied_payments,
            status=invoice.portal_status,
            subtotal=invoice.subtotal,
            amount_due=invoice.amount_due,
        )


class PaymentStatus(StrEnum):
    PROCESSING = "processing"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REFUNDED = "refunded"


class PaymentApplication(DomainModel):
    invoice_id: str
    invoice_number: str | None = None
    amount: Amount


class Payment(DomainModel):
    """Money received from a customer and the invoices it was applied to."""

    payment_id: str
    customer_id: str
    amount: Amount
    currency: str
    status: PaymentStatus
    method_summary: str | None = None
    applied_to: list[PaymentApplication] = Field(default_factory=list)
    created_at: datetime
