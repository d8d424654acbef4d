"""Schemathesis over the whole OpenAPI document (docs/openapi.json), against the local runtime
over HTTP, as each principal the API knows: a demo business's API key, a demo customer's session
and nobody. Positive and negative (bad input) cases; every answer must be below 500, carry a
documented status code and content type, and match the documented body schema.

`PORTICO_FUZZ_EXAMPLES` sets the examples per operation and mode (default 3, seeded, for
`make test`); `PORTICO_FUZZ_SEED=random` draws a fresh seed (`make fuzz`), printed on failure."""

from __future__ import annotations

import os
import random
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
_SEED = os.environ.get("PORTICO_FUZZ_SEED", "9")
SEED = random.randrange(2**32) if _SEED == "random" else int(_SEED)
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
            # A negative case the API accepts is reported by these two; several fields
            # are free text the document cannot narrow, so they would only report noise.
            "negative_data_rejection": {"enabled": False},
            "positive_data_acceptance": {"enabled": False},
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
    with local_runtime() as running:
        yield running


@pytest.fixture(scope="module")
def principals(runtime: Runtime) -> Principals:
    return Principals(runtime)


@pytest.fixture(scope="module")
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.trust_env = False  # the runtime is on loopback: never through a proxy
        yield session


def _check(case: Any, runtime: Runtime, http: requests.Session, headers: dict[str, str]) -> None:
    # The runtime's log helps when a 5xx's cause is in a handler's traceback.
    try:
        case.call_and_validate(base_url=runtime.base_url, session=http, headers=headers)
    except AssertionError as failure:
        raise AssertionError(f"{failure}\n(seed {SEED})\n{runtime.log()[-4000:]}") from None


# Customer routes first: the business routes may change the portal's settings under them.
@CUSTOMER.parametrize()
def test_customer_routes_as_the_customer(
    case: Any, runtime: Runtime, principals: Principals, http: requests.Session
) -> None:
    _check(case, runtime, http, principals.customer_headers())


@CUSTOMER_SAFE_PUBLIC.parametrize()
def test_public_routes_with_a_customer_session(
    case: Any, runtime: Runtime, principals: Principals, http: requests.Session
) -> None:
    _check(case, runtime, http, principals.customer_headers())


@SCHEMA.parametrize()
def test_every_route_with_nobody_signed_in(
    case: Any, runtime: Runtime, http: requests.Session
) -> None:
    _check(case, runtime, http, {})


@CUSTOMER.parametrize()
def test_customer_routes_with_the_business_key(
    case: Any, runtime: Runtime, principals: Principals, http: requests.Session
) -> None:
    _check(case, runtime, http, principals.admin_headers())


@ADMIN.parametrize()
def test_business_routes_with_a_customer_session(
    case: Any, runtime: Runtime, principals: Principals, http: requests.Session
) -> None:
    _check(case, runtime, http, principals.customer_headers())


@ADMIN.parametrize()
def test_business_routes_as_the_business(
    case: Any, runtime: Runtime, principals: Principals, http: requests.Session
) -> None:
    _check(case, runtime, http, principals.admin_headers())
