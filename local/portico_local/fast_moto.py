"""moto's TransactWriteItems without copying whole tables (the local runtime's moto and the
tests' both use it).

moto 5.2's `DynamoDBBackend.transact_write_items` deep-copies every table a transaction touches,
so that it can put the table back if the transaction fails. Each transaction then costs time in
proportion to the whole table, where DynamoDB's does not, and Portico writes every state change
as one transaction: tests and benchmarks with thousands of items spend their time copying.

This replacement first checks every operation's condition against the items as they were
before the transaction (each item may be the target of one operation only, so no condition can
see another operation's effect: DynamoDB's rule and moto's result alike) and, if one fails,
cancels the transaction with nothing written. Otherwise it copies only the items it is about to
write, applies the operations with moto's own put_item / delete_item / update_item, and puts
those items back if an operation raises. moto answers index queries by scanning the table's
items, so putting the items back puts the indexes back too.

One difference from moto, on purpose: moto applies operations as it checks them, so when a
condition fails and a later Update's expression is invalid for its item (a
`MockValidationException` raised while applying), moto answers ValidationException; this module
never applies anything once a condition has failed and answers TransactionCanceledException,
listing the failed conditions.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import (
    ConditionalCheckFailed,
    MockValidationException,
    MultipleTransactionsException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import Table

_MOTO_TRANSACT_WRITE_ITEMS = DynamoDBBackend.transact_write_items
_OPERATIONS = frozenset({"ConditionCheck", "Put", "Delete", "Update"})
_MAX_OPERATIONS = 100

# One per operation, as moto's TransactionCanceledException takes them: (code, message, old
# item's attributes when ReturnValuesOnConditionCheckFailure is ALL_OLD), or all None.
Reason = tuple[str, str, dict[str, Any] | None] | tuple[None, None, None]
_PASSED: Reason = (None, None, None)


@dataclass(frozen=True)
class _Checked:
    """An operation whose condition held: what to do, and where its item lives."""

    op_type: str
    op: dict[str, Any]
    key: dict[str, Any]
    table: Table
    hash_value: DynamoType
    range_value: DynamoType | None


@dataclass(frozen=True)
class _Snapshot:
    """An item as it was before the transaction wrote it (None: there was no item)."""

    table: Table
    hash_value: DynamoType
    range_value: DynamoType | None
    item: Item | None


def install_fast_transactions() -> None:
    """Make every moto DynamoDB backend use this module's TransactWriteItems (idempotent)."""
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]


def uninstall_fast_transactions() -> None:
    """Give moto its own TransactWriteItems back."""
    DynamoDBBackend.transact_write_items = _MOTO_TRANSACT_WRITE_ITEMS  # type: ignore[method-assign]


@contextmanager
def transactions(*, fast: bool) -> Iterator[None]:
    """This module's TransactWriteItems (`fast=True`) or moto's own while inside, then whichever
    was in place before."""
    previous = DynamoDBBackend.transact_write_items
    if fast:
        install_fast_transactions()
    else:
        uninstall_fast_transactions()
    try:
        yield
    finally:
        DynamoDBBackend.transact_write_items = previous  # type: ignore[method-assign]


def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    """DynamoDBBackend.transact_write_items, copying the items it writes rather than the tables."""
    if len(transact_items) > _MAX_OPERATIONS:
        raise TooManyTransactionsException()
    checked, reasons = _check_all(self, transact_items)
    if any(code is not None for code, _, _ in reasons):
        raise TransactionCanceledException(reasons)

    snapshots = [
        _Snapshot(
            op.table,
            op.hash_value,
            op.range_value,
            copy.deepcopy(op.table.get_item(op.hash_value, op.range_value)),
        )
        for op in checked
        if op.op_type != "ConditionCheck"
    ]
    # moto's copy of a table includes its stream: records of a cancelled write go with it.
    written_tables = {id(snapshot.table): snapshot.table for snapshot in snapshots}.values()
    stream_lengths = [
        (table, len(table.stream_shard.items))
        for table in written_tables
        if table.stream_shard is not None
    ]
    try:
        reasons = [_apply(self, op) for op in checked]
        if any(code is not None for code, _, _ in reasons):
            raise TransactionCanceledException(reasons)
    except BaseException:
        _restore(snapshots, stream_lengths)
        raise


def _check_all(
    backend: DynamoDBBackend, transact_items: list[dict[str, Any]]
) -> tuple[list[_Checked], list[Reason]]:
    """Every operation's condition against the state before the transaction, as moto reports
    them: validation errors raised at once, other errors one reason per operation."""
    targeted: set[tuple[str, str]] = set()
    checked: list[_Checked] = []
    reasons: list[Reason] = []
    for transact_item in transact_items:
        if len(transact_item) > 1:
            raise TransactWriteSingleOpException
        old_attributes: dict[str, Any] | None = None
        try:
            op_type, op = next(iter(transact_item.items()))
            if op_type not in _OPERATIONS:
                raise ValueError("Unsupported transaction operation")
            table_name = op["TableName"]
            if op_type == "Put":
                key = _put_key(backend.get_table(table_name), op["Item"])
            else:
                key = op["Key"]
            _target_once(targeted, table_name, key)

            table = backend.get_table(table_name)
            hash_value, range_value = backend.get_keys_value(table, key)
            current = table.get_item(hash_value, range_value)
            condition = op.get("ConditionExpression")
            if condition is not None and not get_filter_expression(
                condition, op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
            ).expr(current):
                if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
                    old_attributes = current.to_json()["Attributes"]
                raise ConditionalCheckFailed(item=old_attributes)

            checked.append(_Checked(op_type, op, key, table, hash_value, range_value))
            reasons.append(_PASSED)
        except MockValidationException:
            raise
        except ConditionalCheckFailed as failed:
            reasons.append(("ConditionalCheckFailed", str(failed.message), old_attributes))
        except Exception as error:  # noqa: BLE001 - moto reports any other error as the reason
            reasons.append((type(error).__name__, str(error), old_attributes))
    return checked, reasons


def _put_key(table: Table, attrs: dict[str, Any]) -> dict[str, Any]:
    key = {table.hash_key_attr: attrs[table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = attrs[table.range_key_attr]
    return key


def _target_once(targeted: set[tuple[str, str]], table_name: str, key: dict[str, Any]) -> None:
    target = (str(table_name), str(dict(sorted(key.items()))))
    if target in targeted:
        raise MultipleTransactionsException()
    targeted.add(target)


def _apply(backend: DynamoDBBackend, checked: _Checked) -> Reason:
    """Write one operation (its condition already held); validation errors propagate, others
    become its reason, as in moto."""
    op = checked.op
    try:
        if checked.op_type == "Put":
            backend.put_item(op["TableName"], op["Item"])
        elif checked.op_type == "Delete":
            backend.delete_item(op["TableName"], checked.key)
        elif checked.op_type == "Update":
            backend.update_item(
                op["TableName"],
                checked.key,
                update_expression=op["UpdateExpression"],
                expression_attribute_names=op.get("ExpressionAttributeNames"),  # type: ignore[arg-type]
                expression_attribute_values=op.get("ExpressionAttributeValues"),  # type: ignore[arg-type]
            )
    except MockValidationException:
        raise
    except Exception as error:  # noqa: BLE001 - as moto: the operation's reason
        return (type(error).__name__, str(error), None)
    return _PASSED


def _restore(snapshots: list[_Snapshot], stream_lengths: list[tuple[Table, int]]) -> None:
    """Put every written item back as it was (an Update mutates moto's item in place, so the
    snapshot is a copy), and drop the stream records the writes added."""
    for snapshot in reversed(snapshots):
        items: dict[Any, Any] = snapshot.table.items
        if snapshot.range_value is not None:
            items = items.setdefault(snapshot.hash_value, {})
            key: DynamoType = snapshot.range_value
        else:
            key = snapshot.hash_value
        if snapshot.item is None:
            items.pop(key, None)
        else:
            items[key] = snapshot.item
    for table, length in stream_lengths:
        del table.stream_shard.items[length:]  # type: ignore[union-attr]
