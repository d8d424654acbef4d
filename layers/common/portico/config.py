"""Typed configuration, read once from the environment at start-up and passed down."""

from __future__ import annotations

import os
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field


class Settings(BaseModel):
    """What every function needs to know about its deployment."""

    model_config = ConfigDict(frozen=True)

    table_name: str = Field(min_length=1)
    stage: str = "dev"
    aws_region: str = "us-east-1"
    portal_base_url: str = "http://127.0.0.1:3000"
    platform_sender_email: str = "portal@example.com"
    platform_domain: str = "example.com"
    stripe_secret_name: str = "portico/dev/stripe"
    session_secret_name: str = "portico/dev/session-signing-keys"
    email_queue_url: str = ""
    autopay_queue_url: str = ""
    # AutoPay's Stripe calls per second, across every charge worker.
    autopay_stripe_rate: int = Field(default=20, ge=1, le=1000)
    media_bucket: str = ""  # the S3 bucket of uploaded files (logos)
    event_bus_name: str = ""  # the EventBridge bus of domain events (the publisher's)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build the settings from environment variables (TABLE_NAME, STAGE, ...)."""
        env = os.environ if environ is None else environ
        values = {
            name: env[name.upper()]
            for name in cls.model_fields
            if name != "aws_region" and name.upper() in env
        }
        values["aws_region"] = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1"
        return cls.model_validate(values)
