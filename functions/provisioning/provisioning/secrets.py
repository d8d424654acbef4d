"""Where a provisioned business's admin API key is kept: a Secrets Manager secret per business."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError


def admin_key_secret_name(stage: str, slug: str) -> str:
    """`portico/{stage}/businesses/{slug}/admin-api-key`: the IAM policy allows this prefix only."""
    return f"portico/{stage}/businesses/{slug}/admin-api-key"


class SecretStore:
    """Secrets Manager, limited to what provisioning needs: create or overwrite, and look up.

    The client is created on first use, after the environment (and, in tests, moto) is ready.
    """

    def __init__(self, client: Any = None, region: str | None = None) -> None:
        self._client = client
        self._region = region

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3  # first use only: keeps boto3 and s3transfer out of the import cost

            self._client = boto3.client("secretsmanager", region_name=self._region)
        return self._client

    def put(self, name: str, value: str, description: str) -> str:
        """Store `value` under `name`, creating the secret if needed; returns its ARN."""
        try:
            created = self.client.create_secret(
                Name=name, SecretString=value, Description=description
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ResourceExistsException":
                raise
            # Left by an earlier stack of the same stage (secrets outlive their stack):
            # the new value becomes the current version, the old one stays as AWSPREVIOUS.
            updated = self.client.put_secret_value(SecretId=name, SecretString=value)
            return str(updated["ARN"])
        return str(created["ARN"])

    def find(self, name: str) -> str | None:
        """The ARN of the live secret called `name`, or None (missing or scheduled for deletion)."""
        try:
            found = self.client.describe_secret(SecretId=name)
        except ClientError as error:
            if error.response["Error"]["Code"] == "ResourceNotFoundException":
                return None
            raise
        return None if found.get("DeletedDate") else str(found["ARN"])
