"""Repositories: the only code that reads and writes items. They return domain models."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any, ClassVar, TypeVar, cast

from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.expressions.condition import Condition, size
from pynamodb.expressions.operand import Path

from portico.data.convert import attributes_of, plain, values_of
from portico.data.items import (
    ApiKeyItem,
    BusinessItem,
    CustomerItem,
    EstimateItem,
    InvoiceItem,
    PortalSettingsItem,
    RecordOwnerItem,
    SlugClaimItem,
    VisitItem,
    business_pk,
)
from portico.data.pagination import Page, query_page
from portico.data.table import PorticoItem
from portico.data.transactions import ConditionsFailed, Transaction
from portico.domain.billing import CrmInvoiceStatus, Invoice
from portico.domain.business import ApiKey, Business, PortalSettings
from portico.domain.common import DomainModel
from portico.domain.customer import Customer, CustomerFilter, CustomerRecord, PortalAccess
from portico.domain.files import PhotoKind, VisitPhoto
from portico.domain.invitations import InviteFunnel
from portico.domain.overview import CustomerOverview, OpenInvoice
from portico.domain.service import Estimate, EstimateStatus, Visit, VisitStatus
from portico.errors import ConflictError, ValidationFailedError

T = TypeVar("T", bound=DomainModel)


class SlugTakenError(ConflictError):
    code = "slug_taken"


class BusinessExistsError(ConflictError):
    code = "business_exists"


Actions = list[Any]  # PynamoDB update actions


def _entry(summary: Any, key: str) -> Path:
    """The document path of one entry of a profile summary map."""
    return cast(Path, summary[key])


class UnknownCustomerError(ValidationFailedError):
    code = "unknown_customer"


class ConcurrentChangeError(ConflictError):
    code = "concurrent_change"


# --- businesses, portals, slugs, API keys -------------------------------------------------


class BusinessRepository:
    def create(
        self, business: Business, portal: PortalSettings, key: ApiKey, key_hash: str
    ) -> None:
        """Claim the slug and write the business, its portal and first API key, atomically."""
        claim = SlugClaimItem(*SlugClaimItem.keys(business.slug), business_id=business.business_id)
        try:
            with Transaction() as tx:
                tx.put("slug", claim, condition=SlugClaimItem.pk.does_not_exist())
                tx.put(
                    "business",
                    _business_item(business),
                    condition=BusinessItem.pk.does_not_exist(),
                )
                tx.put("portal", _portal_item(portal, business.name))
                tx.put("api_key", _api_key_item(key, key_hash))
        except ConditionsFailed as error:
            if "business" in error.labels:
                raise BusinessExistsError("This business already exists.") from error
            raise SlugTakenError(f"The portal address {business.slug!r} is taken.") from error

    def get(self, business_id: str) -> Business | None:
        try:
            item = BusinessItem.get(*BusinessItem.keys(business_id))
        except DoesNotExist:
            return None
        return _business(item)

    def list_all(self) -> list[Business]:
        items = BusinessItem.gsi1.query(BusinessItem.list_key())
        return [_business(item) for item in items if isinstance(item, BusinessItem)]

    def taken_slugs(self, slugs: list[str]) -> set[str]:
        """Which of these portal addresses are already claimed (one BatchGetItem)."""
        keys = [SlugClaimItem.keys(slug) for slug in dict.fromkeys(slugs)]
        return {item.pk.removeprefix("SLUG#") for item in SlugClaimItem.batch_get(keys)}


def _business_item(business: Business) -> BusinessItem:
    return BusinessItem(
        *BusinessItem.keys(business.business_id),
        gsi1pk=BusinessItem.list_key(),
        gsi1sk=business_pk(business.business_id),
        **attributes_of(business, exclude={"business_id"}),
    )


def _business(item: BusinessItem) -> Business:
    business_id = item.pk.removeprefix("BIZ#")
    return Business(business_id=business_id, **values_of(item, Business.model_fields))


class PortalRepository:
    def get(self, business_id: str) -> PortalSettings | None:
        try:
            item = PortalSettingsItem.get(*PortalSettingsItem.keys(business_id))
        except DoesNotExist:
            return None
        return to_portal(item)

    def with_business(self, business_id: str) -> tuple[PortalSettings, Business] | None:
        """The portal and its business (one BatchGetItem)."""
        keys = [PortalSettingsItem.keys(business_id), BusinessItem.keys(business_id)]
        found: dict[type, Any] = {type(item): item for item in PorticoItem.batch_get(keys)}
        portal, business = found.get(PortalSettingsItem), found.get(BusinessItem)
        if portal is None or business is None:
            return None
        return to_portal(portal), _business(business)

    def find_by_slug(self, slug: str) -> tuple[PortalSettings, str] | None:
        """The portal at this address and its business's name (one Query on GSI1)."""
        pk, sk = PortalSettingsItem.slug_index_keys(slug)
        for item in PortalSettingsItem.gsi1.query(pk, PorticoItem.gsi1sk == sk, limit=1):
            if isinstance(item, PortalSettingsItem):
                return to_portal(item), item.business_name
        return None

    def save(
        self,
        portal: PortalSettings,
        business_name: str,
        previous: PortalSettings,
        timezone: str | None = None,
    ) -> None:
        """Save the settings; a new slug is claimed and the old one released, and a new time
        zone set on the business, atomically."""
        previous_slug, previous_updated_at = previous.slug, previous.updated_at
        try:
            with Transaction() as tx:
                business_actions: Actions = []
                if timezone is not None:
                    business_actions.append(BusinessItem.timezone.set(timezone))
                if portal.slug != previous_slug:
                    business_actions.append(BusinessItem.slug.set(portal.slug))
                    claim = SlugClaimItem(
                        *SlugClaimItem.keys(portal.slug), business_id=portal.business_id
                    )
                    tx.put("slug", claim, condition=SlugClaimItem.pk.does_not_exist())
                    tx.delete(
                        "old_slug",
                        SlugClaimItem(*SlugClaimItem.keys(previous_slug)),
                        condition=SlugClaimItem.business_id == portal.business_id,
                    )
                if business_actions:
                    tx.update(
                        "business",
                        BusinessItem(*BusinessItem.keys(portal.business_id)),
                        actions=business_actions,
                        condition=BusinessItem.pk.exists(),
                    )
                tx.put(
                    "portal",
                    _portal_item(portal, business_name),
                    condition=PortalSettingsItem.updated_at == previous_updated_at,
                )
        except ConditionsFailed as error:
            if "slug" in error.labels:
                raise SlugTakenError(f"The portal address {portal.slug!r} is taken.") from error
            raise ConcurrentChangeError(
                "The portal settings changed while they were being saved; try again."
            ) from error


def _portal_item(portal: PortalSettings, business_name: str) -> PortalSettingsItem:
    return PortalSettingsItem(
        *PortalSettingsItem.keys(portal.business_id),
        gsi1pk=PortalSettingsItem.slug_index_keys(portal.slug)[0],
        gsi1sk=PortalSettingsItem.slug_index_keys(portal.slug)[1],
        business_name=business_name,
        **attributes_of(portal, exclude={"business_id"}),
    )


def to_portal(item: PortalSettingsItem) -> PortalSettings:
    business_id = item.pk.removeprefix("BIZ#")
    return PortalSettings(business_id=business_id, **values_of(item, PortalSettings.model_fields))


class ApiKeyRepository:
    def add(self, key: ApiKey, key_hash: str) -> None:
        _api_key_item(key, key_hash).save(condition=ApiKeyItem.pk.does_not_exist())

    def find_by_hash(self, key_hash: str) -> ApiKey | None:
        """The key with this hash (one GetItem): how the authorizer checks a key."""
        try:
            item = ApiKeyItem.get(*ApiKeyItem.keys(key_hash))
        except DoesNotExist:
            return None
        return ApiKey(**values_of(item, ApiKey.model_fields))

    def list(self, business_id: str) -> list[ApiKey]:
        pk, _ = ApiKeyItem.list_keys(business_id, "")
        return [
            ApiKey(**values_of(item, ApiKey.model_fields))
            for item in ApiKeyItem.gsi1.query(pk)
            if isinstance(item, ApiKeyItem)
        ]

    def revoke(self, business_id: str, key_id: str, when: datetime) -> ApiKey | None:
        pk, sk = ApiKeyItem.list_keys(business_id, key_id)
        for item in ApiKeyItem.gsi1.query(pk, PorticoItem.gsi1sk == sk, limit=1):
            if isinstance(item, ApiKeyItem):
                item.update(
                    actions=[ApiKeyItem.revoked_at.set(when)],
                    condition=ApiKeyItem.business_id == business_id,
                )
                return ApiKey(**values_of(item, ApiKey.model_fields))
        return None


def _api_key_item(key: ApiKey, key_hash: str) -> ApiKeyItem:
    gsi1pk, gsi1sk = ApiKeyItem.list_keys(key.business_id, key.key_id)
    return ApiKeyItem(
        *ApiKeyItem.keys(key_hash), gsi1pk=gsi1pk, gsi1sk=gsi1sk, **attributes_of(key)
    )


# --- customers -----------------------------------------------------------------------------

_CUSTOMER_FILTERS: dict[CustomerFilter, Callable[[], Condition | None]] = {
    CustomerFilter.ALL: lambda: None,
    CustomerFilter.WITH_PAYMENT_METHOD: lambda: CustomerItem.payment_method_count > 0,
    CustomerFilter.WITHOUT_PAYMENT_METHOD: lambda: CustomerItem.payment_method_count == 0,
    CustomerFilter.WITH_PORTAL_ACCOUNT: lambda: CustomerItem.portal_access == "active",
    CustomerFilter.WITHOUT_PORTAL_ACCOUNT: lambda: CustomerItem.portal_access != "active",
    CustomerFilter.SERVICE_TEXTS_ON: lambda: CustomerItem.service_texts == True,  # noqa: E712
    CustomerFilter.SERVICE_TEXTS_OFF: lambda: CustomerItem.service_texts == False,  # noqa: E712
}


class CustomerRepository:
    def get(self, business_id: str, customer_id: str) -> Customer | None:
        try:
            item = CustomerItem.get(*CustomerItem.keys(business_id, customer_id))
        except DoesNotExist:
            return None
        return to_customer(item)

    def get_many(self, business_id: str, customer_ids: list[str]) -> dict[str, Customer]:
        """The customers with these ids, by id; unknown ids are absent (BatchGetItem,
        100 keys a call, unprocessed keys retried)."""
        keys = [CustomerItem.keys(business_id, customer_id) for customer_id in customer_ids]
        found = (to_customer(item) for item in CustomerItem.batch_get(keys))
        return {customer.customer_id: customer for customer in found}

    def save_record(
        self, business_id: str, customer_id: str, record: CustomerRecord, now: datetime
    ) -> Customer:
        """Create the customer or update the CRM-owned fields, keeping Portico's own state."""
        gsi1pk, gsi1sk = CustomerItem.list_keys(business_id, customer_id)
        values = attributes_of(record)
        actions: list[Any] = [CustomerItem.entity.set(CustomerItem)]
        actions += [
            getattr(CustomerItem, name).set(value)
            if value is not None
            else getattr(CustomerItem, name).remove()
            for name, value in values.items()
        ]
        actions += [
            CustomerItem.updated_at.set(now),
            CustomerItem.gsi1pk.set(gsi1pk),
            CustomerItem.gsi1sk.set(gsi1sk),
            CustomerItem.balance_due.set(CustomerItem.balance_due | 0),
            CustomerItem.portal_access.set(CustomerItem.portal_access | "not_invited"),
            CustomerItem.payment_method_count.set(CustomerItem.payment_method_count | 0),
            CustomerItem.open_invoices.set(CustomerItem.open_invoices | {}),
            CustomerItem.upcoming_visits.set(CustomerItem.upcoming_visits | {}),
            CustomerItem.open_estimates.set(CustomerItem.open_estimates | {}),
        ]
        if record.email:
            gsi2pk, gsi2sk = CustomerItem.email_keys(business_id, record.email, customer_id)
            actions += [CustomerItem.gsi2pk.set(gsi2pk), CustomerItem.gsi2sk.set(gsi2sk)]
        else:
            actions += [CustomerItem.gsi2pk.remove(), CustomerItem.gsi2sk.remove()]
        item = CustomerItem(*CustomerItem.keys(business_id, customer_id))
        item.update(actions=actions)
        return to_customer(item)

    def overview(self, business_id: str, customer_id: str) -> CustomerOverview | None:
        """The customer with their profile summaries, their business and its portal
        (one BatchGetItem); None if any of them is missing."""
        keys = [
            CustomerItem.keys(business_id, customer_id),
            PortalSettingsItem.keys(business_id),
            BusinessItem.keys(business_id),
        ]
        found: dict[type, Any] = {type(item): item for item in PorticoItem.batch_get(keys)}
        customer, portal = found.get(CustomerItem), found.get(PortalSettingsItem)
        business = found.get(BusinessItem)
        if customer is None or portal is None or business is None:
            return None
        return CustomerOverview(
            customer=to_customer(customer),
            business=_business(business),
            portal=to_portal(portal),
            open_invoices=[
                OpenInvoice(invoice_id=key, **plain(value))
                for key, value in plain(customer.open_invoices or {}).items()
            ],
            upcoming_visits={k: str(v) for k, v in plain(customer.upcoming_visits or {}).items()},
            open_estimates={k: str(v) for k, v in plain(customer.open_estimates or {}).items()},
        )

    def list(
        self, business_id: str, which: CustomerFilter, limit: int, cursor: str | None
    ) -> Page[Customer]:
        pk, _ = CustomerItem.list_keys(business_id, "")
        return _page(
            CustomerItem,
            pk,
            "CUST#",
            limit,
            cursor,
            to_customer,
            filter_condition=_CUSTOMER_FILTERS[which](),
        )

    def funnel(self, business_id: str) -> InviteFunnel:
        """The business's invite funnel, counted from every customer item (a paginated Query
        on GSI1 that returns only the four attributes it needs: one request per megabyte of
        customer items)."""
        pk, _ = CustomerItem.list_keys(business_id, "")
        counts = dict.fromkeys(InviteFunnel.model_fields, 0)
        wanted = [
            PorticoItem.entity.attr_name,
            CustomerItem.portal_access.attr_name,
            CustomerItem.payment_method_count.attr_name,
            CustomerItem.autopay_enabled.attr_name,
        ]
        results = PorticoItem.gsi1.query(
            pk, PorticoItem.gsi1sk.startswith("CUST#"), attributes_to_get=wanted
        )
        for item in results:
            if not isinstance(item, CustomerItem):
                continue
            counts["customers"] += 1
            access = item.portal_access or PortalAccess.NOT_INVITED
            # Each step needs the one before it, so the funnel never widens.
            steps = [
                ("invited", access in (PortalAccess.INVITED, PortalAccess.ACTIVE)),
                ("account_created", access == PortalAccess.ACTIVE),
                ("payment_method_saved", int(item.payment_method_count or 0) > 0),
                ("autopay_on", bool(item.autopay_enabled)),
            ]
            for step, reached in steps:
                if not reached:
                    break
                counts[step] += 1
        return InviteFunnel(**counts)


def to_customer(item: CustomerItem) -> Customer:
    customer_id = item.pk.rsplit("#CUST#", 1)[1]
    return Customer(
        customer_id=customer_id,
        has_payment_method=int(item.payment_method_count or 0) > 0,
        **values_of(item, Customer.model_fields),
    )


def _page[T: DomainModel](
    item_cls: type[PorticoItem],
    gsi1pk: str,
    sk_prefix: str,
    limit: int,
    cursor: str | None,
    to_domain: Callable[[Any], T],
    filter_condition: Condition | None = None,
) -> Page[T]:
    """One page of a business-wide list on GSI1, with an opaque cursor."""
    return query_page(
        PorticoItem.gsi1.query,
        {"GSI1PK": gsi1pk},
        item_cls,
        to_domain,
        limit,
        cursor,
        hash_key=gsi1pk,
        range_key_condition=PorticoItem.gsi1sk.startswith(sk_prefix),
        filter_condition=filter_condition,
    )


# --- records the business owns under a customer: invoices, visits, estimates ---------------


R = TypeVar("R", bound=DomainModel)


class OwnedRecordRepository[R: DomainModel]:
    """Records with the business's own id, stored in their customer's item collection.

    An owner item makes the id unique per business and lets a record move to another
    customer; every write is one transaction with the customer's existence checked.
    """

    kind: ClassVar[str]
    item_cls: ClassVar[type[Any]]
    domain_cls: ClassVar[type[Any]]
    id_field: ClassVar[str]

    def get(self, business_id: str, record_id: str) -> R | None:
        """The record with this id (one Query on GSI1)."""
        pk, sk = self.item_cls.list_keys(business_id, record_id)
        for item in PorticoItem.gsi1.query(pk, PorticoItem.gsi1sk == sk, limit=1):
            if isinstance(item, self.item_cls):
                return self._domain(item)
        return None

    def get_current(self, business_id: str, record_id: str) -> R | None:
        """The record with this id, read consistently (owner GetItem, then the record)."""
        owner = self._owner(business_id, record_id)
        if owner is None:
            return None
        return self._read(business_id, owner, record_id)

    def list(
        self, business_id: str, customer_id: str | None, limit: int, cursor: str | None
    ) -> Page[R]:
        pk, prefix = self.item_cls.list_keys(business_id, "")
        condition = self.item_cls.customer_id == customer_id if customer_id else None
        return _page(self.item_cls, pk, prefix, limit, cursor, self._domain, condition)

    def save(self, business_id: str, record: R, previous: R | None) -> None:
        """Write `record`, replacing `previous` (None for a new id), in one transaction."""
        record_id = getattr(record, self.id_field)
        customer_id: str = record.customer_id  # type: ignore[attr-defined]
        owner = RecordOwnerItem(
            *RecordOwnerItem.keys(business_id, self.kind, record_id), customer_id=customer_id
        )
        item = self._item(business_id, record)
        moved = previous is not None and previous.customer_id != customer_id  # type: ignore[attr-defined]
        try:
            with Transaction() as tx:
                self._touch_customer(tx, business_id, customer_id, record, previous, moved)
                if previous is None:
                    tx.put("owner", owner, condition=RecordOwnerItem.pk.does_not_exist())
                else:
                    old_owner = previous.customer_id  # type: ignore[attr-defined]
                    tx.put("owner", owner, condition=RecordOwnerItem.customer_id == old_owner)
                if previous is None:
                    tx.put("record", item, condition=self.item_cls.pk.does_not_exist())
                elif moved:
                    unchanged = self.item_cls.updated_at == previous.updated_at  # type: ignore[attr-defined]
                    tx.delete("old_record", self._item(business_id, previous), condition=unchanged)
                    self._release_from(tx, business_id, previous)
                    tx.put("record", item, condition=self.item_cls.pk.does_not_exist())
                else:
                    # Optimistic lock: nothing (a payment, another sync) changed it since read.
                    unchanged = self.item_cls.updated_at == previous.updated_at  # type: ignore[attr-defined]
                    tx.put("record", item, condition=unchanged)
        except ConditionsFailed as error:
            if "customer" in error.labels:
                raise UnknownCustomerError(
                    f"No customer {customer_id!r} in this business."
                ) from error
            raise ConcurrentChangeError(
                f"The {self.kind} changed while it was being saved; try again."
            ) from error

    def _touch_customer(
        self,
        tx: Transaction,
        business_id: str,
        customer_id: str,
        record: R,
        previous: R | None,
        moved: bool,
    ) -> None:
        """The customer must exist; their profile's summaries follow the record."""
        counted_before = None if previous is None or moved else previous
        actions = self._customer_actions(record, counted_before)
        keys = CustomerItem.keys(business_id, customer_id)
        exists = CustomerItem.pk.exists() & self._customer_condition(record, counted_before)
        if actions:
            tx.update("customer", CustomerItem(*keys), actions=actions, condition=exists)
        else:
            tx.check("customer", CustomerItem, *keys, condition=exists)

    def _release_from(self, tx: Transaction, business_id: str, previous: R) -> None:
        """Undo what `previous` added to its former customer's profile, when a record moves."""
        actions = self._release_actions(previous)
        if actions:
            customer = previous.customer_id  # type: ignore[attr-defined]
            tx.update(
                "old_customer",
                CustomerItem(*CustomerItem.keys(business_id, customer)),
                actions=actions,
            )

    def _customer_actions(self, record: R, previous: R | None) -> Actions:
        """Profile updates for saving `record` (previous: as stored on the same customer)."""
        return []

    def _customer_condition(self, record: R, previous: R | None) -> Condition:
        """What must hold of the customer for `record` to be written as built."""
        return CustomerItem.pk.exists()

    def _release_actions(self, previous: R) -> Actions:
        return []

    def _owner(self, business_id: str, record_id: str) -> str | None:
        try:
            owner = RecordOwnerItem.get(
                *RecordOwnerItem.keys(business_id, self.kind, record_id), consistent_read=True
            )
        except DoesNotExist:
            return None
        return owner.customer_id

    def _read(self, business_id: str, customer_id: str, record_id: str) -> R | None:
        try:
            item = self.item_cls.get(
                *self.item_cls.keys(business_id, customer_id, record_id), consistent_read=True
            )
        except DoesNotExist:
            return None
        return self._domain(item)

    def _item(self, business_id: str, record: R) -> Any:
        record_id = getattr(record, self.id_field)
        customer_id = record.customer_id  # type: ignore[attr-defined]
        gsi1pk, gsi1sk = self.item_cls.list_keys(business_id, record_id)
        return self.item_cls(
            *self.item_cls.keys(business_id, customer_id, record_id),
            gsi1pk=gsi1pk,
            gsi1sk=gsi1sk,
            **attributes_of(record, exclude={self.id_field}),
        )

    def _domain(self, item: Any) -> R:
        record_id = item.sk.split("#", 1)[1]
        values = values_of(item, self.domain_cls.model_fields)
        return self.domain_cls(**{self.id_field: record_id}, **values)


class VisitRepository(OwnedRecordRepository[Visit]):
    """Scheduled visits are listed on the profile, so the dashboard finds the next one."""

    kind = "visit"
    item_cls = VisitItem
    domain_cls = Visit
    id_field = "visit_id"

    def _customer_actions(self, record: Visit, previous: Visit | None) -> Actions:
        entry = _entry(CustomerItem.upcoming_visits, record.visit_id)
        if record.status is VisitStatus.SCHEDULED:
            return [entry.set(record.date.isoformat())]
        return [entry.remove()]

    def _release_actions(self, previous: Visit) -> Actions:
        return [_entry(CustomerItem.upcoming_visits, previous.visit_id).remove()]

    def _item(self, business_id: str, record: Visit) -> VisitItem:
        """Every visit joins its customer's history by date (GSI3); photos are a map by id."""
        gsi1pk, gsi1sk = VisitItem.list_keys(business_id, record.visit_id)
        gsi3pk, gsi3sk = VisitItem.history_keys(
            business_id, record.customer_id, record.visit_id, record.date.isoformat()
        )
        return VisitItem(
            *VisitItem.keys(business_id, record.customer_id, record.visit_id),
            gsi1pk=gsi1pk,
            gsi1sk=gsi1sk,
            gsi3pk=gsi3pk,
            gsi3sk=gsi3sk,
            photos={photo.photo_id: _photo_attributes(photo) for photo in record.photos},
            **attributes_of(record, exclude={"visit_id", "photos"}),
        )

    def _domain(self, item: VisitItem) -> Visit:
        return to_visit(item)

    def add_photo(
        self, business_id: str, visit: Visit, photo: VisitPhoto, max_photos: int, now: datetime
    ) -> bool:
        """Record a photo on the visit as read (its `updated_at`), while it has fewer than
        `max_photos`; False when the visit changed meanwhile (read it again)."""
        item = VisitItem(*VisitItem.keys(business_id, visit.customer_id, visit.visit_id))
        try:
            item.update(
                actions=[
                    _entry(VisitItem.photos, photo.photo_id).set(_photo_attributes(photo)),
                    VisitItem.updated_at.set(_after(now, visit.updated_at)),
                ],
                condition=(VisitItem.updated_at == visit.updated_at)
                & (VisitItem.photos.does_not_exist() | (size(VisitItem.photos) < max_photos)),
            )
        except UpdateError as error:
            if _condition_failed(error):
                return False
            raise
        return True

    def remove_photo(self, business_id: str, visit: Visit, photo_id: str, now: datetime) -> bool:
        """Take a photo off the visit as read; False when the visit changed meanwhile."""
        item = VisitItem(*VisitItem.keys(business_id, visit.customer_id, visit.visit_id))
        try:
            item.update(
                actions=[
                    _entry(VisitItem.photos, photo_id).remove(),
                    VisitItem.updated_at.set(_after(now, visit.updated_at)),
                ],
                condition=VisitItem.updated_at == visit.updated_at,
            )
        except UpdateError as error:
            if _condition_failed(error):
                return False
            raise
        return True

    def customer_visit(self, business_id: str, customer_id: str, visit_id: str) -> Visit | None:
        """One of the customer's visits (one GetItem in their partition)."""
        try:
            item = VisitItem.get(*VisitItem.keys(business_id, customer_id, visit_id))
        except DoesNotExist:
            return None
        return to_visit(item)

    def history(
        self,
        business_id: str,
        customer_id: str,
        *,
        since: date | None,
        before: date | None,
        newest_first: bool,
        limit: int,
        cursor: str | None,
    ) -> Page[Visit]:
        """The customer's visits by date, from `since` or before `before` (one Query on
        GSI3)."""
        pk = VisitItem.history_pk(business_id, customer_id)
        condition = None
        if since is not None:
            condition = PorticoItem.gsi3sk >= since.isoformat()
        elif before is not None:
            condition = PorticoItem.gsi3sk < before.isoformat()
        return query_page(
            PorticoItem.gsi3.query,
            {"GSI3PK": pk},
            VisitItem,
            to_visit,
            limit,
            cursor,
            hash_key=pk,
            range_key_condition=condition,
            scan_index_forward=not newest_first,
        )


def _after(now: datetime, previous: datetime) -> datetime:
    # A change must move `updated_at`, even under a clock that stands still, so the CRM
    # sync's optimistic lock sees it.
    return now if now > previous else previous + timedelta(microseconds=1)


def _condition_failed(error: UpdateError) -> bool:
    cause = getattr(error, "cause_response_code", None)
    return cause == "ConditionalCheckFailedException"


def _photo_attributes(photo: VisitPhoto) -> dict[str, Any]:
    return photo.model_dump(mode="json", exclude={"photo_id"}, exclude_none=True)


def to_visit(item: VisitItem) -> Visit:
    values = values_of(item, Visit.model_fields)
    photos = [
        VisitPhoto(photo_id=photo_id, **_photo_values(value))
        for photo_id, value in plain(item.photos or {}).items()
    ]
    # Before photos first, then after, each in the order they were added.
    values["photos"] = sorted(
        photos, key=lambda photo: (photo.kind is not PhotoKind.BEFORE, photo.added_at)
    )
    return Visit(visit_id=item.sk.split("#", 1)[1], **values)


def _photo_values(value: dict[str, Any]) -> dict[str, Any]:
    return {**value, "size": int(value["size"])}


class EstimateRepository(OwnedRecordRepository[Estimate]):
    """Sent estimates are listed on the profile, so the dashboard can count open ones."""

    kind = "estimate"
    item_cls = EstimateItem
    domain_cls = Estimate
    id_field = "estimate_id"

    def _customer_actions(self, record: Estimate, previous: Estimate | None) -> Actions:
        return [open_estimate_entry(record)]

    def _item(self, business_id: str, record: Estimate) -> EstimateItem:
        """Visible estimates (not draft, not cancelled) are in the customer's portal list
        (GSI3, sparse)."""
        item: EstimateItem = super()._item(business_id, record)
        if record.visible:
            item.gsi3pk, item.gsi3sk = EstimateItem.portal_list_keys(
                business_id, record.customer_id, record.estimate_id, record.issue_date.isoformat()
            )
        return item

    def _release_actions(self, previous: Estimate) -> Actions:
        return [_entry(CustomerItem.open_estimates, previous.estimate_id).remove()]


def open_estimate_entry(estimate: Estimate) -> Any:
    """The profile's summary entry for an estimate: set while it is sent and undecided (the
    dashboard counts the ones not yet expired), removed otherwise."""
    entry = _entry(CustomerItem.open_estimates, estimate.estimate_id)
    if estimate.status is EstimateStatus.SENT and estimate.decision is None:
        return entry.set(estimate.expiry_date.isoformat() if estimate.expiry_date else "")
    return entry.remove()


def open_invoice_entry(invoice: Invoice) -> Any:
    """The profile's summary entry for an invoice: set while a sent invoice has money due,
    removed otherwise (the dashboard reads the summary, not the invoices)."""
    entry = _entry(CustomerItem.open_invoices, invoice.invoice_id)
    if invoice.counted_due <= 0:
        return entry.remove()
    return entry.set(
        {
            "number": invoice.number,
            "due_date": invoice.due_date.isoformat(),
            "amount_due": invoice.counted_due,
        }
    )


def portal_list_sort_key(business_id: str, invoice: Invoice) -> str:
    """GSI3's sort key of a sent invoice: open ones first, then newest."""
    return InvoiceItem.portal_list_keys(
        business_id,
        invoice.customer_id,
        invoice.invoice_id,
        invoice.issue_date.isoformat(),
        invoice.amount_due > 0,
    )[1]


def autopay_index(business_id: str, invoice: Invoice) -> tuple[str, str] | None:
    """GSI4's keys of an invoice AutoPay is to charge, or None (not AutoPay's to charge)."""
    if not invoice.autopay_due:
        return None
    retry_on = invoice.autopay_retry_on.isoformat() if invoice.autopay_retry_on else None
    return InvoiceItem.autopay_keys(
        business_id,
        invoice.customer_id,
        invoice.invoice_id,
        invoice.due_date.isoformat(),
        retry_on,
    )


def autopay_index_actions(business_id: str, invoice: Invoice) -> Actions:
    """Update actions that put the invoice in AutoPay's index, or take it out, as its state
    (after the update) says."""
    keys = autopay_index(business_id, invoice)
    if keys is None:
        return [InvoiceItem.gsi4pk.remove(), InvoiceItem.gsi4sk.remove()]
    return [InvoiceItem.gsi4pk.set(keys[0]), InvoiceItem.gsi4sk.set(keys[1])]


class InvoiceRepository(OwnedRecordRepository[Invoice]):
    """Invoices also keep their customer's balance and open-invoice summary in the same
    transaction, and sent ones are listed for the portal (GSI3) and the statement (GSI2)."""

    kind = "invoice"
    item_cls = InvoiceItem
    domain_cls = Invoice
    id_field = "invoice_id"

    def _customer_actions(self, record: Invoice, previous: Invoice | None) -> Actions:
        delta = record.counted_due - (previous.counted_due if previous else 0)
        return [CustomerItem.balance_due.add(delta), open_invoice_entry(record)]

    def _customer_condition(self, record: Invoice, previous: Invoice | None) -> Condition:
        # The AutoPay flag a new (or moved) invoice copied must still be the customer's; an
        # invoice already theirs has it kept up to date by AutoPay's own changes.
        if previous is not None:
            return CustomerItem.pk.exists()
        if record.autopay_customer:
            return CustomerItem.autopay_enabled == True  # noqa: E712
        return CustomerItem.autopay_enabled.does_not_exist() | (
            CustomerItem.autopay_enabled == False  # noqa: E712
        )

    def _release_actions(self, previous: Invoice) -> Actions:
        return [
            CustomerItem.balance_due.add(-previous.counted_due),
            _entry(CustomerItem.open_invoices, previous.invoice_id).remove(),
        ]

    def _item(self, business_id: str, record: Invoice) -> InvoiceItem:
        """Sent invoices also join the customer's portal list (GSI3) and ledger (GSI2)."""
        item: InvoiceItem = super()._item(business_id, record)
        if record.status is CrmInvoiceStatus.SENT:
            item.gsi3pk = InvoiceItem.portal_list_pk(business_id, record.customer_id)
            item.gsi3sk = portal_list_sort_key(business_id, record)
            item.gsi2pk, item.gsi2sk = InvoiceItem.ledger_keys(
                business_id, record.customer_id, record.invoice_id, record.issue_date.isoformat()
            )
        keys = autopay_index(business_id, record)
        if keys is not None:
            item.gsi4pk, item.gsi4sk = keys
        return item
