"""The file-store port: S3 in AWS (and in the local runtime, against moto), a dict in unit
tests. Logos are small and read whole; customer files (visit photos, documents, work-request
photos) never pass through a function: browsers and the CRM upload them straight to S3 with a
presigned POST, and download them with a short-lived presigned GET."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol
from urllib.parse import quote, urlencode


class FileStoreError(Exception):
    """The store failed or refused the request. A missing file is not an error: `get` answers
    None for it."""


@dataclass(frozen=True)
class UploadForm:
    """A presigned POST: the form `fields` to send with the file (last) to `url`. Its policy
    pins the key, the content type and the size range, so S3 refuses anything else."""

    url: str
    fields: dict[str, str]
    expires_at: datetime


@dataclass(frozen=True)
class StoredFile:
    """What the store knows of an uploaded file."""

    size: int
    content_type: str


class FileStore(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store `data` at `key`, replacing what was there."""
        ...

    def get(self, key: str) -> bytes | None:
        """The file at `key`, or None if there is none."""
        ...

    def delete(self, key: str) -> None:
        """Remove the file at `key`; removing a missing file is not an error."""
        ...

    def upload_form(
        self, key: str, content_type: str, max_bytes: int, expires_in: int, now: datetime
    ) -> UploadForm:
        """A presigned POST that lets its holder upload one file of `content_type`, 1 to
        `max_bytes` bytes, to `key` and nowhere else, for `expires_in` seconds."""
        ...

    def download_url(self, key: str, expires_in: int, filename: str | None = None) -> str:
        """A presigned GET of `key` for `expires_in` seconds (`filename`: offered as the
        download's name)."""
        ...

    def describe(self, key: str) -> StoredFile | None:
        """The size and type of the file at `key`, or None when nothing was uploaded there."""
        ...


# S3's answers for "no such key": NoSuchKey from GetObject, a bare 404 from a HEAD.
_MISSING = frozenset({"NoSuchKey", "404", "NotFound"})


class S3FileStore:
    """Files as objects of one bucket. The bucket encrypts at rest and keeps old versions for
    a while (template.yaml); this adapter only reads and writes the current one."""

    def __init__(self, bucket: str, client: Any = None) -> None:
        self._bucket = bucket
        self._client = client

    def _s3(self) -> Any:
        if self._client is None:
            import boto3  # first use only: keeps botocore out of the handlers' import cost
            from botocore.config import Config

            # SigV4 for presigned URLs in every region (us-east-1 would otherwise sign some
            # with the legacy scheme, whose URLs cannot say how long they last).
            self._client = boto3.client("s3", config=Config(signature_version="s3v4"))
        return self._client

    def put(self, key: str, data: bytes, content_type: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self._s3().put_object(Bucket=self._bucket, Key=key, Body=data, ContentType=content_type)
        except (BotoCoreError, ClientError) as error:
            raise FileStoreError(f"could not store {key}: {error}") from error

    def get(self, key: str) -> bytes | None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            answer = self._s3().get_object(Bucket=self._bucket, Key=key)
            data: bytes = answer["Body"].read()
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _MISSING:
                return None
            raise FileStoreError(f"could not read {key}: {error}") from error
        except BotoCoreError as error:
            raise FileStoreError(f"could not read {key}: {error}") from error
        return data

    def delete(self, key: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self._s3().delete_object(Bucket=self._bucket, Key=key)
        except (BotoCoreError, ClientError) as error:
            raise FileStoreError(f"could not delete {key}: {error}") from error

    def upload_form(
        self, key: str, content_type: str, max_bytes: int, expires_in: int, now: datetime
    ) -> UploadForm:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            # boto3 adds the bucket and an exact `key` condition to the policy.
            post = self._s3().generate_presigned_post(
                Bucket=self._bucket,
                Key=key,
                Fields={"Content-Type": content_type},
                Conditions=[
                    {"Content-Type": content_type},
                    ["content-length-range", 1, max_bytes],
                ],
                ExpiresIn=expires_in,
            )
        except (BotoCoreError, ClientError) as error:
            raise FileStoreError(f"could not presign an upload to {key}: {error}") from error
        return UploadForm(
            url=post["url"],
            fields={name: str(value) for name, value in post["fields"].items()},
            expires_at=now + timedelta(seconds=expires_in),
        )

    def download_url(self, key: str, expires_in: int, filename: str | None = None) -> str:
        from botocore.exceptions import BotoCoreError, ClientError

        params = {"Bucket": self._bucket, "Key": key}
        if filename:
            params["ResponseContentDisposition"] = _attachment(filename)
        try:
            url: str = self._s3().generate_presigned_url(
                "get_object", Params=params, ExpiresIn=expires_in
            )
        except (BotoCoreError, ClientError) as error:
            raise FileStoreError(f"could not presign a download of {key}: {error}") from error
        return url

    def describe(self, key: str) -> StoredFile | None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            answer = self._s3().head_object(Bucket=self._bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _MISSING:
                return None
            raise FileStoreError(f"could not look at {key}: {error}") from error
        except BotoCoreError as error:
            raise FileStoreError(f"could not look at {key}: {error}") from error
        return StoredFile(
            size=int(answer.get("ContentLength", 0)),
            content_type=str(answer.get("ContentType", "")),
        )


def _attachment(filename: str) -> str:
    # RFC 6266: an ASCII fallback and the exact name in UTF-8.
    ascii_name = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in filename
    )
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


class InMemoryFileStore:
    """Keeps the files in a dict, for unit tests: `files[key] == (data, content_type)`."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[bytes, str]] = {}

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.files[key] = (bytes(data), content_type)

    def get(self, key: str) -> bytes | None:
        found = self.files.get(key)
        return None if found is None else found[0]

    def delete(self, key: str) -> None:
        self.files.pop(key, None)

    # Presigned addresses of a pretend bucket: signed with a fixed key so tests can tell a
    # URL made for one file from one made for another.
    base_url: str = "https://files.invalid"
    _secret: bytes = b"in-memory"

    def upload_form(
        self, key: str, content_type: str, max_bytes: int, expires_in: int, now: datetime
    ) -> UploadForm:
        expires_at = now + timedelta(seconds=expires_in)
        fields = {
            "key": key,
            "Content-Type": content_type,
            "x-max-bytes": str(max_bytes),
            "x-expires": expires_at.isoformat(),
        }
        fields["signature"] = self._sign(urlencode(sorted(fields.items())))
        return UploadForm(url=f"{self.base_url}/upload", fields=fields, expires_at=expires_at)

    def download_url(self, key: str, expires_in: int, filename: str | None = None) -> str:
        query = {"expires_in": str(expires_in), **({"filename": filename} if filename else {})}
        query["signature"] = self._sign(key + "?" + urlencode(sorted(query.items())))
        return f"{self.base_url}/{quote(key)}?{urlencode(query)}"

    def describe(self, key: str) -> StoredFile | None:
        found = self.files.get(key)
        return None if found is None else StoredFile(len(found[0]), found[1])

    def _sign(self, text: str) -> str:
        return hmac.new(self._secret, text.encode(), hashlib.sha256).hexdigest()
