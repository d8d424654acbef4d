"""tests.support.fast_moto: TransactWriteItems as moto answers it, without copying tables.

Each behaviour is checked against both moto's own implementation and the replacement, so the
expectations are moto's (and DynamoDB's) and the replacement is held to them.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.table import Table

from tests.support.fast_moto import transactions

TABLE = "Things"
INDEX = "ByOwner"
_DESERIALIZER = TypeDeserializer()
_SERIALIZER = TypeSerializer()


@pytest.fixture(params=["moto", "fast"])
def implementation(request: pytest.FixtureRequest) -> Iterator[str]:
    with transactions(fast=request.param == "fast"):
        yield request.param


@pytest.fixture
def dynamodb(implementation: str) -> Iterator[Any]:
    """A table keyed PK/SK with an index on `owner`, holding three users."""
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName=TABLE,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[
                {"AttributeName": "PK", "AttributeType": "S"},
                {"AttributeName": "SK", "AttributeType": "S"},
                {"AttributeName": "owner", "AttributeType": "S"},
            ],
            KeySchema=[
                {"AttributeName": "PK", "KeyType": "HASH"},
                {"AttributeName": "SK", "KeyType": "RANGE"},
            ],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": INDEX,
                    "KeySchema": [
                        {"AttributeName": "owner", "KeyType": "HASH"},
                        {"AttributeName": "PK", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )
        for item in [
            {"PK": "user#1", "owner": "ann", "n": 1, "tags": {"a"}, "note": "hello"},
            {"PK": "user#2", "owner": "ann", "n": 5},
            {"PK": "user#3", "owner": "bob", "status": "open"},
        ]:
            client.put_item(TableName=TABLE, Item=_wire({"SK": "profile", **item}))
        yield client


def _wire(item: dict[str, Any]) -> dict[str, Any]:
    return _SERIALIZER.serialize(item)["M"]


def _key(pk: str) -> dict[str, Any]:
    return {"PK": {"S": pk}, "SK": {"S": "profile"}}


def _state(client: Any) -> dict[str, dict[str, Any]]:
    """Every item in the table, by PK, as Python values."""
    items = client.scan(TableName=TABLE, ConsistentRead=True)["Items"]
    return {
        item["PK"]["S"]: {name: _DESERIALIZER.deserialize(value) for name, value in item.items()}
        for item in items
    }


def _owned_by(client: Any, owner: str) -> list[str]:
    """The PKs the index lists for `owner`."""
    items = client.query(
        TableName=TABLE,
        IndexName=INDEX,
        KeyConditionExpression="#owner = :owner",
        ExpressionAttributeNames={"#owner": "owner"},
        ExpressionAttributeValues={":owner": {"S": owner}},
    )["Items"]
    return [item["PK"]["S"] for item in items]


def _stream_events() -> list[str]:
    """The table's stream records, read from moto's backend (moto's DescribeStream answers
    this botocore's request with a 404)."""
    shard = dynamodb_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].tables[TABLE].stream_shard
    return [
        f"{record.record['eventName']} {record.record['dynamodb']['Keys']['PK']['S']}"
        for record in shard.items
    ]


def _put(pk: str, **attributes: Any) -> dict[str, Any]:
    return {"Put": {"TableName": TABLE, "Item": _wire({"PK": pk, "SK": "profile", **attributes})}}


def _update(pk: str, expression: str, values: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "Update": {
            "TableName": TABLE,
            "Key": _key(pk),
            "UpdateExpression": expression,
            "ExpressionAttributeValues": _wire(values),
            **extra,
        }
    }


def _delete(pk: str) -> dict[str, Any]:
    return {"Delete": {"TableName": TABLE, "Key": _key(pk)}}


def _check(
    pk: str, condition: str, values: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    check = {"TableName": TABLE, "Key": _key(pk), "ConditionExpression": condition, **extra}
    if values:
        check["ExpressionAttributeValues"] = _wire(values)
    return {"ConditionCheck": check}


def test_a_passing_transaction_applies_every_operation(dynamodb):
    # Given three users
    # When one transaction puts a fourth, updates the first, deletes the second and checks
    # the third
    dynamodb.transact_write_items(
        TransactItems=[
            _put("user#4", owner="bob", n=7),
            _update(
                "user#1",
                "ADD n :two, tags :b SET colour = :red REMOVE note",
                {":two": 2, ":b": {"b"}, ":red": "red"},
                ConditionExpression="attribute_exists(note)",
            ),
            {
                "Delete": {
                    "TableName": TABLE,
                    "Key": _key("user#2"),
                    "ConditionExpression": "n = :five",
                    "ExpressionAttributeValues": _wire({":five": 5}),
                }
            },
            _check(
                "user#3", "#s = :open", {":open": "open"}, ExpressionAttributeNames={"#s": "status"}
            ),
        ]
    )

    # Then the table holds exactly the transaction's result
    assert _state(dynamodb) == {
        "user#1": {
            "PK": "user#1",
            "SK": "profile",
            "owner": "ann",
            "n": 3,
            "tags": {"a", "b"},
            "colour": "red",
        },
        "user#3": {"PK": "user#3", "SK": "profile", "owner": "bob", "status": "open"},
        "user#4": {"PK": "user#4", "SK": "profile", "owner": "bob", "n": 7},
    }


def test_one_failing_condition_cancels_everything_with_a_reason_per_operation(dynamodb):
    # Given three users
    before = _state(dynamodb)

    # When a transaction's second and fourth conditions do not hold, the second asking for the
    # old item
    with pytest.raises(ClientError) as cancelled:
        dynamodb.transact_write_items(
            TransactItems=[
                _put("user#4", owner="bob"),
                _update(
                    "user#1",
                    "SET n = :ten",
                    {":ten": 10, ":ninety_nine": 99},
                    ConditionExpression="n = :ninety_nine",
                    ReturnValuesOnConditionCheckFailure="ALL_OLD",
                ),
                _delete("user#2"),
                _check("user#3", "attribute_not_exists(PK)"),
            ]
        )

    # Then it is cancelled, with DynamoDB's reasons in the operations' order and the old item
    error = cancelled.value.response
    assert error["Error"]["Code"] == "TransactionCanceledException"
    reasons = error["CancellationReasons"]
    assert [reason["Code"] for reason in reasons] == [
        "None",
        "ConditionalCheckFailed",
        "None",
        "ConditionalCheckFailed",
    ]
    assert reasons[1]["Item"] == _wire(before["user#1"])
    assert "Item" not in reasons[3]
    # And nothing was written
    assert _state(dynamodb) == before


def test_an_update_expression_error_midway_leaves_nothing_changed(dynamodb):
    # Given three users and their stream records
    before = _state(dynamodb)
    events = _stream_events()

    # When a transaction's third operation adds to an attribute its item does not have, after
    # a put and an update (which moto applies to the stored item in place)
    with pytest.raises(ClientError) as rejected:
        dynamodb.transact_write_items(
            TransactItems=[
                _put("user#4", owner="ann"),
                _update("user#1", "SET colour = :red, n = n + :one", {":red": "red", ":one": 1}),
                _update("user#2", "SET missing = missing + :one", {":one": 1}),
                _delete("user#3"),
            ]
        )

    # Then it is rejected and nothing changed: items, index or stream
    assert rejected.value.response["Error"]["Code"] == "ValidationException"
    assert _state(dynamodb) == before
    assert _owned_by(dynamodb, "ann") == ["user#1", "user#2"]
    assert _stream_events() == events


def test_two_operations_on_one_item_are_rejected(dynamodb):
    # Given three users
    before = _state(dynamodb)

    # When a transaction puts a new item and then updates it
    with pytest.raises(ClientError) as rejected:
        dynamodb.transact_write_items(
            TransactItems=[
                _put("user#4", owner="bob"),
                _update("user#4", "SET n = :one", {":one": 1}),
            ]
        )

    # Then it is rejected as DynamoDB does, with nothing written
    assert rejected.value.response["Error"] == {
        "Code": "ValidationException",
        "Message": "Transaction request cannot include multiple operations on one item",
    }
    assert _state(dynamodb) == before


def test_two_actions_in_one_operation_are_rejected(dynamodb):
    # Given three users
    before = _state(dynamodb)

    # When one transaction item both puts and deletes
    with pytest.raises(ClientError) as rejected:
        dynamodb.transact_write_items(
            TransactItems=[{**_put("user#4", owner="bob"), **_delete("user#1")}]
        )

    # Then it is rejected, with nothing written
    error = rejected.value.response["Error"]
    assert error["Code"] == "ValidationException"
    assert "can only contain one of" in error["Message"]
    assert _state(dynamodb) == before


def test_more_than_100_operations_are_rejected(dynamodb):
    # Given three users
    before = _state(dynamodb)

    # When a transaction holds 101 operations
    with pytest.raises(ClientError) as rejected:
        dynamodb.transact_write_items(
            TransactItems=[_put(f"user#{n}", owner="bob") for n in range(10, 111)]
        )

    # Then it is rejected, with nothing written
    error = rejected.value.response["Error"]
    assert error["Code"] == "ValidationException"
    assert "less than or equal to 100" in error["Message"]
    assert _state(dynamodb) == before


def test_the_index_sees_exactly_the_applied_state(dynamodb):
    # Given ann owns users 1 and 2, bob user 3
    # When a transaction gives user 3 to ann, deletes user 2 and puts user 4 for bob
    dynamodb.transact_write_items(
        TransactItems=[
            _update(
                "user#3",
                "SET #owner = :ann",
                {":ann": "ann"},
                ExpressionAttributeNames={"#owner": "owner"},
            ),
            _delete("user#2"),
            _put("user#4", owner="bob"),
        ]
    )
    # And a later transaction moving user 1 to bob is cancelled
    with pytest.raises(ClientError):
        dynamodb.transact_write_items(
            TransactItems=[
                _update(
                    "user#1",
                    "SET #owner = :bob",
                    {":bob": "bob"},
                    ExpressionAttributeNames={"#owner": "owner"},
                ),
                _check("user#4", "attribute_not_exists(PK)"),
            ]
        )

    # Then the index lists the first transaction's owners
    assert _owned_by(dynamodb, "ann") == ["user#1", "user#3"]
    assert _owned_by(dynamodb, "bob") == ["user#4"]


def test_a_failed_condition_wins_over_a_later_invalid_update(dynamodb, implementation):
    # Given three users
    before = _state(dynamodb)

    # When a transaction's first condition fails and its second update cannot apply
    with pytest.raises(ClientError) as failed:
        dynamodb.transact_write_items(
            TransactItems=[
                _check("user#1", "attribute_not_exists(PK)"),
                _update("user#2", "SET missing = missing + :one", {":one": 1}),
            ]
        )

    # Then nothing changed; moto, which applies operations as it checks them, reports the
    # update's error, where the replacement (like DynamoDB) cancels on the failed condition
    # without applying anything.
    expected = "ValidationException" if implementation == "moto" else "TransactionCanceledException"
    assert failed.value.response["Error"]["Code"] == expected
    assert _state(dynamodb) == before


def test_only_moto_copies_the_table(dynamodb, implementation, monkeypatch):
    # Given every deep copy recorded
    copied_tables: list[str] = []
    deepcopy = copy.deepcopy

    def recording(value: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(value, Table):
            copied_tables.append(value.name)
        return deepcopy(value, *args, **kwargs)

    monkeypatch.setattr(copy, "deepcopy", recording)

    # When a transaction passes, one is cancelled and one is rolled back
    dynamodb.transact_write_items(TransactItems=[_put("user#4", owner="bob")])
    with pytest.raises(ClientError):
        dynamodb.transact_write_items(TransactItems=[_check("user#1", "attribute_not_exists(PK)")])
    with pytest.raises(ClientError):
        dynamodb.transact_write_items(
            TransactItems=[
                _put("user#5", owner="bob"),
                _update("user#2", "SET m = m + :one", {":one": 1}),
            ]
        )

    # Then moto copied the table for each (if it no longer does, fast_moto can go); the
    # replacement never did
    if implementation == "moto":
        assert TABLE in copied_tables
    else:
        assert copied_tables == []
