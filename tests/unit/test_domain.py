"""Domain rules that need no AWS: money, lines, invoice status, slugs."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from pydantic import ValidationError

from portico.domain.billing import Invoice, InvoiceRecord, InvoiceStatus
from portico.domain.common import Line
from portico.services.portals import slug_problem


def an_invoice(**overrides):
    values = {
        "customer_id": "c1",
        "number": "1",
        "status": "sent",
        "issue_date": date(2026, 4, 1),
        "due_date": date(2026, 4, 15),
        "currency": "usd",
        "lines": [{"description": "Service", "quantity": 1, "unit_amount": 5000}],
        "total": 5000,
        "invoice_id": "i1",
        "updated_at": datetime(2026, 4, 1, tzinfo=UTC),
    }
    return Invoice.model_validate(values | overrides)


@pytest.mark.parametrize(
    ("quantity", "unit_amount", "amount"),
    [(1, 2000, 2000), ("1.5", 1000, 1500), ("0.333", 100, 33), ("0.005", 100, 1), (2, -500, -1000)],
)
def test_line_amount_is_quantity_times_unit_rounded_half_up(quantity, unit_amount, amount):
    line = Line(description="x", quantity=Decimal(str(quantity)), unit_amount=unit_amount)
    assert line.amount == amount


def test_currency_is_normalised_to_iso_upper_case():
    assert an_invoice().currency == "USD"


def test_invoice_whose_lines_do_not_add_up_is_refused():
    with pytest.raises(ValidationError, match="does not equal"):
        InvoiceRecord.model_validate(
            an_invoice().model_dump(
                exclude=set(Invoice.model_fields) - set(InvoiceRecord.model_fields)
            )
            | {"total": 5001}
        )


@pytest.mark.parametrize(
    ("status", "paid", "expected", "counted"),
    [
        ("sent", 0, InvoiceStatus.SENT, 5000),
        ("sent", 2000, InvoiceStatus.PARTIALLY_PAID, 3000),
        ("sent", 5000, InvoiceStatus.PAID, 0),
        ("draft", 0, InvoiceStatus.DRAFT, 0),
        ("void", 0, InvoiceStatus.VOID, 0),
    ],
)
def test_portal_status_and_balance_follow_payments_and_only_sent_counts(
    status, paid, expected, counted
):
    invoice = an_invoice(status=status, amount_paid=paid)
    assert invoice.portal_status is expected
    assert invoice.counted_due == counted


@pytest.mark.parametrize(
    ("slug", "problem"),
    [
        ("sparkling-pools", None),
        ("abc", None),
        ("ab", "invalid"),
        ("a" * 41, "invalid"),
        ("Sparkling", "invalid"),
        ("spa--rk", "invalid"),
        ("-spark", "invalid"),
        ("admin", "reserved"),
        ("www", "reserved"),
    ],
)
def test_slug_rules(slug, problem):
    assert slug_problem(slug) == problem


def test_line_read_from_the_api_can_be_sent_back_but_a_wrong_amount_is_refused():
    line = Line.model_validate(
        {"description": "x", "quantity": 2, "unit_amount": 100, "amount": 200}
    )
    assert line.amount == 200
    with pytest.raises(ValidationError, match="not quantity x unit_amount"):
        Line.model_validate({"description": "x", "quantity": 2, "unit_amount": 100, "amount": 300})
