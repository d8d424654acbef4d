"""The fake's browser pages: what Stripe.js and the Payment Element do for a customer.

- `/_fake/card-form`: the card form. The portal redirects here with a SetupIntent's
  `client_secret`, the publishable `key`, the connected `account` and a `return_url`; the
  customer picks one of Stripe's test cards (the list is on the form) and the form posts to
  the fake, which confirms the SetupIntent exactly as `POST /v1/setup_intents/{id}/confirm`
  with the publishable key does, then redirects to `return_url` with Stripe's parameters
  (`setup_intent`, `setup_intent_client_secret`, `redirect_status=succeeded`). A card that
  declines when saved shows Stripe's message on the form, as the Payment Element does.
- The same address, for a SetupIntent that takes only `us_bank_account`, is the bank-account
  form (what the Payment Element's "US bank account" tab does): the account holder's name,
  routing number 110000000 and one of Stripe's test account numbers (listed on the form, with
  what each does when a debit settles). The fake makes the PaymentMethod and confirms the
  SetupIntent with it, then redirects the same way; a refused number stays on the form.
- `/_fake/authenticate`: the 3-D Secure page for a PaymentIntent that `requires_action`
  (`client_secret`, `key`, `account`, `return_url`): "Complete" or "Fail" authentication,
  then back to `return_url` with `payment_intent` and `redirect_status`.

The card number never reaches Portico's API: the browser hands it to the fake (to Stripe).
Pages are rendered with `html.escape` on every value; they take English or Spanish
(`locale=es`), like the Payment Element's `locale`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from portico_local.fake_stripe import testdata
from portico_local.fake_stripe.api import public
from portico_local.fake_stripe.errors import StripeError

if TYPE_CHECKING:
    from portico_local.fake_stripe.server import FakeStripe

CARD_FORM = "/_fake/card-form"
AUTHENTICATE = "/_fake/authenticate"

# (test id, number shown, what it does): Stripe's documented test cards.
TEST_CARDS: list[tuple[str, str, dict[str, str]]] = [
    ("pm_card_visa", "4242 4242 4242 4242", {"en": "Visa: succeeds", "es": "Visa: se aprueba"}),
    (
        "pm_card_mastercard",
        "5555 5555 5555 4444",
        {"en": "Mastercard: succeeds", "es": "Mastercard: se aprueba"},
    ),
    (
        "pm_card_authenticationRequired",
        "4000 0027 6000 3184",
        {
            "en": "Visa: asks for 3-D Secure on every payment",
            "es": "Visa: pide 3-D Secure en cada pago",
        },
    ),
    (
        "pm_card_chargeCustomerFail",
        "4000 0000 0000 0341",
        {
            "en": "Visa: saves, every charge is declined",
            "es": "Visa: se guarda, todo cobro se rechaza",
        },
    ),
    (
        "pm_card_chargeDeclined",
        "4000 0000 0000 0002",
        {"en": "Visa: declined (generic)", "es": "Visa: rechazada (genérico)"},
    ),
    (
        "pm_card_chargeDeclinedInsufficientFunds",
        "4000 0000 0000 9995",
        {"en": "Visa: declined, insufficient funds", "es": "Visa: rechazada, fondos insuficientes"},
    ),
]

# (account number, what it does when a debit settles): Stripe's documented test accounts.
TEST_BANK_ACCOUNTS: list[tuple[str, dict[str, str]]] = [
    ("000123456789", {"en": "succeeds", "es": "se aprueba"}),
    ("000111111113", {"en": "fails: account closed", "es": "falla: cuenta cerrada"}),
    ("000111111116", {"en": "fails: no such account", "es": "falla: la cuenta no existe"}),
    ("000222222227", {"en": "fails: insufficient funds", "es": "falla: fondos insuficientes"}),
    (
        "000333333335",
        {"en": "fails: debit not authorized", "es": "falla: débito no autorizado"},
    ),
]

WORDS = {
    "en": {
        "card_title": "Add a card (test mode)",
        "card_intro": "This is the local runtime's fake Stripe. Pick one of Stripe's test cards; "
        "the card goes to the fake Stripe, never to the portal's server.",
        "card_legend": "Test card",
        "save": "Save card",
        "cancel": "Cancel and go back",
        "auth_title": "Confirm this payment (3-D Secure test)",
        "auth_intro": "Your bank asks you to confirm a payment of {amount}.",
        "complete": "Complete authentication",
        "fail": "Fail authentication",
        "bad": "This link is not valid any more. Go back to the portal and try again.",
        "bank_title": "Add a bank account (test mode)",
        "bank_intro": "This is the local runtime's fake Stripe. Enter routing number "
        "110000000 and one of Stripe's test account numbers below; the numbers go to the "
        "fake Stripe, never to the portal's server.",
        "holder": "Account holder's name",
        "routing": "Routing number",
        "account_number": "Account number",
        "test_accounts": "Test account numbers",
        "save_bank": "Save bank account",
        "need_holder": "Enter the account holder's name.",
    },
    "es": {
        "card_title": "Agregar una tarjeta (modo de prueba)",
        "card_intro": "Este es el Stripe simulado del entorno local. Elija una tarjeta de prueba "
        "de Stripe; la tarjeta va al Stripe simulado, nunca al servidor del portal.",
        "card_legend": "Tarjeta de prueba",
        "save": "Guardar tarjeta",
        "cancel": "Cancelar y volver",
        "auth_title": "Confirme este pago (prueba de 3-D Secure)",
        "auth_intro": "Su banco le pide confirmar un pago de {amount}.",
        "complete": "Completar la autenticación",
        "fail": "Fallar la autenticación",
        "bad": "Este enlace ya no es válido. Vuelva al portal e inténtelo de nuevo.",
        "bank_title": "Agregar una cuenta bancaria (modo de prueba)",
        "bank_intro": "Este es el Stripe simulado del entorno local. Ingrese el número de ruta "
        "110000000 y uno de los números de cuenta de prueba de Stripe de abajo; los números "
        "van al Stripe simulado, nunca al servidor del portal.",
        "holder": "Nombre del titular de la cuenta",
        "routing": "Número de ruta",
        "account_number": "Número de cuenta",
        "test_accounts": "Números de cuenta de prueba",
        "save_bank": "Guardar la cuenta bancaria",
        "need_holder": "Ingrese el nombre del titular de la cuenta.",
    },
}


@dataclass
class PageAnswer:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def handle(fake: FakeStripe, method: str, path: str, query: str, body: str) -> PageAnswer:
    """A request to one of the pages; GET shows it, POST acts on it."""
    params = dict(parse_qsl(query, keep_blank_values=True))
    if method == "POST":
        params.update(parse_qsl(body, keep_blank_values=True))
    lang = "es" if params.get("locale") == "es" else "en"
    return_url = params.get("return_url", "")
    if urlsplit(return_url).scheme not in ("http", "https"):
        return _page(400, lang, WORDS[lang]["bad"], "<p>return_url must be http(s).</p>")
    kind = "setup_intent" if path == CARD_FORM else "payment_intent"
    try:
        intent = _intent(fake, kind, params)
    except StripeError as error:
        return _page(400, lang, WORDS[lang]["bad"], _error(error.body["message"]))
    if path == CARD_FORM and "card" not in intent.get("payment_method_types", ["card"]):
        return _bank_form(fake, method, params, intent, lang, return_url)
    if path == CARD_FORM:
        return _card_form(fake, method, params, intent, lang, return_url)
    return _authenticate(fake, method, params, intent, lang, return_url)


def _intent(fake: FakeStripe, kind: str, params: dict[str, str]) -> dict[str, Any]:
    # What Stripe.js proves with the publishable key and the intent's client_secret.
    secret = params.get("client_secret", "")
    if params.get("key") != fake.publishable_key:
        raise StripeError(401, "invalid_request_error", "Invalid API Key provided.")
    with fake.lock:
        account = fake.api.account(params.get("account") or None)
        intent = account.get(kind, secret.partition("_secret_")[0])
        if intent["client_secret"] != secret:
            raise StripeError(400, "invalid_request_error", "The client_secret does not match.")
        return public(intent)


def _card_form(
    fake: FakeStripe,
    method: str,
    params: dict[str, str],
    intent: dict[str, Any],
    lang: str,
    return_url: str,
) -> PageAnswer:
    words = WORDS[lang]
    message = ""
    chosen = params.get("payment_method", "pm_card_visa")
    if method == "POST":
        if chosen not in {card[0] for card in TEST_CARDS}:
            message = _error("Choose a test card.")
        else:
            try:
                with fake.lock:
                    account = fake.api.account(params.get("account") or None)
                    fake.api.confirm_setup_intent(account, intent["id"], {"payment_method": chosen})
            except StripeError as error:
                message = _error(error.body["message"])
            else:
                return _setup_succeeded(return_url, intent)
    options = "\n".join(
        f'<div class="card"><input type="radio" name="payment_method" id="{pm}" value="{pm}"'
        f"{' checked' if pm == chosen else ''}>"
        f'<label for="{pm}"><span class="number">{number}</span> {html.escape(what[lang])}'
        f"</label></div>"
        for pm, number, what in TEST_CARDS
    )
    cancel = _with(return_url, {"redirect_status": "canceled"})
    content = f"""
<p>{html.escape(words["card_intro"])}</p>
{message}
<form method="post" action="{CARD_FORM}">
{_hidden(params)}
<fieldset><legend>{html.escape(words["card_legend"])}</legend>
{options}
</fieldset>
<button type="submit">{html.escape(words["save"])}</button>
</form>
<p><a href="{html.escape(cancel)}">{html.escape(words["cancel"])}</a></p>"""
    return _page(200, lang, words["card_title"], content)


def _setup_succeeded(return_url: str, intent: dict[str, Any]) -> PageAnswer:
    """Back to the page that asked, as Stripe redirects after a confirmed SetupIntent."""
    return _back(
        return_url,
        {
            "setup_intent": intent["id"],
            "setup_intent_client_secret": intent["client_secret"],
            "redirect_status": "succeeded",
        },
    )


def _bank_form(
    fake: FakeStripe,
    method: str,
    params: dict[str, str],
    intent: dict[str, Any],
    lang: str,
    return_url: str,
) -> PageAnswer:
    words = WORDS[lang]
    message = ""
    holder = params.get("holder", "").strip()
    routing = params.get("routing_number", testdata.TEST_ROUTING_NUMBER).strip()
    number = params.get("account_number", "").strip()
    if method == "POST":
        if not holder:
            message = _error(words["need_holder"])
        else:
            try:
                with fake.lock:
                    account = fake.api.account(params.get("account") or None)
                    bank = fake.api.create_payment_method(
                        account,
                        {
                            "type": "us_bank_account",
                            "us_bank_account": {
                                "account_number": number,
                                "routing_number": routing,
                            },
                            "billing_details": {"name": holder},
                        },
                    )
                    fake.api.confirm_setup_intent(
                        account, intent["id"], {"payment_method": bank["id"]}
                    )
            except StripeError as error:
                message = _error(error.body["message"])
            else:
                return _setup_succeeded(return_url, intent)
    accounts = "\n".join(
        f'<li><span class="number">{number_}</span> {html.escape(what[lang])}</li>'
        for number_, what in TEST_BANK_ACCOUNTS
    )
    cancel = _with(return_url, {"redirect_status": "canceled"})
    content = f"""
<p>{html.escape(words["bank_intro"])}</p>
{message}
<form method="post" action="{CARD_FORM}">
{_hidden(params)}
<p><label for="holder">{html.escape(words["holder"])}</label>
<input id="holder" name="holder" autocomplete="name" required value="{html.escape(holder)}"></p>
<p><label for="routing_number">{html.escape(words["routing"])}</label>
<input id="routing_number" name="routing_number" inputmode="numeric" required
 value="{html.escape(routing)}"></p>
<p><label for="account_number">{html.escape(words["account_number"])}</label>
<input id="account_number" name="account_number" inputmode="numeric" required
 aria-describedby="test-accounts" value="{html.escape(number)}"></p>
<button type="submit">{html.escape(words["save_bank"])}</button>
</form>
<h2 id="test-accounts">{html.escape(words["test_accounts"])}</h2>
<ul>{accounts}</ul>
<p><a href="{html.escape(cancel)}">{html.escape(words["cancel"])}</a></p>"""
    return _page(200, lang, words["bank_title"], content)


def _authenticate(
    fake: FakeStripe,
    method: str,
    params: dict[str, str],
    intent: dict[str, Any],
    lang: str,
    return_url: str,
) -> PageAnswer:
    words = WORDS[lang]
    if method == "POST":
        succeed = params.get("outcome") != "fail"
        try:
            with fake.lock:
                account = fake.api.account(params.get("account") or None)
                fake.api.complete_authentication(account, intent["id"], succeed=succeed)
        except StripeError as error:
            return _page(400, lang, words["bad"], _error(error.body["message"]))
        return _back(
            return_url,
            {
                "payment_intent": intent["id"],
                "payment_intent_client_secret": intent["client_secret"],
                "redirect_status": "succeeded" if succeed else "failed",
            },
        )
    amount = f"{intent['amount'] / 100:.2f} {str(intent['currency']).upper()}"
    content = f"""
<p>{html.escape(words["auth_intro"].format(amount=amount))}</p>
<form method="post" action="{AUTHENTICATE}">
{_hidden(params)}
<button type="submit" name="outcome" value="complete">{html.escape(words["complete"])}</button>
<button type="submit" name="outcome" value="fail" class="secondary">
{html.escape(words["fail"])}</button>
</form>"""
    return _page(200, lang, words["auth_title"], content)


def _hidden(params: dict[str, str]) -> str:
    names = ("client_secret", "key", "account", "return_url", "locale")
    return "\n".join(
        f'<input type="hidden" name="{name}" value="{html.escape(params.get(name, ""))}">'
        for name in names
    )


def _error(message: str) -> str:
    return f'<p class="error" role="alert">{html.escape(message)}</p>'


def _with(url: str, extra: dict[str, str]) -> str:
    joiner = "&" if urlsplit(url).query else "?"
    return url + joiner + urlencode(extra)


def _back(return_url: str, extra: dict[str, str]) -> PageAnswer:
    return PageAnswer(303, headers={"location": _with(return_url, extra)})


_STYLE = """
body{font-family:system-ui,sans-serif;margin:0;color:#1b1f24;line-height:1.5}
header{background:#4b45c6;color:#fff;padding:.75rem 1rem;font-weight:700}
main{max-width:32rem;margin:0 auto;padding:1rem}
fieldset{border:1px solid #6b7480;border-radius:.375rem;padding:.5rem 1rem}
.card{display:flex;gap:.5rem;align-items:center;min-height:2.75rem}
.card input{width:1.25rem;height:1.25rem;flex:none;margin:0}
.number{font-family:ui-monospace,monospace;font-weight:600}
label{display:block;font-weight:600}
input:not([type=radio]){font:inherit;min-height:2.75rem;width:100%;box-sizing:border-box;
padding:.5rem;border:1px solid #6b7480;border-radius:.375rem}
button{font:inherit;min-height:2.75rem;margin:1rem .5rem 0 0;padding:.5rem 1rem;
border-radius:.375rem;background:#4b45c6;color:#fff;border:2px solid #4b45c6;font-weight:600}
button.secondary{background:#fff;color:#1b1f24;border:1px solid #6b7480}
:focus-visible{outline:3px solid #1a56db;outline-offset:2px}
.error{border-left:4px solid #b3261e;padding-left:.75rem;font-weight:600}
a{color:#0b57a4}
"""


def _page(status: int, lang: str, title: str, content: str) -> PageAnswer:
    document = f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{html.escape(title)}</title><style>{_STYLE}</style></head>
<body><header>Stripe (fake, test mode)</header>
<main><h1>{html.escape(title)}</h1>{content}</main></body></html>"""
    return PageAnswer(
        status,
        document.encode(),
        {
            "content-type": "text/html; charset=utf-8",
            "cache-control": "no-store",
            "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; "
            "form-action 'self' http: https:; frame-ancestors 'none'",
        },
    )
