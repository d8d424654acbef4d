"""Reads for the customer's billing pages: each page is one DynamoDB request."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pynamodb.exceptions import DoesNotExist

from portico.data.convert import values_of
from portico.data.items import (
    CustomerItem,
    InvoiceItem,
    PaymentItem,
    PortalSettingsItem,
    customer_pk,
    ledger_pk,
)
from portico.data.pagination import Page, query_page
from portico.data.repositories import to_customer, to_portal
from portico.data.table import PorticoItem
from portico.domain.billing import Invoice, Payment
from portico.domain.business import PortalSettings
from portico.domain.customer import Customer

InvoiceFilter = Literal["open", "paid", "all"]
_PREFIX = {"open": "0#", "paid": "1#", "all": ""}


def to_invoice(item: InvoiceItem) -> Invoice:
    return Invoice(invoice_id=item.sk.split("#", 1)[1], **values_of(item, Invoice.model_fields))


def to_payment(item: PaymentItem) -> Payment:
    return Payment(payment_id=item.sk.split("#", 1)[1], **values_of(item, Payment.model_fields))


class BillingRepository:
    def invoice_page(
        self,
        business_id: str,
        customer_id: str,
        which: InvoiceFilter,
        limit: int,
        cursor: str | None,
    ) -> Page[Invoice]:
        """Sent invoices, unpaid first then newest (one Query on GSI3)."""
        pk = InvoiceItem.portal_list_pk(business_id, customer_id)
        condition = PorticoItem.gsi3sk.startswith(_PREFIX[which]) if _PREFIX[which] else None
        return query_page(
            PorticoItem.gsi3.query,
            {"GSI3PK": pk},
            InvoiceItem,
            to_invoice,
            limit,
            cursor,
            hash_key=pk,
            range_key_condition=condition,
        )

    def invoice(self, business_id: str, customer_id: str, invoice_id: str) -> Invoice | None:
        """One of the customer's invoices (one GetItem), whatever its status."""
        try:
            return to_invoice(
                InvoiceItem.get(*InvoiceItem.keys(business_id, customer_id, invoice_id))
            )
        except DoesNotExist:
            return None

    def payment_page(
        self, business_id: str, customer_id: str, limit: int, cursor: str | None
    ) -> Page[Payment]:
        """Payments and refunds, newest first (one Query on the customer's collection)."""
        pk = customer_pk(business_id, customer_id)
        return query_page(
            PaymentItem.query,
            {"PK": pk},
            PaymentItem,
            to_payment,
            limit,
            cursor,
            hash_key=pk,
            range_key_condition=PorticoItem.sk.startswith("PAYMENT#"),
            scan_index_forward=False,
        )

    def document(
        self, business_id: str, customer_id: str, record_key: tuple[str, str]
    ) -> tuple[Any, Customer, PortalSettings, str] | None:
        """A record with its customer and portal, for a PDF (one BatchGetItem)."""
        keys = [
            record_key,
            CustomerItem.keys(business_id, customer_id),
            PortalSettingsItem.keys(business_id),
        ]
        found: dict[type, Any] = {type(item): item for item in PorticoItem.batch_get(keys)}
        customer, portal = found.get(CustomerItem), found.get(PortalSettingsItem)
        record = found.get(InvoiceItem) or found.get(PaymentItem)
        if record is None or customer is None or portal is None:
            return None
        domain = to_invoice(record) if isinstance(record, InvoiceItem) else to_payment(record)
        return domain, to_customer(customer), to_portal(portal), portal.business_name

    def ledger(self, business_id: str, customer_id: str, until: date) -> list[Invoice | Payment]:
        """Sent invoices and payments up to `until`, oldest first (Query on GSI2; one
        request for up to 1 MB of history, about a decade of weekly service)."""
        pk = ledger_pk(business_id, customer_id)
        entries: list[Invoice | Payment] = []
        for item in PorticoItem.gsi2.query(pk, PorticoItem.gsi2sk <= f"{until.isoformat()}~"):
            if isinstance(item, InvoiceItem):
                entries.append(to_invoice(item))
            elif isinstance(item, PaymentItem):
                entries.append(to_payment(item))
        return entries
