"""One read of everything the portal's first page needs about a customer."""

from __future__ import annotations

from datetime import date

from portico.domain.business import Business, PortalSettings
from portico.domain.common import DomainModel
from portico.domain.customer import Customer


class OpenInvoice(DomainModel):
    """A sent invoice that still has money due, as summarised on the customer's profile."""

    invoice_id: str
    number: str
    due_date: date
    amount_due: int


class CustomerOverview(DomainModel):
    """A customer, their business and portal, and the profile's summaries: one read."""

    customer: Customer
    business: Business
    portal: PortalSettings
    open_invoices: list[OpenInvoice]
    upcoming_visits: dict[str, str]  # visit id -> date
    open_estimates: dict[str, str]  # estimate id -> expiry date, or "" for none
