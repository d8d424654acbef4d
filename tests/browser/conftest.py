"""Browser tests: Playwright driving Debian's Chromium against one local runtime.

One runtime and one browser per test session (the tests share the `browser` xdist group, so
`--dist loadgroup` runs them all in one worker); each test gets its own browser context, so
cookies and storage never leak between customers. Playwright's own browser download is never
used: `make test` installs Chromium with apt and Playwright with pip.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    expect,
    sync_playwright,
)

from tests.e2e.runtime import ROOT, Runtime, local_runtime

CHROMIUM = os.environ.get("PORTICO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
# The machine runs other tests beside these: give the runtime time before calling it a failure.
expect.set_options(timeout=15_000)
# A phone (an iPhone 12-14's CSS viewport) and a laptop.
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Every browser test shares the session's runtime and browser: one xdist worker runs them.
    for item in items:
        if item.path.is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def runtime() -> Iterator[Runtime]:
    # Started beside the other test workers on a small machine: let it take its time.
    with local_runtime(deadline_s=120) as running:
        yield running


@pytest.fixture(scope="session")
def demo(runtime: Runtime) -> dict[str, Any]:
    response = runtime.request("GET", "/_dev/demo")
    assert response.status == 200, response.body
    return response.json()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make install` installs Chromium (apt)")
    launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield launched
    launched.close()


def new_context(
    browser: Browser, runtime: Runtime, viewport: str, locale: str = "en-US"
) -> BrowserContext:
    """A fresh browser profile (no cookies) at one viewport and browser language."""
    context = browser.new_context(
        base_url=runtime.base_url,
        viewport=VIEWPORTS[viewport],
        locale=locale,
        is_mobile=viewport == "phone",
        has_touch=viewport == "phone",
        device_scale_factor=1,
        bypass_csp=True,  # axe-core is injected as a script, into the fake Stripe's pages too
    )
    context.set_default_timeout(10_000)
    return context


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def context(browser: Browser, runtime: Runtime, viewport: str) -> Iterator[BrowserContext]:
    """A fresh browser profile at the test's viewport."""
    made = new_context(browser, runtime, viewport)
    yield made
    made.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """A page in the test's profile; fails the test on a script error."""
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    assert not errors, f"script errors on the page: {errors}"
