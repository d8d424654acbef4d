"""The pages behind the emailed links, served by the local runtime over HTTP: the customer's
sign-in, create-login, reset and magic-link pages, and the staff sign-in and invite pages.

What a browser needs before any script runs: the page at each address an email links to, its
forms with a label for every field, a live region for messages, no Referer for the token in
the address, and the scripts it names. The scripts' own rules are tested with Node
(tests/web/portico.test.js), which the last test here runs.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.e2e.runtime import ROOT, Runtime

SLUG = "sparkling-pools"
TOKEN = "t" * 43  # shaped like a real link token; these tests never redeem it


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    form: str | None = None  # id of the <form> it sits in


class Page(HTMLParser):
    """The elements of an HTML page, with the text of each and the form each sits in."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[Element] = []
        self._open: list[Element] = []
        self._form: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs}, form=self._form)
        self.elements.append(element)
        if tag == "form":
            self._form = element.attrs.get("id")
        if tag not in ("meta", "link", "input", "img", "br"):
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        while self._open:
            if self._open.pop().tag == tag:
                break

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element.text += data

    def find(self, tag: str, **attrs: str) -> list[Element]:
        return [
            e
            for e in self.elements
            if e.tag == tag and all(e.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]

    def one(self, tag: str, **attrs: str) -> Element:
        found = self.find(tag, **attrs)
        assert len(found) == 1, f"expected one <{tag} {attrs}>, found {len(found)}"
        return found[0]

    def inputs_of(self, form_id: str) -> list[Element]:
        return [e for e in self.elements if e.tag == "input" and e.form == form_id]

    def submit_text(self, form_id: str) -> str:
        buttons = [
            e
            for e in self.elements
            if e.tag == "button" and e.form == form_id and e.attrs.get("type", "submit") == "submit"
        ]
        assert len(buttons) == 1, f"form {form_id} has {len(buttons)} submit buttons"
        return " ".join(buttons[0].text.split())


def open_page(runtime: Runtime, path: str) -> Page:
    response = runtime.request("GET", path)
    assert response.status == 200, (path, response.status)
    assert response.content_type.startswith("text/html"), response.headers
    page = Page()
    page.feed(response.body.decode())
    return page


# (address an email or a person opens, the forms the page must offer there, the fields by
# form as (type, autocomplete), and each form's button)
PAGES = [
    (
        f"/p/{SLUG}",
        {
            "password-form": ([("email", "username"), ("password", "current-password")], "Sign in"),
            "magic-form": ([("email", "email")], "Email me a sign-in link"),
            "forgot-form": ([("email", "email")], "Email me a reset link"),
            "signup-form": ([("email", "email")], "Email me a link"),
        },
    ),
    (
        f"/p/{SLUG}/login",
        {"password-form": ([("email", "username"), ("password", "current-password")], "Sign in")},
    ),
    (
        f"/p/{SLUG}/create-login?token={TOKEN}",
        {
            "new-password-form": ([("password", "new-password")], "Save password and sign in"),
            "resend-form": ([], "Send me a fresh link"),
        },
    ),
    (
        f"/p/{SLUG}/reset?token={TOKEN}",
        {"new-password-form": ([("password", "new-password")], "Save password and sign in")},
    ),
    (
        f"/p/{SLUG}/magic?token={TOKEN}",
        {"magic-signin-form": ([], "Sign me in"), "resend-form": ([], "Send me a fresh link")},
    ),
    (
        "/admin",
        {
            "staff-form": (
                [("text", "off"), ("email", "username"), ("password", "current-password")],
                "Sign in",
            )
        },
    ),
    (
        f"/admin/accept?portal={SLUG}&token={TOKEN}",
        {
            "accept-form": ([("password", "new-password")], "Save password and sign in"),
            "accept-resend-form": ([], "Send me a fresh link"),
        },
    ),
]


@pytest.mark.parametrize(("path", "forms"), PAGES, ids=[path for path, _ in PAGES])
@pytest.mark.e2e
@pytest.mark.xdist_group("e2e")
def test_given_a_link_from_an_email_when_opened_then_the_page_offers_its_forms(
    runtime: Runtime, path: str, forms: dict[str, tuple[list[tuple[str, str]], str]]
):
    page = open_page(runtime, path)

    for form_id, (fields, button) in forms.items():
        page.one("form", id=form_id)
        inputs = page.inputs_of(form_id)
        assert [(i.attrs["type"], i.attrs["autocomplete"]) for i in inputs] == fields, form_id
        assert page.submit_text(form_id) == button, form_id


@pytest.mark.parametrize("path", [path for path, _ in PAGES])
@pytest.mark.e2e
@pytest.mark.xdist_group("e2e")
def test_given_any_page_when_opened_then_it_is_accessible_and_keeps_the_token_private(
    runtime: Runtime, path: str
):
    page = open_page(runtime, path)

    # The token in the address is never sent on as a Referer
    assert page.one("meta", name="referrer").attrs["content"] == "no-referrer"
    # Language, phone viewport, skip link, one main landmark
    assert page.one("html").attrs["lang"] == "en"
    assert "width=device-width" in page.one("meta", name="viewport").attrs["content"]
    assert page.one("a", href="#main").attrs["class"] == "skip-link"
    page.one("main", id="main")
    # Every field has a label that names it
    labelled = {label.attrs.get("for") for label in page.find("label") if label.text.strip()}
    for field_ in page.find("input"):
        assert field_.attrs.get("id") in labelled, f"no label for {field_.attrs}"
    # Messages are announced politely through live regions
    live = [e for e in page.elements if e.attrs.get("role") == "status"]
    assert live
    assert all(e.attrs.get("aria-live") == "polite" for e in live)
    # Password fields can be shown, with a button that says so and names its field
    for password in page.find("input", type="password"):
        toggle = page.one("button", aria_controls=password.attrs["id"])
        assert toggle.attrs["type"] == "button"
        assert toggle.text.strip() == "Show password"
    # A new password's rule is read out with the field
    for new_password in page.find("input", autocomplete="new-password"):
        hint = page.one("p", id=new_password.attrs["aria-describedby"])
        assert "at least 8 characters; 15 or more is better" in hint.text.lower()


@pytest.mark.parametrize("path", [path for path, _ in PAGES])
@pytest.mark.e2e
@pytest.mark.xdist_group("e2e")
def test_given_any_page_when_its_scripts_load_then_they_are_served_as_javascript(
    runtime: Runtime, path: str
):
    page = open_page(runtime, path)
    scripts = [s.attrs["src"] for s in page.find("script")]

    assert scripts[0] == "/assets/portico.js"  # the shared rules load first (both deferred)
    assert all("defer" in s.attrs for s in page.find("script"))
    for src in scripts:
        response = runtime.request("GET", src)
        assert response.status == 200, src
        assert "javascript" in response.content_type, (src, response.content_type)
    # The core, then the pages in their own files that add themselves to it.
    core = "admin" if path.startswith("/admin") else "portal"
    assert scripts[1] == f"/assets/{core}.js"
    assert all(src.startswith(f"/assets/{core}-") for src in scripts[2:])


# The routes the pages call, as the OpenAPI document names them, and the text the script
# builds each one from.
CALLS = [
    ("portal.js", "get", "/v1/me", '"/v1/me"'),
    ("portal.js", "post", "/v1/auth/refresh", '"/v1/auth/refresh"'),
    ("portal.js", "post", "/v1/auth/logout", '"/v1/auth/logout"'),
    ("portal.js", "post", "/v1/auth/accept", '"/v1/auth/accept"'),
    ("portal.js", "post", "/v1/auth/reset", '"/v1/auth/reset"'),
    ("portal.js", "post", "/v1/auth/magic", '"/v1/auth/magic"'),
    ("portal.js", "post", "/v1/auth/resend-link", '"/v1/auth/resend-link"'),
    ("portal.js", "post", "/v1/portals/{slug}/login", '"/login"'),
    ("portal.js", "post", "/v1/portals/{slug}/magic-link", '"/magic-link"'),
    ("portal.js", "post", "/v1/portals/{slug}/forgot-password", '"/forgot-password"'),
    ("portal.js", "post", "/v1/portals/{slug}/signup", '"/signup"'),
    ("portal.js", "get", "/v1/me/invoices", '"/v1/me/invoices?limit=100&status="'),
    ("portal.js", "get", "/v1/me/invoices/{invoice_id}", '"/v1/me/invoices/" + encodeURIComponent'),
    ("portal.js", "get", "/v1/me/payments", '"/v1/me/payments?limit=100"'),
    ("portal.js", "post", "/v1/me/payments", '"POST", "/v1/me/payments"'),
    ("portal.js", "get", "/v1/me/payment-methods", '"GET", "/v1/me/payment-methods"'),
    ("portal.js", "post", "/v1/me/payment-methods/setup", '"/v1/me/payment-methods/setup"'),
    ("portal.js", "post", "/v1/me/payment-methods", '"POST", "/v1/me/payment-methods",'),
    ("portal.js", "put", "/v1/me/payment-methods/{method_id}/default", '"/default"'),
    ("portal.js", "delete", "/v1/me/payment-methods/{method_id}", '"DELETE", method'),
    ("portal.js", "get", "/v1/me/autopay", '"/v1/me/autopay?lang="'),
    ("portal.js", "put", "/v1/me/autopay", '"PUT", "/v1/me/autopay"'),
    ("portal.js", "patch", "/v1/me/profile", '"PATCH", "/v1/me/profile"'),
    ("portal.js", "get", "/v1/me/visits", '"/v1/me/visits?limit=20"'),
    ("portal.js", "post", "/v1/me/reviews", '"POST", "/v1/me/reviews"'),
    ("portal.js", "get", "/v1/me/documents", '"GET", "/v1/me/documents"'),
    (
        "portal.js",
        "get",
        "/v1/me/documents/{document_id}",
        '"/v1/me/documents/" + encodeURIComponent',
    ),
    # portal-work.js: estimates and work requests
    ("portal-work.js", "get", "/v1/me/estimates", '"/v1/me/estimates?limit=100"'),
    ("portal-work.js", "get", "/v1/me/estimates/{estimate_id}", '"/v1/me/estimates/" +'),
    ("portal-work.js", "post", "/v1/me/estimates/{estimate_id}/accept", '"/accept"'),
    ("portal-work.js", "post", "/v1/me/estimates/{estimate_id}/decline", '"/decline"'),
    (
        "portal-work.js",
        "post",
        "/v1/me/estimates/{estimate_id}/change-request",
        '"/change-request"',
    ),
    ("portal-work.js", "post", "/v1/me/estimates/{estimate_id}/deposit", '"/deposit"'),
    ("portal-work.js", "get", "/v1/me/work-requests", '"/v1/me/work-requests?limit=100"'),
    ("portal-work.js", "post", "/v1/me/work-requests", '"POST", "/v1/me/work-requests",'),
    ("portal-work.js", "post", "/v1/me/work-requests/photos", '"/v1/me/work-requests/photos"'),
    ("portal-work.js", "get", "/v1/me/payment-methods", "portal.loadMethods()"),
    ("admin.js", "post", "/v1/portals/{slug}/staff-login", '"/staff-login"'),
    # portal-account.js: statement, notifications, profile, activity
    ("portal-account.js", "get", "/v1/me/statement", '"/v1/me/statement?"'),
    ("portal-account.js", "get", "/v1/me/preferences", '"GET", "/v1/me/preferences"'),
    ("portal-account.js", "put", "/v1/me/preferences", '"PUT", "/v1/me/preferences"'),
    ("portal-account.js", "get", "/v1/me/profile", '"GET", "/v1/me/profile"'),
    ("portal-account.js", "patch", "/v1/me/profile", '"PATCH", "/v1/me/profile"'),
    ("portal-account.js", "get", "/v1/me/activity", '"/v1/me/activity?limit=20"'),
    ("admin.js", "post", "/v1/auth/accept", '"/v1/auth/accept"'),
    ("admin.js", "post", "/v1/auth/resend-link", '"/v1/auth/resend-link"'),
    ("admin.js", "post", "/v1/auth/logout", '"/v1/auth/logout"'),
    ("admin.js", "get", "/v1/admin/portal", '"/v1/admin/portal"'),
    ("admin.js", "put", "/v1/admin/portal", '"PUT", "/v1/admin/portal"'),
    (
        "admin.js",
        "get",
        "/v1/admin/portal/slug-availability",
        '"/v1/admin/portal/slug-availability?slug="',
    ),
    ("admin.js", "post", "/v1/admin/portal/preview-invite", '"/v1/admin/portal/preview-invite"'),
    ("admin.js", "get", "/v1/admin/customers", '"/v1/admin/customers?limit=100&filter="'),
    ("admin.js", "post", "/v1/admin/invites", '"POST", "/v1/admin/invites"'),
    ("admin.js", "get", "/v1/admin/work-requests", '"/v1/admin/work-requests?limit=100"'),
    (
        "admin.js",
        "patch",
        "/v1/admin/work-requests/{work_request_id}",
        '"/v1/admin/work-requests/" +',
    ),
    ("admin.js", "get", "/v1/admin/reviews", '"/v1/admin/reviews?limit=100"'),
    ("admin.js", "get", "/v1/admin/autopay/runs", '"/v1/admin/autopay/runs?limit=50"'),
    ("admin.js", "get", "/v1/admin/autopay/runs/{run_id}", '"/v1/admin/autopay/runs/" +'),
    # admin.js: portal settings and invite templates
    ("admin.js", "put", "/v1/admin/portal/logo", '"PUT", "/v1/admin/portal/logo"'),
    ("admin.js", "delete", "/v1/admin/portal/logo", '"DELETE", "/v1/admin/portal/logo"'),
    (
        "admin.js",
        "get",
        "/v1/portals/{slug}/logo",
        '"/v1/portals/" + encodeURIComponent(settings.slug)',
    ),
    ("portico.js", "get", "/v1/portals/{slug}", '"/v1/portals/"'),
    # admin-users.js: portal users, invite funnel
    ("admin-users.js", "get", "/v1/admin/invite-funnel", '"/v1/admin/invite-funnel"'),
    ("admin-users.js", "get", "/v1/admin/portal-users", '"/v1/admin/portal-users?limit="'),
    (
        "admin-users.js",
        "post",
        "/v1/admin/portal-users/{customer_id}/resend-invite",
        '"/resend-invite"',
    ),
    (
        "admin-users.js",
        "post",
        "/v1/admin/portal-users/{customer_id}/password-reset",
        '"/password-reset"',
    ),
]


@pytest.mark.e2e
@pytest.mark.xdist_group("e2e")
def test_given_the_scripts_when_read_then_they_call_routes_the_api_has(runtime: Runtime):
    operations = runtime.request("GET", "/v1/openapi.json").json()["paths"]
    sources = {
        name: runtime.request("GET", f"/assets/{name}").body.decode()
        for name in {call[0] for call in CALLS}
    }

    for script, method, route, text in CALLS:
        assert method in operations.get(route, {}), f"the API has no {method.upper()} {route}"
        assert text in sources[script], f"{script} does not call {method.upper()} {route}"


@pytest.mark.e2e
@pytest.mark.xdist_group("e2e")
def test_given_the_scripts_when_read_then_nothing_is_logged_or_stored_in_the_browser(
    runtime: Runtime,
):
    # Tokens and passwords pass through these scripts: none may reach the console or storage.
    # The one thing kept is the language a person chose, under its own key, in portico.js.
    for name in (
        "portico.js",
        "portal.js",
        "portal-work.js",
        "portal-account.js",
        "admin.js",
        "admin-users.js",
    ):
        source = runtime.request("GET", f"/assets/{name}").body.decode()
        for forbidden in ("console.", "sessionStorage", "document.cookie"):
            assert forbidden not in source, f"{name} uses {forbidden}"
        uses = source.count("localStorage")
        language_only = source.count("localStorage.setItem(LANGUAGE_KEY, LANG)") + source.count(
            "localStorage.getItem(LANGUAGE_KEY)"
        )
        assert uses == language_only, f"{name} stores more than the language"
        if name in ("portal.js", "admin.js"):
            assert "history.replaceState" in source, f"{name} leaves the token in the address"


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_given_the_shared_page_rules_when_node_tests_them_then_they_pass():
    tests = Path(ROOT, "tests", "web")
    result = subprocess.run(
        ["node", "--test", str(tests)], cwd=ROOT, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "# fail 0" in result.stdout


@pytest.mark.e2e
@pytest.mark.xdist_group("e2e")
def test_given_the_local_runtime_when_the_pages_ask_where_stripe_is_then_it_names_the_fake(
    runtime: Runtime,
):
    # The committed file names Stripe.js; the runtime answers with its fake Stripe's pages.
    committed = json.loads(Path(ROOT, "web", "assets", "stripe.json").read_text())
    demo = runtime.request("GET", "/_dev/demo").json()

    served = runtime.request("GET", "/assets/stripe.json")

    assert committed == {"js": "https://js.stripe.com/v3/"}
    assert served.status == 200
    fake = demo["stripe"]["api_base"]
    assert served.json() == {
        "card_form": f"{fake}/_fake/card-form",
        "authenticate": f"{fake}/_fake/authenticate",
    }


@pytest.mark.parametrize("path", ["/p/sparkling-pools", "/admin", "/assets/portal.js"])
@pytest.mark.e2e
@pytest.mark.xdist_group("e2e")
def test_given_any_page_when_served_then_it_carries_cloudfronts_security_headers(
    runtime: Runtime, path: str
):
    """The runtime adds the headers of template.yaml's `WebSecurityHeaders`, as CloudFront
    does, so every page and the browser tests run under the same policy."""
    response = runtime.request("GET", path)

    assert response.status == 200
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self' https://js.stripe.com;" in policy
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["strict-transport-security"].startswith("max-age=63072000")
