"""The repositories against moto and against dynalite, with the same assertions: the reads
(GetItem, Query on the GSIs with key conditions, filters and limits, BatchGetItem over 100
keys, pagination cursors), the single-item conditional writes, and on dynalite every
operation of Portico's transactions replayed as its own request (tests/dynalite/replay.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portico.bootstrap import Services
from portico.clock import ManualClock
from portico.config import Settings
from portico.data.billing import BillingRepository
from portico.data.pagination import decode_cursor
from portico.domain.billing import InvoiceRecord
from portico.domain.customer import CustomerFilter, CustomerRecord
from portico.domain.files import PhotoKind, VisitPhoto
from portico.domain.service import VisitRecord
from portico.errors import BadRequestError, ConflictError
from portico.services.api_keys import new_key
from portico.services.records import upsert_customer, upsert_invoice, upsert_visit
from tests.dynalite.conftest import Table
from tests.support.factories import a_business, invoice_body, visit_body


@pytest.fixture
def svc(table: Table, clock: ManualClock) -> Services:
    """Services on the test's table: marked configured, so that they keep its endpoint."""
    services = Services(Settings.from_env(), clock)
    services._table_configured = True
    return services


def test_a_business_is_provisioned_and_read_back(svc: Services) -> None:
    biz = a_business(svc)
    other = a_business(svc, slug="clear-water", name="Clear Water")

    business = svc.businesses.get(biz.business_id)
    assert business is not None
    assert business.slug == "sparkling-pools"
    assert {b.business_id for b in svc.businesses.list_all()} == {
        biz.business_id,
        other.business_id,
    }
    assert svc.businesses.taken_slugs(["sparkling-pools", "free-slug", "clear-water"]) == {
        "sparkling-pools",
        "clear-water",
    }
    found = svc.portals.with_business(biz.business_id)
    assert found is not None
    assert found[1].name == "Sparkling Pools"
    by_slug = svc.portals.find_by_slug("clear-water")
    assert by_slug is not None
    assert by_slug[0].business_id == other.business_id
    assert svc.portals.find_by_slug("nobody") is None
    keys = svc.api_keys.list(biz.business_id)
    assert [key.label for key in keys] == ["Provisioning"]


def test_a_taken_slug_is_refused_and_nothing_of_the_second_business_is_written(
    svc: Services,
) -> None:
    first = a_business(svc)
    with pytest.raises(ConflictError):
        a_business(svc, name="Copycat Pools")
    businesses = svc.businesses.list_all()
    assert [b.business_id for b in businesses] == [first.business_id]
    assert len(svc.api_keys.list(first.business_id)) == 1


def test_api_keys_are_added_once_found_by_hash_and_revoked(
    svc: Services, clock: ManualClock
) -> None:
    biz = a_business(svc)
    key, _, digest = new_key(biz.business_id, "CRM sync", svc)
    svc.api_keys.add(key, digest)
    with pytest.raises(Exception, match="ConditionalCheckFailed"):
        svc.api_keys.add(key, digest)
    assert svc.api_keys.find_by_hash(digest) == key
    revoked = svc.api_keys.revoke(biz.business_id, key.key_id, clock.now())
    assert revoked is not None
    assert revoked.revoked_at == clock.now()
    assert svc.api_keys.revoke("biz_other", key.key_id, clock.now()) is None
    found = svc.api_keys.find_by_hash(digest)
    assert found is not None
    assert found.revoked_at == clock.now()


def _customers(svc: Services, business_id: str, count: int) -> list[str]:
    ids = [f"cust-{n:03d}" for n in range(count)]
    for n, customer_id in enumerate(ids):
        record = CustomerRecord(
            name=f"Customer {n}", email=f"c{n}@example.com", service_texts=n % 2 == 0
        )
        upsert_customer(svc, business_id, customer_id, record)
    return ids


def test_customer_lists_page_with_cursors_and_filters(svc: Services) -> None:
    biz = a_business(svc)
    ids = _customers(svc, biz.business_id, 7)

    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        page = svc.customers.list(biz.business_id, CustomerFilter.ALL, 3, cursor)
        seen += [customer.customer_id for customer in page.items]
        pages += 1
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == ids
    assert pages == 3

    texts_on = svc.customers.list(biz.business_id, CustomerFilter.SERVICE_TEXTS_ON, 10, None)
    assert [c.customer_id for c in texts_on.items] == ids[0::2]
    with_card = svc.customers.list(biz.business_id, CustomerFilter.WITH_PAYMENT_METHOD, 10, None)
    assert with_card.items == []

    other = a_business(svc, slug="clear-water", name="Clear Water")
    first = svc.customers.list(biz.business_id, CustomerFilter.ALL, 3, None)
    with pytest.raises(BadRequestError):
        svc.customers.list(other.business_id, CustomerFilter.ALL, 3, first.next_cursor)
    assert decode_cursor(first.next_cursor, partition={}) is not None


def test_a_page_that_ends_exactly_at_the_last_item(svc: Services, table: Table) -> None:
    biz = a_business(svc)
    ids = _customers(svc, biz.business_id, 4)
    page = svc.customers.list(biz.business_id, CustomerFilter.ALL, 4, None)
    assert [c.customer_id for c in page.items] == ids
    if not table.dynalite:
        # moto knows there is nothing after the limit and returns no LastEvaluatedKey.
        assert page.next_cursor is None
        return
    # dynalite, like DynamoDB, stops at the limit and returns the key it stopped at, so a
    # list can end with an empty page: clients follow `next_cursor` until it is null.
    assert page.next_cursor is not None
    last = svc.customers.list(biz.business_id, CustomerFilter.ALL, 4, page.next_cursor)
    assert last.items == []
    assert last.next_cursor is None


def test_many_customers_are_read_in_batches_and_counted_in_the_funnel(svc: Services) -> None:
    biz = a_business(svc)
    ids = _customers(svc, biz.business_id, 5)
    # Over BatchGetItem's 100 keys: PynamoDB splits the request, the missing ones are absent.
    missing = [f"cust-missing-{n}" for n in range(110)]
    found = svc.customers.get_many(biz.business_id, [*missing[:60], *ids, *missing[60:]])
    assert sorted(found) == ids
    funnel = svc.customers.funnel(biz.business_id)
    assert funnel.customers == 5
    assert funnel.invited == 0
    overview = svc.customers.overview(biz.business_id, ids[0])
    assert overview is not None
    assert overview.portal.slug == "sparkling-pools"
    assert svc.customers.overview(biz.business_id, "cust-missing") is None


def test_invoices_move_the_balance_and_list_unpaid_first(svc: Services) -> None:
    biz = a_business(svc)
    upsert_customer(svc, biz.business_id, "cust-1", CustomerRecord(name="Ana", email=None))
    for n, status in enumerate(["sent", "void", "sent", "draft"]):
        body = invoice_body(number=f"INV-{n}", status=status, issue_date=f"2026-04-0{n + 1}")
        upsert_invoice(svc, biz.business_id, f"inv-{n}", InvoiceRecord.model_validate(body))

    customer = svc.customers.get(biz.business_id, "cust-1")
    assert customer is not None
    assert customer.balance_due == 2 * 9900
    billing = BillingRepository()
    open_page = billing.invoice_page(biz.business_id, "cust-1", "open", 10, None)
    assert [i.invoice_id for i in open_page.items] == ["inv-2", "inv-0"]
    listed = billing.invoice_page(biz.business_id, "cust-1", "all", 10, None).items
    paged: list[str] = []
    cursor: str | None = None
    for _ in range(10):
        page = billing.invoice_page(biz.business_id, "cust-1", "all", 1, cursor)
        paged += [invoice.invoice_id for invoice in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert paged == [invoice.invoice_id for invoice in listed]
    assert paged[:2] == ["inv-2", "inv-0"]
    assert "inv-3" not in paged
    overview = svc.customers.overview(biz.business_id, "cust-1")
    assert overview is not None
    assert sorted(i.invoice_id for i in overview.open_invoices) == ["inv-0", "inv-2"]

    # Moved to another customer: the first one's balance goes down in the same transaction.
    upsert_customer(svc, biz.business_id, "cust-2", CustomerRecord(name="Ben", email=None))
    moved = invoice_body(customer_id="cust-2", number="INV-2", issue_date="2026-04-03")
    upsert_invoice(svc, biz.business_id, "inv-2", InvoiceRecord.model_validate(moved))
    first, second = (svc.customers.get(biz.business_id, c) for c in ("cust-1", "cust-2"))
    assert first is not None
    assert first.balance_due == 9900
    assert second is not None
    assert second.balance_due == 9900


def test_visit_photos_are_conditional_on_the_visit_as_read(
    svc: Services, clock: ManualClock
) -> None:
    biz = a_business(svc)
    upsert_customer(svc, biz.business_id, "cust-1", CustomerRecord(name="Ana", email=None))
    visit = upsert_visit(
        svc, biz.business_id, "visit-1", VisitRecord.model_validate(visit_body())
    ).record

    def photo(n: int) -> VisitPhoto:
        return VisitPhoto(
            photo_id=f"ph-{n}",
            kind=PhotoKind.BEFORE,
            content_type="image/jpeg",
            size=1000,
            added_at=clock.now(),
        )

    assert svc.visits.add_photo(biz.business_id, visit, photo(1), 2, clock.now())
    # The visit as read before that photo: stale, refused.
    assert not svc.visits.add_photo(biz.business_id, visit, photo(2), 2, clock.now())
    current = svc.visits.customer_visit(biz.business_id, "cust-1", "visit-1")
    assert current is not None
    assert [p.photo_id for p in current.photos] == ["ph-1"]
    clock.set(clock.now() + timedelta(seconds=1))
    assert svc.visits.add_photo(biz.business_id, current, photo(2), 2, clock.now())
    full = svc.visits.customer_visit(biz.business_id, "cust-1", "visit-1")
    assert full is not None
    assert len(full.photos) == 2
    # At the limit: refused by the condition on the map's size.
    assert not svc.visits.add_photo(biz.business_id, full, photo(3), 2, clock.now())
    assert svc.visits.remove_photo(biz.business_id, full, "ph-1", clock.now())
    after = svc.visits.customer_visit(biz.business_id, "cust-1", "visit-1")
    assert after is not None
    assert [p.photo_id for p in after.photos] == ["ph-2"]
    history = svc.visits.history(
        biz.business_id, "cust-1", since=None, before=None, newest_first=True, limit=10, cursor=None
    )
    assert [v.visit_id for v in history.items] == ["visit-1"]
