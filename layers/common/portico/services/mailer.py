"""The mailer: turns queued email jobs into emails (DESIGN 4.5).

Routes only enqueue jobs; this is where customers are looked up, links issued and emails
sent. What a job cannot ever do (the business, customer or staff member is gone, the
customer has no email, a login exists already) is logged and dropped: retrying would not
change it. Anything else that goes wrong, SES's rate limit first of all, is raised so the
queue delivers the job again later, and after five receives parks it in the dead-letter
queue.

Nothing here logs a token, a link, a password or an email address.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from portico.bootstrap import Services
from portico.domain.accounts import StaffStatus
from portico.domain.autopay import ActivityEntry, Outcome
from portico.domain.billing import Payment, PaymentKind, PaymentStatus
from portico.domain.business import Business, PortalSettings
from portico.domain.customer import Customer, PortalAccess
from portico.domain.email_jobs import (
    AutoPayNoticeRequested,
    AutoPayRunSummaryRequested,
    CardExpiringRequested,
    EmailJob,
    EstimateChangeRequested,
    FreshLinkRequested,
    InvitePreviewRequested,
    InviteRequested,
    LoginLinkRequested,
    PasswordResetRequested,
    PaymentFailedNoticeRequested,
    ReceiptRequested,
    StaffInviteRequested,
    WorkRequestReceived,
)
from portico.domain.invitations import InviteTemplateName, Language, template_for
from portico.domain.preferences import NotificationType
from portico.email.catalog import AccountEmail
from portico.email.render import (
    Letterhead,
    ReceiptLine,
    RenderedEmail,
    RunFailure,
    email_message,
    letterhead,
    render_account_email,
    render_autopay_failed,
    render_autopay_notice,
    render_autopay_run_summary,
    render_card_expiring,
    render_estimate_change_request,
    render_invite,
    render_payment_failed,
    render_receipt,
    render_work_request,
)
from portico.errors import ConflictError
from portico.identity.tokens import LinkPurpose
from portico.observability import logger
from portico.services.accounts import customer_for_sign_in, issue_link, link_url, login_taken
from portico.services.autopay_run import charge_date

SAMPLE_CUSTOMER = "Alex Sample"
# Portal pages the link merge tags open (below `/p/{slug}`); the page asks a signed-out
# visitor to sign in first.
_PAGES = {
    "ADD_PAYMENT_METHOD_LINK": "/payment-methods",
    "REVIEW_LINK": "/review",
    "WORK_REQUEST_LINK": "/requests",
}
# SES v2 error codes that mean "slow down": the message is fine, the rate is not.
_RATE_LIMITS = frozenset(
    {"TooManyRequestsException", "Throttling", "ThrottlingException", "LimitExceededException"}
)
_EMAIL_OF_PURPOSE: dict[LinkPurpose, AccountEmail] = {
    LinkPurpose.CREATE_LOGIN: "create_login",
    LinkPurpose.MAGIC_LINK: "magic_link",
    LinkPurpose.RESET_PASSWORD: "reset_password",
    LinkPurpose.STAFF_INVITE: "staff_invite",
}


class Dropped(Exception):
    """The job can never be done; it is logged and removed from the queue."""


@dataclass(frozen=True)
class _Sender:
    """A business as its emails need it."""

    business: Business
    portal: PortalSettings
    head: Letterhead

    @property
    def business_id(self) -> str:
        return self.business.business_id

    @property
    def language(self) -> Language:
        """The language of the business's own emails (invites, staff, office notices)."""
        return self.portal.invite_templates.language

    def language_for(self, chosen: Language | None) -> Language:
        """The language of an email to a customer: the one they chose, else the business's."""
        return chosen or self.language


def is_rate_limit(error: BaseException) -> bool:
    """Whether `error` is SES (botocore) saying "too many requests"."""
    response = getattr(error, "response", None)
    code = response.get("Error", {}).get("Code") if isinstance(response, dict) else None
    return code in _RATE_LIMITS


def receipt_entry(payment: Payment, at: datetime) -> ActivityEntry:
    """The activity-log entry of a receipt sent: which payment, how much (no address: the
    email is the customer's own)."""
    from portico.data.activity import new_entry_id

    return ActivityEntry(
        entry_id=new_entry_id(),
        kind="receipt_sent",
        at=at,
        source="system",
        details={
            "payment_id": payment.payment_id,
            "amount": payment.amount,
            "currency": payment.currency,
        },
    )


class Mailer:
    """Sends what email jobs ask for. Make one per batch of jobs: it remembers the
    businesses it has read, for that batch only."""

    def __init__(self, svc: Services) -> None:
        self._svc = svc
        self._senders: dict[str, _Sender | None] = {}

    def handle(self, job: EmailJob) -> str | None:
        """Do the job; returns the kind of email sent, or None when nothing is to be sent.

        Raises on anything worth another try (SES throttling, a DynamoDB error)."""
        try:
            sent = self._dispatch(job)
        except Dropped as reason:
            logger.info("email job dropped", extra={"job": job.kind, "reason": str(reason)})
            return None
        if sent is None:
            logger.info("email job needs no email", extra={"job": job.kind})
        return sent

    def _dispatch(self, job: EmailJob) -> str | None:
        match job:
            case LoginLinkRequested():
                return self._login_link(job)
            case FreshLinkRequested():
                return self._fresh_link(job)
            case InviteRequested():
                return self._invite(job)
            case PasswordResetRequested():
                return self._password_reset(job)
            case InvitePreviewRequested():
                return self._invite_preview(job)
            case StaffInviteRequested():
                return self._staff_invite(job)
            case ReceiptRequested():
                return self._receipt(job)
            case PaymentFailedNoticeRequested():
                return self._payment_failed(job)
            case AutoPayNoticeRequested():
                return self._autopay_notice(job)
            case CardExpiringRequested():
                return self._card_expiring(job)
            case AutoPayRunSummaryRequested():
                return self._autopay_run_summary(job)
            case WorkRequestReceived():
                return self._work_request(job)
            case EstimateChangeRequested():
                return self._estimate_change_request(job)

    # --- jobs -----------------------------------------------------------------------------

    def _login_link(self, job: LoginLinkRequested) -> str | None:
        """Signup, magic link or forgot password at a portal. Unknown emails get nothing;
        someone known without a login gets the create-login email whatever they asked."""
        sender = self._enabled(job.business_id)
        customers = [
            customer
            for customer in self._svc.identity.customers_by_email(job.business_id, job.email)
            if customer.email
        ]
        active = customer_for_sign_in(customers)
        if active is None:
            # Several records may share an email (two properties); the first by id is the
            # one that gets the login, as deterministic as the index order. None of them has
            # a login (just read), so the email is free.
            return self._create_login(sender, customers[0], job.language) if customers else None
        if job.purpose == "magic_link":
            if not sender.portal.login_methods.magic_link:
                raise Dropped("magic links are off at this portal")
            return self._account_link(sender, LinkPurpose.MAGIC_LINK, active, job.language)
        if job.purpose == "reset_password":
            return self._account_link(sender, LinkPurpose.RESET_PASSWORD, active, job.language)
        return None  # create_login for someone who has a login already

    def _fresh_link(self, job: FreshLinkRequested) -> str | None:
        """An expired or spent link asked for a fresh one: same purpose, same person, as
        long as their email is still the one the link went to."""
        link = self._svc.identity.link(job.token_hash)
        if link is None:
            return None
        sender = self._sender(link.business_id)
        if link.purpose is LinkPurpose.STAFF_INVITE:
            return self._staff_invite(
                StaffInviteRequested(business_id=link.business_id, staff_id=link.subject_id),
                expected_email=link.email,
            )
        self._require_enabled(sender)
        customer = self._svc.customers.get(link.business_id, link.subject_id)
        if customer is None or customer.email != link.email:
            raise Dropped("the customer or their email changed")
        language = sender.language_for(customer.language)
        active = customer.portal_access is PortalAccess.ACTIVE
        if link.purpose is LinkPurpose.CREATE_LOGIN:
            if active:
                return None
            self._require_email_free(sender, customer)
            return self._create_login(sender, customer, language)
        if not active:
            raise Dropped("the customer has no login")
        if link.purpose is LinkPurpose.MAGIC_LINK and not sender.portal.login_methods.magic_link:
            raise Dropped("magic links are off at this portal")
        return self._account_link(sender, link.purpose, customer, language)

    def _invite(self, job: InviteRequested) -> str:
        """The business's invite: a create-login link in the template that fits the
        customer. Issuing the link marks them invited and replaces any older invite."""
        sender = self._enabled(job.business_id)
        customer = self._invitable(sender, job.customer_id)
        assert customer.email is not None  # checked by _invitable
        token = self._issue(LinkPurpose.CREATE_LOGIN, sender, customer.customer_id, customer.email)
        create_login = link_url(self._svc, sender.portal.slug, LinkPurpose.CREATE_LOGIN, token)
        values = self._merge_values(sender, customer.name, create_login, sample=False)
        rendered = self._invite_email(sender, template_for(customer), values, create_login)
        self._send(sender, rendered, customer.email, "invite")
        return "invite"

    def _password_reset(self, job: PasswordResetRequested) -> str:
        """The business sent a reset: a reset link for someone with a login, otherwise the
        create-login email (they have no password to reset)."""
        sender = self._enabled(job.business_id)
        customer = self._svc.customers.get(job.business_id, job.customer_id)
        if customer is None or not customer.email:
            raise Dropped("unknown customer or no email")
        language = sender.language_for(customer.language)
        if customer.portal_access is PortalAccess.ACTIVE:
            return self._account_link(sender, LinkPurpose.RESET_PASSWORD, customer, language)
        self._require_email_free(sender, customer)
        return self._create_login(sender, customer, language)

    def _invite_preview(self, job: InvitePreviewRequested) -> str:
        """The invite as a customer would get it, for the business to check: a sample
        customer, and every link opening the portal's login page (no account, no token)."""
        sender = self._sender(job.business_id)
        login_page = sender.head.portal_url
        values = self._merge_values(sender, SAMPLE_CUSTOMER, login_page, sample=True)
        rendered = self._invite_email(sender, job.template, values, login_page, preview=True)
        self._send(sender, rendered, job.to_email, "invite_preview")
        return "invite_preview"

    def _staff_invite(self, job: StaffInviteRequested, expected_email: str | None = None) -> str:
        sender = self._sender(job.business_id)
        member = self._svc.identity.staff(job.business_id, job.staff_id)
        if member is None or member.status is StaffStatus.ACTIVE:
            raise Dropped("unknown staff member, or already signed up")
        if expected_email is not None and member.email != expected_email:
            raise Dropped("the staff member's email changed")
        token = self._issue(LinkPurpose.STAFF_INVITE, sender, member.staff_id, member.email)
        url = link_url(self._svc, sender.portal.slug, LinkPurpose.STAFF_INVITE, token)
        rendered = render_account_email(
            "staff_invite", sender.head, name=member.name, link=url, language=sender.language
        )
        self._send(sender, rendered, member.email, "staff_invite")
        return "staff_invite"

    def _receipt(self, job: ReceiptRequested) -> str | None:
        """The receipt of a succeeded payment: amount, method, invoices paid, its link."""
        sender = self._sender(job.business_id)

        def render(payment: Payment, customer: Customer) -> RenderedEmail:
            deposit_for = None
            if payment.estimate_id is not None:
                estimate = self._svc.customer_estimates.get(
                    job.business_id, job.customer_id, payment.estimate_id
                )
                deposit_for = estimate.number if estimate is not None else payment.estimate_id
            return render_receipt(
                sender.head,
                customer_name=customer.name,
                amount=payment.amount,
                currency=payment.currency,
                method=payment.method_summary or "",
                paid_at=payment.updated_at or payment.created_at,
                timezone=sender.business.timezone,
                lines=[
                    ReceiptLine(a.invoice_number, a.invoice_id, a.amount)
                    for a in payment.applied_to
                ],
                credit_applied=payment.credit_applied,
                credit_added=payment.credit_added,
                receipt_link=f"{sender.head.portal_url}/payments/{payment.payment_id}",
                payment_id=payment.payment_id,
                language=sender.language_for(customer.language),
                deposit_for=deposit_for,
            )

        return self._payment_email(sender, job, PaymentStatus.SUCCEEDED, "receipt", render)

    def _payment_failed(self, job: PaymentFailedNoticeRequested) -> str | None:
        """A payment that was on its way failed: the reason, and where to pay instead."""
        sender = self._sender(job.business_id)

        def render(payment: Payment, customer: Customer) -> RenderedEmail:
            pay_link = f"{sender.head.portal_url}/pay"
            if payment.kind is not PaymentKind.AUTOPAY:
                return render_payment_failed(
                    sender.head,
                    customer_name=customer.name,
                    amount=payment.amount,
                    currency=payment.currency,
                    method=payment.method_summary or "",
                    reason=payment.failure_message or "",
                    pay_link=pay_link,
                    language=sender.language_for(customer.language),
                )
            [paid] = payment.applied_to
            invoice = self._svc.autopay.invoice(job.business_id, job.customer_id, paid.invoice_id)
            return render_autopay_failed(
                sender.head,
                customer_name=customer.name,
                amount=payment.amount + payment.credit_applied,
                currency=payment.currency,
                method=payment.method_summary or "",
                reason=payment.failure_message or "",
                invoice_number=paid.invoice_number or paid.invoice_id,
                retry_on=invoice.autopay_retry_on if invoice is not None else None,
                needs_customer=payment.failure_code == "authentication_required",
                pay_link=pay_link,
                language=sender.language_for(customer.language),
            )

        return self._payment_email(sender, job, PaymentStatus.FAILED, "payment_failed", render)

    def _autopay_notice(self, job: AutoPayNoticeRequested) -> str | None:
        """AutoPay will charge an invoice in a few days: amount, card, date, and links to
        pay now or hold the invoice; once per due date."""
        sender = self._enabled(job.business_id)
        autopay = self._svc.autopay
        invoice = autopay.invoice(job.business_id, job.customer_id, job.invoice_id)
        owner = self._svc.wallets.owner(job.business_id, job.customer_id)
        if invoice is None or owner is None or not owner.email:
            raise Dropped("unknown invoice or customer, or no email")
        method = owner.method(owner.autopay_method_id or "")
        if not invoice.autopay_due or invoice.autopay_hold or method is None:
            raise Dropped("AutoPay no longer charges this invoice")
        if not autopay.claim_charge_notice(job.business_id, invoice):
            return None  # told already
        if NotificationType.AUTOPAY_NOTICES in owner.emails_off:
            # Claimed all the same: the notice for this due date is settled, not re-queued.
            logger.info("autopay notice not sent: the customer turned these emails off")
            return None
        page = f"{sender.head.portal_url}/invoices/{invoice.invoice_id}"
        rendered = render_autopay_notice(
            sender.head,
            customer_name=owner.customer_name,
            amount=invoice.amount_due,
            currency=invoice.currency,
            method=method.summary,
            charge_on=charge_date(sender.portal.autopay, invoice.due_date),
            invoice_number=invoice.number,
            pay_now_link=page,
            hold_link=f"{page}?hold=1",
            language=sender.language_for(owner.language),
        )
        try:
            self._send(sender, rendered, owner.email, "autopay_notice")
        except Exception:
            autopay.release_charge_notice(job.business_id, invoice)
            raise
        return "autopay_notice"

    def _card_expiring(self, job: CardExpiringRequested) -> str | None:
        """The AutoPay card expires at the end of the month: a link to update it; once per
        card and month."""
        sender = self._enabled(job.business_id)
        owner = self._svc.wallets.owner(job.business_id, job.customer_id)
        if owner is None or not owner.email:
            raise Dropped("unknown customer or no email")
        method = owner.method(job.payment_method_id)
        if method is None or owner.autopay_method_id != job.payment_method_id:
            raise Dropped("no longer the AutoPay card")
        autopay = self._svc.autopay
        ids = (job.business_id, job.customer_id, job.payment_method_id, job.month)
        if not autopay.claim_expiry_notice(*ids):
            return None
        if NotificationType.AUTOPAY_NOTICES in owner.emails_off:
            logger.info("card-expiry notice not sent: the customer turned AutoPay notices off")
            return None
        year, month = (int(part) for part in job.month.split("-"))
        rendered = render_card_expiring(
            sender.head,
            customer_name=owner.customer_name,
            method=method.summary,
            expires=date(year, month, calendar.monthrange(year, month)[1]),
            update_link=f"{sender.head.portal_url}/payment-methods",
            language=sender.language_for(owner.language),
        )
        try:
            self._send(sender, rendered, owner.email, "card_expiring")
        except Exception:
            autopay.release_expiry_notice(*ids)
            raise
        return "card_expiring"

    def _autopay_run_summary(self, job: AutoPayRunSummaryRequested) -> str | None:
        """To the business: what an AutoPay run charged, and every failure with its reason
        and whether it will be retried."""
        sender = self._sender(job.business_id)
        run = self._svc.autopay.run(job.business_id, job.run_id)
        to = sender.portal.contact.email or sender.business.contact.email
        if run is None or not to:
            raise Dropped("unknown run, or the business has no email")
        failed = [o for o in run.outcomes if o.outcome is Outcome.FAILED]
        names = self._svc.customers.get_many(job.business_id, [o.customer_id for o in failed])
        rendered = render_autopay_run_summary(
            sender.head,
            run_label=job.run_id,
            currency=sender.business.currency,
            charged_count=run.charged or 0,
            charged_amount=run.charged_amount or 0,
            failures=[
                RunFailure(
                    customer_name=names[o.customer_id].name
                    if o.customer_id in names
                    else o.customer_id,
                    invoice_number=o.invoice_number or o.invoice_id,
                    amount=o.amount,
                    reason=f"{o.reason}: {o.message}" if o.message else o.reason or "",
                    retry_on=o.retry_on,
                )
                for o in failed
            ],
            skipped_count=run.skipped or 0,
            report_link=f"{self._svc.settings.portal_base_url.rstrip('/')}/admin/autopay/runs/{job.run_id}",
            language=sender.language,
        )
        self._send(sender, rendered, to, "autopay_run_summary")
        return "autopay_run_summary"

    def _work_request(self, job: WorkRequestReceived) -> str | None:
        """To the business's office (the portal's contact email, else the business's): a
        customer's new work request; claimed on the request, so it is sent once."""
        sender = self._sender(job.business_id)
        to = sender.portal.contact.email or sender.business.contact.email
        requests = self._svc.work_requests
        request = requests.get(job.business_id, job.customer_id, job.work_request_id)
        customer = self._svc.customers.get(job.business_id, job.customer_id)
        if request is None or customer is None or not to:
            raise Dropped("unknown request or customer, or the business has no email")
        ids = (job.business_id, job.customer_id, job.work_request_id)
        if not requests.claim_office_notice(*ids, self._svc.clock.now()):
            return None  # sent already
        address = customer.service_address
        rendered = render_work_request(
            sender.head,
            customer_name=customer.name,
            customer_email=customer.email,
            customer_phone=customer.phone,
            service_address=", ".join(
                part for part in (address.line1, address.line2, address.city) if part
            )
            if address
            else None,
            service=request.service,
            description=request.description,
            preferred_dates=request.preferred_dates,
            photo_count=len(request.photos),
            request_id=request.work_request_id,
            link=f"{self._svc.settings.portal_base_url.rstrip('/')}/admin/work-requests/{request.work_request_id}",
            language=sender.language,
        )
        try:
            self._send(sender, rendered, to, "work_request")
        except Exception:
            requests.release_office_notice(*ids)
            raise
        return "work_request"

    def _estimate_change_request(self, job: EstimateChangeRequested) -> str:
        """To the business's office email: a customer's change request on an estimate."""
        sender = self._sender(job.business_id)
        to = sender.portal.contact.email or sender.business.contact.email
        if not to:
            raise Dropped("the business has no office email")
        estimate = self._svc.customer_estimates.get(
            job.business_id, job.customer_id, job.estimate_id, consistent=True
        )
        customer = self._svc.customers.get(job.business_id, job.customer_id)
        change = (
            next((c for c in estimate.change_requests if c.request_id == job.request_id), None)
            if estimate is not None
            else None
        )
        if estimate is None or customer is None or change is None:
            raise Dropped("unknown estimate, customer or change request")
        rendered = render_estimate_change_request(
            sender.head,
            customer_name=customer.name,
            customer_email=customer.email,
            estimate_number=estimate.number,
            total=estimate.total,
            currency=estimate.currency,
            message=change.message,
            language=sender.language,
        )
        self._send(sender, rendered, to, "estimate_change_request")
        return "estimate_change_request"

    def _payment_email(
        self,
        sender: _Sender,
        job: ReceiptRequested | PaymentFailedNoticeRequested,
        status: PaymentStatus,
        kind: str,
        render: Callable[[Payment, Customer], RenderedEmail],
    ) -> str | None:
        """Send the customer's one email about a payment in `status`: claimed on the
        payment first, so a job delivered twice sends once; given back if sending fails."""
        records = self._svc.payment_records
        payment = records.get(job.business_id, job.customer_id, job.payment_id)
        if payment is None or payment.status is not status:
            raise Dropped(f"no {status.value} payment")
        customer = self._svc.customers.get(job.business_id, job.customer_id)
        if customer is None or not customer.email:
            raise Dropped("unknown customer or no email")
        now = self._svc.clock.now()
        entry = receipt_entry(payment, now) if kind == "receipt" else None
        if not records.claim_notice(job.business_id, job.customer_id, job.payment_id, now, entry):
            return None  # sent already
        try:
            self._send(sender, render(payment, customer), customer.email, kind)
        except Exception:
            records.release_notice(job.business_id, job.customer_id, job.payment_id, entry)
            raise
        return kind

    # --- the pieces -----------------------------------------------------------------------

    def _create_login(self, sender: _Sender, customer: Customer, language: Language) -> str:
        """The create-login email; the caller has checked no other customer with this email
        has a login."""
        return self._account_link(sender, LinkPurpose.CREATE_LOGIN, customer, language)

    def _account_link(
        self, sender: _Sender, purpose: LinkPurpose, customer: Customer, language: Language
    ) -> str:
        """Issue a link of `purpose` for the customer and send its account email."""
        assert customer.email is not None  # callers only pass customers with an email
        token = self._issue(purpose, sender, customer.customer_id, customer.email)
        url = link_url(self._svc, sender.portal.slug, purpose, token)
        kind = _EMAIL_OF_PURPOSE[purpose]
        rendered = render_account_email(
            kind, sender.head, name=customer.name, link=url, language=language
        )
        self._send(sender, rendered, customer.email, kind)
        return kind

    def _issue(self, purpose: LinkPurpose, sender: _Sender, subject_id: str, email: str) -> str:
        try:
            return issue_link(self._svc, purpose, sender.business_id, subject_id, email)
        except ConflictError as error:
            # The customer got a login, or their email changed, since the job was queued.
            raise Dropped("the link was refused: " + error.code) from error

    def _invitable(self, sender: _Sender, customer_id: str) -> Customer:
        customer = self._svc.customers.get(sender.business_id, customer_id)
        if customer is None:
            raise Dropped("unknown customer")
        if not customer.email:
            raise Dropped("the customer has no email")
        if customer.portal_access is PortalAccess.ACTIVE:
            raise Dropped("the customer has a login already")
        self._require_email_free(sender, customer)
        return customer

    def _require_email_free(self, sender: _Sender, customer: Customer) -> None:
        assert customer.email is not None
        if login_taken(self._svc, sender.business_id, customer.email, customer.customer_id):
            raise Dropped("another customer with this email has a login")

    def _merge_values(
        self, sender: _Sender, customer_name: str, create_login: str, *, sample: bool
    ) -> dict[str, str]:
        portal = sender.head.portal_url
        values = {
            "CUSTOMER_NAME": customer_name,
            "BUSINESS_NAME": sender.head.business_name,
            "CUSTOMER_PORTAL_LINK": portal,
            "CREATE_LOGIN_LINK": create_login,
        }
        # A preview's links all open the login page: a sample customer has no pages.
        values |= {tag: portal if sample else portal + page for tag, page in _PAGES.items()}
        return values

    def _invite_email(
        self,
        sender: _Sender,
        template: InviteTemplateName,
        values: Mapping[str, str],
        create_login: str,
        *,
        preview: bool = False,
    ) -> RenderedEmail:
        templates = sender.portal.invite_templates
        return render_invite(
            sender.head,
            templates.template(template),
            values,
            create_login_link=create_login,
            language=templates.language,
            preview=preview,
        )

    def _send(self, sender: _Sender, rendered: RenderedEmail, to: str, kind: str) -> None:
        message = email_message(
            sender.head, rendered, to=to, platform_sender=self._svc.settings.platform_sender_email
        )
        try:
            self._svc.email.send(message)
        except Exception as error:
            if is_rate_limit(error):
                # SES's rate is a limit, not a failure: the queue brings the job back later.
                logger.warning("SES rate limit reached; the email goes back to the queue")
            else:
                logger.exception("SES did not accept the email", extra={"email_kind": kind})
            raise
        logger.info("email sent", extra={"email_kind": kind, "business_id": sender.business_id})

    # --- businesses -----------------------------------------------------------------------

    def _sender(self, business_id: str) -> _Sender:
        if business_id not in self._senders:
            business = self._svc.businesses.get(business_id)
            portal = self._svc.portals.get(business_id)
            self._senders[business_id] = (
                _Sender(
                    business,
                    portal,
                    letterhead(business.name, portal, self._svc.settings.portal_base_url),
                )
                if business is not None and portal is not None
                else None
            )
        sender = self._senders[business_id]
        if sender is None:
            raise Dropped("unknown business")
        return sender

    def _enabled(self, business_id: str) -> _Sender:
        sender = self._sender(business_id)
        self._require_enabled(sender)
        return sender

    @staticmethod
    def _require_enabled(sender: _Sender) -> None:
        if not sender.portal.enabled:
            raise Dropped("the portal is off")
