"""TransactWriteItems for dynalite, which has none: each operation replayed as its own
single-item request, with its own condition, and undone if any condition fails.

dynalite answers PutItem, UpdateItem and DeleteItem with the same ConditionExpression,
UpdateExpression and attribute names and values that a transaction's operations carry, so
replaying them has dynalite parse and evaluate every expression Portico sends inside its
transactions. What it cannot check is atomicity under concurrency: the replay is only
atomic for one writer at a time (the tests), which is all the dynalite tests need.

A ConditionCheck becomes an UpdateItem that removes an attribute no item has, so that the
condition is evaluated and nothing changes (an item that did not exist, which UpdateItem
creates, is deleted again). When conditions fail, every applied operation is undone in
reverse order and the call raises TransactionCanceledException with one reason per
operation, as DynamoDB's does, so PynamoDB's TransactWriteError and Portico's
ConditionsFailed see the same thing they see from DynamoDB and moto. The AWS call counter
(tests/support/aws_calls.py) counts a replay as the one TransactWriteItems it stands in for.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from botocore.exceptions import ClientError
from pynamodb.connection.base import Connection
from pynamodb.exceptions import CancellationReason, VerboseClientError

from tests.support.aws_calls import counted_as

_NOOP_NAME = "#portico_replay_noop"
_NOOP_ATTRIBUTE = "portico_replay_noop"
_DROPPED = frozenset({"ReturnValuesOnConditionCheckFailure"})


def _request(kind: str, op: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The single-item operation and arguments for one operation of a transaction."""
    args = {name: value for name, value in op.items() if name not in _DROPPED}
    if kind == "Put":
        return "PutItem", args
    if kind == "Delete":
        return "DeleteItem", args
    if kind == "Update":
        return "UpdateItem", args
    names = {**args.get("ExpressionAttributeNames", {}), _NOOP_NAME: _NOOP_ATTRIBUTE}
    return "UpdateItem", {**args, "UpdateExpression": f"REMOVE {_NOOP_NAME}"} | {
        "ExpressionAttributeNames": names
    }


def _key_of(client: Any, kind: str, op: dict[str, Any]) -> Any:
    if kind == "Put":
        return {name: op["Item"][name] for name in _table_keys(client, op["TableName"])}
    return op["Key"]


_key_names: dict[tuple[str, str], list[str]] = {}


def _table_keys(client: Any, table: str) -> list[str]:
    """The table's key attribute names (DescribeTable once per endpoint and table)."""
    cache_key = (client.meta.endpoint_url, table)
    if cache_key not in _key_names:
        schema = client.describe_table(TableName=table)["Table"]["KeySchema"]
        _key_names[cache_key] = [part["AttributeName"] for part in schema]
    return _key_names[cache_key]


def replay(connection: Connection, operation_kwargs: dict[str, Any]) -> dict[str, Any]:
    client = connection.client
    undo: list[tuple[str, dict[str, Any], dict[str, Any] | None]] = []
    reasons: list[dict[str, str]] = []
    for entry in operation_kwargs["TransactItems"]:
        ((kind, op),) = entry.items()
        table = op["TableName"]
        name, args = _request(kind, op)
        try:
            answer = client._make_api_call(name, {**args, "ReturnValues": "ALL_OLD"})
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            reasons.append({"Code": "ConditionalCheckFailed", "Message": "condition failed"})
            continue
        reasons.append({"Code": "None"})
        undo.append((table, _key_of(client, kind, op), answer.get("Attributes")))
    if any(reason["Code"] != "None" for reason in reasons):
        for table, key, old in reversed(undo):
            if old is None:
                client.delete_item(TableName=table, Key=key)
            else:
                client.put_item(TableName=table, Item=old)
        raise ClientError(
            {
                "Error": {
                    "Code": "TransactionCanceledException",
                    "Message": "Transaction cancelled (replayed on dynalite)",
                },
                "CancellationReasons": reasons,
            },
            "TransactWriteItems",
        )
    return {}


@contextmanager
def replayed_transactions() -> Iterator[None]:
    """Route PynamoDB's TransactWriteItems through `replay` while the block runs."""
    original = Connection._make_api_call

    def make_api_call(
        self: Connection, operation_name: str, operation_kwargs: dict[str, Any]
    ) -> dict[str, Any]:
        if operation_name != "TransactWriteItems":
            return original(self, operation_name, operation_kwargs)  # type: ignore[no-any-return]
        try:
            with counted_as("dynamodb:TransactWriteItems"):
                return replay(self, operation_kwargs)
        except ClientError as error:
            # Wrapped as PynamoDB's own _make_api_call wraps DynamoDB's answer.
            reasons = error.response.get("CancellationReasons", [])
            raise VerboseClientError(
                {"Error": error.response["Error"]},
                operation_name,
                {"request_id": "", "table_name": ""},
                cancellation_reasons=(
                    CancellationReason(code=reason["Code"], message=reason.get("Message"))
                    if reason["Code"] != "None"
                    else None
                    for reason in reasons
                ),
            ) from error

    Connection._make_api_call = make_api_call  # type: ignore[method-assign]
    try:
        yield
    finally:
        Connection._make_api_call = original  # type: ignore[method-assign]
