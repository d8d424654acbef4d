"""The composition root: settings, clock and repositories, built once per process.

Handlers call `services()` at import (Lambda's init phase). The local runtime and tests call
`use()` first to swap in their own clock.
"""

from __future__ import annotations

from dataclasses import dataclass

from portico.clock import Clock, SystemClock
from portico.config import Settings
from portico.data import table
from portico.data.identity import IdentityRepository
from portico.data.repositories import (
    ApiKeyRepository,
    BusinessRepository,
    CustomerRepository,
    EstimateRepository,
    InvoiceRepository,
    PortalRepository,
    VisitRepository,
)
from portico.email.sender import EmailSender, SesEmailSender
from portico.identity.access_tokens import SecretsManagerSigningKeys, SigningKeys
from portico.jobs import EmailJobQueue, SqsEmailJobQueue


@dataclass(frozen=True)
class Services:
    settings: Settings
    clock: Clock
    businesses: BusinessRepository
    portals: PortalRepository
    api_keys: ApiKeyRepository
    customers: CustomerRepository
    invoices: InvoiceRepository
    visits: VisitRepository
    estimates: EstimateRepository
    identity: IdentityRepository
    signing_keys: SigningKeys
    email_jobs: EmailJobQueue
    email: EmailSender

    @classmethod
    def build(cls, settings: Settings, clock: Clock | None = None) -> Services:
        """The real adapters. Nothing here touches the network: clients are made on first use."""
        table.configure(settings.table_name, settings.aws_region)
        return cls(
            settings=settings,
            clock=clock or SystemClock(),
            businesses=BusinessRepository(),
            portals=PortalRepository(),
            api_keys=ApiKeyRepository(),
            customers=CustomerRepository(),
            invoices=InvoiceRepository(),
            visits=VisitRepository(),
            estimates=EstimateRepository(),
            identity=IdentityRepository(),
            signing_keys=SecretsManagerSigningKeys(settings.session_secret_name),
            email_jobs=SqsEmailJobQueue(settings.email_queue_url),
            email=SesEmailSender(),
        )


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
