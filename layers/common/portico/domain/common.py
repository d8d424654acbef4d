"""Types shared by the domain models: ids, money, addresses, contact details."""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any, Literal
from zoneinfo import available_timezones

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    computed_field,
    model_validator,
)

# The business's own ids (CRM ids): 1 to 64 letters, digits, '-' and '_'.
ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
EntityId = Annotated[str, StringConstraints(pattern=ID_PATTERN)]


def _calendar_day(value: object) -> object:
    # pydantic would read a number as seconds since 1970: a CRM sending 0 got 1970-01-01.
    if isinstance(value, int | float):  # bool included
        raise ValueError("Give the date as YYYY-MM-DD.")
    return value


# A date in a request body: "YYYY-MM-DD" (or a date, from storage), never a number.
Day = Annotated[date, BeforeValidator(_calendar_day)]

# Money is integer minor units (cents). The bound keeps sums far inside DynamoDB's numbers.
MAX_AMOUNT = 10**11
Amount = Annotated[int, Field(ge=0, le=MAX_AMOUNT, strict=True)]
SignedAmount = Annotated[int, Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT, strict=True)]

_ISO_CURRENCIES = frozenset(
    [
        "AUD",
        "BRL",
        "CAD",
        "CHF",
        "CZK",
        "DKK",
        "EUR",
        "GBP",
        "HKD",
        "JPY",
        "MXN",
        "NOK",
        "NZD",
        "PLN",
        "SEK",
        "SGD",
        "USD",
        "ZAR",
    ]
)


def _currency(value: str) -> str:
    code = value.upper()
    if code not in _ISO_CURRENCIES:
        raise ValueError(f"unsupported currency {value!r}")
    return code


Currency = Annotated[str, StringConstraints(min_length=3, max_length=3), AfterValidator(_currency)]


def _timezone(value: str) -> str:
    if value not in _known_timezones():
        raise ValueError(f"unknown time zone {value!r}")
    return value


_TIMEZONES: frozenset[str] = frozenset()


def _known_timezones() -> frozenset[str]:
    global _TIMEZONES  # computed once, on first use: listing zones reads the tz database
    if not _TIMEZONES:
        _TIMEZONES = frozenset(available_timezones())
    return _TIMEZONES


TimeZone = Annotated[str, StringConstraints(max_length=64), AfterValidator(_timezone)]

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


def _email(value: str) -> str:
    if not _EMAIL.match(value):
        raise ValueError("not an email address")
    return value.strip()


Email = Annotated[
    str, StringConstraints(max_length=254, strip_whitespace=True), AfterValidator(_email)
]
Phone = Annotated[str, StringConstraints(min_length=3, max_length=32, pattern=r"^[0-9+() .-]+$")]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
LongText = Annotated[str, StringConstraints(max_length=5000)]
HttpsUrl = Annotated[str, StringConstraints(max_length=2000, pattern=r"^https?://[^\s]+$")]
# Quantities may be fractional (1.5 hours) but no finer than 1/1000.
Quantity = Annotated[Decimal, Field(gt=0, le=1_000_000, max_digits=12, decimal_places=3)]


# The languages of the portal, its emails and its PDFs.
Language = Literal["en", "es"]


class DomainModel(BaseModel):
    """Base of every domain model: unknown fields are refused, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Address(DomainModel):
    line1: ShortText
    line2: ShortText | None = None
    city: ShortText
    region: ShortText | None = None
    postal_code: Annotated[str, StringConstraints(max_length=16)] | None = None
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] = "US"


class ContactDetails(DomainModel):
    """How customers reach the business."""

    email: Email | None = None
    phone: Phone | None = None
    website: HttpsUrl | None = None
    address: Address | None = None
    # Opening hours as the business writes them ("Mon-Fri 8am-5pm, Sat 9am-noon").
    hours: Annotated[str, StringConstraints(min_length=1, max_length=500)] | None = None


class Line(DomainModel):
    """One line of an invoice or estimate; `amount` is quantity x unit amount, rounded half up."""

    description: Annotated[str, StringConstraints(min_length=1, max_length=500)]
    quantity: Quantity = Decimal(1)
    unit_amount: SignedAmount

    @model_validator(mode="before")
    @classmethod
    def _given_amount_must_match(cls, data: Any) -> Any:
        # A line read from the API carries its amount; sending it back must work, and must
        # agree with quantity x unit amount rather than silently win over it.
        if not isinstance(data, dict) or "amount" not in data:
            return data
        given = {key: value for key, value in data.items() if key != "amount"}
        expected = cls.model_validate(given).amount
        if data["amount"] != expected:
            raise ValueError(
                f"amount {data['amount']!r} is not quantity x unit_amount ({expected})"
            )
        return given

    @computed_field  # type: ignore[prop-decorator]
    @property
    def amount(self) -> int:
        exact = self.quantity * self.unit_amount
        return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def check_total(lines: list[Line], tax_amount: int, total: int) -> None:
    """Refuse a document whose lines plus tax do not equal its total."""
    subtotal = sum(line.amount for line in lines)
    if subtotal + tax_amount != total:
        raise ValueError(
            f"total {total} does not equal the lines ({subtotal}) plus tax ({tax_amount})"
        )
