"""The local runtime starts the fake Stripe and tells where it is in `/_dev/demo`."""

from __future__ import annotations

import pytest
import stripe

from tests.e2e.runtime import local_runtime


@pytest.mark.e2e
def test_the_sdk_reaches_the_runtimes_fake_stripe_from_the_demo_document() -> None:
    with local_runtime("--no-demo") as runtime:
        # Given what `/_dev/demo` says about Stripe
        found = runtime.request("GET", "/_dev/demo").json()["stripe"]
        assert found["publishable_key"].startswith("pk_test_")
        assert found["api_base"].startswith("http://127.0.0.1:")
        assert found["api_base"] in runtime.log()  # the banner shows it too
        # When Stripe.js's key asks the fake for something only a secret key may do
        browser = stripe.StripeClient(
            found["publishable_key"],
            base_addresses={"api": found["api_base"]},
            max_network_retries=0,
        )
        # Then the fake answers as Stripe would: the key is known, but not enough
        with pytest.raises(stripe.AuthenticationError) as refused:
            browser.v1.customers.list()
        assert "publishable API key" in str(refused.value)
