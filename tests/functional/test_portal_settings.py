"""Portal settings, portal addresses (slugs), API keys and the public portal page."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portico.domain.business import NewBusiness
from portico.errors import ConflictError
from portico.services.portals import provision_business
from tests.support.api import call
from tests.support.factories import a_business


@pytest.fixture
def biz(services):
    return a_business(services)


def enable(biz, **changes):
    response = call("PUT", "/v1/admin/portal", {"enabled": True, **changes}, api_key=biz.api_key)
    assert response.status == 200, response.body
    return response.json()


def test_given_disabled_portal_then_public_page_is_404_until_enabled(biz):
    assert call("GET", "/v1/portals/sparkling-pools").status == 404

    enable(
        biz, branding={"primary_color": "#123456", "logo_url": "https://cdn.example.com/logo.png"}
    )

    page = call("GET", "/v1/portals/sparkling-pools")
    assert page.status == 200
    body = page.json()
    assert body["business_name"] == "Sparkling Pools"
    assert body["primary_color"] == "#123456"
    assert body["logo_url"] == "https://cdn.example.com/logo.png"
    assert body["login_methods"] == {"password": True, "magic_link": True}
    assert body["contact"]["email"] == "office@example.com"
    assert "business_id" not in body


def test_given_tabs_turned_off_then_public_page_hides_them_and_other_settings_kept(biz):
    enable(biz, branding={"primary_color": "#123456"})

    call(
        "PUT",
        "/v1/admin/portal",
        {"tabs": {"estimates": False, "reviews": False}},
        api_key=biz.api_key,
    )

    settings = call("GET", "/v1/admin/portal", api_key=biz.api_key).json()
    assert settings["enabled"] is True
    assert settings["branding"]["primary_color"] == "#123456"
    tabs = call("GET", "/v1/portals/sparkling-pools").json()["tabs"]
    assert tabs["estimates"] is False
    assert tabs["reviews"] is False
    assert tabs["invoices"] is True


def test_given_slug_change_then_new_address_serves_and_old_is_released(biz, services):
    enable(biz)

    changed = call("PUT", "/v1/admin/portal", {"slug": "sparkling-austin"}, api_key=biz.api_key)

    assert changed.status == 200, changed.body
    assert call("GET", "/v1/portals/sparkling-austin").status == 200
    assert call("GET", "/v1/portals/sparkling-pools").status == 404
    # The old address is free again for anyone.
    other = provision_business(services, NewBusiness(name="Other Pools", slug="sparkling-pools"))
    assert other.business.slug == "sparkling-pools"


def test_given_taken_slug_when_second_business_claims_it_then_409_with_free_suggestions(
    biz, services
):
    b = a_business(services, "greenleaf-lawn", "Greenleaf Lawn")

    response = call("PUT", "/v1/admin/portal", {"slug": "sparkling-pools"}, api_key=b.api_key)

    assert response.status == 409
    error = response.json()["error"]
    assert error["code"] == "slug_taken"
    suggestions = error["details"]["suggestions"]
    assert "sparkling-pools-tx" in suggestions
    assert "sparkling-pools" not in suggestions
    assert call("GET", "/v1/admin/portal", api_key=b.api_key).json()["slug"] == "greenleaf-lawn"
    for suggestion in suggestions:
        available = call(
            "GET", f"/v1/admin/portal/slug-availability?slug={suggestion}", api_key=b.api_key
        ).json()
        assert available["available"] is True


def test_given_taken_slug_when_provisioning_then_conflict_and_nothing_created(biz, services):
    with pytest.raises(ConflictError) as refused:
        provision_business(services, NewBusiness(name="Copycat", slug="sparkling-pools"))
    assert refused.value.code == "slug_taken"
    assert refused.value.details["suggestions"]
    assert [b.name for b in services.businesses.list_all()] == ["Sparkling Pools"]


@pytest.mark.parametrize("slug", ["admin", "api", "www", "login"])
def test_given_reserved_slug_then_refused(biz, slug):
    response = call("PUT", "/v1/admin/portal", {"slug": slug}, api_key=biz.api_key)
    assert response.status == 409
    assert response.json()["error"]["code"] == "slug_reserved"


@pytest.mark.parametrize(
    "slug", ["ab", "Upper-Case", "-lead", "trail-", "double--hyphen", "x" * 41, "spa ce"]
)
def test_given_malformed_slug_then_422(biz, slug):
    response = call("PUT", "/v1/admin/portal", {"slug": slug}, api_key=biz.api_key)
    assert response.status == 422


def test_given_slug_availability_check_then_reasons_are_clear(biz):
    check = lambda slug: call(  # noqa: E731
        "GET", f"/v1/admin/portal/slug-availability?slug={slug}", api_key=biz.api_key
    ).json()
    assert check("free-address") == {
        "slug": "free-address",
        "available": True,
        "reason": None,
        "suggestions": [],
    }
    assert check("sparkling-pools")["reason"] == "taken"
    assert check("admin")["reason"] == "reserved"
    assert check("no")["reason"] == "invalid"


def test_given_empty_change_then_422(biz):
    assert call("PUT", "/v1/admin/portal", {}, api_key=biz.api_key).status == 422


@pytest.mark.parametrize(
    "change",
    [
        {"branding": {"primary_color": "red"}},
        {"branding": {"logo_url": "javascript:alert(1)"}},
        {"tabs": {"invoices": "maybe"}},
        {"enabled": "yes"},
        {"unknown": 1},
    ],
)
def test_given_bad_settings_then_422_and_unchanged(biz, change):
    before = call("GET", "/v1/admin/portal", api_key=biz.api_key).json()
    assert call("PUT", "/v1/admin/portal", change, api_key=biz.api_key).status == 422
    assert call("GET", "/v1/admin/portal", api_key=biz.api_key).json() == before


def test_given_unknown_or_malformed_slug_then_public_404(services):
    for slug in ["nobody-here", "NOPE", "a" * 64]:
        response = call("GET", f"/v1/portals/{slug}")
        assert response.status == 404
        assert response.json()["error"]["code"] == "portal_not_found"


# --- API keys ------------------------------------------------------------------------------


def test_given_new_api_key_then_shown_once_and_works_and_list_never_shows_it(biz, clock):
    clock.set(clock.now() + timedelta(minutes=1))
    issued = call("POST", "/v1/admin/api-keys?label=CRM", api_key=biz.api_key)

    assert issued.status == 201
    new_key = issued.json()["api_key"]
    assert call("GET", "/v1/admin/portal", api_key=new_key).status == 200
    listed = call("GET", "/v1/admin/api-keys", api_key=biz.api_key)
    assert new_key not in listed.body.decode()
    assert [k["label"] for k in listed.json()["items"]] == ["Provisioning", "CRM"]
    assert listed.json()["items"][1]["hint"].endswith(new_key[-4:])


def test_given_revoked_key_then_it_stops_working(biz):
    new_key = call("POST", "/v1/admin/api-keys", api_key=biz.api_key).json()
    key_id = new_key["key"]["key_id"]

    revoked = call("DELETE", f"/v1/admin/api-keys/{key_id}", api_key=biz.api_key)

    assert revoked.status == 200
    assert revoked.json()["revoked_at"] is not None
    assert call("GET", "/v1/admin/portal", api_key=new_key["api_key"]).status == 401


def test_given_last_active_key_then_it_cannot_be_revoked(biz):
    key_id = call("GET", "/v1/admin/api-keys", api_key=biz.api_key).json()["items"][0]["key_id"]

    response = call("DELETE", f"/v1/admin/api-keys/{key_id}", api_key=biz.api_key)

    assert response.status == 409
    assert response.json()["error"]["code"] == "last_api_key"
    assert call("GET", "/v1/admin/portal", api_key=biz.api_key).status == 200


def test_given_the_admin_settings_when_read_and_the_zone_changed_then_zone_and_currency_show(biz):
    read = call("GET", "/v1/admin/portal", api_key=biz.api_key).json()
    assert (read["timezone"], read["currency"]) == ("America/Chicago", "USD")

    changed = enable(biz, timezone="America/Los_Angeles")
    again = call("GET", "/v1/admin/portal", api_key=biz.api_key).json()

    assert changed["timezone"] == again["timezone"] == "America/Los_Angeles"
    assert again["currency"] == "USD"
    unchanged = enable(biz)  # nothing new: the same answer
    assert unchanged["timezone"] == "America/Los_Angeles"


def test_given_the_business_zone_when_sent_back_unchanged_then_the_settings_are_not_rewritten(
    biz,
):
    first = enable(biz)
    again = enable(biz, timezone=first["timezone"])

    assert again["updated_at"] == first["updated_at"]
