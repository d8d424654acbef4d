"""The customer's activity log: one item per entry in the customer's collection
(`ACTIVITY#{time}#{id}`), written in the transaction of the change it records, read newest
first with one Query."""

from __future__ import annotations

import uuid

from portico.data.convert import plain, stored
from portico.data.items import ActivityItem, customer_pk
from portico.data.pagination import Page, query_page
from portico.data.table import PorticoItem
from portico.domain.autopay import ActivityEntry


def activity_item(business_id: str, customer_id: str, entry: ActivityEntry) -> ActivityItem:
    return ActivityItem(
        *ActivityItem.keys(business_id, customer_id, entry.at.isoformat(), entry.entry_id),
        kind=entry.kind,
        at=entry.at,
        source=entry.source,
        details=stored(entry.details),
    )


def new_entry_id() -> str:
    return uuid.uuid4().hex[:12]


def to_entry(item: ActivityItem) -> ActivityEntry:
    return ActivityEntry(
        entry_id=item.sk.rsplit("#", 1)[1],
        kind=item.kind,
        at=item.at,
        source=item.source,
        details=plain(item.details),
    )


class ActivityRepository:
    def page(
        self, business_id: str, customer_id: str, limit: int, cursor: str | None
    ) -> Page[ActivityEntry]:
        """The customer's entries, newest first (one Query on the customer's collection)."""
        pk = customer_pk(business_id, customer_id)
        return query_page(
            ActivityItem.query,
            {"PK": pk},
            ActivityItem,
            to_entry,
            limit,
            cursor,
            hash_key=pk,
            range_key_condition=PorticoItem.sk.startswith("ACTIVITY#"),
            scan_index_forward=False,
        )
