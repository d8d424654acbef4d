"""The pages' content security policy lets the browser reach the media bucket at the address
the file store's presigned links really name: the portal uploads work-request photos with a
presigned POST (connect-src) and shows visit and request photos from presigned GETs
(img-src). In AWS the bucket's two names are CloudFormation attributes; here they are
resolved the way S3 names a bucket, in several regions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import pytest

from portico.storage import S3FileStore
from portico_local.template import page_headers

BUCKET = "portico-prod-mediabucket-1a2b3c4d5e6f"


def _policy(template: dict[str, Any], region: str) -> dict[str, list[str]]:
    """The policy as CloudFront sends it for a stack in `region`, directive by directive."""
    config = template["Resources"]["WebSecurityHeaders"]["Properties"]
    csp = config["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]["ContentSecurityPolicy"]
    text = csp["ContentSecurityPolicy"]["Fn::Sub"]
    text = text.replace("${MediaBucket.DomainName}", f"{BUCKET}.s3.amazonaws.com")
    text = text.replace("${MediaBucket.RegionalDomainName}", f"{BUCKET}.s3.{region}.amazonaws.com")
    assert "${" not in text, text
    directives = [part.split() for part in text.split(";") if part.strip()]
    return {words[0]: words[1:] for words in directives}


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@pytest.mark.parametrize("region", ["us-east-1", "us-west-2", "eu-west-1"])
def test_given_the_file_stores_presigned_links_when_the_policy_is_read_then_it_allows_them(
    template: dict[str, Any], region: str, monkeypatch: pytest.MonkeyPatch
):
    # Given a Lambda in `region` whose file store presigns an upload and a download
    monkeypatch.setenv("AWS_DEFAULT_REGION", region)
    monkeypatch.setenv("AWS_REGION", region)
    store = S3FileStore(BUCKET)
    upload = store.upload_form("files/b/c/wrp_1.png", "image/png", 10, 300, datetime.now(UTC))
    download = store.download_url("files/b/c/wrp_1.png", 300)

    # When the pages' policy for that stack is read
    policy = _policy(template, region)

    # Then the browser may send the photo there and show it from there
    assert _origin(upload.url) in policy["connect-src"]
    assert _origin(download) in policy["img-src"]


def test_given_the_local_runtime_when_it_sends_the_policy_then_both_bucket_names_are_its_own():
    headers = page_headers("http://127.0.0.1:4566")

    policy = headers["content-security-policy"]
    assert "${" not in policy
    assert "connect-src 'self' https://api.stripe.com http://127.0.0.1:4566" in policy
    assert "img-src 'self' data: http://127.0.0.1:4566" in policy
