"""The invite funnel over HTTP through the local runtime: a new customer of a demo business
moves it one step at a time (added, invited, account created, card saved, AutoPay on) and
the other demo business's funnel does not move."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.portal import accept, admin_key, invite, new_customer
from tests.e2e.runtime import Runtime
from tests.e2e.test_payments import Payer

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

POOLS = "sparkling-pools"
LAWN = "greenleaf-lawn"
PASSWORD = "the funnel narrows at the pool"
STEPS = ["customers", "invited", "account_created", "payment_method_saved", "autopay_on"]


def funnel(runtime: Runtime, demo: dict[str, Any], slug: str) -> dict[str, int]:
    response = runtime.request("GET", "/v1/admin/invite-funnel", api_key=admin_key(demo, slug))
    assert response.status == 200, response.body
    counts: dict[str, int] = response.json()
    assert list(counts) == STEPS
    return counts


def moved(before: dict[str, int], after: dict[str, int]) -> list[str]:
    """The steps whose count went up by one; every other step must be unchanged."""
    grown = [step for step in STEPS if after[step] == before[step] + 1]
    assert all(after[step] == before[step] for step in STEPS if step not in grown), after
    return grown


def test_a_new_customer_moves_the_funnel_one_step_at_a_time(runtime: Runtime, demo: dict[str, Any]):
    lawn = funnel(runtime, demo, LAWN)
    start = funnel(runtime, demo, POOLS)
    # The counts only narrow, step after step
    assert all(a >= b for a, b in zip(start.values(), list(start.values())[1:], strict=False))

    customer = new_customer(runtime, demo, POOLS)
    added = funnel(runtime, demo, POOLS)
    assert moved(start, added) == ["customers"]

    token = invite(runtime, demo, customer)
    invited = funnel(runtime, demo, POOLS)
    assert moved(added, invited) == ["invited"]

    signed_in = accept(runtime, token, PASSWORD)
    assert signed_in.status == 200, signed_in.body
    created = funnel(runtime, demo, POOLS)
    assert moved(invited, created) == ["account_created"]

    payer = Payer(runtime, demo, customer, signed_in.json()["access_token"])
    method_id = payer.add_card("pm_card_visa")
    carded = funnel(runtime, demo, POOLS)
    assert moved(created, carded) == ["payment_method_saved"]

    body = {"enabled": True, "payment_method_id": method_id, "accept_terms": True}
    assert payer.call("PUT", "/v1/me/autopay", body).status == 200
    assert moved(carded, funnel(runtime, demo, POOLS)) == ["autopay_on"]

    # The other business's funnel never moved
    assert funnel(runtime, demo, LAWN) == lawn


def test_without_a_key_the_funnel_is_refused(runtime: Runtime):
    response = runtime.request("GET", "/v1/admin/invite-funnel")

    assert response.status == 401
    assert response.json()["error"]["code"]
