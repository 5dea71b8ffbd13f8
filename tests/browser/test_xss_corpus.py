"""The XSS corpus (tests/security/xss_payloads.txt) rendered in Chromium: first with the CSP bypassed,
so the sanitiser and the templates are what is tested, then with the CSP on. Every payload tries to
set window.__xss or open a dialog; neither may happen on any page that shows them.

(Supersedes the dozen payloads test_posting_journeys.py used to post; a few still go through the
composer here, the rest through the same services the forms call.)"""

from urllib.parse import urlsplit

from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.db import writing
from app.extensions import db
from app.models import Post, User
from tests.browser.helpers import sign_in
from tests.security import xss

COMPOSER = "Share an update, ask a question or say thanks"
THROUGH_THE_COMPOSER = 4
LISTS = [
    "/",
    "/sessions/",
    "/curated",
    "/leadership",
    "/proposals",
    "/people",
    "/communities/",
    "/search?q=window",
]


def _fill(live_server) -> tuple[User, User, list[str]]:
    """Every field filled with the corpus in the live app; the reader and the pages to visit."""
    payloads = xss.corpus()
    with live_server.app.test_request_context(), writing():
        people = xss.prepare()
        paths: list[str] = []
        for field in xss.FIELDS:
            pages, _ = xss.fill(
                field, people, payloads[THROUGH_THE_COMPOSER:] if field.one_each else payloads
            )
            paths += [pages[0], pages[-1]] if len(pages) > 1 else pages
        db.session.commit()
        reader, author = (db.session.get(User, people[k]) for k in ("reader", "author"))
        db.session.expunge_all()
    return reader, author, sorted(set(paths))


def _watch(page: Page) -> list[str]:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    return dialogs


def _inert(page: Page, path: str, dialogs: list[str], shows_payloads: bool = False) -> None:
    page.goto(path)
    if shows_payloads:  # the payloads are there, as text
        assert "__xss" in page.locator("main").inner_text(), path
    page.wait_for_timeout(50)  # a chance for onerror/onload/onfocus to fire
    assert page.evaluate("() => window.__xss") is None, path
    assert dialogs == [], path
    hrefs = page.locator("main a[href]").evaluate_all("(links) => links.map((a) => a.href)")
    assert not [h for h in hrefs if xss.script_capable(h)], path


def test_the_corpus_is_inert_in_chromium_with_and_without_the_csp(live_server, new_context):
    reader, author, paths = _fill(live_server)
    writer = new_context().new_page()
    sign_in(writer, author)
    for payload in xss.corpus()[:THROUGH_THE_COMPOSER]:
        writer.get_by_label(COMPOSER).fill(payload)
        writer.get_by_role("button", name="Post", exact=True).click()
        writer.wait_for_load_state()
        if urlsplit(writer.url).path != "/":  # posts.js fell back to a plain submit (slow fetch)
            writer.goto("/")
        expect(writer.get_by_label(COMPOSER)).to_have_value("")  # accepted before the next one
    with live_server.app.app_context():
        typed = set(xss.corpus()[:THROUGH_THE_COMPOSER])
        assert len(set(db.session.scalars(select(Post.body_source).where(Post.body_source.in_(typed))))) == 4

    # bypass_csp: the sanitiser and the templates, not the Content-Security-Policy, stop these.
    bare = new_context(bypass_csp=True).new_page()
    dialogs = _watch(bare)
    sign_in(bare, reader)
    for path in paths + LISTS:
        _inert(bare, path, dialogs, shows_payloads=path in paths)
    assert bare.locator("main script, main iframe, main object, main embed").count() == 0

    # And once with the CSP on, as people will use it (a CSP violation would fail the test too).
    strict = new_context().new_page()
    dialogs = _watch(strict)
    sign_in(strict, reader)
    for path in LISTS[:3] + paths[:3]:
        _inert(strict, path, dialogs)
