"""One sample request per route of the template, built against the bench's business.

Reads rotate over the business's records. Writes update existing records in rotation with
a body varied by a sequence number, so every timed PUT is a real change (an unchanged CRM
record is a cheap no-op that would flatter the figures) and the table does not grow under
the clock. A GET nobody described here is still called when its path parameters are known.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.world import World, customer_body, estimate_body, invoice_body, visit_body
from portico.services import api_keys
from portico_local.template import Route


@dataclass(frozen=True)
class Sample:
    """A request ready for `Gateway.request`."""

    path: str
    body: str | None = None
    api_key: str | None = None

    def headers(self) -> dict[str, str]:
        headers = {"content-type": "application/json", "user-agent": "portico-bench"}
        if self.api_key:
            headers["authorization"] = f"Bearer {self.api_key}"
        return headers


Maker = Callable[[World, int], Sample]
Body = Callable[[World, str, int], dict[str, Any]]
_sequence = itertools.count(1_000)  # above the populated records' numbers: no collisions


def next_n() -> int:
    """A number never used before in this run, for unique values and real changes."""
    return next(_sequence)


def _ids(world: World, n: int) -> dict[str, str]:
    return {
        "slug": world.slug,
        "customer_id": world.customer_ids[n % len(world.customer_ids)],
        "invoice_id": world.invoice_ids[n % len(world.invoice_ids)],
        "visit_id": world.visit_ids[n % len(world.visit_ids)],
        "estimate_id": world.estimate_ids[n % len(world.estimate_ids)],
    }


def _plain(path: str, authorized: bool = True) -> Maker:
    def make(world: World, n: int) -> Sample:
        return Sample(
            path.format(n=n, **_ids(world, n)), None, world.api_key if authorized else None
        )

    return make


def _put(path: str, id_name: str, body: Body) -> Maker:
    def make(world: World, n: int) -> Sample:
        record_id = _ids(world, n)[id_name]
        payload = body(world, record_id, n)
        return Sample(path.format(**{id_name: record_id}), json.dumps(payload), world.api_key)

    return make


def _revoke(world: World, n: int) -> Sample:
    # A fresh key per request: revoking a revoked key is a no-op, and the last active key
    # cannot be revoked. Issued here, off the clock.
    issued = api_keys.issue_key(world.svc, world.business_id, f"bench {n}")
    return Sample(f"/v1/admin/api-keys/{issued.key.key_id}", None, world.api_key)


SAMPLES: dict[str, Maker] = {
    "GET /v1/portals/{slug}": _plain("/v1/portals/{slug}", authorized=False),
    "GET /v1/admin/portal": _plain("/v1/admin/portal"),
    "PUT /v1/admin/portal": lambda world, n: Sample(
        "/v1/admin/portal",
        json.dumps({"branding": {"primary_color": f"#{n % 0xFFFFFF:06x}"}}),
        world.api_key,
    ),
    "GET /v1/admin/portal/slug-availability": _plain(
        "/v1/admin/portal/slug-availability?slug=sparkling-pools-{n}"
    ),
    "GET /v1/admin/api-keys": _plain("/v1/admin/api-keys"),
    "POST /v1/admin/api-keys": _plain("/v1/admin/api-keys?label=bench"),
    "DELETE /v1/admin/api-keys/{key_id}": _revoke,
    "PUT /v1/admin/customers/{customer_id}": _put(
        "/v1/admin/customers/{customer_id}", "customer_id", lambda w, _, n: customer_body(n)
    ),
    "GET /v1/admin/customers/{customer_id}": _plain("/v1/admin/customers/{customer_id}"),
    "GET /v1/admin/customers": _plain("/v1/admin/customers?limit=50"),
    "PUT /v1/admin/invoices/{invoice_id}": _put(
        "/v1/admin/invoices/{invoice_id}",
        "invoice_id",
        lambda w, i, n: invoice_body(w.owners[i], n),
    ),
    "GET /v1/admin/invoices/{invoice_id}": _plain("/v1/admin/invoices/{invoice_id}"),
    "GET /v1/admin/invoices": _plain("/v1/admin/invoices?limit=50"),
    "PUT /v1/admin/visits/{visit_id}": _put(
        "/v1/admin/visits/{visit_id}", "visit_id", lambda w, i, n: visit_body(w.owners[i], n)
    ),
    "GET /v1/admin/visits/{visit_id}": _plain("/v1/admin/visits/{visit_id}"),
    "GET /v1/admin/visits": _plain("/v1/admin/visits?limit=50"),
    "PUT /v1/admin/estimates/{estimate_id}": _put(
        "/v1/admin/estimates/{estimate_id}",
        "estimate_id",
        lambda w, i, n: estimate_body(w.owners[i], n),
    ),
    "GET /v1/admin/estimates/{estimate_id}": _plain("/v1/admin/estimates/{estimate_id}"),
    "GET /v1/admin/estimates": _plain("/v1/admin/estimates?limit=50"),
}
_KNOWN_PARAMETERS = {"slug", "customer_id", "invoice_id", "visit_id", "estimate_id"}


def maker_for(route: Route) -> Maker | None:
    """How to call `route`, or None when the bench does not know how yet."""
    if route.route_key in SAMPLES:
        return SAMPLES[route.route_key]
    names = {part[1:-1] for part in route.path.split("/") if part.startswith("{")}
    if route.method == "GET" and names <= _KNOWN_PARAMETERS:
        return _plain(route.path, route.authorized)
    return None
