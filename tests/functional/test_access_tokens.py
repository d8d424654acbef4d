"""Forged, altered and stale access tokens are refused (401), and a valid one is checked
without any AWS call."""

from __future__ import annotations

import base64
import json

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from portico.identity.access_tokens import AUDIENCE, ISSUER
from tests.support.api import call
from tests.support.factories import a_business, customer_body
from tests.support.sessions import signed_up


@pytest.fixture
def session(services, clock):
    biz = a_business(services)
    call("PUT", "/v1/admin/portal", {"enabled": True}, api_key=biz.api_key)
    call("PUT", "/v1/admin/customers/cust-1", customer_body(), api_key=biz.api_key)
    started = signed_up(services, biz.business_id, "cust-1", "ana@example.com")
    kid, secret = services.signing_keys.current()
    now = int(clock.now().timestamp())
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "cust-1",
        "cid": "cust-1",
        "bid": biz.business_id,
        "role": "customer",
        "sid": "s1",
        "iat": now,
        "nbf": now,
        "exp": now + 900,
        "tabs": ["invoices", "payments", "statement"],
        "tz": "America/Chicago",
        "cur": "USD",
    }
    return {"token": started.json()["access_token"], "kid": kid, "secret": secret, "claims": claims}


def me_with(token):
    return call("GET", "/v1/me", headers={"authorization": f"Bearer {token}"})


def sign(claims, secret, kid, algorithm="HS256"):
    return jwt.encode(claims, secret, algorithm=algorithm, headers={"kid": kid})


def b64(data) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def test_the_genuine_token_works(session):
    assert me_with(session["token"]).status == 200
    assert me_with(sign(session["claims"], session["secret"], session["kid"])).status == 200


@pytest.mark.parametrize(
    "change",
    [
        {"aud": "someone-else"},
        {"iss": "evil"},
        {"role": "admin"},
        {"cid": "cust-2"},
        {"exp": 1},
        {"tabs": "invoices"},
        {"tz": 5},
    ],
)
def test_wrong_claims_are_refused(session, change):
    claims = session["claims"] | change
    assert me_with(sign(claims, session["secret"], session["kid"])).status == 401


def test_expired_token_is_refused(session):
    claims = session["claims"] | {"exp": session["claims"]["iat"] - 1}
    assert me_with(sign(claims, session["secret"], session["kid"])).status == 401


def test_token_not_valid_yet_is_refused(session):
    claims = session["claims"] | {"nbf": session["claims"]["iat"] + 3600}
    assert me_with(sign(claims, session["secret"], session["kid"])).status == 401


@pytest.mark.parametrize(
    "missing", ["exp", "iat", "nbf", "sub", "bid", "role", "sid", "tabs", "tz", "cur"]
)
def test_token_missing_a_claim_is_refused(session, missing):
    claims = {k: v for k, v in session["claims"].items() if k != missing}
    assert me_with(sign(claims, session["secret"], session["kid"])).status == 401


def test_alg_none_is_refused(session):
    token = f"{b64({'alg': 'none', 'kid': session['kid'], 'typ': 'JWT'})}.{b64(session['claims'])}."
    assert me_with(token).status == 401


def test_another_hmac_algorithm_is_refused(session):
    token = sign(session["claims"], session["secret"] * 2, session["kid"], algorithm="HS512")
    assert me_with(token).status == 401


def test_an_rsa_signed_token_is_refused(session):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert me_with(sign(session["claims"], key, session["kid"], algorithm="RS256")).status == 401


def test_a_token_signed_with_another_secret_is_refused(session):
    assert me_with(sign(session["claims"], b"x" * 64, session["kid"])).status == 401


def test_an_unknown_key_id_is_refused(session):
    assert me_with(sign(session["claims"], session["secret"], "k-unknown")).status == 401


def test_a_tampered_payload_is_refused(session):
    header, _, signature = session["token"].split(".")
    forged = dict(session["claims"], cid="cust-2", sub="cust-2")
    assert me_with(f"{header}.{b64(forged)}.{signature}").status == 401


@pytest.mark.parametrize("token", ["", "garbage", "a.b.c", "ptk_not_a_key", "." * 3])
def test_junk_is_refused(session, token):
    response = call("GET", "/v1/me", headers={"authorization": f"Bearer {token}"})
    assert response.status == 401


def test_the_authorizer_checks_a_session_without_any_aws_call(session, aws_calls):
    from auth.authorizer import lambda_handler
    from portico_local.gateway import LambdaContext

    event = {"headers": {"authorization": f"Bearer {session['token']}"}}
    lambda_handler(event, LambdaContext())  # warm: the signing keys are cached per instance
    with aws_calls.counting():
        decision = lambda_handler(event, LambdaContext())
    assert decision["context"]["customer_id"] == "cust-1"
    assert aws_calls.total == 0
