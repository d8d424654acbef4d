"""The local runtime's checks of presigned S3 requests (portico_local.s3_guard), against
URLs and forms botocore signs: what S3 refuses and moto would serve."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.config import Config

from portico_local.s3_guard import Refused, check_presigned_get, check_presigned_post

SECRET = "guard-secret"
BUCKET = "portico-local-media"
KEY = "files/biz_1/cust-1/visits/v-1/ph_1"


@pytest.fixture
def s3():
    return boto3.client(
        "s3",
        region_name="us-east-1",
        endpoint_url="http://127.0.0.1:4566",
        aws_access_key_id="local",
        aws_secret_access_key=SECRET,
        config=Config(signature_version="s3v4"),
    )


def get_parts(url: str):
    parts = urlsplit(url)
    return parts.path, parts.query, parts.netloc


def signed_at(query: str) -> datetime:
    stamp = dict(p.split("=", 1) for p in query.split("&"))["X-Amz-Date"]
    return datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def test_a_presigned_get_works_until_it_expires(s3):
    url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": BUCKET, "Key": KEY}, ExpiresIn=300
    )
    path, query, host = get_parts(url)
    start = signed_at(query)

    check_presigned_get("GET", path, query, host, SECRET, start + timedelta(seconds=299))
    with pytest.raises(Refused) as refused:
        check_presigned_get("GET", path, query, host, SECRET, start + timedelta(seconds=301))
    assert (refused.value.status, refused.value.message) == (403, "Request has expired")


def test_a_presigned_get_does_not_open_another_key(s3):
    url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": BUCKET, "Key": KEY}, ExpiresIn=300
    )
    path, query, host = get_parts(url)
    other = path.replace("cust-1", "cust-2")
    with pytest.raises(Refused) as refused:
        check_presigned_get("GET", other, query, host, SECRET, signed_at(query))
    assert refused.value.code == "SignatureDoesNotMatch"


def test_a_presigned_get_with_a_longer_expiry_written_in_is_refused(s3):
    url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": BUCKET, "Key": KEY}, ExpiresIn=300
    )
    path, query, host = get_parts(url)
    longer = query.replace("X-Amz-Expires=300", "X-Amz-Expires=86400")
    with pytest.raises(Refused) as refused:
        check_presigned_get("GET", path, longer, host, SECRET, signed_at(query))
    assert refused.value.code == "SignatureDoesNotMatch"


def post_form(s3, max_bytes=1000, key=KEY):
    return s3.generate_presigned_post(
        Bucket=BUCKET,
        Key=key,
        Fields={"Content-Type": "image/jpeg"},
        Conditions=[{"Content-Type": "image/jpeg"}, ["content-length-range", 1, max_bytes]],
        ExpiresIn=900,
    )["fields"]


def test_a_presigned_post_accepts_the_file_its_policy_describes(s3):
    check_presigned_post(BUCKET, post_form(s3), 1000, SECRET, datetime.now(UTC))


@pytest.mark.parametrize(
    ("change", "size", "code"),
    [
        ({}, 1001, "EntityTooLarge"),
        ({}, 0, "EntityTooSmall"),
        ({"key": "files/biz_1/cust-2/visits/v-1/ph_1"}, 10, "AccessDenied"),
        ({"Content-Type": "text/html"}, 10, "AccessDenied"),
        ({"acl": "public-read"}, 10, "AccessDenied"),
    ],
)
def test_a_presigned_post_refuses_another_key_type_size_or_field(s3, change, size, code):
    fields = {**post_form(s3), **change}
    with pytest.raises(Refused) as refused:
        check_presigned_post(BUCKET, fields, size, SECRET, datetime.now(UTC))
    assert refused.value.code == code


def test_a_presigned_post_refuses_a_late_upload_or_a_forged_policy(s3):
    fields = post_form(s3)
    with pytest.raises(Refused) as late:
        check_presigned_post(BUCKET, fields, 10, SECRET, datetime.now(UTC) + timedelta(minutes=16))
    assert late.value.message.endswith("Policy expired.")
    roomier = post_form(s3, max_bytes=10**9)
    forged = {**fields, "policy": roomier["policy"]}  # the signature is the first policy's
    with pytest.raises(Refused) as refused:
        check_presigned_post(BUCKET, forged, 10, SECRET, datetime.now(UTC))
    assert refused.value.code == "SignatureDoesNotMatch"
