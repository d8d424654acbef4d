"""moto's DynamoDB Query, without sorting the whole table on every request.

moto 5.2 answers each Query from `Table.all_items()`: every item of the table, sorted by its
keys, from which it then keeps the partition's items (a table query) or the items that carry
the index's keys (an index query). A Query therefore costs the whole table, sorted, where
DynamoDB's costs the items it reads; the AutoPay bench grows the table with every invoice it
charges, so each charge would cost more than the one before, and 10x the invoices far more
than 10x the time, for moto's sake alone.

While installed, `Table.query` is handed only what it keeps anyway: for a table query the
partition's items, for an index query the items whose index partition key is the one asked
for, unsorted (moto sorts the matches itself, by the index's keys and then the table's, which
identify an item, so the order it answers in does not change). An index query still looks at
every item, as moto does, but at its raw key alone. Everything after that step is moto's own
code, so the answers are moto's: `same_answers` checks that against moto's own Query on the
table as it stands.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import Table

_MOTO_QUERY = Table.query
_MOTO_ALL_ITEMS = Table.all_items
# The items the Query under way (in this thread) may read; None: moto's own `all_items`.
_READABLE: ContextVar[list[Item] | None] = ContextVar("readable", default=None)


def _all_items(self: Table) -> list[Item]:
    readable = _READABLE.get()
    return _MOTO_ALL_ITEMS(self) if readable is None else readable


def _readable(
    table: Table,
    hash_key: DynamoType | None,
    index_name: str | None,
    hash_key_conditions: list[tuple[str, DynamoType]] | None,
) -> list[Item]:
    if index_name is None:
        partition = table.items.get(hash_key) if hash_key is not None else None
        if partition is None:
            return []
        return list(partition.values()) if table.range_key_attr else [partition]  # type: ignore[list-item]
    items: list[Item] = (
        [item for partition in table.items.values() for item in partition.values()]
        if table.range_key_attr
        else list(table.items.values())  # type: ignore[arg-type]
    )
    # moto compares every item's index key as a DynamoType; the same test on the raw type
    # and value first leaves it the items it will keep.
    wanted = [(name, value.type, value.value) for name, value in hash_key_conditions or []]
    return [
        item
        for item in items
        if all(
            (got := item.attrs.get(name)) is not None and got.type == kind and got.value == raw
            for name, kind, raw in wanted
        )
    ]


def _query(
    self: Table,
    hash_key: DynamoType | None,
    range_comparison: str | None,
    range_objs: list[DynamoType],
    limit: int,
    exclusive_start_key: dict[str, Any],
    scan_index_forward: bool,
    projection_expressions: list[list[str]] | None,
    index_name: str | None = None,
    *args: Any,
    **kwargs: Any,
) -> Any:
    conditions = kwargs.get("hash_key_conditions")
    token = _READABLE.set(_readable(self, hash_key, index_name, conditions))
    try:
        return _MOTO_QUERY(
            self,
            hash_key,
            range_comparison,
            range_objs,
            limit,
            exclusive_start_key,
            scan_index_forward,
            projection_expressions,
            index_name,
            *args,
            **kwargs,
        )
    finally:
        _READABLE.reset(token)


@contextmanager
def partition_queries() -> Iterator[None]:
    """While inside, moto's Query reads the partition (or, on an index, the unsorted items)
    instead of the whole table sorted; then moto's own again."""
    query, all_items = Table.query, Table.all_items
    Table.query = _query  # type: ignore[method-assign]
    Table.all_items = _all_items  # type: ignore[method-assign]
    try:
        yield
    finally:
        Table.query = query  # type: ignore[method-assign]
        Table.all_items = all_items  # type: ignore[method-assign]


def same_answers(run_query: Callable[[], Any]) -> bool:
    """Whether a query (a call that makes one DynamoDB Query through moto and returns what it
    read) reads the same with this module's Query as with moto's own."""
    with partition_queries():
        fast = run_query()
    query, all_items = Table.query, Table.all_items
    Table.query, Table.all_items = _MOTO_QUERY, _MOTO_ALL_ITEMS  # type: ignore[method-assign]
    try:
        slow = run_query()
    finally:
        Table.query, Table.all_items = query, all_items  # type: ignore[method-assign]
    return bool(fast == slow)
