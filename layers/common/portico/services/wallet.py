"""The customer's wallet (DESIGN 4.3): save cards and US bank accounts with SetupIntents,
list them, choose the default, delete them.

Stripe ids: the business's connected account is created on first use and stored on the
business (`stripe_account`); the customer's Stripe customer likewise on the profile. Both
are stored with a conditional write, so two first requests racing keep one id; the
account's creation carries a deterministic idempotency key, so the loser of that race gets
the same account from Stripe.

The AutoPay method cannot be deleted while AutoPay uses it (DESIGN 2; the business's message
where it forbids turning AutoPay off).
"""

from __future__ import annotations

import contextlib
import uuid
from datetime import datetime
from typing import Literal

from portico.bootstrap import Services
from portico.data.transactions import ConditionsFailed
from portico.domain.autopay import ActivityEntry
from portico.domain.common import DomainModel
from portico.domain.wallet import MethodType, PaymentMethod, WalletOwner
from portico.errors import ConflictError, NotFoundError, UnauthorizedError
from portico.identity.principal import Principal
from portico.payments import idempotency_key
from portico.services.scope import require_tab, session_customer


class SetupStarted(DomainModel):
    """What the browser needs to confirm the SetupIntent with Stripe.js."""

    setup_intent_id: str
    client_secret: str
    publishable_key: str
    stripe_account: str | None


class SetupIncompleteError(ConflictError):
    code = "setup_incomplete"


def session_owner(svc: Services, principal: Principal) -> WalletOwner:
    """The signed-in customer's wallet, with their business's rules (Payments tab needed)."""
    business_id, customer_id, tabs, _ = session_customer(principal)
    require_tab(tabs, "payments")
    owner = svc.wallets.owner(business_id, customer_id)
    if owner is None:
        raise UnauthorizedError("This account no longer exists; sign in again.")
    return owner


def _account(svc: Services, owner: WalletOwner) -> str:
    if owner.stripe_account is not None:
        return owner.stripe_account
    created = svc.payments.create_account(
        owner.business_name, idempotency_key=idempotency_key(owner.business_id, "account")
    )
    return svc.wallets.set_stripe_account(owner.business_id, created)


def _stripe_customer(svc: Services, owner: WalletOwner, account: str) -> str:
    if owner.stripe_customer is not None:
        return owner.stripe_customer
    created = svc.payments.ensure_customer(
        account,
        f"{owner.business_id}/{owner.customer_id}",
        owner.email or "",
        owner.customer_name,
    )
    return svc.wallets.set_stripe_customer(owner.business_id, owner.customer_id, created)


def _mine(owner: WalletOwner, method_id: str) -> PaymentMethod:
    for method in owner.methods:
        if method.payment_method_id == method_id:
            return method
    raise NotFoundError("No such payment method.")


def list_methods(svc: Services, principal: Principal) -> list[PaymentMethod]:
    """The saved methods, the default first (one Query)."""
    business_id, customer_id, tabs, _ = session_customer(principal)
    require_tab(tabs, "payments")
    return svc.wallets.methods(business_id, customer_id)


def start_setup(svc: Services, principal: Principal, method_type: MethodType) -> SetupStarted:
    """Create a SetupIntent (off-session use) for the browser to confirm with Stripe."""
    owner = session_owner(svc, principal)
    account = _account(svc, owner)
    customer = _stripe_customer(svc, owner, account)
    # Each visit to "add a card" needs a fresh SetupIntent (a confirmed one cannot be
    # confirmed again), so this key is unique per request; no money moves here.
    key = idempotency_key(owner.business_id, "setup", owner.customer_id, str(uuid.uuid4()))
    intent = svc.payments.create_setup_intent(account, customer, method_type, key)
    if intent.client_secret is None:
        raise RuntimeError("Stripe returned a SetupIntent without a client secret")
    return SetupStarted(
        setup_intent_id=intent.id,
        client_secret=intent.client_secret,
        publishable_key=svc.stripe.publishable_key,
        stripe_account=account,
    )


def save_method(
    svc: Services, principal: Principal, setup_intent_id: str
) -> tuple[PaymentMethod, bool]:
    """Save the method of a SetupIntent the browser confirmed; returns it and whether this
    call saved it (saving the same SetupIntent again returns the saved method). A SetupIntent
    that is not this customer's is not found; one that has not succeeded is a conflict."""
    owner = session_owner(svc, principal)
    if owner.stripe_account is None or owner.stripe_customer is None:
        raise NotFoundError("No such setup.")  # this customer never started one
    account, customer = owner.stripe_account, owner.stripe_customer
    intent = svc.payments.get_setup_intent(account, setup_intent_id)
    if intent.customer != customer:
        raise NotFoundError("No such setup.")
    if intent.status != "succeeded" or intent.payment_method is None:
        raise SetupIncompleteError("This payment method was not confirmed; try again.")
    for method in owner.methods:
        if method.payment_method_id == intent.payment_method:
            return method, False
    found = svc.payments.get_payment_method(account, intent.payment_method)
    if found.customer != customer:
        raise NotFoundError("No such setup.")
    method = PaymentMethod(
        payment_method_id=found.id,
        type=found.type,
        brand=found.brand,
        last4=found.last4,
        exp_month=found.exp_month,
        exp_year=found.exp_year,
        bank_name=found.bank_name,
        is_default=not owner.methods,
        created_at=svc.clock.now(),
    )
    try:
        svc.wallets.add(
            owner.business_id,
            owner.customer_id,
            account,
            method,
            intent.id,
            len(owner.methods),
            method_entry("payment_method_added", method, "customer", svc.clock.now()),
        )
    except ConditionsFailed:  # saved meanwhile by a concurrent request for this SetupIntent
        saved = svc.wallets.get(owner.business_id, owner.customer_id, method.payment_method_id)
        if saved is None:
            raise
        return saved, False
    return method, True


def delete_method(svc: Services, principal: Principal, method_id: str) -> None:
    """Detach the method at Stripe and forget it; if it was the default, the oldest
    remaining method becomes the default."""
    from portico.services.autopay import check_method_removable

    owner = session_owner(svc, principal)
    _mine(owner, method_id)
    check_method_removable(owner, method_id)
    if owner.stripe_account is not None:
        # Already detached (a retry after a failed write): forget it below all the same.
        with contextlib.suppress(NotFoundError):
            svc.payments.detach_payment_method(owner.stripe_account, method_id)
    forget_method(svc, owner, method_id, source="customer")


def method_entry(
    kind: str, method: PaymentMethod, source: Literal["customer", "system"], at: datetime
) -> ActivityEntry:
    """The activity-log entry of a method added or removed: what it is, never its number."""
    from portico.data.activity import new_entry_id

    details: dict[str, object] = {
        "payment_method_id": method.payment_method_id,
        "type": method.type,
        "summary": method.summary,
        "brand": method.brand,
        "last4": method.last4,
        "bank_name": method.bank_name,
    }
    return ActivityEntry(
        entry_id=new_entry_id(),
        kind=kind,
        at=at,
        source=source,
        details={k: v for k, v in details.items() if v is not None},
    )


def forget_method(
    svc: Services,
    owner: WalletOwner,
    method_id: str,
    source: Literal["customer", "system"] = "system",
) -> None:
    """Remove a method from the wallet (detached at Stripe already; by the customer, or by
    the bank or the business: `source`); the oldest remaining method becomes the default if
    it was."""
    method = _mine(owner, method_id)
    remaining = [m for m in owner.methods if m.payment_method_id != method_id]
    promote = None
    if method.is_default and remaining:
        promote = min(remaining, key=lambda m: (m.created_at, m.payment_method_id))
    svc.wallets.remove(
        owner.business_id,
        owner.customer_id,
        method_id,
        remaining,
        None if promote is None else promote.payment_method_id,
        method_entry("payment_method_removed", method, source, svc.clock.now()),
    )


def refresh_method(
    svc: Services, owner: WalletOwner, method_id: str, exp_month: object, exp_year: object
) -> None:
    """Show the new expiry of a card the network updated (Stripe's card updater)."""
    if isinstance(exp_month, int) and isinstance(exp_year, int):
        svc.wallets.set_expiry(owner.business_id, owner.customer_id, method_id, exp_month, exp_year)


def make_default(svc: Services, principal: Principal, method_id: str) -> PaymentMethod:
    """Make a saved method the default; the previous default stops being it."""
    owner = session_owner(svc, principal)
    method = _mine(owner, method_id)
    previous = [
        m.payment_method_id
        for m in owner.methods
        if m.is_default and m.payment_method_id != method_id
    ]
    svc.wallets.make_default(
        owner.business_id, owner.customer_id, method_id, previous, len(owner.methods)
    )
    return method.model_copy(update={"is_default": True})
