"""The dev-only endpoints of DESIGN 4.6: demo data, the clock handlers read, the outbox."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from portico_local.template import load_template
from tests.e2e.runtime import Runtime, business

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

DEMO_STATES = {
    "active_autopay",
    "active_no_payment_method",
    "invited",
    "not_invited",
    "past_due",
    "no_email",
}


def test_given_the_runtime_when_reading_the_demo_then_it_has_the_design_shape(
    demo: dict[str, Any],
):
    assert set(demo) >= {"businesses", "stripe"}
    assert set(demo["stripe"]) == {"api_base", "publishable_key"}
    assert [b["slug"] for b in demo["businesses"]] == ["sparkling-pools", "greenleaf-lawn"]
    for found in demo["businesses"]:
        assert set(found) == {"slug", "name", "admin_api_key", "staff", "customers"}
        assert found["admin_api_key"].startswith("ptk_")
        for customer in found["customers"]:
            assert set(customer) == {"customer_id", "email", "password", "state"}
    pools = business(demo, "sparkling-pools")
    assert pools["name"] == "Sparkling Pools"
    assert {customer["state"] for customer in pools["customers"]} == DEMO_STATES
    no_email = next(c for c in pools["customers"] if c["state"] == "no_email")
    assert no_email["email"] is None
    assert no_email["password"] is None


def test_given_the_demo_then_shared_example_com_is_a_customer_of_both_businesses(
    demo: dict[str, Any],
):
    owners = {
        found["slug"]: customer["customer_id"]
        for found in demo["businesses"]
        for customer in found["customers"]
        if customer["email"] == "shared@example.com"
    }

    assert set(owners) == {"sparkling-pools", "greenleaf-lawn"}


@pytest.fixture
def reset_clock(runtime: Runtime) -> Iterator[None]:
    yield
    runtime.request("POST", "/_dev/clock", {"now": None})


@pytest.mark.usefixtures("reset_clock")
def test_given_the_clock_is_set_when_a_handler_saves_then_it_uses_that_time(
    runtime: Runtime, demo: dict[str, Any]
):
    key = business(demo, "sparkling-pools")["admin_api_key"]
    visit = {"customer_id": "cust-1004", "date": "2030-01-09", "service": "Opening service"}

    set_clock = runtime.request("POST", "/_dev/clock", {"now": "2030-01-02T03:04:05-06:00"})
    visit_id = f"visit-e2e-{uuid.uuid4().hex[:8]}"
    saved = runtime.request("PUT", f"/v1/admin/visits/{visit_id}", visit, api_key=key)
    read = runtime.request("GET", "/_dev/clock")

    assert set_clock.status == 200, set_clock.body
    assert set_clock.json() == {"now": "2030-01-02T09:04:05+00:00", "fixed": True}
    assert saved.status == 201, saved.body
    assert saved.json()["updated_at"].startswith("2030-01-02T09:04:05")
    assert read.json() == set_clock.json()


@pytest.mark.usefixtures("reset_clock")
def test_given_a_set_clock_when_reset_then_it_follows_the_system_clock(runtime: Runtime):
    runtime.request("POST", "/_dev/clock", {"now": "2031-06-01T00:00:00Z"})

    reset = runtime.request("POST", "/_dev/clock", {"now": None})

    assert reset.status == 200
    assert reset.json()["fixed"] is False
    now = datetime.fromisoformat(reset.json()["now"])
    assert abs(now - datetime.now(UTC)) < timedelta(minutes=1)


@pytest.mark.parametrize(
    ("raw_body", "code"),
    [
        (b"not json", "invalid_json"),
        (b'{"now": "yesterday"}', "bad_request"),
        (b'{"now": "2030-01-02T03:04:05"}', "bad_request"),  # no offset
        (b'{"now": 1700000000}', "bad_request"),
        (b'{"when": "2030-01-02T03:04:05Z"}', "bad_request"),
        (b"[]", "bad_request"),
    ],
)
def test_given_bad_input_when_setting_the_clock_then_400_and_the_clock_is_unchanged(
    runtime: Runtime, raw_body: bytes, code: str
):
    response = runtime.request("POST", "/_dev/clock", raw_body=raw_body)

    assert response.status == 400
    assert response.json()["error"]["code"] == code
    assert runtime.request("GET", "/_dev/clock").json()["fixed"] is False


def _ses(demo: dict[str, Any]) -> Any:
    aws = demo["aws"]
    return boto3.client(
        "sesv2",
        endpoint_url=aws["endpoint_url"],
        region_name=aws["region"],
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


def _platform_sender() -> str:
    return str(load_template()["Parameters"]["PlatformSenderEmail"]["Default"])


def _outbox(runtime: Runtime, message_id: str) -> dict[str, Any]:
    response = runtime.request("GET", "/_dev/outbox")
    assert response.status == 200, response.body
    messages = response.json()["messages"]
    return next(message for message in messages if message["id"] == message_id)


def test_given_an_email_sent_through_local_ses_then_the_outbox_shows_both_parts(
    runtime: Runtime, demo: dict[str, Any]
):
    subject = f"Your invoice {uuid.uuid4().hex[:6]}"
    sender = f"Sparkling Pools <{_platform_sender()}>"

    sent = _ses(demo).send_email(
        FromEmailAddress=sender,
        Destination={"ToAddresses": ["Maria Lopez <maria.lopez@example.com>"]},
        Content={
            "Simple": {
                "Subject": {"Data": subject},
                "Body": {"Text": {"Data": "You owe $194.85."}, "Html": {"Data": "<p>$194.85</p>"}},
            }
        },
    )
    message = _outbox(runtime, sent["MessageId"])

    assert message["to"] == ["maria.lopez@example.com"]
    assert message["from"] == sender
    assert message["subject"] == subject
    assert message["text"] == "You owe $194.85."
    assert message["html"] == "<p>$194.85</p>"
    sent_at = datetime.fromisoformat(message["sent_at"])
    assert abs(sent_at - datetime.now(UTC)) < timedelta(minutes=1)


def test_given_a_mime_email_when_sent_then_the_outbox_lists_it_after_older_ones(
    runtime: Runtime, demo: dict[str, Any]
):
    ses = _ses(demo)
    first = ses.send_email(
        FromEmailAddress=_platform_sender(),
        Destination={"ToAddresses": ["james.carter@example.com"]},
        Content={"Simple": {"Subject": {"Data": "First"}, "Body": {"Text": {"Data": "one"}}}},
    )
    mime = EmailMessage()
    mime["From"] = _platform_sender()
    mime["To"] = "priya.shah@example.com"
    mime["Subject"] = "Receipt"
    mime.set_content("Thanks for your payment.")
    mime.add_alternative("<p>Thanks for your payment.</p>", subtype="html")

    second = ses.send_email(Content={"Raw": {"Data": mime.as_bytes()}})
    ids = [m["id"] for m in runtime.request("GET", "/_dev/outbox").json()["messages"]]
    message = _outbox(runtime, second["MessageId"])

    assert ids.index(first["MessageId"]) < ids.index(second["MessageId"])
    assert message["to"] == ["priya.shah@example.com"]
    assert message["text"].strip() == "Thanks for your payment."
    assert message["html"].strip() == "<p>Thanks for your payment.</p>"


def test_given_an_unverified_sender_when_sending_then_local_ses_refuses_it(
    demo: dict[str, Any],
):
    with pytest.raises(ClientError) as refused:
        _ses(demo).send_email(
            FromEmailAddress="someone@not-verified.example.org",
            Destination={"ToAddresses": ["maria.lopez@example.com"]},
            Content={"Simple": {"Subject": {"Data": "x"}, "Body": {"Text": {"Data": "x"}}}},
        )

    assert refused.value.response["Error"]["Code"] == "MessageRejected"


def test_given_a_queued_email_when_the_queues_are_drained_then_it_is_sent_before_the_answer(
    runtime: Runtime, demo: dict[str, Any]
):
    # Given the business asks for a preview of its invite: one job on the email queue
    to = f"preview-{uuid.uuid4().hex[:8]}@example.com"
    asked = runtime.request(
        "POST",
        "/v1/admin/portal/preview-invite",
        {"to_email": to, "template": "without_payment_method"},
        api_key=business(demo, "sparkling-pools")["admin_api_key"],
    )
    assert asked.status == 202, asked.body

    # When
    drained = runtime.request("POST", "/_dev/queues/drain")

    # Then the email is in the outbox as soon as the drain answers (the background poller
    # may have delivered it first)
    assert drained.status == 200, drained.body
    assert set(drained.json()) == {"delivered", "awaiting_retry"}
    assert drained.json()["delivered"] in (0, 1)
    assert drained.json()["awaiting_retry"] == 0
    messages = runtime.request("GET", "/_dev/outbox").json()["messages"]
    assert [m["to"] for m in messages if to in m["to"]] == [[to]]
    assert runtime.request("GET", "/_dev/queues/drain").status == 405
