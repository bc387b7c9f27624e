"""Browser journeys: Playwright drives Debian's Chromium against a live Daphne server.

Every page a test visits goes through `visit`, which injects axe-core and fails the test on
any violation of WCAG 2.1 A/AA or of axe's best practices, whatever its impact. Every page
any test opens, in any browser context, is watched for Content-Security-Policy violations that
Chromium reports: one fails the test. Every context also aborts each request to a host outside
this machine and records it; a recorded one fails the test, so no page may depend on (or leak
visits to) a third party.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    expect,
    sync_playwright,
)

PROJECT_DIR = Path(__file__).resolve().parents[2]
AXE_SCRIPT = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
# Wagtail's admin sidebar (built by its own scripts) repeats a landmark without a distinct label;
# that best-practice rule is Wagtail's to fix, every other rule holds in the admin too.
ADMIN_EXEMPT_RULES = {"landmark-unique": {"enabled": False}}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Every request to a host outside this machine goes to a proxy that is not there and fails;
    # loopback addresses bypass any proxy. Blocking in the browser, not by routing each request
    # through the test process, keeps Chromium's cache and the journeys' speed.
    "--proxy-server=http://127.0.0.1:9",
]
# How long an `expect` waits for the page to show what it should. Playwright's 5 s are plenty on
# a quiet machine; with other work beside the suite a page or a live update can take longer,
# and a wait on what the page shows returns as soon as it is there.
expect.set_options(timeout=30_000)
# What Chromium logged about blocked content since the last check ("Refused to execute inline
# script because it violates the following Content Security Policy directive: …").
CSP_VIOLATIONS: list[str] = []
# Requests the browser tried to send to a host that is not this machine since the last check.
OUTSIDE_REQUESTS: list[str] = []


def _missing(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"CI requires the browser tests: {what}", pytrace=False)
    pytest.skip(f"!!! BROWSER TESTS SKIPPED !!! {what}")


@pytest.fixture(scope="module")
def browser(django_db_setup: None, daphne_server: Any) -> Iterator[Browser]:
    """Starts after the live server: a server forked later would inherit the pipes to
    Playwright's driver and keep it from ever shutting down."""
    chromium = shutil.which("chromium")
    if not chromium:
        _missing("Debian's chromium is not installed (apt-get install chromium)")
    if not AXE_SCRIPT.exists():
        _missing("axe-core is not installed (npm ci)")
    # Playwright's sync API keeps an event loop running in this thread while it is open; the
    # ORM calls the tests make meanwhile are still plain synchronous code. Module scope keeps
    # that window from reaching tests in other modules.
    from django.db import connections

    snapshots = {
        alias: connections[alias].__dict__.get("_test_serialized_contents") for alias in connections
    }
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        # With an event loop running, Django hands out context-local connection objects (asgiref
        # Local); they need the database snapshot that `serialized_rollback` restores from.
        for alias, snapshot in snapshots.items():
            if snapshot is not None:
                connections[alias]._test_serialized_contents = snapshot
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        open_context = browser.new_context

        def watched_context(**options: Any) -> BrowserContext:
            context = open_context(**options)
            context.on("console", _record_csp_violation)
            context.on("request", _record_outside_request)
            return context

        # Tests open contexts of their own (several members at once, JavaScript off); each is
        # watched. Chromium reports violations on the console whether scripts run or not.
        patch.setattr(browser, "new_context", watched_context)
        yield browser
        browser.close()


def _record_csp_violation(message: ConsoleMessage) -> None:
    if "Content Security Policy" in message.text:
        where = message.page.url if message.page else message.location.get("url", "?")
        CSP_VIOLATIONS.append(f"{where}: {message.text}")


def is_outside(url: str) -> bool:
    """Whether a request to `url` would leave this machine. URLs without a host (data:, blob:,
    about:) never do."""
    host = urlsplit(url).hostname
    if not host:
        return False
    if host == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True


def _record_outside_request(request: Request) -> None:
    if is_outside(request.url):
        OUTSIDE_REQUESTS.append(request.url)


def assert_no_outside_request() -> None:
    """Fail on requests to outside hosts since the last check (and start afresh)."""
    found = OUTSIDE_REQUESTS.copy()
    OUTSIDE_REQUESTS.clear()
    assert not found, "Requests to hosts outside this machine:\n" + "\n".join(found)


def assert_no_csp_violation() -> None:
    """Fail on what Chromium blocked since the last check (and start afresh)."""
    found = CSP_VIOLATIONS.copy()
    CSP_VIOLATIONS.clear()
    assert not found, "Content-Security-Policy violations:\n" + "\n".join(found)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """After each browser test: anything blocked on any page it opened fails it."""
    CSP_VIOLATIONS.clear()
    OUTSIDE_REQUESTS.clear()
    result = yield
    assert_no_csp_violation()
    assert_no_outside_request()
    return result


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def accessibility_violations(page: Page) -> list[str]:
    """What axe-core finds wrong on the page as it is now, one line per rule: its id, impact,
    help text and the first elements that break it."""
    # Evaluated through the DevTools protocol, which the page's policy does not govern; a
    # <script> tag (add_script_tag) would be inline code the policy rightly blocks.
    page.evaluate("() => {\n" + AXE_SCRIPT.read_text() + "\n}")
    in_admin = urlsplit(page.url).path.startswith("/admin/")
    result: dict[str, Any] = page.evaluate(
        "([tags, rules]) => axe.run(document, {runOnly: {type: 'tag', values: tags}, rules})",
        [AXE_TAGS, ADMIN_EXEMPT_RULES if in_admin else {}],
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} – "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:5])
        for violation in result["violations"]
    ]


def assert_accessible(page: Page) -> None:
    violations = accessibility_violations(page)
    assert not violations, f"Accessibility violations on {page.url}:\n" + "\n".join(violations)


def visit(page: Page, url: str) -> None:
    response = page.goto(url)
    assert response is not None
    assert response.ok, f"{url} answered {response.status}"
    assert_accessible(page)
    assert_no_csp_violation()
    assert_no_outside_request()


def submit_login(page: Page, email: str, password: str) -> None:
    """Fill and send allauth's login form, wherever the visit landed on it."""
    page.get_by_label("E-Mail").fill(email)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("main").get_by_role("button", name="Anmeldung").click()
