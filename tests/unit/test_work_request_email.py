"""The office's email about a work request: who asked, what for, when, in English or
Spanish, with the customer's words escaped in the HTML part and one line in the subject."""

from __future__ import annotations

from datetime import date

from portico.email.render import render_work_request
from tests.unit.test_email_rendering import head


def rendered(language="en", **overrides):
    values = {
        "customer_name": "Ana Lopez",
        "customer_email": "ana@example.com",
        "customer_phone": "(512) 555-0101",
        "service_address": "12 Oak Ave, Austin",
        "service": "Green pool cleanup",
        "description": "Green since the storm.\nGate code 1234.",
        "preferred_dates": [date(2026, 5, 4), date(2026, 5, 6)],
        "photo_count": 2,
        "request_id": "wr_0123456789abcdef0123",
        "link": "https://portal.test/admin/work-requests/wr_0123456789abcdef0123",
        "language": language,
    } | overrides
    return render_work_request(head(), **values)


def test_the_office_email_says_who_asked_for_what_and_when():
    email = rendered()
    assert email.subject == "New work request from Ana Lopez: Green pool cleanup"
    for part in (email.text, email.html):
        assert "ana@example.com" in part
        assert "May 4, 2026, May 6, 2026" in part
        assert "wr_0123456789abcdef0123" in part
        assert "https://portal.test/admin/work-requests/wr_0123456789abcdef0123" in part
    assert "Green since the storm.\nGate code 1234." in email.text
    assert "Photos: 2" in email.text


def test_the_customers_words_are_escaped_and_the_subject_is_one_line():
    email = rendered(
        customer_name="Eve\nBcc: x@example.com",
        service="<b>Repair</b>",
        description='<script>alert("x")</script>',
    )
    assert "\n" not in email.subject
    assert "<script>" not in email.html
    assert "&lt;script&gt;" in email.html
    assert "<b>Repair</b>" not in email.html


def test_in_spanish_with_no_dates():
    email = rendered("es", preferred_dates=[], customer_phone=None)
    assert email.subject == "Nueva solicitud de trabajo de Ana Lopez: Green pool cleanup"
    assert "Fechas preferidas: Ninguna" in email.text
    assert "Teléfono" not in email.text
