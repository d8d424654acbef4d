"""Item sizes of a typical customer, for the cost estimate of docs/operations.md ("Cost").

    python -m bench.item_sizes

Builds the bench's world (bench/world.py: one business, 10 customers with three invoices,
three visits and an estimate each; one signed in with a card, a bank account and a payment),
scans the table in moto and prints, per item type, the count, the mean and largest size as
DynamoDB bills it, and the indexes the items are copied to; then the signed-in customer's
own collection. Sizes follow DynamoDB's rules (developer guide, "Item sizes and formats"):
attribute names count, strings by UTF-8 bytes, numbers about one byte per two significant
digits plus one, maps and lists 3 bytes plus one per element plus their contents.
"""

from __future__ import annotations

import math
import os
from collections import defaultdict
from decimal import Decimal
from typing import Any

INDEXES = ("GSI1", "GSI2", "GSI3", "GSI4")


def value_size(value: dict[str, Any]) -> int:
    """Bytes of one attribute value in DynamoDB's JSON (`{"S": ...}`, `{"N": ...}`...)."""
    (kind, raw), *_ = value.items()
    match kind:
        case "S":
            return len(raw.encode())
        case "N":
            digits = Decimal(raw).normalize().as_tuple().digits
            return math.ceil(len(digits) / 2) + 1
        case "B":
            return len(raw)
        case "BOOL" | "NULL":
            return 1
        case "SS":
            return sum(len(s.encode()) for s in raw)
        case "NS":
            return sum(value_size({"N": n}) for n in raw)
        case "BS":
            return sum(len(b) for b in raw)
        case "M":
            return 3 + sum(1 + len(k.encode()) + value_size(v) for k, v in raw.items())
        case "L":
            return 3 + sum(1 + value_size(v) for v in raw)
    raise ValueError(f"unknown DynamoDB type {kind}")


def item_size(item: dict[str, Any]) -> int:
    """Bytes of one item: each attribute's name and value."""
    return sum(len(name.encode()) + value_size(value) for name, value in item.items())


def measure() -> str:
    """The markdown tables of the item sizes in the bench's world."""
    from bench.world import world
    from portico.data.items import customer_pk

    with world(customers=10) as w:
        import boto3

        table = os.environ["TABLE_NAME"]
        client = boto3.client("dynamodb")
        items: list[dict[str, Any]] = []
        for page in client.get_paginator("scan").paginate(TableName=table):
            items.extend(page["Items"])
        mine = customer_pk(w.business_id, w.customer_id)
        customers = len(w.customer_ids)

    by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        by_type[item.get("type", {}).get("S", "(untyped)")].append(item)

    lines = [
        f"One business, {customers} customers; {len(items)} items, "
        f"{sum(map(item_size, items)):,} bytes.",
        "",
        "| item type | count | mean bytes | max bytes | copied to |",
        "|---|---|---|---|---|",
    ]
    for kind, group in sorted(by_type.items()):
        sizes = [item_size(item) for item in group]
        copies = sorted({ix for item in group for ix in INDEXES if f"{ix}PK" in item})
        lines.append(
            f"| {kind} | {len(group)} | {sum(sizes) / len(sizes):.0f} | {max(sizes)} "
            f"| {', '.join(copies) or '-'} |"
        )
    own = [item for item in items if item["PK"]["S"] == mine]
    own_bytes = sum(map(item_size, own))
    copies = sum(1 for item in own for ix in INDEXES if f"{ix}PK" in item)
    copy_bytes = sum(item_size(item) for item in own for ix in INDEXES if f"{ix}PK" in item)
    lines += [
        "",
        f"The signed-in customer's collection ({mine.split('#CUST#')[0]}#CUST#...): "
        f"{len(own)} items, {own_bytes:,} bytes; {copies} index copies, {copy_bytes:,} bytes "
        "(DynamoDB also bills 100 bytes of overhead per item and per index copy).",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(measure())
