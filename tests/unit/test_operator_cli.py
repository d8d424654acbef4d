"""`portico-admin`, the operator's command, against moto's DynamoDB and CloudFormation."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

import boto3
import pytest

from portico.bootstrap import Services
from portico.data import table
from portico.services.api_keys import authenticate
from portico_local.template import table_definition
from portico_ops.cli import main

TABLE = os.environ["TABLE_NAME"]


@pytest.fixture(autouse=True)
def _restore_table_settings() -> Iterator[None]:
    # The command points the data layer at the table it is given; the other tests expect theirs.
    yield
    table.configure(TABLE, os.environ["AWS_REGION"])


def deployed_stack(name: str) -> str:
    """A stack like Portico's: its own table, named by CloudFormation, in a TableName output."""
    template = {
        "Resources": {
            "PorticoTable": {"Type": "AWS::DynamoDB::Table", "Properties": table_definition()}
        },
        "Outputs": {
            "TableName": {"Value": {"Ref": "PorticoTable"}},
            "PortalBaseUrl": {"Value": "https://portal.example.com"},
        },
    }
    cloudformation = boto3.client("cloudformation")
    cloudformation.create_stack(StackName=name, TemplateBody=json.dumps(template))
    outputs = cloudformation.describe_stacks(StackName=name)["Stacks"][0]["Outputs"]
    return next(out["OutputValue"] for out in outputs if out["OutputKey"] == "TableName")


def provision(*extra: str, slug: str = "greenleaf-lawn") -> int:
    return main(["provision", "--name", "Greenleaf Lawn", "--slug", slug, *extra])


def printed_key(out: str) -> str:
    return next(line.split()[-1] for line in out.splitlines() if "admin API key" in line)


def test_given_a_table_when_provisioning_then_the_printed_key_opens_the_new_business(
    services: Services, capsys: pytest.CaptureFixture[str]
):
    # When
    status = provision("--table", TABLE, "--region", "us-east-1", "--email", "hi@greenleaf.example")

    # Then
    out, err = capsys.readouterr()
    assert status == 0, err
    key = authenticate(services, printed_key(out))
    assert key is not None
    assert f"business id     {key.business_id}" in out
    assert "/p/greenleaf-lawn" in out
    assert "shown this once" in err
    business = services.businesses.get(key.business_id)
    assert business is not None
    assert (business.name, business.contact.email) == ("Greenleaf Lawn", "hi@greenleaf.example")


def test_given_a_stack_when_provisioning_by_stack_name_then_the_business_is_in_the_stack_table(
    services: Services, capsys: pytest.CaptureFixture[str]
):
    # Given
    stack_table = deployed_stack("portico-prod")
    assert stack_table != TABLE

    # When
    status = provision("--stack", "portico-prod", "--region", "us-east-1")

    # Then the portal address uses the stack's PortalBaseUrl, and the business is listed there
    out, err = capsys.readouterr()
    assert status == 0, err
    assert "https://portal.example.com/p/greenleaf-lawn" in out
    assert main(["list-businesses", "--table", stack_table, "--region", "us-east-1"]) == 0
    listed = capsys.readouterr().out
    assert "greenleaf-lawn" in listed
    assert "Greenleaf Lawn" in listed
    table.configure(TABLE, "us-east-1")
    assert services.businesses.list_all() == []


def test_given_a_taken_slug_when_provisioning_then_it_exits_1_with_free_addresses(
    services: Services, capsys: pytest.CaptureFixture[str]
):
    # Given
    assert provision("--table", TABLE) == 0
    capsys.readouterr()

    # When
    status = provision("--table", TABLE)

    # Then
    out, err = capsys.readouterr()
    assert status == 1
    assert "'greenleaf-lawn' is taken" in err
    assert "greenleaf-lawn-portal" in err
    assert "admin API key" not in out
    assert len(services.businesses.list_all()) == 1


def test_given_businesses_when_listing_then_each_is_printed_once(
    services: Services, capsys: pytest.CaptureFixture[str]
):
    # Given
    assert provision("--table", TABLE) == 0
    assert (
        main(
            [
                "provision",
                "--name",
                "Sparkling Pools",
                "--slug",
                "sparkling-pools",
                "--table",
                TABLE,
            ]
        )
        == 0
    )
    capsys.readouterr()

    # When
    status = main(["list-businesses", "--table", TABLE])

    # Then
    out, _ = capsys.readouterr()
    assert status == 0
    rows = out.splitlines()[1:]
    assert sorted(row.split()[1] for row in rows) == ["greenleaf-lawn", "sparkling-pools"]
    assert "ptk_" not in out


def test_given_an_invalid_slug_when_provisioning_then_it_exits_2_naming_the_option(
    services: Services, capsys: pytest.CaptureFixture[str]
):
    # When
    status = provision("--table", TABLE, slug="Greenleaf Lawn")

    # Then
    _, err = capsys.readouterr()
    assert status == 2
    assert "--slug" in err
    assert services.businesses.list_all() == []


def test_given_an_unknown_stack_when_provisioning_then_it_exits_1_saying_so(
    services: Services, capsys: pytest.CaptureFixture[str]
):
    # When
    status = provision("--stack", "no-such-stack", "--region", "us-east-1")

    # Then
    _, err = capsys.readouterr()
    assert status == 1
    assert "stack 'no-such-stack' not found in us-east-1" in err
    assert services.businesses.list_all() == []


def test_given_neither_table_nor_stack_when_provisioning_then_usage_is_refused(
    capsys: pytest.CaptureFixture[str],
):
    # When
    with pytest.raises(SystemExit) as exit_:
        provision()

    # Then
    assert exit_.value.code == 2
    assert "one of the arguments --table --stack is required" in capsys.readouterr().err
