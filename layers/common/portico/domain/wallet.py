"""The customer's wallet: the payment methods saved for AutoPay and one-click payments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from portico.domain.common import DomainModel

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


@dataclass(frozen=True)
class WalletOwner:
    """Who a wallet belongs to, with the Stripe ids stored for them so far (None: not yet)."""

    business_id: str
    business_name: str
    stripe_account: str | None
    customer_id: str
    customer_name: str
    email: str | None
    stripe_customer: str | None
    methods: list[PaymentMethod]
