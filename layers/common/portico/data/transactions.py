"""One TransactWriteItems per state change, with named operations.

DynamoDB reports why a transaction was cancelled by operation position, and PynamoDB sends
condition checks, then deletes, then puts, then updates, whatever order they were added
in. This wrapper remembers a label per operation in that order, so a failure names the
conditions that failed.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.transactions import TransactWrite

from portico.data.table import connection

_SEND_ORDER = ("check", "delete", "put", "update")


class ConditionsFailed(Exception):
    """A transaction was cancelled because the conditions of `labels` did not hold."""

    def __init__(self, labels: set[str]) -> None:
        super().__init__(f"conditions failed: {sorted(labels)}")
        self.labels = labels


class Transaction:
    """`with Transaction() as tx: tx.put("slug", item, condition=...)` -> one TransactWriteItems."""

    def __init__(self) -> None:
        self._write = TransactWrite(connection=connection())
        self._labels: dict[str, list[str]] = {kind: [] for kind in _SEND_ORDER}

    def check(
        self, label: str, model_cls: Any, hash_key: str, range_key: str, condition: Condition
    ) -> None:
        self._write.condition_check(model_cls, hash_key, range_key, condition=condition)
        self._labels["check"].append(label)

    def delete(self, label: str, item: Any, condition: Condition | None = None) -> None:
        self._write.delete(item, condition=condition)
        self._labels["delete"].append(label)

    def put(self, label: str, item: Any, condition: Condition | None = None) -> None:
        self._write.save(item, condition=condition)
        self._labels["put"].append(label)

    def update(
        self, label: str, item: Any, actions: list[Any], condition: Condition | None = None
    ) -> None:
        self._write.update(item, actions=actions, condition=condition)
        self._labels["update"].append(label)

    def __enter__(self) -> Transaction:
        self._write.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            self._write.__exit__(exc_type, exc, traceback)
        except TransactWriteError as error:
            failed = self._failed(error)
            if failed:
                raise ConditionsFailed(failed) from error
            raise

    def _failed(self, error: TransactWriteError) -> set[str]:
        ordered = [label for kind in _SEND_ORDER for label in self._labels[kind]]
        reasons = error.cancellation_reasons or []
        return {
            label
            for label, reason in zip(ordered, reasons, strict=False)
            if reason is not None and reason.code == "ConditionalCheckFailed"
        }
