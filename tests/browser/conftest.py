from __future__ import annotations

import os

import pytest
from playwright.sync_api import sync_playwright

from courseware.services import setup_demo
from quizzes.services import build_pack
from tests.conftest import SEEDS

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


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium package."
        )
    args = CHROMIUM_ARGS + (["--no-sandbox"] if os.geteuid() == 0 else [])
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        yield browser
        browser.close()


@pytest.fixture
def demo_site(live_server, transactional_db):
    """The real course pack and demo accounts, committed so the live server's thread sees them."""
    build_pack(seeds_dir=SEEDS)
    setup_demo(seeds_dir=SEEDS)
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
