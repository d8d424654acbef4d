"""Work requests through the handlers: filing with photos, the rules of the description,
dates and photos (400, nothing written), one event and one activity entry per request
(none for a refused or repeated one), the office's one email, and the business's list."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from portico.data.events import DomainEventItem
from portico.data.items import ActivityItem, BusinessItem
from portico.domain.email_jobs import WorkRequestReceived
from portico_local.queues import deliver_all
from tests.functional.test_invites import outbox as outbox  # the fixture
from tests.functional.test_mailer import in_flight
from tests.functional.test_service_history import upload
from tests.support.api import call
from tests.support.factories import a_business, customer_body
from tests.support.images import jpeg
from tests.support.sessions import bearer, signed_up


def put(biz, path, body):
    response = call("PUT", path, body, api_key=biz.api_key)
    assert response.status in (200, 201), response.body
    return response


@pytest.fixture
def world(services, clock):
    """Clock: 2026-05-01 15:00 UTC (10:00 in Austin). Ana (cust-1) and Ben (cust-2) are signed
    in; the portal's office email is office@sparkling.example."""
    biz = a_business(services)
    put(
        biz,
        "/v1/admin/portal",
        {"enabled": True, "contact": {"email": "office@sparkling.example"}},
    )
    put(biz, "/v1/admin/customers/cust-1", customer_body())
    put(biz, "/v1/admin/customers/cust-2", customer_body(name="Ben", email="ben@example.com"))
    ana = bearer(signed_up(services, biz.business_id, "cust-1", "ana@example.com"))
    ben = bearer(signed_up(services, biz.business_id, "cust-2", "ben@example.com"))
    deliver_all()  # nothing of the set-up is under test
    return biz, ana, ben


def a_photo(headers, data: bytes | None = None) -> str:
    data = data if data is not None else jpeg()
    body = {"content_type": "image/jpeg", "size": len(data)}
    response = call("POST", "/v1/me/work-requests/photos", body, headers=headers)
    assert response.status == 201, response.body
    grant = response.json()
    assert upload(grant["upload"], data).status_code == 204
    return grant["photo_id"]


def request_body(**overrides):
    return {
        "service": "Green pool cleanup",
        "description": "The pool turned green after the storm. Can you come this week?",
        "preferred_dates": ["2026-05-04", "2026-05-06"],
        "photo_ids": [],
    } | overrides


def file(headers, body, key=None):
    return call(
        "POST",
        "/v1/me/work-requests",
        body,
        headers={**headers, "idempotency-key": key or str(uuid.uuid4())},
    )


def events_of(type_):
    return [item for item in DomainEventItem.scan() if item.event_type == type_]


def test_given_a_request_with_a_photo_then_it_is_filed_and_the_business_lists_it(world):
    biz, ana, _ = world
    data = jpeg(color="#2e8b57")
    photo_id = a_photo(ana, data)

    response = file(ana, request_body(photo_ids=[photo_id]))

    assert response.status == 201, response.body
    filed = response.json()
    assert filed["status"] == "new"
    assert filed["preferred_dates"] == ["2026-05-04", "2026-05-06"]
    import requests

    assert requests.get(filed["photos"][0]["url"], timeout=10).content == data
    listed = call("GET", "/v1/admin/work-requests", api_key=biz.api_key).json()["items"]
    assert [(r["work_request_id"], r["customer_name"]) for r in listed] == [
        (filed["work_request_id"], "Ana Lopez")
    ]
    assert listed[0]["photos"][0]["photo_id"] == photo_id
    mine = call("GET", "/v1/me/work-requests", headers=ana).json()["items"]
    assert [r["work_request_id"] for r in mine] == [filed["work_request_id"]]


def test_filing_writes_one_event_and_one_activity_entry_in_one_transaction(world, aws_calls):
    _, ana, _ = world
    with aws_calls.counting():
        response = file(ana, request_body())
    assert response.status == 201
    assert aws_calls.calls["dynamodb:TransactWriteItems"] == 1
    [event] = events_of("work_request.created")
    assert event.customer_id == "cust-1"
    assert event.data.as_dict()["work_request_id"] == response.json()["work_request_id"]
    entries = [a for a in ActivityItem.scan() if a.kind == "work_request_created"]
    assert len(entries) == 1
    assert entries[0].source == "customer"


def test_the_same_idempotency_key_files_once(world, outbox):
    _, ana, _ = world
    key = str(uuid.uuid4())
    first = file(ana, request_body(), key)
    again = file(ana, request_body(), key)

    assert (first.status, again.status) == (201, 200)
    assert again.json()["work_request_id"] == first.json()["work_request_id"]
    assert len(events_of("work_request.created")) == 1
    assert len(call("GET", "/v1/me/work-requests", headers=ana).json()["items"]) == 1
    deliver_all()
    assert len(outbox.to("office@sparkling.example")) == 1

    other = file(ana, request_body(description="Something else entirely"), key)
    assert other.status == 409
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert len(events_of("work_request.created")) == 1


def test_a_request_needs_an_idempotency_key(world):
    _, ana, _ = world
    response = call("POST", "/v1/me/work-requests", request_body(), headers=ana)
    assert response.status == 422
    assert events_of("work_request.created") == []


def test_the_office_gets_one_email_in_english_with_the_request(world, outbox):
    _, ana, _ = world
    filed = file(ana, request_body()).json()

    assert deliver_all() >= 1
    message = outbox.one_to("office@sparkling.example")
    assert message.subject == "New work request from Ana Lopez: Green pool cleanup"
    assert "The pool turned green after the storm." in message.text
    assert "May 4, 2026, May 6, 2026" in message.text
    assert "ana@example.com" in message.text
    assert filed["work_request_id"] in message.text
    assert "The pool turned green" in message.html


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"description": ""}, "description_empty"),
        ({"description": "   \n "}, "description_empty"),
        ({"description": "x" * 10_000}, "description_too_long"),
        ({"description": "x" * 5001}, "description_too_long"),
        ({"preferred_dates": ["2026-05-01"]}, "invalid_preferred_date"),  # today
        ({"preferred_dates": ["2026-04-30"]}, "invalid_preferred_date"),
        ({"preferred_dates": ["2027-06-01"]}, "invalid_preferred_date"),
        (
            {"preferred_dates": [f"2026-05-{day:02d}" for day in range(2, 8)]},
            "too_many_dates",
        ),
        ({"photo_ids": ["wrp_00000000000000000000"]}, "unknown_photo"),
        ({"photo_ids": ["../../other/file"]}, "unknown_photo"),
    ],
)
def test_bad_requests_are_400_and_change_nothing(world, outbox, overrides, code):
    _, ana, _ = world
    response = file(ana, request_body(**overrides))
    assert response.status == 400, response.body
    assert response.json()["error"]["code"] == code
    assert events_of("work_request.created") == []
    assert call("GET", "/v1/me/work-requests", headers=ana).json()["items"] == []
    assert deliver_all() == 0


def test_a_description_of_5000_characters_is_accepted(world):
    _, ana, _ = world
    assert file(ana, request_body(description="x" * 5000)).status == 201


def test_six_photos_are_400(world):
    _, ana, _ = world
    photos = [a_photo(ana) for _ in range(6)]
    response = file(ana, request_body(photo_ids=photos))
    assert response.status == 400
    assert response.json()["error"]["code"] == "too_many_photos"
    assert events_of("work_request.created") == []
    assert file(ana, request_body(photo_ids=photos[:5])).status == 201


def test_another_customers_photo_cannot_be_attached(world):
    _, ana, ben = world
    bens = a_photo(ben)
    response = file(ana, request_body(photo_ids=[bens]))
    assert response.status == 400
    assert response.json()["error"]["code"] == "unknown_photo"


@pytest.mark.parametrize(
    ("content_type", "size", "code"),
    [
        ("application/pdf", 100, "unsupported_file_type"),
        ("image/svg+xml", 100, "unsupported_file_type"),
        ("image/jpeg", 10 * 1024 * 1024 + 1, "file_too_large"),
    ],
)
def test_a_photo_upload_that_is_not_a_photo_or_too_large_is_400(
    world, aws_calls, content_type, size, code
):
    _, ana, _ = world
    with aws_calls.counting():
        response = call(
            "POST",
            "/v1/me/work-requests/photos",
            {"content_type": content_type, "size": size},
            headers=ana,
        )
    assert response.status == 400
    assert response.json()["error"]["code"] == code
    assert aws_calls.total == 0


def test_the_photo_upload_policy_is_scoped_to_the_customer(world):
    import base64
    import json

    biz, ana, _ = world
    grant = call(
        "POST",
        "/v1/me/work-requests/photos",
        {"content_type": "image/png", "size": 2048},
        headers=ana,
    ).json()
    policy = json.loads(base64.b64decode(grant["upload"]["fields"]["policy"]))
    key = f"files/{biz.business_id}/cust-1/work-requests/{grant['photo_id']}"
    assert {"key": key} in policy["conditions"]
    assert ["content-length-range", 1, 2048] in policy["conditions"]
    assert {"Content-Type": "image/png"} in policy["conditions"]


def test_the_business_updates_the_status_and_the_customer_sees_it(world, clock):
    biz, ana, _ = world
    filed = file(ana, request_body()).json()
    clock.set(clock.now() + timedelta(minutes=1))  # within the access token's 15 minutes
    path = f"/v1/admin/work-requests/{filed['work_request_id']}"

    response = call(
        "PATCH", path, {"status": "scheduled", "note": "See you Monday at 9."}, api_key=biz.api_key
    )

    assert response.status == 200, response.body
    [mine] = call("GET", "/v1/me/work-requests", headers=ana).json()["items"]
    assert mine["status"] == "scheduled"
    assert mine["note"] == "See you Monday at 9."
    scheduled = call("GET", "/v1/admin/work-requests?status=scheduled", api_key=biz.api_key)
    assert [r["work_request_id"] for r in scheduled.json()["items"]] == [filed["work_request_id"]]
    new = call("GET", "/v1/admin/work-requests?status=new", api_key=biz.api_key)
    assert new.json()["items"] == []
    # A status change is not one of the events of DESIGN 2; only the creation was published.
    assert len(events_of("work_request.created")) == 1
    call("PATCH", path, {"note": None}, api_key=biz.api_key)
    [mine] = call("GET", "/v1/me/work-requests", headers=ana).json()["items"]
    assert (mine["status"], mine["note"]) == ("scheduled", None)


def test_the_business_list_is_newest_first(world, clock):
    biz, ana, ben = world
    first = file(ana, request_body()).json()["work_request_id"]
    clock.set(clock.now() + timedelta(minutes=5))
    second = file(ben, request_body(service="Pump noise")).json()["work_request_id"]
    listed = call("GET", "/v1/admin/work-requests", api_key=biz.api_key).json()["items"]
    assert [r["work_request_id"] for r in listed] == [second, first]


def test_unknown_or_other_business_requests_are_404_to_the_business(world, services):
    biz, ana, _ = world
    filed = file(ana, request_body()).json()
    other = a_business(services, "greenleaf-lawn", "Greenleaf Lawn")
    path = f"/v1/admin/work-requests/{filed['work_request_id']}"
    assert call("PATCH", path, {"status": "done"}, api_key=other.api_key).status == 404
    assert call("GET", "/v1/admin/work-requests", api_key=other.api_key).json()["items"] == []
    assert (
        call(
            "PATCH", "/v1/admin/work-requests/wr_nope", {"status": "done"}, api_key=biz.api_key
        ).status
        == 404
    )


def test_customers_see_only_their_own_requests(world):
    _, ana, ben = world
    file(ana, request_body())
    assert call("GET", "/v1/me/work-requests", headers=ben).json()["items"] == []


def test_the_customer_list_is_one_query(world, aws_calls):
    _, ana, _ = world
    file(ana, request_body())
    with aws_calls.counting():
        assert call("GET", "/v1/me/work-requests", headers=ana).status == 200
    assert dict(aws_calls.calls) == {"dynamodb:Query": 1}


def test_the_office_email_job_delivered_twice_sends_once(world, outbox, services):
    biz, ana, _ = world
    filed = file(ana, request_body()).json()
    job = WorkRequestReceived(
        business_id=biz.business_id, customer_id="cust-1", work_request_id=filed["work_request_id"]
    )
    services.email_jobs.enqueue([job])  # a duplicate of the one the request queued

    deliver_all()

    assert len(outbox.to("office@sparkling.example")) == 1


def test_without_an_office_email_the_job_is_dropped_not_retried(world, outbox, services):
    biz, ana, _ = world
    put(biz, "/v1/admin/portal", {"contact": {"phone": "(512) 555-0100"}})
    # The business record's own contact email is the fallback; take it away too.
    BusinessItem(*BusinessItem.keys(biz.business_id)).update(actions=[BusinessItem.contact.set({})])
    assert file(ana, request_body()).status == 201
    assert deliver_all() == 1
    assert outbox.messages == []
    assert in_flight(services) == 0
