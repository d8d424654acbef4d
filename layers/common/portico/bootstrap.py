"""The composition root: settings, clock, repositories and adapters, built once per process.

Handlers call `services()` at import (Lambda's init phase). The local runtime and tests call
`use()` first to swap in their own clock. Repositories and adapters are built on first use,
so a function that never touches DynamoDB (the authorizer checking an access token) never
imports PynamoDB and botocore.
"""

from __future__ import annotations

import copy
from functools import cached_property
from typing import TYPE_CHECKING

from portico.clock import Clock, SystemClock
from portico.config import Settings

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import (
        DynamoDBPersistenceLayer,
        IdempotencyConfig,
    )

    from portico.bus import EventBus
    from portico.data.activity import ActivityRepository
    from portico.data.autopay import AutoPayRepository
    from portico.data.billing import BillingRepository
    from portico.data.documents import DocumentRepository
    from portico.data.estimates import CustomerEstimateRepository
    from portico.data.identity import IdentityRepository
    from portico.data.payments import PaymentRepository
    from portico.data.profile import ProfileRepository
    from portico.data.repositories import (
        ApiKeyRepository,
        BusinessRepository,
        CustomerRepository,
        EstimateRepository,
        InvoiceRepository,
        PortalRepository,
        VisitRepository,
    )
    from portico.data.reviews import ReviewRepository
    from portico.data.wallet import WalletRepository
    from portico.data.work_requests import WorkRequestRepository
    from portico.email.sender import EmailSender
    from portico.identity.access_tokens import SigningKeys
    from portico.jobs import EmailJobQueue, SqsChargeJobQueue
    from portico.payments import PaymentGateway, StripeSettings
    from portico.storage import FileStore


class Services:
    """What services need from the outside world. Nothing here touches the network."""

    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self._table_configured = False

    @classmethod
    def build(cls, settings: Settings, clock: Clock | None = None) -> Services:
        return cls(settings, clock)

    def _table(self) -> None:
        # Once: configuring again would drop the cached DynamoDB connections.
        if not self._table_configured:
            from portico.data import table

            table.configure(self.settings.table_name, self.settings.aws_region)
            self._table_configured = True

    @cached_property
    def businesses(self) -> BusinessRepository:
        from portico.data.repositories import BusinessRepository

        self._table()
        return BusinessRepository()

    @cached_property
    def portals(self) -> PortalRepository:
        from portico.data.repositories import PortalRepository

        self._table()
        return PortalRepository()

    @cached_property
    def api_keys(self) -> ApiKeyRepository:
        from portico.data.repositories import ApiKeyRepository

        self._table()
        return ApiKeyRepository()

    @cached_property
    def customers(self) -> CustomerRepository:
        from portico.data.repositories import CustomerRepository

        self._table()
        return CustomerRepository()

    @cached_property
    def invoices(self) -> InvoiceRepository:
        from portico.data.repositories import InvoiceRepository

        self._table()
        return InvoiceRepository()

    @cached_property
    def visits(self) -> VisitRepository:
        from portico.data.repositories import VisitRepository

        self._table()
        return VisitRepository()

    @cached_property
    def estimates(self) -> EstimateRepository:
        from portico.data.repositories import EstimateRepository

        self._table()
        return EstimateRepository()

    @cached_property
    def documents(self) -> DocumentRepository:
        from portico.data.documents import DocumentRepository

        self._table()
        return DocumentRepository()

    @cached_property
    def work_requests(self) -> WorkRequestRepository:
        from portico.data.work_requests import WorkRequestRepository

        self._table()
        return WorkRequestRepository()

    @cached_property
    def customer_estimates(self) -> CustomerEstimateRepository:
        from portico.data.estimates import CustomerEstimateRepository

        self._table()
        return CustomerEstimateRepository()

    @cached_property
    def billing(self) -> BillingRepository:
        from portico.data.billing import BillingRepository

        self._table()
        return BillingRepository()

    @cached_property
    def identity(self) -> IdentityRepository:
        from portico.data.identity import IdentityRepository

        self._table()
        return IdentityRepository()

    @cached_property
    def wallets(self) -> WalletRepository:
        from portico.data.wallet import WalletRepository

        self._table()
        return WalletRepository()

    @cached_property
    def payment_records(self) -> PaymentRepository:
        from portico.data.payments import PaymentRepository

        self._table()
        return PaymentRepository()

    @cached_property
    def autopay(self) -> AutoPayRepository:
        from portico.data.autopay import AutoPayRepository

        self._table()
        return AutoPayRepository()

    @cached_property
    def reviews(self) -> ReviewRepository:
        from portico.data.reviews import ReviewRepository

        self._table()
        return ReviewRepository()

    @cached_property
    def profiles(self) -> ProfileRepository:
        from portico.data.profile import ProfileRepository

        self._table()
        return ProfileRepository()

    @cached_property
    def activity(self) -> ActivityRepository:
        from portico.data.activity import ActivityRepository

        self._table()
        return ActivityRepository()

    @cached_property
    def idempotency_store(self) -> DynamoDBPersistenceLayer:
        """Powertools idempotency records, in the one table under `IDEMPOTENCY#` keys."""
        from aws_lambda_powertools.utilities.idempotency import (
            DynamoDBPersistenceLayer,
        )

        return DynamoDBPersistenceLayer(
            table_name=self.settings.table_name,
            key_attr="PK",
            sort_key_attr="SK",
            static_pk_value="IDEMPOTENCY#payments",
            expiry_attr="ttl",
        )

    @cached_property
    def idempotency_config(self) -> IdempotencyConfig:
        """Money-moving requests are remembered for 24 hours, as Stripe remembers its keys;
        the body must not change under the same key. The handler registers its Lambda
        context here, so a request whose process died can be retried once it timed out."""
        from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig

        return IdempotencyConfig(
            event_key_jmespath="[business_id, customer_id, key]",
            payload_validation_jmespath="request",
            raise_on_no_idempotency_key=True,
            expires_after_seconds=24 * 60 * 60,
        )

    @cached_property
    def stripe(self) -> StripeSettings:
        """The Stripe secret, read once per process."""
        from portico.payments import StripeSettings

        return StripeSettings.from_secret(self.settings.stripe_secret_name)

    @cached_property
    def payments(self) -> PaymentGateway:
        from portico.payments import gateway_for

        return gateway_for(self.stripe)

    def rate_limited(self) -> Services:
        """These services with every Stripe call waiting for AutoPay's shared rate limiter
        (the charge worker's), the rest shared."""
        from portico.payments.rate_limit import RateLimitedGateway, RateLimiter, dynamodb_counter

        self._table()
        limited = copy.copy(self)
        limiter = RateLimiter(self.settings.autopay_stripe_rate, dynamodb_counter())
        limited.__dict__["payments"] = RateLimitedGateway(self.payments, limiter)
        return limited

    @cached_property
    def signing_keys(self) -> SigningKeys:
        from portico.identity.access_tokens import SecretsManagerSigningKeys

        return SecretsManagerSigningKeys(self.settings.session_secret_name)

    @cached_property
    def email_jobs(self) -> EmailJobQueue:
        from portico.jobs import SqsEmailJobQueue

        return SqsEmailJobQueue(self.settings.email_queue_url)

    @cached_property
    def charge_jobs(self) -> SqsChargeJobQueue:
        from portico.jobs import SqsChargeJobQueue

        return SqsChargeJobQueue(self.settings.autopay_queue_url)

    @cached_property
    def email(self) -> EmailSender:
        from portico.email.sender import SesEmailSender

        return SesEmailSender()

    @cached_property
    def event_bus(self) -> EventBus:
        from portico.bus import EventBridgeBus

        return EventBridgeBus(self.settings.event_bus_name)

    @cached_property
    def file_store(self) -> FileStore:
        from portico.storage import S3FileStore

        return S3FileStore(self.settings.media_bucket)


_services: Services | None = None


def services() -> Services:
    """The process's services, built from the environment on first use."""
    global _services  # one composition root per process, reused across invocations
    if _services is None:
        _services = Services.build(Settings.from_env())
    return _services


def use(replacement: Services) -> None:
    """Install `replacement` as the process's services (local runtime, tests)."""
    global _services
    _services = replacement
