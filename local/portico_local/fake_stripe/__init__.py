"""A fake Stripe on loopback, for the local runtime and the tests (DESIGN 4.3).

It speaks Stripe's v1 HTTP API (form-encoded requests, JSON responses, Stripe's error
shapes) for the calls Portico makes, so the official SDK talks to it through its base
address: `stripe.StripeClient(fake.secret_key, base_addresses={"api": fake.api_base})`.

Implemented
- Keys: `Authorization: Bearer <secret_key>` (or Basic, as curl -u) for everything; the
  publishable key only for what Stripe.js does: create a PaymentMethod, and retrieve or
  confirm a SetupIntent or a PaymentIntent with its `client_secret` (another intent's
  secret, or none: 400 `client_secret`). Anything else: 401 in Stripe's shape.
- Accounts: `POST /v1/accounts` makes a connected account; `Stripe-Account: acct_...`
  isolates every object, event and idempotency key (another account's id is a 404
  `resource_missing`; an unknown account a 403 `account_invalid`). No header: the platform.
- Customers (create, retrieve, update, delete, list), SetupIntents (create, retrieve,
  confirm), PaymentMethods (retrieve, attach, detach, list a customer's, create a
  `us_bank_account`), PaymentIntents (create with `confirm`/`off_session`, confirm,
  retrieve, list by customer, search by `metadata['k']:'v'` and `field:'v'` joined by AND,
  with backslash escapes in values), charges (retrieve), refunds (full or partial), events
  (retrieve, list). Top-level `expand[]` (and `data.x` on lists); lists page with `limit`
  and `starting_after`.
- Test payment methods (`testdata.py`): `pm_card_visa`, `pm_card_mastercard`,
  `pm_card_amex` succeed; `pm_card_chargeDeclined` (generic_decline),
  `..InsufficientFunds` (insufficient_funds), `..ExpiredCard` (code expired_card) are
  declined when saved or charged; `pm_card_chargeCustomerFail` saves, every charge is
  declined; `pm_card_authenticationRequired` saves (the one-time setup authentication is
  skipped), on-session charges go `requires_action`, off-session ones fail with
  `authentication_required`. A test id makes a new `pm_...`, as with Stripe.
- 3-D Secure: confirming a `requires_action` PaymentIntent again (as Stripe.js does after
  the customer authenticates, with the publishable key and `client_secret`; the secret key
  works too) means the customer passed: a charge, `succeeded`, `charge.succeeded` and
  `payment_intent.succeeded` (with `off_session` or another `payment_method` it is a new
  attempt instead). The fake-only param `authentication=fail` means they failed:
  200 with the intent back in `requires_payment_method`, `last_payment_error.code`
  `payment_intent_authentication_failure`, no charge, `payment_intent.payment_failed`.
  `complete_authentication(account, payment_intent_id, succeed=...)` does it in-process.
- US bank accounts: routing 110000000 and Stripe's test account numbers (000123456789
  succeeds; 000111111113 account_closed, 000111111116 no_account, 000222222227
  insufficient_funds, 000333333335 debit_not_authorized); the fake's shortcuts
  `pm_usBankAccount_success`, `_accountClosed`, `_noAccount`, `_insufficientFunds`,
  `_debitNotAuthorized`. Saving succeeds at once (no microdeposits or mandate); a debit
  goes `processing` and settles on `settle()`, `POST /_fake/settle`, or by itself after
  `ach_settle_after_s`, with success or failure by account number.
- Idempotency (Stripe's v1 rules): per account and `Idempotency-Key`, on POSTs. Same key,
  same method, path and parameters: the saved status and body again (`Idempotent-Replayed:
  true`); other parameters: 400 `idempotency_error`. Saved once the endpoint ran: successes
  and card declines (402); validation errors (other 4xx) are not saved, so a corrected retry
  runs. Injected faults: see `Fault` (a "before" fault is never saved; an "after" 5xx is).
- Webhooks: every event is POSTed, in a background thread, to `webhook_url` with Stripe's
  `Stripe-Signature` (`webhooks.py`); non-2xx or no answer is retried after each of
  `webhook_retry_delays`, then dropped. Connected accounts' events carry `account`.
- Browser pages (`pages.py`), for the portal in the local runtime: `/_fake/card-form`
  confirms a SetupIntent with a test card the customer picks, or, for a SetupIntent that
  takes only `us_bank_account`, with the test bank account typed in (what the Payment
  Element does), `/_fake/authenticate` answers 3-D Secure for a PaymentIntent; both take the
  publishable key and the intent's `client_secret` and redirect to `return_url` as Stripe.js
  does.
- Test controls: `inject(Fault(...))` / `POST /_fake/faults {"status": 429|5xx, "count",
  "latency_ms", "timeout", "path", "phase"}`, `DELETE /_fake/faults`, `stats()` /
  `GET /_fake/stats` (per account: PaymentIntents created, charges, charges succeeded),
  `reset()` / `POST /_fake/reset`, `settle()`, `complete_authentication()`,
  `charges(account)`, `events(account)`, `deliveries`. `/_fake/...` needs no key: it is
  loopback only.

Not implemented: raw card numbers and tokens, cancel/capture/update of intents, Checkout,
Invoices and Subscriptions, disputes, Connect OAuth and account links, 3-D Secure
redirects in the API (`next_action` is always `use_stripe_sdk`), `ending_before`, nested
expansion, search pagination, the search index's delay, 409 `idempotency_key_in_use`
(requests with one key are serialized instead), key expiry after 24 hours, API versions,
and live mode.
"""

from portico_local.fake_stripe.server import FakeStripe, Fault

__all__ = ["FakeStripe", "Fault"]
