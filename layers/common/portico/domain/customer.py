"""A business's customer, as the CRM pushes it and as the portal sees it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import StrictBool

from portico.domain.common import Address, DomainModel, Email, Language, Phone, ShortText


class PortalAccess(StrEnum):
    """Where the customer is in the portal funnel."""

    NOT_INVITED = "not_invited"
    INVITED = "invited"
    ACTIVE = "active"


class CustomerFilter(StrEnum):
    """The customer-list filters of the admin pages (DESIGN section 2)."""

    ALL = "all"
    WITH_PAYMENT_METHOD = "with_payment_method"
    WITHOUT_PAYMENT_METHOD = "without_payment_method"
    WITH_PORTAL_ACCOUNT = "with_portal_account"
    WITHOUT_PORTAL_ACCOUNT = "without_portal_account"
    SERVICE_TEXTS_ON = "service_texts_on"
    SERVICE_TEXTS_OFF = "service_texts_off"


class CustomerRecord(DomainModel):
    """The fields the business's CRM owns and pushes with `PUT /v1/admin/customers/{id}`."""

    name: ShortText
    email: Email | None
    phone: Phone | None = None
    service_address: Address | None = None
    send_invoices: StrictBool = True
    service_texts: StrictBool = False


class Customer(CustomerRecord):
    """A customer with the state Portico owns: balance, portal access, payment methods."""

    customer_id: str
    balance_due: int = 0
    portal_access: PortalAccess = PortalAccess.NOT_INVITED
    has_payment_method: StrictBool = False
    autopay_enabled: StrictBool = False
    autopay_method_id: str | None = None
    credit_balance: int = 0
    invited_at: datetime | None = None
    last_login_at: datetime | None = None
    # The customer's own edits in the portal (`PATCH /v1/me/profile`): never written by the
    # CRM's sync, so a later push cannot undo them; `phone` stays the CRM's.
    contact_name: str | None = None
    contact_phone: str | None = None
    billing_address: Address | None = None
    # The language the customer chose for their emails (None: the business's).
    language: Language | None = None
    updated_at: datetime
