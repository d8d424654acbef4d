"""The AutoPay run (DESIGN 4.4): every 15 minutes the scheduler selects, per business, what
is due from AutoPay's index and queues one charge job per invoice; the charge worker charges
each job's invoice once per due date and attempt, and records the outcome for the report.

Nothing here is trusted to run once. The scheduler's event may come twice and runs overlap:
both queue the same jobs, and the worker's payment (named by invoice, due date and attempt,
written with `attribute_not_exists`) makes the second a no-op. A job may be delivered twice or
its worker may die anywhere: the next delivery finds the payment and finishes it (looking the
PaymentIntent up at Stripe). The worker charges what the invoice says when it runs, never
what it said when it was selected.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta

from portico.bootstrap import Services
from portico.clock import business_date
from portico.domain.autopay import AutoPayRun, ChargeJob, Outcome, RunOutcome
from portico.domain.billing import CrmInvoiceStatus, Payment, PaymentStatus
from portico.domain.business import AutoPaySettings, Business, ChargeTiming, PortalSettings
from portico.domain.common import DomainModel
from portico.domain.email_jobs import (
    AutoPayNoticeRequested,
    AutoPayRunSummaryRequested,
    CardExpiringRequested,
    EmailJob,
)
from portico.observability import logger
from portico.services import payments

RUN_MINUTES = 15
EXPIRY_WARNING_DAYS = 30
# A run whose outcomes are not all in after this long (jobs in the dead-letter queue) is
# reported as it stands.
RUN_SETTLES_WITHIN = timedelta(hours=1)

JobSink = Callable[[Sequence[ChargeJob]], None]


class BusinessSelection(DomainModel):
    business_id: str
    selected: int
    notices: int
    card_notices: int
    runs_finished: int


class RunSummary(DomainModel):
    """What a scheduler run did: per business with anything to do."""

    run_id: str
    businesses: list[BusinessSelection]

    @property
    def selected(self) -> int:
        return sum(b.selected for b in self.businesses)


def run_id_for(scheduled_at: datetime) -> str:
    """The run a scheduled time belongs to, on the 15-minute grid (a second delivery of the
    same schedule event is the same run)."""
    at = scheduled_at.astimezone(UTC).replace(second=0, microsecond=0)
    at -= timedelta(minutes=at.minute % RUN_MINUTES)
    return at.strftime("%Y-%m-%dT%H:%MZ")


def first_attempts_until(policy: AutoPaySettings, today: date) -> date | None:
    """The latest due date a first attempt is charged for today (None: any, on send)."""
    match policy.charge_timing:
        case ChargeTiming.ON_SEND:
            return None
        case ChargeTiming.BEFORE_DUE:
            return today + timedelta(days=policy.days_before_due)
        case ChargeTiming.ON_DUE:
            return today
    raise AssertionError(policy.charge_timing)  # pragma: no cover


def charge_date(policy: AutoPaySettings, due_on: date) -> date:
    """The day AutoPay charges an invoice due on `due_on` (first attempt)."""
    if policy.charge_timing is ChargeTiming.BEFORE_DUE:
        return due_on - timedelta(days=policy.days_before_due)
    return due_on


# --- the scheduler ----------------------------------------------------------------------------


def start_run(svc: Services, scheduled_at: datetime, send: JobSink) -> RunSummary:
    """Select what is due in every business with its portal on, queue a charge job each, send
    the notices that are due, and report the runs that have finished."""
    run_id = run_id_for(scheduled_at)
    now = svc.clock.now()
    summary = []
    for business in svc.businesses.list_all():
        portal = svc.portals.get(business.business_id)
        if portal is None or not portal.enabled:
            continue  # AutoPay is part of the portal: off with it
        selection = _select(svc, business, portal, run_id, now, send)
        if (
            selection.selected
            or selection.notices
            or selection.card_notices
            or selection.runs_finished
        ):
            summary.append(selection)
    logger.info("autopay run queued", extra={"run_id": run_id, "businesses": len(summary)})
    return RunSummary(run_id=run_id, businesses=summary)


def _select(
    svc: Services,
    business: Business,
    portal: PortalSettings,
    run_id: str,
    now: datetime,
    send: JobSink,
) -> BusinessSelection:
    business_id, policy = business.business_id, portal.autopay
    finished = _finish_runs(svc, business_id, now)
    today = business_date(business.timezone, now)
    first_until = first_attempts_until(policy, today)
    jobs = [
        ChargeJob(
            run_id=run_id, business_id=business_id, customer_id=c, invoice_id=i, charge_on=today
        )
        for c, i in svc.autopay.due(business_id, first_until, today)
    ]
    if jobs:
        svc.autopay.open_run(business_id, run_id, len(jobs), now)
        send(jobs)
    emails: list[EmailJob] = []
    if first_until is not None and policy.notice_days:
        upcoming = svc.autopay.upcoming(
            business_id, first_until, first_until + timedelta(days=policy.notice_days)
        )
        emails += [
            AutoPayNoticeRequested(
                business_id=business_id, customer_id=i.customer_id, invoice_id=i.invoice_id
            )
            for i in upcoming
        ]
    notices = len(emails)
    horizon = today + timedelta(days=EXPIRY_WARNING_DAYS)
    emails += [
        CardExpiringRequested(
            business_id=business_id, customer_id=c, payment_method_id=m, month=month
        )
        for c, m, month in svc.autopay.expiring_cards(business_id, f"{horizon:%Y-%m}")
    ]
    if emails:
        svc.email_jobs.enqueue(emails)
    return BusinessSelection(
        business_id=business_id,
        selected=len(jobs),
        notices=notices,
        card_notices=len(emails) - notices,
        runs_finished=finished,
    )


def _finish_runs(svc: Services, business_id: str, now: datetime) -> int:
    """Write the final counts of earlier runs whose outcomes are all in (or that are an hour
    old), and email the business a summary of each in which anything failed."""
    count = 0
    for run in svc.autopay.unfinished_runs(business_id):
        detail = svc.autopay.run(business_id, run.run_id)
        if detail is None:
            continue
        complete = len(detail.outcomes) >= detail.selected
        if not complete and now - detail.started_at < RUN_SETTLES_WITHIN:
            continue
        by = {o: [x for x in detail.outcomes if x.outcome is o] for o in Outcome}
        counted = AutoPayRun(
            run_id=run.run_id,
            started_at=detail.started_at,
            selected=detail.selected,
            charged=len(by[Outcome.CHARGED]),
            charged_amount=sum(x.amount for x in by[Outcome.CHARGED]),
            processing=len(by[Outcome.PROCESSING]),
            failed=len(by[Outcome.FAILED]),
            skipped=len(by[Outcome.SKIPPED]),
            retries_scheduled=sum(1 for x in by[Outcome.FAILED] if x.retry_on),
        )
        if not svc.autopay.finish_run(business_id, counted, now):
            continue  # another run finished it
        count += 1
        if counted.failed:
            svc.email_jobs.enqueue(
                [AutoPayRunSummaryRequested(business_id=business_id, run_id=run.run_id)]
            )
    return count


# --- the charge worker ------------------------------------------------------------------------


def charge_job(svc: Services, job: ChargeJob) -> RunOutcome | None:
    """Charge one job's invoice if AutoPay still has it to charge, and record the outcome in
    the job's run (None: nothing new to report). Raises `GatewayUnavailable` (Stripe's answer
    unknown) and DynamoDB errors for the queue to deliver the job again."""
    now = svc.clock.now()
    owner = svc.wallets.owner(job.business_id, job.customer_id)
    invoice = svc.autopay.invoice(job.business_id, job.customer_id, job.invoice_id)

    def skipped(reason: str) -> RunOutcome:
        outcome = RunOutcome(
            invoice_id=job.invoice_id,
            invoice_number=invoice.number if invoice is not None else None,
            customer_id=job.customer_id,
            outcome=Outcome.SKIPPED,
            reason=reason,
            at=now,
        )
        svc.autopay.record_outcome(job.business_id, job.run_id, outcome)
        return outcome

    if owner is None or invoice is None:
        return skipped("unknown_invoice")
    if invoice.payment_pending is not None:
        expected = payments.autopay_payment_id(
            job.business_id, invoice.invoice_id, invoice.due_date, invoice.autopay_attempt
        )
        if invoice.payment_pending != expected:
            return skipped("payment_in_progress")  # the customer is paying it right now
        ours = svc.payment_records.get(job.business_id, job.customer_id, expected)
        if ours is not None and ours.status is PaymentStatus.PROCESSING:
            return None  # a bank debit on its way: reported when it started
    elif not invoice.autopay_due:
        reason = "not_eligible"
        if invoice.status is not CrmInvoiceStatus.SENT or invoice.amount_due <= 0:
            reason = "paid_or_void"
        elif not invoice.autopay_customer:
            reason = "autopay_off"
        return skipped(reason)
    elif invoice.autopay_retry_on is not None and invoice.autopay_retry_on > job.charge_on:
        return None  # declined since this job was queued (it came again): its retry waits
    elif invoice.autopay_hold:
        svc.autopay.skip_due_date(job.business_id, invoice, now)
        return skipped("held")
    elif not owner.autopay_enabled or owner.method(owner.autopay_method_id or "") is None:
        svc.autopay.skip_due_date(job.business_id, invoice, now)
        return skipped("no_method")
    payment = payments.charge_autopay(svc, owner, invoice)
    if payment is None:
        svc.autopay.skip_due_date(job.business_id, invoice, now)
        return skipped("below_minimum")
    outcome = _outcome_of(svc, job, payment, now).model_copy(
        update={"invoice_number": invoice.number}
    )
    svc.autopay.record_outcome(job.business_id, job.run_id, outcome)
    return outcome


def _outcome_of(svc: Services, job: ChargeJob, payment: Payment, now: datetime) -> RunOutcome:
    kinds = {
        PaymentStatus.SUCCEEDED: Outcome.CHARGED,
        PaymentStatus.PROCESSING: Outcome.PROCESSING,
        PaymentStatus.FAILED: Outcome.FAILED,
    }
    retry_on = None
    if payment.status is PaymentStatus.FAILED:
        after = svc.autopay.invoice(job.business_id, job.customer_id, job.invoice_id)
        retry_on = after.autopay_retry_on if after is not None else None
    return RunOutcome(
        invoice_id=job.invoice_id,
        customer_id=job.customer_id,
        outcome=kinds.get(payment.status, Outcome.PROCESSING),
        amount=payment.amount + payment.credit_applied,
        reason=payment.failure_code,
        message=payment.failure_message,
        retry_on=retry_on,
        payment_id=payment.payment_id,
        at=now,
    )
