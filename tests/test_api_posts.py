"""API posts, replies and reactions: status codes, JSON shapes, and bad input refused with nothing stored."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Post, Reply
from tests.api_helpers import api_factory, community, error_fields, post  # noqa: F401

POST_KEYS = {
    "id",
    "author",
    "community",
    "body",
    "html",
    "status",
    "created_at",
    "edited_at",
    "reply_count",
    "reactions",
    "my_reaction",
    "pinned",
    "can_moderate",
    "marking",
    "attachments",
}
REPLY_KEYS = {"id", "post_id", "author", "body", "html", "status", "created_at", "edited_at", "attachments"}


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_create_post_in_all_staff(app, api, member, all_staff):
    response = api(member).post("/posts", json={"body": "Hello **team** #rota"})
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == POST_KEYS
    assert response.headers["Location"].endswith(f"/api/v1/posts/{body['id']}")
    assert body["author"] == {
        "id": member.id,
        "name": member.name,
        "handle": member.handle,
        "former_member": False,
    }
    assert body["community"] == {"id": all_staff.id, "name": all_staff.name, "slug": all_staff.slug}
    assert body["body"] == "Hello **team** #rota" and "<strong>team</strong>" in body["html"]
    assert body["status"] == "visible" and body["created_at"].endswith("Z") and body["edited_at"] is None
    assert body["reply_count"] == 0 and body["reactions"] == {} and body["my_reaction"] is None
    assert body["pinned"] is False


def test_create_post_in_a_community_i_belong_to(app, api, comms, member):
    cid = community(app, comms, "private", members=(member,))
    response = api(member).post("/posts", json={"body": "In the private one", "community_id": cid})
    assert response.status_code == 201 and response.get_json()["community"]["id"] == cid


def test_secret_community_id_is_refused_without_revealing_it(app, api, comms, intruder):
    cid = community(app, comms, "secret", name="Operation Nightjar")
    response = api(intruder).post("/posts", json={"body": "Let me in", "community_id": cid})
    assert response.status_code == 422
    assert b"Nightjar" not in response.data
    unknown = api(intruder).post("/posts", json={"body": "Let me in", "community_id": 999999})
    assert unknown.status_code == 422 and error_fields(unknown) == error_fields(response)
    assert _count(app, Post) == 0


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({}, 422, "body"),
        ({"body": ""}, 422, "body"),
        ({"body": "   \n "}, 422, "body"),
        ({"body": "x" * 5001}, 422, "body"),
        ({"body": 42}, 422, "body"),
        ({"body": ["a"]}, 422, "body"),
        ({"body": "ok", "community_id": "abc"}, 422, "community_id"),
        ({"body": "ok", "community_id": "3"}, 422, "community_id"),
        ({"body": "ok", "community_id": True}, 422, "community_id"),
        ({"body": "ok", "community_id": -1}, 422, "community_id"),
        ({"body": "ok", "community_id": 1.5}, 422, "community_id"),
        ({"body": "ok", "community_id": 10**30}, 422, "community_id"),
        ([1, 2], 400, "json"),
        ("just a string", 400, "json"),
        (42, 400, "json"),
    ],
)
def test_bad_post_input_is_refused_and_nothing_stored(app, api, member, payload, status, field):
    response = api(member).post("/posts", json=payload)
    assert response.status_code == status
    assert field in error_fields(response)
    assert _count(app, Post) == 0


@pytest.mark.parametrize("raw", [b"{not json", b"\xff\xfe\x00", b"[" * 100000, b'{"body": "x"', b"null"])
def test_malformed_json_is_400(app, api, member, raw):
    response = api(member).post("/posts", data=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert "json" in error_fields(response)
    assert _count(app, Post) == 0


def test_form_encoded_body_is_refused(app, api, member):
    response = api(member).post("/posts", data={"body": "form post"})
    assert response.status_code == 400 and _count(app, Post) == 0


def test_unknown_ids_are_404_json(app, api, member):
    client = api(member)
    for method, path in [
        ("GET", "/posts/999"),
        ("PATCH", "/posts/999"),
        ("DELETE", "/posts/999"),
        ("GET", "/posts/99999999999999999999"),
        ("GET", "/posts/999/replies"),
        ("POST", "/posts/999/replies"),
        ("PATCH", "/replies/999"),
        ("DELETE", "/replies/999"),
        ("PUT", "/posts/999/reaction"),
        ("GET", "/posts/999/reactions"),
        ("POST", "/posts/999/pin"),
        ("GET", "/posts/999/revisions"),
        ("GET", "/no/such/thing"),
        ("GET", "/users/999"),
        ("GET", "/communities/999"),
        ("GET", "/topics/never-used/posts"),
        ("GET", "/users/999/posts"),
    ]:
        response = client.open(method, path, json={"body": "x", "kind": "like", "pinned": True})
        assert response.status_code == 404, (method, path)
        assert response.get_json()["error"]["code"] == "not_found"


def test_wrong_method_is_405_json(api, member):
    response = api(member).open("PUT", "/me")
    assert response.status_code == 405 and response.get_json()["error"]["code"]


def test_get_edit_and_history(app, api, member, comms):
    pid = post(app, member, "First version")
    author = api(member)
    response = author.patch(f"/posts/{pid}", json={"body": "Second version"})
    assert response.status_code == 200
    assert response.get_json()["body"] == "Second version" and response.get_json()["edited_at"]
    assert author.get(f"/posts/{pid}").get_json()["body"] == "Second version"
    history = author.get(f"/posts/{pid}/revisions").get_json()
    assert [r["body"] for r in history["items"]] == ["First version"] and history["next_cursor"] is None
    assert history["items"][0]["edited_by"]["id"] == member.id
    other = api(comms)
    assert other.patch(f"/posts/{pid}", json={"body": "Hijack"}).status_code == 403
    assert other.get(f"/posts/{pid}/revisions").status_code == 403
    assert "body" in error_fields(author.patch(f"/posts/{pid}", json={"body": ""}))
    assert author.get(f"/posts/{pid}").get_json()["body"] == "Second version"


def test_delete_leaves_a_tombstone(app, api, member, comms):
    pid = post(app, member, "Soon gone")
    assert api(comms).delete(f"/posts/{pid}").status_code == 403
    response = api(member).delete(f"/posts/{pid}")
    assert response.status_code == 204 and response.data == b""
    body = api(comms).get(f"/posts/{pid}").get_json()
    assert body["status"] == "deleted" and body["body"] is None and body["html"] is None
    assert api(member).patch(f"/posts/{pid}", json={"body": "back"}).status_code == 403


def test_pin_by_community_admins_only(app, api, comms, member):
    cid = community(app, comms, "public", members=(member,))
    pid = post(app, member, "Pin me", cid)
    assert api(member).post(f"/posts/{pid}/pin", json={"pinned": True}).status_code == 403
    owner = api(comms)
    assert "pinned" in error_fields(owner.post(f"/posts/{pid}/pin", json={"pinned": "yes"}))
    assert "pinned" in error_fields(owner.post(f"/posts/{pid}/pin", json={}))
    response = owner.post(f"/posts/{pid}/pin", json={"pinned": True})
    assert response.status_code == 200 and response.get_json()["pinned"] is True
    assert owner.post(f"/posts/{pid}/pin", json={"pinned": False}).get_json()["pinned"] is False


def test_replies_create_list_edit_delete(app, api, member, comms):
    pid = post(app, member, "Thread")
    replier = api(comms)
    created = [replier.post(f"/posts/{pid}/replies", json={"body": f"Reply {i}"}) for i in range(3)]
    assert all(r.status_code == 201 for r in created)
    first = created[0].get_json()
    assert set(first) == REPLY_KEYS and first["post_id"] == pid and first["author"]["id"] == comms.id
    assert api(member).get(f"/posts/{pid}").get_json()["reply_count"] == 3
    page = api(member).get(f"/posts/{pid}/replies?limit=2").get_json()
    assert [r["body"] for r in page["items"]] == ["Reply 0", "Reply 1"] and page["next_cursor"]
    rest = api(member).get(f"/posts/{pid}/replies?limit=2&cursor={page['next_cursor']}").get_json()
    assert [r["body"] for r in rest["items"]] == ["Reply 2"] and rest["next_cursor"] is None
    rid = first["id"]
    assert api(member).patch(f"/replies/{rid}", json={"body": "Not mine"}).status_code == 403
    edited = replier.patch(f"/replies/{rid}", json={"body": "Reply 0, edited"})
    assert edited.status_code == 200 and edited.get_json()["edited_at"]
    assert "body" in error_fields(replier.patch(f"/replies/{rid}", json={"body": 7}))
    assert replier.delete(f"/replies/{rid}").status_code == 204
    items = api(member).get(f"/posts/{pid}/replies").get_json()["items"]
    assert items[0]["status"] == "deleted" and items[0]["body"] is None
    assert api(member).get(f"/posts/{pid}").get_json()["reply_count"] == 2


def test_bad_replies_store_nothing(app, api, member):
    pid = post(app, member, "Thread")
    client = api(member)
    for payload in ({}, {"body": ""}, {"body": "y" * 5001}, {"body": None}, {"body": {"x": 1}}):
        response = client.post(f"/posts/{pid}/replies", json=payload)
        assert response.status_code == 422 and "body" in error_fields(response)
    assert client.post(f"/posts/{pid}/replies", data=b"nope").status_code == 400
    assert _count(app, Reply) == 0


def test_reactions(app, api, member, comms):
    pid = post(app, member, "React to me")
    reactor = api(comms)
    response = reactor.put(f"/posts/{pid}/reaction", json={"kind": "celebrate"})
    assert response.status_code == 200
    assert response.get_json() == {"my_reaction": "celebrate", "reactions": {"celebrate": 1}}
    assert reactor.put(f"/posts/{pid}/reaction", json={"kind": "like"}).get_json()["reactions"] == {"like": 1}
    for bad in ({"kind": "angry"}, {}, {"kind": 1}):
        assert "kind" in error_fields(reactor.put(f"/posts/{pid}/reaction", json=bad))
    seen = reactor.get(f"/posts/{pid}").get_json()
    assert seen["my_reaction"] == "like" and seen["reactions"] == {"like": 1}
    who = api(member).get(f"/posts/{pid}/reactions").get_json()
    assert [(r["user"]["id"], r["kind"]) for r in who["items"]] == [(comms.id, "like")]
    assert reactor.delete(f"/posts/{pid}/reaction").status_code == 204
    assert reactor.get(f"/posts/{pid}").get_json()["reactions"] == {}


def test_lone_surrogates_are_400_and_nul_is_dropped(app, api, member):
    client = api(member)
    raw = b'{"body": "broken \\ud800 text"}'
    response = client.post("/posts", data=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and "json" in error_fields(response)
    assert _count(app, Post) == 0
    created = client.post("/posts", json={"body": "tab\there\x00 nul"}).get_json()
    assert created["body"] == "tab\there nul"
    assert client.get("/topics/ro%00ta/posts").status_code == 404
