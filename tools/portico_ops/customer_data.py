"""One customer's data, for a request to see it or to erase it (docs/security.md).

The customer's partition (`BIZ#{b}#CUST#{c}`: profile, login, invoices, payments, visits,
estimates, documents, work requests, activity, ratings, saved methods, sessions), the
record-owner items that point at it (`BIZ#{b}#{KIND}#{id}` / `OWNER`), and their files in
the media bucket (`files/{b}/{c}/`, every version). Works on the table and bucket directly
with the operator's credentials, as the rest of `portico-admin` does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from boto3.dynamodb.types import TypeDeserializer
from botocore.exceptions import ClientError

from portico.data.items import RecordOwnerItem, customer_pk
from portico.domain.files import customer_prefix

# The records that have an owner item (`RecordOwnerItem`), by the prefix of their sort key.
OWNED_KINDS = ("INVOICE", "VISIT", "ESTIMATE")
# Never handed over: a password hash is no one's business, not even its owner's.
WITHHELD = frozenset({"password_hash"})


@dataclass(frozen=True)
class CustomerData:
    """What the table and the bucket hold of one customer."""

    business_id: str
    customer_id: str
    items: list[dict[str, Any]]  # DynamoDB JSON, as stored
    owner_keys: list[dict[str, Any]]  # the record-owner items that name this customer
    files: list[dict[str, str]]  # every version of every file: Key, VersionId


def find(
    dynamodb: Any, s3: Any, table: str, bucket: str, business_id: str, customer_id: str
) -> CustomerData:
    """Everything of the customer: one Query of the partition, the owner items of its
    records (those that still name this customer) and the bucket's versions."""
    pk = customer_pk(business_id, customer_id)
    items: list[dict[str, Any]] = []
    for page in dynamodb.get_paginator("query").paginate(
        TableName=table,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": pk}},
        ConsistentRead=True,
    ):
        items.extend(page["Items"])
    owner_keys = []
    for item in items:
        kind, _, record_id = item["SK"]["S"].partition("#")
        if kind in OWNED_KINDS and record_id:
            owner_pk, owner_sk = RecordOwnerItem.keys(business_id, kind, record_id)
            key = {"PK": {"S": owner_pk}, "SK": {"S": owner_sk}}
            owner = dynamodb.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")
            if owner and owner.get("customer_id", {}).get("S") == customer_id:
                owner_keys.append(key)
    files = [
        {"Key": version["Key"], "VersionId": version["VersionId"]}
        for page in s3.get_paginator("list_object_versions").paginate(
            Bucket=bucket, Prefix=customer_prefix(business_id, customer_id)
        )
        for version in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]
    ]
    return CustomerData(business_id, customer_id, items, owner_keys, files)


def export(data: CustomerData, s3: Any, bucket: str, out_dir: Path) -> Path:
    """Write `customer.json` (the items as plain JSON, the password hash left out) and the
    current version of each file under `files/`; returns the JSON file."""
    deserialize = TypeDeserializer().deserialize
    records = [
        {
            name: deserialize(value)
            for name, value in item.items()
            if name not in WITHHELD and not name.startswith("GSI")
        }
        for item in data.items
    ]
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / "customer.json"
    target.write_text(json.dumps(records, indent=2, default=str, sort_keys=True) + "\n")
    current = {f["Key"] for f in data.files}
    for key in sorted(current):
        try:
            body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        except ClientError as error:  # a key whose latest version is a delete marker
            if error.response["Error"]["Code"] in ("NoSuchKey", "404"):
                continue
            raise
        path = out_dir / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
    return target


def erase(data: CustomerData, dynamodb: Any, s3: Any, table: str, bucket: str) -> None:
    """Delete the items, the owner items (only while they still name this customer) and
    every version of every file."""
    for item in data.items:
        dynamodb.delete_item(TableName=table, Key={"PK": item["PK"], "SK": item["SK"]})
    for key in data.owner_keys:
        try:
            dynamodb.delete_item(
                TableName=table,
                Key=key,
                ConditionExpression="customer_id = :c",
                ExpressionAttributeValues={":c": {"S": data.customer_id}},
            )
        except ClientError as error:  # the record moved to another customer meanwhile
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
    for start in range(0, len(data.files), 1000):
        s3.delete_objects(
            Bucket=bucket, Delete={"Objects": data.files[start : start + 1000], "Quiet": True}
        )
