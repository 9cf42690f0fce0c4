"""Browser tests: Debian's Chromium driven by Playwright, against the local
stack the whole session shares (``tests/conftest.py``).  One browser for the
session; every test gets fresh browser contexts (one per user), and the last
page a test used is saved as a screenshot under ``test-output/browser/``."""
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-output" / "browser"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Flags that work in containers and CI: no sandbox (root), no GPU, nothing that
# phones home during a test.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage"]
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}; install it with: "
                    "sudo apt-get update && sudo apt-get install -y chromium "
                    "(make test does this when run as root)", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield browser
        browser.close()


class Console:
    """Opens the console as a user, in a browser context of their own."""

    def __init__(self, browser, stack, test_name: str):
        self.browser = browser
        self.stack = stack
        self.test_name = test_name
        self.contexts = []
        self.last_page = None

    def open(self, email: str, path: str = "/", *, width: int = 1280, height: int = 900):
        """A signed-in page at ``path``: the console sends the browser to the dev
        issuer's sign-in form, which we fill in as a person would."""
        context = self.browser.new_context(viewport={"width": width, "height": height})
        context.set_default_timeout(TIMEOUT_MS)
        context.grant_permissions(["clipboard-read", "clipboard-write"],
                                  origin=self.stack.console_url)
        self.contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        page.on("console", lambda msg: page.errors.append(msg.text)
                if msg.type == "error" and "Content Security Policy" in msg.text else None)
        self.last_page = page
        page.goto(self.stack.console_url + path)
        self.sign_in(page, email)
        return page

    def sign_in(self, page, email: str):
        from playwright.sync_api import expect

        page.wait_for_url(re.compile(re.escape(self.stack.issuer_url) + r"/authorize\?"))
        page.get_by_label("Email").fill(email)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(re.compile(re.escape(self.stack.console_url) + "/"))
        expect(page.locator("#who")).to_have_text(f"Signed in as {email}")

    def screenshot(self, page=None):
        page = page or self.last_page
        if page is None or page.is_closed():
            return
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", self.test_name)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    def close(self):
        for context in self.contexts:
            context.close()


@pytest.fixture
def console(browser, stack, request):
    c = Console(browser, stack, request.node.name)
    yield c
    try:
        c.screenshot()
    finally:
        c.close()
