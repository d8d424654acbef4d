"""Reviews: each in its customer's collection, one a day (`REVIEW#{day}`); the business reads
them newest first on GSI1 (all) or GSI2 (one rating), and their summary from one item whose
counts grow in the transaction of each review."""

from __future__ import annotations

from datetime import date
from typing import Any

from pynamodb.exceptions import DoesNotExist

from portico.data.activity import activity_item
from portico.data.events import record_event
from portico.data.items import ReviewItem, ReviewStatsItem
from portico.data.pagination import Page, query_page
from portico.data.table import PorticoItem
from portico.data.transactions import ConditionsFailed, Transaction
from portico.domain.autopay import ActivityEntry
from portico.domain.events import DomainEvent
from portico.domain.reviews import Review, ReviewSummary
from portico.errors import ConflictError

RATINGS = range(1, 6)


class ReviewExistsError(ConflictError):
    code = "already_reviewed"


def _item(business_id: str, review: Review) -> ReviewItem:
    sk = ReviewItem.list_sk(review.created_at.isoformat(), review.customer_id)
    return ReviewItem(
        *ReviewItem.keys(business_id, review.customer_id, review.day.isoformat()),
        gsi1pk=ReviewItem.list_pk(business_id),
        gsi1sk=sk,
        gsi2pk=ReviewItem.list_pk(business_id, review.rating),
        gsi2sk=sk,
        review_id=review.review_id,
        customer_name=review.customer_name,
        rating=review.rating,
        comment=review.comment,
        day=review.day.isoformat(),
        created_at=review.created_at,
    )


def _review(item: ReviewItem) -> Review:
    return Review(
        review_id=item.review_id,
        customer_id=item.pk.rsplit("#CUST#", 1)[1],
        customer_name=item.customer_name,
        rating=int(item.rating),
        comment=item.comment,
        day=date.fromisoformat(item.day),
        created_at=item.created_at,
    )


class ReviewRepository:
    def add(
        self, business_id: str, review: Review, entry: ActivityEntry, event: DomainEvent
    ) -> None:
        """Save the review with its activity entry and `review.created`, and count it, in one
        transaction; `ReviewExistsError` if the customer already reviewed on that day."""
        stats = ReviewStatsItem(*ReviewStatsItem.keys(business_id))
        count: Any = getattr(ReviewStatsItem, f"r{review.rating}")
        try:
            with Transaction() as tx:
                tx.put("review", _item(business_id, review), ReviewItem.pk.does_not_exist())
                tx.update(
                    "stats",
                    stats,
                    actions=[
                        ReviewStatsItem.entity.set(ReviewStatsItem),
                        ReviewStatsItem.total.add(review.rating),
                        count.add(1),
                    ],
                )
                tx.put("activity", activity_item(business_id, review.customer_id, entry))
                record_event(tx, event)
        except ConditionsFailed as error:
            raise ReviewExistsError(
                "You have already rated us today; thank you. You may rate us again tomorrow."
            ) from error

    def page(
        self, business_id: str, rating: int | None, limit: int, cursor: str | None
    ) -> Page[Review]:
        """The business's reviews, newest first, all or of one rating (one Query)."""
        pk = ReviewItem.list_pk(business_id, rating)
        if rating is None:
            return query_page(
                PorticoItem.gsi1.query,
                {"GSI1PK": pk},
                ReviewItem,
                _review,
                limit,
                cursor,
                hash_key=pk,
                scan_index_forward=False,
            )
        return query_page(
            PorticoItem.gsi2.query,
            {"GSI2PK": pk},
            ReviewItem,
            _review,
            limit,
            cursor,
            hash_key=pk,
            scan_index_forward=False,
        )

    def summary(self, business_id: str) -> ReviewSummary:
        """How many reviews of each rating, and their average (one GetItem)."""
        try:
            item = ReviewStatsItem.get(*ReviewStatsItem.keys(business_id))
        except DoesNotExist:
            counts = dict.fromkeys(RATINGS, 0)
            total = 0
        else:
            counts = {r: int(getattr(item, f"r{r}") or 0) for r in RATINGS}
            total = int(item.total or 0)
        count = sum(counts.values())
        return ReviewSummary(
            count=count,
            average=round(total / count, 2) if count else None,
            by_rating={str(r): n for r, n in counts.items()},
        )
