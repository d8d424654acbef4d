"""Request bodies and provisioned businesses for tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portico.bootstrap import Services
from portico.domain.business import NewBusiness
from portico.domain.common import Address, ContactDetails
from portico.services.portals import provision_business


@dataclass(frozen=True)
class TestBusiness:
    business_id: str
    slug: str
    api_key: str


def a_business(
    svc: Services, slug: str = "sparkling-pools", name: str = "Sparkling Pools"
) -> TestBusiness:
    created = provision_business(
        svc,
        NewBusiness(
            name=name,
            slug=slug,
            contact=ContactDetails(
                email="office@example.com",
                phone="+1 512 555 0100",
                address=Address(line1="1 Main St", city="Austin", region="TX", postal_code="78701"),
            ),
        ),
    )
    return TestBusiness(created.business.business_id, slug, created.admin_api_key)


def customer_body(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "Ana Lopez",
        "email": "ana@example.com",
        "phone": "+1 512 555 0101",
        "service_address": {"line1": "12 Oak Ave", "city": "Austin", "region": "TX"},
        "send_invoices": True,
        "service_texts": True,
    } | overrides


def invoice_body(customer_id: str = "cust-1", **overrides: Any) -> dict[str, Any]:
    return {
        "customer_id": customer_id,
        "number": "INV-1001",
        "status": "sent",
        "issue_date": "2026-04-01",
        "due_date": "2026-04-15",
        "currency": "USD",
        "lines": [
            {"description": "Weekly pool service", "quantity": 4, "unit_amount": 2000},
            {"description": "Chlorine", "quantity": "1.5", "unit_amount": 1000},
        ],
        "tax_amount": 400,
        "total": 9900,
        "autopay_eligible": True,
    } | overrides


def visit_body(customer_id: str = "cust-1", **overrides: Any) -> dict[str, Any]:
    return {
        "customer_id": customer_id,
        "date": "2026-04-20",
        "service": "Weekly pool service",
        "status": "completed",
        "technician": "Sam",
        "notes": "Cleaned filter; pH 7.4.",
    } | overrides


def estimate_body(customer_id: str = "cust-1", **overrides: Any) -> dict[str, Any]:
    return {
        "customer_id": customer_id,
        "number": "EST-501",
        "status": "sent",
        "issue_date": "2026-04-02",
        "expiry_date": "2026-05-02",
        "currency": "USD",
        "lines": [{"description": "Pump replacement", "quantity": 1, "unit_amount": 85000}],
        "tax_amount": 0,
        "total": 85000,
        "deposit_amount": 20000,
    } | overrides
