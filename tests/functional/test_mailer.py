"""The mailer: what each queued job sends (or does not), SES throttling, and jobs that can
never be done."""

from __future__ import annotations

import json
from datetime import timedelta

import boto3
import pytest
from botocore.exceptions import ClientError

from mailer.handler import lambda_handler
from portico.data.identity import LinkNotUsable
from portico.domain.email_jobs import (
    InviteRequested,
    LoginLinkRequested,
    PasswordResetRequested,
    StaffInviteRequested,
)
from portico.jobs import email_job_adapter
from portico.services import accounts
from portico_local.gateway import LambdaContext
from portico_local.queues import deliver_all, sqs_event
from tests.functional.test_invites import (
    PORTAL,
    enabled_business,
    put_customer,
    ses_sent_count,
    token_in,
)
from tests.functional.test_invites import outbox as outbox  # the fixture
from tests.support.api import call
from tests.support.sessions import PASSWORD, link_for, signed_up


@pytest.fixture
def biz(services):
    """A portal with a customer who has a login and one who has not."""
    business = enabled_business(services)
    put_customer(business, "with-login", name="Ana Lopez", email="ana@example.com")
    signed_up(services, business.business_id, "with-login", "ana@example.com")
    put_customer(business, "no-login", name="Ben Ortiz", email="ben@example.com")
    return business


def in_flight(services) -> int:
    """Jobs still on the email queue: a job that failed waits there for another try."""
    attributes = boto3.client("sqs").get_queue_attributes(
        QueueUrl=services.settings.email_queue_url, AttributeNames=["All"]
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


def ask(slug, what, email, **extra):
    response = call("POST", f"/v1/portals/{slug}/{what}", {"email": email, **extra})
    assert response.status == 202, response.body
    return response


# --- signup, magic link, forgot password ---------------------------------------------------


@pytest.mark.parametrize("what", ["signup", "magic-link", "forgot-password"])
def test_given_an_unknown_email_when_a_link_is_asked_then_nothing_is_sent(
    biz, outbox, services, what
):
    ask("sparkling-pools", what, "stranger@example.com")

    assert deliver_all() == 1
    assert outbox.messages == []
    assert ses_sent_count() == 0
    assert in_flight(services) == 0  # done with, not failed


@pytest.mark.parametrize(
    ("what", "subject", "path"),
    [
        ("signup", "Create your login for Sparkling Pools", "create-login"),
        ("magic-link", "Create your login for Sparkling Pools", "create-login"),
        ("forgot-password", "Create your login for Sparkling Pools", "create-login"),
    ],
)
def test_given_a_customer_without_a_login_when_any_link_is_asked_then_create_login(
    biz, outbox, services, what, subject, path
):
    ask("sparkling-pools", what, "BEN@example.com")
    deliver_all()

    email = outbox.one_to("ben@example.com")
    assert email.subject == subject
    assert f"{PORTAL}/{path}?token=" in email.text
    accounts.accept_link(services, token_in(email), PASSWORD)


def test_given_a_customer_with_a_login_when_signup_is_asked_then_nothing_is_sent(
    biz, outbox, services
):
    ask("sparkling-pools", "signup", "ana@example.com")
    deliver_all()

    assert outbox.messages == []
    assert in_flight(services) == 0


def test_given_a_customer_with_a_login_when_a_magic_link_is_asked_then_it_signs_them_in(
    biz, outbox, services
):
    ask("sparkling-pools", "magic-link", "ana@example.com")
    deliver_all()

    email = outbox.one_to("ana@example.com")
    assert email.subject == "Your sign-in link for Sparkling Pools"
    assert f"{PORTAL}/magic?token=" in email.text
    tokens = accounts.magic_sign_in(services, token_in(email))
    assert tokens.subject_id == "with-login"


def test_given_a_customer_with_a_login_when_forgot_password_then_a_reset_link(
    biz, outbox, services
):
    ask("sparkling-pools", "forgot-password", "ana@example.com", language="es")
    deliver_all()

    email = outbox.one_to("ana@example.com")
    assert email.subject == "Restablezca su contraseña del portal de Sparkling Pools"
    assert "Hola, Ana Lopez:" in email.text
    accounts.reset_password(services, token_in(email), "a brand new passphrase")


def test_given_magic_links_are_off_when_one_is_asked_then_refused_and_nothing_is_sent(
    biz, outbox, services
):
    call(
        "PUT",
        "/v1/admin/portal",
        {"login_methods": {"password": True, "magic_link": False}},
        api_key=biz.api_key,
    )

    for email in ("ana@example.com", "nobody@example.com"):  # the same answer for anyone
        response = call("POST", "/v1/portals/sparkling-pools/magic-link", {"email": email})
        assert response.status == 403
        assert response.json()["error"]["code"] == "login_method_disabled"
    deliver_all()

    assert outbox.messages == []
    assert in_flight(services) == 0


def test_given_a_second_record_of_someone_with_a_login_then_signup_sends_nothing(
    biz, outbox, services
):
    put_customer(biz, "lake-house", name="Ana Lopez", email="ana@example.com")

    ask("sparkling-pools", "signup", "ana@example.com")
    services.email_jobs.enqueue(
        [
            PasswordResetRequested(business_id=biz.business_id, customer_id="lake-house"),
            InviteRequested(business_id=biz.business_id, customer_id="lake-house"),
        ]
    )
    deliver_all()

    assert outbox.messages == []
    assert in_flight(services) == 0


# --- fresh links ---------------------------------------------------------------------------


def test_given_an_expired_invite_when_a_fresh_one_is_asked_then_it_arrives_and_works(
    biz, outbox, services, clock
):
    old = link_for(services, biz.business_id, "no-login", "ben@example.com")
    clock.set(clock.now() + timedelta(days=8))

    response = call("POST", "/v1/auth/resend-link", {"token": old})
    assert response.status == 202
    deliver_all()

    email = outbox.one_to("ben@example.com")
    assert email.subject == "Create your login for Sparkling Pools"
    accounts.accept_link(services, token_in(email), PASSWORD)


def test_given_a_used_magic_link_when_a_fresh_one_is_asked_then_a_new_magic_link(
    biz, outbox, services
):
    from portico.identity.tokens import LinkPurpose

    old = link_for(
        services, biz.business_id, "with-login", "ana@example.com", LinkPurpose.MAGIC_LINK
    )
    accounts.magic_sign_in(services, old)

    call("POST", "/v1/auth/resend-link", {"token": old})
    deliver_all()

    email = outbox.one_to("ana@example.com")
    assert email.subject == "Your sign-in link for Sparkling Pools"
    accounts.magic_sign_in(services, token_in(email))


def test_given_an_unknown_token_when_a_fresh_link_is_asked_then_nothing_is_sent(
    biz, outbox, services
):
    call("POST", "/v1/auth/resend-link", {"token": "x" * 43})

    assert deliver_all() == 1
    assert outbox.messages == []
    assert in_flight(services) == 0


def test_given_the_email_changed_since_the_link_then_no_fresh_link_goes_anywhere(
    biz, outbox, services
):
    old = link_for(services, biz.business_id, "no-login", "ben@example.com")
    put_customer(biz, "no-login", name="Ben Ortiz", email="ben.new@example.com")

    call("POST", "/v1/auth/resend-link", {"token": old})
    deliver_all()

    assert outbox.messages == []
    assert in_flight(services) == 0


def test_given_a_staff_invite_link_when_a_fresh_one_is_asked_then_the_staff_member_gets_it(
    biz, outbox, services
):
    call(
        "POST", "/v1/admin/staff", {"name": "Sam", "email": "sam@example.com"}, api_key=biz.api_key
    )
    deliver_all()
    old = token_in(outbox.one_to("sam@example.com"))

    call("POST", "/v1/auth/resend-link", {"token": old})
    deliver_all()

    _, fresh = outbox.to("sam@example.com")
    with pytest.raises(LinkNotUsable):
        accounts.accept_link(services, old, PASSWORD)
    accounts.accept_link(services, token_in(fresh), PASSWORD)


# --- jobs that can never be done -----------------------------------------------------------


@pytest.mark.parametrize(
    "job",
    [
        InviteRequested(business_id="biz_gone", customer_id="no-login"),
        LoginLinkRequested(business_id="biz_gone", purpose="magic_link", email="a@example.com"),
        StaffInviteRequested(business_id="biz_gone", staff_id="staff_1"),
    ],
)
def test_given_a_job_for_an_unknown_business_then_it_is_dropped_not_retried(biz, outbox, job):
    result = handle([job])

    assert result == {"batchItemFailures": []}
    assert outbox.messages == []


def test_given_jobs_for_unknown_or_emailless_customers_then_dropped_not_retried(biz, outbox):
    put_customer(biz, "no-email", name="Cy", email=None)

    result = handle(
        [
            InviteRequested(business_id=biz.business_id, customer_id="ghost"),
            InviteRequested(business_id=biz.business_id, customer_id="no-email"),
            PasswordResetRequested(business_id=biz.business_id, customer_id="no-email"),
            StaffInviteRequested(business_id=biz.business_id, staff_id="staff_ghost"),
        ]
    )

    assert result == {"batchItemFailures": []}
    assert outbox.messages == []


def test_given_a_customer_who_signed_up_after_the_invite_was_queued_then_no_invite(
    biz, outbox, services
):
    services.email_jobs.enqueue(
        [InviteRequested(business_id=biz.business_id, customer_id="no-login")]
    )
    signed_up(services, biz.business_id, "no-login", "ben@example.com")

    deliver_all()

    assert outbox.messages == []
    assert in_flight(services) == 0


def test_given_the_portal_was_turned_off_after_queueing_then_customer_emails_are_dropped(
    biz, outbox, services
):
    services.email_jobs.enqueue(
        [
            InviteRequested(business_id=biz.business_id, customer_id="no-login"),
            LoginLinkRequested(
                business_id=biz.business_id, purpose="magic_link", email="ana@example.com"
            ),
        ]
    )
    call("PUT", "/v1/admin/portal", {"enabled": False}, api_key=biz.api_key)

    deliver_all()

    assert outbox.messages == []
    assert in_flight(services) == 0


def test_given_a_duplicate_delivery_of_an_invite_then_two_emails_and_only_the_last_works(
    biz, outbox, services
):
    job = InviteRequested(business_id=biz.business_id, customer_id="no-login")

    assert handle([job]) == {"batchItemFailures": []}
    assert handle([job]) == {"batchItemFailures": []}

    first, second = outbox.to("ben@example.com")
    with pytest.raises(LinkNotUsable):
        accounts.accept_link(services, token_in(first), PASSWORD)
    accounts.accept_link(services, token_in(second), PASSWORD)


# --- failures that deserve another try ---------------------------------------------------


class ThrottledFor:
    """SES refusing to send to some addresses because of the sending rate."""

    def __init__(self, real, addresses, code="TooManyRequestsException") -> None:
        self.real = real
        self.addresses = set(addresses)
        self.code = code

    def send(self, message):
        if message.to in self.addresses:
            raise ClientError(
                {"Error": {"Code": self.code, "Message": "Maximum sending rate exceeded."}},
                "SendEmail",
            )
        return self.real.send(message)


@pytest.mark.parametrize("code", ["TooManyRequestsException", "Throttling", "InternalFailure"])
def test_given_ses_throttles_one_email_then_only_that_record_is_a_batch_item_failure(
    biz, outbox, services, monkeypatch, code
):
    monkeypatch.setattr(services, "email", ThrottledFor(outbox, {"ben@example.com"}, code))
    put_customer(biz, "third", name="Cy Park", email="cy@example.com")

    result = handle(
        [
            InviteRequested(business_id=biz.business_id, customer_id="no-login"),
            InviteRequested(business_id=biz.business_id, customer_id="third"),
        ]
    )

    assert result == {"batchItemFailures": [{"itemIdentifier": "m0"}]}
    assert [m.to for m in outbox.messages] == ["cy@example.com"]


def test_given_ses_throttles_then_the_job_stays_on_the_queue_for_another_try(
    biz, outbox, services, monkeypatch
):
    monkeypatch.setattr(services, "email", ThrottledFor(outbox, {"ben@example.com"}))
    services.email_jobs.enqueue(
        [InviteRequested(business_id=biz.business_id, customer_id="no-login")]
    )

    deliver_all()

    assert in_flight(services) == 1  # back after its visibility timeout
    assert outbox.messages == []


def test_given_an_unreadable_job_then_it_fails_so_it_reaches_the_dead_letter_queue(biz, outbox):
    event = sqs_event(
        [
            {"MessageId": "bad", "ReceiptHandle": "r", "Body": '{"kind": "carrier_pigeon"}'},
            {"MessageId": "worse", "ReceiptHandle": "r", "Body": "not json"},
        ],
        "arn:aws:sqs:us-east-1:123456789012:portico-dev-email",
    )

    result = lambda_handler(event, LambdaContext(function_name="MailerFunction"))

    assert result == {"batchItemFailures": [{"itemIdentifier": "bad"}, {"itemIdentifier": "worse"}]}


def test_given_the_template_then_the_mailer_consumes_the_email_queue_in_partial_batches():
    from portico_local.queues import queue_sources
    from portico_local.template import load_template

    (source,) = [s for s in queue_sources() if s.queue == "EmailQueue"]
    assert source.handler == "mailer.handler.lambda_handler"
    assert source.partial_failures
    resources = load_template()["Resources"]
    mailer = resources["MailerFunction"]["Properties"]
    event = next(iter(mailer["Events"].values()))["Properties"]
    assert event["ScalingConfig"]["MaximumConcurrency"] == 2
    assert resources["EmailQueue"]["Properties"]["VisibilityTimeout"] >= mailer["Timeout"]


def handle(jobs):
    """Run the mailer on one SQS batch of these jobs (message ids m0, m1, ...)."""
    event = sqs_event(
        [
            {
                "MessageId": f"m{index}",
                "ReceiptHandle": f"r{index}",
                "Body": json.dumps(email_job_adapter.dump_python(job, mode="json")),
            }
            for index, job in enumerate(jobs)
        ],
        "arn:aws:sqs:us-east-1:123456789012:portico-dev-email",
    )
    return lambda_handler(event, LambdaContext(function_name="MailerFunction"))
