"""Browser fixtures: Debian's Chromium through Playwright, a live server, and checks on every page.

Everything here is scoped to the tests/browser package, not the session: Playwright's sync API keeps
an asyncio loop running on the main thread while it is started, so `asyncio.run()` in any later test
would fail; and the live app hands Socket.IO back when the package ends (see server.py).
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.browser.helpers import DESKTOP, BrowserWatch
from tests.browser.server import LiveServer, serve

# Debian's Chromium; CHROMIUM names another build (e.g. /usr/bin/chromium-browser elsewhere).
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
BROWSER_TESTS = Path(__file__).resolve().parent
# Reports a CSP violation as a console error, whatever Chromium logs itself (init scripts ignore CSP).
CSP_REPORTER = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline code"}`);
});
"""


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Mark everything under tests/browser as `browser` (before -m selects)."""
    for item in items:
        if BROWSER_TESTS in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="package", autouse=True)
def _chromium_present():
    """Skip browser tests, saying so, without Chromium; with REQUIRE_BROWSER=1 (CI), fail instead."""
    if CHROMIUM.exists():
        return
    missing = f"{CHROMIUM} not found (install it with: apt-get install -y chromium)"
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {missing}", pytrace=False)
    pytest.skip(f"browser tests skipped: {missing}; CI sets REQUIRE_BROWSER=1 to fail instead")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium: pytest-playwright has no option for the executable (DESIGN.md)."""
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


# pytest-playwright's playwright, browser_type, launch_browser, browser and browser_context_args,
# narrowed from session to package scope (see the module docstring); the rest of the plugin
# (page, context, new_context, tracing and screenshots on failure) builds on these.
@pytest.fixture(scope="package")
def playwright(_pw_api_request_contexts):
    """Playwright, started for the browser tests and stopped after them."""
    pw = sync_playwright().start()
    if _pw_api_request_contexts:
        _pw_api_request_contexts.instrument(pw)
    yield pw
    pw.stop()


@pytest.fixture(scope="package")
def browser_type(playwright, browser_name):
    """The browser engine (chromium)."""
    return getattr(playwright, browser_name)


@pytest.fixture(scope="package")
def launch_browser(browser_type_launch_args, browser_type):
    """Launch a browser with the launch arguments above, plus any given."""
    return lambda **kwargs: browser_type.launch(**{**browser_type_launch_args, **kwargs})


@pytest.fixture(scope="package")
def browser(launch_browser):
    """One browser for the browser tests; each test gets fresh contexts."""
    browser = launch_browser()
    yield browser
    browser.close()


@pytest.fixture(scope="package")
def browser_context_args(pytestconfig, live_server, _pw_artifacts_folder):
    """Every context talks to the live server, so page.goto("/login") works."""
    args = {"base_url": live_server.url}
    if pytestconfig.getoption("--video") in ("on", "retain-on-failure"):
        args["record_video_dir"] = _pw_artifacts_folder.name
    return args


@pytest.fixture(scope="package")
def live_server(app, tmp_path_factory) -> LiveServer:
    """The app with CSRF on, served by socketio.run (as `python wsgi.py` does) on a free port."""
    with serve(app, tmp_path_factory.mktemp("live_server")) as server:
        yield server


@pytest.fixture
def browser_watch(live_server) -> BrowserWatch:
    """The watcher attached to every page of every context in this test."""
    return BrowserWatch(live_server.url)


@pytest.fixture
def new_context(new_context, browser_watch):
    """pytest-playwright's new_context (a 1280x800 desktop by default), every page watched.

    The test fails on any console error, uncaught exception, CSP violation or page without the CSP.
    """

    def _new_context(**kwargs):
        # Defaults here, not in browser_context_args, so a test may pass its own viewport.
        kwargs = {"viewport": DESKTOP, "locale": "en-GB", "timezone_id": "Europe/London", **kwargs}
        context = new_context(**kwargs)
        context.set_default_timeout(10_000)  # fail in seconds, not the default 30
        context.add_init_script(CSP_REPORTER)
        context.on("page", browser_watch.attach)
        return context

    yield _new_context
    problems = browser_watch.take()
    if problems:
        pytest.fail("problems in the browser:\n" + "\n".join(problems), pytrace=False)
