"""The one DynamoDB table: generic keys, a type discriminator, two GSIs and a TTL attribute.

The key schema here must match `PorticoTable` in template.yaml; a test checks it.
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    DiscriminatorAttribute,
    TTLAttribute,
    UnicodeAttribute,
)
from pynamodb.connection import Connection
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model


class Gsi1(GlobalSecondaryIndex["PorticoItem"]):
    """Business-wide lists: customers, invoices, visits, estimates, API keys; slug lookup."""

    class Meta:
        index_name = "GSI1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True, attr_name="GSI1PK")
    gsi1sk = UnicodeAttribute(range_key=True, attr_name="GSI1SK")


class Gsi2(GlobalSecondaryIndex["PorticoItem"]):
    """Customer (and staff member) by email within a business; a customer's ledger of sent
    invoices and payments by date, for statements."""

    class Meta:
        index_name = "GSI2"
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True, attr_name="GSI2PK")
    gsi2sk = UnicodeAttribute(range_key=True, attr_name="GSI2SK")


class Gsi3(GlobalSecondaryIndex["PorticoItem"]):
    """Sparse: a customer's invoices as the portal lists them, open first, then newest."""

    class Meta:
        index_name = "GSI3"
        projection = AllProjection()

    gsi3pk = UnicodeAttribute(hash_key=True, attr_name="GSI3PK")
    gsi3sk = UnicodeAttribute(range_key=True, attr_name="GSI3SK")


class Gsi4(GlobalSecondaryIndex["PorticoItem"]):
    """Sparse and sharded: what AutoPay is to charge, per business, by date (invoices), and
    the AutoPay cards by expiry month, for the expiry notices."""

    class Meta:
        index_name = "GSI4"
        projection = AllProjection()

    gsi4pk = UnicodeAttribute(hash_key=True, attr_name="GSI4PK")
    gsi4sk = UnicodeAttribute(range_key=True, attr_name="GSI4SK")


class PorticoItem(Model):
    """Base of every entity. Subclasses declare `discriminator=` and compute their own keys."""

    class Meta:
        table_name = "portico"  # set by configure() at start-up
        region = "us-east-1"
        host: str | None = None

    pk = UnicodeAttribute(hash_key=True, attr_name="PK")
    sk = UnicodeAttribute(range_key=True, attr_name="SK")
    gsi1pk = UnicodeAttribute(null=True, attr_name="GSI1PK")
    gsi1sk = UnicodeAttribute(null=True, attr_name="GSI1SK")
    gsi2pk = UnicodeAttribute(null=True, attr_name="GSI2PK")
    gsi2sk = UnicodeAttribute(null=True, attr_name="GSI2SK")
    gsi3pk = UnicodeAttribute(null=True, attr_name="GSI3PK")
    gsi3sk = UnicodeAttribute(null=True, attr_name="GSI3SK")
    gsi4pk = UnicodeAttribute(null=True, attr_name="GSI4PK")
    gsi4sk = UnicodeAttribute(null=True, attr_name="GSI4SK")
    entity = DiscriminatorAttribute(attr_name="type")
    expires_at = TTLAttribute(null=True, attr_name="ttl")

    gsi1 = Gsi1()
    gsi2 = Gsi2()
    gsi3 = Gsi3()
    gsi4 = Gsi4()


def _all_models(cls: type[Model]) -> list[type[Model]]:
    found = [cls]
    for sub in cls.__subclasses__():
        found.extend(_all_models(sub))
    return found


_connections: dict[tuple[str, str | None], Connection] = {}


def configure(table_name: str, region: str, host: str | None = None) -> None:
    """Point every entity at the deployment's table. Called once per process at start-up."""
    PorticoItem.Meta.table_name = table_name
    PorticoItem.Meta.region = region
    PorticoItem.Meta.host = host
    for model in _all_models(PorticoItem):
        model._connection = None
    _connections.clear()


def connection() -> Connection:
    """The low-level connection for transactions, on the same settings as the models.

    Reused across invocations like the models' own: creating a botocore client costs tens
    of milliseconds, more than the transaction itself.
    """
    key = (PorticoItem.Meta.region, PorticoItem.Meta.host)
    if key not in _connections:
        _connections[key] = Connection(region=key[0], host=key[1])
    return _connections[key]


def table_schema() -> dict[str, Any]:
    """The key schema the models expect, in CloudFormation's shape, for the template test."""
    return {
        "KeySchema": [
            {"AttributeName": "PK", "KeyType": "HASH"},
            {"AttributeName": "SK", "KeyType": "RANGE"},
        ],
        "GlobalSecondaryIndexes": {
            index.Meta.index_name: [
                {"AttributeName": f"{index.Meta.index_name}PK", "KeyType": "HASH"},
                {"AttributeName": f"{index.Meta.index_name}SK", "KeyType": "RANGE"},
            ]
            for index in (Gsi1, Gsi2, Gsi3, Gsi4)
        },
        "TimeToLiveAttribute": "ttl",
    }
