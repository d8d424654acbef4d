"""Money as customers read it: integer minor units turned into "$1,234.56" or "84.00".

Portico stores amounts in minor units (DESIGN 4.1); how many minor units make one major unit
depends on the currency (ISO 4217's exponent): 100 for USD, 1 for JPY, 1000 for KWD.
"""

from __future__ import annotations

from decimal import Decimal

# ISO 4217 currencies without a minor unit: an amount of 1235 JPY is 1,235 yen, not 12.35.
_ZERO_DECIMAL = frozenset(
    {
        "BIF",
        "CLP",
        "DJF",
        "GNF",
        "ISK",
        "JPY",
        "KMF",
        "KRW",
        "PYG",
        "RWF",
        "UGX",
        "UYI",
        "VND",
        "VUV",
        "XAF",
        "XOF",
        "XPF",
    }
)
_THREE_DECIMAL = frozenset({"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"})

# Only symbols nobody can misread get one: "$" is also CAD's, AUD's and MXN's sign, so those
# currencies are printed with their code ("CAD 1,234.56").
_SYMBOLS = {"USD": "$", "EUR": "€"}


def minor_unit_digits(currency: str) -> int:
    """How many decimal places `currency` has: 2 for most, 0 for JPY and KRW, 3 for KWD."""
    code = currency.upper()
    if code in _ZERO_DECIMAL:
        return 0
    if code in _THREE_DECIMAL:
        return 3
    return 2


def _major(amount: int, currency: str) -> tuple[Decimal, int]:
    digits = minor_unit_digits(currency)
    # Decimal keeps the value exact: no float ever touches money.
    return Decimal(amount).scaleb(-digits), digits


def major_units(amount: int, currency: str) -> str:
    """The amount as a plain decimal string in major units: "84.00", "-84.00", "1235" (JPY).

    No grouping and no symbol, so that spreadsheets read it as a number.
    """
    value, digits = _major(amount, currency)
    return f"{value:.{digits}f}"


def format_money(amount: int, currency: str) -> str:
    """The amount as printed on a document: "$1,234.56", "-$84.00", "€5.00", "JPY 1,235",
    "CAD -84.00"."""
    code = currency.upper()
    value, digits = _major(abs(amount), code)
    number = f"{value:,.{digits}f}"
    sign = "-" if amount < 0 else ""
    symbol = _SYMBOLS.get(code)
    if symbol is not None:
        return f"{sign}{symbol}{number}"
    return f"{code} {sign}{number}"
