"""An in-process AWS (moto) with the template's table and one realistic business in it.

Importing this module sets the environment first, as the functions' own would be, so nothing
it imports afterwards can create a client pointed at a real account.
"""

from __future__ import annotations

import os

os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_SESSION_TOKEN": "bench",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "TABLE_NAME": "portico-bench",
        "POWERTOOLS_SERVICE_NAME": "portico",
        "POWERTOOLS_LOG_LEVEL": "ERROR",
        "POWERTOOLS_METRICS_NAMESPACE": "Portico",
        "POWERTOOLS_DEV": "false",
    }
)
for _name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
    os.environ.pop(_name, None)

from collections.abc import Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from datetime import UTC, date, datetime, timedelta  # noqa: E402
from typing import Any  # noqa: E402

import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402

from portico import bootstrap  # noqa: E402
from portico.clock import ManualClock  # noqa: E402
from portico.config import Settings  # noqa: E402
from portico.domain.billing import InvoiceRecord  # noqa: E402
from portico.domain.business import NewBusiness, PortalChanges  # noqa: E402
from portico.domain.customer import CustomerRecord  # noqa: E402
from portico.domain.service import EstimateRecord, VisitRecord  # noqa: E402
from portico.services import portals, records  # noqa: E402
from portico_local.template import table_definition  # noqa: E402
from tests.support.aws_calls import install_counter  # noqa: E402

# botocore copies its built-in handlers into each new session, so the call counter must be
# registered before the first client (PynamoDB's included) exists.
install_counter()

NOW = datetime(2026, 5, 1, 15, 0, tzinfo=UTC)
CITIES = ("Austin", "Round Rock", "Cedar Park", "Pflugerville", "Georgetown")


@dataclass
class World:
    """One business and what it has synced, with the ids the requests need."""

    svc: bootstrap.Services
    business_id: str
    slug: str
    api_key: str
    customer_ids: list[str] = field(default_factory=list)
    invoice_ids: list[str] = field(default_factory=list)
    visit_ids: list[str] = field(default_factory=list)
    estimate_ids: list[str] = field(default_factory=list)
    owners: dict[str, str] = field(default_factory=dict)  # record id -> its customer id


def customer_body(n: int) -> dict[str, Any]:
    """A CRM customer record, varied by `n` so repeated PUTs are real changes."""
    return {
        "name": f"Customer {n}",
        "email": f"customer{n}@example.com",
        "phone": f"+1 512 555 {n % 10000:04d}",
        "service_address": {
            "line1": f"{n} Oak Ave",
            "city": CITIES[n % len(CITIES)],
            "region": "TX",
        },
        "send_invoices": True,
        "service_texts": n % 2 == 0,
    }


def invoice_body(customer_id: str, n: int) -> dict[str, Any]:
    issued = date(2026, 1, 1) + timedelta(days=n % 120)
    return {
        "customer_id": customer_id,
        "number": f"INV-{10000 + n}",
        "status": "sent",
        "issue_date": issued.isoformat(),
        "due_date": (issued + timedelta(days=15)).isoformat(),
        "currency": "USD",
        "lines": [
            {"description": "Weekly pool service", "quantity": 4, "unit_amount": 2000 + n % 7},
            {"description": "Chlorine", "quantity": "1.5", "unit_amount": 1000},
        ],
        "tax_amount": 400,
        "total": 4 * (2000 + n % 7) + 1500 + 400,
        "autopay_eligible": n % 3 == 0,
    }


def visit_body(customer_id: str, n: int) -> dict[str, Any]:
    return {
        "customer_id": customer_id,
        "date": (date(2026, 1, 1) + timedelta(days=n % 120)).isoformat(),
        "service": "Weekly pool service",
        "status": "completed",
        "technician": "Sam",
        "notes": f"Visit {n}: cleaned filter; pH 7.4.",
    }


def estimate_body(customer_id: str, n: int) -> dict[str, Any]:
    return {
        "customer_id": customer_id,
        "number": f"EST-{500 + n}",
        "status": "sent",
        "issue_date": "2026-04-02",
        "expiry_date": "2026-05-02",
        "currency": "USD",
        "lines": [{"description": "Pump replacement", "quantity": 1, "unit_amount": 85000 + n}],
        "tax_amount": 0,
        "total": 85000 + n,
        "deposit_amount": 20000,
    }


def _populate(svc: bootstrap.Services, customers: int) -> World:
    created = portals.provision_business(
        svc,
        NewBusiness.model_validate(
            {
                "name": "Sparkling Pools",
                "slug": "sparkling-pools",
                "contact": {
                    "email": "office@example.com",
                    "phone": "+1 512 555 0100",
                    "address": {"line1": "1 Main St", "city": "Austin", "region": "TX"},
                },
            }
        ),
    )
    business_id = created.business.business_id
    # The public portal route answers 404 for a disabled portal; a page view needs it on.
    portals.update_portal(svc, business_id, PortalChanges(enabled=True))
    world = World(svc, business_id, created.portal.slug, created.admin_api_key)
    for c in range(customers):
        customer_id = f"cust-{c}"
        records.upsert_customer(
            svc, business_id, customer_id, CustomerRecord.model_validate(customer_body(c))
        )
        world.customer_ids.append(customer_id)
        # A few months of weekly service per customer: invoices, visits, one estimate.
        for k in range(3):
            n = c * 3 + k
            records.upsert_invoice(
                svc,
                business_id,
                f"inv-{n}",
                InvoiceRecord.model_validate(invoice_body(customer_id, n)),
            )
            world.invoice_ids.append(f"inv-{n}")
            world.owners[f"inv-{n}"] = customer_id
            records.upsert_visit(
                svc,
                business_id,
                f"visit-{n}",
                VisitRecord.model_validate(visit_body(customer_id, n)),
            )
            world.visit_ids.append(f"visit-{n}")
            world.owners[f"visit-{n}"] = customer_id
        records.upsert_estimate(
            svc,
            business_id,
            f"est-{c}",
            EstimateRecord.model_validate(estimate_body(customer_id, c)),
        )
        world.estimate_ids.append(f"est-{c}")
        world.owners[f"est-{c}"] = customer_id
    return world


@contextmanager
def world(customers: int = 10) -> Iterator[World]:
    """moto running, the table created from template.yaml, the process's services installed
    (before any handler is imported, since handlers take them at import), and a business."""
    clock = ManualClock(NOW)
    svc = bootstrap.Services.build(Settings.from_env(), clock)
    bootstrap.use(svc)
    with mock_aws():
        boto3.client("dynamodb").create_table(
            TableName=os.environ["TABLE_NAME"], **table_definition()
        )
        yield _populate(svc, customers)
