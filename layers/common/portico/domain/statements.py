"""A customer's statement: every invoice, payment, credit and refund in a date range, with a
running balance. Amounts are minor units; positive entries raise what the customer owes."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from portico.domain.common import DomainModel


class EntryKind(StrEnum):
    INVOICE = "invoice"
    PAYMENT = "payment"
    CREDIT = "credit"
    REFUND = "refund"


class StatementEntry(DomainModel):
    date: date
    kind: EntryKind
    reference: str  # invoice number, or payment / credit / refund id
    description: str
    amount: int  # invoices and refunds > 0; payments and credits < 0
    balance: int  # running balance after this entry


class Statement(DomainModel):
    customer_id: str
    currency: str
    from_date: date
    to_date: date
    opening_balance: int
    entries: list[StatementEntry]
    closing_balance: int
    generated_at: datetime
    generated_on: date  # the business's date when it was made
