"""Invoices, receipts and statements as PDF and CSV: what a customer reads in them.

The PDFs are read back with pypdf, so each assertion is about text a customer would see, not
about how fpdf2 drew it.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from pypdf import PdfReader

from portico.documents import (
    format_money,
    major_units,
    minor_unit_digits,
    render_invoice_pdf,
    render_receipt_pdf,
    render_statement_pdf,
    statement_csv,
)
from portico.documents.csv_export import neutralize
from portico.documents.labels import LABELS, format_date, language_of
from portico.domain.billing import (
    CrmInvoiceStatus,
    Invoice,
    InvoiceStatus,
    InvoiceView,
    Payment,
    PaymentApplication,
    PaymentStatus,
)
from portico.domain.business import LoginMethods, PortalTabs, PublicPortal
from portico.domain.common import Address, ContactDetails, Line
from portico.domain.customer import Customer
from portico.domain.statements import EntryKind, Statement, StatementEntry
from tests.support.images import jpeg, png

NOW = datetime(2026, 5, 3, 15, 30, tzinfo=UTC)
PORTAL_URL = "https://portal.test/p/sparkling-pools"
INVOICE_URL = PORTAL_URL + "/invoices/inv-1042"


# --- building the domain objects ------------------------------------------------------------


def business(name: str = "Sparkling Pools", country: str = "US", **overrides) -> PublicPortal:
    values = {
        "slug": "sparkling-pools",
        "business_name": name,
        "logo_url": "https://cdn.test/logo.png",
        "primary_color": "#0b6bcb",
        "contact": ContactDetails(
            email="office@sparkling.test",
            phone="(512) 555-0100",
            website="https://sparkling.test",
            address=Address(
                line1="1200 Barton Springs Rd",
                city="Austin",
                region="TX",
                postal_code="78704",
                country=country,
            ),
        ),
        "tabs": PortalTabs(),
        "login_methods": LoginMethods(),
    }
    return PublicPortal(**(values | overrides))


def customer(name: str = "Ana Lopez") -> Customer:
    return Customer(
        customer_id="cust-1",
        name=name,
        email="ana@example.com",
        phone="(512) 555-0199",
        service_address=Address(
            line1="77 Lakeview Dr", city="Austin", region="TX", postal_code="78731"
        ),
        updated_at=NOW,
    )


def invoice(
    lines: list[Line] | None = None,
    *,
    currency: str = "USD",
    tax: int = 1234,
    paid: int = 10_000,
    number: str = "INV-1042",
    memo: str | None = "Gate code 4411.",
) -> InvoiceView:
    lines = lines or [
        Line(description="Weekly pool service", quantity=Decimal(4), unit_amount=4500),
        Line(description="Chlorine tabs, 25 lb bucket", quantity=Decimal("1.5"), unit_amount=8999),
        Line(description="Loyalty discount", unit_amount=-1000),
    ]
    subtotal = sum(line.amount for line in lines)
    return InvoiceView.of(
        Invoice(
            invoice_id="inv-1042",
            customer_id="cust-1",
            number=number,
            status=CrmInvoiceStatus.SENT,
            issue_date=date(2026, 5, 1),
            due_date=date(2026, 5, 15),
            currency=currency,
            lines=lines,
            tax_amount=tax,
            total=subtotal + tax,
            amount_paid=paid,
            memo=memo,
            updated_at=NOW,
        )
    )


def statement(entries: int = 4, opening: int = 5_000) -> Statement:
    rows = []
    balance = opening
    for index in range(entries):
        is_invoice = index % 2 == 0
        amount = 8_400 if is_invoice else -8_400
        balance += amount
        rows.append(
            StatementEntry(
                date=date(2026, 1, 1 + index % 28),
                kind=EntryKind.INVOICE if is_invoice else EntryKind.PAYMENT,
                reference=f"INV-{1000 + index}" if is_invoice else f"pay_{index}",
                description=f"Entry {index:03d} weekly service"
                if is_invoice
                else f"Entry {index:03d} payment, Visa 4242",
                amount=amount,
                balance=balance,
            )
        )
    return Statement(
        customer_id="cust-1",
        currency="USD",
        from_date=date(2026, 1, 1),
        to_date=date(2026, 3, 31),
        opening_balance=opening,
        entries=rows,
        closing_balance=balance,
        generated_at=NOW,
        generated_on=NOW.date(),
    )


def payment(applied: list[PaymentApplication] | None = None, amount: int = 30_000) -> Payment:
    return Payment(
        payment_id="pay_789",
        customer_id="cust-1",
        amount=amount,
        currency="USD",
        status=PaymentStatus.SUCCEEDED,
        method_summary="Visa ending 4242",
        applied_to=applied
        if applied is not None
        else [PaymentApplication(invoice_id="inv-1042", amount=25_000)],
        created_at=NOW,
    )


def read(pdf: bytes) -> tuple[PdfReader, str]:
    """The document and all its text, whitespace collapsed so wrapped cells read as one."""
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    return reader, re.sub(r"\s+", " ", text)


def page_texts(reader: PdfReader) -> list[str]:
    return [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


# --- money ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "printed"),
    [
        (123_456, "USD", "$1,234.56"),
        (-8_400, "USD", "-$84.00"),
        (0, "USD", "$0.00"),
        (5, "usd", "$0.05"),
        (123_456, "EUR", "€1,234.56"),
        (123_456, "CAD", "CAD 1,234.56"),
        (-8_400, "GBP", "GBP -84.00"),
        (1_235, "JPY", "JPY 1,235"),
        (1_500_000, "KRW", "KRW 1,500,000"),
        (1_234_567, "KWD", "KWD 1,234.567"),
    ],
)
def test_given_minor_units_when_formatted_then_the_currency_decides_symbol_and_decimals(
    amount, currency, printed
):
    assert format_money(amount, currency) == printed


def test_given_zero_decimal_currencies_then_no_minor_unit_is_invented():
    assert minor_unit_digits("JPY") == 0
    assert minor_unit_digits("KRW") == 0
    assert minor_unit_digits("USD") == 2
    assert major_units(1_235, "JPY") == "1235"
    assert major_units(-8_400, "USD") == "-84.00"
    assert major_units(7, "USD") == "0.07"


# --- labels ---------------------------------------------------------------------------------


def test_given_the_label_dicts_then_spanish_has_every_english_label():
    assert set(LABELS["es"]) == set(LABELS["en"])


def test_given_a_regional_or_unknown_language_then_the_closest_supported_one_is_used():
    assert language_of("es-MX") == "es"
    assert language_of("fr") == "en"
    assert language_of(None) == "en"
    assert format_date(date(2026, 5, 3), "en") == "May 3, 2026"
    assert format_date(date(2026, 5, 3), "es") == "3 de mayo de 2026"


# --- invoice --------------------------------------------------------------------------------


def test_given_an_invoice_when_rendered_then_the_customer_reads_what_is_owed_and_where_to_pay():
    view = invoice()

    pdf = render_invoice_pdf(view, business(), customer(), INVOICE_URL)

    assert pdf.startswith(b"%PDF")
    reader, text = read(pdf)
    assert len(reader.pages) == 1
    for expected in (
        "Sparkling Pools",
        "1200 Barton Springs Rd",
        "office@sparkling.test",
        "INVOICE",
        "INV-1042",
        "May 1, 2026",
        "May 15, 2026",
        "Partially paid",
        "Ana Lopez",
        "77 Lakeview Dr",
        "Weekly pool service",
        "$45.00",
        "$180.00",
        "1.5",
        "$134.99",  # 1.5 x $89.99 = $134.985, rounded half up
        "-$10.00",
        "Subtotal $304.99",  # 180.00 + 134.99 - 10.00
        "Tax $12.34",
        "Total $317.33",
        "Amount paid $100.00",
        "Amount due $217.33",
        "Gate code 4411.",
        f"Pay or view online: {INVOICE_URL}",
    ):
        assert expected in text, expected


def test_given_a_paid_invoice_then_its_status_reads_paid():
    view = invoice(paid=invoice().total)

    _, text = read(render_invoice_pdf(view, business(), customer(), INVOICE_URL))

    assert view.status is InvoiceStatus.PAID
    assert "Status Paid" in text
    assert "Amount due $0.00" in text


def test_given_the_portal_link_then_it_is_a_clickable_link_on_the_invoice():
    reader, _ = read(render_invoice_pdf(invoice(), business(), customer(), INVOICE_URL))

    uris = [
        annotation.get_object()["/A"]["/URI"]
        for annotation in reader.pages[0].get("/Annots", [])
        if "/A" in annotation.get_object()
    ]
    assert INVOICE_URL in uris


def test_given_120_lines_when_rendered_then_it_paginates_with_headings_and_link_on_every_page():
    lines = [
        Line(
            description=f"Service line {index:03d}: skim, brush, vacuum and balance the water"
            + (" after the storm, with extra debris removal" if index % 7 == 0 else ""),
            unit_amount=1_000 + index,
        )
        for index in range(120)
    ]

    reader, text = read(
        render_invoice_pdf(invoice(lines, memo=None), business(), customer(), INVOICE_URL)
    )

    pages = page_texts(reader)
    assert len(pages) > 1
    for line in lines:
        assert line.description in text, line.description
    for page in pages:
        assert "Description Qty Unit price Amount" in page  # the table heading, repeated
        assert f"Pay or view online: {INVOICE_URL}" in page
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]
    assert "Amount due" in pages[-1]


def test_given_one_very_long_description_then_it_wraps_instead_of_running_off_the_page():
    words = " ".join(f"word{index}" for index in range(60))

    _, text = read(
        render_invoice_pdf(
            invoice([Line(description=words, unit_amount=100)]), business(), customer(), INVOICE_URL
        )
    )

    assert words in text


@pytest.mark.parametrize(
    ("business_name", "customer_name", "readable"),
    [
        ("Piscinas Ñandú", "José Núñez", ["Piscinas Ñandú", "José Núñez"]),
        ("Łódź Pools", "Zoë Ærøskøbing", ["Łódź Pools", "Zoë Ærøskøbing"]),
        ("Καθαρές Πισίνες", "Дмитрий Иванов", ["Καθαρές Πισίνες", "Дмитрий Иванов"]),
        # Decomposed accents are composed before drawing.
        ("Cafe\u0301 Pools", "Jose\u0301", ["Café Pools", "José"]),
        # No glyph in DejaVu Sans: printed as "?", never a crash.
        ("李氏泳池", "山田 太郎", ["?? ??"]),
        ("Pools 👨\u200d👩\u200d👧 ☀\ufe0f", "Ana 🦄", ["Pools", "Ana"]),
    ],
)
def test_given_names_in_any_script_when_rendered_then_the_pdf_is_produced(
    business_name, customer_name, readable
):
    pdf = render_invoice_pdf(
        invoice(), business(business_name), customer(customer_name), INVOICE_URL
    )

    assert pdf.startswith(b"%PDF")
    _, text = read(pdf)
    for expected in readable:
        assert expected in text


def test_given_spanish_when_rendered_then_labels_and_dates_are_spanish():
    _, text = read(
        render_invoice_pdf(invoice(), business(), customer(), INVOICE_URL, language="es")
    )

    for expected in (
        "FACTURA",
        "Número de factura",
        "Fecha de vencimiento 15 de mayo de 2026",
        "Pagada parcialmente",
        "FACTURAR A",
        "Descripción",
        "Importe pendiente",
        f"Pague o consulte en línea: {INVOICE_URL}",
        "Página 1 de 1",
    ):
        assert expected in text, expected
    assert "Amount due" not in text


def test_given_a_yen_invoice_then_amounts_have_no_decimals():
    view = invoice(
        [Line(description="Monthly service", quantity=Decimal(3), unit_amount=4_000)],
        currency="JPY",
        tax=1_200,
        paid=0,
    )

    _, text = read(render_invoice_pdf(view, business(), customer(), INVOICE_URL))

    assert "JPY 4,000" in text
    assert "Total JPY 13,200" in text
    assert "Amount due JPY 13,200" in text
    assert "13,200.00" not in text


def test_given_the_business_country_then_the_paper_size_follows_local_custom():
    letter, _ = read(render_invoice_pdf(invoice(), business(), customer(), INVOICE_URL))
    a4, _ = read(render_invoice_pdf(invoice(), business(country="ES"), customer(), INVOICE_URL))

    assert round(float(letter.pages[0].mediabox.width)) == 612  # 8.5 in
    assert round(float(a4.pages[0].mediabox.width)) == 595  # 210 mm


def test_given_a_pale_brand_colour_then_the_invoice_still_renders():
    pdf = render_invoice_pdf(invoice(), business(primary_color="#fffff0"), customer(), INVOICE_URL)

    assert "Sparkling Pools" in read(pdf)[1]


# --- the logo -------------------------------------------------------------------------------

MM = 72 / 25.4  # points per millimetre


def drawn_logo_size(pdf: bytes) -> tuple[float, float]:
    """The width and height, in mm, at which page 1 draws its one image."""
    content = PdfReader(io.BytesIO(pdf)).pages[0].get_contents().get_data().decode("latin-1")
    found = re.findall(r"([\d.]+) 0 0 ([\d.]+) [\d.-]+ [\d.-]+ cm /I\w+ Do", content)
    assert len(found) == 1, found
    width, height = (float(value) / MM for value in found[0])
    return width, height


def test_given_a_png_logo_when_an_invoice_is_rendered_then_the_logo_heads_it_with_the_name():
    pdf = render_invoice_pdf(invoice(), business(), customer(), INVOICE_URL, logo=png())

    reader, text = read(pdf)
    assert len(reader.pages[0].images) == 1
    assert "Sparkling Pools" in text
    assert "Amount due $217.33" in text


def test_given_no_logo_then_the_invoice_has_no_image():
    reader, text = read(render_invoice_pdf(invoice(), business(), customer(), INVOICE_URL))

    assert list(reader.pages[0].images) == []
    assert "Sparkling Pools" in text


def test_given_a_jpeg_logo_then_receipts_and_statements_print_it_too():
    logo = jpeg()

    receipt = render_receipt_pdf(payment(), [], business(), customer(), PORTAL_URL, logo=logo)
    statement_pdf = render_statement_pdf(statement(), business(), customer(), PORTAL_URL, logo=logo)

    for pdf in (receipt, statement_pdf):
        reader, text = read(pdf)
        assert len(reader.pages[0].images) == 1
        assert "Sparkling Pools" in text


@pytest.mark.parametrize(
    ("size", "expected"),
    [((400, 40), (40.0, 4.0)), ((40, 400), (2.0, 20.0)), ((20, 10), (40.0, 20.0))],
    ids=["wide", "tall", "small"],
)
def test_given_any_shape_of_logo_then_it_fits_40_by_20_mm_without_distortion(size, expected):
    pdf = render_invoice_pdf(invoice(), business(), customer(), INVOICE_URL, logo=png(size))

    width, height = drawn_logo_size(pdf)

    assert width == pytest.approx(expected[0], abs=0.05)
    assert height == pytest.approx(expected[1], abs=0.05)


@pytest.mark.parametrize(
    "logo",
    [b"not an image", b"\x89PNG\r\n\x1a\n" + b"\0" * 40, b""],
    ids=["garbage", "broken png", "empty"],
)
def test_given_a_logo_that_cannot_be_drawn_then_the_document_is_still_produced(logo):
    pdf = render_invoice_pdf(invoice(), business(), customer(), INVOICE_URL, logo=logo)

    reader, text = read(pdf)
    assert list(reader.pages[0].images) == []
    assert "Sparkling Pools" in text
    assert "Amount due $217.33" in text


# --- receipt --------------------------------------------------------------------------------


def test_given_a_payment_when_receipted_then_amount_date_method_invoices_and_link_are_shown():
    view = invoice()

    pdf = render_receipt_pdf(payment(), {view.invoice_id: view}, business(), customer(), PORTAL_URL)

    assert pdf.startswith(b"%PDF")
    _, text = read(pdf)
    for expected in (
        "Sparkling Pools",
        "PAYMENT RECEIPT",
        "pay_789",
        "May 3, 2026",
        "Visa ending 4242",
        "Ana Lopez",
        "Amount paid $300.00",
        "Invoice INV-1042",
        "$250.00",
        "Account credit $50.00",  # the part of the payment no invoice took
        "Thank you for your payment.",
        f"View your account online: {PORTAL_URL}",
    ):
        assert expected in text, expected


def test_given_invoices_as_a_list_or_unknown_then_the_receipt_still_names_each_invoice():
    applied = [
        PaymentApplication(invoice_id="inv-1042", amount=20_000),
        PaymentApplication(invoice_id="inv-77", invoice_number="INV-0077", amount=5_000),
        PaymentApplication(invoice_id="inv-88", amount=5_000),
    ]

    _, text = read(
        render_receipt_pdf(payment(applied), [invoice()], business(), customer(), PORTAL_URL)
    )

    assert "Invoice INV-1042" in text
    assert "Invoice INV-0077" in text
    assert "Invoice inv-88" in text
    assert "Account credit" not in text


def test_given_the_business_time_zone_then_a_late_evening_payment_is_dated_locally():
    late = payment().model_copy(update={"created_at": datetime(2026, 5, 4, 2, 0, tzinfo=UTC)})

    _, utc_text = read(render_receipt_pdf(late, [invoice()], business(), customer(), PORTAL_URL))
    _, local_text = read(
        render_receipt_pdf(
            late, [invoice()], business(), customer(), PORTAL_URL, timezone="America/Chicago"
        )
    )

    assert "May 4, 2026" in utc_text
    assert "May 3, 2026" in local_text


def test_given_spanish_then_the_receipt_is_spanish():
    _, text = read(
        render_receipt_pdf(payment(), [invoice()], business(), customer(), PORTAL_URL, "es")
    )

    assert "RECIBO DE PAGO" in text
    assert "Importe pagado $300.00" in text
    assert "Crédito en cuenta $50.00" in text
    assert f"Consulte su cuenta en línea: {PORTAL_URL}" in text


# --- statement PDF --------------------------------------------------------------------------


def test_given_a_statement_when_rendered_then_balances_and_every_entry_are_shown():
    st = statement(entries=4)

    pdf = render_statement_pdf(st, business(), customer(), PORTAL_URL)

    assert pdf.startswith(b"%PDF")
    _, text = read(pdf)
    for expected in (
        "STATEMENT",
        "Jan 1, 2026 \u2013 Mar 31, 2026",  # an en dash
        "Ana Lopez",
        "Opening balance $50.00",
        "INV-1000",
        "Invoice INV-1000 Entry 000 weekly service $84.00 $134.00",
        "Payment pay_1 Entry 001 payment, Visa 4242 -$84.00 $50.00",
        "Closing balance $50.00",
        f"View your account online: {PORTAL_URL}",
    ):
        assert expected in text, expected


def test_given_a_year_of_entries_then_the_statement_paginates_and_keeps_every_entry():
    st = statement(entries=90)

    reader, text = read(render_statement_pdf(st, business(), customer(), PORTAL_URL))

    pages = page_texts(reader)
    assert len(pages) > 1
    for entry in st.entries:
        assert entry.description in text
    for page in pages:
        assert "Date Type Reference Description Amount Balance" in page
        assert PORTAL_URL in page


def test_given_an_empty_period_then_the_statement_says_so():
    _, text = read(
        render_statement_pdf(statement(entries=0), business(), customer(), PORTAL_URL, "es")
    )

    assert "Saldo inicial $50.00" in text
    assert "Saldo final $50.00" in text
    assert "Sin movimientos en este período." in text


# --- statement CSV --------------------------------------------------------------------------


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_given_a_statement_when_exported_then_csv_has_header_opening_entries_and_closing():
    st = statement(entries=4)

    text = statement_csv(st)

    rows = rows_of(text)
    assert rows[0] == ["date", "kind", "reference", "description", "amount", "balance"]
    assert rows[1] == ["2026-01-01", "opening_balance", "", "Opening balance", "", "50.00"]
    assert rows[2] == [
        "2026-01-01",
        "invoice",
        "INV-1000",
        "Entry 000 weekly service",
        "84.00",
        "134.00",
    ]
    assert rows[3][4:] == ["-84.00", "50.00"]
    assert rows[-1] == ["2026-03-31", "closing_balance", "", "Closing balance", "", "50.00"]
    assert len(rows) == 1 + 1 + 4 + 1
    assert text.endswith("\r\n")
    assert "\r\n" in text.split("\r\n", 1)[0] + "\r\n"  # RFC 4180 line ends


def test_given_the_csv_then_each_balance_is_the_previous_plus_the_amount():
    rows = rows_of(statement_csv(statement(entries=9, opening=-2_500)))

    balance = Decimal(rows[1][5])
    assert balance == Decimal("-25.00")
    for row in rows[2:-1]:
        balance += Decimal(row[4])
        assert Decimal(row[5]) == balance
    assert Decimal(rows[-1][5]) == balance


def test_given_descriptions_that_spreadsheets_would_run_then_they_are_exported_as_text():
    st = statement(entries=0).model_copy(
        update={
            "entries": [
                StatementEntry(
                    date=date(2026, 1, 2),
                    kind=EntryKind.CREDIT,
                    reference=reference,
                    description=description,
                    amount=-100,
                    balance=4_900,
                )
                for reference, description in [
                    ("=1+1", '=HYPERLINK("http://evil.test","click")'),
                    ("c-2", "+SUM(A1:A9)"),
                    ("c-3", "-2+3"),
                    ("c-4", "@cmd|' /C calc'!A0"),
                    ("c-5", "\tTabbed"),
                    ("c-6", "\rCarriage"),
                    ("c-7", 'Pool "deluxe", with, commas\nand a new line'),
                ]
            ],
            "closing_balance": 4_300,
        }
    )

    rows = rows_of(statement_csv(st))

    entries = rows[2:-1]
    assert [row[3] for row in entries] == [
        '\'=HYPERLINK("http://evil.test","click")',
        "'+SUM(A1:A9)",
        "'-2+3",
        "'@cmd|' /C calc'!A0",
        "'\tTabbed",
        "'\rCarriage",
        'Pool "deluxe", with, commas\nand a new line',  # quoted, and read back intact
    ]
    assert entries[0][2] == "'=1+1"
    assert all(row[4] == "-1.00" for row in entries)  # our own numbers are left as numbers


def test_given_plain_text_then_neutralize_leaves_it_alone():
    assert neutralize("Weekly service") == "Weekly service"
    assert neutralize("a=b") == "a=b"
    assert neutralize("") == ""


def test_given_a_yen_statement_then_csv_amounts_have_no_decimals():
    st = statement(entries=2).model_copy(update={"currency": "JPY"})

    rows = rows_of(statement_csv(st))

    assert rows[2][4:] == ["8400", "13400"]


# --- import cost ----------------------------------------------------------------------------


def test_given_a_fresh_interpreter_when_documents_is_imported_then_fpdf_loads_only_for_a_pdf():
    probe = (
        "import sys\n"
        "import portico.documents as documents\n"
        "before = 'fpdf' in sys.modules\n"
        "documents.render_invoice_pdf\n"
        "print(before, 'fpdf' in sys.modules)\n"
    )

    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )

    assert result.stdout.split() == ["False", "True"]
