"""Private ratings ("Rate us", DESIGN 2): seen by the business only; a rating at or above the
business's threshold may be followed by its public review link."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from portico.domain.common import DomainModel

Rating = Annotated[int, Field(ge=1, le=5, strict=True)]
MAX_COMMENT = 2000
Comment = Annotated[str, StringConstraints(max_length=MAX_COMMENT, strip_whitespace=True)]
# A review site's address: https only, since the portal sends customers there.
HttpsOnlyUrl = Annotated[str, StringConstraints(max_length=2000, pattern=r"^https://[^\s]+$")]
DEFAULT_THRESHOLD = 4


class ReviewSettings(DomainModel):
    """The business's public review link and the lowest rating that is offered it."""

    public_review_link: HttpsOnlyUrl | None = None
    threshold: Rating = DEFAULT_THRESHOLD


class NewReview(DomainModel):
    """`POST /v1/me/reviews`: a rating of 1 to 5 and, if the customer wants, a comment."""

    rating: Rating
    comment: Comment | None = None


class Review(DomainModel):
    """A review as the business sees it (`GET /v1/admin/reviews`)."""

    review_id: str
    customer_id: str
    customer_name: str
    rating: Rating
    comment: str | None = None
    day: date  # the business's date it was left on: one review per customer and day
    created_at: datetime


class ReviewReceipt(DomainModel):
    """What the customer gets back: their review and, after a high enough rating at a
    business that has one, the public review link (absent otherwise, never null)."""

    review_id: str
    rating: Rating
    comment: str | None = None
    created_at: datetime
    public_review_link: str | None = Field(
        default=None,
        description="Only present when the rating is at or above the business's threshold "
        "and the business has a public review link.",
        exclude_if=lambda link: link is None,  # absent rather than null
    )


class ReviewSummary(DomainModel):
    """Every review the business has: how many, their average and how many of each rating."""

    count: int
    average: float | None
    by_rating: dict[str, int]


class ReviewList(DomainModel):
    """A page of reviews, newest first, with the summary of all of them."""

    items: list[Review]
    next_cursor: str | None = None
    summary: ReviewSummary
