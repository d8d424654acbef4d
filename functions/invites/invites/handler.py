"""The invites API: invite previews, bulk invites, the portal-user list with resends and
password resets, and staff. Every route needs a business principal (API key or staff
session); the emails themselves are sent by the mailer function."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel

from portico.bootstrap import services
from portico.domain.accounts import StaffMember
from portico.domain.common import ID_PATTERN
from portico.domain.customer import CustomerFilter
from portico.domain.invitations import (
    EmailQueued,
    InviteFunnel,
    InviteOutcome,
    InvitePreviewRequest,
    InviteRequest,
    NewStaffMember,
    PortalUser,
)
from portico.http.params import Cursor, Limit
from portico.http.resolver import business_only, create_resolver
from portico.http.responses import ItemList, route_responses, saved
from portico.observability import logger
from portico.services import invitations

app = create_resolver()
principal = business_only(app)
svc = services()

CustomerId = Annotated[str, Path(pattern=ID_PATTERN)]
READ = route_responses(400, 401, 403, 404)
QUEUE = route_responses(400, 401, 403, 404, 413, success=(202,))
QUEUE_ONE = route_responses(400, 401, 403, 404, 409, 413, success=(202,))
CREATE = route_responses(400, 401, 403, 409, 413, success=(201,))


def _business_id() -> str:
    return principal().business_id


def _accepted[T: BaseModel](model: T) -> Response[T]:
    """202: the email is queued; the mailer sends it shortly."""
    return Response(status_code=202, content_type=content_types.APPLICATION_JSON, body=model)


@app.post("/v1/admin/portal/preview-invite", tags=["invites"], responses=QUEUE)
def preview_invite(request: InvitePreviewRequest) -> Response[EmailQueued]:
    """Email a preview of an invite template to `to_email`: a sample customer, and links
    that open the portal's login page."""
    return _accepted(invitations.preview_invite(svc, _business_id(), request))


@app.post("/v1/admin/invites", tags=["invites"], responses=QUEUE)
def invite(request: InviteRequest) -> Response[InviteOutcome]:
    """Invite customers by id (up to 5,000) or by filter; skipped ones say why."""
    return _accepted(invitations.invite_customers(svc, _business_id(), request))


@app.get("/v1/admin/portal-users", tags=["invites"], responses=READ)
def list_portal_users(
    filter: CustomerFilter = CustomerFilter.ALL, limit: Limit = 50, cursor: Cursor = None
) -> ItemList[PortalUser]:
    """Every customer with their portal account state: not invited, invited or active."""
    page = invitations.list_portal_users(svc, _business_id(), filter, limit, cursor)
    return ItemList[PortalUser].of(page)


@app.get("/v1/admin/invite-funnel", tags=["invites"], responses=READ)
def invite_funnel() -> InviteFunnel:
    """The invite funnel: customers, invited, account created, payment method saved and
    AutoPay on. Each step counts the customers who reached it and every step before it, so
    each count is at most the one before it (the field descriptions say what each counts)."""
    return invitations.invite_funnel(svc, _business_id())


@app.post(
    "/v1/admin/portal-users/<customer_id>/resend-invite", tags=["invites"], responses=QUEUE_ONE
)
def resend_invite(customer_id: CustomerId) -> Response[EmailQueued]:
    """Send the customer a fresh invite; the previous invite link stops working. 409 with
    the reason (portal_disabled, no_email, already_active, email_in_use) otherwise."""
    return _accepted(invitations.resend_invite(svc, _business_id(), customer_id))


@app.post(
    "/v1/admin/portal-users/<customer_id>/password-reset", tags=["invites"], responses=QUEUE_ONE
)
def password_reset(customer_id: CustomerId) -> Response[EmailQueued]:
    """Email the customer a password-reset link; a customer without a login gets the
    create-login email instead (`email` in the answer says which)."""
    return _accepted(invitations.send_password_reset(svc, _business_id(), customer_id))


@app.post("/v1/admin/staff", tags=["invites"], responses=CREATE)
def add_staff(member: NewStaffMember) -> Response[StaffMember]:
    """Add a member of staff; they get an email to set their password."""
    return saved(invitations.add_staff(svc, _business_id(), member), created=True)


@app.get("/v1/admin/staff", tags=["invites"], responses=READ)
def list_staff() -> ItemList[StaffMember]:
    """The business's staff, invited and active."""
    return ItemList[StaffMember](items=invitations.list_staff(svc, _business_id()))


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
