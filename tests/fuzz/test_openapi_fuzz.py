"""Schemathesis over the whole OpenAPI document (docs/openapi.json), against the local runtime
over HTTP, as each principal the API knows: a demo business's API key, a demo customer's session
and nobody. Positive and negative (bad input) cases; every answer must be below 500, carry a
documented status code and content type, and match the documented body schema.

`PORTICO_FUZZ_EXAMPLES` sets the examples per operation and mode and `PORTICO_FUZZ_SEED` the
seed: 3 and 9 by default (the bounded run in `make test`, the same cases every time); `make fuzz`
runs more with a fresh seed it prints, and `PORTICO_FUZZ_COVERAGE=1` adds schemathesis'
coverage phase (boundary values of every field)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from schemathesis.config import SchemathesisConfig

from tests.e2e.runtime import Runtime, business, local_runtime

pytestmark = [pytest.mark.fuzz, pytest.mark.xdist_group("fuzz")]

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
EXAMPLES = int(os.environ.get("PORTICO_FUZZ_EXAMPLES", "3"))
SEED = int(os.environ.get("PORTICO_FUZZ_SEED", "9"))
# The coverage phase (every boundary value of every field) is the longer run's: it alone sends
# thousands of requests, more than `make test` can afford.
COVERAGE = os.environ.get("PORTICO_FUZZ_COVERAGE", "0") == "1"
SLUG = "sparkling-pools"  # the demo business fuzzed as its own admin and as one of its customers

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": SEED,
        "generation": {"mode": "all", "max-examples": EXAMPLES, "database": "none"},
        "phases": {"coverage": {"enabled": COVERAGE}, "stateful": {"enabled": False}},
        "checks": {
            # Input the document allows can still break a rule across fields (a due date
            # before the issue date) and rightly answers 422: JSON Schema cannot say so.
            "positive_data_acceptance": {"enabled": False},
            # It expects 405 for a method the document lacks; API Gateway (and the runtime,
            # as it) answers 404 for a method no route has.
            "unsupported_method": {"enabled": False},
            # OPTIONS lists every method a route of the path answers, as API Gateway routes
            # them: DELETE /v1/me/payment-methods/{method_id} answers .../setup too.
            "allow_header_conformance": {"enabled": False},
            # It expects 401 without the Authorization header, but request validation (422)
            # runs before the sign-in check in Powertools; the signed-in-only routes are
            # asserted to refuse nobody in `_check` instead.
            "missing_required_header": {"enabled": False},
        },
    }
)
SCHEMA = schemathesis.openapi.from_path(DOCUMENT, config=CONFIG)
ADMIN = SCHEMA.include(path_regex=r"^/v1/admin/")
CUSTOMER = SCHEMA.include(path_regex=r"^/v1/me(/|$)")
PUBLIC = SCHEMA.exclude(path_regex=r"^/v1/(admin|me)(/|$)")
# Logout would end the session the customer routes run on: fuzz it with no session only.
CUSTOMER_SAFE_PUBLIC = PUBLIC.exclude(path="/v1/auth/logout")


class Principals:
    """The runtime's demo business key and a customer session, signed in again before the
    access token expires (a long `make fuzz` outlives one)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        demo = runtime.request("GET", "/_dev/demo").json()
        self.business = business(demo, SLUG)
        self.customer = next(c for c in self.business["customers"] if c["password"])
        self._token = ""
        self._renew_at = 0.0

    def admin_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.business['admin_api_key']}"}

    def customer_headers(self) -> dict[str, str]:
        if time.monotonic() >= self._renew_at:
            answer = self.runtime.request(
                "POST",
                f"/v1/portals/{SLUG}/login",
                {"email": self.customer["email"], "password": self.customer["password"]},
            )
            assert answer.status == 200, answer.body
            signed_in = answer.json()
            self._token = signed_in["access_token"]
            self._renew_at = time.monotonic() + signed_in["expires_in"] / 2
        return {"Authorization": f"Bearer {self._token}"}


@pytest.fixture(scope="module")
def runtime() -> Iterator[Runtime]:
    # Its own runtime: fuzzed writes (settings, customers, keys) must not reach other tests.
    # A longer start-up allowance than the e2e runtime's: it starts while other groups run.
    with local_runtime(deadline_s=120) as running:
        yield running


@pytest.fixture(scope="module")
def principals(runtime: Runtime) -> Principals:
    return Principals(runtime)


@pytest.fixture(scope="module")
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.trust_env = False  # the runtime is on loopback: never through a proxy
        yield session


# The operations each principal's run reached (a 2xx answer) and tried: a key or session that
# stopped working would turn the signed-in runs into 401 checks that pass.
REACHED: dict[str, set[str]] = {"customer": set(), "business": set()}
TRIED: dict[str, set[str]] = {"customer": set(), "business": set()}


def _check(
    case: Any,
    runtime: Runtime,
    http: requests.Session,
    headers: dict[str, str],
    who: str | None = None,
    refused: bool = False,
) -> None:
    try:
        response = case.call_and_validate(base_url=runtime.base_url, session=http, headers=headers)
    except (AssertionError, BaseExceptionGroup) as failure:  # one failed check, or several
        # The seed replays the run; the runtime's log has a 5xx's traceback.
        failure.add_note(f"PORTICO_FUZZ_SEED={SEED}\n{runtime.log()[-4000:]}")
        raise
    # The wrong kind of principal never gets an answer the route gives its own (OPTIONS and
    # the other methods the coverage phase tries are not the route's).
    if refused and case.method.upper() == case.operation.method.upper():
        assert response.status_code >= 400, f"{case.operation.label}: {response.status_code}"
    if who:
        TRIED[who].add(case.operation.label)
        if 200 <= response.status_code < 300:
            REACHED[who].add(case.operation.label)


# Customer routes first: the business routes may change the portal's settings under them.
@CUSTOMER.parametrize()
def test_customer_routes_as_the_customer(
    case: Any, runtime: Runtime, principals: Principals, http: requests.Session
) -> None:
    _check(case, runtime, http, principals.customer_headers(), "customer")


@CUSTOMER_SAFE_PUBLIC.parametrize()
def test_public_routes_with_a_customer_session(
    case: Any, runtime: Runtime, principals: Principals, http: requests.Session
) -> None:
    _check(case, runtime, http, principals.customer_headers())


@SCHEMA.parametrize()
def test_every_route_with_nobody_signed_in(
    case: Any, runtime: Runtime, http: requests.Session
) -> None:
    signed_in_only = case.operation.path.startswith(("/v1/admin/", "/v1/me"))
    _check(case, runtime, http, {}, refused=signed_in_only)


@CUSTOMER.parametrize()
def test_customer_routes_with_the_business_key(
    case: Any, runtime: Runtime, principals: Principals, http: requests.Session
) -> None:
    _check(case, runtime, http, principals.admin_headers(), refused=True)


@ADMIN.parametrize()
def test_business_routes_with_a_customer_session(
    case: Any, runtime: Runtime, principals: Principals, http: requests.Session
) -> None:
    _check(case, runtime, http, principals.customer_headers(), refused=True)


@ADMIN.parametrize()
def test_business_routes_as_the_business(
    case: Any, runtime: Runtime, principals: Principals, http: requests.Session
) -> None:
    _check(case, runtime, http, principals.admin_headers(), "business")


def _bare(prefix: str) -> set[str]:
    """The operations under `prefix` that take no parameter and no body: nothing the fuzzer
    sends can make them answer other than 2xx to the principal they are for."""
    paths = json.loads(DOCUMENT.read_text(encoding="utf-8"))["paths"]
    return {
        f"{method.upper()} {path}"
        for path, item in paths.items()
        if path.startswith(prefix)
        for method, operation in item.items()
        if isinstance(operation, dict)
        and not operation.get("parameters")
        and "requestBody" not in operation
    }


@pytest.mark.parametrize(("who", "prefix"), [("customer", "/v1/me"), ("business", "/v1/admin/")])
def test_the_signed_in_runs_reached_the_routes_behind_the_sign_in(who: str, prefix: str) -> None:
    if not TRIED[who]:
        pytest.skip(f"the {who} run was not selected")
    # Given the fuzzing above, then every operation that takes no input answered 2xx:
    # the routes ran as the principal rather than refusing it.
    bare = _bare(prefix) & TRIED[who]
    assert len(bare) >= 3, bare
    assert bare - REACHED[who] == set()
    assert len(REACHED[who]) > len(bare)  # and operations with input did too
