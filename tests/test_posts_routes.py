"""Post, reply and feed pages through the test client."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Community, Post, Reply, User
from app.posts import replies, services
from tests.factories import make_community, make_user


def _post(app, author, body="Hello", community_id=None):
    with app.app_context():
        community = db.session.get(Community, community_id) if community_id else None
        post = services.create_post(db.session.get(User, author.id), body, community)
        db.session.commit()
        return post.id


def test_post_from_the_home_composer(app, client, login, member):
    login(member)
    response = client.post("/posts", data={"body": "First post on **Rollcall**"}, follow_redirects=True)
    assert response.status_code == 200
    assert b"<strong>Rollcall</strong>" in response.data
    assert b"First post on" in client.get("/").data


@pytest.mark.parametrize(
    "data,field,message",
    [
        ({"body": ""}, "body", b"Write something"),
        ({"body": "x" * 5001}, "body", b"under 5,000"),
        ({"body": "ok", "community_id": "abc"}, "community_id", b"Choose an option"),
        ({"body": "ok", "community_id": "999999"}, "community_id", b"Choose a community you belong to"),
    ],
)
def test_bad_posts_keep_the_text_and_store_nothing(app, client, login, member, data, field, message):
    login(member)
    response = client.post("/posts", data=data)
    assert response.status_code == 422
    assert message in response.data
    if data["body"]:
        assert data["body"][:50].encode() in response.data
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Post)) == 0


def test_async_post_returns_a_card_or_json_errors(client, login, member):
    login(member)
    ok = client.post("/posts", data={"body": "via fetch"}, headers={"X-Requested-With": "fetch"})
    assert ok.status_code == 201 and b'class="post' in ok.data
    bad = client.post("/posts", data={"body": ""}, headers={"X-Requested-With": "fetch"})
    assert bad.status_code == 422 and bad.json["error"]["fields"]["body"]


def test_thread_reply_react_edit_delete(app, client, login, member, comms):
    post_id = _post(app, member, "Shift swap anyone?")
    login(comms)
    assert client.get(f"/posts/{post_id}").status_code == 200
    client.post(f"/posts/{post_id}/replies", data={"body": "I can do Tuesday"})
    client.post(f"/posts/{post_id}/react", data={"kind": "support"})
    page = client.get(f"/posts/{post_id}").data
    assert b"I can do Tuesday" in page and b'aria-pressed="true"' in page
    assert b"Casey Comms" in client.get(f"/posts/{post_id}/reactions").data
    bad = client.post(f"/posts/{post_id}/replies", data={"body": ""})
    assert bad.status_code == 422 and b"Write something" in bad.data
    assert client.get(f"/posts/{post_id}/edit").status_code == 403  # not the author
    login(member)
    assert client.post(f"/posts/{post_id}/edit", data={"body": "Shift swap: Tuesday?"}).status_code == 302
    assert b"Shift swap anyone?" in client.get(f"/posts/{post_id}/history").data
    client.post(f"/posts/{post_id}/delete")
    assert b"This post was removed." in client.get(f"/posts/{post_id}").data


def test_reaction_toggle_and_bad_kind(app, client, login, member):
    post_id = _post(app, member)
    login(member)
    client.post(f"/posts/{post_id}/react", data={"kind": "like"})
    client.post(f"/posts/{post_id}/react", data={"kind": "like"})  # same again removes it
    with app.app_context():
        assert replies.reaction_counts(post_id) == {}
    assert client.post(f"/posts/{post_id}/react", data={"kind": "angry"}).status_code == 422


def test_unknown_and_invisible_posts_are_404(app, client, login, comms, intruder):
    with app.app_context():
        secret_id = make_community(db.session.get(User, comms.id), "secret", name="Operation Harbour").id
    post_id = _post(app, comms, "briefing at 0600", secret_id)
    login(intruder)
    for url in (
        f"/posts/{post_id}",
        f"/posts/{post_id}/card",
        f"/posts/{post_id}/reactions",
        "/posts/999999",
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert b"Operation Harbour" not in response.data
    assert client.post(f"/posts/{post_id}/replies", data={"body": "hi"}).status_code == 404
    assert client.post(f"/posts/{post_id}/react", data={"kind": "like"}).status_code == 404
    assert b"briefing" not in client.get("/").data


def test_topic_and_person_pages_and_follow(app, client, login, member, comms):
    _post(app, comms, "Great #wellbeing session today")
    login(member)
    page = client.get("/topics/wellbeing")
    assert page.status_code == 200 and b"Great" in page.data
    assert client.get("/topics/nothing-here").status_code == 404
    client.post("/topics/wellbeing/follow", data={"following": "1"})
    assert b"Unfollow" in client.get("/topics/wellbeing").data
    assert client.get(f"/people/{comms.id}/posts").status_code == 200
    client.post(f"/people/{comms.id}/follow", data={"following": "1"})
    assert b"Unfollow" in client.get(f"/people/{comms.id}/posts").data
    assert client.post(f"/people/{member.id}/follow", data={"following": "1"}).status_code == 422


def test_older_posts_and_newer_partial(app, client, login, member):
    ids = [_post(app, member, f"post number {i}") for i in range(25)]
    login(member)
    first = client.get("/").data
    assert b"post number 24" in first and b"post number 4<" not in first
    assert f"cursor={ids[5]}".encode() in first
    older = client.get(f"/?cursor={ids[5]}").data
    assert b"post number 4" in older and b"post number 24" not in older
    newer = client.get(f"/?after={ids[22]}&partial=1").data
    assert b"post number 23" in newer and b"post number 24" in newer and b"post number 22" not in newer
    assert client.get("/?cursor=banana").status_code == 200


def test_home_feed_runs_a_constant_number_of_queries(app, client, login, member, count_queries):
    login(member)
    with app.app_context():
        people = [make_user() for _ in range(4)]
    for i in range(3):
        _post(app, people[i % 4], f"warm up {i}")
    client.get("/")
    with count_queries() as small:
        assert client.get("/").status_code == 200
    for i in range(30):
        post_id = _post(app, people[i % 4], f"more {i} #topic{i} @{member.email.split('@')[0]}")
        with app.app_context():
            replies.react(db.session.get(User, people[(i + 1) % 4].id), db.session.get(Post, post_id), "like")
            db.session.commit()
    with count_queries() as large:
        assert client.get("/").status_code == 200
    assert small() == large(), (small(), large())


def test_mention_picker_json(client, login, member, comms):
    login(member)
    response = client.get("/mentions/suggest?q=cas")
    assert response.json[0]["handle"] == comms.handle if hasattr(comms, "handle") else True
    assert client.get("/mentions/suggest?q=").json == []


def test_reply_card_and_thread_for_deleted_reply(app, client, login, member, comms):
    post_id = _post(app, member)
    login(comms)
    client.post(f"/posts/{post_id}/replies", data={"body": "typo reply"})
    with app.app_context():
        reply_id = db.session.scalar(select(Reply.id))
    assert b"typo reply" in client.get(f"/replies/{reply_id}/card").data
    client.post(f"/replies/{reply_id}/delete")
    assert b"This reply was removed." in client.get(f"/posts/{post_id}").data


def test_community_page_shows_pinned_first_and_its_composer(app, client, login, member, comms, intruder):
    with app.app_context():
        community = make_community(
            db.session.get(User, comms.id),
            "private",
            name="Comms Team",
            members=[db.session.get(User, member.id)],
        )
        slug, community_id = community.slug, community.id
    first = _post(app, member, "older but pinned", community_id)
    _post(app, member, "newest post", community_id)
    login(comms)
    client.post(f"/posts/{first}/pin", data={"pinned": "1"})
    page = client.get(f"/communities/{slug}").data.decode()
    assert page.index("older but pinned") < page.index("newest post")
    assert f'name="community_id" value="{community_id}"' in page
    login(intruder)
    outsider = client.get(f"/communities/{slug}").data.decode()
    assert "newest post" not in outsider and "Ask to join" in outsider


def test_huge_ids_are_404_not_500(client, login, member):
    login(member)
    for url in (
        "/posts/99999999999999999999",
        "/replies/99999999999999999999/card",
        "/people/99999999999999999999/posts",
    ):
        assert client.get(url).status_code == 404


def test_control_characters_are_dropped(app, client, login, member):
    login(member)
    client.post("/posts", data={"body": "null\x00byte and bell\x07 kept\nnewline"})
    with app.app_context():
        assert db.session.scalar(select(Post.body_source)) == "nullbyte and bell kept\nnewline"
