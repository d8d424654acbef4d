"""Rate us (DESIGN 2): a private rating only the business sees; a rating at or above the
business's threshold is answered with its public review link, when it has one."""

from __future__ import annotations

import uuid

from portico.bootstrap import Services
from portico.clock import business_date
from portico.data.activity import new_entry_id
from portico.domain.autopay import ActivityEntry
from portico.domain.events import DomainEvent, EventType
from portico.domain.reviews import NewReview, Review, ReviewList, ReviewReceipt
from portico.errors import ForbiddenError, UnauthorizedError
from portico.identity.principal import Principal
from portico.services.scope import customer_scope, require_tab, session_customer


def leave_review(svc: Services, principal: Principal, new: NewReview) -> ReviewReceipt:
    """Save the customer's rating (one a day, in the business's time zone) with its activity
    entry and `review.created`; the receipt carries the public review link after a rating at
    or above the business's threshold."""
    business_id, customer_id, tabs, _ = session_customer(principal)
    require_tab(tabs, "reviews")
    overview = svc.customers.overview(business_id, customer_id)
    if overview is None:
        raise UnauthorizedError("This account no longer exists; sign in again.")
    if not overview.portal.enabled:
        raise ForbiddenError("This portal is turned off.", code="portal_disabled")
    # The tab as the business has it now, not only as the session's token remembers it.
    require_tab(customer_scope(overview).tabs, "reviews")
    now = svc.clock.now()
    review = Review(
        review_id=uuid.uuid4().hex[:16],
        customer_id=customer_id,
        customer_name=overview.customer.name,
        rating=new.rating,
        comment=new.comment or None,
        day=business_date(overview.business.timezone, now),
        created_at=now,
    )
    entry = ActivityEntry(
        entry_id=new_entry_id(),
        kind="review_created",
        at=now,
        source="customer",
        details={"review_id": review.review_id, "rating": review.rating},
    )
    event = DomainEvent(
        type=EventType.REVIEW_CREATED,
        business_id=business_id,
        customer_id=customer_id,
        occurred_at=now,
        data=review.model_dump(mode="json", exclude={"customer_id"}),
    )
    svc.reviews.add(business_id, review, entry, event)
    settings = overview.portal.reviews
    link = settings.public_review_link if review.rating >= settings.threshold else None
    return ReviewReceipt(
        review_id=review.review_id,
        rating=review.rating,
        comment=review.comment,
        created_at=review.created_at,
        public_review_link=link,
    )


def list_reviews(
    svc: Services, business_id: str, rating: int | None, limit: int, cursor: str | None
) -> ReviewList:
    """The business's reviews, newest first, all or of one rating, with the summary (count,
    average, count per rating) of all of them."""
    page = svc.reviews.page(business_id, rating, limit, cursor)
    return ReviewList(
        items=page.items, next_cursor=page.next_cursor, summary=svc.reviews.summary(business_id)
    )
