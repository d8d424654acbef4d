"""A statement as CSV, for customers who keep their books in a spreadsheet (DESIGN 3)."""

from __future__ import annotations

import csv
import io
from typing import Final

from portico.documents.money import major_units
from portico.domain.statements import Statement

HEADER: Final = ("date", "kind", "reference", "description", "amount", "balance")
OPENING_KIND: Final = "opening_balance"
CLOSING_KIND: Final = "closing_balance"

# OWASP "CSV Injection": a spreadsheet runs a cell that starts with one of these as a formula.
# Descriptions and references come from the business's CRM, so they are not trusted.
_FORMULA_TRIGGERS: Final = ("=", "+", "-", "@", "\t", "\r")


def neutralize(text: str) -> str:
    """`text` made inert for spreadsheets: a leading formula character gets a `'` prefix,
    which Excel, LibreOffice and Google Sheets display as plain text."""
    return f"'{text}" if text.startswith(_FORMULA_TRIGGERS) else text


def statement_csv(statement: Statement) -> str:
    """The statement as RFC 4180 CSV (CRLF line ends, quoted where needed).

    Columns: date (ISO 8601), kind, reference, description, amount, balance. Amounts are
    decimal strings in major units ("84.00", "-84.00"); positive entries raise what the customer
    owes. The first row after the header is the opening balance and the last the closing
    balance; both leave `amount` empty so that the amount column sums to closing minus opening.
    """
    currency = statement.currency
    out = io.StringIO()
    # QUOTE_MINIMAL with csv's default "\r\n" terminator is RFC 4180's format.
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(HEADER)
    writer.writerow(
        (
            statement.from_date.isoformat(),
            OPENING_KIND,
            "",
            "Opening balance",
            "",
            major_units(statement.opening_balance, currency),
        )
    )
    for entry in statement.entries:
        writer.writerow(
            (
                entry.date.isoformat(),
                entry.kind.value,
                neutralize(entry.reference),
                neutralize(entry.description),
                major_units(entry.amount, currency),
                major_units(entry.balance, currency),
            )
        )
    writer.writerow(
        (
            statement.to_date.isoformat(),
            CLOSING_KIND,
            "",
            "Closing balance",
            "",
            major_units(statement.closing_balance, currency),
        )
    )
    return out.getvalue()
