"""Work for the mailer: what the auth and invites routes ask to be emailed.

Routes only enqueue jobs; the mailer function (SQS) looks customers up, issues links and
sends. So signup, magic-link and forgot-password do exactly the same work whether or not
the email is known (enumeration-safe by construction), and 5,000 invites are 5,000 queued
jobs rather than one long request.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from portico.domain.common import DomainModel, Email, Language


class LoginLinkRequested(DomainModel):
    """Someone asked for a link at a portal: create-login (signup), magic link or reset."""

    kind: Literal["login_link"] = "login_link"
    business_id: str
    purpose: Literal["create_login", "magic_link", "reset_password"]
    email: Email
    language: Language = "en"


class FreshLinkRequested(DomainModel):
    """An expired or used link asked for a fresh one of the same kind."""

    kind: Literal["fresh_link"] = "fresh_link"
    token_hash: str


class InviteRequested(DomainModel):
    """The business invited a customer (bulk invite, resend)."""

    kind: Literal["invite"] = "invite"
    business_id: str
    customer_id: str


class PasswordResetRequested(DomainModel):
    """The business sent a customer a password-reset link."""

    kind: Literal["password_reset"] = "password_reset"
    business_id: str
    customer_id: str


class InvitePreviewRequested(DomainModel):
    kind: Literal["invite_preview"] = "invite_preview"
    business_id: str
    to_email: Email
    template: Literal["with_payment_method", "without_payment_method"]


class StaffInviteRequested(DomainModel):
    kind: Literal["staff_invite"] = "staff_invite"
    business_id: str
    staff_id: str


class ReceiptRequested(DomainModel):
    """A payment succeeded: send its receipt (once, whatever happens to this job)."""

    kind: Literal["receipt"] = "receipt"
    business_id: str
    customer_id: str
    payment_id: str


class PaymentFailedNoticeRequested(DomainModel):
    """A payment that was on its way failed later (a bank debit returned): tell the
    customer, with the reason and a link to pay another way."""

    kind: Literal["payment_failed"] = "payment_failed"
    business_id: str
    customer_id: str
    payment_id: str


class AutoPayNoticeRequested(DomainModel):
    """AutoPay will charge this invoice in a few days: tell the customer (once per due
    date), with "pay now" and "hold this invoice"."""

    kind: Literal["autopay_notice"] = "autopay_notice"
    business_id: str
    customer_id: str
    invoice_id: str


class CardExpiringRequested(DomainModel):
    """The customer's AutoPay card expires at the end of `month` (YYYY-MM): ask them to
    update it (once per card and month)."""

    kind: Literal["card_expiring"] = "card_expiring"
    business_id: str
    customer_id: str
    payment_method_id: str
    month: str


class AutoPayRunSummaryRequested(DomainModel):
    """An AutoPay run in which something failed: send the business its summary."""

    kind: Literal["autopay_run_summary"] = "autopay_run_summary"
    business_id: str
    run_id: str


class WorkRequestReceived(DomainModel):
    """A customer filed a work request: tell the business's office (once)."""

    kind: Literal["work_request"] = "work_request"
    business_id: str
    customer_id: str
    work_request_id: str


class EstimateChangeRequested(DomainModel):
    """A customer asked for changes to an estimate: email the business's office."""

    kind: Literal["estimate_change_request"] = "estimate_change_request"
    business_id: str
    customer_id: str
    estimate_id: str
    request_id: str


EmailJob = Annotated[
    LoginLinkRequested
    | FreshLinkRequested
    | InviteRequested
    | PasswordResetRequested
    | InvitePreviewRequested
    | StaffInviteRequested
    | ReceiptRequested
    | PaymentFailedNoticeRequested
    | AutoPayNoticeRequested
    | CardExpiringRequested
    | AutoPayRunSummaryRequested
    | WorkRequestReceived
    | EstimateChangeRequested,
    Field(discriminator="kind"),
]
