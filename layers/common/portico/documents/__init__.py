"""Customer documents: invoices, receipts and statements as PDF, statements as CSV.

The PDF renderers need fpdf2, which costs about 270 ms to import; they are loaded on first
use (PEP 562), so importing this package for `statement_csv` or `format_money` stays cheap.
Only the PDF routes should import this package, and lazily, inside the route function.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from portico.documents.csv_export import statement_csv
from portico.documents.money import format_money, major_units, minor_unit_digits

if TYPE_CHECKING:
    from portico.documents.pdf import render_invoice_pdf, render_receipt_pdf, render_statement_pdf

__all__ = [
    "format_money",
    "major_units",
    "minor_unit_digits",
    "render_invoice_pdf",
    "render_receipt_pdf",
    "render_statement_pdf",
    "statement_csv",
]

_LAZY = frozenset({"render_invoice_pdf", "render_receipt_pdf", "render_statement_pdf"})


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module("portico.documents.pdf"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
