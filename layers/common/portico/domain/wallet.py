"""The customer's wallet: the payment methods saved for AutoPay and one-click payments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from portico.domain.business import PortalSettings
from portico.domain.common import DomainModel, Language

MethodType = Literal["card", "us_bank_account"]


class PaymentMethod(DomainModel):
    """A saved card or US bank account, as the customer recognises it; the number stays at
    Stripe. `payment_method_id` is Stripe's id (`pm_...`)."""

    payment_method_id: str
    type: MethodType
    brand: str | None = None
    last4: str | None = None
    exp_month: int | None = None
    exp_year: int | None = None
    bank_name: str | None = None
    is_default: bool = False
    created_at: datetime

    @property
    def summary(self) -> str:
        """How a receipt names it: "Visa ending 4242", "STRIPE TEST BANK ending 6789"."""
        name = (self.brand or "card").title() if self.type == "card" else self.bank_name
        return f"{name or 'Bank account'} ending {self.last4 or '????'}"


@dataclass(frozen=True)
class WalletOwner:
    """Who a wallet belongs to, with the Stripe ids stored for them so far (None: not yet),
    their business's rules, and what they hold: methods, account credit, open invoices."""

    business_id: str
    business_name: str
    currency: str
    timezone: str
    portal: PortalSettings
    stripe_account: str | None
    customer_id: str
    customer_name: str
    email: str | None
    stripe_customer: str | None
    methods: list[PaymentMethod]
    credit_balance: int = 0
    open_invoice_ids: tuple[str, ...] = ()
    autopay_enabled: bool = False
    autopay_method_id: str | None = None
    # The notification types the customer turned email off for (`portico.domain.preferences`).
    emails_off: frozenset[str] = frozenset()
    language: Language | None = None  # the customer's choice for their emails

    @property
    def stripe_ref(self) -> str:
        """The customer as Stripe's metadata names them (business-scoped)."""
        return f"{self.business_id}/{self.customer_id}"

    def method(self, payment_method_id: str) -> PaymentMethod | None:
        """One of the saved methods, or None if it is not this customer's."""
        for method in self.methods:
            if method.payment_method_id == payment_method_id:
                return method
        return None
