"""Rendering Portico's emails: Jinja2 templates shipped in this package, HTML autoescaped,
a plain-text and an HTML part each, in English or Spanish.

Every email has the same letterhead (the business's name or logo, its colour) and footer (its
contact details and the portal link, DESIGN section 2). Business-written text (the invite's
subject and message) never reaches Jinja as a template: `portico.email.merge` substitutes its
merge tags and the result is passed in as a value, escaped like any other.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from email.utils import formataddr
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from portico.domain.business import PortalSettings, portal_address
from portico.domain.invitations import InviteTemplate, Language
from portico.email.catalog import (
    ACCOUNT,
    AUTOPAY_FAILED,
    AUTOPAY_NOTICE,
    AUTOPAY_RUN_COUNTS,
    AUTOPAY_RUN_SUMMARY,
    CARD_EXPIRING,
    ESTIMATE_CHANGE_REQUEST,
    INVITE,
    LAYOUT,
    PAYMENT_FAILED,
    RECEIPT,
    WORK_REQUEST,
    AccountEmail,
)
from portico.email.merge import merge_html, merge_subject, merge_text, one_line
from portico.email.sender import EmailMessage

if TYPE_CHECKING:
    from jinja2 import Environment

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class Letterhead:
    """What every email shows about the business: name, logo, colour, contact, portal link."""

    business_name: str
    portal_url: str
    color: str = "#0b6bcb"
    logo_url: str | None = None
    contact_lines: tuple[str, ...] = field(default_factory=tuple)
    reply_to: str | None = None

    @property
    def button_text_color(self) -> str:
        """Black or white, whichever reads better on the business's colour (WCAG contrast)."""
        red, green, blue = (int(self.color[i : i + 2], 16) / 255 for i in (1, 3, 5))

        def linear(channel: float) -> float:
            return channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4

        luminance = 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
        # Contrast with white is 1.05 / (L + 0.05), with black (L + 0.05) / 0.05.
        return "#ffffff" if 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.05 else "#000000"


def letterhead(business_name: str, portal: PortalSettings, portal_base_url: str) -> Letterhead:
    """The letterhead of a business's emails, from its portal settings."""
    contact = portal.contact
    lines = [contact.phone, contact.email, contact.website]
    if contact.address:
        address = contact.address
        place = " ".join(part for part in (address.region, address.postal_code) if part)
        lines.append(", ".join(part for part in (address.line1, address.city, place) if part))
    return Letterhead(
        business_name=one_line(business_name),
        portal_url=portal_address(portal_base_url, portal.slug),
        color=portal.branding.primary_color,
        logo_url=portal.logo_address(portal_base_url),
        contact_lines=tuple(one_line(line) for line in lines if line),
        reply_to=contact.email,
    )


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


@cache
def _environment() -> Environment:
    # Imported here, not at module level: only the mailer renders, and Jinja2 costs import
    # time the API handlers (which import the domain models next to this) should not pay.
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        # On for HTML and for anything unnamed; off only for the plain-text part, where
        # escaping would print `&amp;` to the reader and markup means nothing.
        autoescape=select_autoescape(
            enabled_extensions=("html",),
            disabled_extensions=("txt",),
            default_for_string=True,
            default=True,
        ),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _render(name: str, context: Mapping[str, Any]) -> tuple[str, str]:
    environment = _environment()
    text = environment.get_template(f"{name}.txt").render(context)
    html = environment.get_template(f"{name}.html").render(context)
    return text, html


def render_account_email(
    kind: AccountEmail, head: Letterhead, *, name: str, link: str, language: Language = "en"
) -> RenderedEmail:
    """A create-login (signup), magic-link, password-reset or staff-invite email."""
    words = {
        key: value.format(business=head.business_name, name=one_line(name))
        for key, value in ACCOUNT[language][kind].items()
    }
    subject = one_line(words["subject"])
    text, html = _render(
        "account",
        {
            "brand": head,
            "lang": language,
            "t": _layout(language, head),
            "subject": subject,
            "words": words,
            "link": link,
            "preview_note": None,
        },
    )
    return RenderedEmail(subject=subject, text=text, html=html)


def render_invite(
    head: Letterhead,
    template: InviteTemplate,
    values: Mapping[str, str],
    *,
    create_login_link: str,
    language: Language = "en",
    preview: bool = False,
) -> RenderedEmail:
    """The business's invite: its subject and message with the merge tags filled in, then
    the create-login button, then the footer."""
    layout = _layout(language, head)
    subject = merge_subject(template.subject, values)
    if preview:
        subject = f"{layout['preview']} {subject}"
    text, html = _render(
        "invite",
        {
            "brand": head,
            "lang": language,
            "t": layout,
            "subject": subject,
            "words": INVITE[language],
            "message_text": merge_text(template.message, values).strip(),
            "message_html": merge_html(template.message, values),
            "link": create_login_link,
            "preview_note": layout["preview_note"] if preview else None,
        },
    )
    return RenderedEmail(subject=subject, text=text, html=html)


@dataclass(frozen=True)
class ReceiptLine:
    """One invoice a payment paid (or part of it)."""

    invoice_number: str | None  # None -> show the invoice id
    invoice_id: str
    amount: int  # minor units


def render_receipt(
    head: Letterhead,
    *,
    customer_name: str,
    amount: int,
    currency: str,
    method: str,
    paid_at: datetime,
    timezone: str,
    lines: Sequence[ReceiptLine],
    credit_applied: int,
    credit_added: int,
    receipt_link: str,
    payment_id: str,
    language: Language = "en",
    deposit_for: str | None = None,
) -> RenderedEmail:
    """The receipt for a payment: what was charged to `method` (minor units of `currency`),
    on which day in the business's `timezone`, the invoices it paid, the account credit it
    used or added (each shown only when not zero), the estimate it is the deposit of
    (`deposit_for`, its number), and a button to the receipt page.

    `paid_at` must be timezone-aware; `lines` is empty for a purchase of account credit.
    """
    if paid_at.tzinfo is None:
        # A naive time would be read in the server's zone, which is nobody's.
        raise ValueError("paid_at must be timezone-aware")
    money = _money_formatter(currency)
    words = _words(RECEIPT[language], head, name=customer_name, amount=money(amount))
    subject = one_line(words["subject"])
    details = [(words["amount"], money(amount))]
    if deposit_for is not None:
        details.append((words["deposit_for"], one_line(deposit_for)))
    if credit_applied > 0:
        details.append((words["credit_applied"], money(credit_applied)))
    applied = [
        (
            f"{words['invoice']} {one_line(line.invoice_number or line.invoice_id)}",
            money(line.amount),
        )
        for line in lines
    ]
    if credit_added > 0:
        # An overpayment's remainder is one more place the money went, after the invoices;
        # a purchase of credit has no invoices, so it is one of the payment's details.
        (applied if applied else details).append((words["credit_added"], money(credit_added)))
    details += [
        (words["method"], one_line(method)),
        (words["date"], _business_day(paid_at, timezone, language)),
        (words["receipt_number"], payment_id),
    ]
    text, html = _render(
        "receipt",
        {
            "brand": head,
            "lang": language,
            "t": _layout(language, head),
            "subject": subject,
            "words": words,
            "details": details,
            "applied": applied,
            "link": receipt_link,
            "preview_note": None,
        },
    )
    return RenderedEmail(subject=subject, text=text, html=html)


def render_payment_failed(
    head: Letterhead,
    *,
    customer_name: str,
    amount: int,
    currency: str,
    method: str,
    reason: str,
    pay_link: str,
    language: Language = "en",
) -> RenderedEmail:
    """The email after a payment failed: the amount (minor units of `currency`), the
    `reason` (a sentence already in the customer's words), the method, and a button to
    `pay_link` to pay again or update the card."""
    money = _money_formatter(currency)
    words = _words(PAYMENT_FAILED[language], head, name=customer_name, amount=money(amount))
    subject = one_line(words["subject"])
    text, html = _render(
        "payment_failed",
        {
            "brand": head,
            "lang": language,
            "t": _layout(language, head),
            "subject": subject,
            "words": words,
            "reason": one_line(reason),
            "details": [(words["amount"], money(amount)), (words["method"], one_line(method))],
            "link": pay_link,
            "preview_note": None,
        },
    )
    return RenderedEmail(subject=subject, text=text, html=html)


def render_autopay_notice(
    head: Letterhead,
    *,
    customer_name: str,
    amount: int,
    currency: str,
    method: str,
    charge_on: date,
    invoice_number: str,
    pay_now_link: str,
    hold_link: str,
    language: Language = "en",
) -> RenderedEmail:
    """The notice a few days before an AutoPay charge (DESIGN 3): `amount` (minor units of
    `currency`) will be charged to `method` on `charge_on` (a day on the business's calendar)
    for the invoice, with a button to pay it now and one to hold it out of AutoPay."""
    money = _money_formatter(currency)
    words = _words(
        AUTOPAY_NOTICE[language],
        head,
        name=customer_name,
        amount=money(amount),
        method=method,
        date=_day(charge_on, language),
        invoice=invoice_number,
    )
    subject = one_line(words["subject"])
    text, html = _render(
        "autopay_notice",
        {
            "brand": head,
            "lang": language,
            "t": _layout(language, head),
            "subject": subject,
            "words": words,
            "pay_now_link": pay_now_link,
            "hold_link": hold_link,
            "preview_note": None,
        },
    )
    return RenderedEmail(subject=subject, text=text, html=html)


def render_card_expiring(
    head: Letterhead,
    *,
    customer_name: str,
    method: str,
    expires: date,
    update_link: str,
    language: Language = "en",
) -> RenderedEmail:
    """The reminder before the AutoPay card `method` expires (DESIGN 3): the month and year
    of `expires` (its day is not shown: cards end with their month) and a button to
    `update_link`."""
    words = _words(
        CARD_EXPIRING[language],
        head,
        name=customer_name,
        method=method,
        month=_month(expires, language),
    )
    subject = one_line(words["subject"])
    text, html = _render(
        "card_expiring",
        {
            "brand": head,
            "lang": language,
            "t": _layout(language, head),
            "subject": subject,
            "words": words,
            "link": update_link,
            "preview_note": None,
        },
    )
    return RenderedEmail(subject=subject, text=text, html=html)


def render_autopay_failed(
    head: Letterhead,
    *,
    customer_name: str,
    amount: int,
    currency: str,
    method: str,
    reason: str,
    invoice_number: str,
    retry_on: date | None,
    needs_customer: bool,
    pay_link: str,
    language: Language = "en",
) -> RenderedEmail:
    """The email after an AutoPay charge failed (DESIGN 2): the amount (minor units of
    `currency`), the `reason` (a sentence already in the customer's words), the method and
    the invoice, then what happens next, with a button to `pay_link`.

    Next is a retry on `retry_on` (a soft decline); or, when `needs_customer` (the bank wants
    the customer to confirm, 3-D Secure), paying in the portal, since AutoPay never retries
    that off-session, so any `retry_on` is not shown; or, with neither, no further attempt.
    """
    money = _money_formatter(currency)
    words = _words(
        AUTOPAY_FAILED[language],
        head,
        name=customer_name,
        amount=money(amount),
        invoice=invoice_number,
        # Only the retry sentence prints it, and only that sentence is shown with a date.
        date=_day(retry_on, language) if retry_on is not None else "",
    )
    if needs_customer:
        next_step, button_label = words["needs_customer"], words["button_needs_customer"]
    elif retry_on is not None:
        next_step, button_label = words["retry"], words["button"]
    else:
        next_step, button_label = words["no_retry"], words["button"]
    subject = one_line(words["subject"])
    text, html = _render(
        "autopay_failed",
        {
            "brand": head,
            "lang": language,
            "t": _layout(language, head),
            "subject": subject,
            "words": words,
            "reason": one_line(reason),
            "details": [
                (words["invoice"], one_line(invoice_number)),
                (words["amount"], money(amount)),
                (words["method"], one_line(method)),
            ],
            "next_step": next_step,
            "button_label": button_label,
            "link": pay_link,
            "preview_note": None,
        },
    )
    return RenderedEmail(subject=subject, text=text, html=html)


@dataclass(frozen=True)
class RunFailure:
    """One charge of an AutoPay run that failed, as the business's report lists it."""

    customer_name: str
    invoice_number: str
    amount: int  # minor units
    reason: str  # the business-facing reason, e.g. "insufficient_funds: Your card was declined..."
    retry_on: date | None  # None -> no retry


def render_autopay_run_summary(
    head: Letterhead,
    *,
    run_label: str,
    currency: str,
    charged_count: int,
    charged_amount: int,
    failures: Sequence[RunFailure],
    skipped_count: int,
    report_link: str,
    language: Language = "en",
) -> RenderedEmail:
    """The business's report on an AutoPay run (DESIGN 4.4): how many invoices were charged
    and for how much (minor units of `currency`), each failed charge with its reason and
    retry date, how many invoices were skipped, and a button to the run's report."""
    money = _money_formatter(currency)
    counts = AUTOPAY_RUN_COUNTS[language]
    words = _words(
        AUTOPAY_RUN_SUMMARY[language],
        head,
        run=run_label,
        charged=_count(counts, "charged", charged_count),
        failed=_count(counts, "failed", len(failures)),
    )
    subject = one_line(words["subject"])
    layout = _layout(language, head)
    # The footer speaks to staff: "The customer portal", not "Your customer portal".
    layout["portal"] = layout["portal_staff"]
    text, html = _render(
        "autopay_run_summary",
        {
            "brand": head,
            "lang": language,
            "t": layout,
            "subject": subject,
            "words": words,
            "details": [
                (words["charged_count"], str(charged_count)),
                (words["charged_amount"], money(charged_amount)),
                (words["failed_count"], str(len(failures))),
                (words["failed_amount"], money(sum(failure.amount for failure in failures))),
                (words["skipped_count"], str(skipped_count)),
            ],
            "failures": [
                (
                    one_line(failure.customer_name),
                    one_line(failure.invoice_number),
                    money(failure.amount),
                    one_line(failure.reason),
                    counts["retry_on"].format(date=_day(failure.retry_on, language))
                    if failure.retry_on is not None
                    else counts["no_retry"],
                )
                for failure in failures
            ],
            "link": report_link,
            "preview_note": None,
        },
    )
    return RenderedEmail(subject=subject, text=text, html=html)


def render_work_request(
    head: Letterhead,
    *,
    customer_name: str,
    customer_email: str | None,
    customer_phone: str | None,
    service_address: str | None,
    service: str,
    description: str,
    preferred_dates: Sequence[date],
    photo_count: int,
    request_id: str,
    link: str,
    language: Language = "en",
) -> RenderedEmail:
    """To the business's office: a customer's new work request, with who asked, what for,
    when they would like it and how many photos they attached."""
    words = _words(
        WORK_REQUEST[language], head, name=customer_name, service=service, request=request_id
    )
    subject = one_line(words["subject"])
    layout = _layout(language, head)
    layout["portal"] = layout["portal_staff"]
    dates = ", ".join(_day(day, language) for day in preferred_dates) or words["no_dates"]
    details = [
        (words["customer"], one_line(customer_name)),
        *([(words["email"], one_line(customer_email))] if customer_email else []),
        *([(words["phone"], one_line(customer_phone))] if customer_phone else []),
        *([(words["address"], one_line(service_address))] if service_address else []),
        (words["service"], one_line(service)),
        (words["dates"], dates),
        (words["photos"], str(photo_count)),
    ]
    text, html = _render(
        "work_request",
        {
            "brand": head,
            "lang": language,
            "t": layout,
            "subject": subject,
            "words": words,
            "details": details,
            "description": description,
            "link": link,
            "preview_note": None,
        },
    )
    return RenderedEmail(subject=subject, text=text, html=html)


def render_estimate_change_request(
    head: Letterhead,
    *,
    customer_name: str,
    customer_email: str | None,
    estimate_number: str,
    total: int,
    currency: str,
    message: str,
    language: Language = "en",
) -> RenderedEmail:
    """To the business's office: a customer's change request on an estimate, with the
    customer, the estimate and their message word for word (escaped, never a template)."""
    money = _money_formatter(currency)
    words = _words(
        ESTIMATE_CHANGE_REQUEST[language], head, customer=customer_name, number=estimate_number
    )
    subject = one_line(words["subject"])
    layout = _layout(language, head)
    layout["portal"] = layout["portal_staff"]  # the footer speaks to staff
    details = [
        (words["customer"], one_line(customer_name)),
        (words["estimate"], one_line(estimate_number)),
        (words["total"], money(total)),
    ]
    if customer_email:
        details.append((words["email"], customer_email))
    text, html = _render(
        "estimate_change_request",
        {
            "brand": head,
            "lang": language,
            "t": layout,
            "subject": subject,
            "words": words,
            "details": details,
            "message": message,
            "preview_note": None,
        },
    )
    return RenderedEmail(subject=subject, text=text, html=html)


def _count(words: Mapping[str, str], key: str, count: int) -> str:
    # English needs no choice here, Spanish does: "1 cobro realizado", "2 cobros realizados".
    return words[f"{key}_one" if count == 1 else f"{key}_other"].format(count=count)


def _words(catalog: Mapping[str, str], head: Letterhead, **values: str) -> dict[str, str]:
    # The values are arguments of `str.format`, never part of the format string, so a
    # customer called "{business}" stays "{business}". Each is flattened to one line: the
    # subjects are made of them.
    flat = {key: one_line(value) for key, value in values.items()}
    return {
        key: value.format(business=head.business_name, **flat) for key, value in catalog.items()
    }


def _money_formatter(currency: str) -> Callable[[int], str]:
    # Imported here like Jinja2: the documents package loads the statement models and csv,
    # which only the emails that print money need.
    from portico.documents.money import format_money

    return lambda amount: format_money(amount, currency)


def _business_day(instant: datetime, timezone: str, language: Language) -> str:
    # The day the customer paid as the business's calendar has it.
    return _day(instant.astimezone(ZoneInfo(timezone)).date(), language)


def _day(day: date, language: Language) -> str:
    # A day already on the business's calendar, in the language's long form: "May 3, 2026",
    # "3 de mayo de 2026" (imported here, as above).
    from portico.documents.labels import format_date

    return format_date(day, language)


def _month(day: date, language: Language) -> str:
    # A card's expiry has a month and no day: "June 2026", "junio de 2026". The documents
    # package has the month names but no public formatter for a month alone yet.
    from portico.documents.labels import _MONTHS

    name = _MONTHS[language][day.month - 1]
    return f"{name} de {day.year}" if language == "es" else f"{name} {day.year}"


def _layout(language: Language, head: Letterhead) -> dict[str, str]:
    return {
        key: value.format(business=head.business_name) for key, value in LAYOUT[language].items()
    }


def email_message(
    head: Letterhead, rendered: RenderedEmail, *, to: str, platform_sender: str
) -> EmailMessage:
    """The message to send: from "{business} <platform sender>", replies to the business."""
    return EmailMessage(
        to=to,
        # formataddr quotes the name and encodes non-ASCII (RFC 2047); one_line already took
        # out anything that could end the header.
        sender=formataddr((head.business_name, platform_sender), charset="utf-8"),
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        reply_to=head.reply_to,
    )
