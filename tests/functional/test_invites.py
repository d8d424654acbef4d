"""Invites through the API and the mailer: templates, previews, bulk invites with every skip
reason, resends, business-sent resets, the portal-user list and staff."""

from __future__ import annotations

import re

import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from portico.data.identity import LinkNotUsable
from portico.data.items import CustomerItem
from portico.domain.customer import CustomerRecord
from portico.services import accounts
from portico.services import invitations as invitations_service
from portico_local.queues import deliver_all
from tests.support.api import call
from tests.support.factories import a_business, customer_body
from tests.support.sessions import PASSWORD, signed_up

PORTAL = "http://portal.test/p/sparkling-pools"
TOKEN = re.compile(r"[?&]token=([A-Za-z0-9_-]+)")


# --- helpers shared with the mailer tests -------------------------------------------------


class SentEmails:
    """The emails SES accepted, with both parts: a spy in front of the real SES sender (moto
    keeps only the HTML body of a simple email)."""

    def __init__(self, real) -> None:
        self.real = real
        self.messages = []

    def send(self, message) -> str:
        message_id = self.real.send(message)
        self.messages.append(message)
        return message_id

    def to(self, address: str):
        return [m for m in self.messages if m.to == address]

    def one_to(self, address: str):
        (message,) = self.to(address)
        return message


@pytest.fixture
def outbox(services, monkeypatch) -> SentEmails:
    spy = SentEmails(services.email)
    monkeypatch.setattr(services, "email", spy)
    return spy


def ses_sent_count() -> int:
    """What moto's SES (v1 and v2 share the backend) accepted."""
    return len(ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages)


def token_in(message) -> str:
    """The token of the one link with a token in the email's text part."""
    tokens = set(TOKEN.findall(message.text))
    assert len(tokens) == 1, message.text
    return tokens.pop()


def links_in(text: str) -> set[str]:
    return set(re.findall(r"https?://[^\s<>\"]+", text))


def put_customer(biz, customer_id, **fields):
    response = call(
        "PUT", f"/v1/admin/customers/{customer_id}", customer_body(**fields), api_key=biz.api_key
    )
    assert response.status in (200, 201), response.body
    return response.json()


def give_payment_method(biz, customer_id):
    # As the wallet records a saved card: the profile counts it.
    CustomerItem(*CustomerItem.keys(biz.business_id, customer_id)).update(
        actions=[CustomerItem.payment_method_count.set(1)]
    )


def enabled_business(services, slug="sparkling-pools", name="Sparkling Pools"):
    biz = a_business(services, slug, name)
    assert call("PUT", "/v1/admin/portal", {"enabled": True}, api_key=biz.api_key).status == 200
    return biz


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture
def biz(services):
    return enabled_business(services)


@pytest.fixture
def crowd(biz, services):
    """One customer for each way an invite can go."""
    put_customer(biz, "fresh", name="Ana Lopez", email="ana@example.com")
    put_customer(biz, "carded", name="Ben Ortiz", email="ben@example.com", service_texts=False)
    give_payment_method(biz, "carded")
    put_customer(biz, "no-email", name="Cy Park", email=None)
    put_customer(biz, "active", name="Dee Ruiz", email="dee@example.com")
    signed_up(services, biz.business_id, "active", "dee@example.com")
    # A second record (another property) of the person who has a login already
    put_customer(biz, "same-person", name="Dee Ruiz (lake house)", email="DEE@example.com")
    return biz


def invite(biz, body):
    response = call("POST", "/v1/admin/invites", body, api_key=biz.api_key)
    assert response.status == 202, response.body
    return response.json()


def skipped(outcome) -> dict[str, str]:
    return {item["customer_id"]: item["reason"] for item in outcome["skipped"]}


# --- bulk invites --------------------------------------------------------------------------


def test_given_customers_in_every_state_when_invited_by_id_then_each_skip_says_why(crowd, outbox):
    outcome = invite(
        crowd,
        {"customer_ids": ["fresh", "carded", "no-email", "active", "same-person", "ghost"]},
    )

    assert outcome["sent"] == ["fresh", "carded"]
    assert skipped(outcome) == {
        "no-email": "no_email",
        "active": "already_active",
        "same-person": "email_in_use",
        "ghost": "unknown_customer",
    }

    deliver_all()

    assert sorted(m.to for m in outbox.messages) == ["ana@example.com", "ben@example.com"]
    assert ses_sent_count() == 2
    # the one without a payment method gets the AutoPay invite, the other the plain one
    assert (
        outbox.one_to("ana@example.com").subject == "Pay Sparkling Pools online and set up AutoPay"
    )
    assert outbox.one_to("ben@example.com").subject == (
        "Your Sparkling Pools customer portal is ready"
    )


def test_given_an_invite_email_then_it_is_from_the_business_and_its_link_creates_the_login(
    crowd, outbox, services
):
    invite(crowd, {"customer_ids": ["fresh"]})
    deliver_all()

    email = outbox.one_to("ana@example.com")
    assert email.sender == "Sparkling Pools <portal@example.com>"
    assert email.reply_to == "office@example.com"
    assert "Hi Ana Lopez," in email.text
    assert f"{PORTAL}/create-login?token=" in email.text
    assert email.text.rstrip().endswith(PORTAL)  # the portal link at the bottom
    assert email.html.count("Create your login") >= 1

    accounts.accept_link(services, token_in(email), PASSWORD)

    users = call("GET", "/v1/admin/portal-users", api_key=crowd.api_key).json()["items"]
    assert {u["customer_id"]: u["portal_access"] for u in users}["fresh"] == "active"


def test_given_an_invite_then_the_customer_is_listed_as_invited(crowd, outbox, clock):
    invite(crowd, {"customer_ids": ["fresh"]})
    deliver_all()

    users = call("GET", "/v1/admin/portal-users", api_key=crowd.api_key).json()["items"]
    fresh = next(u for u in users if u["customer_id"] == "fresh")
    assert fresh["portal_access"] == "invited"
    assert fresh["invited_at"] == "2026-05-01T15:00:00Z"
    assert fresh["has_payment_method"] is False
    assert fresh["autopay_enabled"] is False
    assert fresh["last_login_at"] is None


@pytest.mark.parametrize(
    ("filter_", "sent", "reasons"),
    [
        (
            "all",
            ["carded", "fresh"],
            {
                "active": "already_active",
                "no-email": "no_email",
                "same-person": "email_in_use",
            },
        ),
        ("with_payment_method", ["carded"], {}),
        (
            "without_payment_method",
            ["fresh"],
            {"active": "already_active", "no-email": "no_email", "same-person": "email_in_use"},
        ),
        (
            "without_portal_account",
            ["carded", "fresh"],
            {"no-email": "no_email", "same-person": "email_in_use"},
        ),
        (
            "service_texts_on",
            ["fresh"],
            {"active": "already_active", "no-email": "no_email", "same-person": "email_in_use"},
        ),
        ("service_texts_off", ["carded"], {}),
    ],
)
def test_given_a_filter_when_inviting_then_only_matching_customers_are_considered(
    crowd, outbox, filter_, sent, reasons
):
    outcome = invite(crowd, {"filter": filter_})

    assert sorted(outcome["sent"]) == sent
    assert skipped(outcome) == reasons
    deliver_all()
    assert len(outbox.messages) == len(sent)


def test_given_the_portal_is_off_when_inviting_then_everyone_is_skipped_and_nothing_sent(
    crowd, outbox
):
    call("PUT", "/v1/admin/portal", {"enabled": False}, api_key=crowd.api_key)

    by_id = invite(crowd, {"customer_ids": ["fresh", "ghost"]})
    by_filter = invite(crowd, {"filter": "all"})

    assert by_id["sent"] == []
    assert skipped(by_id) == {"fresh": "portal_disabled", "ghost": "portal_disabled"}
    assert by_filter["sent"] == []
    assert set(skipped(by_filter).values()) == {"portal_disabled"}
    assert len(by_filter["skipped"]) == 5
    assert deliver_all() == 0
    assert outbox.messages == []


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"customer_ids": ["fresh"], "filter": "all"},
        {"customer_ids": []},
        {"customer_ids": ["bad id!"]},
        {"customer_ids": ["c"] * 5001},
        {"filter": "with_portal_account"},  # everyone it matches has a login
        {"filter": "everyone"},
    ],
)
def test_given_a_malformed_invite_request_then_422_and_nothing_queued(crowd, outbox, body):
    response = call("POST", "/v1/admin/invites", body, api_key=crowd.api_key)

    assert response.status == 422, response.body
    assert deliver_all() == 0


def test_given_a_filter_matching_too_many_then_422_before_anything_is_queued(
    crowd, outbox, monkeypatch
):
    monkeypatch.setattr(invitations_service, "MAX_INVITES", 3)

    response = call("POST", "/v1/admin/invites", {"filter": "all"}, api_key=crowd.api_key)

    assert response.status == 422
    assert response.json()["error"]["code"] == "too_many_customers"
    assert deliver_all() == 0


def test_given_5000_ids_then_customers_are_read_100_at_a_time_and_jobs_sent_10_at_a_time(
    biz, services, aws_calls
):
    for n in range(250):
        services.customers.save_record(
            biz.business_id,
            f"c-{n:04d}",
            # Distinct emails: the check for a login by someone else takes one pass.
            CustomerRecord(name=f"Customer {n}", email=f"c{n}@example.com"),
            services.clock.now(),
        )
    ids = [f"c-{n:04d}" for n in range(5000)]

    with aws_calls.counting():
        outcome = invite(biz, {"customer_ids": ids})

    assert len(outcome["sent"]) == 250
    assert len(outcome["skipped"]) == 4750
    assert aws_calls.calls["dynamodb:BatchGetItem"] == 50
    assert aws_calls.calls["sqs:SendMessageBatch"] == 25
    assert aws_calls.calls["dynamodb:Query"] <= 3


# --- re-invites ----------------------------------------------------------------------------


def test_given_a_reinvite_then_the_old_link_can_no_longer_be_accepted(crowd, outbox, services):
    invite(crowd, {"customer_ids": ["fresh"]})
    deliver_all()
    old = token_in(outbox.one_to("ana@example.com"))

    response = call("POST", "/v1/admin/portal-users/fresh/resend-invite", api_key=crowd.api_key)
    assert response.status == 202
    assert response.json() == {"status": "queued", "email": "invite"}
    deliver_all()

    _, second = outbox.to("ana@example.com")
    new = token_in(second)
    assert new != old
    with pytest.raises(LinkNotUsable):
        accounts.accept_link(services, old, "a-long-password-123")
    accounts.accept_link(services, new, "a-long-password-123")


@pytest.mark.parametrize(
    ("customer_id", "status", "code"),
    [
        ("active", 409, "already_active"),
        ("no-email", 409, "no_email"),
        ("same-person", 409, "email_in_use"),
        ("ghost", 404, "not_found"),
    ],
)
def test_given_a_customer_who_cannot_be_invited_when_resending_then_refused_with_why(
    crowd, outbox, customer_id, status, code
):
    response = call(
        "POST", f"/v1/admin/portal-users/{customer_id}/resend-invite", api_key=crowd.api_key
    )

    assert response.status == status
    assert response.json()["error"]["code"] == code
    assert deliver_all() == 0


def test_given_the_portal_is_off_when_resending_then_409_portal_disabled(crowd, outbox):
    call("PUT", "/v1/admin/portal", {"enabled": False}, api_key=crowd.api_key)

    response = call("POST", "/v1/admin/portal-users/fresh/resend-invite", api_key=crowd.api_key)

    assert response.status == 409
    assert response.json()["error"]["code"] == "portal_disabled"


# --- business-sent password resets ---------------------------------------------------------


def test_given_a_customer_with_a_login_when_the_business_sends_a_reset_then_it_works(
    crowd, outbox, services
):
    response = call("POST", "/v1/admin/portal-users/active/password-reset", api_key=crowd.api_key)

    assert response.status == 202
    assert response.json() == {"status": "queued", "email": "reset_password"}
    deliver_all()
    email = outbox.one_to("dee@example.com")
    assert email.subject == "Reset your Sparkling Pools portal password"
    assert f"{PORTAL}/reset?token=" in email.text
    accounts.reset_password(services, token_in(email), "a brand new passphrase")


def test_given_a_customer_without_a_login_when_the_business_sends_a_reset_then_create_login(
    crowd, outbox, services
):
    response = call("POST", "/v1/admin/portal-users/fresh/password-reset", api_key=crowd.api_key)

    assert response.json() == {"status": "queued", "email": "create_login"}
    deliver_all()
    email = outbox.one_to("ana@example.com")
    assert email.subject == "Create your login for Sparkling Pools"
    accounts.accept_link(services, token_in(email), PASSWORD)


@pytest.mark.parametrize(
    ("customer_id", "status", "code"),
    [("no-email", 409, "no_email"), ("same-person", 409, "email_in_use"), ("ghost", 404, None)],
)
def test_given_a_customer_who_cannot_get_a_reset_then_refused(
    crowd, outbox, customer_id, status, code
):
    response = call(
        "POST", f"/v1/admin/portal-users/{customer_id}/password-reset", api_key=crowd.api_key
    )

    assert response.status == status
    if code:
        assert response.json()["error"]["code"] == code
    assert deliver_all() == 0


# --- templates and previews ----------------------------------------------------------------

CUSTOM = {
    "language": "en",
    "with_payment_method": {
        "subject": "{{CUSTOMER_NAME}}, your {{BUSINESS_NAME}} portal",
        "message": "Hello {{CUSTOMER_NAME}}!\n\nSee {{CUSTOMER_PORTAL_LINK}} any time.",
    },
    "without_payment_method": {
        "subject": "AutoPay with {{BUSINESS_NAME}}",
        "message": (
            "Hello {{CUSTOMER_NAME}}, <b>save</b> a card: {{ADD_PAYMENT_METHOD_LINK}}\n\n"
            "Or start here: {{CREATE_LOGIN_LINK}}"
        ),
    },
}


def test_given_custom_templates_when_saved_then_returned_and_used_for_invites(crowd, outbox):
    saved = call("PUT", "/v1/admin/portal", {"invite_templates": CUSTOM}, api_key=crowd.api_key)

    assert saved.status == 200, saved.body
    assert call("GET", "/v1/admin/portal", api_key=crowd.api_key).json()["invite_templates"] == (
        CUSTOM
    )
    invite(crowd, {"customer_ids": ["fresh", "carded"]})
    deliver_all()
    ana = outbox.one_to("ana@example.com")
    assert ana.subject == "AutoPay with Sparkling Pools"
    assert f"save</b> a card: {PORTAL}/payment-methods" in ana.text
    assert "&lt;b&gt;save&lt;/b&gt;" in ana.html
    create_login = re.search(r"Or start here: (\S+)", ana.text).group(1)
    assert TOKEN.search(create_login)
    assert outbox.one_to("ben@example.com").subject == "Ben Ortiz, your Sparkling Pools portal"


def test_given_a_new_portal_then_default_templates_are_returned(biz):
    templates = call("GET", "/v1/admin/portal", api_key=biz.api_key).json()["invite_templates"]

    assert templates["language"] == "en"
    assert "{{CUSTOMER_NAME}}" in templates["without_payment_method"]["message"]


@pytest.mark.parametrize(
    ("template", "location_end"),
    [
        ({"subject": "Hi {{FIRST_NAME}}", "message": "Hello"}, "subject"),
        ({"subject": "Hi", "message": "Pay {{INVOICE_LINK}}"}, "message"),
        ({"subject": "Hi\r\nBcc: spam@evil.test", "message": "Hello"}, "subject"),
        ({"subject": "Hi", "message": "x" * 5001}, "message"),
    ],
)
def test_given_a_bad_template_when_saved_then_422_names_the_problem_and_nothing_changes(
    biz, template, location_end
):
    before = call("GET", "/v1/admin/portal", api_key=biz.api_key).json()

    response = call(
        "PUT",
        "/v1/admin/portal",
        {"invite_templates": {"with_payment_method": template}},
        api_key=biz.api_key,
    )

    assert response.status == 422
    (detail,) = response.json()["error"]["details"]
    assert detail["location"][-1] == location_end
    for tag in ("{{FIRST_NAME}}", "{{INVOICE_LINK}}"):
        if tag in str(template):
            assert tag in detail["message"]
    assert call("GET", "/v1/admin/portal", api_key=biz.api_key).json() == before


def test_given_a_preview_then_the_business_gets_a_sample_with_login_page_links_only(crowd, outbox):
    call("PUT", "/v1/admin/portal", {"invite_templates": CUSTOM}, api_key=crowd.api_key)

    response = call(
        "POST",
        "/v1/admin/portal/preview-invite",
        {"to_email": "office@example.com", "template": "without_payment_method"},
        api_key=crowd.api_key,
    )

    assert response.status == 202
    assert response.json() == {"status": "queued", "email": "invite_preview"}
    deliver_all()
    (email,) = outbox.messages
    assert email.to == "office@example.com"
    assert email.subject == "[Preview] AutoPay with Sparkling Pools"
    assert "Hello Alex Sample" in email.text
    assert links_in(email.text) == {PORTAL}
    assert "token" not in email.text + email.html
    # nobody was invited by a preview
    users = call("GET", "/v1/admin/portal-users", api_key=crowd.api_key).json()["items"]
    assert {u["customer_id"]: u["portal_access"] for u in users}["fresh"] == "not_invited"


def test_given_a_spanish_portal_when_previewing_then_the_email_is_in_spanish(biz, outbox):
    call("PUT", "/v1/admin/portal", {"invite_templates": {"language": "es"}}, api_key=biz.api_key)

    call(
        "POST",
        "/v1/admin/portal/preview-invite",
        {"to_email": "office@example.com", "template": "with_payment_method"},
        api_key=biz.api_key,
    )
    deliver_all()

    (email,) = outbox.messages
    assert email.subject == "[Vista previa] Su portal de clientes de Sparkling Pools está listo"
    assert "Hola, Alex Sample:" in email.text
    assert "Crear su acceso" in email.html


@pytest.mark.parametrize(
    "body",
    [
        {"to_email": "not-an-email", "template": "with_payment_method"},
        {"to_email": "office@example.com", "template": "other"},
        {"to_email": "office@example.com"},
    ],
)
def test_given_a_bad_preview_request_then_422(biz, body):
    response = call("POST", "/v1/admin/portal/preview-invite", body, api_key=biz.api_key)

    assert response.status == 422


# --- the portal-user list ------------------------------------------------------------------


def test_given_many_customers_then_portal_users_are_paginated_and_filtered(crowd):
    first = call("GET", "/v1/admin/portal-users?limit=2", api_key=crowd.api_key).json()
    rest = call(
        "GET",
        f"/v1/admin/portal-users?limit=10&cursor={first['next_cursor']}",
        api_key=crowd.api_key,
    ).json()
    active = call(
        "GET", "/v1/admin/portal-users?filter=with_portal_account", api_key=crowd.api_key
    ).json()

    ids = [u["customer_id"] for u in first["items"] + rest["items"]]
    assert len(first["items"]) == 2
    assert sorted(ids) == ["active", "carded", "fresh", "no-email", "same-person"]
    assert [u["customer_id"] for u in active["items"]] == ["active"]
    assert active["items"][0]["last_login_at"] is not None
    assert set(active["items"][0]) == {
        "customer_id",
        "name",
        "email",
        "portal_access",
        "invited_at",
        "last_login_at",
        "has_payment_method",
        "autopay_enabled",
    }


# --- staff ---------------------------------------------------------------------------------


def test_given_a_new_staff_member_then_listed_invited_and_their_email_link_signs_them_up(
    biz, outbox, services
):
    response = call(
        "POST",
        "/v1/admin/staff",
        {"name": "Sam Lee", "email": "sam@example.com"},
        api_key=biz.api_key,
    )

    assert response.status == 201, response.body
    assert response.json()["status"] == "invited"
    listed = call("GET", "/v1/admin/staff", api_key=biz.api_key).json()["items"]
    assert [(m["name"], m["status"]) for m in listed] == [("Sam Lee", "invited")]
    deliver_all()
    email = outbox.one_to("sam@example.com")
    assert email.subject == "You have been added to the Sparkling Pools team on Portico"
    assert "http://portal.test/admin/accept?portal=sparkling-pools&token=" in email.text
    accounts.accept_link(services, token_in(email), PASSWORD)
    listed = call("GET", "/v1/admin/staff", api_key=biz.api_key).json()["items"]
    assert listed[0]["status"] == "active"


def test_given_a_staff_email_already_on_the_staff_then_409(biz, outbox):
    body = {"name": "Sam Lee", "email": "sam@example.com"}
    assert call("POST", "/v1/admin/staff", body, api_key=biz.api_key).status == 201

    again = call("POST", "/v1/admin/staff", body | {"name": "Sam L."}, api_key=biz.api_key)

    assert again.status == 409
    deliver_all()
    assert len(outbox.to("sam@example.com")) == 1
