"""AutoPay consent and holds (DESIGN 2): the customer's explicit opt-in, with the
authorization text, its version, the time, the method and the client address recorded in
the activity log; one AutoPay method at a time; turning it off refused, with the business's
message, where the business forbids it; and a hold that takes one invoice out of AutoPay.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import Literal

from pydantic import StrictBool

from portico.bootstrap import Services
from portico.data.transactions import ConditionsFailed
from portico.domain.autopay import ActivityEntry
from portico.domain.billing import CrmInvoiceStatus
from portico.domain.business import AutoPaySettings, ChargeTiming
from portico.domain.common import DomainModel, Language
from portico.domain.events import DomainEvent, EventType
from portico.domain.wallet import PaymentMethod, WalletOwner
from portico.errors import (
    ConflictError,
    ForbiddenError,
    NotFoundError,
    UnauthorizedError,
    ValidationFailedError,
)
from portico.identity.principal import Principal
from portico.services.payments import PaymentMethodId
from portico.services.scope import require_tab, session_customer
from portico.services.wallet import session_owner

TERMS_VERSION = "2026-12-03"
_SAVE_ATTEMPTS = 3


class AutoPayTerms(DomainModel):
    """The authorization the customer agrees to, word for word, and its version."""

    version: str
    text: str


class AutoPayView(DomainModel):
    """`GET /v1/me/autopay`: the customer's AutoPay, the business's rules, and the terms
    for the method they would choose (their AutoPay method, else their default)."""

    enabled: bool
    payment_method_id: str | None
    method_summary: str | None
    customers_may_disable: bool
    locked_message: str | None
    charge_timing: ChargeTiming
    days_before_due: int
    notice_days: int
    terms: AutoPayTerms | None


class AutoPayChange(DomainModel):
    """`PUT /v1/me/autopay`. Turning it on needs a saved method and `accept_terms: true`
    (the terms of `GET /v1/me/autopay` for that method; `terms_version` guards against
    agreeing to text that changed since it was shown)."""

    enabled: StrictBool
    payment_method_id: PaymentMethodId | None = None
    accept_terms: StrictBool = False
    terms_version: str | None = None
    language: Language = "en"


def _timing(policy: AutoPaySettings, language: Language) -> str:
    if language == "es":
        return {
            ChargeTiming.ON_SEND: "cuando se envíe la factura",
            ChargeTiming.BEFORE_DUE: f"{policy.days_before_due} días antes de su vencimiento",
            ChargeTiming.ON_DUE: "en su fecha de vencimiento",
        }[policy.charge_timing]
    return {
        ChargeTiming.ON_SEND: "when the invoice is sent",
        ChargeTiming.BEFORE_DUE: f"{policy.days_before_due} days before its due date",
        ChargeTiming.ON_DUE: "on its due date",
    }[policy.charge_timing]


_TERMS: dict[Language, dict[str, str]] = {
    "en": {
        "authorize": (
            "I authorize {business} to charge my {method} for the amount due on each invoice "
            "{business} marks for AutoPay, {timing}, including any already due, until I turn "
            "AutoPay off. I will get a receipt for every charge"
        ),
        "notice": " and a notice {days} days before each one",
        "locked": " To turn it off, I will contact {business}.",
    },
    "es": {
        "authorize": (
            "Autorizo a {business} a cargar en mi {method} el importe pendiente de cada "
            "factura que {business} marque para pago automático, {timing}, incluidas las ya "
            "vencidas, hasta que desactive el pago automático. Recibiré un recibo por cada cargo"
        ),
        "notice": " y un aviso {days} días antes de cada uno",
        "locked": " Para desactivarlo, contactaré con {business}.",
    },
}


def terms_for(owner: WalletOwner, method: PaymentMethod, language: Language = "en") -> AutoPayTerms:
    """The authorization text for AutoPay with `method`, in the customer's language."""
    policy = owner.portal.autopay
    business, summary, timing = owner.business_name, method.summary, _timing(policy, language)
    words = _TERMS[language]
    text = words["authorize"].format(business=business, method=summary, timing=timing)
    if policy.notice_days and policy.charge_timing is not ChargeTiming.ON_SEND:
        text += words["notice"].format(days=policy.notice_days)
    text += "."
    if not policy.customers_may_disable:
        text += words["locked"].format(business=business)
    return AutoPayTerms(version=TERMS_VERSION, text=text)


def _view(owner: WalletOwner, language: Language = "en") -> AutoPayView:
    policy = owner.portal.autopay
    current = owner.method(owner.autopay_method_id) if owner.autopay_method_id else None
    shown = current or next((m for m in owner.methods if m.is_default), None)
    return AutoPayView(
        enabled=owner.autopay_enabled,
        payment_method_id=current.payment_method_id if current else None,
        method_summary=current.summary if current else None,
        customers_may_disable=policy.customers_may_disable,
        locked_message=None if policy.customers_may_disable else policy.locked_message,
        charge_timing=policy.charge_timing,
        days_before_due=policy.days_before_due,
        notice_days=policy.notice_days,
        terms=terms_for(owner, shown, language) if shown else None,
    )


def get_autopay(
    svc: Services, principal: Principal, payment_method_id: str | None, language: Language
) -> AutoPayView:
    """The customer's AutoPay and the terms they would agree to (for `payment_method_id`,
    else their AutoPay or default method)."""
    owner = session_owner(svc, principal)
    view = _view(owner, language)
    if payment_method_id:
        method = owner.method(payment_method_id)
        if method is None:
            raise NotFoundError("No such payment method.", code="payment_method_not_found")
        view = view.model_copy(update={"terms": terms_for(owner, method, language)})
    return view


def set_autopay(
    svc: Services, principal: Principal, change: AutoPayChange, client_ip: str
) -> AutoPayView:
    """Turn AutoPay on (explicit consent to the terms, with a saved method; one method at a
    time: choosing another replaces the old one) or off (unless the business forbids it).
    Each change is logged with its terms, method, time and client address."""
    for attempt in range(_SAVE_ATTEMPTS):
        owner = session_owner(svc, principal)
        try:
            return _apply(svc, owner, change, client_ip)
        except ConditionsFailed as error:
            if attempt == _SAVE_ATTEMPTS - 1:
                raise ConflictError(
                    "Your account changed meanwhile; try again.", code="concurrent_change"
                ) from error
    raise AssertionError("unreachable")  # pragma: no cover


def _apply(svc: Services, owner: WalletOwner, change: AutoPayChange, client_ip: str) -> AutoPayView:
    policy = owner.portal.autopay
    now = svc.clock.now()
    previous = owner.method(owner.autopay_method_id) if owner.autopay_method_id else None
    if not change.enabled:
        if not owner.autopay_enabled:
            return _view(owner, change.language)
        if not policy.customers_may_disable:
            raise ForbiddenError(policy.locked_message, code="autopay_locked")
        entry = _entry("autopay_disabled", now, {"client_ip": client_ip})
        _save(svc, owner, False, None, previous, entry, now)
        return _view(_refreshed(svc, owner), change.language)
    if change.payment_method_id is None:
        raise ValidationFailedError(
            "Choose the payment method for AutoPay.", code="method_required"
        )
    method = owner.method(change.payment_method_id)
    if method is None:
        raise NotFoundError("No such payment method.", code="payment_method_not_found")
    if owner.autopay_enabled and owner.autopay_method_id == method.payment_method_id:
        return _view(owner, change.language)  # already so: nothing to agree to again
    if not change.accept_terms:
        raise ValidationFailedError(
            "AutoPay needs your authorization: accept the terms to turn it on.",
            code="terms_not_accepted",
        )
    if change.terms_version not in (None, TERMS_VERSION):
        raise ConflictError(
            "The AutoPay terms changed since you read them; read them again.",
            code="terms_changed",
        )
    terms = terms_for(owner, method, change.language)
    kind = "autopay_method_changed" if owner.autopay_enabled else "autopay_enabled"
    details: dict[str, object] = {
        "terms_text": terms.text,
        "terms_version": terms.version,
        "payment_method_id": method.payment_method_id,
        "method_summary": method.summary,
        "client_ip": client_ip,
    }
    _save(svc, owner, True, method, previous, _entry(kind, now, details), now)
    return _view(_refreshed(svc, owner), change.language)


def _entry(
    kind: str,
    at: datetime,
    details: dict[str, object],
    source: Literal["customer", "business", "system"] = "customer",
) -> ActivityEntry:
    from portico.data.activity import new_entry_id

    return ActivityEntry(entry_id=new_entry_id(), kind=kind, at=at, source=source, details=details)


def stop_for_removed_method(svc: Services, owner: WalletOwner, reason: str) -> None:
    """Turn AutoPay off because its method is gone at Stripe (detached by the bank or the
    business): without a method there is nothing to charge. Logged as the system's doing."""
    previous = owner.method(owner.autopay_method_id) if owner.autopay_method_id else None
    entry = _entry("autopay_disabled", svc.clock.now(), {"reason": reason}, source="system")
    with contextlib.suppress(ConditionsFailed):  # changed meanwhile: the customer acted
        _save(svc, owner, False, None, previous, entry, svc.clock.now())


def _method_facts(method: PaymentMethod | None) -> tuple[str, int | None, int | None] | None:
    if method is None:
        return None
    return method.payment_method_id, method.exp_month, method.exp_year


def _save(
    svc: Services,
    owner: WalletOwner,
    enabled: bool,
    method: PaymentMethod | None,
    previous: PaymentMethod | None,
    entry: ActivityEntry,
    now: datetime,
) -> None:
    invoices = svc.payment_records.invoices(
        owner.business_id, owner.customer_id, owner.open_invoice_ids
    )
    svc.autopay.set_autopay(
        owner.business_id,
        owner.customer_id,
        enabled=enabled,
        method=_method_facts(method),
        was=(owner.autopay_enabled, owner.autopay_method_id),
        previous_method=_method_facts(previous),
        invoices=[i for i in invoices.values() if i.autopay_customer != enabled],
        entry=entry,
        now=now,
        events=_autopay_events(owner, enabled, method, entry, now),
    )


def _autopay_events(
    owner: WalletOwner,
    enabled: bool,
    method: PaymentMethod | None,
    entry: ActivityEntry,
    now: datetime,
) -> list[DomainEvent]:
    """`autopay.enabled` when AutoPay is turned on or moves to another method (the event
    names the method it now charges), `autopay.disabled` when it is turned off."""
    if enabled == owner.autopay_enabled and not enabled:
        return []
    data: dict[str, object] = {"source": entry.source}
    if enabled and method is not None:
        data |= {
            "payment_method_id": method.payment_method_id,
            "method_summary": method.summary,
            "method_changed": owner.autopay_enabled,
        }
    elif "reason" in entry.details:
        data["reason"] = entry.details["reason"]
    return [
        DomainEvent(
            type=EventType.AUTOPAY_ENABLED if enabled else EventType.AUTOPAY_DISABLED,
            business_id=owner.business_id,
            customer_id=owner.customer_id,
            occurred_at=now,
            data=data,
        )
    ]


def _refreshed(svc: Services, owner: WalletOwner) -> WalletOwner:
    fresh = svc.wallets.owner(owner.business_id, owner.customer_id)
    if fresh is None:
        raise UnauthorizedError("This account no longer exists; sign in again.")
    return fresh


class HoldView(DomainModel):
    invoice_id: str
    held: bool


def hold_invoice(
    svc: Services, principal: Principal, invoice_id: str, held: bool, client_ip: str
) -> HoldView:
    """Take one invoice out of AutoPay (`held`), or put it back, from the notice's link or
    the invoice page; the customer pays it themselves meanwhile."""
    business_id, customer_id, tabs, _ = session_customer(principal)
    require_tab(tabs, "payments")
    for attempt in range(_SAVE_ATTEMPTS):
        invoice = svc.autopay.invoice(business_id, customer_id, invoice_id)
        if invoice is None or invoice.status is not CrmInvoiceStatus.SENT:
            raise NotFoundError("No such invoice.")
        if not invoice.autopay_eligible:
            raise ConflictError("AutoPay does not charge this invoice.", code="not_autopay_invoice")
        if invoice.autopay_hold == held:
            return HoldView(invoice_id=invoice_id, held=held)
        entry = _entry(
            "autopay_hold" if held else "autopay_hold_released",
            svc.clock.now(),
            {"invoice_id": invoice_id, "invoice_number": invoice.number, "client_ip": client_ip},
        )
        try:
            svc.autopay.set_hold(business_id, invoice, held, entry, svc.clock.now())
        except ConditionsFailed:
            if attempt == _SAVE_ATTEMPTS - 1:
                raise ConflictError(
                    "This invoice changed meanwhile; try again.", code="concurrent_change"
                ) from None
            continue
        return HoldView(invoice_id=invoice_id, held=held)
    raise AssertionError("unreachable")  # pragma: no cover


def check_method_removable(owner: WalletOwner, method_id: str) -> None:
    """The AutoPay card cannot be deleted while AutoPay uses it: where the business forbids
    turning AutoPay off, its message says why; otherwise the customer switches first."""
    if not (owner.autopay_enabled and owner.autopay_method_id == method_id):
        return
    policy = owner.portal.autopay
    if not policy.customers_may_disable:
        raise ForbiddenError(policy.locked_message, code="autopay_locked")
    raise ConflictError(
        "This payment method pays your AutoPay. Choose another one for AutoPay, or turn "
        "AutoPay off, before deleting it.",
        code="autopay_method",
    )
