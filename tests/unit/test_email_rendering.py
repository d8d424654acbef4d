"""Rendering emails: merge tags, escaping, languages, and the letterhead on every email."""

from __future__ import annotations

import re
from datetime import UTC, datetime

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
    email_message,
    letterhead,
    render_account_email,
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
