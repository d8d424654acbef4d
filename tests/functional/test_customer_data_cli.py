"""`portico-admin export-customer` and `erase-customer`: a customer's data request, against
moto (docs/security.md, "Export or erase a customer's data on request")."""

from __future__ import annotations

import json
import os

import boto3
import pytest

from portico.data import table
from portico.data.items import customer_pk
from portico_ops.cli import main
from tests.support.api import put
from tests.support.factories import a_business, customer_body, invoice_body
from tests.support.sessions import signed_up

TABLE = os.environ["TABLE_NAME"]


@pytest.fixture(autouse=True)
def _restore_table_settings():
    # The command points the data layer at the table it is given; the other tests expect theirs.
    yield
    table.configure(TABLE, os.environ["AWS_REGION"])


@pytest.fixture
def two_customers(services):
    """Ana (cust-1: a login, an invoice, two versions of a photo) and Ben (cust-2: an invoice
    and a photo) of one business."""
    biz = a_business(services)
    put(biz, "/v1/admin/customers/cust-1", customer_body())
    put(biz, "/v1/admin/customers/cust-2", customer_body(name="Ben", email="ben@example.com"))
    put(biz, "/v1/admin/invoices/inv-1", invoice_body("cust-1", number="INV-1"))
    put(biz, "/v1/admin/invoices/inv-2", invoice_body("cust-2", number="INV-2"))
    signed_up(services, biz.business_id, "cust-1", "ana@example.com")
    s3 = boto3.client("s3")
    bucket = services.settings.media_bucket
    for body in (b"first", b"second"):
        s3.put_object(Bucket=bucket, Key=f"files/{biz.business_id}/cust-1/photo.jpg", Body=body)
    s3.put_object(Bucket=bucket, Key=f"files/{biz.business_id}/cust-2/photo.jpg", Body=b"ben")
    return biz, bucket


def partition(business_id, customer_id):
    return boto3.client("dynamodb").query(
        TableName=TABLE,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": customer_pk(business_id, customer_id)}},
    )["Items"]


def owner(business_id, kind, record_id):
    key = {"PK": {"S": f"BIZ#{business_id}#{kind}#{record_id}"}, "SK": {"S": "OWNER"}}
    return boto3.client("dynamodb").get_item(TableName=TABLE, Key=key).get("Item")


def customer_args(command, biz, bucket, customer_id="cust-1"):
    return [
        command,
        "--table",
        TABLE,
        "--bucket",
        bucket,
        "--business-id",
        biz.business_id,
        "--customer-id",
        customer_id,
    ]


def test_given_a_data_request_when_exported_then_the_customer_gets_their_records_and_files(
    two_customers, tmp_path, capsys
):
    biz, bucket = two_customers

    # When
    status = main([*customer_args("export-customer", biz, bucket), "--out", str(tmp_path)])

    # Then Ana's profile, login and invoice are there, not Ben's, and no password hash
    assert status == 0, capsys.readouterr().err
    records = json.loads((tmp_path / "customer.json").read_text())
    by_sk = {record["SK"]: record for record in records}
    assert by_sk["PROFILE"]["email"] == "ana@example.com"
    assert by_sk["INVOICE#inv-1"]["number"] == "INV-1"
    assert "ACCOUNT" in by_sk
    assert "password_hash" not in by_sk["ACCOUNT"]
    assert not any("inv-2" in record["SK"] for record in records)
    photo = tmp_path / "files" / biz.business_id / "cust-1" / "photo.jpg"
    assert photo.read_bytes() == b"second"
    assert not (tmp_path / "files" / biz.business_id / "cust-2").exists()


def test_given_an_erasure_request_when_confirmed_then_only_that_customer_is_gone(
    two_customers, capsys
):
    biz, bucket = two_customers
    assert owner(biz.business_id, "INVOICE", "inv-1") is not None

    # When
    refused = main(customer_args("erase-customer", biz, bucket))
    status = main([*customer_args("erase-customer", biz, bucket), "--yes"])

    # Then without --yes nothing happens; with it Ana's items, owners and files are gone
    assert refused == 2
    assert status == 0, capsys.readouterr().err
    assert partition(biz.business_id, "cust-1") == []
    assert owner(biz.business_id, "INVOICE", "inv-1") is None
    s3 = boto3.client("s3")
    versions = s3.list_object_versions(Bucket=bucket, Prefix=f"files/{biz.business_id}/")
    keys = [v["Key"] for v in versions.get("Versions", []) + versions.get("DeleteMarkers", [])]
    assert keys == [f"files/{biz.business_id}/cust-2/photo.jpg"]
    # and Ben is untouched
    assert {item["SK"]["S"] for item in partition(biz.business_id, "cust-2")} >= {
        "PROFILE",
        "INVOICE#inv-2",
    }
    assert owner(biz.business_id, "INVOICE", "inv-2") is not None
    # and a second erasure finds no one
    assert main([*customer_args("erase-customer", biz, bucket), "--yes"]) == 1
