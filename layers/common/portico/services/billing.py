"""The customer's billing pages: dashboard, invoices, payments, statement and documents.

Every page is one DynamoDB request. The per-customer rules (which tabs, the business's time
zone and currency) come from the session's scope; the ids only from the session.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from portico.bootstrap import Services
from portico.clock import business_date
from portico.data.billing import InvoiceFilter
from portico.data.items import InvoiceItem, PaymentItem
from portico.data.pagination import Page
from portico.domain.billing import CrmInvoiceStatus, Invoice, InvoiceView, Payment
from portico.domain.business import PublicPortal, portal_address
from portico.domain.common import DomainModel
from portico.domain.customer import Customer
from portico.domain.statements import EntryKind, Statement, StatementEntry
from portico.errors import BadRequestError, ForbiddenError, NotFoundError, UnauthorizedError
from portico.identity.principal import Principal
from portico.services.logos import document_logo
from portico.services.portals import public_view
from portico.services.scope import customer_scope, require_tab, session_customer

MAX_STATEMENT_YEARS = 5
DEFAULT_STATEMENT_DAYS = 90
EARLIEST = date(2000, 1, 1)


class AutoPayState(DomainModel):
    enabled: bool
    payment_method: str | None = None


class NextVisit(DomainModel):
    visit_id: str
    date: date


class Dashboard(DomainModel):
    """What the customer sees first: what they owe, what is next, and who to call."""

    customer: Customer
    business: PublicPortal
    tabs: list[str]
    currency: str
    today: date
    balance_due: int
    past_due_amount: int
    past_due: bool
    credit_balance: int
    credits_enabled: bool  # whether "Add credit" is offered (the business's choice)
    autopay: AutoPayState
    next_visit: NextVisit | None
    open_invoice_count: int
    open_estimate_count: int
    invoices_available: bool
    notice: str | None = None


class PortalInvoice(InvoiceView):
    past_due: bool
    pdf_url: str


class PortalPayment(Payment):
    receipt_url: str


def dashboard(svc: Services, principal: Principal) -> Dashboard:
    """Balance, past due (in the business's time zone), AutoPay, next visit, counts (one
    BatchGetItem of the profile with its summaries, the portal and the business)."""
    business_id, customer_id, _, _ = session_customer(principal)
    overview = svc.customers.overview(business_id, customer_id)
    if overview is None:
        raise UnauthorizedError("This account no longer exists; sign in again.")
    if not overview.portal.enabled:
        raise ForbiddenError("This portal is turned off.", code="portal_disabled")
    tabs = customer_scope(overview).tabs
    today = business_date(overview.business.timezone, svc.clock.now())
    past_due = sum(i.amount_due for i in overview.open_invoices if i.due_date < today)
    upcoming = sorted(
        (date.fromisoformat(day), visit_id)
        for visit_id, day in overview.upcoming_visits.items()
        if date.fromisoformat(day) >= today
    )
    open_estimates = [
        expiry
        for expiry in overview.open_estimates.values()
        if not expiry or date.fromisoformat(expiry) >= today
    ]
    customer = overview.customer
    invoices_available = "invoices" in tabs
    return Dashboard(
        customer=customer,
        business=public_view(overview.portal, overview.business.name, svc.settings.portal_base_url),
        tabs=sorted(tabs),
        currency=overview.business.currency,
        today=today,
        balance_due=customer.balance_due,
        past_due_amount=past_due,
        past_due=past_due > 0,
        credit_balance=customer.credit_balance,
        credits_enabled=overview.portal.credits.enabled and "payments" in tabs,
        autopay=AutoPayState(
            enabled=customer.autopay_enabled, payment_method=customer.autopay_method_id
        ),
        next_visit=NextVisit(visit_id=upcoming[0][1], date=upcoming[0][0]) if upcoming else None,
        open_invoice_count=len(overview.open_invoices),
        open_estimate_count=len(open_estimates),
        invoices_available=invoices_available,
        notice=None
        if invoices_available
        else f"{overview.business.name} does not send your invoices through this portal; "
        "contact them for copies.",
    )


def _portal_invoice(invoice: Invoice, today: date) -> PortalInvoice:
    view = InvoiceView.of(invoice)
    return PortalInvoice(
        **dict(view),
        past_due=view.amount_due > 0 and invoice.due_date < today,
        pdf_url=f"/v1/me/invoices/{invoice.invoice_id}/pdf",
    )


def list_invoices(
    svc: Services, principal: Principal, which: InvoiceFilter, limit: int, cursor: str | None
) -> Page[PortalInvoice]:
    """The customer's sent invoices, unpaid first, then newest (one Query)."""
    business_id, customer_id, tabs, timezone = session_customer(principal)
    require_tab(tabs, "invoices")
    page = svc.billing.invoice_page(business_id, customer_id, which, limit, cursor)
    today = business_date(timezone, svc.clock.now())
    return Page([_portal_invoice(i, today) for i in page.items], page.next_cursor)


def _visible(invoice: Invoice | None) -> Invoice:
    # Drafts and voided invoices never show; unknown and not-yours look the same.
    if invoice is None or invoice.status is not CrmInvoiceStatus.SENT:
        raise NotFoundError("No such invoice.")
    return invoice


def get_invoice(svc: Services, principal: Principal, invoice_id: str) -> PortalInvoice:
    """One sent invoice with its lines, totals and the payments applied (one GetItem)."""
    business_id, customer_id, tabs, timezone = session_customer(principal)
    require_tab(tabs, "invoices")
    invoice = _visible(svc.billing.invoice(business_id, customer_id, invoice_id))
    return _portal_invoice(invoice, business_date(timezone, svc.clock.now()))


def _portal_url(svc: Services, slug: str) -> str:
    return portal_address(svc.settings.portal_base_url, slug)


def invoice_pdf(svc: Services, principal: Principal, invoice_id: str, language: str) -> bytes:
    """The invoice as a PDF, with the portal link printed at the bottom (one BatchGetItem,
    and one file read when the business has uploaded a logo)."""
    business_id, customer_id, tabs, _ = session_customer(principal)
    require_tab(tabs, "invoices")
    found = svc.billing.document(
        business_id, customer_id, InvoiceItem.keys(business_id, customer_id, invoice_id)
    )
    if found is None or not isinstance(found[0], Invoice):
        raise NotFoundError("No such invoice.")
    invoice, customer, portal, name = found
    view = InvoiceView.of(_visible(invoice))
    from portico.documents import render_invoice_pdf  # fpdf2 only where a PDF is asked for

    return render_invoice_pdf(
        view,
        public_view(portal, name, svc.settings.portal_base_url),
        customer,
        _portal_url(svc, portal.slug),
        language,
        logo=document_logo(svc, portal),
    )


def list_payments(
    svc: Services, principal: Principal, limit: int, cursor: str | None
) -> Page[PortalPayment]:
    """Payments and refunds with the invoices each was applied to, newest first."""
    business_id, customer_id, tabs, _ = session_customer(principal)
    require_tab(tabs, "payments")
    page = svc.billing.payment_page(business_id, customer_id, limit, cursor)
    items = [
        PortalPayment(**dict(p), receipt_url=f"/v1/me/payments/{p.payment_id}/receipt")
        for p in page.items
    ]
    return Page(items, page.next_cursor)


def receipt_pdf(svc: Services, principal: Principal, payment_id: str, language: str) -> bytes:
    """A payment's receipt as a PDF (one BatchGetItem, and the logo's file read if any),
    dated in the business's time zone."""
    business_id, customer_id, tabs, timezone = session_customer(principal)
    require_tab(tabs, "payments")
    found = svc.billing.document(
        business_id, customer_id, PaymentItem.keys(business_id, customer_id, payment_id)
    )
    if found is None or not isinstance(found[0], Payment):
        raise NotFoundError("No such payment.")
    payment, customer, portal, name = found
    from portico.documents import render_receipt_pdf

    return render_receipt_pdf(
        payment,
        [],
        public_view(portal, name, svc.settings.portal_base_url),
        customer,
        _portal_url(svc, portal.slug),
        language,
        timezone=timezone,
        logo=document_logo(svc, portal),
    )


StatementFormat = Literal["json", "csv", "pdf"]


def statement_range(today: date, start: date | None, end: date | None) -> tuple[date, date]:
    """The statement's dates: the last 90 days by default; at most five years; sane dates."""
    end = end or today
    start = start or end - timedelta(days=DEFAULT_STATEMENT_DAYS)
    if start > end:
        raise BadRequestError("`from` is after `to`.", code="invalid_range")
    if start < EARLIEST or end > today + timedelta(days=366):
        raise BadRequestError("The dates are out of range.", code="invalid_range")
    if end - start > timedelta(days=366 * MAX_STATEMENT_YEARS + 2):
        raise BadRequestError(
            f"A statement covers at most {MAX_STATEMENT_YEARS} years.", code="range_too_long"
        )
    return start, end


def statement(
    svc: Services, principal: Principal, start: date | None, end: date | None
) -> Statement:
    """Opening balance, every invoice and payment in the range with a running balance, and
    the closing balance (one Query of the customer's ledger)."""
    business_id, customer_id, tabs, timezone = session_customer(principal)
    require_tab(tabs, "statement")
    today = business_date(timezone, svc.clock.now())
    start, end = statement_range(today, start, end)
    opening, entries, balance = 0, [], 0
    for record in svc.billing.ledger(business_id, customer_id, end):
        entry = _entry(record, timezone)
        balance += entry.amount
        if entry.date < start:
            opening = balance
            continue
        entries.append(entry.model_copy(update={"balance": balance}))
    return Statement(
        customer_id=customer_id,
        currency=principal.scope.currency if principal.scope else "",
        from_date=start,
        to_date=end,
        opening_balance=opening,
        entries=entries,
        closing_balance=balance,
        generated_at=svc.clock.now(),
        generated_on=today,
    )


def _entry(record: Invoice | Payment, timezone: str) -> StatementEntry:
    if isinstance(record, Invoice):
        return StatementEntry(
            date=record.issue_date,
            kind=EntryKind.INVOICE,
            reference=record.number,
            description=f"Invoice {record.number}",
            amount=record.total,
            balance=0,
        )
    kind = EntryKind.REFUND if record.status == "refunded" else EntryKind.PAYMENT
    sign = 1 if kind is EntryKind.REFUND else -1
    return StatementEntry(
        date=business_date(timezone, record.created_at),  # the business's date, not UTC's
        kind=kind,
        reference=record.payment_id,
        description=record.method_summary or "Payment",
        amount=sign * record.amount,
        balance=0,
    )


def statement_document(
    svc: Services, principal: Principal, start: date | None, end: date | None, language: str
) -> bytes:
    """The statement as a PDF, with the business's header (a Query and a BatchGetItem, and
    the logo's file read if any)."""
    found = statement(svc, principal, start, end)
    overview = svc.customers.overview(principal.business_id, found.customer_id)
    if overview is None:
        raise UnauthorizedError("This account no longer exists; sign in again.")
    from portico.documents import render_statement_pdf

    return render_statement_pdf(
        found,
        public_view(overview.portal, overview.business.name, svc.settings.portal_base_url),
        overview.customer,
        _portal_url(svc, overview.portal.slug),
        language,
        logo=document_logo(svc, overview.portal),
    )


def statement_csv(svc: Services, principal: Principal, start: date | None, end: date | None) -> str:
    from portico.documents import statement_csv as to_csv

    return to_csv(statement(svc, principal, start, end))
