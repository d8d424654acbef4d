"""Rules template.yaml keeps: the table the code expects, a log group with retention per
function, no wildcard IAM actions, and a layer built for the functions' architecture."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from portico.data.table import table_schema

pytestmark = [pytest.mark.template, pytest.mark.xdist_group("sam")]


def resources_of(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {
        name: resource
        for name, resource in template["Resources"].items()
        if resource["Type"] == kind
    }


def test_given_the_data_layer_when_compared_with_the_template_then_the_table_matches(
    template: dict[str, Any],
):
    # Given
    expected = table_schema()
    (table,) = resources_of(template, "AWS::DynamoDB::Table").values()
    props = table["Properties"]

    # Then the keys, the indexes and the TTL attribute are the ones the models use
    assert props["KeySchema"] == expected["KeySchema"]
    indexes = {index["IndexName"]: index["KeySchema"] for index in props["GlobalSecondaryIndexes"]}
    assert indexes == expected["GlobalSecondaryIndexes"]
    assert all(
        index["Projection"] == {"ProjectionType": "ALL"}
        for index in props["GlobalSecondaryIndexes"]
    )
    key_attributes = {
        key["AttributeName"]
        for schema in [expected["KeySchema"], *expected["GlobalSecondaryIndexes"].values()]
        for key in schema
    }
    assert {a["AttributeName"] for a in props["AttributeDefinitions"]} == key_attributes
    assert props["TimeToLiveSpecification"] == {
        "AttributeName": expected["TimeToLiveAttribute"],
        "Enabled": True,
    }


def test_given_each_function_when_it_logs_then_its_log_group_has_a_retention(
    template: dict[str, Any],
):
    # Given
    functions = resources_of(template, "AWS::Serverless::Function")
    log_groups = resources_of(template, "AWS::Logs::LogGroup")
    assert functions

    # Then each function writes to its own log group, which expires its logs
    used: dict[str, str] = {}
    for name, function in functions.items():
        target = function["Properties"].get("LoggingConfig", {}).get("LogGroup")
        assert isinstance(target, dict), f"{name} has no LoggingConfig.LogGroup"
        group = target.get("Ref")
        assert group in log_groups, f"{name} logs to {target}, not a log group of the template"
        assert "RetentionInDays" in log_groups[group]["Properties"], f"{group} keeps logs forever"
        assert group not in used, f"{name} and {used.get(group)} share {group}"
        used[group] = name


def _statements(node: Any) -> Iterator[dict[str, Any]]:
    """Every IAM policy statement anywhere under `node` (functions, roles, queue policies...)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Statement":
                yield from value if isinstance(value, list) else [value]
            else:
                yield from _statements(value)
    elif isinstance(node, list):
        for item in node:
            yield from _statements(item)


def test_given_every_iam_statement_when_read_then_no_action_is_a_wildcard(
    template: dict[str, Any],
):
    # Given
    statements = list(_statements(template["Resources"]))
    assert statements

    # Then
    for statement in statements:
        assert "NotAction" not in statement, f"NotAction grants everything else: {statement}"
        actions = statement["Action"]
        for action in [actions] if isinstance(actions, str) else actions:
            assert "*" not in action, f"wildcard action {action!r} in {statement}"


def test_given_each_function_when_its_policies_are_read_then_none_is_a_broad_managed_policy(
    template: dict[str, Any],
):
    # Then
    for name, function in resources_of(template, "AWS::Serverless::Function").items():
        for policy in function["Properties"].get("Policies", []):
            if isinstance(policy, str):
                assert not policy.endswith(("FullAccess", "AdministratorAccess", "PowerUserAccess"))
            else:
                assert isinstance(policy, dict), f"{name}: unexpected policy {policy!r}"


def test_given_the_layer_when_built_then_it_targets_the_functions_architecture(
    template: dict[str, Any],
):
    # Given
    architectures = template["Globals"]["Function"]["Architectures"]
    (layer,) = resources_of(template, "AWS::Serverless::LayerVersion").values()

    # Then its compiled wheels (pydantic-core) are the ones the functions can load
    assert [layer["Metadata"]["BuildArchitecture"]] == architectures
    assert layer["Properties"]["CompatibleArchitectures"] == architectures
    for name, function in resources_of(template, "AWS::Serverless::Function").items():
        assert function["Properties"].get("Architectures", architectures) == architectures, name
