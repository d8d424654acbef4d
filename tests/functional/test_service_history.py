"""Service history and documents through the handlers: visits with before/after photos and
shared documents, uploaded with presigned POSTs and shown with presigned GETs scoped to the
customer; one DynamoDB request per page; 400 before any URL for what is not a photo."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
import requests

from tests.support.api import call
from tests.support.factories import a_business, customer_body, visit_body
from tests.support.images import jpeg, png
from tests.support.sessions import bearer, signed_up


def put(biz, path, body):
    response = call("PUT", path, body, api_key=biz.api_key)
    assert response.status in (200, 201), response.body
    return response


def upload(grant: dict, data: bytes) -> requests.Response:
    """POST a file with a presigned form, as a browser or the CRM would."""
    fields = grant["fields"]
    return requests.post(
        grant["url"],
        data=fields,
        files={"file": ("photo", data, fields["Content-Type"])},
        timeout=10,
    )


def add_photo(biz, visit_id, kind="before", data: bytes | None = None, **extra):
    data = data if data is not None else jpeg()
    body = {"kind": kind, "content_type": "image/jpeg", "size": len(data), **extra}
    response = call("POST", f"/v1/admin/visits/{visit_id}/photos", body, api_key=biz.api_key)
    assert response.status == 201, response.body
    grant = response.json()
    assert upload(grant["upload"], data).status_code == 204
    return grant


@pytest.fixture
def world(services, clock):
    """Clock: 2026-05-01 15:00 UTC. cust-1 (signed in) has a past visit with two photos and
    two upcoming ones; cust-2 has a visit of its own."""
    biz = a_business(services)
    put(biz, "/v1/admin/portal", {"enabled": True})
    put(biz, "/v1/admin/customers/cust-1", customer_body())
    put(biz, "/v1/admin/customers/cust-2", customer_body(name="Ben", email="ben@example.com"))
    put(biz, "/v1/admin/visits/v-past", visit_body(date="2026-04-20"))
    put(biz, "/v1/admin/visits/v-older", visit_body(date="2026-03-02", notes=None))
    put(biz, "/v1/admin/visits/v-next", visit_body(status="scheduled", date="2026-05-05"))
    put(biz, "/v1/admin/visits/v-later", visit_body(status="scheduled", date="2026-05-12"))
    put(biz, "/v1/admin/visits/v-ben", visit_body("cust-2", date="2026-04-21"))
    session = signed_up(services, biz.business_id, "cust-1", "ana@example.com")
    return biz, bearer(session)


def get(headers, path):
    return call("GET", path, headers=headers)


def test_given_photos_on_a_visit_then_the_customer_sees_them_with_links_that_download(world):
    biz, headers = world
    before, after = jpeg(color="#336699"), png(color="#88aa22")
    add_photo(biz, "v-past", "before", before, caption="Green water")
    add_photo(biz, "v-past", "after", after, content_type="image/png", size=len(after))

    visit = get(headers, "/v1/me/visits/v-past").json()

    assert [photo["kind"] for photo in visit["photos"]] == ["before", "after"]
    downloaded = {p["kind"]: requests.get(p["url"], timeout=10).content for p in visit["photos"]}
    assert downloaded == {"before": before, "after": after}
    assert visit["photos"][0]["caption"] == "Green water"
    assert visit["technician"] == "Sam"
    assert visit["notes"] == "Cleaned filter; pH 7.4."
    assert visit["upcoming"] is False


def test_photo_links_are_short_lived_and_signed_for_the_customers_own_key(world):
    biz, headers = world
    grant = add_photo(biz, "v-past")
    [photo] = get(headers, "/v1/me/visits/v-past").json()["photos"]

    url = urlparse(photo["url"])
    query = parse_qs(url.query)
    assert query["X-Amz-Expires"] == ["300"]  # five minutes
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert url.path.endswith(
        f"/files/{biz.business_id}/cust-1/visits/v-past/{grant['photo']['photo_id']}"
    )
    assert "X-Amz-Signature" in query


def test_the_upload_policy_pins_key_type_and_size(world):
    biz, _ = world
    data = jpeg()
    response = call(
        "POST",
        "/v1/admin/visits/v-past/photos",
        {"kind": "after", "content_type": "image/jpeg", "size": len(data)},
        api_key=biz.api_key,
    )
    grant = response.json()
    policy = _policy(grant["upload"]["fields"])
    key = f"files/{biz.business_id}/cust-1/visits/v-past/{grant['photo']['photo_id']}"
    assert {"key": key} in policy["conditions"]
    assert {"Content-Type": "image/jpeg"} in policy["conditions"]
    assert ["content-length-range", 1, len(data)] in policy["conditions"]
    assert grant["upload"]["max_bytes"] == len(data)


def _policy(fields):
    import base64
    import json

    return json.loads(base64.b64decode(fields["policy"]))


def test_visit_list_is_one_query_upcoming_soonest_first_past_newest_first(world, aws_calls):
    biz, headers = world
    add_photo(biz, "v-past")
    with aws_calls.counting():
        response = get(headers, "/v1/me/visits")
    assert response.status == 200, response.body
    assert dict(aws_calls.calls) == {"dynamodb:Query": 1}
    assert [v["visit_id"] for v in response.json()["items"]] == [
        "v-later",
        "v-next",
        "v-past",
        "v-older",
    ]
    upcoming = get(headers, "/v1/me/visits?when=upcoming").json()["items"]
    assert [(v["visit_id"], v["upcoming"]) for v in upcoming] == [
        ("v-next", True),
        ("v-later", True),
    ]
    past = get(headers, "/v1/me/visits?when=past&limit=1").json()
    assert [v["visit_id"] for v in past["items"]] == ["v-past"]
    more = get(headers, f"/v1/me/visits?when=past&limit=1&cursor={past['next_cursor']}").json()
    assert [v["visit_id"] for v in more["items"]] == ["v-older"]


def test_visit_detail_is_one_getitem(world, aws_calls):
    _, headers = world
    with aws_calls.counting():
        assert get(headers, "/v1/me/visits/v-next").status == 200
    assert dict(aws_calls.calls) == {"dynamodb:GetItem": 1}


def test_one_photo_with_a_fresh_link_and_another_customers_photo_is_not_found(world):
    biz, headers = world
    mine = add_photo(biz, "v-past")["photo"]["photo_id"]
    theirs = add_photo(biz, "v-ben")["photo"]["photo_id"]

    photo = get(headers, f"/v1/me/visits/v-past/photos/{mine}")
    assert photo.status == 200, photo.body
    assert requests.get(photo.json()["url"], timeout=10).status_code == 200
    assert get(headers, f"/v1/me/visits/v-ben/photos/{theirs}").status == 404
    # Ben's photo id under Ana's own visit is no more hers.
    assert get(headers, f"/v1/me/visits/v-past/photos/{theirs}").status == 404


def test_another_customers_visit_is_not_found(world):
    _, headers = world
    response = get(headers, "/v1/me/visits/v-ben")
    assert response.status == 404
    assert response.json()["error"]["code"] == "not_found"
    assert "v-ben" not in str(get(headers, "/v1/me/visits").json())


@pytest.mark.parametrize(
    ("content_type", "size", "code"),
    [
        ("application/pdf", 1000, "unsupported_file_type"),
        ("image/gif", 1000, "unsupported_file_type"),
        ("text/html", 1000, "unsupported_file_type"),
        ("image/jpeg", 10 * 1024 * 1024 + 1, "file_too_large"),
        ("image/jpeg", 0, "empty_file"),
    ],
)
def test_given_not_a_photo_or_too_large_then_400_and_nothing_recorded(
    world, aws_calls, content_type, size, code
):
    biz, _ = world
    with aws_calls.counting():
        response = call(
            "POST",
            "/v1/admin/visits/v-past/photos",
            {"kind": "before", "content_type": content_type, "size": size},
            api_key=biz.api_key,
        )
    assert response.status == 400, response.body
    assert response.json()["error"]["code"] == code
    # Refused before any read, write or URL: the one call is the authorizer's API-key lookup.
    assert dict(aws_calls.calls) == {"dynamodb:GetItem": 1}
    assert call("GET", "/v1/admin/visits/v-past", api_key=biz.api_key).json()["photos"] == []


def test_a_visit_holds_at_most_20_photos(world):
    biz, _ = world
    body = {"kind": "after", "content_type": "image/png", "size": 100}
    for _ in range(20):
        assert (
            call("POST", "/v1/admin/visits/v-past/photos", body, api_key=biz.api_key).status == 201
        )
    response = call("POST", "/v1/admin/visits/v-past/photos", body, api_key=biz.api_key)
    assert response.status == 422
    assert response.json()["error"]["code"] == "too_many_photos"


def test_removing_a_photo_takes_it_off_the_visit_and_deletes_the_file(world, services):
    biz, headers = world
    grant = add_photo(biz, "v-past")
    photo_id = grant["photo"]["photo_id"]
    key = f"files/{biz.business_id}/cust-1/visits/v-past/{photo_id}"
    assert services.file_store.describe(key) is not None

    response = call("DELETE", f"/v1/admin/visits/v-past/photos/{photo_id}", api_key=biz.api_key)

    assert response.status == 200, response.body
    assert response.json()["photos"] == []
    assert get(headers, "/v1/me/visits/v-past").json()["photos"] == []
    assert services.file_store.describe(key) is None
    again = call("DELETE", f"/v1/admin/visits/v-past/photos/{photo_id}", api_key=biz.api_key)
    assert again.status == 404


def test_a_crm_sync_of_the_visit_keeps_its_photos(world):
    biz, headers = world
    add_photo(biz, "v-past")
    put(biz, "/v1/admin/visits/v-past", visit_body(date="2026-04-20", notes="Backwashed."))
    visit = get(headers, "/v1/me/visits/v-past").json()
    assert visit["notes"] == "Backwashed."
    assert len(visit["photos"]) == 1


def test_a_visit_moved_to_another_customer_leaves_its_photos_behind(world, services):
    biz, headers = world
    grant = add_photo(biz, "v-past")
    put(biz, "/v1/admin/visits/v-past", visit_body("cust-2", date="2026-04-20"))

    assert get(headers, "/v1/me/visits/v-past").status == 404
    stored = call("GET", "/v1/admin/visits/v-past", api_key=biz.api_key).json()
    assert stored["customer_id"] == "cust-2"
    assert stored["photos"] == []
    key = f"files/{biz.business_id}/cust-1/visits/v-past/{grant['photo']['photo_id']}"
    assert services.file_store.describe(key) is None


def test_photo_of_an_unknown_visit_is_404(world):
    biz, _ = world
    body = {"kind": "after", "content_type": "image/png", "size": 100}
    response = call("POST", "/v1/admin/visits/nope/photos", body, api_key=biz.api_key)
    assert response.status == 404


@pytest.mark.parametrize(
    ("tab", "paths"),
    [
        ("service_history", ["/v1/me/visits", "/v1/me/visits/v-past"]),
        ("documents", ["/v1/me/documents", "/v1/me/documents/doc_1"]),
        ("work_requests", ["/v1/me/work-requests"]),
    ],
)
def test_with_a_tab_off_its_routes_refuse(world, tab, paths):
    biz, _ = world
    put(biz, "/v1/admin/portal", {"tabs": {tab: False}})
    headers = bearer(
        call(
            "POST",
            f"/v1/portals/{biz.slug}/login",
            {"email": "ana@example.com", "password": "correct horse battery staple"},
        )
    )
    for path in paths:
        response = get(headers, path)
        assert response.status == 403, path
        assert response.json()["error"]["code"] == f"{tab}_unavailable"


# --- documents -------------------------------------------------------------------------------


def share(biz, customer_id="cust-1", data=b"%PDF-1.4 test document", **extra):
    body = {
        "title": "Pool inspection report",
        "content_type": "application/pdf",
        "size": len(data),
        **extra,
    }
    response = call(
        "POST", f"/v1/admin/customers/{customer_id}/documents", body, api_key=biz.api_key
    )
    assert response.status == 201, response.body
    grant = response.json()
    assert upload(grant["upload"], data).status_code == 204
    return grant


def test_given_a_shared_document_then_the_customer_lists_and_downloads_it(world, aws_calls):
    biz, headers = world
    data = b"%PDF-1.4 the inspection"
    document_id = share(biz, data=data)["document"]["document_id"]

    with aws_calls.counting():
        listed = get(headers, "/v1/me/documents")
    assert dict(aws_calls.calls) == {"dynamodb:Query": 1}
    [document] = listed.json()["items"]
    assert document["title"] == "Pool inspection report"
    assert document["filename"] == "pool-inspection-report.pdf"

    with aws_calls.counting():
        download = get(headers, f"/v1/me/documents/{document_id}")
    assert dict(aws_calls.calls) == {"dynamodb:GetItem": 1}
    link = download.json()
    assert parse_qs(urlparse(link["url"]).query)["X-Amz-Expires"] == ["300"]
    fetched = requests.get(link["url"], timeout=10)
    assert fetched.content == data
    assert "pool-inspection-report.pdf" in fetched.headers["Content-Disposition"]


def test_documents_are_newest_first_and_the_business_can_delete_them(world, clock, services):
    from datetime import timedelta

    biz, headers = world
    first = share(biz, title="First")["document"]["document_id"]
    clock.set(clock.now() + timedelta(minutes=1))
    second = share(biz, title="Second")["document"]["document_id"]
    assert [d["document_id"] for d in get(headers, "/v1/me/documents").json()["items"]] == [
        second,
        first,
    ]
    admin = call("GET", "/v1/admin/customers/cust-1/documents", api_key=biz.api_key)
    assert [d["title"] for d in admin.json()["items"]] == ["Second", "First"]

    path = f"/v1/admin/customers/cust-1/documents/{first}"
    assert call("DELETE", path, api_key=biz.api_key).status == 204
    assert call("DELETE", path, api_key=biz.api_key).status == 404
    assert get(headers, f"/v1/me/documents/{first}").status == 404
    assert services.file_store.describe(f"files/{biz.business_id}/cust-1/documents/{first}") is None


def test_another_customers_document_is_not_found(world):
    biz, headers = world
    theirs = share(biz, "cust-2")["document"]["document_id"]
    assert get(headers, f"/v1/me/documents/{theirs}").status == 404
    assert get(headers, "/v1/me/documents").json()["items"] == []


@pytest.mark.parametrize(
    ("content_type", "size", "code"),
    [
        ("text/html", 100, "unsupported_file_type"),
        ("application/zip", 100, "unsupported_file_type"),
        ("application/pdf", 20 * 1024 * 1024 + 1, "file_too_large"),
    ],
)
def test_a_document_of_another_type_or_too_large_is_400(world, content_type, size, code):
    biz, _ = world
    body = {"title": "X", "content_type": content_type, "size": size}
    response = call("POST", "/v1/admin/customers/cust-1/documents", body, api_key=biz.api_key)
    assert response.status == 400
    assert response.json()["error"]["code"] == code
    assert (
        call("GET", "/v1/admin/customers/cust-1/documents", api_key=biz.api_key).json()["items"]
        == []
    )


def test_a_document_for_an_unknown_customer_is_404(world):
    biz, _ = world
    body = {"title": "X", "content_type": "application/pdf", "size": 10}
    response = call("POST", "/v1/admin/customers/nobody/documents", body, api_key=biz.api_key)
    assert response.status == 404
