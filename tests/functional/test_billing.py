"""The customer's billing pages: only sent invoices count and show; each page is one
DynamoDB request; the rules follow the business's settings and time zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.support.api import call
from tests.support.factories import (
    a_business,
    customer_body,
    estimate_body,
    invoice_body,
    visit_body,
)
from tests.support.sessions import PASSWORD, bearer, signed_up


def put(biz, path, body):
    response = call("PUT", path, body, api_key=biz.api_key)
    assert response.status in (200, 201), response.body
    return response


@pytest.fixture
def world(services, clock):
    """Clock: 2026-05-01 15:00 UTC. cust-1 has two sent invoices (one past due), a draft and
    a voided one, a scheduled visit and a sent estimate; cust-2 has an invoice of its own."""
    biz = a_business(services)
    put(biz, "/v1/admin/portal", {"enabled": True})
    put(biz, "/v1/admin/customers/cust-1", customer_body())
    put(biz, "/v1/admin/customers/cust-2", customer_body(name="Ben", email="ben@example.com"))
    put(
        biz,
        "/v1/admin/invoices/inv-old",
        invoice_body(number="INV-1", issue_date="2026-04-01", due_date="2026-04-15"),
    )
    put(
        biz,
        "/v1/admin/invoices/inv-new",
        invoice_body(
            number="INV-2",
            issue_date="2026-04-20",
            due_date="2026-05-20",
            total=5400,
            tax_amount=400,
            lines=[{"description": "Filter clean", "quantity": 1, "unit_amount": 5000}],
        ),
    )
    put(biz, "/v1/admin/invoices/inv-draft", invoice_body(number="INV-3", status="draft"))
    put(biz, "/v1/admin/invoices/inv-void", invoice_body(number="INV-4", status="void"))
    put(biz, "/v1/admin/invoices/inv-ben", invoice_body("cust-2", number="INV-9"))
    put(biz, "/v1/admin/visits/visit-next", visit_body(status="scheduled", date="2026-05-05"))
    put(biz, "/v1/admin/visits/visit-later", visit_body(status="scheduled", date="2026-05-12"))
    put(biz, "/v1/admin/visits/visit-past", visit_body(status="completed", date="2026-04-20"))
    put(biz, "/v1/admin/estimates/est-1", estimate_body())
    session = signed_up(services, biz.business_id, "cust-1", "ana@example.com")
    return biz, bearer(session)


def get(headers, path):
    return call("GET", path, headers=headers)


def test_dashboard_shows_balance_past_due_next_visit_and_counts_in_one_request(world, aws_calls):
    _, headers = world
    with aws_calls.counting():
        response = get(headers, "/v1/me")

    assert response.status == 200, response.body
    assert dict(aws_calls.calls) == {"dynamodb:BatchGetItem": 1}
    home = response.json()
    assert home["balance_due"] == 9900 + 5400  # the draft and the voided invoice do not count
    assert home["past_due_amount"] == 9900
    assert home["past_due"] is True
    assert home["open_invoice_count"] == 2
    assert home["open_estimate_count"] == 1
    assert home["next_visit"] == {"visit_id": "visit-next", "date": "2026-05-05"}
    assert home["currency"] == "USD"
    assert home["invoices_available"] is True
    assert home["business"]["business_name"] == "Sparkling Pools"
    assert home["business"]["contact"]["phone"] == "+1 512 555 0100"
    assert home["autopay"] == {"enabled": False, "payment_method": None}


def test_past_due_follows_the_business_time_zone(world, clock):
    biz, _ = world
    # 04:55 UTC on Apr 16 is still 23:55 on Apr 15 in Austin (CDT): not past due yet.
    clock.set(datetime(2026, 4, 16, 4, 55, tzinfo=UTC))
    call("POST", "/v1/auth/logout")
    evening = bearer(login_again(biz))
    assert get(evening, "/v1/me").json()["past_due_amount"] == 0
    clock.set(datetime(2026, 4, 16, 5, 5, tzinfo=UTC))  # 00:05 on Apr 16 in Austin
    assert get(evening, "/v1/me").json()["past_due_amount"] == 9900


def login_again(biz):
    response = call(
        "POST",
        f"/v1/portals/{biz.slug}/login",
        {"email": "ana@example.com", "password": PASSWORD},
    )
    assert response.status == 200, response.body
    return response


def test_invoice_list_shows_only_sent_invoices_unpaid_first_then_newest_in_one_query(
    world, aws_calls
):
    _, headers = world
    with aws_calls.counting():
        response = get(headers, "/v1/me/invoices")

    assert response.status == 200, response.body
    assert dict(aws_calls.calls) == {"dynamodb:Query": 1}
    numbers = [invoice["number"] for invoice in response.json()["items"]]
    assert numbers == ["INV-2", "INV-1"]
    first = response.json()["items"][1]
    assert first["past_due"] is True
    assert first["pdf_url"] == "/v1/me/invoices/inv-old/pdf"


def test_invoice_filters(world):
    _, headers = world
    assert len(get(headers, "/v1/me/invoices?status=open").json()["items"]) == 2
    assert get(headers, "/v1/me/invoices?status=paid").json()["items"] == []


def test_invoice_list_pages_with_a_cursor(world):
    _, headers = world
    first = get(headers, "/v1/me/invoices?limit=1").json()
    second = get(headers, f"/v1/me/invoices?limit=1&cursor={first['next_cursor']}").json()
    assert [first["items"][0]["number"], second["items"][0]["number"]] == ["INV-2", "INV-1"]


def test_invoice_detail_has_lines_totals_and_payments(world, aws_calls):
    _, headers = world
    with aws_calls.counting():
        response = get(headers, "/v1/me/invoices/inv-old")
    assert dict(aws_calls.calls) == {"dynamodb:GetItem": 1}
    invoice = response.json()
    assert invoice["lines"][0]["amount"] == 8000
    assert (invoice["subtotal"], invoice["tax_amount"], invoice["total"]) == (9500, 400, 9900)
    assert (invoice["amount_paid"], invoice["amount_due"]) == (0, 9900)
    assert invoice["due_date"] == "2026-04-15"
    assert invoice["status"] == "sent"
    assert invoice["applied_payments"] == []


@pytest.mark.parametrize("invoice_id", ["inv-draft", "inv-void", "inv-ben", "nope"])
def test_drafts_voided_unknown_and_other_customers_invoices_are_404(world, invoice_id):
    _, headers = world
    response = get(headers, f"/v1/me/invoices/{invoice_id}")
    assert response.status == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_draft_appears_and_counts_once_marked_sent(world):
    biz, headers = world
    put(
        biz,
        "/v1/admin/invoices/inv-draft",
        invoice_body(number="INV-3", status="sent", issue_date="2026-04-25", due_date="2026-05-25"),
    )

    numbers = [i["number"] for i in get(headers, "/v1/me/invoices").json()["items"]]
    assert numbers == ["INV-3", "INV-2", "INV-1"]
    assert get(headers, "/v1/me").json()["balance_due"] == 9900 + 5400 + 9900


def test_a_voided_invoice_leaves_the_list_and_the_balance(world):
    biz, headers = world
    put(biz, "/v1/admin/invoices/inv-new", invoice_body(number="INV-2", status="void"))
    assert [i["number"] for i in get(headers, "/v1/me/invoices").json()["items"]] == ["INV-1"]
    assert get(headers, "/v1/me").json()["balance_due"] == 9900


def test_customer_who_gets_no_invoices_sees_no_invoices_tab(world, services):
    biz, _ = world
    put(
        biz,
        "/v1/admin/customers/cust-2",
        customer_body(name="Ben", email="ben@example.com", send_invoices=False),
    )
    headers = bearer(signed_up(services, biz.business_id, "cust-2", "ben@example.com"))

    home = get(headers, "/v1/me").json()
    assert home["invoices_available"] is False
    assert "invoices" not in home["tabs"]
    assert home["notice"]
    for path in ("/v1/me/invoices", "/v1/me/invoices/inv-ben", "/v1/me/invoices/inv-ben/pdf"):
        response = get(headers, path)
        assert response.status == 403
        assert response.json()["error"]["code"] == "invoices_unavailable"


def test_a_tab_the_business_turned_off_is_refused(world, services):
    biz, _ = world
    put(biz, "/v1/admin/portal", {"tabs": {"statement": False}})
    headers = bearer(signed_up(services, biz.business_id, "cust-2", "ben@example.com"))
    assert get(headers, "/v1/me/statement").status == 403


@pytest.mark.parametrize("cursor", ["garbage!", "eyJQSyI6IngiLCJTSyI6InkiLCJHU0kzUEsiOiJ4In0"])
def test_tampered_cursor_is_400(world, cursor):
    _, headers = world
    response = get(headers, f"/v1/me/invoices?cursor={cursor}")
    assert response.status == 400
    assert response.json()["error"]["code"] == "invalid_cursor"


def test_a_cursor_from_another_customer_is_400(world, services):
    biz, headers = world
    put(biz, "/v1/admin/invoices/inv-ben-2", invoice_body("cust-2", number="INV-10"))
    ben = bearer(signed_up(services, biz.business_id, "cust-2", "ben@example.com"))
    cursor = get(ben, "/v1/me/invoices?limit=1").json()["next_cursor"]
    assert cursor
    assert get(headers, f"/v1/me/invoices?cursor={cursor}").status == 400


def test_payments_list_is_one_query(world, aws_calls):
    _, headers = world
    with aws_calls.counting():
        response = get(headers, "/v1/me/payments")
    assert response.status == 200
    assert response.json() == {"items": [], "next_cursor": None}
    assert dict(aws_calls.calls) == {"dynamodb:Query": 1}


def test_statement_has_opening_entries_running_balance_and_closing(world, aws_calls):
    _, headers = world
    with aws_calls.counting():
        response = get(headers, "/v1/me/statement?from=2026-04-10&to=2026-04-30")
    assert response.status == 200, response.body
    assert dict(aws_calls.calls) == {"dynamodb:Query": 1}
    statement = response.json()
    assert statement["opening_balance"] == 9900  # INV-1 was issued before the range
    assert [(e["reference"], e["amount"], e["balance"]) for e in statement["entries"]] == [
        ("INV-2", 5400, 15300)
    ]
    assert statement["closing_balance"] == 15300
    assert statement["currency"] == "USD"


def test_statement_defaults_to_the_last_90_days(world):
    _, headers = world
    statement = get(headers, "/v1/me/statement").json()
    assert (statement["from_date"], statement["to_date"]) == ("2026-01-31", "2026-05-01")
    assert statement["opening_balance"] == 0
    assert statement["closing_balance"] == 15300


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("from=2026-05-01&to=2026-04-01", "invalid_range"),
        ("from=2019-01-01&to=2026-04-01", "range_too_long"),
        ("from=1999-01-01&to=2000-01-01", "invalid_range"),
        ("from=2026-13-01", "invalid_date"),
        ("to=yesterday", "invalid_date"),
        ("format=xml", "invalid_format"),
    ],
)
def test_statement_bad_input_is_400(world, query, code):
    _, headers = world
    response = get(headers, f"/v1/me/statement?{query}")
    assert response.status == 400
    assert response.json()["error"]["code"] == code


def test_a_year_end_statement_is_a_calendar_year(world):
    _, headers = world
    statement = get(headers, "/v1/me/statement?from=2026-01-01&to=2026-12-31").json()
    assert statement["closing_balance"] == 15300


def pdf_text(body: bytes) -> str:
    from io import BytesIO

    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(body)).pages)


def test_invoice_pdf_opens_and_shows_the_amounts_and_portal_link(world, aws_calls):
    _, headers = world
    with aws_calls.counting():
        response = get(headers, "/v1/me/invoices/inv-old/pdf")

    assert response.status == 200, response.body[:300]
    assert dict(aws_calls.calls) == {"dynamodb:BatchGetItem": 1}
    assert response.headers["content-type"] == "application/pdf"
    assert response.body.startswith(b"%PDF")
    text = pdf_text(response.body)
    for expected in (
        "Sparkling Pools",
        "INV-1",
        "$99.00",
        "Ana Lopez",
        "http://portal.test/p/sparkling-pools",
    ):
        assert expected in text, expected


def test_invoice_pdf_in_spanish(world):
    _, headers = world
    text = pdf_text(get(headers, "/v1/me/invoices/inv-old/pdf?lang=es").body)
    assert "Factura" in text or "FACTURA" in text


@pytest.mark.parametrize("invoice_id", ["inv-draft", "inv-ben"])
def test_no_pdf_for_a_draft_or_someone_elses_invoice(world, invoice_id):
    _, headers = world
    assert get(headers, f"/v1/me/invoices/{invoice_id}/pdf").status == 404


def test_statement_as_csv_and_pdf(world):
    _, headers = world
    csv_response = get(headers, "/v1/me/statement?from=2026-04-10&to=2026-04-30&format=csv")
    assert csv_response.status == 200
    assert csv_response.headers["content-type"].startswith("text/csv")
    rows = csv_response.body.decode().splitlines()
    assert rows[0] == "date,kind,reference,description,amount,balance"
    assert any("INV-2" in row and "54.00" in row and "153.00" in row for row in rows)

    pdf = get(headers, "/v1/me/statement?from=2026-04-10&to=2026-04-30&format=pdf")
    assert pdf.status == 200
    text = pdf_text(pdf.body)
    assert "INV-2" in text
    assert "$153.00" in text


def test_unknown_receipt_is_404(world):
    _, headers = world
    response = get(headers, "/v1/me/payments/pay-nope/receipt")
    assert response.status == 404
    assert response.json()["error"]["message"] == "No such payment."  # the route, not a miss


def test_statement_dates_are_the_business_dates_in_the_evening(world, clock):
    biz, _ = world
    clock.set(datetime(2026, 5, 2, 3, 30, tzinfo=UTC))  # 22:30 on May 1 in Austin
    evening = bearer(login_again(biz))

    statement = get(evening, "/v1/me/statement").json()

    assert statement["to_date"] == "2026-05-01"
    assert statement["generated_on"] == "2026-05-01"
    assert "Generated May 1, 2026" in pdf_text(get(evening, "/v1/me/statement?format=pdf").body)
