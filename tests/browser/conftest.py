"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Playwright cannot download its own browser here, so it launches /usr/bin/chromium (or
$CHROMIUM). Without it these tests skip with a message saying how to install it; with
ATLAS_REQUIRE_BROWSER=1 (set by .ci/run) a missing browser fails the run instead.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the test
# itself (fixtures, assertions) are still ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# ATLAS_ARTIFACTS keeps the screenshots of runs made side by side (CI: one per database) apart.
ARTIFACTS = Path(os.environ.get("ATLAS_ARTIFACTS") or Path(__file__).resolve().parents[2] / "test-artifacts")
SCREENSHOTS = ARTIFACTS / "screenshots"
INSTALL_HINT = (
    "Chromium is not installed: run `apt-get install -y chromium` (or set CHROMIUM=/path/to/chromium)."
)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


# CI runs both databases' suites at once on two cores: a save in the admin can take seconds
# there, so waits (actions and `expect`) allow 15 s rather than Playwright's 5.
WAIT_MS = 15_000


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("ATLAS_REQUIRE_BROWSER") == "1":
            pytest.fail(INSTALL_HINT + " ATLAS_REQUIRE_BROWSER=1 forbids skipping browser tests.")
        pytest.skip(INSTALL_HINT)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=WAIT_MS)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    yield page
    context.close()


@pytest.fixture
def screenshot(page, request):
    """Save a numbered screenshot of the current page under test-artifacts/screenshots/<test>/."""
    folder = SCREENSHOTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    taken = []

    def take(name):
        taken.append(name)
        path = folder / f"{len(taken):02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
