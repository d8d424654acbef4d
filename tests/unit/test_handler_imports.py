"""Importing a handler, as Lambda's init phase does, stays cheap and offline (DESIGN 5).

Each module is imported in a fresh, isolated interpreter with only the environment its
function gets from template.yaml, so no module already loaded by the test run can hide a
heavy or networked import. Timing is left to `make bench`: here only facts that cannot
flake are asserted.
"""

from __future__ import annotations

import textwrap

import pytest

from bench.imports import HandlerModule, child_env, handler_modules, probe

HANDLERS = handler_modules()


def test_given_the_template_then_every_function_handler_is_probed():
    modules = {handler.module for handler in HANDLERS}
    assert {"auth.authorizer", "auth.handler", "admin.handler"} <= modules


@pytest.mark.parametrize("handler", HANDLERS, ids=lambda handler: handler.module)
def test_given_a_fresh_interpreter_when_the_handler_is_imported_then_it_is_offline_and_lean(
    handler: HandlerModule,
):
    result = probe(handler.module, child_env(handler))

    assert result.error is None, f"{handler.module} does not import: {result.error}"
    assert result.network == [], f"{handler.module} used the network at import: {result.network}"
    if not handler.payments:
        assert not result.stripe, f"{handler.module} imports stripe but takes no payments"


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
    assert result.network, "the socket guard missed a connection attempt"


def test_given_a_module_that_fails_to_import_when_probed_then_the_error_is_reported(tmp_path):
    (tmp_path / "portico_broken.py").write_text("raise RuntimeError('boom at import')\n")

    result = probe("portico_broken", child_env(HANDLERS[0]), extra_path=[str(tmp_path)])

    assert result.error == "RuntimeError: boom at import"
