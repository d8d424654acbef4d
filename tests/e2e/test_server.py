"""The local runtime's web server: pages from web/, errors, limits, and a clean stop."""

from __future__ import annotations

import signal
import socket
from urllib.parse import urlsplit

import pytest

from portico.clock import ManualClock
from portico_local import server
from portico_local.demo import Demo
from portico_local.dev import AwsInfo
from tests.e2e.runtime import Runtime, local_runtime, stop

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


@pytest.mark.parametrize("path", ["/p/sparkling-pools", "/p/greenleaf-lawn/invoices/inv-2001"])
def test_given_a_portal_address_when_opened_then_the_portal_page_is_served(
    runtime: Runtime, path: str
):
    response = runtime.request("GET", path)

    assert response.status == 200
    assert response.content_type.startswith("text/html")
    page = response.body.decode()
    assert '<html lang="en">' in page
    assert '<main id="main">' in page
    assert '<script src="/assets/portal.js"' in page


def test_given_the_home_and_admin_pages_when_opened_then_they_link_where_they_should(
    runtime: Runtime,
):
    home = runtime.request("GET", "/")
    admin = runtime.request("GET", "/admin")
    script = runtime.request("GET", "/assets/portal.js")

    assert home.status == 200
    assert 'href="/p/sparkling-pools"' in home.body.decode()
    assert 'href="/p/greenleaf-lawn"' in home.body.decode()
    assert admin.status == 200
    assert "<h1>Admin pages</h1>" in admin.body.decode()
    assert script.status == 200
    assert "javascript" in script.content_type
    assert b"/v1/portals/" in script.body


def test_given_head_when_requested_then_headers_only(runtime: Runtime):
    page = runtime.request("HEAD", "/p/sparkling-pools")
    api = runtime.request("HEAD", "/v1/portals/sparkling-pools")

    assert page.status == 200
    assert page.body == b""
    assert int(page.headers["content-length"]) > 0
    assert api.status == 200
    assert api.body == b""


def test_given_options_when_requested_then_the_allowed_methods_are_listed(runtime: Runtime):
    invoice = runtime.request("OPTIONS", "/v1/admin/invoices/inv-2001")
    clock = runtime.request("OPTIONS", "/_dev/clock")

    assert invoice.status == 204
    assert set(invoice.headers["allow"].split(", ")) == {"GET", "HEAD", "PUT", "OPTIONS"}
    assert set(clock.headers["allow"].split(", ")) == {"GET", "HEAD", "POST", "OPTIONS"}


@pytest.mark.parametrize("method", ["TRACE", "QUERY", "PATCH"])
def test_given_a_method_no_route_has_when_requested_then_404_as_api_gateway_answers(
    runtime: Runtime, method: str
):
    # schemathesis' coverage phase sent TRACE and QUERY, which http.server answered 501
    response = runtime.request(method, "/v1/me")

    assert response.status == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("path", ["/v1/no-such-route", "/no-such-page", "/_dev/no-such-thing"])
def test_given_an_unknown_route_when_requested_then_404_with_the_error_body(
    runtime: Runtime, path: str
):
    response = runtime.request("GET", path)

    assert response.status == 404
    assert response.content_type == "application/json"
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "raw_path",
    [
        "/../pyproject.toml",
        "/%2e%2e/pyproject.toml",
        "/assets/..%2f..%2fpyproject.toml",
        "/p/..%2F..%2Fpyproject.toml",
        "/assets/%2e%2e%5c%2e%2e%5cpyproject.toml",
        "/..%00/pyproject.toml",
    ],
)
def test_given_a_path_leaving_web_when_requested_then_it_is_refused(
    runtime: Runtime, raw_path: str
):
    response = runtime.raw_get(raw_path)

    assert response.status in (400, 404)
    assert b"[project]" not in response.body
    assert response.content_type == "application/json"


def test_given_a_body_over_the_limit_when_sent_then_413(runtime: Runtime):
    response = runtime.request(
        "PUT",
        "/v1/admin/invoices/inv-big",
        raw_body=b"x" * (1024 * 1024 + 1),
        headers={"content-type": "application/json"},
    )

    assert response.status == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_given_a_running_runtime_when_ctrl_c_then_it_stops_cleanly_and_frees_its_port():
    # Without the demo: it starts faster, and stopping does not depend on the data.
    with local_runtime("--no-demo") as running:
        port = urlsplit(running.base_url).port

        exit_code = stop(running, signal.SIGINT)

    assert exit_code == 0, running.log()
    assert "Stopping Portico." in running.log()
    with (
        pytest.raises(ConnectionRefusedError),
        socket.create_connection(("127.0.0.1", port or 0), timeout=1),
    ):
        pass


def test_given_a_handler_that_fails_when_called_then_500_without_the_details(caplog):
    class BrokenGateway:
        def request(self, *args: object, **kwargs: object) -> None:
            raise RuntimeError("secret detail from deep inside")

    runtime = server.Runtime(
        gateway=BrokenGateway(),  # type: ignore[arg-type]
        clock=ManualClock(),
        demo=Demo([]),
        outbox=None,  # type: ignore[arg-type]
        aws=AwsInfo("http://127.0.0.1:1", "us-east-1", "portico-local"),
    )

    response = server.dispatch(runtime, server.Request("GET", "/v1/admin/customers", "", {}))

    assert response.status == 500
    assert response.json() == {
        "error": {"code": "internal_error", "message": "Something went wrong on our side."}
    }
    assert b"secret detail" not in response.body
    assert "secret detail from deep inside" in caplog.text  # logged for the developer
