"""What S3 checks of presigned requests and moto does not: a small WSGI layer in front of
moto's server, so the local runtime refuses what AWS would.

moto (5.2) serves a presigned GET without looking at its signature or its expiry, and stores
whatever a presigned POST sends, whatever its policy says. In AWS, S3 itself refuses an
upload whose policy does not match (another key, another type, a larger file, too late) and
a download whose signature does not match its key or whose time is up. The portal relies on
both, so the local runtime checks them here, with the runtime's own (fake) credentials:

- a request carrying `X-Amz-Signature` in its query (a presigned GET or HEAD): SigV4 query
  signature over the method, the path as sent and the query; `X-Amz-Date` + `X-Amz-Expires`
  against the wall clock (the signer's clock: botocore signs with real time, not the dev
  clock);
- a multipart POST to a bucket carrying a `policy` (a presigned POST): the policy's
  signature, its expiration, and each condition (exact fields, `starts-with`,
  `content-length-range` against the file's size).

A refused request answers as S3 does: 403 AccessDenied, or 400 EntityTooLarge /
EntityTooSmall, with S3's XML error body.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, quote

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
_ALGORITHM = "AWS4-HMAC-SHA256"
_AMZ_DATE = "%Y%m%dT%H%M%SZ"


class Refused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def signing_key(secret: str, day: str, region: str, service: str = "s3") -> bytes:
    key = hmac.new(f"AWS4{secret}".encode(), day.encode(), hashlib.sha256).digest()
    for part in (region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def _sign(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def _encode(text: str) -> str:
    return quote(text, safe="-_.~")


def check_presigned_get(
    method: str, raw_path: str, query: str, host: str, secret: str, now: datetime
) -> None:
    """Raise `Refused` unless the presigned request's signature and time hold."""
    params = parse_qsl(query, keep_blank_values=True)
    values = dict(params)
    try:
        credential = values["X-Amz-Credential"]
        signed_at = datetime.strptime(values["X-Amz-Date"], _AMZ_DATE).replace(tzinfo=UTC)
        expires = int(values["X-Amz-Expires"])
        signature = values["X-Amz-Signature"]
    except (KeyError, ValueError) as error:
        raise Refused(403, "AccessDenied", "Query-string authentication is incomplete.") from error
    if values.get("X-Amz-Algorithm") != _ALGORITHM or values.get("X-Amz-SignedHeaders") != "host":
        raise Refused(403, "AccessDenied", "Only AWS4-HMAC-SHA256 signed over host is served.")
    if not 1 <= expires <= 604800:
        raise Refused(403, "AuthorizationQueryParametersError", "X-Amz-Expires is out of range.")
    if now > signed_at + timedelta(seconds=expires):
        raise Refused(403, "AccessDenied", "Request has expired")
    if now < signed_at - timedelta(minutes=15):
        raise Refused(403, "AccessDenied", "Request is not yet valid")
    _, day, region, service, _ = credential.split("/", 4)
    canonical_query = "&".join(
        f"{_encode(name)}={_encode(value)}"
        for name, value in sorted(params)
        if name != "X-Amz-Signature"
    )
    canonical = "\n".join(
        [method, raw_path, canonical_query, f"host:{host}", "", "host", "UNSIGNED-PAYLOAD"]
    )
    scope = f"{day}/{region}/{service}/aws4_request"
    to_sign = "\n".join(
        [_ALGORITHM, values["X-Amz-Date"], scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )
    expected = _sign(signing_key(secret, day, region, service), to_sign)
    if not hmac.compare_digest(expected, signature):
        raise Refused(
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided.",
        )


def check_presigned_post(
    bucket: str, fields: dict[str, str], file_size: int, secret: str, now: datetime
) -> None:
    """Raise `Refused` unless the POST's policy is signed, in time, and every condition
    holds of the form's fields and the file."""
    lower = {name.lower(): value for name, value in fields.items()}
    try:
        policy_b64 = lower["policy"]
        credential = lower["x-amz-credential"]
        signature = lower["x-amz-signature"]
        policy = json.loads(base64.b64decode(policy_b64))
    except (KeyError, ValueError) as error:
        raise Refused(403, "AccessDenied", "The form has no valid signed policy.") from error
    _, day, region, service, _ = credential.split("/", 4)
    expected = _sign(signing_key(secret, day, region, service), policy_b64)
    if not hmac.compare_digest(expected, signature):
        raise Refused(403, "SignatureDoesNotMatch", "The policy's signature does not match.")
    expiration = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    if now > expiration:
        raise Refused(403, "AccessDenied", "Invalid according to Policy: Policy expired.")
    values = {**lower, "bucket": bucket}
    named: set[str] = {"bucket"}
    for condition in policy["conditions"]:
        if isinstance(condition, dict):
            [(name, wanted)] = condition.items()
            name = name.lower()
            named.add(name)
            if values.get(name) != wanted:
                raise Refused(
                    403,
                    "AccessDenied",
                    f"Invalid according to Policy: Policy Condition failed: {name}",
                )
        elif condition[0] == "content-length-range":
            low, high = int(condition[1]), int(condition[2])
            if file_size > high:
                raise Refused(
                    400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size"
                )
            if file_size < low:
                raise Refused(
                    400,
                    "EntityTooSmall",
                    "Your proposed upload is smaller than the minimum allowed size",
                )
        elif condition[0] in ("eq", "starts-with"):
            name = condition[1].lstrip("$").lower()
            named.add(name)
            value = values.get(name, "")
            ok = value == condition[2] if condition[0] == "eq" else value.startswith(condition[2])
            if not ok:
                raise Refused(
                    403,
                    "AccessDenied",
                    f"Invalid according to Policy: Policy Condition failed: {name}",
                )
    # S3: every field of the form (but these) must be named by a condition.
    unnamed = set(lower) - named - {"policy", "x-amz-signature", "file"}
    if unnamed:
        raise Refused(
            403,
            "AccessDenied",
            f"Invalid according to Policy: Extra input fields: {', '.join(sorted(unnamed))}",
        )


class PresignedS3Guard:
    """WSGI middleware: checks presigned S3 requests, then hands them to `app` (moto)."""

    def __init__(self, app: WsgiApp, secret: str, now: Callable[[], datetime] | None = None):
        self._app = app
        self._secret = secret
        self._now = now or (lambda: datetime.now(UTC))

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        try:
            self._check(environ)
        except Refused as refused:
            return _error(start_response, refused)
        return self._app(environ, start_response)

    def _check(self, environ: dict[str, Any]) -> None:
        method = environ.get("REQUEST_METHOD", "")
        query = environ.get("QUERY_STRING", "")
        if method in ("GET", "HEAD") and "X-Amz-Signature=" in query:
            raw = environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ["PATH_INFO"]
            check_presigned_get(
                method,
                raw.split("?", 1)[0],
                query,
                environ.get("HTTP_HOST", ""),
                self._secret,
                self._now(),
            )
            return
        kind = environ.get("CONTENT_TYPE", "")
        path = environ.get("PATH_INFO", "")
        if method == "POST" and kind.startswith("multipart/form-data") and path.count("/") <= 2:
            self._check_post(environ, path.strip("/"))

    def _check_post(self, environ: dict[str, Any], bucket: str) -> None:
        from werkzeug.formparser import parse_form_data

        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)
        parsing = {**environ, "wsgi.input": io.BytesIO(body)}
        _, form, files = parse_form_data(parsing)
        if "policy" not in {name.lower() for name in form}:
            return  # not a presigned POST (moto's own multi-delete, for one)
        upload = files.get("file")
        size = len(upload.read()) if upload is not None else 0
        check_presigned_post(bucket, dict(form.items()), size, self._secret, self._now())


def _error(start_response: Callable[..., Any], refused: Refused) -> list[bytes]:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{refused.code}</Code><Message>{refused.message}</Message></Error>"
    ).encode()
    reason = {400: "Bad Request", 403: "Forbidden"}[refused.status]
    start_response(
        f"{refused.status} {reason}",
        [("Content-Type", "application/xml"), ("Content-Length", str(len(body)))],
    )
    return [body]
