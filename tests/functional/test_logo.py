"""The business's logo: uploaded through the admin API, served on the portal's public logo
route, printed on every PDF, and refused when it is anything but a small PNG or JPEG."""

from __future__ import annotations

from io import BytesIO
from urllib.parse import urlsplit

import pytest
from pypdf import PdfReader

from portico.services.logos import logo_key
from portico.storage import FileStoreError, S3FileStore
from tests.support.api import call
from tests.support.factories import a_business, customer_body, invoice_body
from tests.support.images import SVG, gif, jpeg, noisy_png, png, upload
from tests.support.sessions import bearer, signed_up

LOGO = "/v1/admin/portal/logo"
PUBLIC_LOGO = "/v1/portals/sparkling-pools/logo"


@pytest.fixture
def biz(services):
    biz = a_business(services)
    response = call("PUT", "/v1/admin/portal", {"enabled": True}, api_key=biz.api_key)
    assert response.status == 200, response.body
    return biz


def put_logo(biz, data: bytes, content_type: str = "image/png"):
    return call("PUT", LOGO, upload(data, content_type), api_key=biz.api_key)


def settings(biz) -> dict:
    return call("GET", "/v1/admin/portal", api_key=biz.api_key).json()


def served_path(logo_url: str) -> str:
    """The API path (with its query) of an absolute logo URL."""
    parts = urlsplit(logo_url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


# --- upload and serve -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "content_type"), [(png, "image/png"), (jpeg, "image/jpeg")], ids=["png", "jpeg"]
)
def test_given_an_uploaded_logo_when_the_portal_is_viewed_then_its_logo_is_served_as_uploaded(
    biz, make, content_type
):
    # Given
    image = make()

    # When
    response = put_logo(biz, image, content_type)

    # Then the settings record it...
    assert response.status == 200, response.body
    logo = response.json()["logo"]
    assert logo["content_type"] == content_type
    assert (logo["width"], logo["height"], logo["size"]) == (120, 40, len(image))
    # ...the public page points at it, versioned...
    page = call("GET", "/v1/portals/sparkling-pools").json()
    assert page["logo_url"] == (
        f"http://portal.test/v1/portals/sparkling-pools/logo?v={logo['version']}"
    )
    # ...and anyone gets the very same image, cacheable.
    served = call("GET", served_path(page["logo_url"]))
    assert served.status == 200, served.body
    assert served.body == image
    assert served.headers["content-type"] == content_type
    assert served.headers["cache-control"] == "public, max-age=3600"
    assert served.headers["etag"] == f'"{logo["version"]}"'
    assert served.headers["x-content-type-options"] == "nosniff"


def test_given_the_public_logo_route_then_it_reads_the_portal_once_and_the_file_once(
    biz, aws_calls
):
    assert put_logo(biz, png()).status == 200

    with aws_calls.counting():
        served = call("GET", PUBLIC_LOGO)

    assert served.status == 200
    assert dict(aws_calls.calls) == {"dynamodb:Query": 1, "s3:GetObject": 1}


def test_given_a_new_logo_when_uploaded_then_the_address_changes_and_the_new_image_is_served(
    biz,
):
    first = put_logo(biz, png(color="#ff0000")).json()["logo"]["version"]

    second = put_logo(biz, png(color="#00aa00"))

    assert second.status == 200
    version = second.json()["logo"]["version"]
    assert version != first
    page = call("GET", "/v1/portals/sparkling-pools").json()
    assert page["logo_url"].endswith(f"?v={version}")
    assert call("GET", PUBLIC_LOGO).body == png(color="#00aa00")


def test_given_the_same_logo_twice_then_the_second_upload_changes_nothing(biz):
    first = put_logo(biz, png()).json()

    again = put_logo(biz, png())

    assert again.status == 200
    assert again.json() == first


def test_given_an_uploaded_logo_then_it_takes_the_place_of_the_logo_url(biz):
    call(
        "PUT",
        "/v1/admin/portal",
        {"branding": {"logo_url": "https://cdn.example.com/logo.png"}},
        api_key=biz.api_key,
    )
    assert call("GET", "/v1/portals/sparkling-pools").json()["logo_url"] == (
        "https://cdn.example.com/logo.png"
    )

    put_logo(biz, png())

    assert (
        "/v1/portals/sparkling-pools/logo?v="
        in (call("GET", "/v1/portals/sparkling-pools").json()["logo_url"])
    )


def test_given_a_logo_when_the_branding_is_changed_then_the_logo_stays(biz):
    logo = put_logo(biz, png()).json()["logo"]

    changed = call(
        "PUT", "/v1/admin/portal", {"branding": {"primary_color": "#112233"}}, api_key=biz.api_key
    )

    assert changed.status == 200, changed.body
    assert changed.json()["logo"] == logo
    assert call("GET", PUBLIC_LOGO).status == 200


def test_given_a_settings_change_that_names_a_logo_then_it_is_refused(biz):
    forged = {"content_type": "image/png", "version": "x", "size": 1, "width": 1, "height": 1}

    response = call("PUT", "/v1/admin/portal", {"logo": forged}, api_key=biz.api_key)

    assert response.status == 422
    assert settings(biz)["logo"] is None


def test_given_a_logo_when_deleted_then_the_logo_url_shows_again_and_the_route_is_404(
    biz, services
):
    call(
        "PUT",
        "/v1/admin/portal",
        {"branding": {"logo_url": "https://cdn.example.com/logo.png"}},
        api_key=biz.api_key,
    )
    put_logo(biz, png())

    deleted = call("DELETE", LOGO, api_key=biz.api_key)

    assert deleted.status == 200, deleted.body
    assert deleted.json()["logo"] is None
    page = call("GET", "/v1/portals/sparkling-pools").json()
    assert page["logo_url"] == "https://cdn.example.com/logo.png"
    missing = call("GET", PUBLIC_LOGO)
    assert missing.status == 404
    assert missing.json()["error"]["code"] == "logo_not_found"
    assert services.file_store.get(logo_key(biz.business_id)) is None
    # Deleting again is harmless.
    assert call("DELETE", LOGO, api_key=biz.api_key).status == 200


def test_given_no_logo_then_the_public_route_is_404_with_the_error_body(biz):
    response = call("GET", PUBLIC_LOGO)

    assert response.status == 404
    assert response.json()["error"]["code"] == "logo_not_found"
    assert call("GET", "/v1/portals/sparkling-pools").json()["logo_url"] is None


@pytest.mark.parametrize("slug", ["no-such-portal", "admin", "NOT_A_SLUG"])
def test_given_an_unknown_portal_then_the_logo_route_is_404(biz, slug):
    put_logo(biz, png())

    response = call("GET", f"/v1/portals/{slug}/logo")

    assert response.status == 404
    assert response.json()["error"]["code"] == "portal_not_found"


def test_given_a_disabled_portal_then_its_logo_is_not_served(biz):
    put_logo(biz, png())

    call("PUT", "/v1/admin/portal", {"enabled": False}, api_key=biz.api_key)

    response = call("GET", PUBLIC_LOGO)
    assert response.status == 404
    assert response.json()["error"]["code"] == "portal_not_found"


def test_given_no_api_key_then_uploading_and_deleting_are_401(biz):
    assert call("PUT", LOGO, upload(png())).status == 401
    assert call("DELETE", LOGO).status == 401
    assert settings(biz)["logo"] is None


def test_given_business_b_when_it_uploads_and_deletes_then_a_keeps_its_logo(biz, services):
    # Given
    put_logo(biz, png())
    before = settings(biz)
    other = a_business(services, "greenleaf-lawn", "Greenleaf Lawn")

    # When
    assert put_logo(other, jpeg(), "image/jpeg").status == 200
    assert call("DELETE", LOGO, api_key=other.api_key).status == 200

    # Then
    assert settings(biz) == before
    assert call("GET", PUBLIC_LOGO).body == png()
    assert services.file_store.get(logo_key(other.business_id)) is None


# --- what is refused ------------------------------------------------------------------------


def _truncated_png() -> bytes:
    data = png((200, 200))
    return data[: len(data) // 2]


BAD_UPLOADS = {
    "garbage": (upload(b"this is not an image at all", "image/png"), 422, "invalid_image"),
    "gif as png": (upload(gif(), "image/png"), 422, "invalid_image"),
    "gif as gif": (upload(gif(), "image/gif"), 422, "validation_error"),
    "svg as png": (upload(SVG, "image/png"), 422, "invalid_image"),
    "svg as svg": (upload(SVG, "image/svg+xml"), 422, "validation_error"),
    "jpeg as png": (upload(jpeg(), "image/png"), 422, "invalid_image"),
    "png as jpeg": (upload(png(), "image/jpeg"), 422, "invalid_image"),
    "png magic then junk": (upload(b"\x89PNG\r\n\x1a\n" + b"\0" * 64), 422, "invalid_image"),
    "truncated png": (upload(_truncated_png()), 422, "invalid_image"),
    "too many pixels": (upload(png((5000, 2))), 422, "invalid_image"),
    "not base64": (
        {"content_type": "image/png", "data": "%%% not base64 %%%"},
        422,
        "invalid_image",
    ),
    "empty": ({"content_type": "image/png", "data": ""}, 422, "validation_error"),
    "no data": ({"content_type": "image/png"}, 422, "validation_error"),
    "over 200 KB": (upload(noisy_png(200 * 1024 + 1)), 413, "logo_too_large"),
    "1 MB": (upload(noisy_png(1024 * 1024)), 413, "payload_too_large"),
}


@pytest.mark.parametrize("case", sorted(BAD_UPLOADS))
def test_given_anything_but_a_small_png_or_jpeg_then_it_is_refused_and_nothing_changes(
    biz, services, case
):
    # Given a business with a logo
    put_logo(biz, png())
    before = settings(biz)
    body, status, code = BAD_UPLOADS[case]

    # When
    response = call("PUT", LOGO, body, api_key=biz.api_key)

    # Then
    assert response.status == status, response.body[:300]
    if code is not None:
        assert response.json()["error"]["code"] == code
    assert settings(biz) == before
    assert call("GET", PUBLIC_LOGO).body == png()
    assert services.file_store.get(logo_key(biz.business_id)) == png()


def test_given_a_logo_of_exactly_200_kb_then_it_is_accepted(biz):
    image = noisy_png(190 * 1024)
    assert len(image) <= 200 * 1024

    response = put_logo(biz, image)

    assert response.status == 200, response.body[:300]
    assert call("GET", PUBLIC_LOGO).body == image


# --- the PDFs -------------------------------------------------------------------------------


@pytest.fixture
def customer(biz, services):
    for path, body in [
        ("/v1/admin/customers/cust-1", customer_body()),
        ("/v1/admin/invoices/inv-1", invoice_body(number="INV-1")),
    ]:
        assert call("PUT", path, body, api_key=biz.api_key).status == 201
    return bearer(signed_up(services, biz.business_id, "cust-1", "ana@example.com"))


def pdf_images(body: bytes) -> list:
    reader = PdfReader(BytesIO(body))
    return [image for page in reader.pages for image in page.images]


def test_given_a_logo_when_the_invoice_pdf_is_downloaded_then_it_is_printed_on_it(
    biz, customer, aws_calls
):
    # Given
    put_logo(biz, png())

    # When
    with aws_calls.counting():
        response = call("GET", "/v1/me/invoices/inv-1/pdf", headers=customer)

    # Then one read of the records, one of the logo
    assert response.status == 200, response.body[:300]
    assert dict(aws_calls.calls) == {"dynamodb:BatchGetItem": 1, "s3:GetObject": 1}
    assert len(pdf_images(response.body)) == 1
    text = PdfReader(BytesIO(response.body)).pages[0].extract_text()
    assert "Sparkling Pools" in text


def test_given_no_logo_then_the_invoice_pdf_has_no_image_and_reads_no_file(
    biz, customer, aws_calls
):
    with aws_calls.counting():
        response = call("GET", "/v1/me/invoices/inv-1/pdf", headers=customer)

    assert response.status == 200
    assert dict(aws_calls.calls) == {"dynamodb:BatchGetItem": 1}
    assert pdf_images(response.body) == []


def test_given_a_logo_then_the_statement_pdf_prints_it_too(biz, customer):
    put_logo(biz, jpeg(), "image/jpeg")

    response = call(
        "GET", "/v1/me/statement?from=2026-03-01&to=2026-04-30&format=pdf", headers=customer
    )

    assert response.status == 200
    assert len(pdf_images(response.body)) == 1


def test_given_a_logo_that_cannot_be_read_then_the_pdf_is_still_produced(
    biz, customer, services, monkeypatch
):
    # Given a logo, and a store that fails
    put_logo(biz, png())

    class Failing:
        def get(self, key):
            raise FileStoreError("S3 is down")

    monkeypatch.setattr(services, "file_store", Failing())

    # When
    response = call("GET", "/v1/me/invoices/inv-1/pdf", headers=customer)

    # Then the customer still gets the invoice, without the logo
    assert response.status == 200
    assert pdf_images(response.body) == []


def test_given_a_logo_then_the_dashboard_names_its_address(biz, customer):
    version = put_logo(biz, png()).json()["logo"]["version"]

    home = call("GET", "/v1/me", headers=customer).json()

    assert home["business"]["logo_url"].endswith(f"/v1/portals/sparkling-pools/logo?v={version}")


# --- the S3 adapter -------------------------------------------------------------------------


def test_given_the_media_bucket_then_the_s3_store_writes_reads_and_deletes(services):
    store = S3FileStore(services.settings.media_bucket)

    assert store.get("logos/nobody") is None
    store.put("logos/biz-1", b"\x89PNG-bytes", "image/png")
    assert store.get("logos/biz-1") == b"\x89PNG-bytes"
    store.delete("logos/biz-1")
    assert store.get("logos/biz-1") is None
    store.delete("logos/biz-1")  # deleting what is not there is not an error


def test_given_no_such_bucket_then_the_s3_store_raises_its_own_error(services):
    store = S3FileStore("portico-no-such-bucket")

    with pytest.raises(FileStoreError):
        store.get("logos/biz-1")
    with pytest.raises(FileStoreError):
        store.put("logos/biz-1", b"x", "image/png")
