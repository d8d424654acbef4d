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
        "TABLE_NAME": "portico-test",
        "POWERTOOLS_SERVICE_NAME": "portico",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        "POWERTOOLS_METRICS_NAMESPACE": "Portico",
        "POWERTOOLS_DEV": "false",
    }
)
os.environ.pop("AWS_ENDPOINT_URL", None)
os.environ.pop("AWS_PROFILE", None)

from collections.abc import Iterator  # noqa: E402
from datetime import UTC, datetime  # noqa: E402

import boto3  # noqa: E402
import pytest  # noqa: E402
from moto import mock_aws  # noqa: E402

from portico import bootstrap  # noqa: E402
from portico.clock import ManualClock  # noqa: E402
from portico.config import Settings  # noqa: E402
from portico_local.template import table_definition  # noqa: E402
from tests.support.aws_calls import AwsCallCounter, install_counter  # noqa: E402

install_counter()

CLOCK = ManualClock()
SERVICES = bootstrap.Services.build(Settings.from_env(), CLOCK)
bootstrap.use(SERVICES)


@pytest.fixture
def clock() -> Iterator[ManualClock]:
    CLOCK.set(datetime(2026, 5, 1, 15, 0, tzinfo=UTC))
    yield CLOCK
    CLOCK.set(None)


@pytest.fixture
def aws(clock: ManualClock) -> Iterator[None]:
    """A fresh in-process AWS (moto) with the table created from template.yaml."""
    with mock_aws():
        client = boto3.client("dynamodb")
        client.create_table(TableName=os.environ["TABLE_NAME"], **table_definition())
        yield


@pytest.fixture
def services(aws: None) -> bootstrap.Services:
    return SERVICES


@pytest.fixture
def aws_calls() -> Iterator[AwsCallCounter]:
    """Counts the AWS API calls made inside `with aws_calls.counting():` blocks."""
    counter = AwsCallCounter()
    yield counter
