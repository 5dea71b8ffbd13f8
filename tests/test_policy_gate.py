"""The gate after sign-in: nobody posts until they've accepted the current policy."""

from sqlalchemy import func, select

from app.extensions import db
from app.models import Post, User
from tests import factories
from tests.api_helpers import api_factory  # noqa: F401
from tests.moderation_helpers import CLAUSES, make_post, publish


def _newcomer(app) -> User:
    with app.app_context():
        user = factories.make_user(name="Nia Newcomer", accept_policy=False)
        db.session.expunge(user)
        return user


def _posts(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Post))


def test_without_a_published_policy_the_gate_is_open(app, client, login, admin):
    login(_newcomer(app))
    assert client.post("/posts", data={"body": "Hello"}).status_code == 302
    assert _posts(app) == 1
    assert client.get("/posts/new").status_code == 200


def test_a_new_member_is_sent_to_accept_the_policy_before_posting_and_brought_back(app, client, login, admin):
    publish(app, admin, accept_everyone=False)
    login(_newcomer(app))
    response = client.post(
        "/posts", data={"body": "My first post"}, headers={"Referer": "http://localhost/communities/"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/policy?next=/communities/")
    assert _posts(app) == 0
    page = client.get("/policy?next=/communities/").get_data(as_text=True)
    assert "Before you post, please read the acceptable use policy" in page
    assert "I accept the acceptable use policy" in page and 'value="/communities/"' in page
    accepted = client.post("/policy/accept", data={"version": "1", "next": "/communities/"})
    assert accepted.status_code == 302 and accepted.headers["Location"] == "/communities/"
    assert client.post("/posts", data={"body": "My first post"}).status_code == 302
    assert _posts(app) == 1


def test_the_composer_page_is_gated_and_returns_to_itself(app, client, login, admin):
    publish(app, admin, accept_everyone=False)
    login(_newcomer(app))
    response = client.get("/posts/new?community_id=1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/policy?next=/posts/new?community_id%3D1"


def test_reading_is_never_gated_and_the_feed_composer_asks_to_accept(app, client, login, admin):
    publish(app, admin, accept_everyone=False)
    post_id = make_post(app, admin, "Welcome")
    login(_newcomer(app))
    home = client.get("/")
    assert home.status_code == 200
    assert "Read and accept the policy" in home.get_data(as_text=True)
    assert 'action="/posts"' not in home.get_data(as_text=True)
    thread = client.get(f"/posts/{post_id}").get_data(as_text=True)
    assert "To reply, first" in thread


def test_a_fetch_request_gets_a_clear_403(app, client, login, admin):
    publish(app, admin, accept_everyone=False)
    login(_newcomer(app))
    response = client.post("/posts", data={"body": "Hi"}, headers={"X-Requested-With": "fetch"})
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "policy_not_accepted"


def test_the_api_answers_403_policy_not_accepted_for_writes_only(app, api, admin):
    publish(app, admin, accept_everyone=False)
    client = api(_newcomer(app))
    response = client.post("/posts", json={"body": "Hello"})
    assert response.status_code == 403
    error = response.get_json()["error"]
    assert error["code"] == "policy_not_accepted" and "POST /api/v1/policy/accept" in error["message"]
    assert client.get("/feeds/home").status_code == 200
    assert client.get("/policy").get_json()["accepted"] is False
    assert client.post("/policy/accept", json={"version": 1}).status_code == 200
    assert client.post("/posts", json={"body": "Hello"}).status_code == 201


def test_a_new_version_asks_again_showing_what_changed(app, client, login, admin, member):
    publish(app, admin)
    login(member)
    assert client.post("/posts", data={"body": "Fine"}).status_code == 302
    changed = [CLAUSES[0], ("keep-it-safe", "Keep information safe", "No personal details at all.", "3")]
    publish(app, admin, changed, summary="We dropped a clause.", accept_everyone=False)
    response = client.post("/posts", data={"body": "Blocked"})
    assert response.headers["Location"].startswith("/policy")
    page = client.get("/policy").get_data(as_text=True)
    assert "The acceptable use policy has changed" in page
    assert "since you last accepted (version 1)" in page and "We dropped a clause." in page
    assert "Removed" in page and "Be yourself" in page  # the removed clause
    assert "<ins>" in page and "at all." in page  # the word diff of the changed clause


def test_reporting_and_signing_out_are_never_gated(app, client, login, admin):
    publish(app, admin, accept_everyone=False)
    post_id = make_post(app, admin, "Something to report")
    login(_newcomer(app))
    report = client.post(f"/report/post/{post_id}", data={"reason": "other", "details": "Looks wrong"})
    assert report.status_code == 302 and "/policy" not in report.headers["Location"]
    assert client.post("/notifications/read").status_code == 302
    assert client.post("/logout").status_code == 302


def test_accepting_an_old_version_or_nonsense_is_refused(app, client, login, admin):
    publish(app, admin, accept_everyone=False)
    publish(app, admin, [CLAUSES[0]], accept_everyone=False)
    newcomer = _newcomer(app)
    login(newcomer)
    for version in ("1", "", "abc", "99999999999999999999"):
        response = client.post("/policy/accept", data={"version": version, "next": "/"})
        assert response.status_code == 302 and response.headers["Location"].startswith("/policy")
    assert client.post("/posts", data={"body": "x"}).headers["Location"].startswith("/policy")


def test_next_cannot_send_anyone_off_site(app, client, login, admin):
    publish(app, admin, accept_everyone=False)
    login(_newcomer(app))
    for target in ("//evil.example/", "https://evil.example/", "javascript:alert(1)"):
        response = client.post("/policy/accept", data={"version": "1", "next": target})
        assert response.headers["Location"] == "/"
    response = client.post("/posts", data={"body": "x"}, headers={"Referer": "https://evil.example/page"})
    assert response.status_code == 302


def test_role_fixtures_have_accepted_a_policy_published_before_them(app, client, login, admin):
    publish(app, admin)
    with app.app_context():
        late = factories.make_user(name="Late Joiner")
        db.session.expunge(late)
    login(late)
    assert client.post("/posts", data={"body": "Hello"}).status_code == 302
    assert _posts(app) == 1
