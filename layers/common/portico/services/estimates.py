"""Estimates in the portal (issue 7): the customer sees the estimates the business sent,
accepts one with a typed signature, declines it with a reason, or asks for changes.

Every route needs a customer session and the Estimates tab; the ids come from the session.
Drafts and cancelled estimates are never shown (404, like another customer's). A decision
is one transaction with its activity entry and domain event; deciding an estimate that is
expired, decided already or closed by the business answers 409 and changes nothing, except
that repeating the very same decision (same signature name, or same reason) answers with
the estimate as it is, so a double tap or a retried request is harmless and makes no second
event. The deposit is paid through `portico.services.payments.pay_deposit`.
"""

from __future__ import annotations

import uuid
from datetime import date

from portico.bootstrap import Services
from portico.clock import business_date
from portico.data.activity import new_entry_id
from portico.data.pagination import Page
from portico.data.transactions import ConditionsFailed
from portico.domain.autopay import ActivityEntry
from portico.domain.email_jobs import EstimateChangeRequested
from portico.domain.events import DomainEvent, EventType
from portico.domain.service import (
    MAX_CHANGE_REQUESTS,
    AcceptEstimate,
    ChangeRequest,
    CustomerDecision,
    DeclineEstimate,
    Estimate,
    EstimateDecision,
    PortalEstimate,
    PortalEstimateStatus,
    RequestEstimateChange,
)
from portico.errors import ConflictError, NotFoundError
from portico.identity.principal import Principal
from portico.observability import logger
from portico.services.scope import require_tab, session_customer

_SAVE_ATTEMPTS = 3


class EstimateDecidedError(ConflictError):
    code = "estimate_already_decided"


class EstimateExpiredError(ConflictError):
    code = "estimate_expired"


class EstimateClosedError(ConflictError):
    code = "estimate_closed"


def _visible(estimate: Estimate | None) -> Estimate:
    # Drafts and cancelled estimates never show; unknown and not-yours look the same.
    if estimate is None or not estimate.visible:
        raise NotFoundError("No such estimate.", code="estimate_not_found")
    return estimate


def list_estimates(
    svc: Services, principal: Principal, limit: int, cursor: str | None
) -> Page[PortalEstimate]:
    """The estimates the business sent, newest first, decided and expired ones included
    (one Query)."""
    business_id, customer_id, tabs, timezone = session_customer(principal)
    require_tab(tabs, "estimates")
    page = svc.customer_estimates.page(business_id, customer_id, limit, cursor)
    today = business_date(timezone, svc.clock.now())
    return Page([PortalEstimate.of(e, today) for e in page.items], page.next_cursor)


def get_estimate(svc: Services, principal: Principal, estimate_id: str) -> PortalEstimate:
    """One estimate: lines, tax, total, deposit, status, decision, change requests (one
    GetItem)."""
    business_id, customer_id, tabs, timezone = session_customer(principal)
    require_tab(tabs, "estimates")
    estimate = _visible(svc.customer_estimates.get(business_id, customer_id, estimate_id))
    return PortalEstimate.of(estimate, business_date(timezone, svc.clock.now()))


def accept(
    svc: Services,
    principal: Principal,
    estimate_id: str,
    request: AcceptEstimate,
    client_ip: str,
) -> PortalEstimate:
    """Accept with a typed signature: the name, time and client address are stored on the
    estimate, logged and announced (`estimate.accepted`) in one transaction."""
    return _decide(
        svc,
        principal,
        estimate_id,
        EstimateDecision.ACCEPTED,
        client_ip,
        signature_name=request.signature_name,
        terms_accepted=request.accept_terms,
    )


def decline(
    svc: Services,
    principal: Principal,
    estimate_id: str,
    request: DeclineEstimate,
    client_ip: str,
) -> PortalEstimate:
    """Decline with a reason: stored, logged and announced (`estimate.declined`) in one
    transaction."""
    return _decide(
        svc, principal, estimate_id, EstimateDecision.DECLINED, client_ip, reason=request.reason
    )


def _same_decision(
    decided: CustomerDecision,
    wanted: EstimateDecision,
    signature_name: str | None,
    reason: str | None,
) -> bool:
    """The decision on record is the one asked for again (a double submit or a retry)."""
    return (
        decided.decision is wanted
        and decided.signature_name == signature_name
        and decided.reason == reason
    )


def _refuse_undecidable(estimate: Estimate, today: date) -> None:
    status = estimate.portal_status(today)
    if status is PortalEstimateStatus.EXPIRED:
        raise EstimateExpiredError(f"Estimate {estimate.number} has expired; ask us for a new one.")
    if status is not PortalEstimateStatus.SENT:
        raise EstimateClosedError(f"Estimate {estimate.number} is {status.value} already.")


def _decide(
    svc: Services,
    principal: Principal,
    estimate_id: str,
    wanted: EstimateDecision,
    client_ip: str,
    *,
    signature_name: str | None = None,
    terms_accepted: bool = False,
    reason: str | None = None,
) -> PortalEstimate:
    business_id, customer_id, tabs, timezone = session_customer(principal)
    require_tab(tabs, "estimates")
    records = svc.customer_estimates
    for _attempt in range(_SAVE_ATTEMPTS):
        estimate = _visible(records.get(business_id, customer_id, estimate_id, consistent=True))
        now = svc.clock.now()
        today = business_date(timezone, now)
        if estimate.decision is not None:
            if _same_decision(estimate.decision, wanted, signature_name, reason):
                return PortalEstimate.of(estimate, today)
            raise EstimateDecidedError(
                f"Estimate {estimate.number} was {estimate.decision.decision.value} already."
            )
        _refuse_undecidable(estimate, today)
        decision = CustomerDecision(
            decision=wanted,
            decided_at=now,
            signature_name=signature_name,
            terms_accepted=terms_accepted,
            reason=reason,
            client_ip=client_ip,
            total=estimate.total,
            deposit_amount=estimate.deposit_amount,
        )
        facts: dict[str, object] = {
            "estimate_id": estimate.estimate_id,
            "number": estimate.number,
            "total": estimate.total,
            "deposit_amount": estimate.deposit_amount,
            "currency": estimate.currency,
        }
        if signature_name is not None:
            facts["signature_name"] = signature_name
        if reason is not None:
            facts["reason"] = reason
        entry = ActivityEntry(
            entry_id=new_entry_id(),
            kind=f"estimate_{wanted.value}",
            at=now,
            source="customer",
            details={**facts, "client_ip": client_ip},
        )
        event = DomainEvent(
            type=EventType.ESTIMATE_ACCEPTED
            if wanted is EstimateDecision.ACCEPTED
            else EventType.ESTIMATE_DECLINED,
            business_id=business_id,
            customer_id=customer_id,
            occurred_at=now,
            data={**facts, "decided_at": now.isoformat()},
        )
        try:
            decided = records.decide(business_id, estimate, decision, entry, event, now)
        except ConditionsFailed:
            continue  # the CRM or another request changed it: read it again
        logger.info(
            "estimate decided",
            extra={"business_id": business_id, "estimate_id": estimate_id, "decision": wanted},
        )
        return PortalEstimate.of(decided, today)
    raise ConflictError(
        "The estimate changed while you were deciding; look at it again.",
        code="concurrent_change",
    )


def request_change(
    svc: Services, principal: Principal, estimate_id: str, request: RequestEstimateChange
) -> PortalEstimate:
    """Ask for changes to an undecided estimate: recorded on it and logged (one
    transaction), then emailed to the business's office."""
    business_id, customer_id, tabs, timezone = session_customer(principal)
    require_tab(tabs, "estimates")
    records = svc.customer_estimates
    for _attempt in range(_SAVE_ATTEMPTS):
        estimate = _visible(records.get(business_id, customer_id, estimate_id, consistent=True))
        now = svc.clock.now()
        if estimate.decision is not None:
            raise EstimateDecidedError(
                f"Estimate {estimate.number} was {estimate.decision.decision.value} already; "
                "contact us about changes."
            )
        if len(estimate.change_requests) >= MAX_CHANGE_REQUESTS:
            raise ConflictError(
                "This estimate has had many change requests; contact us directly.",
                code="too_many_change_requests",
            )
        change = ChangeRequest(
            request_id=uuid.uuid4().hex[:12], message=request.message, requested_at=now
        )
        entry = ActivityEntry(
            entry_id=new_entry_id(),
            kind="estimate_change_requested",
            at=now,
            source="customer",
            details={
                "estimate_id": estimate.estimate_id,
                "number": estimate.number,
                "message": request.message,
            },
        )
        try:
            changed = records.add_change_request(business_id, estimate, change, entry, now)
        except ConditionsFailed:
            continue
        svc.email_jobs.enqueue(
            [
                EstimateChangeRequested(
                    business_id=business_id,
                    customer_id=customer_id,
                    estimate_id=estimate_id,
                    request_id=change.request_id,
                )
            ]
        )
        return PortalEstimate.of(changed, business_date(timezone, now))
    raise ConflictError(
        "The estimate changed while you were writing; look at it again.",
        code="concurrent_change",
    )
