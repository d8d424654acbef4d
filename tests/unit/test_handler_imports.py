"""Importing a handler, as Lambda's init phase does, stays cheap and offline (DESIGN 5).

Each module is imported in a fresh, isolated interpreter with only the environment its
function gets from template.yaml, so no module already loaded by the test run can hide a
heavy or networked import. Timing is left to `make bench`: here only facts that cannot
flake are asserted.
"""

from __future__ import annotations

import textwrap
from functools import cache

import pytest

from bench.imports import HandlerModule, Probe, child_env, handler_modules, probe

HANDLERS = handler_modules()

# Heavy packages that serve only some requests of a function: imported where they are used,
# never when Lambda loads a handler.
LOADED_ON_USE = {
    "argon2": "password hashing: sign-in, accepting a link, resetting a password",
    "zxcvbn": "the common-password list: setting a password",
    "fpdf": "PDF rendering: the PDF routes",
    "PIL": "image checks: logo uploads and PDFs",
    "jinja2": "email templates: rendering an email",
    "boto3": "AWS clients: made on first use (portico.bootstrap, provisioning's SecretStore)",
    "s3transfer": "boto3's S3 transfers: made on first use with boto3",
    "requests": "Stripe's HTTP client: the first Stripe call",
}

# Packages a function needs at every request, so its handler may load them at import; no
# other handler does.
NEEDED_BY = {
    "jwt": {"auth.authorizer"},  # every request checks an access token
    "cryptography": {"auth.authorizer"},  # PyJWT loads it
    "markupsafe": {"mailer.handler"},  # every job merges fields into an email
}


def _probe(handler: HandlerModule) -> Probe:
    return _probe_module(handler.module)


@cache
def _probe_module(module: str) -> Probe:
    """One fresh import per handler module and test process, shared by the checks below."""
    handler = next(handler for handler in HANDLERS if handler.module == module)
    return probe(handler.module, child_env(handler))


def test_given_the_template_then_every_function_handler_is_probed():
    modules = {handler.module for handler in HANDLERS}
    assert {"auth.authorizer", "auth.handler", "admin.handler"} <= modules


@pytest.mark.parametrize("handler", HANDLERS, ids=lambda handler: handler.module)
def test_given_a_fresh_interpreter_when_the_handler_is_imported_then_it_is_offline_and_lean(
    handler: HandlerModule,
):
    result = _probe(handler)

    assert result.error is None, f"{handler.module} does not import: {result.error}"
    assert result.network == [], f"{handler.module} used the network at import: {result.network}"
    if not handler.payments:
        assert not result.stripe, f"{handler.module} imports stripe but takes no payments"


@pytest.mark.parametrize("handler", HANDLERS, ids=lambda handler: handler.module)
def test_given_a_fresh_interpreter_when_the_handler_is_imported_then_per_path_packages_wait(
    handler: HandlerModule,
):
    result = _probe(handler)

    assert result.error is None, f"{handler.module} does not import: {result.error}"
    early = {name: LOADED_ON_USE[name] for name in result.packages if name in LOADED_ON_USE}
    assert early == {}, f"{handler.module} imports at load what only some requests need"
    foreign = {
        name: sorted(owners)
        for name, owners in NEEDED_BY.items()
        if name in result.packages and handler.module not in owners
    }
    assert foreign == {}, f"{handler.module} imports another function's per-request packages"


# --- the probe itself must be able to see what it looks for ---------------------------------


@pytest.fixture
def canary(tmp_path):
    """A module that does at import what a handler must not."""
    (tmp_path / "portico_canary.py").write_text(
        textwrap.dedent(
            """
            import socket, sys, types
            sys.modules["stripe"] = types.ModuleType("stripe")
            try:
                socket.create_connection(("127.0.0.1", 9), timeout=0.1)
            except OSError:
                pass  # a module that swallows the error must still be caught
            """
        )
    )
    return tmp_path


def test_given_a_module_that_connects_and_loads_stripe_when_probed_then_both_are_reported(
    canary,
):
    result = probe("portico_canary", child_env(HANDLERS[0]), extra_path=[str(canary)])

    assert result.error is None
    assert result.stripe
    assert "stripe" in result.packages
    assert result.network, "the socket guard missed a connection attempt"


def test_given_a_module_that_fails_to_import_when_probed_then_the_error_is_reported(tmp_path):
    (tmp_path / "portico_broken.py").write_text("raise RuntimeError('boom at import')\n")

    result = probe("portico_broken", child_env(HANDLERS[0]), extra_path=[str(tmp_path)])

    assert result.error == "RuntimeError: boom at import"
