"""The isolation world, built once per module: signing in and paying cost seconds, and the
property test only reads it (what a route may change belongs to the caller, never the target)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from moto import mock_aws

from portico_local.aws import create_resources, put_stripe_secret
from portico_local.fake_stripe import FakeStripe
from tests.conftest import CLOCK, SERVICES
from tests.property.world import World, build


@pytest.fixture(scope="module")
def world(fake_stripe: FakeStripe) -> Iterator[World]:
    CLOCK.set(datetime(2026, 5, 1, 15, 0, tzinfo=UTC))
    try:
        with mock_aws():
            create_resources()
            put_stripe_secret(SERVICES.settings.stripe_secret_name, fake_stripe)
            yield build(SERVICES, fake_stripe)
    finally:
        CLOCK.set(None)
