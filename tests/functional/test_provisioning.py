"""The Custom::PorticoBusiness provider, driven by CloudFormation's own events (tests/events/).

CloudFormation's pre-signed ResponseURL is played by an HTTP server on 127.0.0.1, so the
answers are read exactly as CloudFormation would receive them.
"""

from __future__ import annotations

import io
import json
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import pytest

from portico.bootstrap import Services
from portico.data.table import PorticoItem
from portico.domain.business import NewBusiness
from portico.observability import logger
from portico.services.api_keys import authenticate
from portico.services.portals import provision_business
from portico_local.gateway import LambdaContext
from provisioning import handler

EVENTS = Path(__file__).resolve().parents[1] / "events"
SECRET_NAME = "portico/dev/businesses/sparkling-pools/admin-api-key"


@dataclass
class ReceivedAnswer:
    method: str
    content_type: str | None
    raw: str

    @property
    def body(self) -> dict[str, Any]:
        return json.loads(self.raw)


@dataclass
class ResponseUrl:
    """Stands in for the S3 pre-signed URL that CloudFormation reads the answer from."""

    url: str
    answers: list[ReceivedAnswer] = field(default_factory=list)


@pytest.fixture
def response_url() -> Iterator[ResponseUrl]:
    received: list[ReceivedAnswer] = []

    class Endpoint(BaseHTTPRequestHandler):
        def do_PUT(self) -> None:
            length = int(self.headers["Content-Length"])
            raw = self.rfile.read(length).decode()
            received.append(ReceivedAnswer("PUT", self.headers.get("Content-Type"), raw))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Endpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield ResponseUrl(f"http://127.0.0.1:{server.server_port}/answer?X-Amz-Signature=abc", received)
    server.shutdown()
    server.server_close()


@pytest.fixture
def logs() -> Iterator[io.StringIO]:
    """Everything the provider logs, at every level, as it would reach CloudWatch."""
    underlying = logging.getLogger(logger.name)
    stream = io.StringIO()
    capture = logging.StreamHandler(stream)
    capture.setFormatter(underlying.handlers[0].formatter)
    level = underlying.level
    underlying.addHandler(capture)
    underlying.setLevel(logging.DEBUG)
    yield stream
    underlying.removeHandler(capture)
    underlying.setLevel(level)


def cloudformation_sends(name: str, response_url: ResponseUrl, **changes: Any) -> dict[str, Any]:
    """Invoke the provider with tests/events/cfn_business_<name>.json; return its answer."""
    event = json.loads((EVENTS / f"cfn_business_{name}.json").read_text())
    properties = {**event["ResourceProperties"], **changes.pop("properties", {})}
    event = {**event, **changes, "ResourceProperties": properties}
    event["ResponseURL"] = response_url.url
    before = len(response_url.answers)
    handler.lambda_handler(event, LambdaContext(log_stream_name="2026/05/01/[$LATEST]abc"))
    assert len(response_url.answers) == before + 1, "exactly one answer per request"
    answer = response_url.answers[-1]
    assert answer.method == "PUT"
    # S3 checks the pre-signed signature, which has no content type: it must be sent empty.
    assert not answer.content_type
    return answer.body


def stored_key() -> str:
    secrets = boto3.client("secretsmanager")
    return str(secrets.get_secret_value(SecretId=SECRET_NAME)["SecretString"])


def businesses() -> list[str]:
    return [business.business_id for business in handler.svc.businesses.list_all()]


def test_given_a_new_stack_when_created_then_the_business_exists_and_its_key_is_in_a_secret(
    services: Services, response_url: ResponseUrl, logs: io.StringIO
):
    # When
    answer = cloudformation_sends("create", response_url)

    # Then the stack hears success, with the business id and where its key is...
    assert answer["Status"] == "SUCCESS", answer
    business_id = answer["Data"]["BusinessId"]
    assert answer["PhysicalResourceId"] == business_id
    assert answer["RequestId"] == "6f1b9c2e-3d4a-4b5c-8e7f-0a1b2c3d4e5f"
    assert answer["LogicalResourceId"] == "FirstBusiness"
    secret = boto3.client("secretsmanager").describe_secret(SecretId=SECRET_NAME)
    assert answer["Data"]["AdminApiKeySecretArn"] == secret["ARN"]
    # ...the business is there with its portal...
    business = services.businesses.get(business_id)
    assert business is not None
    assert (business.name, business.slug) == ("Sparkling Pools", "sparkling-pools")
    assert business.contact.email == "office@sparklingpools.example"
    assert services.portals.get(business_id) is not None
    # ...and the stored key opens the admin API of that business, and of no other.
    key = authenticate(services, stored_key())
    assert key is not None
    assert key.business_id == business_id
    # The key is nowhere but in the secret: not in the answer, not in the logs.
    assert stored_key() not in json.dumps(answer)
    assert "ptk_" not in json.dumps(answer)
    assert "business provisioned" in logs.getvalue()
    assert stored_key() not in logs.getvalue()


def test_given_a_created_business_when_the_create_is_retried_then_there_is_still_one_business(
    services: Services, response_url: ResponseUrl
):
    # Given
    first = cloudformation_sends("create", response_url)
    key = stored_key()

    # When the same request comes again (Lambda retries an invocation that timed out)
    again = cloudformation_sends("create", response_url)

    # Then
    assert again["Status"] == "SUCCESS", again
    assert again["PhysicalResourceId"] == first["PhysicalResourceId"]
    assert again["Data"] == first["Data"]
    assert businesses() == [first["PhysicalResourceId"]]
    assert stored_key() == key
    assert authenticate(services, key) is not None


def test_given_a_create_that_died_before_storing_the_key_when_retried_then_a_working_key_is_stored(
    services: Services, response_url: ResponseUrl
):
    # Given an attempt that saved the business, then lost its key
    first = cloudformation_sends("create", response_url)
    boto3.client("secretsmanager").delete_secret(
        SecretId=SECRET_NAME, ForceDeleteWithoutRecovery=True
    )

    # When
    again = cloudformation_sends("create", response_url)

    # Then
    assert again["Status"] == "SUCCESS", again
    assert businesses() == [first["PhysicalResourceId"]]
    key = authenticate(services, stored_key())
    assert key is not None
    assert key.business_id == first["PhysicalResourceId"]


def test_given_another_stack_when_created_then_it_gets_another_business(
    services: Services, response_url: ResponseUrl
):
    # Given
    first = cloudformation_sends("create", response_url)

    # When a stack with another id provisions another address
    other = cloudformation_sends(
        "create",
        response_url,
        StackId="arn:aws:cloudformation:us-east-1:123456789012:stack/portico-prod/0a0b0c0d-0000-1111-2222-333344445555",
        properties={"Name": "Greenleaf Lawn", "Slug": "greenleaf-lawn"},
    )

    # Then
    assert other["Status"] == "SUCCESS", other
    assert other["PhysicalResourceId"] != first["PhysicalResourceId"]
    assert sorted(businesses()) == sorted(
        [first["PhysicalResourceId"], other["PhysicalResourceId"]]
    )


def test_given_a_bad_slug_when_created_then_it_fails_with_the_reason(
    services: Services, response_url: ResponseUrl
):
    # When
    answer = cloudformation_sends("create", response_url, properties={"Slug": "Sparkling Pools!"})

    # Then the deployer reads which property is wrong, and nothing was provisioned
    assert answer["Status"] == "FAILED"
    assert "Slug" in answer["Reason"]
    assert answer["PhysicalResourceId"]
    assert "Data" not in answer
    assert businesses() == []
    assert PorticoItem.count() == 0


def test_given_a_taken_slug_when_created_then_it_fails_with_free_addresses(
    services: Services, response_url: ResponseUrl
):
    # Given a business provisioned by hand at the same address
    provision_business(services, NewBusiness(name="Other Pools", slug="sparkling-pools"))

    # When
    answer = cloudformation_sends("create", response_url)

    # Then
    assert answer["Status"] == "FAILED"
    assert "'sparkling-pools' is taken" in answer["Reason"]
    assert "sparkling-pools-portal" in answer["Reason"]
    assert len(businesses()) == 1


def test_given_an_unexpected_failure_when_created_then_the_stack_hears_a_failure_without_details(
    services: Services, response_url: ResponseUrl
):
    # Given the table is gone
    boto3.client("dynamodb").delete_table(TableName=PorticoItem.Meta.table_name)

    # When
    answer = cloudformation_sends("create", response_url)

    # Then CloudFormation does not wait an hour, and learns where to look
    assert answer["Status"] == "FAILED"
    assert answer["Reason"] == "Unexpected error; see CloudWatch log stream 2026/05/01/[$LATEST]abc"


def test_given_a_provisioned_business_when_the_stack_is_updated_then_it_keeps_its_id_and_attributes(
    services: Services, response_url: ResponseUrl
):
    # Given
    created = cloudformation_sends("create", response_url)

    # When the template's business name changes
    updated = cloudformation_sends(
        "update", response_url, PhysicalResourceId=created["PhysicalResourceId"]
    )

    # Then nothing is replaced, and Fn::GetAtt still finds the same attributes
    assert updated["Status"] == "SUCCESS", updated
    assert updated["PhysicalResourceId"] == created["PhysicalResourceId"]
    assert updated["Data"] == created["Data"]
    assert services.businesses.get(created["PhysicalResourceId"]).name == "Sparkling Pools"


def test_given_a_provisioned_business_when_the_template_slug_changes_then_nothing_changes(
    services: Services, response_url: ResponseUrl
):
    # Given
    created = cloudformation_sends("create", response_url)

    # When the deployer edits FirstBusinessSlug (the address belongs to the admin API now)
    updated = cloudformation_sends(
        "update",
        response_url,
        PhysicalResourceId=created["PhysicalResourceId"],
        properties={"Slug": "sparkling-spas"},
    )

    # Then the deployment goes on, with the same business, address and key
    assert updated["Status"] == "SUCCESS", updated
    assert updated["Data"] == created["Data"]
    assert services.businesses.get(created["PhysicalResourceId"]).slug == "sparkling-pools"


def test_given_a_provisioned_business_when_the_stack_is_deleted_then_the_business_stays(
    services: Services, response_url: ResponseUrl
):
    # Given
    created = cloudformation_sends("create", response_url)

    # When
    deleted = cloudformation_sends(
        "delete", response_url, PhysicalResourceId=created["PhysicalResourceId"]
    )

    # Then
    assert deleted["Status"] == "SUCCESS", deleted
    assert deleted["PhysicalResourceId"] == created["PhysicalResourceId"]
    assert businesses() == [created["PhysicalResourceId"]]
    assert authenticate(services, stored_key()) is not None


def test_given_a_failed_create_when_cloudformation_rolls_back_then_the_delete_succeeds(
    services: Services, response_url: ResponseUrl
):
    # Given
    failed = cloudformation_sends("create", response_url, properties={"Slug": "admin"})
    assert failed["Status"] == "FAILED"
    assert "reserved" in failed["Reason"]

    # When
    deleted = cloudformation_sends(
        "delete", response_url, PhysicalResourceId=failed["PhysicalResourceId"]
    )

    # Then
    assert deleted["Status"] == "SUCCESS", deleted
    assert deleted["PhysicalResourceId"] == failed["PhysicalResourceId"]
