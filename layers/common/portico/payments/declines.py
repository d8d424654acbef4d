"""What to tell a customer whose payment was declined, in plain words.

Stripe's own advice is followed: lost, stolen, fraudulent and similar codes are shown as a
generic decline, so the message never tells a fraudster which check failed. The business sees
the real `decline_code`.
"""

from __future__ import annotations

GENERIC = "Your card was declined. Try another card or contact your bank."

_MESSAGES: dict[str, str] = {
    "insufficient_funds": (
        "Your card was declined because of insufficient funds. "
        "Try another card or contact your bank."
    ),
    "expired_card": "Your card has expired. Add a current card and try again.",
    "incorrect_cvc": "Your card's security code is incorrect. Check it or try another card.",
    "invalid_cvc": "Your card's security code is incorrect. Check it or try another card.",
    "incorrect_number": "Your card number is incorrect. Check it or try another card.",
    "invalid_number": "Your card number is incorrect. Check it or try another card.",
    "invalid_expiry_month": "Your card's expiration date is incorrect. Check it and try again.",
    "invalid_expiry_year": "Your card's expiration date is incorrect. Check it and try again.",
    "incorrect_zip": "Your card's postal code is incorrect. Check it or try another card.",
    "processing_error": (
        "Something went wrong while processing your card. Try again in a few minutes."
    ),
    "issuer_not_available": (
        "Your bank could not be reached to approve the payment. Try again in a few minutes."
    ),
    "try_again_later": "Your card was declined for now. Try again in a few minutes.",
    "card_velocity_exceeded": (
        "Your card was declined because it has reached its limit. "
        "Try another card or contact your bank."
    ),
    "withdrawal_count_limit_exceeded": (
        "Your card was declined because it has reached its limit. "
        "Try another card or contact your bank."
    ),
    "card_not_supported": "Your card does not support this kind of payment. Try another card.",
    "currency_not_supported": "Your card does not support this currency. Try another card.",
    "authentication_required": (
        "Your bank needs you to confirm this payment. Open the portal to finish paying."
    ),
    # US bank accounts (ACH)
    "account_closed": "Your bank account is closed. Add another payment method.",
    "no_account": "Your bank could not find this account. Check it or add another one.",
    "invalid_account_number": "Your bank could not find this account. Check it or add another one.",
    "account_frozen": "Your bank account is frozen. Contact your bank or add another one.",
    "bank_account_restricted": (
        "Your bank account cannot be debited. Contact your bank or add another payment method."
    ),
    "debit_not_authorized": (
        "Your bank refused the debit. Contact your bank or add another payment method."
    ),
}

# Codes worth retrying later with the same method (soft declines); everything else needs the
# customer to act (another card, their bank, 3-D Secure).
_RETRYABLE = frozenset(
    {
        "insufficient_funds",
        "processing_error",
        "issuer_not_available",
        "try_again_later",
        "card_velocity_exceeded",
        "withdrawal_count_limit_exceeded",
        "generic_decline",
        "do_not_honor",
        "approve_with_id",
        "reenter_transaction",
    }
)


def customer_message(decline_code: str | None) -> str:
    """The sentence to show the customer for Stripe's `decline_code` (or error code)."""
    return _MESSAGES.get(decline_code or "", GENERIC)


def is_retryable(decline_code: str | None) -> bool:
    """Whether charging the same method again later may succeed (a soft decline)."""
    return (decline_code or "generic_decline") in _RETRYABLE
