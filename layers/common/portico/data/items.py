"""One PynamoDB subclass per entity. Every key string is computed here and nowhere else.

Key design (docs/data-model.md has the access patterns):
- business data lives under partitions that start with `BIZ#{business_id}`;
- a customer's records (profile, invoices, payments, visits, estimates) form one item
  collection `BIZ#{b}#CUST#{c}`, so a portal page is one Query;
- ids the business chooses are unique per business, guarded by an owner item
  `BIZ#{b}#{KIND}#{id}` / `OWNER` that says which customer holds the record.
"""

from __future__ import annotations

import hashlib

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from portico.data.table import PorticoItem


def business_pk(business_id: str) -> str:
    return f"BIZ#{business_id}"


def customer_pk(business_id: str, customer_id: str) -> str:
    return f"BIZ#{business_id}#CUST#{customer_id}"


# AutoPay's index partitions per business: DynamoDB spreads each shard's writes (a run's
# thousands of claims) across partitions; the run reads every shard.
AUTOPAY_SHARDS = 4


def autopay_pk(business_id: str) -> str:
    """GSI4's partition prefix for a business's AutoPay (`#{shard}` follows)."""
    return f"{business_pk(business_id)}#AUTOPAY"


def ledger_pk(business_id: str, customer_id: str) -> str:
    """GSI2: a customer's sent invoices and payments by date, for statements."""
    return f"{customer_pk(business_id, customer_id)}#LEDGER"


class BusinessItem(PorticoItem, discriminator="business"):
    name = UnicodeAttribute()
    slug = UnicodeAttribute()
    contact = MapAttribute[str, object]()
    timezone = UnicodeAttribute()
    currency = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    # The business's Stripe connected account, created on first use (set once, conditionally).
    stripe_account = UnicodeAttribute(null=True)

    @staticmethod
    def keys(business_id: str) -> tuple[str, str]:
        return business_pk(business_id), "BUSINESS"

    @staticmethod
    def list_key() -> str:
        return "BUSINESSES"


class PortalSettingsItem(PorticoItem, discriminator="portal_settings"):
    enabled = BooleanAttribute()
    slug = UnicodeAttribute()
    tabs = MapAttribute[str, object]()
    branding = MapAttribute[str, object]()
    contact = MapAttribute[str, object]()
    login_methods = MapAttribute[str, object]()
    invite_templates = MapAttribute[str, object](null=True)
    credits = MapAttribute[str, object](null=True)
    autopay = MapAttribute[str, object](null=True)
    logo = MapAttribute[str, object](null=True)  # the uploaded logo's facts; bytes in S3
    reviews = MapAttribute[str, object](null=True)  # the public review link, its threshold
    business_name = UnicodeAttribute()
    updated_at = UTCDateTimeAttribute()

    @staticmethod
    def keys(business_id: str) -> tuple[str, str]:
        return business_pk(business_id), "PORTAL"

    @staticmethod
    def slug_index_keys(slug: str) -> tuple[str, str]:
        return f"PORTAL#{slug}", "PORTAL"


class SlugClaimItem(PorticoItem, discriminator="slug_claim"):
    """Makes a portal address unique across the deployment (conditional put on create)."""

    business_id = UnicodeAttribute()

    @staticmethod
    def keys(slug: str) -> tuple[str, str]:
        return f"SLUG#{slug}", "SLUG"


class ApiKeyItem(PorticoItem, discriminator="api_key"):
    """Keyed by the SHA-256 of the key, so the authorizer finds it with one GetItem."""

    key_id = UnicodeAttribute()
    business_id = UnicodeAttribute()
    label = UnicodeAttribute()
    hint = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    revoked_at = UTCDateTimeAttribute(null=True)

    @staticmethod
    def keys(key_hash: str) -> tuple[str, str]:
        return f"APIKEY#{key_hash}", "APIKEY"

    @staticmethod
    def list_keys(business_id: str, key_id: str) -> tuple[str, str]:
        return f"{business_pk(business_id)}#APIKEYS", f"APIKEY#{key_id}"


class CustomerItem(PorticoItem, discriminator="customer"):
    name = UnicodeAttribute()
    email = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    service_address = MapAttribute[str, object](null=True)
    send_invoices = BooleanAttribute()
    service_texts = BooleanAttribute()
    # Portico-owned state; balance_due is the sum of what sent invoices still owe, kept in
    # the same transaction as every invoice change.
    balance_due = NumberAttribute(default=0)
    portal_access = UnicodeAttribute(default="not_invited")
    # True iff at least one PaymentMethodItem; kept with the count in the same transaction as
    # every save and delete of a method (the admin customer filters read it).
    # Saved payment methods; "has a payment method" (the admin filters) is count > 0.
    payment_method_count = NumberAttribute(default=0)
    stripe_customer_id = UnicodeAttribute(null=True)  # set once, conditionally
    autopay_enabled = BooleanAttribute(default=False)
    autopay_method_id = UnicodeAttribute(null=True)
    credit_balance = NumberAttribute(default=0)
    # Small summaries kept in the same transaction as each record write, so the dashboard is
    # one read: {invoice_id: {"number", "due_date", "amount_due"}} for open sent invoices,
    # {visit_id: date} for scheduled visits, {estimate_id: expiry or ""} for sent estimates.
    open_invoices = MapAttribute[str, object](default=dict)
    upcoming_visits = MapAttribute[str, object](default=dict)
    open_estimates = MapAttribute[str, object](default=dict)
    invited_at = UTCDateTimeAttribute(null=True)
    last_login_at = UTCDateTimeAttribute(null=True)
    # Hashes of the one live link per purpose: issuing a new link replaces the old one.
    create_login_token = UnicodeAttribute(null=True)
    magic_link_token = UnicodeAttribute(null=True)
    reset_password_token = UnicodeAttribute(null=True)
    # The customer's own: profile edits (never written by the CRM's sync) and notification
    # preferences ({type: {"email", "sms"}}; absent: the defaults), each with its last change.
    contact_name = UnicodeAttribute(null=True)
    contact_phone = UnicodeAttribute(null=True)
    billing_address = MapAttribute[str, object](null=True)
    language = UnicodeAttribute(null=True)
    profile_updated_at = UTCDateTimeAttribute(null=True)
    notification_preferences = MapAttribute[str, object](null=True)
    preferences_updated_at = UTCDateTimeAttribute(null=True)
    updated_at = UTCDateTimeAttribute()

    @staticmethod
    def keys(business_id: str, customer_id: str) -> tuple[str, str]:
        return customer_pk(business_id, customer_id), "PROFILE"

    @staticmethod
    def list_keys(business_id: str, customer_id: str) -> tuple[str, str]:
        return f"{business_pk(business_id)}#CUSTOMERS", f"CUST#{customer_id}"

    @staticmethod
    def email_keys(business_id: str, email: str, customer_id: str) -> tuple[str, str]:
        return f"{business_pk(business_id)}#EMAIL#{email.lower()}", f"CUST#{customer_id}"


class RecordOwnerItem(PorticoItem, discriminator="record_owner"):
    """Which customer holds the business's invoice / visit / estimate with a given id."""

    customer_id = UnicodeAttribute()

    @staticmethod
    def keys(business_id: str, kind: str, record_id: str) -> tuple[str, str]:
        return f"{business_pk(business_id)}#{kind.upper()}#{record_id}", "OWNER"


class InvoiceItem(PorticoItem, discriminator="invoice"):
    customer_id = UnicodeAttribute()
    number = UnicodeAttribute()
    status = UnicodeAttribute()
    issue_date = UnicodeAttribute()
    due_date = UnicodeAttribute()
    currency = UnicodeAttribute()
    lines = ListAttribute[MapAttribute[str, object]](of=MapAttribute)
    tax_amount = NumberAttribute()
    total = NumberAttribute()
    amount_paid = NumberAttribute(default=0)
    autopay_eligible = BooleanAttribute()
    memo = UnicodeAttribute(null=True)
    updated_at = UTCDateTimeAttribute()

    applied_payments = ListAttribute[MapAttribute[str, object]](of=MapAttribute, default=list)
    # The payment holding the invoice while it is charged (see PaymentRepository.start).
    payment_pending = UnicodeAttribute(null=True)
    autopay_customer = BooleanAttribute(default=False)
    autopay_hold = BooleanAttribute(default=False)
    autopay_attempt = NumberAttribute(default=0)
    autopay_retry_on = UnicodeAttribute(null=True)
    autopay_done_for = UnicodeAttribute(null=True)
    autopay_notice_for = UnicodeAttribute(null=True)

    @staticmethod
    def keys(business_id: str, customer_id: str, invoice_id: str) -> tuple[str, str]:
        return customer_pk(business_id, customer_id), f"INVOICE#{invoice_id}"

    @staticmethod
    def portal_list_pk(business_id: str, customer_id: str) -> str:
        """GSI3: the customer's sent invoices, as the portal lists them."""
        return f"{customer_pk(business_id, customer_id)}#INVOICES"

    @staticmethod
    def portal_list_keys(
        business_id: str, customer_id: str, invoice_id: str, issue_date: str, is_open: bool
    ) -> tuple[str, str]:
        """GSI3: open invoices first, then newest first (the date is inverted to sort down)."""
        inverted = 99999999 - int(issue_date.replace("-", ""))
        return (
            InvoiceItem.portal_list_pk(business_id, customer_id),
            f"{0 if is_open else 1}#{inverted:08d}#{invoice_id}",
        )

    @staticmethod
    def ledger_keys(
        business_id: str, customer_id: str, invoice_id: str, issue_date: str
    ) -> tuple[str, str]:
        return ledger_pk(business_id, customer_id), f"{issue_date}#INVOICE#{invoice_id}"

    @staticmethod
    def list_keys(business_id: str, invoice_id: str) -> tuple[str, str]:
        return f"{business_pk(business_id)}#INVOICES", f"INVOICE#{invoice_id}"

    @staticmethod
    def autopay_keys(
        business_id: str, customer_id: str, invoice_id: str, due_on: str, retry_on: str | None
    ) -> tuple[str, str]:
        """GSI4: an invoice AutoPay is to charge. First attempts sort by due date (`D#`, the
        run applies the business's timing), retries by their own date (`R#`)."""
        shard = int(hashlib.sha256(invoice_id.encode()).hexdigest()[:8], 16) % AUTOPAY_SHARDS
        when = f"R#{retry_on}" if retry_on else f"D#{due_on}"
        return f"{autopay_pk(business_id)}#{shard}", f"{when}#{customer_id}#{invoice_id}"


class PaymentItem(PorticoItem, discriminator="payment"):
    customer_id = UnicodeAttribute()
    kind = UnicodeAttribute(default="invoices")
    amount = NumberAttribute()
    currency = UnicodeAttribute()
    status = UnicodeAttribute()
    method_summary = UnicodeAttribute(null=True)
    payment_method_id = UnicodeAttribute(null=True)
    payment_intent_id = UnicodeAttribute(null=True)
    applied_to = ListAttribute[MapAttribute[str, object]](of=MapAttribute)
    credit_applied = NumberAttribute(default=0)
    credit_added = NumberAttribute(default=0)
    amount_refunded = NumberAttribute(default=0)
    refund_of = UnicodeAttribute(null=True)
    failure_code = UnicodeAttribute(null=True)
    failure_message = UnicodeAttribute(null=True)
    autopay_due_on = UnicodeAttribute(null=True)
    autopay_attempt = NumberAttribute(default=0)
    estimate_id = UnicodeAttribute(null=True)  # a deposit's estimate
    # When the customer's email about it (receipt, or failure notice) was claimed for
    # sending: set once, so each payment emails the customer once.
    customer_notified_at = UTCDateTimeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute(null=True)

    @staticmethod
    def keys(business_id: str, customer_id: str, payment_id: str) -> tuple[str, str]:
        return customer_pk(business_id, customer_id), f"PAYMENT#{payment_id}"

    @staticmethod
    def ledger_keys(
        business_id: str, customer_id: str, payment_id: str, day: str
    ) -> tuple[str, str]:
        return ledger_pk(business_id, customer_id), f"{day}#PAYMENT#{payment_id}"


class PaymentMethodItem(PorticoItem, discriminator="payment_method"):
    """A saved card or bank account (its displayable facts; the number stays at Stripe)."""

    method_type = UnicodeAttribute()  # card | us_bank_account
    brand = UnicodeAttribute(null=True)
    last4 = UnicodeAttribute(null=True)
    exp_month = NumberAttribute(null=True)
    exp_year = NumberAttribute(null=True)
    bank_name = UnicodeAttribute(null=True)
    is_default = BooleanAttribute(default=False)
    setup_intent_id = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    # The expiry month AutoPay last warned about (set once per card and month).
    expiry_notice_for = UnicodeAttribute(null=True)

    @staticmethod
    def keys(business_id: str, customer_id: str, method_id: str) -> tuple[str, str]:
        return customer_pk(business_id, customer_id), f"PMETHOD#{method_id}"

    @staticmethod
    def expiry_keys(
        business_id: str, customer_id: str, method_id: str, exp_year: int, exp_month: int
    ) -> tuple[str, str]:
        """GSI4 while the card pays AutoPay: by the month it expires, for the notices."""
        return (
            f"{autopay_pk(business_id)}#CARDS",
            f"{exp_year:04d}-{exp_month:02d}#{customer_id}#{method_id}",
        )


class ActivityItem(PorticoItem, discriminator="activity"):
    """An entry of the customer's activity log: what happened, when, and its details
    (AutoPay's authorization text, the method, the client address...)."""

    kind = UnicodeAttribute()
    at = UTCDateTimeAttribute()
    source = UnicodeAttribute()  # customer | business | system
    details = MapAttribute[str, object](default=dict)

    @staticmethod
    def keys(business_id: str, customer_id: str, at: str, entry_id: str) -> tuple[str, str]:
        return customer_pk(business_id, customer_id), f"ACTIVITY#{at}#{entry_id}"


class ReviewItem(PorticoItem, discriminator="review"):
    review_id = UnicodeAttribute()
    customer_name = UnicodeAttribute()
    rating = NumberAttribute()
    comment = UnicodeAttribute(null=True)
    day = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()

    @staticmethod
    def keys(business_id: str, customer_id: str, day: str) -> tuple[str, str]:
        return customer_pk(business_id, customer_id), f"REVIEW#{day}"

    @staticmethod
    def list_pk(business_id: str, rating: int | None = None) -> str:
        """GSI1 (every review) or GSI2 (one rating): the business's reviews."""
        base = f"{business_pk(business_id)}#REVIEWS"
        return base if rating is None else f"{base}#{rating}"

    @staticmethod
    def list_sk(created_at: str, customer_id: str) -> str:
        """Newest first when read backwards; the customer id breaks a tie."""
        return f"{created_at}#{customer_id}"


class ReviewStatsItem(PorticoItem, discriminator="review_stats"):
    """How many reviews the business has of each rating (`r1`..`r5`), and their sum."""

    total = NumberAttribute(default=0)
    r1 = NumberAttribute(default=0)
    r2 = NumberAttribute(default=0)
    r3 = NumberAttribute(default=0)
    r4 = NumberAttribute(default=0)
    r5 = NumberAttribute(default=0)

    @staticmethod
    def keys(business_id: str) -> tuple[str, str]:
        return business_pk(business_id), "REVIEWS"


class StripeRefItem(PorticoItem, discriminator="stripe_ref"):
    """Which customer a Stripe object belongs to, for webhooks whose object carries no
    Portico metadata (a detached payment method no longer names its customer)."""

    business_id = UnicodeAttribute()
    customer_id = UnicodeAttribute()

    @staticmethod
    def keys(account: str | None, object_id: str) -> tuple[str, str]:
        return f"STRIPE#{account or 'platform'}#{object_id}", "REF"


class StripeEventItem(PorticoItem, discriminator="stripe_event"):
    """A Stripe event already processed (kept 30 days, past Stripe's 3 days of retries)."""

    event_type = UnicodeAttribute()
    processed_at = UTCDateTimeAttribute()

    @staticmethod
    def keys(event_id: str) -> tuple[str, str]:
        return f"STRIPEEVENT#{event_id}", "EVENT"


class AutoPayRunItem(PorticoItem, discriminator="autopay_run"):
    """A run's report for one business: what it selected, then (once every outcome is in,
    or an hour later) its final counts."""

    started_at = UTCDateTimeAttribute()
    selected = NumberAttribute(default=0)
    charged = NumberAttribute(null=True)
    charged_amount = NumberAttribute(null=True)
    processing = NumberAttribute(null=True)
    failed = NumberAttribute(null=True)
    skipped = NumberAttribute(null=True)
    retries_scheduled = NumberAttribute(null=True)
    finished_at = UTCDateTimeAttribute(null=True)

    @staticmethod
    def keys(business_id: str, run_id: str) -> tuple[str, str]:
        return autopay_pk(business_id), f"RUN#{run_id}"


class AutoPayOutcomeItem(PorticoItem, discriminator="autopay_outcome"):
    """What a run did with one invoice (charged, failed and why, skipped and why)."""

    invoice_id = UnicodeAttribute()
    invoice_number = UnicodeAttribute(null=True)
    customer_id = UnicodeAttribute()
    outcome = UnicodeAttribute()
    amount = NumberAttribute(default=0)
    reason = UnicodeAttribute(null=True)
    message = UnicodeAttribute(null=True)
    retry_on = UnicodeAttribute(null=True)
    payment_id = UnicodeAttribute(null=True)
    at = UTCDateTimeAttribute()

    @staticmethod
    def keys(business_id: str, run_id: str, invoice_id: str) -> tuple[str, str]:
        return autopay_pk(business_id), f"OUTCOME#{run_id}#{invoice_id}"


class VisitItem(PorticoItem, discriminator="visit"):
    customer_id = UnicodeAttribute()
    date = UnicodeAttribute()
    service = UnicodeAttribute()
    status = UnicodeAttribute()
    technician = UnicodeAttribute(null=True)
    notes = UnicodeAttribute(null=True)
    updated_at = UTCDateTimeAttribute()
    # {photo_id: {"kind", "content_type", "size", "caption", "added_at"}}; the files are in
    # S3 under the customer's prefix (portico.domain.files.visit_photo_key).
    photos = MapAttribute[str, object](default=dict)

    @staticmethod
    def keys(business_id: str, customer_id: str, visit_id: str) -> tuple[str, str]:
        return customer_pk(business_id, customer_id), f"VISIT#{visit_id}"

    @staticmethod
    def list_keys(business_id: str, visit_id: str) -> tuple[str, str]:
        return f"{business_pk(business_id)}#VISITS", f"VISIT#{visit_id}"

    @staticmethod
    def history_pk(business_id: str, customer_id: str) -> str:
        """GSI3: the customer's visits by date, for the service history."""
        return f"{customer_pk(business_id, customer_id)}#VISITS"

    @staticmethod
    def history_keys(
        business_id: str, customer_id: str, visit_id: str, day: str
    ) -> tuple[str, str]:
        return VisitItem.history_pk(business_id, customer_id), f"{day}#{visit_id}"


class DocumentItem(PorticoItem, discriminator="document"):
    """A document the business shared with a customer; the file is in S3."""

    title = UnicodeAttribute()
    content_type = UnicodeAttribute()
    size = NumberAttribute()
    filename = UnicodeAttribute()
    added_at = UTCDateTimeAttribute()

    @staticmethod
    def keys(business_id: str, customer_id: str, document_id: str) -> tuple[str, str]:
        # Document ids start with their creation time, so the SK order is newest last.
        return customer_pk(business_id, customer_id), f"DOCUMENT#{document_id}"


class WorkRequestItem(PorticoItem, discriminator="work_request"):
    """A customer's request for work. GSI1: the business's requests by time; GSI2: the
    request by its id (the admin API names it by id alone); GSI3: the customer's own."""

    customer_id = UnicodeAttribute()
    service = UnicodeAttribute()
    description = UnicodeAttribute()
    preferred_dates = ListAttribute[str](default=list)
    photos = ListAttribute[MapAttribute[str, object]](of=MapAttribute, default=list)
    status = UnicodeAttribute()
    note = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    office_notified_at = UTCDateTimeAttribute(null=True)

    @staticmethod
    def keys(business_id: str, customer_id: str, request_id: str) -> tuple[str, str]:
        return customer_pk(business_id, customer_id), f"WORKREQUEST#{request_id}"

    @staticmethod
    def business_list_keys(business_id: str, created_at: str, request_id: str) -> tuple[str, str]:
        return f"{business_pk(business_id)}#WORKREQUESTS", f"{created_at}#{request_id}"

    @staticmethod
    def id_keys(business_id: str, request_id: str) -> tuple[str, str]:
        return f"{business_pk(business_id)}#WORKREQUEST#{request_id}", "WORKREQUEST"

    @staticmethod
    def customer_list_keys(
        business_id: str, customer_id: str, created_at: str, request_id: str
    ) -> tuple[str, str]:
        return (
            f"{customer_pk(business_id, customer_id)}#WORKREQUESTS",
            f"{created_at}#{request_id}",
        )


class EstimateItem(PorticoItem, discriminator="estimate"):
    customer_id = UnicodeAttribute()
    number = UnicodeAttribute()
    status = UnicodeAttribute()
    issue_date = UnicodeAttribute()
    expiry_date = UnicodeAttribute(null=True)
    currency = UnicodeAttribute()
    lines = ListAttribute[MapAttribute[str, object]](of=MapAttribute)
    tax_amount = NumberAttribute()
    total = NumberAttribute()
    deposit_amount = NumberAttribute(default=0)
    notes = UnicodeAttribute(null=True)
    updated_at = UTCDateTimeAttribute()
    # Portico's own state, kept by the CRM sync: the customer's decision (signature name,
    # time, client address, or the decline reason), their change requests, the deposit.
    decision = MapAttribute[str, object](null=True)
    change_requests = ListAttribute[MapAttribute[str, object]](of=MapAttribute, default=list)
    deposit_paid = NumberAttribute(default=0)
    deposit_payment_id = UnicodeAttribute(null=True)
    deposit_pending = UnicodeAttribute(null=True)

    @staticmethod
    def keys(business_id: str, customer_id: str, estimate_id: str) -> tuple[str, str]:
        return customer_pk(business_id, customer_id), f"ESTIMATE#{estimate_id}"

    @staticmethod
    def portal_list_pk(business_id: str, customer_id: str) -> str:
        """GSI3 (sparse): the estimates the customer may see (not draft, not cancelled)."""
        return f"{customer_pk(business_id, customer_id)}#ESTIMATES"

    @staticmethod
    def portal_list_keys(
        business_id: str, customer_id: str, estimate_id: str, issue_date: str
    ) -> tuple[str, str]:
        """GSI3: newest first (the issue date inverted to sort down)."""
        inverted = 99999999 - int(issue_date.replace("-", ""))
        return (
            EstimateItem.portal_list_pk(business_id, customer_id),
            f"{inverted:08d}#{estimate_id}",
        )

    @staticmethod
    def list_keys(business_id: str, estimate_id: str) -> tuple[str, str]:
        return f"{business_pk(business_id)}#ESTIMATES", f"ESTIMATE#{estimate_id}"


# --- identity ------------------------------------------------------------------------------


def staff_pk(business_id: str, staff_id: str) -> str:
    return f"BIZ#{business_id}#STAFF#{staff_id}"


class AccountItem(PorticoItem, discriminator="account"):
    """A customer's login: kept apart from the profile so no read of the profile carries it."""

    password_hash = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    password_changed_at = UTCDateTimeAttribute(null=True)

    @staticmethod
    def keys(business_id: str, customer_id: str) -> tuple[str, str]:
        return customer_pk(business_id, customer_id), "ACCOUNT"


class StaffItem(PorticoItem, discriminator="staff"):
    """A member of the business's staff who signs in to the admin pages."""

    name = UnicodeAttribute()
    email = UnicodeAttribute()
    password_hash = UnicodeAttribute(null=True)
    status = UnicodeAttribute()  # invited | active
    created_at = UTCDateTimeAttribute()
    last_login_at = UTCDateTimeAttribute(null=True)
    staff_invite_token = UnicodeAttribute(null=True)

    @staticmethod
    def keys(business_id: str, staff_id: str) -> tuple[str, str]:
        return staff_pk(business_id, staff_id), "PROFILE"

    @staticmethod
    def email_keys(business_id: str, email: str, staff_id: str) -> tuple[str, str]:
        return f"{business_pk(business_id)}#STAFFEMAIL#{email.lower()}", f"STAFF#{staff_id}"

    @staticmethod
    def list_keys(business_id: str, staff_id: str) -> tuple[str, str]:
        return f"{business_pk(business_id)}#STAFF", f"STAFF#{staff_id}"


class LinkTokenItem(PorticoItem, discriminator="link_token"):
    """A link sent by email, found by the hash of its token. Kept a week past expiry (TTL)
    so an expired link can still ask for a fresh one."""

    purpose = UnicodeAttribute()
    business_id = UnicodeAttribute()
    subject_id = UnicodeAttribute()  # customer id, or staff id for staff invites
    email = UnicodeAttribute()
    expires_at_time = UTCDateTimeAttribute()
    used_at = UTCDateTimeAttribute(null=True)

    @staticmethod
    def keys(token_hash: str) -> tuple[str, str]:
        return f"LINK#{token_hash}", "LINK"


class SessionItem(PorticoItem, discriminator="session"):
    """A signed-in session (a family of rotating refresh tokens)."""

    role = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    revoked_at = UTCDateTimeAttribute(null=True)

    @staticmethod
    def keys(subject_pk: str, session_id: str) -> tuple[str, str]:
        return subject_pk, f"SESSION#{session_id}"


class RefreshTokenItem(PorticoItem, discriminator="refresh_token"):
    """One refresh token of a session; single use, found by its hash."""

    session_pk = UnicodeAttribute()
    session_id = UnicodeAttribute()
    role = UnicodeAttribute()
    business_id = UnicodeAttribute()
    subject_id = UnicodeAttribute()
    expires_at_time = UTCDateTimeAttribute()
    used_at = UTCDateTimeAttribute(null=True)

    @staticmethod
    def keys(token_hash: str) -> tuple[str, str]:
        return f"REFRESH#{token_hash}", "REFRESH"


class RateWindowItem(PorticoItem, discriminator="rate_window"):
    """Calls counted in one second against a rate limit (AutoPay's Stripe calls)."""

    calls = NumberAttribute(null=True)

    @staticmethod
    def keys(name: str, second: int) -> tuple[str, str]:
        return f"RATE#{name}", f"S#{second}"


class ThrottleItem(PorticoItem, discriminator="throttle"):
    """Failed sign-ins in one fixed window, for one account or one client address."""

    failures = NumberAttribute(default=0)

    @staticmethod
    def keys(scope: str, key_hash: str, window_start: int) -> tuple[str, str]:
        return f"THROTTLE#{scope}#{key_hash}", f"W#{window_start}"
