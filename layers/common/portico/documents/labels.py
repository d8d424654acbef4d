"""The words printed on invoices, receipts and statements, in English and Spanish (DESIGN 3)."""

from __future__ import annotations

from datetime import date
from typing import Final

DEFAULT_LANGUAGE: Final = "en"

# One dict per language with the same keys; a test checks they match, so a label added in
# English cannot be forgotten in Spanish.
LABELS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "invoice": "Invoice",
        "invoice_number": "Invoice number",
        "issue_date": "Issue date",
        "due_date": "Due date",
        "status": "Status",
        "bill_to": "Bill to",
        "service_address": "Service address",
        "description": "Description",
        "quantity": "Qty",
        "unit_price": "Unit price",
        "amount": "Amount",
        "subtotal": "Subtotal",
        "tax": "Tax",
        "total": "Total",
        "amount_paid": "Amount paid",
        "amount_due": "Amount due",
        "notes": "Notes",
        "invoice_link": "Pay or view online: {url}",
        "account_link": "View your account online: {url}",
        "page": "Page {page} of {pages}",
        "continued": "continued",
        "status_draft": "Draft",
        "status_sent": "Due",
        "status_partially_paid": "Partially paid",
        "status_paid": "Paid",
        "status_void": "Void",
        "receipt": "Payment receipt",
        "receipt_number": "Receipt number",
        "payment_date": "Payment date",
        "payment_method": "Payment method",
        "received_from": "Received from",
        "applied_to": "Applied to",
        "amount_applied": "Amount applied",
        "account_credit": "Account credit",
        "thank_you": "Thank you for your payment.",
        "payment_processing": "Processing",
        "payment_succeeded": "Received",
        "payment_failed": "Failed",
        "payment_refunded": "Refunded",
        "statement": "Statement",
        "customer": "Customer",
        "period": "Period",
        "generated": "Generated",
        "date": "Date",
        "kind": "Type",
        "reference": "Reference",
        "balance": "Balance",
        "opening_balance": "Opening balance",
        "closing_balance": "Closing balance",
        "kind_invoice": "Invoice",
        "kind_payment": "Payment",
        "kind_credit": "Credit",
        "kind_refund": "Refund",
        "no_entries": "No activity in this period.",
    },
    "es": {
        "invoice": "Factura",
        "invoice_number": "Número de factura",
        "issue_date": "Fecha de emisión",
        "due_date": "Fecha de vencimiento",
        "status": "Estado",
        "bill_to": "Facturar a",
        "service_address": "Dirección de servicio",
        "description": "Descripción",
        "quantity": "Cant.",
        "unit_price": "Precio unitario",
        "amount": "Importe",
        "subtotal": "Subtotal",
        "tax": "Impuestos",
        "total": "Total",
        "amount_paid": "Importe pagado",
        "amount_due": "Importe pendiente",
        "notes": "Notas",
        "invoice_link": "Pague o consulte en línea: {url}",
        "account_link": "Consulte su cuenta en línea: {url}",
        "page": "Página {page} de {pages}",
        "continued": "continuación",
        "status_draft": "Borrador",
        "status_sent": "Pendiente",
        "status_partially_paid": "Pagada parcialmente",
        "status_paid": "Pagada",
        "status_void": "Anulada",
        "receipt": "Recibo de pago",
        "receipt_number": "Número de recibo",
        "payment_date": "Fecha de pago",
        "payment_method": "Método de pago",
        "received_from": "Recibido de",
        "applied_to": "Aplicado a",
        "amount_applied": "Importe aplicado",
        "account_credit": "Crédito en cuenta",
        "thank_you": "Gracias por su pago.",
        "payment_processing": "En proceso",
        "payment_succeeded": "Recibido",
        "payment_failed": "Fallido",
        "payment_refunded": "Reembolsado",
        "statement": "Estado de cuenta",
        "customer": "Cliente",
        "period": "Período",
        "generated": "Generado",
        "date": "Fecha",
        "kind": "Tipo",
        "reference": "Referencia",
        "balance": "Saldo",
        "opening_balance": "Saldo inicial",
        "closing_balance": "Saldo final",
        "kind_invoice": "Factura",
        "kind_payment": "Pago",
        "kind_credit": "Crédito",
        "kind_refund": "Reembolso",
        "no_entries": "Sin movimientos en este período.",
    },
}

_MONTHS: Final[dict[str, tuple[str, ...]]] = {
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "es": (
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ),
}
_SHORT_MONTHS: Final[dict[str, tuple[str, ...]]] = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "es": ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"),
}


def language_of(language: str | None) -> str:
    """The supported language closest to `language`: "es-MX" reads as "es"; anything
    unknown falls back to English rather than failing a customer's download."""
    base = (language or "").split("-")[0].split("_")[0].lower()
    return base if base in LABELS else DEFAULT_LANGUAGE


def labels(language: str | None) -> dict[str, str]:
    """The label dict for `language` (see `language_of`)."""
    return LABELS[language_of(language)]


def format_date(day: date, language: str | None, *, short: bool = False) -> str:
    """A date as people write it: "May 3, 2025" / "3 de mayo de 2025"; `short` for tables:
    "May 3, 2025" / "3 may 2025"."""
    lang = language_of(language)
    month = (_SHORT_MONTHS if short else _MONTHS)[lang][day.month - 1]
    if lang == "es":
        return f"{day.day} {month} {day.year}" if short else f"{day.day} de {month} de {day.year}"
    return f"{month} {day.day}, {day.year}"
