"""Browser tests: Playwright driving Debian's Chromium against a live server.

Without Chromium they skip with the reason, except where ``REQUIRE_BROWSER=1`` (CI), which
turns that skip into a failure so a missing browser can never pass silently.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls tests make to read
# outcomes are still plain synchronous calls, which Django would otherwise refuse here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
WIDTHS = {"phone": (390, 844), "desktop": (1280, 800)}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str | None:
    # The headless shell first: the same Blink without the desktop browser's UI, as
    # Playwright uses for headless runs (about a third less time and CPU per journey here).
    names = ("chromium-headless-shell", "chromium", "chromium-browser")
    return next((path for name in names if (path := shutil.which(name))), None)


@pytest.fixture(scope="session")
def browser():
    executable = _chromium()
    if executable is None:
        reason = "Chromium is not installed (make browser-deps installs Debian's)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(params=list(WIDTHS), ids=list(WIDTHS))
def page(request, browser, live_server):
    width, height = WIDTHS[request.param]
    context = browser.new_context(
        viewport={"width": width, "height": height},
        base_url=live_server.url,
        locale="en-US",
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.width_name = request.param
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()


def assert_fits_width(page):
    """Nothing overflows sideways: the page reads without horizontal scrolling."""
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"page is {overflow}px wider than the viewport"


def open_menu(page):
    """On a phone the header's links sit behind its Menu button, as a reader finds them: open
    it. On a wide screen they are in the header already."""
    menu = page.locator("[data-site-menu]")
    if menu.get_attribute("open") is None:
        menu.locator("summary").click()


def sign_in(page, user, next_url="/en/forum/"):
    """Through the sign-in form, as the member would (in whichever language it shows)."""
    from tests.factories import PASSWORD

    page.goto(f"/accounts/login/?next={next_url}")
    form = page.locator("form:has(input[name=password])")
    form.locator("input[name=login]").fill(user.email)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"**{next_url}")


# Accessibility: axe-core (pinned in package.json, installed by ``make browser-deps``).
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        reason = "axe-core is not installed (make browser-deps runs npm ci)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    return AXE.read_text(encoding="utf-8")


def axe_on_every_page(context, source: str) -> None:
    """axe-core in each page the context opens, before the page's own scripts, as an init
    script (through the debugging protocol too, so the page's CSP does not govern it):
    ``run_axe`` then finds it, instead of sending and compiling its source for each page.
    A sweep of 72 pages spent 6.7 s in axe instead of 13.7 s."""
    context.add_init_script(source)


def run_axe(page, source: str) -> list[dict]:
    # Evaluated through the browser's debugging protocol, which the page's CSP (no inline
    # script) does not govern: the page is checked exactly as served.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(source + "\n;true")
    result = page.evaluate(
        """() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(
            v => ({id: v.id, impact: v.impact, help: v.help,
                   nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})))"""
    )
    return result
