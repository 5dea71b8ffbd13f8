"""The XSS corpus through every field that renders user text: the stored HTML keeps to the
allow-list, the served pages carry no script, handler or script-capable URL, and the API gives the
same safe HTML. (The browser half, tests/browser/test_xss_corpus.py, renders the same pages.)"""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Post, Question, Reply, SessionQuestion
from app.sanitize import clean
from tests.api_helpers import api_factory  # noqa: F401
from tests.security import xss

PAYLOADS = xss.corpus()
PAGES_PER_FIELD = 16


def _spread(items: list, most: int) -> list:
    step = max(1, len(items) // most)
    return items[::step]


def test_the_corpus_is_big_and_varied():
    assert len(PAYLOADS) >= 100 and len(set(PAYLOADS)) == len(PAYLOADS)
    for kind in ("<script", "onerror", "javascript:", "data:", "<svg", "style=", "](", "@", "#"):
        assert any(kind in p.lower() for p in PAYLOADS), kind


def _fill(app) -> tuple[dict, dict, dict]:
    """Every field filled with the whole corpus."""
    with app.test_request_context():
        people = xss.prepare()
        pages, refused = {}, {}
        for field in xss.FIELDS:
            pages[field.name], refused[field.name] = xss.fill(field, people, PAYLOADS)
        db.session.commit()
    return people, pages, refused


def test_the_corpus_through_every_field(app, api):
    """One test, as filling every field takes a while (the per-test cleanup would empty it)."""
    people, pages, refused = _fill(app)
    for field in xss.FIELDS:
        assert pages[field.name], f"{field.name}: nothing was stored ({refused[field.name]} refused)"
    # Names refuse markup outright; everything else stores it (as text) rather than refusing it.
    assert {name for name, n in refused.items() if n} <= {"profile name", "community name"}
    _stored_html_keeps_to_the_allow_list(app)
    _served_pages_carry_no_script(app, people, pages)
    _the_api_returns_the_same_safe_html(app, api, people)


def _stored_html_keeps_to_the_allow_list(app):
    with app.app_context():
        fragments = [
            *db.session.scalars(select(Post.body_html)),
            *db.session.scalars(select(Reply.body_html)),
            *db.session.scalars(select(Question.body_html)),
            *db.session.scalars(select(Question.answer_html).where(Question.answer_html.is_not(None))),
            *db.session.scalars(select(SessionQuestion.body_html)),
        ]
    assert len(fragments) > 3 * len(PAYLOADS)
    problems = {html: xss.stored_problems(html) for html in fragments}
    assert {h: p for h, p in problems.items() if p} == {}
    assert all(clean(html) == html for html in fragments)  # already clean: a second pass changes nothing


def _served_pages_carry_no_script(app, people, pages):
    from app.models import User

    client = app.test_client()
    with app.app_context():
        identity = db.session.get(User, people["reader"]).get_id()
    with client.session_transaction() as session:
        session["_user_id"] = identity
    found = {}
    # Every stored fragment was checked above; of fields with one page per item, an even spread.
    paths = {p for field in xss.FIELDS for p in _spread(pages[field.name], PAGES_PER_FIELD)}
    paths |= {"/", "/people", "/communities/", "/curated", "/sessions/", "/leadership", "/proposals"}
    paths |= {
        "/search?q=window",
        "/search?q=xss&type=people",
        "/search/suggest?q=scr",
        "/mentions/suggest?q=x",
    }
    for path in sorted(paths):
        response = client.get(path, follow_redirects=True)
        assert response.status_code == 200, path
        if problems := xss.page_problems(response.get_data(as_text=True)):
            found[path] = problems
    assert found == {}


def _the_api_returns_the_same_safe_html(app, api, people):
    from app.models import User

    with app.app_context():
        reader = db.session.get(User, people["reader"])
        db.session.expunge(reader)
        stored = dict(db.session.execute(select(Post.id, Post.body_html).where(Post.kind == "post")).all())
    client = api(reader)
    for post_id, html in list(stored.items())[:40]:
        body = client.get(f"/posts/{post_id}").get_json()
        assert body["html"] == html and xss.stored_problems(body["html"]) == []
    replies = client.get(f"/posts/{people['post']}/replies?limit=100").get_json()["items"]
    assert replies and all(xss.stored_problems(r["html"]) == [] for r in replies)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "java\tscript:x",
        "data:text/html,x",
        "vbscript:x",
        "\x01javascript:x",
    ],
)
def test_the_url_check_itself(url):
    assert xss.script_capable(url)
    assert xss.page_problems(f'<a href="{url}">x</a>')
