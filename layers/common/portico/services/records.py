"""The CRM sync: idempotent upserts of customers, invoices, visits and estimates, keyed by
the business's own ids, and the admin reads that go with them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from portico.bootstrap import Services
from portico.data.pagination import Page
from portico.data.repositories import ConcurrentChangeError, OwnedRecordRepository
from portico.domain.billing import CrmInvoiceStatus, Invoice, InvoiceRecord
from portico.domain.common import DomainModel
from portico.domain.customer import Customer, CustomerFilter, CustomerRecord
from portico.domain.files import visit_photo_key
from portico.domain.service import Estimate, EstimateRecord, Visit, VisitRecord
from portico.errors import ConflictError, NotFoundError, ValidationFailedError
from portico.services.portals import get_business
from portico.services.service_history import delete_file

T = TypeVar("T", bound=DomainModel)
_SAVE_ATTEMPTS = 3


@dataclass(frozen=True)
class Upserted[T: DomainModel]:
    """The record as stored, and whether this call created it."""

    record: T
    created: bool


def upsert_customer(
    svc: Services, business_id: str, customer_id: str, record: CustomerRecord
) -> Upserted[Customer]:
    """Create or update a customer from the CRM. Sending the same record twice changes nothing."""
    existing = svc.customers.get(business_id, customer_id)
    if (
        existing is not None
        and CustomerRecord(**_record_fields(existing, CustomerRecord)) == record
    ):
        return Upserted(existing, created=False)
    saved = svc.customers.save_record(business_id, customer_id, record, svc.clock.now())
    return Upserted(saved, created=existing is None)


def get_customer(svc: Services, business_id: str, customer_id: str) -> Customer:
    customer = svc.customers.get(business_id, customer_id)
    if customer is None:
        raise NotFoundError("No such customer.")
    return customer


def list_customers(
    svc: Services, business_id: str, which: CustomerFilter, limit: int, cursor: str | None
) -> Page[Customer]:
    return svc.customers.list(business_id, which, limit, cursor)


def _record_fields(model: DomainModel, record_cls: type[DomainModel]) -> dict[str, Any]:
    return {name: getattr(model, name) for name in record_cls.model_fields}


def _check_currency(svc: Services, business_id: str, currency: str) -> None:
    business = get_business(svc, business_id)
    if currency != business.currency:
        raise ValidationFailedError(
            f"This business bills in {business.currency}, not {currency}.",
            code="currency_not_supported",
        )


R = TypeVar("R", bound=DomainModel)


def _upsert[R: DomainModel](
    svc: Services,
    repository: OwnedRecordRepository[R],
    business_id: str,
    record_id: str,
    record: DomainModel,
    build: Callable[[R | None], R],
) -> Upserted[R]:
    """Read the current record, build the new one from it, and save it atomically; retry
    when something else changed the record in between."""
    for attempt in range(_SAVE_ATTEMPTS):
        previous = repository.get_current(business_id, record_id)
        if previous is not None and _record_fields(previous, type(record)) == dict(record):
            return Upserted(previous, created=False)
        updated = build(previous)
        try:
            repository.save(business_id, updated, previous)
        except ConcurrentChangeError:
            if attempt == _SAVE_ATTEMPTS - 1:
                raise
            continue
        return Upserted(updated, created=previous is None)
    raise AssertionError("unreachable")  # pragma: no cover


def upsert_invoice(
    svc: Services, business_id: str, invoice_id: str, record: InvoiceRecord
) -> Upserted[Invoice]:
    """Create or update an invoice; the customer's balance moves in the same transaction.

    Only sent invoices count toward the balance. Money already applied stays applied, so an
    invoice that has received payments cannot be voided from the CRM.
    """
    _check_currency(svc, business_id, record.currency)

    def build(previous: Invoice | None) -> Invoice:
        if previous is not None and previous.amount_paid and record.status is CrmInvoiceStatus.VOID:
            raise ConflictError(
                "This invoice has payments applied; refund them before voiding it.",
                code="invoice_has_payments",
            )
        kept = previous.kept_by_sync(record) if previous is not None else {}
        if previous is None or previous.customer_id != record.customer_id:
            # A new (or moved) invoice is on AutoPay if its customer is (checked again, in
            # the same transaction, against the customer's AutoPay flag as read here).
            customer = svc.customers.get(business_id, record.customer_id)
            kept["autopay_customer"] = customer is not None and customer.autopay_enabled
        return Invoice(invoice_id=invoice_id, updated_at=svc.clock.now(), **kept, **dict(record))

    return _upsert(svc, svc.invoices, business_id, invoice_id, record, build)


def upsert_visit(
    svc: Services, business_id: str, visit_id: str, record: VisitRecord
) -> Upserted[Visit]:
    """Create or update a visit. Its photos stay with it; a visit moved to another customer
    leaves them behind (they show the first customer's property), and their files go."""
    dropped: list[str] = []

    def build(previous: Visit | None) -> Visit:
        dropped.clear()
        photos = []
        if previous is not None:
            if previous.customer_id == record.customer_id:
                photos = previous.photos
            else:
                dropped.extend(
                    visit_photo_key(business_id, previous.customer_id, visit_id, photo.photo_id)
                    for photo in previous.photos
                )
        return Visit(visit_id=visit_id, updated_at=svc.clock.now(), photos=photos, **dict(record))

    result = _upsert(svc, svc.visits, business_id, visit_id, record, build)
    for key in dropped:
        delete_file(svc, key)
    return result


def upsert_estimate(
    svc: Services, business_id: str, estimate_id: str, record: EstimateRecord
) -> Upserted[Estimate]:
    _check_currency(svc, business_id, record.currency)

    def build(previous: Estimate | None) -> Estimate:
        # The customer's decision, change requests and deposit are Portico's: kept. They
        # belong to that customer, so such an estimate cannot move to another one.
        kept = previous.kept_by_sync() if previous is not None else {}
        moved = previous is not None and previous.customer_id != record.customer_id
        if moved and kept.get("decision") is not None:
            raise ConflictError(
                "The customer has decided on this estimate; it cannot move to another "
                "customer. Send a new estimate instead.",
                code="estimate_decided",
            )
        return Estimate(estimate_id=estimate_id, updated_at=svc.clock.now(), **kept, **dict(record))

    return _upsert(svc, svc.estimates, business_id, estimate_id, record, build)


def get_record[R: DomainModel](
    repository: OwnedRecordRepository[R], business_id: str, record_id: str
) -> R:
    found = repository.get(business_id, record_id)
    if found is None:
        raise NotFoundError(f"No such {repository.kind}.")
    return found
