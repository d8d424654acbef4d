"""The customer's side of estimates: the portal's reads and the customer's decisions.

Reads are one request each: the list is one Query on GSI3 (sparse: only estimates the
customer may see, newest first), one estimate is one GetItem in the customer's collection.
A decision is one transaction: the estimate (conditional on its `updated_at` as read and on
no decision yet), the profile's open-estimate summary, the activity entry and the domain
event (the outbox item). The CRM sync's own optimistic lock on `updated_at` sees every one
of these writes, so neither overwrites the other.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist

from portico.data.activity import activity_item
from portico.data.convert import stored, values_of
from portico.data.events import record_event
from portico.data.items import CustomerItem, EstimateItem
from portico.data.pagination import Page, query_page
from portico.data.payments import later
from portico.data.repositories import open_estimate_entry
from portico.data.table import PorticoItem
from portico.data.transactions import Transaction
from portico.domain.autopay import ActivityEntry
from portico.domain.events import DomainEvent
from portico.domain.service import ChangeRequest, CustomerDecision, Estimate


def to_estimate(item: EstimateItem) -> Estimate:
    return Estimate(estimate_id=item.sk.split("#", 1)[1], **values_of(item, Estimate.model_fields))


def _estimate_item(business_id: str, estimate: Estimate) -> EstimateItem:
    return EstimateItem(*EstimateItem.keys(business_id, estimate.customer_id, estimate.estimate_id))


class CustomerEstimateRepository:
    # --- reads -------------------------------------------------------------------------------

    def page(
        self, business_id: str, customer_id: str, limit: int, cursor: str | None
    ) -> Page[Estimate]:
        """The estimates the customer may see, newest first (one Query on GSI3)."""
        pk = EstimateItem.portal_list_pk(business_id, customer_id)
        return query_page(
            PorticoItem.gsi3.query,
            {"GSI3PK": pk},
            EstimateItem,
            to_estimate,
            limit,
            cursor,
            hash_key=pk,
        )

    def get(
        self, business_id: str, customer_id: str, estimate_id: str, *, consistent: bool = False
    ) -> Estimate | None:
        """One of the customer's estimates, whatever its status (one GetItem)."""
        try:
            item = EstimateItem.get(
                *EstimateItem.keys(business_id, customer_id, estimate_id),
                consistent_read=consistent,
            )
        except DoesNotExist:
            return None
        return to_estimate(item)

    # --- state changes -----------------------------------------------------------------------

    def decide(
        self,
        business_id: str,
        estimate: Estimate,
        decision: CustomerDecision,
        entry: ActivityEntry,
        event: DomainEvent,
        now: datetime,
    ) -> Estimate:
        """Record the customer's decision with its activity entry and domain event (one
        transaction). Raises `ConditionsFailed` labelled `estimate` when the estimate changed
        since it was read (a CRM sync, or another decision)."""
        updated_at = later(estimate.updated_at, now)
        decided = estimate.model_copy(update={"decision": decision, "updated_at": updated_at})
        with Transaction() as tx:
            tx.update(
                "estimate",
                _estimate_item(business_id, estimate),
                actions=[
                    EstimateItem.decision.set(stored(decision)),
                    EstimateItem.updated_at.set(updated_at),
                ],
                condition=(EstimateItem.updated_at == estimate.updated_at)
                & EstimateItem.decision.does_not_exist(),
            )
            tx.update(
                "profile",
                CustomerItem(*CustomerItem.keys(business_id, estimate.customer_id)),
                actions=[open_estimate_entry(decided)],
                condition=CustomerItem.pk.exists(),
            )
            tx.put("activity", activity_item(business_id, estimate.customer_id, entry))
            record_event(tx, event)
        return decided

    def add_change_request(
        self,
        business_id: str,
        estimate: Estimate,
        request: ChangeRequest,
        entry: ActivityEntry,
        now: datetime,
    ) -> Estimate:
        """Append a change request to the estimate, with its activity entry (one
        transaction); `ConditionsFailed` labelled `estimate` when it changed since read."""
        updated_at = later(estimate.updated_at, now)
        changed = estimate.model_copy(
            update={
                "change_requests": [*estimate.change_requests, request],
                "updated_at": updated_at,
            }
        )
        actions: list[Any] = [
            EstimateItem.change_requests.set(stored(changed.change_requests)),
            EstimateItem.updated_at.set(updated_at),
        ]
        with Transaction() as tx:
            tx.update(
                "estimate",
                _estimate_item(business_id, estimate),
                actions=actions,
                condition=EstimateItem.updated_at == estimate.updated_at,
            )
            tx.put("activity", activity_item(business_id, estimate.customer_id, entry))
        return changed
