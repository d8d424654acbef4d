"""Invoices, receipts and statements as PDF, drawn with fpdf2.

Pure functions: domain objects in, bytes out; no AWS and no network. fpdf2 (with Pillow and
fontTools) costs about 270 ms to import, so only `portico.documents`' lazy loader imports this
module, on a PDF route's first call.

Text is set in DejaVu Sans, embedded from `fonts/`, because fpdf2's core fonts are latin-1 only
and names arrive in any script. Characters DejaVu has no glyph for (CJK, most emoji) print as
"?" instead of failing the download.

The business's logo arrives as bytes (the caller reads it from the file store); a logo that
cannot be drawn leaves the name-only letterhead, never a failed download.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo

from fpdf import FPDF, FontFace, XPos, YPos
from fpdf.fonts import TTFFont

from portico.documents.labels import format_date, labels, language_of
from portico.documents.money import format_money
from portico.domain.billing import InvoiceStatus, InvoiceView, Payment, PaymentStatus
from portico.domain.business import PublicPortal
from portico.domain.common import Address
from portico.domain.customer import Customer
from portico.domain.statements import Statement
from portico.observability import logger

RGB = tuple[int, int, int]

_FONT_DIR: Final = Path(__file__).parent / "fonts"
_FAMILY: Final = "dejavu"
_DEFAULT_COLOR: Final = "#0b6bcb"
# Countries that print on US Letter; everyone else gets A4.
_LETTER_COUNTRIES: Final = frozenset({"US", "CA", "MX", "PR", "PH", "CL", "CO"})

_WHITE: Final[RGB] = (255, 255, 255)
_INK: Final[RGB] = (33, 37, 41)
_MUTED: Final[RGB] = (90, 97, 105)  # 6.3:1 on white: small grey text still passes WCAG AA
_RULE: Final[RGB] = (206, 212, 218)
_ZEBRA: Final[RGB] = (244, 246, 248)
_GREEN: Final[RGB] = (25, 115, 48)
_AMBER: Final[RGB] = (138, 88, 0)
_RED: Final[RGB] = (176, 0, 32)

_EN_DASH: Final = " \u2013 "  # between the dates of a period
_PT: Final = 0.3528  # millimetres per typographic point
_LOGO_BOX: Final = (40.0, 20.0)  # the logo is fitted inside this width x height, in mm


# ---------------------------------------------------------------------------------------------
# Colour: the business's brand colour is used as given for fills, and darkened for text when it
# is too pale to read on paper.


def _parse_color(value: str | None) -> RGB:
    text = (value or "").lstrip("#")
    if len(text) != 6:
        text = _DEFAULT_COLOR[1:]
    try:
        return (int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16))
    except ValueError:
        return _parse_color(_DEFAULT_COLOR)


def _luminance(rgb: RGB) -> float:
    """WCAG 2 relative luminance."""

    def channel(value: int) -> float:
        s = value / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: RGB, b: RGB) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _readable_on_white(rgb: RGB, ratio: float = 4.5) -> RGB:
    color = rgb
    while _contrast(color, _WHITE) < ratio:
        r, g, b = color
        color = (int(r * 0.9), int(g * 0.9), int(b * 0.9))
    return color


def _tint(rgb: RGB, strength: float = 0.1) -> RGB:
    r, g, b = rgb
    return (
        round(255 - (255 - r) * strength),
        round(255 - (255 - g) * strength),
        round(255 - (255 - b) * strength),
    )


@dataclass(frozen=True)
class _Theme:
    fill: RGB  # the brand colour as the business chose it: bars and table headings
    on_fill: RGB  # text on `fill`: white or ink, whichever contrasts more
    text: RGB  # the brand colour made readable as text on white
    tint: RGB  # a pale wash of the brand colour behind the amount due

    @classmethod
    def of(cls, color: str | None) -> _Theme:
        fill = _parse_color(color)
        on_fill = _WHITE if _contrast(_WHITE, fill) >= _contrast(_INK, fill) else _INK
        return cls(fill=fill, on_fill=on_fill, text=_readable_on_white(fill), tint=_tint(fill))


# ---------------------------------------------------------------------------------------------
# The document: page furniture (brand bar, running header, footer with the portal link) and the
# guard that keeps any Unicode text printable.


def _printable(text: str, coverage: frozenset[int]) -> str:
    """`text` with every character the font cannot draw replaced, so rendering never fails."""
    text = unicodedata.normalize("NFC", text)  # "e" + combining accent -> "é", which has a glyph
    if all(ord(ch) in coverage or ch == "\n" for ch in text):
        return text
    out: list[str] = []
    for ch in text:
        if ord(ch) in coverage or ch == "\n":
            out.append(ch)
        elif ch.isspace():
            out.append(" ")
        elif unicodedata.category(ch) in ("Mn", "Me", "Cf", "Cc", "Cs", "Co"):
            # Combining marks, zero-width joiners, emoji variation selectors, controls: they
            # draw nothing of their own, so dropping them loses nothing a "?" would show.
            continue
        else:
            out.append("?")
    return "".join(out)


class _Document(FPDF):
    """An FPDF page set up for Portico: embedded Unicode font, margins, brand bar, footer."""

    def __init__(
        self,
        *,
        business: PublicPortal,
        language: str,
        title: str,
        running_title: str,
        footer_text: str,
        link: str,
    ) -> None:
        self._coverage: frozenset[int] = frozenset()
        address = business.contact.address
        country = address.country if address is not None else "US"
        super().__init__(unit="mm", format="letter" if country in _LETTER_COUNTRIES else "a4")
        self.labels = labels(language)
        self.language = language_of(language)
        self.theme = _Theme.of(business.primary_color)
        self._running_title = running_title
        self._footer_text = footer_text
        self._link = link
        self.add_font(_FAMILY, "", _FONT_DIR / "DejaVuSans.ttf")
        self.add_font(_FAMILY, "B", _FONT_DIR / "DejaVuSans-Bold.ttf")
        self._coverage = frozenset.intersection(
            *(frozenset(font.cmap) for font in self.fonts.values() if isinstance(font, TTFFont))
        )
        self.set_margins(left=18, top=16, right=18)
        self.set_auto_page_break(auto=True, margin=26)
        self.set_lang(self.language)
        self.set_title(title)
        self.set_author(business.business_name)
        self.set_creator("Portico")
        self.set_font(_FAMILY, "", 10)
        self.add_page()

    def normalize_text(self, text: str) -> str:
        """Every string fpdf2 draws or measures passes here: make it drawable first."""
        if self._coverage:
            text = _printable(text, self._coverage)
        return super().normalize_text(text)

    def header(self) -> None:
        """A brand-coloured bar on every page; from page 2 on, what the document is."""
        self.set_fill_color(*self.theme.fill)
        self.rect(0, 0, self.w, 4, style="F")
        if self.page_no() > 1:
            self.set_xy(self.l_margin, 8)
            self.set_font(_FAMILY, "", 8)
            self.set_text_color(*_MUTED)
            self.cell(self.epw, 5, self._running_title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.set_draw_color(*_RULE)
            self.line(self.l_margin, 14, self.w - self.r_margin, 14)
            self.set_y(18)

    def footer(self) -> None:
        """The portal link (DESIGN 2: on every invoice and receipt) and the page number."""
        top = self.h - 20
        self.set_draw_color(*_RULE)
        self.line(self.l_margin, top, self.w - self.r_margin, top)
        page_w = 32
        self.set_xy(self.w - self.r_margin - page_w, top + 2)
        self.set_font(_FAMILY, "", 8)
        self.set_text_color(*_MUTED)
        # "{nb}" is fpdf2's alias for the page count, filled in when the document is output.
        self.cell(
            page_w, 4.5, self.labels["page"].format(page=self.page_no(), pages="{nb}"), align="R"
        )
        self.set_xy(self.l_margin, top + 2)
        self.set_font(_FAMILY, "B", 8.5)
        self.set_text_color(*self.theme.text)
        self.multi_cell(self.epw - page_w - 4, 4.5, self._footer_text, link=self._link)

    def bytes(self) -> bytes:
        return bytes(self.output())


# ---------------------------------------------------------------------------------------------
# Building blocks shared by the three documents.


@dataclass(frozen=True)
class _Meta:
    label: str
    value: str
    color: RGB | None = None


@dataclass(frozen=True)
class _Total:
    label: str
    value: str
    strong: bool = False
    rule_above: bool = False
    highlight: bool = False


def _address_lines(address: Address | None) -> list[str]:
    if address is None:
        return []
    lines = [address.line1]
    if address.line2:
        lines.append(address.line2)
    locality = " ".join(part for part in (address.region, address.postal_code) if part)
    lines.append(f"{address.city}, {locality}" if locality else address.city)
    if address.country != "US":
        lines.append(address.country)
    return lines


def _fit_size(pdf: _Document, text: str, width: float, size: float, style: str = "B") -> float:
    """The largest font size up to `size` at which `text` fits on one line of `width`."""
    pdf.set_font(_FAMILY, style, size)
    while size > 8 and pdf.get_string_width(text) > width:
        size -= 1
        pdf.set_font(_FAMILY, style, size)
    return size


def _draw_logo(pdf: _Document, logo: bytes, x: float, y: float, alt_text: str) -> float:
    """Draw the logo with its top-left corner at (x, y), as large as fits in `_LOGO_BOX`
    without distorting it; returns the height drawn, or 0 when it could not be drawn."""
    box_w, box_h = _LOGO_BOX
    try:
        from PIL import Image  # already loaded with fpdf2

        with Image.open(io.BytesIO(logo)) as image:
            width_px, height_px = image.size
        scale = min(box_w / width_px, box_h / height_px)
        width, height = width_px * scale, height_px * scale
        pdf.image(io.BytesIO(logo), x=x, y=y, w=width, h=height, alt_text=alt_text)
    except Exception:  # noqa: BLE001 - Pillow and fpdf2 fail in many ways on odd images
        # The logo is decoration: without it the customer still gets the document.
        logger.warning("The logo could not be drawn; printing the name only.", exc_info=True)
        return 0.0
    return height


def _letterhead(
    pdf: _Document,
    business: PublicPortal,
    title: str,
    meta: Sequence[_Meta],
    logo: bytes | None = None,
) -> None:
    """The business (its logo, if it has uploaded one, then its name and contact details) on
    the left, the document's title and key facts on the right."""
    top = pdf.get_y()
    right_w = 92.0
    pdf.set_font(_FAMILY, "", 9)
    # Labels take what the longest needs (Spanish ones are long); values get the rest.
    label_w = min(max((pdf.get_string_width(row.label) for row in meta), default=0) + 4, 46)
    left_w = pdf.epw - right_w - 8
    x_right = pdf.l_margin + pdf.epw - right_w

    # The logo is drawn from bytes the caller read beforehand, never fetched from a URL here:
    # the network (and its failures) stays out of this pure function. Under the logo, the
    # name is smaller; without one, the name in the brand colour stands in for it.
    logo_h = (
        _draw_logo(pdf, logo, pdf.l_margin, top, f"{business.business_name} logo") if logo else 0.0
    )
    pdf.set_xy(pdf.l_margin, top + (logo_h + 3 if logo_h else 0))
    pdf.set_font(_FAMILY, "B", 14 if logo_h else 18)
    pdf.set_text_color(*pdf.theme.text)
    pdf.multi_cell(
        left_w, 6.5 if logo_h else 8, business.business_name, new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.ln(1.5)
    pdf.set_font(_FAMILY, "", 9)
    pdf.set_text_color(*_MUTED)
    contact = business.contact
    details = [
        *_address_lines(contact.address),
        *(value for value in (contact.phone, contact.email, contact.website) if value),
    ]
    for line in details:
        pdf.multi_cell(left_w, 4.5, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    left_bottom = pdf.get_y()

    heading = title.upper()
    pdf.set_xy(x_right, top)
    pdf.set_text_color(*_INK)
    _fit_size(pdf, heading, right_w, 20)
    pdf.cell(right_w, 9, heading, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    y = pdf.get_y() + 2
    for row in meta:
        pdf.set_xy(x_right, y)
        pdf.set_font(_FAMILY, "", 9)
        pdf.set_text_color(*_MUTED)
        pdf.cell(label_w, 5, row.label)
        pdf.set_xy(x_right + label_w, y)
        pdf.set_font(_FAMILY, "B", 9)
        pdf.set_text_color(*(row.color or _INK))
        pdf.multi_cell(
            right_w - label_w, 5, row.value, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        y = pdf.get_y()
    pdf.set_y(max(left_bottom, y) + 8)


@dataclass(frozen=True)
class _Block:
    heading: str
    lines: list[str]
    name_first: bool = False  # the first line is a name: set it larger and bold


def _customer_blocks(pdf: _Document, customer: Customer, heading_key: str) -> list[_Block]:
    who = [customer.name, *(value for value in (customer.email, customer.phone) if value)]
    blocks = [_Block(pdf.labels[heading_key], who, name_first=True)]
    if customer.service_address is not None:
        blocks.append(
            _Block(pdf.labels["service_address"], _address_lines(customer.service_address))
        )
    return blocks


def _parties(pdf: _Document, blocks: Sequence[_Block]) -> None:
    """Side-by-side blocks: who the document is for, and where the work is done."""
    top = pdf.get_y()
    gap = 8.0
    col_w = (pdf.epw - gap) / 2
    bottom = top
    for index, block in enumerate(blocks):
        x = pdf.l_margin + index * (col_w + gap)
        pdf.set_xy(x, top)
        pdf.set_font(_FAMILY, "B", 8)
        pdf.set_text_color(*_MUTED)
        pdf.cell(col_w, 5, block.heading.upper(), new_x=XPos.LEFT, new_y=YPos.NEXT)
        for number, line in enumerate(block.lines):
            first = number == 0 and block.name_first
            pdf.set_x(x)
            pdf.set_font(_FAMILY, "B" if first else "", 10.5 if first else 9)
            pdf.set_text_color(*_INK)
            pdf.multi_cell(col_w, 5.5 if first else 4.5, line, new_x=XPos.LEFT, new_y=YPos.NEXT)
        bottom = max(bottom, pdf.get_y())
    pdf.set_y(bottom + 7)


def _table(
    pdf: _Document,
    headings: Sequence[str],
    rows: Iterable[Sequence[str]],
    widths: Sequence[float],
    aligns: Sequence[str],
    *,
    strong_rows: frozenset[int] = frozenset(),
    font_size: float = 9,
) -> None:
    """A zebra-striped table with brand-coloured headings; fpdf2 wraps long cells and repeats
    the headings on every page the table runs onto."""
    pdf.set_font(_FAMILY, "", font_size)
    pdf.set_text_color(*_INK)
    pdf.set_draw_color(*_RULE)
    pdf.set_line_width(0.2)
    headings_style = FontFace(
        family=_FAMILY,
        emphasis="BOLD",
        size_pt=font_size,
        color=pdf.theme.on_fill,
        fill_color=pdf.theme.fill,
    )
    strong = FontFace(emphasis="BOLD")
    with pdf.table(
        width=pdf.epw,
        col_widths=tuple(widths),
        text_align=tuple(aligns),
        headings_style=headings_style,
        borders_layout="NONE",
        cell_fill_color=_ZEBRA,
        cell_fill_mode="EVEN_ROWS",
        line_height=font_size * _PT * 1.4,
        padding=(1.4, 2.2),
        v_align="TOP",
        repeat_headings=1,
    ) as table:
        heading_row = table.row()
        for heading in headings:
            heading_row.cell(heading)
        for index, values in enumerate(rows):
            row = table.row()
            style = strong if index in strong_rows else None
            for value in values:
                row.cell(value, style=style)
    pdf.ln(5)


def _totals(pdf: _Document, totals: Sequence[_Total]) -> None:
    """Right-aligned label/amount pairs under a table, kept together on one page."""
    row_h = 6.5
    if pdf.will_page_break(row_h * len(totals) + 6):
        pdf.add_page()
    value_w = 40.0
    label_w = 56.0
    x = pdf.l_margin + pdf.epw - label_w - value_w
    for total in totals:
        y = pdf.get_y()
        if total.rule_above:
            pdf.set_draw_color(*_RULE)
            pdf.line(x, y, x + label_w + value_w, y)
            y += 1
        if total.highlight:
            pdf.set_fill_color(*pdf.theme.tint)
            pdf.rect(x, y, label_w + value_w, row_h + 2, style="F")
            y += 1
        size = 11.0 if total.highlight else 9.5
        color = pdf.theme.text if total.highlight else _INK
        inset = 2.5  # keeps the text off the edges of the highlight box
        pdf.set_xy(x + inset, y)
        pdf.set_font(_FAMILY, "B" if total.strong else "", size)
        pdf.set_text_color(*(color if total.strong else _MUTED))
        pdf.cell(label_w - inset, row_h, total.label)
        pdf.set_text_color(*color)
        pdf.cell(value_w - inset, row_h, total.value, align="R")
        pdf.set_y(y + row_h + (1 if total.highlight else 0))
    pdf.ln(6)


def _note(pdf: _Document, heading: str, text: str) -> None:
    """A headed paragraph (the invoice memo, a thank-you)."""
    if pdf.will_page_break(16):
        pdf.add_page()
    if heading:
        pdf.set_font(_FAMILY, "B", 8)
        pdf.set_text_color(*_MUTED)
        pdf.cell(pdf.epw, 5, heading.upper(), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(_FAMILY, "", 9.5)
    pdf.set_text_color(*_INK)
    pdf.multi_cell(pdf.epw, 5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)


def _quantity(value: Decimal) -> str:
    # Quantities are Decimals with up to 3 places: print 2, not 2.000, and 1.5, not 1.500.
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


_INVOICE_STATUS_COLORS: Final[dict[InvoiceStatus, RGB]] = {
    InvoiceStatus.PAID: _GREEN,
    InvoiceStatus.PARTIALLY_PAID: _AMBER,
    InvoiceStatus.DRAFT: _MUTED,
    InvoiceStatus.VOID: _MUTED,
}
_PAYMENT_STATUS_COLORS: Final[dict[PaymentStatus, RGB]] = {
    PaymentStatus.SUCCEEDED: _GREEN,
    PaymentStatus.PROCESSING: _AMBER,
    PaymentStatus.FAILED: _RED,
    PaymentStatus.REFUNDED: _MUTED,
}


# ---------------------------------------------------------------------------------------------
# The documents.


def render_invoice_pdf(
    invoice: InvoiceView,
    business: PublicPortal,
    customer: Customer,
    portal_url: str,
    language: str = "en",
    *,
    logo: bytes | None = None,
) -> bytes:
    """The invoice as a PDF: letterhead (with the business's `logo`, PNG or JPEG bytes, when
    given), customer, lines, totals, and the portal link on every page. The status printed is
    the invoice's own (Paid, Partially paid, Due); whether it is past due depends on today's
    date, which this pure function does not know."""
    text = labels(language)
    money = invoice.currency
    title = f"{text['invoice']} {invoice.number}"
    pdf = _Document(
        business=business,
        language=language,
        title=f"{title} - {business.business_name}",
        running_title=f"{business.business_name} · {title} ({text['continued']})",
        footer_text=text["invoice_link"].format(url=portal_url),
        link=portal_url,
    )
    _letterhead(
        pdf,
        business,
        text["invoice"],
        [
            _Meta(text["invoice_number"], invoice.number),
            _Meta(text["issue_date"], format_date(invoice.issue_date, language)),
            _Meta(text["due_date"], format_date(invoice.due_date, language)),
            _Meta(
                text["status"],
                text[f"status_{invoice.status.value}"],
                _INVOICE_STATUS_COLORS.get(invoice.status, pdf.theme.text),
            ),
        ],
        logo,
    )
    _parties(pdf, _customer_blocks(pdf, customer, "bill_to"))
    _table(
        pdf,
        (text["description"], text["quantity"], text["unit_price"], text["amount"]),
        (
            (
                line.description,
                _quantity(line.quantity),
                format_money(line.unit_amount, money),
                format_money(line.amount, money),
            )
            for line in invoice.lines
        ),
        widths=(54, 10, 18, 18),
        aligns=("LEFT", "RIGHT", "RIGHT", "RIGHT"),
    )
    _totals(
        pdf,
        [
            _Total(text["subtotal"], format_money(invoice.subtotal, money)),
            _Total(text["tax"], format_money(invoice.tax_amount, money)),
            _Total(text["total"], format_money(invoice.total, money), strong=True, rule_above=True),
            _Total(text["amount_paid"], format_money(invoice.amount_paid, money)),
            _Total(
                text["amount_due"],
                format_money(invoice.amount_due, money),
                strong=True,
                highlight=True,
            ),
        ],
    )
    if invoice.memo:
        _note(pdf, text["notes"], invoice.memo)
    return pdf.bytes()


def render_receipt_pdf(
    payment: Payment,
    invoices: Mapping[str, InvoiceView] | Sequence[InvoiceView],
    business: PublicPortal,
    customer: Customer,
    portal_url: str,
    language: str = "en",
    *,
    timezone: str | None = None,
    logo: bytes | None = None,
) -> bytes:
    """A receipt for `payment`: amount, date, method, the invoices it paid and the portal link.

    `invoices` (by id, or a list) supplies the numbers and dates of the invoices in
    `payment.applied_to`; one missing is shown by its id. `timezone` (the business's, e.g.
    "America/Chicago") dates the payment as the customer saw it; without it, the date is UTC's.
    `logo` (PNG or JPEG bytes) heads the receipt when given.
    """
    text = labels(language)
    money = payment.currency
    by_id = (
        dict(invoices)
        if isinstance(invoices, Mapping)
        else {invoice.invoice_id: invoice for invoice in invoices}
    )
    paid_at: datetime = payment.created_at
    if timezone is not None and paid_at.tzinfo is not None:
        paid_at = paid_at.astimezone(ZoneInfo(timezone))
    pdf = _Document(
        business=business,
        language=language,
        title=f"{text['receipt']} {payment.payment_id} - {business.business_name}",
        running_title=f"{business.business_name} · {text['receipt']} ({text['continued']})",
        footer_text=text["account_link"].format(url=portal_url),
        link=portal_url,
    )
    _letterhead(
        pdf,
        business,
        text["receipt"],
        [
            _Meta(text["receipt_number"], payment.payment_id),
            _Meta(text["payment_date"], format_date(paid_at.date(), language)),
            _Meta(text["payment_method"], payment.method_summary or "-"),
            _Meta(
                text["status"],
                text[f"payment_{payment.status.value}"],
                _PAYMENT_STATUS_COLORS.get(payment.status),
            ),
        ],
        logo,
    )
    _parties(pdf, _customer_blocks(pdf, customer, "received_from"))
    _totals(
        pdf,
        [
            _Total(
                text["amount_paid"],
                format_money(payment.amount, money),
                strong=True,
                highlight=True,
            )
        ],
    )
    rows: list[tuple[str, str, str]] = []
    for application in payment.applied_to:
        invoice = by_id.get(application.invoice_id)
        number = (
            invoice.number
            if invoice is not None
            else application.invoice_number or application.invoice_id
        )
        rows.append(
            (
                f"{text['invoice']} {number}",
                format_date(invoice.due_date, language, short=True) if invoice else "",
                format_money(application.amount, money),
            )
        )
    # Money not applied to an invoice stays on the account as a credit; say so rather than
    # leave the customer to wonder why the lines do not add up to the payment.
    unapplied = payment.amount - sum(application.amount for application in payment.applied_to)
    if unapplied > 0:
        rows.append((text["account_credit"], "", format_money(unapplied, money)))
    if rows:
        _table(
            pdf,
            (text["applied_to"], text["due_date"], text["amount_applied"]),
            rows,
            widths=(50, 25, 25),
            aligns=("LEFT", "LEFT", "RIGHT"),
        )
    if payment.status is PaymentStatus.SUCCEEDED:
        _note(pdf, "", text["thank_you"])
    return pdf.bytes()


def render_statement_pdf(
    statement: Statement,
    business: PublicPortal,
    customer: Customer,
    portal_url: str,
    language: str = "en",
    *,
    logo: bytes | None = None,
) -> bytes:
    """The statement as a PDF: period, opening balance, every entry with its running balance,
    closing balance, and the portal link on every page; headed by `logo` when given."""
    text = labels(language)
    money = statement.currency
    period = (
        f"{format_date(statement.from_date, language, short=True)}{_EN_DASH}"
        f"{format_date(statement.to_date, language, short=True)}"
    )
    pdf = _Document(
        business=business,
        language=language,
        title=f"{text['statement']} {period} - {business.business_name}",
        running_title=f"{business.business_name} · {text['statement']} {period}",
        footer_text=text["account_link"].format(url=portal_url),
        link=portal_url,
    )
    _letterhead(
        pdf,
        business,
        text["statement"],
        [
            _Meta(text["period"], period),
            _Meta(text["generated"], format_date(statement.generated_on, language)),
            _Meta(text["opening_balance"], format_money(statement.opening_balance, money)),
            _Meta(
                text["closing_balance"],
                format_money(statement.closing_balance, money),
                pdf.theme.text,
            ),
        ],
        logo,
    )
    _parties(pdf, _customer_blocks(pdf, customer, "customer"))
    rows: list[tuple[str, ...]] = [
        (
            format_date(statement.from_date, language, short=True),
            "",
            "",
            text["opening_balance"],
            "",
            format_money(statement.opening_balance, money),
        )
    ]
    rows.extend(
        (
            format_date(entry.date, language, short=True),
            text[f"kind_{entry.kind.value}"],
            entry.reference,
            entry.description,
            format_money(entry.amount, money),
            format_money(entry.balance, money),
        )
        for entry in statement.entries
    )
    rows.append(
        (
            format_date(statement.to_date, language, short=True),
            "",
            "",
            text["closing_balance"],
            "",
            format_money(statement.closing_balance, money),
        )
    )
    _table(
        pdf,
        (
            text["date"],
            text["kind"],
            text["reference"],
            text["description"],
            text["amount"],
            text["balance"],
        ),
        rows,
        widths=(15, 11, 15, 29, 15, 15),
        aligns=("LEFT", "LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT"),
        strong_rows=frozenset({0, len(rows) - 1}),
        font_size=8.5,
    )
    if not statement.entries:
        _note(pdf, "", text["no_entries"])
    return pdf.bytes()
