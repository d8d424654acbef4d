"""Work requests: one item in the customer's collection, listed for the business (GSI1, by
time), found by id (GSI2) and listed for the customer (GSI3, by time)."""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist
from pynamodb.expressions.condition import Condition

from portico.data.activity import activity_item
from portico.data.convert import plain, stored, values_of
from portico.data.events import record_event
from portico.data.items import CustomerItem, WorkRequestItem
from portico.data.pagination import Page, query_page
from portico.data.table import PorticoItem
from portico.data.transactions import ConditionsFailed, Transaction
from portico.domain.autopay import ActivityEntry
from portico.domain.events import DomainEvent
from portico.domain.work_requests import WorkRequest, WorkRequestPhoto, WorkRequestStatus
from portico.errors import NotFoundError


class WorkRequestExists(Exception):
    """A request with this id is already recorded (the same Idempotency-Key)."""


class WorkRequestRepository:
    def create(
        self, business_id: str, request: WorkRequest, event: DomainEvent, entry: ActivityEntry
    ) -> None:
        """Record the request, its `work_request.created` event and the customer's activity
        entry in one transaction; raises `WorkRequestExists` for an id already used."""
        try:
            with Transaction() as tx:
                tx.check(
                    "customer",
                    CustomerItem,
                    *CustomerItem.keys(business_id, request.customer_id),
                    condition=CustomerItem.pk.exists(),
                )
                tx.put(
                    "request",
                    _item(business_id, request),
                    condition=WorkRequestItem.pk.does_not_exist(),
                )
                record_event(tx, event)
                tx.put("activity", activity_item(business_id, request.customer_id, entry))
        except ConditionsFailed as error:
            if "request" in error.labels:
                raise WorkRequestExists(request.work_request_id) from error
            raise NotFoundError("No such customer.") from error

    def get(self, business_id: str, customer_id: str, request_id: str) -> WorkRequest | None:
        """One of the customer's requests (one consistent GetItem in their partition)."""
        try:
            item = WorkRequestItem.get(
                *WorkRequestItem.keys(business_id, customer_id, request_id), consistent_read=True
            )
        except DoesNotExist:
            return None
        return _request(item)

    def find(self, business_id: str, request_id: str) -> WorkRequest | None:
        """A request of the business by its id alone (one Query on GSI2)."""
        pk, sk = WorkRequestItem.id_keys(business_id, request_id)
        for item in PorticoItem.gsi2.query(pk, PorticoItem.gsi2sk == sk, limit=1):
            if isinstance(item, WorkRequestItem):
                return _request(item)
        return None

    def list_for_customer(
        self, business_id: str, customer_id: str, limit: int, cursor: str | None
    ) -> Page[WorkRequest]:
        """The customer's requests, newest first (one Query on GSI3)."""
        pk, _ = WorkRequestItem.customer_list_keys(business_id, customer_id, "", "")
        return query_page(
            PorticoItem.gsi3.query,
            {"GSI3PK": pk},
            WorkRequestItem,
            _request,
            limit,
            cursor,
            hash_key=pk,
            scan_index_forward=False,
        )

    def list_for_business(
        self,
        business_id: str,
        status: WorkRequestStatus | None,
        limit: int,
        cursor: str | None,
    ) -> Page[WorkRequest]:
        """The business's requests, newest first, optionally of one status (one Query on
        GSI1 per page, the status as a filter)."""
        pk, _ = WorkRequestItem.business_list_keys(business_id, "", "")
        condition: Condition | None = None
        if status is not None:
            condition = WorkRequestItem.status == status.value
        return query_page(
            PorticoItem.gsi1.query,
            {"GSI1PK": pk},
            WorkRequestItem,
            _request,
            limit,
            cursor,
            hash_key=pk,
            scan_index_forward=False,
            filter_condition=condition,
        )

    def update(
        self,
        business_id: str,
        request: WorkRequest,
        previous: WorkRequest,
        entry: ActivityEntry | None,
    ) -> bool:
        """Save the business's change (status, note) over `previous` as read, with the
        customer's activity entry; False when the request changed meanwhile."""
        item = WorkRequestItem(
            *WorkRequestItem.keys(business_id, request.customer_id, request.work_request_id)
        )
        actions = [
            WorkRequestItem.status.set(request.status.value),
            WorkRequestItem.updated_at.set(request.updated_at),
            WorkRequestItem.note.set(request.note)
            if request.note is not None
            else WorkRequestItem.note.remove(),
        ]
        try:
            with Transaction() as tx:
                tx.update(
                    "request",
                    item,
                    actions=actions,
                    condition=WorkRequestItem.updated_at == previous.updated_at,
                )
                if entry is not None:
                    tx.put("activity", activity_item(business_id, request.customer_id, entry))
        except ConditionsFailed:
            return False
        return True

    def claim_office_notice(
        self, business_id: str, customer_id: str, request_id: str, now: datetime
    ) -> bool:
        """Claim the one email to the business's office about this request; False if it
        was claimed already."""
        item = WorkRequestItem(*WorkRequestItem.keys(business_id, customer_id, request_id))
        try:
            with Transaction() as tx:
                tx.update(
                    "request",
                    item,
                    actions=[WorkRequestItem.office_notified_at.set(now)],
                    condition=WorkRequestItem.pk.exists()
                    & WorkRequestItem.office_notified_at.does_not_exist(),
                )
        except ConditionsFailed:
            return False
        return True

    def release_office_notice(self, business_id: str, customer_id: str, request_id: str) -> None:
        """Give the claim back when the email could not be sent, so a retry sends it."""
        item = WorkRequestItem(*WorkRequestItem.keys(business_id, customer_id, request_id))
        item.update(actions=[WorkRequestItem.office_notified_at.remove()])


def _item(business_id: str, request: WorkRequest) -> WorkRequestItem:
    created = request.created_at.isoformat()
    request_id = request.work_request_id
    gsi1pk, gsi1sk = WorkRequestItem.business_list_keys(business_id, created, request_id)
    gsi2pk, gsi2sk = WorkRequestItem.id_keys(business_id, request_id)
    gsi3pk, gsi3sk = WorkRequestItem.customer_list_keys(
        business_id, request.customer_id, created, request_id
    )
    return WorkRequestItem(
        *WorkRequestItem.keys(business_id, request.customer_id, request_id),
        gsi1pk=gsi1pk,
        gsi1sk=gsi1sk,
        gsi2pk=gsi2pk,
        gsi2sk=gsi2sk,
        gsi3pk=gsi3pk,
        gsi3sk=gsi3sk,
        customer_id=request.customer_id,
        service=request.service,
        description=request.description,
        preferred_dates=[day.isoformat() for day in request.preferred_dates],
        photos=stored(request.photos),
        status=request.status.value,
        note=request.note,
        created_at=request.created_at,
        updated_at=request.updated_at,
    )


def _request(item: WorkRequestItem) -> WorkRequest:
    values = values_of(item, WorkRequest.model_fields)
    values["photos"] = [
        WorkRequestPhoto(
            photo_id=str(photo["photo_id"]),
            content_type=str(photo["content_type"]),
            size=int(photo["size"]),
        )
        for photo in plain(item.photos or [])
    ]
    values["preferred_dates"] = list(item.preferred_dates or [])
    return WorkRequest(work_request_id=item.sk.removeprefix("WORKREQUEST#"), **values)
