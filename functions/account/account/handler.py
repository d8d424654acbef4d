"""The customer's account: their profile, their notification preferences, and "Rate us".

Every route needs a customer session; the ids come from it, never from the request. Each
page is one DynamoDB request (the profile item carries the preferences); each change is one
transaction with its activity entry and domain event.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from portico.bootstrap import services
from portico.domain.preferences import PreferenceChanges, PreferencesView
from portico.domain.profile import Profile, ProfileChanges
from portico.domain.reviews import NewReview, ReviewReceipt
from portico.http.resolver import create_resolver, customer_only
from portico.http.responses import route_responses, saved
from portico.observability import logger
from portico.services import preferences, profile, reviews

app = create_resolver()
principal = customer_only(app)
svc = services()

READ = route_responses(401, 403)
WRITE = route_responses(400, 401, 403, 409, 413)


@app.get("/v1/me/profile", tags=["customer"], responses=READ)
def get_profile() -> Profile:
    """Contact name, phone and billing address (the customer's), with the email that is the
    username and the service address (the business's, read-only here)."""
    return profile.get_profile(svc, principal())


@app.patch("/v1/me/profile", tags=["customer"], responses=WRITE)
def patch_profile(changes: ProfileChanges) -> Profile:
    """Change the contact name, phone or billing address (null clears one). The email is the
    username: only the business changes it, and sending it answers 400."""
    return profile.update_profile(svc, principal(), changes)


@app.get("/v1/me/preferences", tags=["customer"], responses=READ)
def get_preferences() -> PreferencesView:
    """What the customer is told, by type and channel."""
    return preferences.get_preferences(svc, principal())


@app.put("/v1/me/preferences", tags=["customer"], responses=WRITE)
def put_preferences(changes: PreferenceChanges) -> PreferencesView:
    """Change some types' channels; the others keep theirs. Receipts and failed-payment
    notices cannot be turned off, and marketing is never sent by SMS: asking answers 400
    and changes nothing."""
    return preferences.update_preferences(svc, principal(), changes)


@app.post(
    "/v1/me/reviews",
    tags=["customer"],
    responses=route_responses(400, 401, 403, 409, 413, success=(201,)),
)
def post_review(review: NewReview) -> Response[ReviewReceipt]:
    """Rate the business 1 to 5, privately (once a day). After a rating at or above the
    business's threshold the answer carries its public review link, if it has one."""
    return saved(reviews.leave_review(svc, principal(), review), created=True)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
