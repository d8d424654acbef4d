"""Shared fixtures. Environment first, then moto, then anything that may create a boto3 client."""

from __future__ import annotations

import os

os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "POWERTOOLS_SERVICE_NAME": "portico",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        "POWERTOOLS_METRICS_NAMESPACE": "Portico",
        "POWERTOOLS_DEV": "false",
    }
)
os.environ.pop("AWS_ENDPOINT_URL", None)
os.environ.pop("AWS_PROFILE", None)

from portico_local.aws import create_resources, function_environment, put_stripe_secret

# The handlers' environment exactly as the template's Globals give it (table, queues, secrets).
os.environ.update(function_environment("http://portal.test"))

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from moto import mock_aws

from portico import bootstrap
from portico.clock import ManualClock
from portico.config import Settings
from portico_local.fake_stripe import FakeStripe
from tests.support.aws_calls import AwsCallCounter, install_counter
from tests.support.fast_moto import install_fast_transactions

install_counter()
# moto's TransactWriteItems copies whole tables; PORTICO_TEST_MOTO_TRANSACTIONS=moto keeps it,
# to compare a run against moto's own.
if os.environ.get("PORTICO_TEST_MOTO_TRANSACTIONS") != "moto":
    install_fast_transactions()

CLOCK = ManualClock()
SERVICES = bootstrap.Services.build(Settings.from_env(), CLOCK)
bootstrap.use(SERVICES)


@pytest.fixture
def clock() -> Iterator[ManualClock]:
    CLOCK.set(datetime(2026, 5, 1, 15, 0, tzinfo=UTC))
    yield CLOCK
    CLOCK.set(None)


@pytest.fixture(scope="session")
def fake_stripe() -> Iterator[FakeStripe]:
    """The fake Stripe server, one per test process (each business gets its own connected
    account, so tests do not see each other's customers)."""
    with FakeStripe() as running:
        yield running


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--dynamodb",
        choices=("moto", "dynalite"),
        default="moto",
        help="where the `aws` fixture's table lives: moto (default) or dynalite (node, npm ci); "
        "dynalite has no transactions (replayed one operation at a time) and no streams",
    )


@pytest.fixture(scope="session")
def dynalite_endpoint() -> Iterator[str]:
    """dynalite in memory on a free port, for the whole test process (tests/support/dynalite.py);
    skips, saying why, without node or `npm ci`."""
    from tests.support.dynalite import DynaliteUnavailable, running_dynalite

    try:
        with running_dynalite() as endpoint:
            yield endpoint
    except DynaliteUnavailable as missing:
        pytest.skip(str(missing))


@pytest.fixture
def aws(
    request: pytest.FixtureRequest, clock: ManualClock, fake_stripe: FakeStripe
) -> Iterator[None]:
    """A fresh in-process AWS (moto) with the resources of template.yaml, and the Stripe
    secret pointing at the fake Stripe. With `--dynamodb=dynalite`, the table is on dynalite."""
    with mock_aws():
        create_resources()
        put_stripe_secret(SERVICES.settings.stripe_secret_name, fake_stripe)
        if request.config.getoption("dynamodb") == "dynalite":
            with _table_on_dynalite(request.getfixturevalue("dynalite_endpoint")):
                yield
        else:
            yield


@contextmanager
def _table_on_dynalite(endpoint: str) -> Iterator[None]:
    from portico.data import table
    from tests.support.dynalite import REGION, drop_table, new_table
    from tests.support.dynalite_replay import replayed_transactions

    name = new_table(endpoint)
    SERVICES._table()  # configured once, so that it does not undo what follows
    table.configure(name, REGION, endpoint)
    try:
        with replayed_transactions():
            yield
    finally:
        table.configure(SERVICES.settings.table_name, SERVICES.settings.aws_region)
        drop_table(endpoint, name)


@pytest.fixture
def services(aws: None) -> bootstrap.Services:
    return SERVICES


@pytest.fixture
def aws_calls() -> AwsCallCounter:
    """Counts the AWS API calls made inside `with aws_calls.counting():` blocks."""
    return AwsCallCounter()


@pytest.fixture
def published(aws: None) -> Any:
    """Domain events: the outbox fed to the publisher as stream records, and what reached the
    bus (tests/support/events.py)."""
    from tests.support.events import Published

    return Published()
