"""Recognising a logo's image by its bytes, its address, and reading it for a PDF through the
file-store port (the in-memory fake: no AWS here)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from portico.bootstrap import Services
from portico.config import Settings
from portico.domain.business import Branding, Logo, PortalSettings
from portico.images import InvalidImageError, fingerprint, inspect, sniff
from portico.services.logos import document_logo, logo_key
from portico.storage import FileStoreError, InMemoryFileStore
from tests.support.images import SVG, gif, jpeg, png

NOW = datetime(2026, 5, 1, tzinfo=UTC)


def test_given_png_and_jpeg_bytes_then_their_type_and_size_are_read_from_the_bytes():
    assert inspect(png((30, 12))).__dict__ == {
        "content_type": "image/png",
        "width": 30,
        "height": 12,
    }
    assert inspect(jpeg((8, 64))).content_type == "image/jpeg"
    assert sniff(jpeg()) == "image/jpeg"


@pytest.mark.parametrize(
    "data",
    [
        gif(),
        SVG,
        b"",
        b"\x89PNG\r\n\x1a\n",
        b"\xff\xd8\xff\xe0garbage",
        png((100, 100))[:-30],  # the end cut off
        png((4097, 1)),  # wider than a logo may be
        png((3000, 3000)),  # more pixels than a logo may have
    ],
    ids=["gif", "svg", "empty", "png magic only", "jpeg magic only", "truncated", "wide", "huge"],
)
def test_given_anything_but_a_sound_png_or_jpeg_then_inspect_refuses_it(data):
    with pytest.raises(InvalidImageError):
        inspect(data)


def test_given_the_same_bytes_then_the_fingerprint_is_the_same_and_short():
    assert fingerprint(png()) == fingerprint(png())
    assert fingerprint(png()) != fingerprint(png(color="#000000"))
    assert len(fingerprint(png())) == 16


def portal(logo: Logo | None = None, logo_url: str | None = None) -> PortalSettings:
    return PortalSettings(
        business_id="biz-1",
        slug="sparkling-pools",
        branding=Branding(logo_url=logo_url),
        logo=logo,
        updated_at=NOW,
    )


UPLOADED = Logo(
    content_type="image/png", version="abc123", size=10, width=1, height=1, uploaded_at=NOW
)


def test_given_an_uploaded_logo_then_its_address_is_the_versioned_public_route():
    settings = portal(UPLOADED, logo_url="https://cdn.example.com/logo.png")

    assert settings.logo_address("https://portal.example.com/") == (
        "https://portal.example.com/v1/portals/sparkling-pools/logo?v=abc123"
    )
    assert portal(logo_url="https://cdn.example.com/logo.png").logo_address("x") == (
        "https://cdn.example.com/logo.png"
    )
    assert portal().logo_address("https://portal.example.com") is None


class CountingStore(InMemoryFileStore):
    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    def get(self, key: str) -> bytes | None:
        self.reads += 1
        return super().get(key)


class FailingStore(InMemoryFileStore):
    def get(self, key: str) -> bytes | None:
        raise FileStoreError("unreachable")


def services_with(store: InMemoryFileStore) -> Services:
    svc = Services(Settings(table_name="unused"))
    svc.file_store = store  # the fake in place of S3
    return svc


def test_given_an_uploaded_logo_then_the_pdf_gets_its_bytes():
    store = CountingStore()
    store.put(logo_key("biz-1"), png(), "image/png")

    assert document_logo(services_with(store), portal(UPLOADED)) == png()
    assert store.reads == 1


def test_given_no_uploaded_logo_then_no_file_is_read():
    store = CountingStore()

    assert document_logo(services_with(store), portal(logo_url="https://cdn.test/l.png")) is None
    assert store.reads == 0


def test_given_a_failing_store_then_the_pdf_goes_without_the_logo():
    assert document_logo(services_with(FailingStore()), portal(UPLOADED)) is None
