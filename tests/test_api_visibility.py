"""The intruder, through every API list, feed and event, never sees private or secret content or names."""

import pytest

from tests.api_helpers import api_factory, community, post  # noqa: F401

SECRET_WORDS = (b"Nightjar", b"Secret plan", b"Private stuff", b"Hush reply")


@pytest.fixture
def world(app, api, comms, member, intruder):
    """A secret and a private community with posts, replies, reactions and a mention of the intruder."""
    secret = community(app, comms, "secret", name="Operation Nightjar", members=(member,))
    private = community(app, comms, "private", name="Firearms unit", members=(member,))
    secret_post = post(app, member, f"Secret plan #ops @{intruder.handle}", secret)
    private_post = post(app, member, "Private stuff #ops", private)
    public_post = post(app, member, "Open to all #ops")
    insider = api(comms)
    insider.post(f"/posts/{secret_post}/replies", json={"body": "Hush reply"})
    insider.put(f"/posts/{secret_post}/reaction", json={"kind": "like"})
    insider.post(f"/posts/{secret_post}/pin", json={"pinned": True})
    return {
        "secret": secret,
        "private": private,
        "secret_post": secret_post,
        "private_post": private_post,
        "public_post": public_post,
    }


def _leaks(response) -> list[bytes]:
    return [word for word in SECRET_WORDS if word in response.data]


def test_lists_feeds_and_events_hide_everything_private(app, api, world, member, intruder):
    client = api(intruder)
    for path in [
        "/feeds/home",
        "/topics/ops/posts",
        f"/users/{member.id}/posts",
        "/communities",
        "/events",
        "/events?after=0&limit=500",
        "/notifications",
        f"/users/{member.id}",
        "/users",
        f"/posts/{world['public_post']}",
        f"/posts/{world['public_post']}/replies",
        "/me",
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert _leaks(response) == [], path
    home = client.get("/feeds/home").get_json()["items"]
    assert [p["id"] for p in home] == [world["public_post"]]
    names = {c["name"] for c in client.get("/communities").get_json()["items"]}
    assert "Firearms unit" in names  # private communities are listed, their content is not
    events = client.get("/events").get_json()["items"]
    assert not {e["community_id"] for e in events} & {world["secret"], world["private"]}
    assert client.get("/notifications").get_json()["items"] == []  # the mention in the secret post


def test_direct_access_is_404_for_secret_and_403_or_404_for_private(app, api, world, intruder):
    client = api(intruder)
    secret, private = world["secret"], world["private"]
    for method, path in [
        ("GET", f"/communities/{secret}"),
        ("GET", f"/communities/{secret}/posts"),
        ("POST", f"/communities/{secret}/join"),
        ("POST", f"/communities/{secret}/leave"),
    ]:
        response = client.open(method, path)
        assert response.status_code == 404 and _leaks(response) == [], path
    assert client.get(f"/communities/{private}").status_code == 200
    assert client.get(f"/communities/{private}/posts").status_code == 403
    assert client.post(f"/communities/{private}/join").status_code == 403
    for pid in (world["secret_post"], world["private_post"]):
        for method, path in [
            ("GET", f"/posts/{pid}"),
            ("GET", f"/posts/{pid}/replies"),
            ("GET", f"/posts/{pid}/reactions"),
            ("GET", f"/posts/{pid}/revisions"),
            ("POST", f"/posts/{pid}/replies"),
            ("PUT", f"/posts/{pid}/reaction"),
            ("PATCH", f"/posts/{pid}"),
            ("DELETE", f"/posts/{pid}"),
            ("POST", f"/posts/{pid}/pin"),
        ]:
            response = client.open(method, path, json={"body": "sneaky", "kind": "like", "pinned": False})
            assert response.status_code == 404, (method, path)
            assert _leaks(response) == []


def test_members_see_it_all(app, api, world, member):
    client = api(member)
    home = [p["id"] for p in client.get("/feeds/home").get_json()["items"]]
    assert set(home) == {world["public_post"], world["private_post"], world["secret_post"]}
    names = {c["name"] for c in client.get("/communities").get_json()["items"]}
    assert {"Operation Nightjar", "Firearms unit"} <= names
    feed = client.get(f"/communities/{world['secret']}/posts").get_json()["items"]
    assert feed[0]["id"] == world["secret_post"] and feed[0]["pinned"] is True
    assert any(e["community_id"] == world["secret"] for e in client.get("/events").get_json()["items"])


def test_admin_sees_secret_communities(app, api, world, admin):
    names = {c["name"] for c in api(admin).get("/communities").get_json()["items"]}
    assert "Operation Nightjar" in names
