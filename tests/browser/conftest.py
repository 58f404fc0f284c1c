from __future__ import annotations

import os
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, sync_playwright

from courseware.services import setup_demo
from quizzes.services import build_pack
from tests.conftest import PACK

# Playwright's sync API keeps an event loop running in the test thread, which Django's async
# safety check mistakes for async code touching the ORM; the tests themselves are synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
# Chromium as a headless test browser on a closed network: no sandbox as root, and none of the
# background connections that would be refused here.
CHROMIUM_ARGS = [
    "--headless=new",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]


# Every page a browser test opens runs under the site's Content-Security-Policy; a violation
# (an inline script or style, an eval, anything from elsewhere) fails the test. Each document
# reports `securitypolicyviolation` events through a binding (which survives navigation), and
# Chromium's "Refused to …" console errors are kept too.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__fuenteCspViolation({
    page: document.location.href,
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile + ":" + event.lineNumber,
    sample: event.sample,
    element: event.target && event.target.outerHTML ? event.target.outerHTML.slice(0, 200) : "",
  });
});
"""


@dataclass
class CspWatch:
    """What the current test's pages reported; `pages` are the documents they loaded."""

    violations: list[dict] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)

    def clear(self) -> None:
        self.violations.clear()
        self.console.clear()


_watch = CspWatch()
VISITED: list[str] = []  # every document any browser test loaded, for the session summary


def _watch_context(context):
    def on_violation(violation):
        _watch.violations.append(violation)

    context.expose_function("__fuenteCspViolation", on_violation)
    context.add_init_script(CSP_LISTENER)

    def on_console(message):
        text = message.text
        if "Content Security Policy" in text or text.startswith("Refused to"):
            _watch.console.append(text)

    def on_response(response):
        request = response.request
        if request.resource_type != "document":
            return
        try:
            frame = request.frame
        except PlaywrightError:  # a popup's first navigation, requested before its frame exists
            frame = None
        if frame is None or frame.parent_frame is None:
            _watch.pages.append(urlsplit(response.url).path)
            VISITED.append(urlsplit(response.url).path)

    context.on("console", on_console)
    context.on("response", on_response)
    return context


class WatchedBrowser:
    """The Playwright browser, with every new context watched for CSP violations."""

    def __init__(self, browser):
        self._browser = browser

    def new_context(self, **kwargs):
        return _watch_context(self._browser.new_context(**kwargs))

    def new_page(self, **kwargs):
        return self.new_context(**kwargs).new_page()

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture(scope="session", autouse=True)
def screenshots_wait_for_a_painted_page():
    """A screenshot is for people to look at, never what a test asserts; under a loaded machine
    Chromium sometimes answers "Unable to capture screenshot" while it has not painted a frame
    yet (failed a CI run twice). It is taken again once the page has loaded, up to three times."""
    take = Page.screenshot

    def screenshot(self, *args, **kwargs):
        for _ in range(2):
            try:
                return take(self, *args, **kwargs)
            except PlaywrightError as error:
                if "Unable to capture screenshot" not in str(error):
                    raise
                self.wait_for_load_state()
                self.wait_for_timeout(500)
        return take(self, *args, **kwargs)

    Page.screenshot = screenshot
    yield
    Page.screenshot = take


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium package."
        )
    args = CHROMIUM_ARGS + (["--no-sandbox"] if os.geteuid() == 0 else [])
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        yield WatchedBrowser(browser)
        browser.close()


@pytest.fixture(autouse=True)
def csp_violations():
    """Fails the test if any page it opened broke the Content-Security-Policy. A test that
    breaks it on purpose inspects this and clears it."""
    _watch.clear()
    _watch.pages.clear()
    yield _watch
    found = [*_watch.violations, *_watch.console]
    _watch.clear()
    assert not found, f"Content-Security-Policy violations: {found}"


def pytest_terminal_summary(terminalreporter):
    if VISITED:
        terminalreporter.write_line(
            f"Browser tests: {len(VISITED)} page loads ({len(set(VISITED))} distinct paths) "
            "checked for Content-Security-Policy violations."
        )


@pytest.fixture
def demo_site(live_server, transactional_db):
    """The fixture course pack (course "rivers") and the demo accounts, committed so the live
    server's thread sees them. The real pack's pages are walked by tests/pack/."""
    build_pack(seeds_dir=PACK)
    setup_demo(seeds_dir=PACK)
    return live_server.url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def log_in(page, base_url: str, username: str, password: str = "fuente-demo") -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
