"""Public portal routes: the login page's data and the business's logo, sign-in by password
or emailed link, signup, forgot password, session refresh and sign-out."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.shared.cookies import Cookie, SameSite
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import StringConstraints

from portico.bootstrap import services
from portico.domain.accounts import SessionTokens, StaffMember
from portico.domain.business import PublicPortal
from portico.domain.common import DomainModel, Email, Language
from portico.domain.customer import Customer
from portico.http.cookies import ACCESS_COOKIE, REFRESH_COOKIE, REFRESH_COOKIE_PATH, cookie_value
from portico.http.resolver import create_resolver
from portico.http.responses import download, route_responses
from portico.identity.principal import Role
from portico.identity.tokens import LinkPurpose
from portico.observability import logger
from portico.services import accounts, logos, portals

app = create_resolver()
svc = services()

SlugParam = Annotated[str, Path(min_length=1, max_length=64)]
# Long enough for any passphrase, short enough that hashing it cannot be used to burn CPU.
Password = Annotated[str, StringConstraints(min_length=1, max_length=1024)]
Token = Annotated[str, StringConstraints(min_length=1, max_length=256)]


class SignInRequest(DomainModel):
    email: Email
    password: Password


class LinkRequest(DomainModel):
    email: Email
    language: Language = "en"


class TokenAndPassword(DomainModel):
    token: Token
    password: Password


class TokenOnly(DomainModel):
    token: Token


class RefreshRequest(DomainModel):
    """API clients may send the refresh token in the body; browsers send the cookie."""

    refresh_token: Token | None = None


# No body at all is this, the cookie's case. Not `RefreshRequest | None`, which documented a
# `null` body: the resolver refuses every body that is not a JSON object.
_NO_BODY = RefreshRequest.model_construct()


class Accepted(DomainModel):
    message: str


class SessionStarted(DomainModel):
    access_token: str
    expires_in: int
    role: Role


class CustomerSignedIn(SessionStarted):
    customer: Customer


class StaffSignedIn(SessionStarted):
    staff: StaffMember


LINK_SENT = Accepted(
    message="If that email belongs to a customer of this business, we have sent a link to it."
)


def _client_ip() -> str:
    return app.current_event.request_context.http.source_ip or "unknown"


def _cookie(name: str) -> str | None:
    return cookie_value(app.current_event.cookies or [], name)


def _session_cookies(tokens: SessionTokens) -> list[Cookie]:
    return [
        Cookie(
            ACCESS_COOKIE,
            tokens.access_token,
            path="/",
            http_only=True,
            secure=True,
            same_site=SameSite.LAX_MODE,
            max_age=tokens.expires_in,
        ),
        Cookie(
            REFRESH_COOKIE,
            tokens.refresh_token,
            path=REFRESH_COOKIE_PATH,
            http_only=True,
            secure=True,
            same_site=SameSite.LAX_MODE,
            max_age=accounts.REFRESH_TOKEN_SECONDS,
        ),
    ]


def _signed_in[T: SessionStarted](body: T, tokens: SessionTokens) -> Response[T]:
    return Response(
        status_code=200,
        content_type=content_types.APPLICATION_JSON,
        body=body,
        cookies=_session_cookies(tokens),
        headers={"Cache-Control": "no-store"},
    )


def _started(tokens: SessionTokens) -> Response[SessionStarted]:
    body = SessionStarted(
        access_token=tokens.access_token, expires_in=tokens.expires_in, role=tokens.role
    )
    return _signed_in(body, tokens)


def _accepted() -> Response[Accepted]:
    return Response(status_code=202, content_type=content_types.APPLICATION_JSON, body=LINK_SENT)


PUBLIC = route_responses(404, 413, 422)
SIGN_IN = route_responses(401, 403, 404, 413, 422, 429)
LINKS = route_responses(403, 404, 413, 422, success=(202,))
REDEEM = route_responses(401, 403, 404, 409, 413, 422)


@app.get("/v1/portals/<slug>", tags=["portal"], responses=route_responses(404, 422))
def get_portal(slug: SlugParam) -> PublicPortal:
    """The business name, logo, colour, contact details, tabs and login methods of a portal."""
    return portals.public_portal(svc, slug)


# In the portal's `logo_url` so the address changes with the image; the latest is served.
LogoVersion = Annotated[str | None, Query(max_length=64)]


@app.get(
    "/v1/portals/<slug>/logo",
    tags=["portal"],
    responses=route_responses(404, media_types=("image/png", "image/jpeg")),
)
def get_logo(slug: SlugParam, v: LogoVersion = None) -> Response[Any]:
    """The logo the business uploaded, as a PNG or JPEG. Its address (the portal's
    `logo_url`) carries the image's version (`v`), so a cached copy is never a stale one."""
    logo = logos.public_logo(svc, slug)
    return download(
        logo.data,
        logo.content_type,
        {
            "Cache-Control": "public, max-age=3600",
            "ETag": f'"{logo.version}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


@app.post("/v1/portals/<slug>/login", tags=["auth"], responses=SIGN_IN)
def sign_in(slug: SlugParam, request: SignInRequest) -> Response[CustomerSignedIn]:
    """Password sign-in. Unknown email and wrong password give the same 401."""
    tokens, customer = accounts.sign_in(svc, slug, request.email, request.password, _client_ip())
    body = CustomerSignedIn(
        access_token=tokens.access_token,
        expires_in=tokens.expires_in,
        role=tokens.role,
        customer=customer,
    )
    return _signed_in(body, tokens)


@app.post("/v1/portals/<slug>/staff-login", tags=["auth"], responses=SIGN_IN)
def staff_sign_in(slug: SlugParam, request: SignInRequest) -> Response[StaffSignedIn]:
    """Sign-in for the business's staff (the admin pages)."""
    tokens, member = accounts.staff_sign_in(
        svc, slug, request.email, request.password, _client_ip()
    )
    body = StaffSignedIn(
        access_token=tokens.access_token,
        expires_in=tokens.expires_in,
        role=tokens.role,
        staff=member,
    )
    return _signed_in(body, tokens)


@app.post("/v1/portals/<slug>/signup", tags=["auth"], responses=LINKS)
def sign_up(slug: SlugParam, request: LinkRequest) -> Response[Accepted]:
    """Email a create-login link if the business has a customer with this email and no login."""
    accounts.request_link(svc, slug, LinkPurpose.CREATE_LOGIN, request.email, request.language)
    return _accepted()


@app.post("/v1/portals/<slug>/magic-link", tags=["auth"], responses=LINKS)
def request_magic_link(slug: SlugParam, request: LinkRequest) -> Response[Accepted]:
    """Email a one-time sign-in link (15 minutes)."""
    accounts.request_link(svc, slug, LinkPurpose.MAGIC_LINK, request.email, request.language)
    return _accepted()


@app.post("/v1/portals/<slug>/forgot-password", tags=["auth"], responses=LINKS)
def forgot_password(slug: SlugParam, request: LinkRequest) -> Response[Accepted]:
    """Email a password-reset link (60 minutes)."""
    accounts.request_link(svc, slug, LinkPurpose.RESET_PASSWORD, request.email, request.language)
    return _accepted()


@app.post("/v1/auth/accept", tags=["auth"], responses=REDEEM)
def accept(request: TokenAndPassword) -> Response[SessionStarted]:
    """Redeem an invite or signup link (customer or staff): set the password, sign in."""
    return _started(accounts.accept_link(svc, request.token, request.password))


@app.post("/v1/auth/reset", tags=["auth"], responses=REDEEM)
def reset(request: TokenAndPassword) -> Response[SessionStarted]:
    """Redeem a password-reset link: set the new password, sign in."""
    return _started(accounts.reset_password(svc, request.token, request.password))


@app.post("/v1/auth/magic", tags=["auth"], responses=REDEEM)
def magic(request: TokenOnly) -> Response[SessionStarted]:
    """Redeem a magic link: sign in."""
    return _started(accounts.magic_sign_in(svc, request.token))


@app.post(
    "/v1/auth/resend-link", tags=["auth"], responses=route_responses(413, 422, success=(202,))
)
def resend_link(request: TokenOnly) -> Response[Accepted]:
    """An expired or used link asks for a fresh one, sent to the same address (always 202)."""
    accounts.request_fresh_link(svc, request.token)
    return _accepted()


@app.post("/v1/auth/refresh", tags=["auth"], responses=REDEEM)
def refresh(request: RefreshRequest = _NO_BODY) -> Response[SessionStarted]:
    """A new access token and a new refresh token for a live session."""
    token = request.refresh_token or _cookie(REFRESH_COOKIE) or ""
    return _started(accounts.refresh_session(svc, token))


@app.post("/v1/auth/logout", tags=["auth"], responses=route_responses(413, 422, success=(204,)))
def logout(request: RefreshRequest = _NO_BODY) -> Response[str]:
    """End the session and clear the cookies."""
    accounts.sign_out(svc, request.refresh_token or _cookie(REFRESH_COOKIE))
    expired = [
        Cookie(ACCESS_COOKIE, "", path="/", http_only=True, secure=True, max_age=0),
        Cookie(
            REFRESH_COOKIE, "", path=REFRESH_COOKIE_PATH, http_only=True, secure=True, max_age=0
        ),
    ]
    return Response(status_code=204, body="", cookies=expired)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
