"""Rendering emails: merge tags, escaping, languages, and the letterhead on every email."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from portico.domain.business import PortalChanges, PortalSettings
from portico.domain.common import Address, ContactDetails
from portico.domain.invitations import (
    DEFAULT_INVITE_TEMPLATES,
    InviteTemplate,
    InviteTemplates,
    merge_tag_problem,
)
from portico.email.merge import UnknownMergeTag, merge_html, merge_subject, merge_text
from portico.email.render import (
    Letterhead,
    ReceiptLine,
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
)
from portico.email.sender import RecordingEmailSender

PORTAL_URL = "https://portal.test/p/sparkling-pools"
CREATE_LOGIN = "https://portal.test/p/sparkling-pools/create-login?token=abc123&x=1"


def portal(**overrides) -> PortalSettings:
    values = {
        "business_id": "biz_1",
        "slug": "sparkling-pools",
        "enabled": True,
        "contact": ContactDetails(
            email="office@example.com",
            phone="+1 512 555 0100",
            address=Address(line1="1 Main St", city="Austin", region="TX", postal_code="78701"),
        ),
        "updated_at": datetime(2026, 5, 1, tzinfo=UTC),
    }
    return PortalSettings(**(values | overrides))


def head(name: str = "Sparkling Pools", **overrides):
    return letterhead(name, portal(**overrides), "https://portal.test/")


def values(name: str = "Ana Lopez") -> dict[str, str]:
    return {
        "CUSTOMER_NAME": name,
        "BUSINESS_NAME": "Sparkling Pools",
        "CUSTOMER_PORTAL_LINK": PORTAL_URL,
        "CREATE_LOGIN_LINK": CREATE_LOGIN,
        "ADD_PAYMENT_METHOD_LINK": PORTAL_URL + "/payment-methods",
        "REVIEW_LINK": PORTAL_URL + "/review",
        "WORK_REQUEST_LINK": PORTAL_URL + "/requests",
    }


RECEIPT_LINK = "https://portal.test/p/sparkling-pools/payments/pay_123/receipt?lang=en&x=1"
PAY_LINK = "https://portal.test/p/sparkling-pools/invoices/inv_1/pay?retry=1&x=2"
# 03:30 UTC on 2 May is 22:30 on 1 May in Austin (CDT, UTC-5): the customer paid on 1 May.
LATE_EVENING_IN_AUSTIN = datetime(2026, 5, 2, 3, 30, tzinfo=UTC)


def receipt(letter=None, **overrides):
    arguments = {
        "customer_name": "Ana Lopez",
        "amount": 8400,
        "currency": "USD",
        "method": "Visa ending 4242",
        "paid_at": LATE_EVENING_IN_AUSTIN,
        "timezone": "America/Chicago",
        "lines": [
            ReceiptLine(invoice_number="1001", invoice_id="inv_1", amount=5000),
            ReceiptLine(invoice_number="1002", invoice_id="inv_2", amount=3400),
        ],
        "credit_applied": 0,
        "credit_added": 0,
        "receipt_link": RECEIPT_LINK,
        "payment_id": "pay_123",
    }
    return render_receipt(letter or head(), **(arguments | overrides))


def payment_failed(letter=None, **overrides):
    arguments = {
        "customer_name": "Ana Lopez",
        "amount": 8400,
        "currency": "USD",
        "method": "Visa ending 4242",
        "reason": "Your bank declined the card.",
        "pay_link": PAY_LINK,
    }
    return render_payment_failed(letter or head(), **(arguments | overrides))


PAY_NOW_LINK = "https://portal.test/p/sparkling-pools/invoices/inv_7/pay?from=notice&x=1"
HOLD_LINK = "https://portal.test/p/sparkling-pools/invoices/inv_7/hold?from=notice&x=2"
UPDATE_LINK = "https://portal.test/p/sparkling-pools/payment-methods?update=pm_1&x=3"
REPORT_LINK = "https://portal.test/admin/autopay/runs/run_9?tab=failures&x=4"


def autopay_notice(letter=None, **overrides):
    arguments = {
        "customer_name": "Ana Lopez",
        "amount": 8400,
        "currency": "USD",
        "method": "Visa ending 4242",
        "charge_on": date(2026, 5, 3),
        "invoice_number": "SP-2001",
        "pay_now_link": PAY_NOW_LINK,
        "hold_link": HOLD_LINK,
    }
    return render_autopay_notice(letter or head(), **(arguments | overrides))


def card_expiring(letter=None, **overrides):
    arguments = {
        "customer_name": "Ana Lopez",
        "method": "Visa ending 4242",
        "expires": date(2026, 6, 30),
        "update_link": UPDATE_LINK,
    }
    return render_card_expiring(letter or head(), **(arguments | overrides))


def autopay_failed(letter=None, **overrides):
    arguments = {
        "customer_name": "Ana Lopez",
        "amount": 8400,
        "currency": "USD",
        "method": "Visa ending 4242",
        "reason": "Your card has insufficient funds.",
        "invoice_number": "SP-2001",
        "retry_on": date(2026, 5, 6),
        "needs_customer": False,
        "pay_link": PAY_LINK,
    }
    return render_autopay_failed(letter or head(), **(arguments | overrides))


FAILURES = [
    RunFailure(
        customer_name="Ana Lopez",
        invoice_number="SP-2001",
        amount=8400,
        reason="insufficient_funds: Your card was declined for insufficient funds.",
        retry_on=date(2026, 5, 6),
    ),
    RunFailure(
        customer_name="Bob Smith",
        invoice_number="SP-2002",
        amount=12550,
        reason="authentication_required: The bank wants the customer to confirm.",
        retry_on=None,
    ),
]


def run_summary(letter=None, **overrides):
    arguments = {
        "run_label": "May 3, 2026",
        "currency": "USD",
        "charged_count": 3,
        "charged_amount": 25200,
        "failures": FAILURES,
        "skipped_count": 1,
        "report_link": REPORT_LINK,
    }
    return render_autopay_run_summary(letter or head(), **(arguments | overrides))


def href(url: str) -> str:
    return f'href="{url.replace("&", "&amp;")}"'


def invite(template: InviteTemplate, language="en", name="Ana Lopez", **head_overrides):
    return render_invite(
        head(**head_overrides),
        template,
        values(name),
        create_login_link=CREATE_LOGIN,
        language=language,
    )


# --- merge tags ----------------------------------------------------------------------------


def test_given_known_tags_when_merged_then_each_is_replaced_and_the_rest_kept():
    text = "Hi {{CUSTOMER_NAME}}, welcome to {{ BUSINESS_NAME }}: {{CUSTOMER_PORTAL_LINK}}"

    assert merge_text(text, values()) == (f"Hi Ana Lopez, welcome to Sparkling Pools: {PORTAL_URL}")


def test_given_jinja_syntax_in_business_text_when_merged_then_it_is_never_evaluated():
    # Given text that a template engine would execute
    text = "{% for x in range(3) %}x{% endfor %} {{CUSTOMER_NAME}} {#c#}"

    # Then it comes out as the business wrote it, with only the tag substituted
    assert merge_text(text, values()) == "{% for x in range(3) %}x{% endfor %} Ana Lopez {#c#}"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Hi {{CUSTOMER_NAM}}", "{{CUSTOMER_NAM}}"),
        ("Hi {{ customer_name }}", "{{ customer_name }}"),
        ("{{ config.__class__ }}", "{{ config.__class__ }}"),
        ("{{7*7}}", "{{7*7}}"),
    ],
)
def test_given_an_unknown_tag_then_the_problem_names_it(text, shown):
    problem = merge_tag_problem(text)

    assert problem is not None
    assert shown in problem
    assert "{{CUSTOMER_NAME}}" in problem  # and lists what can be used


def test_given_a_tag_of_another_email_then_it_cannot_be_used_in_an_invite():
    problem = merge_tag_problem("Pay {{INVOICE_LINK}}")

    assert problem is not None
    assert "{{INVOICE_LINK}}" in problem


def test_given_an_unknown_tag_when_rendering_anyway_then_it_raises_instead_of_a_blank():
    with pytest.raises(UnknownMergeTag):
        merge_text("Hi {{NOPE}}", values())


def test_given_a_customer_name_with_line_breaks_when_in_a_subject_then_it_stays_one_line():
    subject = merge_subject("Hello {{CUSTOMER_NAME}}", values("Ana\r\nBcc: x@evil.test"))

    assert "\n" not in subject
    assert "\r" not in subject
    assert subject == "Hello Ana Bcc: x@evil.test"


def test_given_html_in_business_text_and_values_when_merged_to_html_then_all_escaped():
    html = merge_html(
        '<script>alert(1)</script> {{CUSTOMER_NAME}}\n\n<a href="x">', values("<b>Ana</b>")
    )

    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;Ana&lt;/b&gt;" in html
    assert "&lt;a href=&#34;x&#34;&gt;" in html
    assert html.count("<p ") == 2


def test_given_a_link_tag_when_merged_to_html_then_it_is_an_anchor_with_the_url_escaped():
    html = merge_html("Start here: {{CREATE_LOGIN_LINK}}", values())

    escaped = CREATE_LOGIN.replace("&", "&amp;")
    assert f'<a href="{escaped}"' in html


# --- invite templates as the business saves them -------------------------------------------


def test_given_an_unknown_tag_in_a_saved_template_then_validation_fails_naming_it():
    with pytest.raises(ValidationError, match=r"\{\{CUSTOMER_FIRSTNAME\}\}"):
        PortalChanges.model_validate(
            {
                "invite_templates": {
                    "with_payment_method": {
                        "subject": "Hi",
                        "message": "Dear {{CUSTOMER_FIRSTNAME}}",
                    }
                }
            }
        )


@pytest.mark.parametrize("subject", ["Hello\r\nBcc: x@evil.test", "Hi\nthere", "a\u2028b"])
def test_given_a_subject_with_a_line_break_then_it_is_refused(subject):
    with pytest.raises(ValidationError, match="single line"):
        InviteTemplate(subject=subject, message="Hi")


@pytest.mark.parametrize(
    ("subject", "message"),
    [("", "Hi"), ("Hi", ""), ("x" * 201, "Hi"), ("Hi", "x" * 5001)],
)
def test_given_empty_or_too_long_texts_then_they_are_refused(subject, message):
    with pytest.raises(ValidationError):
        InviteTemplate(subject=subject, message=message)


def test_given_no_templates_then_both_defaults_are_valid_and_the_autopay_one_pushes_autopay():
    templates = InviteTemplates()

    for template in (templates.with_payment_method, templates.without_payment_method):
        assert merge_tag_problem(template.subject) is None
        assert merge_tag_problem(template.message) is None
    assert "AutoPay" in templates.without_payment_method.message
    assert "AutoPay" not in templates.with_payment_method.message


def test_given_spanish_without_texts_then_the_defaults_are_spanish():
    templates = InviteTemplates.model_validate({"language": "es"})

    assert (
        templates.without_payment_method == DEFAULT_INVITE_TEMPLATES["es"]["without_payment_method"]
    )
    assert "pago automático" in templates.without_payment_method.message


def test_given_a_portal_saved_before_invite_templates_then_it_reads_with_the_defaults():
    settings = PortalSettings.model_validate(portal().model_dump() | {"invite_templates": None})

    assert settings.invite_templates == InviteTemplates()


# --- whole emails --------------------------------------------------------------------------


def test_given_an_invite_then_message_then_button_then_portal_link_in_both_parts():
    template = InviteTemplate(
        subject="Welcome {{CUSTOMER_NAME}}",
        message="Hi {{CUSTOMER_NAME}},\n\nOur portal is open.",
    )

    email = invite(template)

    assert email.subject == "Welcome Ana Lopez"
    text = email.text
    assert text.index("Our portal is open.") < text.index(CREATE_LOGIN) < text.rindex(PORTAL_URL)
    html = email.html
    button = html.index("Create your login")
    assert html.index("Our portal is open.") < button < html.rindex(PORTAL_URL)
    assert CREATE_LOGIN.replace("&", "&amp;") in html


def test_given_business_html_in_the_invite_then_the_html_part_escapes_it():
    template = InviteTemplate(subject="Hi", message='<img src=x onerror="alert(1)"> hello')

    email = invite(template, name="<script>x</script>")

    assert "<img src=x" not in email.html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt; hello" in email.html
    assert "<script>x" not in email.html


def test_given_a_business_name_with_markup_then_the_letterhead_escapes_it():
    email = render_account_email(
        "magic_link", head('Pools & <b>"Spa"</b>'), name="Ana", link="https://x.test/?token=t"
    )

    assert "<b>" not in email.html
    assert "Pools &amp; &lt;b&gt;" in email.html
    assert 'Pools & <b>"Spa"</b>' in email.text  # the text part is text: nothing to escape


@pytest.mark.parametrize(
    "render",
    [
        lambda: invite(InviteTemplates().with_payment_method),
        lambda: invite(InviteTemplates().without_payment_method, language="es"),
        *[
            (
                lambda kind=kind, language=language: render_account_email(
                    kind,
                    head(),
                    name="Ana",
                    link="https://portal.test/x?token=t",
                    language=language,
                )
            )
            for kind in ("create_login", "magic_link", "reset_password", "staff_invite")
            for language in ("en", "es")
        ],
        lambda: receipt(),
        lambda: receipt(language="es", lines=[], credit_added=8400),
        lambda: payment_failed(),
        lambda: payment_failed(language="es"),
        lambda: autopay_notice(),
        lambda: autopay_notice(language="es"),
        lambda: card_expiring(),
        lambda: card_expiring(language="es"),
        lambda: autopay_failed(),
        lambda: autopay_failed(language="es", retry_on=None, needs_customer=True),
        lambda: run_summary(),
        lambda: run_summary(language="es", failures=[]),
        lambda: change_request(),
        lambda: change_request(language="es"),
    ],
)
def test_given_any_email_then_both_parts_carry_the_letterhead_and_the_portal_link(render):
    email = render()

    for part in (email.text, email.html):
        assert PORTAL_URL in part
        assert "Sparkling Pools" in part
        assert "+1 512 555 0100" in part
        assert "office@example.com" in part
    assert email.html.lstrip().startswith("<!DOCTYPE html>")
    assert "<" not in re.sub(r"<(?:https?://)", "", email.text)  # no markup in the text part


def test_given_spanish_then_the_fixed_words_are_spanish():
    email = render_account_email(
        "reset_password", head(), name="Ana", link="https://x.test/?token=t", language="es"
    )

    assert email.subject == "Restablezca su contraseña del portal de Sparkling Pools"
    assert "Hola, Ana:" in email.text
    assert "Su portal de clientes" in email.text
    assert 'lang="es"' in email.html


def test_given_a_logo_and_a_colour_then_the_html_shows_them():
    email = render_account_email(
        "create_login",
        head(branding={"logo_url": "https://cdn.test/logo.png", "primary_color": "#ffdd00"}),
        name="Ana",
        link="https://x.test/?token=t",
    )

    assert '<img src="https://cdn.test/logo.png" alt="Sparkling Pools"' in email.html
    assert "background:#ffdd00" in email.html
    # a light colour gets dark button text, for contrast
    assert "color:#000000" in email.html


def test_given_a_rendered_email_when_sent_then_from_the_business_at_the_platform_address():
    sender = RecordingEmailSender()
    letter = head('Pools, "Spa" & Co')
    email = render_account_email("magic_link", letter, name="Ana", link="https://x.test/?t=1")

    sender.send(
        email_message(letter, email, to="ana@example.com", platform_sender="portal@example.com")
    )

    (message,) = sender.sent
    assert message.sender == '"Pools, \\"Spa\\" & Co" <portal@example.com>'
    assert message.reply_to == "office@example.com"
    assert message.to == "ana@example.com"
    assert message.text
    assert message.html


def test_given_a_business_name_with_a_line_break_then_the_from_header_stays_one_line():
    letter = head("Sparkling\r\nBcc: x@evil.test")
    email = render_account_email("magic_link", letter, name="Ana", link="https://x.test/?t=1")

    message = email_message(letter, email, to="a@example.com", platform_sender="p@example.com")

    assert "\n" not in message.sender
    assert "\r" not in message.sender
    assert "\n" not in message.subject


def test_given_a_non_ascii_business_name_then_the_from_header_is_encoded():
    letter = head("Piscinas Núñez")
    email = render_account_email("magic_link", letter, name="Ana", link="https://x.test/?t=1")

    message = email_message(letter, email, to="a@example.com", platform_sender="p@example.com")

    assert message.sender.startswith("=?utf-8?")
    assert message.sender.endswith("<p@example.com>")


# --- payment receipts and failed payments ----------------------------------------------------


def test_given_a_payment_when_the_receipt_is_rendered_then_both_parts_show_what_was_paid():
    # Given a card payment of $84.00 for two invoices, made late on 1 May in Austin
    # When the receipt is rendered
    email = receipt()

    # Then the subject names the amount and the business
    assert email.subject == "Payment received: $84.00 - Sparkling Pools"
    # And both parts greet Ana and show the amount, method, date, invoices and receipt number
    for part in (email.text, email.html):
        assert "Hi Ana Lopez," in part
        assert "$84.00" in part
        assert "Visa ending 4242" in part
        assert "May 1, 2026" in part
        assert "May 2" not in part
        assert "pay_123" in part
    assert "Invoice 1001: $50.00" in email.text
    assert "Invoice 1002: $34.00" in email.text
    assert re.search(r"Invoice 1001</td>\s*<td[^>]*>\$50\.00</td>", email.html)
    assert re.search(r"Invoice 1002</td>\s*<td[^>]*>\$34\.00</td>", email.html)
    # And the receipt button links the receipt page, escaped in the HTML part
    assert f"View your receipt: {RECEIPT_LINK}" in email.text
    assert f'href="{RECEIPT_LINK.replace("&", "&amp;")}"' in email.html
    assert "View your receipt</a>" in email.html


def test_given_spanish_when_the_receipt_is_rendered_then_it_reads_in_spanish():
    email = receipt(language="es")

    assert email.subject == "Pago recibido: $84.00 - Sparkling Pools"
    for part in (email.text, email.html):
        assert "Hola, Ana Lopez:" in part
        assert "Gracias por su pago a Sparkling Pools." in part
        assert "Importe pagado" in part
        assert "Método de pago" in part
        assert "1 de mayo de 2026" in part
        assert "Número de recibo" in part
        assert "Factura 1001" in part
        assert "Su portal de clientes" in part
    assert "Factura 1002: $34.00" in email.text
    assert f"Ver su recibo: {RECEIPT_LINK}" in email.text
    assert 'lang="es"' in email.html


def test_given_a_payment_in_a_zone_ahead_of_utc_then_the_receipt_shows_the_next_day():
    # 22:30 UTC on 1 May is already 2 May in Madrid (CEST, UTC+2)
    email = receipt(
        paid_at=datetime(2026, 5, 1, 22, 30, tzinfo=UTC), timezone="Europe/Madrid", language="es"
    )

    assert "Fecha de pago: 2 de mayo de 2026" in email.text


def test_given_an_invoice_without_a_number_then_the_receipt_shows_its_id():
    email = receipt(lines=[ReceiptLine(invoice_number=None, invoice_id="inv_9", amount=8400)])

    assert "Invoice inv_9: $84.00" in email.text


def test_given_no_account_credit_used_or_added_then_the_receipt_has_no_credit_lines():
    email = receipt()

    for part in (email.text, email.html):
        assert "credit" not in part.lower()


def test_given_account_credit_used_and_an_overpayment_then_the_receipt_shows_both():
    # Given $94.00 of invoices paid with $10.00 of credit and $84.00 charged, and then an
    # overpayment of $5.00
    email = receipt(
        amount=8900,
        lines=[ReceiptLine(invoice_number="1001", invoice_id="inv_1", amount=9400)],
        credit_applied=1000,
        credit_added=500,
    )

    for part in (email.text, email.html):
        assert "Account credit used" in part
        assert "$10.00" in part
        assert "Added to your account credit" in part
        assert "$5.00" in part
    assert "Account credit used: $10.00" in email.text
    assert "- Added to your account credit: $5.00" in email.text
    # the remainder is listed with the invoices, after them
    assert email.text.index("Invoice 1001") < email.text.index("Added to your account credit")


def test_given_a_purchase_of_account_credit_then_the_receipt_lists_no_invoices():
    email = receipt(lines=[], credit_added=8400, language="es")

    assert "Añadido a su crédito en cuenta: $84.00" in email.text
    assert "Factura" not in email.text
    assert "Aplicado a" not in email.text
    assert "Crédito en cuenta utilizado" not in email.text


def test_given_a_customer_name_with_markup_then_the_receipt_html_escapes_it_and_text_keeps_it():
    email = receipt(customer_name="<b>Ana</b>")

    assert "<b>Ana</b>" not in email.html
    assert "Hi &lt;b&gt;Ana&lt;/b&gt;," in email.html
    assert "Hi <b>Ana</b>," in email.text


def test_given_a_business_name_with_a_line_break_then_the_subjects_stay_one_line():
    # Built directly, not through `letterhead()` (which flattens the name already)
    letter = Letterhead(business_name="Sparkling\r\nBcc: x@evil.test", portal_url=PORTAL_URL)

    subject = receipt(letter).subject

    assert "\n" not in subject
    assert "\r" not in subject
    assert subject == "Payment received: $84.00 - Sparkling Bcc: x@evil.test"
    assert "\n" not in payment_failed(letter, customer_name="Ana\nLopez").subject


def test_given_a_naive_payment_time_then_the_receipt_refuses_to_guess_its_zone():
    with pytest.raises(ValueError, match="timezone-aware"):
        receipt(paid_at=datetime(2026, 5, 2, 3, 30))


def test_given_a_failed_payment_then_the_email_gives_the_reason_and_the_way_to_pay():
    email = payment_failed()

    assert email.subject == "Your payment of $84.00 did not go through"
    for part in (email.text, email.html):
        assert "Hi Ana Lopez," in part
        assert "Your payment of $84.00 to Sparkling Pools did not go through." in part
        assert "Your bank declined the card." in part
        assert "Visa ending 4242" in part
    assert f"Pay or update your card: {PAY_LINK}" in email.text
    assert f'href="{PAY_LINK.replace("&", "&amp;")}"' in email.html
    assert "Pay or update your card</a>" in email.html


def test_given_spanish_then_the_failed_payment_email_reads_in_spanish():
    email = payment_failed(
        language="es",
        method="Visa terminada en 4242",
        reason="Su banco ha rechazado la tarjeta.",
    )

    assert email.subject == "Su pago de $84.00 no se ha podido completar"
    for part in (email.text, email.html):
        assert "Hola, Ana Lopez:" in part
        assert "Su pago de $84.00 a Sparkling Pools no se ha podido completar." in part
        assert "Su banco ha rechazado la tarjeta." in part
        assert "Método de pago" in part
        assert "Visa terminada en 4242" in part
    assert f"Pagar o actualizar su tarjeta: {PAY_LINK}" in email.text
    assert "Pagar o actualizar su tarjeta</a>" in email.html
    assert 'lang="es"' in email.html


def test_given_a_reason_with_markup_then_the_failed_payment_html_escapes_it():
    email = payment_failed(reason='Declined <img src=x onerror="alert(1)">')

    assert "<img" not in email.html
    assert "Declined &lt;img src=x" in email.html
    assert 'Declined <img src=x onerror="alert(1)">' in email.text


# --- AutoPay: the notice, the expiring card, a failed charge and the run report --------------


def test_given_an_autopay_charge_ahead_when_the_notice_is_rendered_then_it_says_what_and_when():
    # Given $84.00 for invoice SP-2001 due to be charged to Visa 4242 on 3 May
    # When the notice is rendered
    email = autopay_notice()

    # Then the subject says how much and when
    assert email.subject == "AutoPay: $84.00 will be charged on May 3, 2026"
    # And both parts say it in one sentence, and what holding means
    for part in (email.text, email.html):
        assert "Hi Ana Lopez," in part
        assert (
            "We will charge $84.00 to Visa ending 4242 on May 3, 2026 for invoice SP-2001." in part
        )
        assert "takes it out of AutoPay until you release it" in part
        assert "you do not need to do anything" in part
    # And both parts offer to pay now and to hold the invoice, each with its own link
    assert f"Pay now: {PAY_NOW_LINK}" in email.text
    assert f"Hold this invoice: {HOLD_LINK}" in email.text
    assert href(PAY_NOW_LINK) in email.html
    assert href(HOLD_LINK) in email.html
    assert "Pay now</a>" in email.html
    assert "Hold this invoice</a>" in email.html


def test_given_spanish_when_the_autopay_notice_is_rendered_then_it_reads_in_spanish():
    email = autopay_notice(language="es", method="Visa terminada en 4242")

    assert email.subject == "Pago automático: cargaremos $84.00 el 3 de mayo de 2026"
    for part in (email.text, email.html):
        assert "Hola, Ana Lopez:" in part
        assert (
            "Cargaremos $84.00 en su Visa terminada en 4242 el 3 de mayo de 2026 "
            "por la factura SP-2001." in part
        )
        assert "queda fuera del pago automático hasta que usted la libere" in part
        assert "Su portal de clientes" in part
    assert f"Pagar ahora: {PAY_NOW_LINK}" in email.text
    assert f"Retener esta factura: {HOLD_LINK}" in email.text
    assert href(PAY_NOW_LINK) in email.html
    assert href(HOLD_LINK) in email.html
    assert 'lang="es"' in email.html


def test_given_an_autopay_card_expiring_then_the_reminder_shows_its_month_and_the_update_link():
    # Given the AutoPay card expires with June 2026
    # When the reminder is rendered
    email = card_expiring()

    # Then it names the card and the month and year, not a day
    assert email.subject == "Your AutoPay card expires soon"
    for part in (email.text, email.html):
        assert "Hi Ana Lopez," in part
        assert "Your Visa ending 4242, used for AutoPay, expires at the end of June 2026." in part
        assert "June 30" not in part
    # And its button updates the card
    assert f"Update your card: {UPDATE_LINK}" in email.text
    assert href(UPDATE_LINK) in email.html
    assert "Update your card</a>" in email.html


def test_given_spanish_then_the_card_expiry_reminder_reads_in_spanish():
    email = card_expiring(language="es", method="Visa terminada en 4242", expires=date(2026, 6, 1))

    assert email.subject == "La tarjeta de su pago automático caduca pronto"
    for part in (email.text, email.html):
        assert "Hola, Ana Lopez:" in part
        assert (
            "Su Visa terminada en 4242, que usa para el pago automático, caduca a finales de "
            "junio de 2026." in part
        )
        assert "1 de junio" not in part
    assert f"Actualizar su tarjeta: {UPDATE_LINK}" in email.text
    assert href(UPDATE_LINK) in email.html


def test_given_a_soft_decline_then_the_failed_autopay_email_gives_the_retry_date():
    # Given AutoPay failed for lack of funds and will retry on 6 May
    # When the customer's email is rendered
    email = autopay_failed()

    # Then it says what failed, why, with which card, and when AutoPay tries again
    assert email.subject == "AutoPay could not charge $84.00"
    for part in (email.text, email.html):
        assert "Hi Ana Lopez," in part
        assert "AutoPay could not charge $84.00 for invoice SP-2001." in part
        assert "Your card has insufficient funds." in part
        assert "Visa ending 4242" in part
        assert "We will try again on May 6, 2026." in part
    assert "Invoice: SP-2001" in email.text
    assert "Payment method: Visa ending 4242" in email.text
    # And its button pays now or updates the card
    assert f"Pay or update your card: {PAY_LINK}" in email.text
    assert href(PAY_LINK) in email.html
    assert "Pay or update your card</a>" in email.html


def test_given_the_bank_wants_the_customer_then_the_failed_autopay_email_sends_them_to_pay():
    # Given a charge that needs the customer's authentication (never retried off-session),
    # even if a retry date were passed by mistake
    email = autopay_failed(
        reason="Your bank asked you to confirm this payment.",
        needs_customer=True,
        retry_on=date(2026, 5, 6),
    )

    # Then there is no retry sentence: the customer is asked to pay in the portal
    for part in (email.text, email.html):
        assert "Your bank asked you to confirm this payment." in part
        assert "AutoPay cannot finish it without you" in part
        assert "try again" not in part
        assert "May 6" not in part
        assert "update your card" not in part.lower()
    assert f"Pay in the portal: {PAY_LINK}" in email.text
    assert href(PAY_LINK) in email.html
    assert "Pay in the portal</a>" in email.html


def test_given_a_hard_decline_then_the_failed_autopay_email_says_no_retry_will_be_made():
    email = autopay_failed(reason="Your card was reported lost.", retry_on=None)

    for part in (email.text, email.html):
        assert "Your card was reported lost." in part
        assert "AutoPay will not try this charge again." in part
        assert "We will try again" not in part
    assert f"Pay or update your card: {PAY_LINK}" in email.text
    assert href(PAY_LINK) in email.html


@pytest.mark.parametrize(
    ("retry_on", "needs_customer", "next_step", "button"),
    [
        (date(2026, 5, 6), False, "Lo intentaremos de nuevo el 6 de mayo de 2026.", None),
        (None, True, "el pago automático no puede completarlo sin usted", "Pagar en el portal"),
        (None, False, "El pago automático no volverá a intentar este cobro.", None),
    ],
)
def test_given_spanish_then_each_failed_autopay_email_reads_in_spanish(
    retry_on, needs_customer, next_step, button
):
    email = autopay_failed(
        language="es",
        method="Visa terminada en 4242",
        reason="Su tarjeta no tiene fondos suficientes.",
        retry_on=retry_on,
        needs_customer=needs_customer,
    )

    assert email.subject == "El pago automático no ha podido cobrar $84.00"
    button = button or "Pagar o actualizar su tarjeta"
    for part in (email.text, email.html):
        assert "Hola, Ana Lopez:" in part
        assert "El pago automático no ha podido cobrar $84.00 de la factura SP-2001." in part
        assert "Su tarjeta no tiene fondos suficientes." in part
        assert "Visa terminada en 4242" in part
        assert next_step in part
        assert button in part
    assert f"{button}: {PAY_LINK}" in email.text
    assert 'lang="es"' in email.html


def test_given_an_autopay_run_with_failures_then_the_report_lists_totals_and_every_failure():
    # Given a run that charged 3 invoices ($252.00), failed 2 and skipped 1
    # When the business's report is rendered
    email = run_summary()

    # Then the subject counts what was charged and what failed
    assert email.subject == "AutoPay run: 3 charged, 2 failed"
    # And both parts give the totals and each failure with its reason and retry
    for part in (email.text, email.html):
        assert "The AutoPay run for Sparkling Pools (May 3, 2026) has finished." in part
        assert "$252.00" in part
        assert "$209.50" in part  # $84.00 + $125.50 not charged
        for failure in FAILURES:
            assert failure.customer_name in part
            assert failure.invoice_number in part
            assert failure.reason in part
        assert "$84.00" in part
        assert "$125.50" in part
        assert "Retry on May 6, 2026" in part
        assert "No retry" in part
    assert "Invoices charged: 3" in email.text
    assert "Charges failed: 2" in email.text
    assert "Invoices skipped: 1" in email.text
    assert "- Ana Lopez, Invoice SP-2001: $84.00" in email.text
    assert "- Bob Smith, Invoice SP-2002: $125.50" in email.text
    assert re.search(r"Invoices skipped</td>\s*<td[^>]*>1</td>", email.html)
    assert re.search(r"SP-2002</td>\s*<td[^>]*>\$125\.50</td>", email.html)
    # And its button opens the run's report; the footer speaks to staff
    assert f"See the run report: {REPORT_LINK}" in email.text
    assert href(REPORT_LINK) in email.html
    assert "See the run report</a>" in email.html
    assert f"The customer portal: {PORTAL_URL}" in email.text


def test_given_spanish_then_the_run_report_reads_in_spanish_with_singular_and_plural():
    email = run_summary(language="es", run_label="3 de mayo de 2026", charged_count=1)

    assert email.subject == "Pago automático: 1 cobro realizado, 2 fallidos"
    for part in (email.text, email.html):
        assert "Ha terminado la ejecución del pago automático de Sparkling Pools" in part
        assert "Facturas cobradas" in part
        assert "Reintento el 6 de mayo de 2026" in part
        assert "Sin reintento" in part
        assert "El portal de clientes" in part
    assert "- Bob Smith, Factura SP-2002: $125.50" in email.text
    assert f"Ver el informe de la ejecución: {REPORT_LINK}" in email.text
    assert 'lang="es"' in email.html
    assert run_summary(language="es", failures=FAILURES[:1]).subject == (
        "Pago automático: 3 cobros realizados, 1 fallido"
    )


def test_given_a_run_without_failures_then_the_report_says_so_instead_of_an_empty_table():
    email = run_summary(failures=[])

    assert email.subject == "AutoPay run: 3 charged, 0 failed"
    for part in (email.text, email.html):
        assert "No charge failed." in part
        assert "Failed charges" not in part
    assert "<th" not in email.html


def test_given_a_customer_name_with_markup_then_the_run_report_html_escapes_it():
    failure = RunFailure(
        customer_name='<img src=x onerror="alert(1)">Ana',
        invoice_number="<b>SP-1</b>",
        amount=8400,
        reason="card_declined: <i>declined</i>",
        retry_on=None,
    )

    email = run_summary(failures=[failure])

    assert "<img" not in email.html
    assert "<b>SP-1" not in email.html
    assert "<i>declined" not in email.html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;Ana" in email.html
    assert "&lt;b&gt;SP-1&lt;/b&gt;" in email.html
    assert '<img src=x onerror="alert(1)">Ana' in email.text


def test_given_line_breaks_in_the_values_then_the_autopay_subjects_stay_one_line():
    letter = Letterhead(business_name="Sparkling\r\nBcc: x@evil.test", portal_url=PORTAL_URL)
    broken = "SP-1\r\nBcc: x@evil.test"

    subjects = [
        autopay_notice(letter, customer_name=broken, invoice_number=broken).subject,
        card_expiring(letter, customer_name=broken, method=broken).subject,
        autopay_failed(letter, customer_name=broken, invoice_number=broken).subject,
        run_summary(letter, run_label=broken).subject,
    ]

    for subject in subjects:
        assert "\n" not in subject
        assert "\r" not in subject


def change_request(**overrides):
    values = {
        "customer_name": "Ana Lopez",
        "customer_email": "ana@example.com",
        "estimate_number": "EST-501",
        "total": 85000,
        "currency": "USD",
        "message": "Black aluminium, please.",
    } | overrides
    return render_estimate_change_request(head(), **values)


def test_given_a_change_request_then_the_office_reads_who_which_estimate_and_the_words():
    email = change_request(message="Black aluminium, please.\n<b>Thanks</b> {business}")

    assert email.subject == "Ana Lopez asked for changes to estimate EST-501"
    for part in (email.text, email.html):
        assert "$850.00" in part
        assert "ana@example.com" in part
    assert "<b>Thanks</b> {business}" in email.text  # word for word, never a template
    assert "&lt;b&gt;Thanks&lt;/b&gt; {business}" in email.html
    spanish = change_request(language="es")
    assert spanish.subject == "Ana Lopez ha pedido cambios en el presupuesto EST-501"
    assert "Su mensaje" in spanish.text
