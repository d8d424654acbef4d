"""The file-store port: S3 in AWS (and in the local runtime, against moto), a dict in unit
tests. Files are small (a logo is at most 200 KB) and read whole."""

from __future__ import annotations

from typing import Any, Protocol


class FileStoreError(Exception):
    """The store failed or refused the request. A missing file is not an error: `get` answers
    None for it."""


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

            self._client = boto3.client("s3")
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
