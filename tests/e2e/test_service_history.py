"""Service history, documents and work requests through the local runtime over HTTP: a demo
customer sees visits with before/after photos whose links download (and open nothing else),
downloads a shared document, files a work request with a photo uploaded straight to S3, and
the business lists and answers it; the local S3 refuses an oversized or re-aimed upload."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import requests

from tests.e2e.portal import admin_key, drain, emails_to, login
from tests.e2e.runtime import Runtime, business
from tests.support.images import jpeg

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

POOLS = "sparkling-pools"
NO_PROXY = {"http": "", "https": ""}


def customer_in(demo: dict[str, Any], state: str) -> dict[str, Any]:
    found = [c for c in business(demo, POOLS)["customers"] if c["state"] == state and c["password"]]
    return found[0]


def headers_of(runtime: Runtime, customer: dict[str, Any]) -> dict[str, str]:
    signed_in = login(runtime, POOLS, customer["email"], customer["password"])
    assert signed_in.status == 200, signed_in.body
    return {"authorization": f"Bearer {signed_in.json()['access_token']}"}


def fetch(url: str) -> requests.Response:
    session = requests.Session()
    session.trust_env = False  # loopback, never through a proxy
    return session.get(url, timeout=10)


def post_file(grant: dict[str, Any], data: bytes, fields: dict[str, str] | None = None):
    session = requests.Session()
    session.trust_env = False
    form = {**grant["fields"], **(fields or {})}
    return session.post(
        grant["url"],
        data=form,
        files={"file": ("photo.jpg", data, form["Content-Type"])},
        timeout=10,
    )


@pytest.fixture(scope="module")
def maria(runtime: Runtime, demo: dict[str, Any]) -> dict[str, str]:
    """The demo's AutoPay customer: her last visit has before and after photos, and the
    business shared an inspection report with her."""
    return headers_of(runtime, customer_in(demo, "active_autopay"))


def test_a_demo_customer_sees_visits_with_photos_that_download(runtime, maria):
    visits = runtime.request("GET", "/v1/me/visits?when=past", headers=maria).json()["items"]
    with_photos = [visit for visit in visits if visit["photos"]]
    assert with_photos, visits
    visit = with_photos[0]
    assert visit["visit_id"] == "visit-3001"
    assert visit["notes"]
    assert {photo["kind"] for photo in visit["photos"]} == {"before", "after"}
    for photo in visit["photos"]:
        answer = fetch(photo["url"])
        assert answer.status_code == 200, answer.text
        signature = b"\x89PNG" if photo["content_type"] == "image/png" else b"\xff\xd8\xff"
        assert answer.content.startswith(signature)
        assert answer.headers["content-type"] == photo["content_type"]
    upcoming = runtime.request("GET", "/v1/me/visits?when=upcoming", headers=maria).json()
    assert upcoming["items"]
    assert all(v["upcoming"] for v in upcoming["items"])


def test_a_photo_link_opens_that_photo_only(runtime, maria):
    [visit] = [
        v
        for v in runtime.request("GET", "/v1/me/visits?when=past", headers=maria).json()["items"]
        if v["visit_id"] == "visit-3001"
    ]
    before, after = sorted(visit["photos"], key=lambda p: p["kind"], reverse=True)
    # The same signature on the other photo's key: S3 answers 403.
    aimed = before["url"].replace(before["photo_id"], after["photo_id"])
    assert fetch(aimed).status_code == 403
    assert "X-Amz-Expires=300" in before["url"]


def test_another_customer_cannot_see_her_visit_or_document(runtime, demo, maria):
    james = headers_of(runtime, customer_in(demo, "active_no_payment_method"))
    assert runtime.request("GET", "/v1/me/visits/visit-3001", headers=james).status == 404
    visit = runtime.request("GET", "/v1/me/visits/visit-3001", headers=maria).json()
    photo_path = f"/v1/me/visits/visit-3001/photos/{visit['photos'][0]['photo_id']}"
    assert runtime.request("GET", photo_path, headers=maria).status == 200
    assert runtime.request("GET", photo_path, headers=james).status == 404
    [document] = runtime.request("GET", "/v1/me/documents", headers=maria).json()["items"]
    path = f"/v1/me/documents/{document['document_id']}"
    assert runtime.request("GET", path, headers=james).status == 404


def test_a_demo_customer_downloads_a_shared_document(runtime, maria):
    [document] = runtime.request("GET", "/v1/me/documents", headers=maria).json()["items"]
    assert document["title"] == "Pool equipment inspection"
    link = runtime.request(
        "GET", f"/v1/me/documents/{document['document_id']}", headers=maria
    ).json()
    answer = fetch(link["url"])
    assert answer.status_code == 200
    assert answer.content.startswith(b"%PDF")
    assert "pool-equipment-inspection.pdf" in answer.headers["content-disposition"]


def test_a_work_request_with_a_photo_reaches_the_business(runtime, demo, maria):
    key = admin_key(demo, POOLS)
    photo = jpeg(size=(200, 150), color="#4f7942")
    grant = runtime.request(
        "POST",
        "/v1/me/work-requests/photos",
        {"content_type": "image/jpeg", "size": len(photo)},
        headers=maria,
    ).json()
    # S3 refuses more bytes than declared, and the form aimed at another key.
    too_big = post_file(grant["upload"], photo + b"\0" * 10)
    assert (too_big.status_code, "EntityTooLarge" in too_big.text) == (400, True)
    elsewhere = grant["upload"]["fields"]["key"].replace("/work-requests/", "/documents/")
    assert post_file(grant["upload"], photo, {"key": elsewhere}).status_code == 403
    assert post_file(grant["upload"], photo).status_code == 204

    description = f"Green tinge in the deep end since the storm ({uuid.uuid4().hex[:6]})."
    body = {
        "service": "Green pool cleanup",
        "description": description,
        "photo_ids": [grant["photo_id"]],
    }
    idempotency = {**maria, "idempotency-key": str(uuid.uuid4())}
    filed = runtime.request("POST", "/v1/me/work-requests", body, headers=idempotency)
    assert filed.status == 201, filed.body
    again = runtime.request("POST", "/v1/me/work-requests", body, headers=idempotency)
    assert again.status == 200
    request_id = filed.json()["work_request_id"]
    assert again.json()["work_request_id"] == request_id

    listed = runtime.request("GET", "/v1/admin/work-requests?status=new", api_key=key).json()
    [mine] = [r for r in listed["items"] if r["work_request_id"] == request_id]
    assert mine["customer_name"] == "Maria Lopez"
    assert mine["description"] == description
    assert fetch(mine["photos"][0]["url"]).content == photo

    drain(runtime)
    office = [
        m
        for m in emails_to(runtime, "office@sparklingpools.example.com")
        if request_id in m["text"]
    ]
    assert len(office) == 1
    assert office[0]["subject"] == "New work request from Maria Lopez: Green pool cleanup"

    answered = runtime.request(
        "PATCH",
        f"/v1/admin/work-requests/{request_id}",
        {"status": "scheduled", "note": "Diego will come Thursday."},
        api_key=key,
    )
    assert answered.status == 200, answered.body
    seen = runtime.request("GET", "/v1/me/work-requests", headers=maria).json()["items"]
    [mine] = [r for r in seen if r["work_request_id"] == request_id]
    assert (mine["status"], mine["note"]) == ("scheduled", "Diego will come Thursday.")


def test_a_non_image_or_oversized_photo_is_refused_before_any_url(runtime, maria):
    for body in (
        {"content_type": "application/pdf", "size": 1000},
        {"content_type": "image/jpeg", "size": 50 * 1024 * 1024},
    ):
        answer = runtime.request("POST", "/v1/me/work-requests/photos", body, headers=maria)
        assert answer.status == 400
        assert "upload" not in answer.json()
