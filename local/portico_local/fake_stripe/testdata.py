"""Stripe's test payment methods, and what each one does in the fake.

Cards (Stripe's documented test PaymentMethod ids): using one creates a new PaymentMethod
(`pm_...`) with its brand and last four digits, as Stripe does.

US bank accounts: routing number 110000000 and Stripe's test account numbers; the failure
shows when an ACH payment settles, as with Stripe. The `pm_usBankAccount_*` ids are
shortcuts for the same accounts.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Decline:
    """A card network decline: Stripe's `code`, `decline_code` and message."""

    code: str
    decline_code: str
    message: str


GENERIC = Decline("card_declined", "generic_decline", "Your card was declined.")
INSUFFICIENT = Decline("card_declined", "insufficient_funds", "Your card has insufficient funds.")
EXPIRED = Decline("expired_card", "expired_card", "Your card has expired.")
AUTHENTICATION = Decline(
    "authentication_required",
    "authentication_required",
    "Your card was declined. This transaction requires authentication.",
)


@dataclass(frozen=True)
class TestMethod:
    """How a saved payment method behaves when it is saved and when it is charged."""

    type: str  # "card" | "us_bank_account"
    last4: str
    brand: str = ""
    declined_when_saved: Decline | None = None
    declined_when_charged: Decline | None = None
    authentication_off_session: bool = False
    ach_failure: str | None = None  # the failure code when the ACH debit settles
    routing_number: str = ""


def _card(
    brand: str,
    last4: str,
    *,
    declined_when_saved: Decline | None = None,
    declined_when_charged: Decline | None = None,
    authentication_off_session: bool = False,
) -> TestMethod:
    return TestMethod(
        "card",
        last4,
        brand,
        declined_when_saved=declined_when_saved,
        declined_when_charged=declined_when_charged,
        authentication_off_session=authentication_off_session,
    )


CARDS: dict[str, TestMethod] = {
    "pm_card_visa": _card("visa", "4242"),
    "pm_card_mastercard": _card("mastercard", "4444"),
    "pm_card_amex": _card("amex", "8431"),
    "pm_card_chargeDeclined": _card(
        "visa", "0002", declined_when_saved=GENERIC, declined_when_charged=GENERIC
    ),
    "pm_card_chargeDeclinedInsufficientFunds": _card(
        "visa", "9995", declined_when_saved=INSUFFICIENT, declined_when_charged=INSUFFICIENT
    ),
    "pm_card_chargeDeclinedExpiredCard": _card(
        "visa", "0069", declined_when_saved=EXPIRED, declined_when_charged=EXPIRED
    ),
    # Saves: the decline comes only when a charge is attempted.
    "pm_card_chargeCustomerFail": _card("visa", "0341", declined_when_charged=GENERIC),
    # Real Stripe asks for 3-D Secure once at setup; the fake skips that step, and every
    # off-session charge then needs the customer (as Stripe's card 4000 0027 6000 3184).
    "pm_card_authenticationRequired": _card("visa", "3184", authentication_off_session=True),
}

TEST_ROUTING_NUMBER = "110000000"
BANK_NAME = "STRIPE TEST BANK"
# Stripe's test account numbers and the failure each gives when the debit settles.
BANK_ACCOUNTS: dict[str, str | None] = {
    "000123456789": None,
    "000111111113": "account_closed",
    "000111111116": "no_account",
    "000222222227": "insufficient_funds",
    "000333333335": "debit_not_authorized",
    "000444444440": "invalid_currency",
}
BANK_SHORTCUTS: dict[str, str] = {
    "pm_usBankAccount_success": "000123456789",
    "pm_usBankAccount_accountClosed": "000111111113",
    "pm_usBankAccount_noAccount": "000111111116",
    "pm_usBankAccount_insufficientFunds": "000222222227",
    "pm_usBankAccount_debitNotAuthorized": "000333333335",
}


def bank_account(account_number: str, routing_number: str = TEST_ROUTING_NUMBER) -> TestMethod:
    """A US bank account; any account number not in Stripe's list settles successfully."""
    return TestMethod(
        "us_bank_account",
        account_number[-4:],
        routing_number=routing_number,
        ach_failure=BANK_ACCOUNTS.get(account_number),
    )


def test_method(payment_method_id: str) -> TestMethod | None:
    """The test payment method a magic id names, or None."""
    if payment_method_id in CARDS:
        return CARDS[payment_method_id]
    if payment_method_id in BANK_SHORTCUTS:
        return bank_account(BANK_SHORTCUTS[payment_method_id])
    return None
