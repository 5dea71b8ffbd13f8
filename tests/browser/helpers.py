"""Helpers for browser tests: signing in, axe-core, screenshots, layout checks and the outbox."""

import re
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from functools import cache
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from app.models import User
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# axe-core impacts that fail a test; "minor" and "moderate" ones are left to judgement.
FAILING_IMPACTS = ("serious", "critical")


def field(page: Page, label: str) -> Locator:
    """The form field with exactly this label (required fields add an aria-hidden "*")."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def sign_in(page: Page, user: User, password: str = PASSWORD) -> None:
    """Sign in through the real /login form and wait for the home page."""
    page.goto("/login")
    field(page, "Work email").fill(user.email)
    field(page, "Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/$"))


@cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[dict]:
    """Run axe-core on the page; every violation it reports (any impact)."""
    # page.evaluate, not add_script_tag: the app's CSP (script-src 'self') blocks injected tags.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    return page.evaluate(
        "async () => (await window.axe.run(document, {resultTypes: ['violations']})).violations"
    )


def axe_check(page: Page, label: str = "") -> None:
    """Fail listing every serious or critical axe-core violation on the page."""
    bad = [v for v in axe_violations(page) if v.get("impact") in FAILING_IMPACTS]
    if not bad:
        return
    lines = [f"axe-core: {len(bad)} serious/critical violation(s) on {label or page.url}:"]
    for violation in bad:
        lines.append(
            f"- [{violation['impact']}] {violation['id']}: {violation['help']} {violation['helpUrl']}"
        )
        for node in violation["nodes"][:5]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {' '.join(node['target'])}: {node['html'][:160]}\n      {summary}")
    pytest.fail("\n".join(lines), pytrace=False)


def screenshot(page: Page, name: str, viewport: dict | None = None) -> Path:
    """Save docs/screenshots/<name>.png at the given viewport (desktop 1280x800 unless told)."""
    page.set_viewport_size(viewport or DESKTOP)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), animations="disabled", caret="hide")
    return path


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the viewport (0 means no horizontal scroll)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


def outbox_messages(outbox: Path, to: str) -> list[EmailMessage]:
    """The .eml files written to the outbox for one recipient, oldest first."""
    parser = BytesParser(policy=policy.default)
    messages = [
        parser.parsebytes(path.read_bytes())
        for path in sorted(outbox.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
    ]
    return [m for m in messages if m["To"] == to]


def link_in(message: EmailMessage, base_url: str) -> str:
    """The first link to the live server in an email's text."""
    body = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(re.escape(base_url) + r"/\S+", body)
    assert match, f"no link to {base_url} in:\n{body}"
    return match.group(0)


class BrowserWatch:
    """What went wrong in the browser during a test: console errors, page errors, CSP problems."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.documents: list[str] = []
        self._errors: list[tuple[str, str]] = []  # (message, URL of what failed to load, if any)
        self._error_pages: set[str] = set()  # answered 4xx on purpose (422 form errors, 410 links)

    def attach(self, page: Page) -> None:
        """Listen to one page."""
        page.on(
            "console",
            lambda msg: (
                msg.type == "error"
                and self._errors.append(
                    (f"console error on {page.url}: {msg.text}", msg.location.get("url", ""))
                )
            ),
        )
        page.on(
            "pageerror", lambda exc: self._errors.append((f"uncaught exception on {page.url}: {exc}", ""))
        )
        page.on("response", self._on_response)

    def _on_response(self, response) -> None:
        if response.request.resource_type in ("fetch", "xhr") and response.status == 422:
            self._error_pages.add(response.url)  # a validation answer the page shows beside its field
            return
        if response.request.resource_type != "document" or not response.url.startswith(self.origin):
            return
        self.documents.append(response.url)
        if response.status >= 400:
            self._error_pages.add(response.url)
        csp = response.headers.get("content-security-policy", "")
        script_src = next((d for d in csp.split(";") if d.strip().startswith("script-src")), "")
        if "'self'" not in script_src or "unsafe-inline" in script_src or "unsafe-eval" in script_src:
            self._errors.append((f"no strict Content-Security-Policy on {response.url}: {csp!r}", ""))

    def take(self) -> list[str]:
        """Return the problems seen so far and forget them (for tests that expect some)."""
        # Chromium logs "Failed to load resource" for a page answered 4xx; that page's status is the
        # test's business. The same message for a script, style or image is a real problem.
        problems = [
            message
            for message, url in self._errors
            if not (url in self._error_pages and "Failed to load resource" in message)
        ]
        self._errors, self._error_pages = [], set()
        return problems
