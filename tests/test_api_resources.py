"""API people, units, communities, feeds, notifications and events: status codes and JSON shapes."""

from sqlalchemy import func, select

from app.communities.services import all_staff as get_all_staff
from app.extensions import db
from app.models import Membership, Notification, User, utcnow
from tests import factories
from tests.api_helpers import api_factory, community, error_fields, post  # noqa: F401

USER_KEYS = {"id", "name", "handle", "former_member", "job_title", "unit", "staff_type", "role", "bio"}
COMMUNITY_KEYS = {
    "id",
    "name",
    "slug",
    "description",
    "visibility",
    "is_all_staff",
    "archived",
    "member_count",
    "my_status",
}


def test_me(api, member):
    body = api(member).get("/me").get_json()
    assert set(body) == USER_KEYS | {"email", "token"}
    assert body["name"] == member.name and body["role"] == "member"


def test_users_list_filter_pagination_and_one_person(app, api, member, comms, leader):
    with app.app_context():
        unit = factories.make_unit("Response North")
        leaver = factories.make_user(name="Lee Leaver")
        db.session.get(User, leaver.id).deactivated_at = utcnow()
        db.session.get(User, comms.id).unit_id = unit.id
        db.session.commit()
        leaver_id, unit_id = leaver.id, unit.id
    client = api(member)
    first = client.get("/users?limit=2").get_json()
    assert len(first["items"]) == 2 and first["next_cursor"] == first["items"][-1]["id"]
    rest = client.get(f"/users?limit=2&cursor={first['next_cursor']}").get_json()
    ids = [u["id"] for u in first["items"] + rest["items"]]
    assert ids == sorted(ids) and set(ids) == {member.id, comms.id, leader.id}
    assert leaver_id not in ids
    assert set(first["items"][0]) == USER_KEYS
    assert [u["name"] for u in client.get("/users?q=casey").get_json()["items"]] == [comms.name]
    by_unit = client.get(f"/users?unit_id={unit_id}").get_json()["items"]
    assert [u["id"] for u in by_unit] == [comms.id] and by_unit[0]["unit"]["name"] == "Response North"
    assert "q" in error_fields(client.get("/users?q=" + "x" * 101))
    assert "unit_id" in error_fields(client.get("/users?unit_id=abc"))
    assert client.get(f"/users/{comms.id}").get_json()["name"] == comms.name
    former = client.get(f"/users/{leaver_id}").get_json()
    assert former["former_member"] is True


def test_units(app, api, member):
    with app.app_context():
        ops = factories.make_unit("Operations")
        factories.make_unit("Response North", parent=ops)
        db.session.commit()
    body = api(member).get("/units").get_json()
    assert [u["path"] for u in body["items"]] == ["Operations", "Operations › Response North"]
    assert body["next_cursor"] is None


def test_communities_list_get_join_leave(app, api, comms, member, all_staff):
    public = community(app, comms, "public", name="Cycling club")
    private = community(app, comms, "private", name="Firearms unit")
    client = api(member)
    body = client.get("/communities").get_json()
    by_id = {c["id"]: c for c in body["items"]}
    assert set(by_id) == {all_staff.id, public, private} and body["next_cursor"] is None
    assert set(by_id[public]) == COMMUNITY_KEYS
    assert by_id[all_staff.id]["my_status"] == "member" and by_id[public]["my_status"] is None
    assert by_id[public]["member_count"] == 1
    assert client.get("/communities?limit=1").get_json()["next_cursor"] == all_staff.id
    joined = client.post(f"/communities/{public}/join")
    assert joined.status_code == 200 and joined.get_json()["my_status"] == "member"
    assert joined.get_json()["member_count"] == 2
    assert client.get(f"/communities/{public}").get_json()["my_status"] == "member"
    assert client.post(f"/communities/{private}/join").status_code == 403
    left = client.post(f"/communities/{public}/leave")
    assert left.status_code == 200 and left.get_json()["my_status"] is None
    assert "community" in error_fields(client.post(f"/communities/{all_staff.id}/leave"))
    assert "community" in error_fields(api(comms).post(f"/communities/{public}/leave"))  # the only owner
    with app.app_context():
        assert db.session.get(Membership, (private, member.id)) is None


def test_feeds(app, api, comms, member):
    cid = community(app, comms, "public", members=(member,))
    older = post(app, comms, "Older #rota", cid)
    newer = post(app, member, "Newer #rota")
    client = api(member)
    home = client.get("/feeds/home").get_json()
    assert [p["id"] for p in home["items"]] == [newer, older] and home["next_cursor"] is None
    page = client.get("/feeds/home?limit=1").get_json()
    assert [p["id"] for p in page["items"]] == [newer] and page["next_cursor"] == newer
    assert [p["id"] for p in client.get(f"/feeds/home?limit=1&cursor={newer}").get_json()["items"]] == [older]
    assert [p["id"] for p in client.get("/topics/ROTA/posts").get_json()["items"]] == [newer, older]
    assert [p["id"] for p in client.get(f"/users/{comms.id}/posts").get_json()["items"]] == [older]


def test_community_feed_has_pinned_posts_first_on_the_first_page_only(app, api, comms, member):
    cid = community(app, comms, "public", members=(member,))
    ids = [post(app, member, f"Post {i}", cid) for i in range(5)]
    owner = api(comms)
    assert owner.post(f"/posts/{ids[1]}/pin", json={"pinned": True}).status_code == 200
    first = api(member).get(f"/communities/{cid}/posts?limit=2").get_json()
    assert [p["id"] for p in first["items"]] == [ids[1], ids[4], ids[3]]
    assert first["items"][0]["pinned"] is True and first["next_cursor"] == ids[3]
    rest = api(member).get(f"/communities/{cid}/posts?limit=10&cursor={first['next_cursor']}").get_json()
    assert [p["id"] for p in rest["items"]] == [ids[2], ids[0]] and rest["next_cursor"] is None


def test_notifications_list_and_mark_read(app, api, member, comms):
    pid = post(app, member, "Notify me")
    api(comms).post(f"/posts/{pid}/replies", json={"body": "A reply"})
    api(comms).put(f"/posts/{pid}/reaction", json={"kind": "like"})
    client = api(member)
    body = client.get("/notifications").get_json()
    kinds = [n["kind"] for n in body["items"]]
    assert kinds == ["reaction", "post_reply"] and body["next_cursor"] is None
    first = body["items"][0]
    assert first["actor"]["id"] == comms.id and first["read_at"] is None and first["data"]["post_id"] == pid
    assert client.get("/notifications?limit=1").get_json()["next_cursor"] == first["id"]
    assert client.post("/notifications/read", json={"id": first["id"]}).get_json() == {"marked": 1}
    assert client.post("/notifications/read", json={"id": 999999}).status_code == 404
    assert "id" in error_fields(client.post("/notifications/read", json={"id": "all"}))
    assert client.post("/notifications/read").get_json() == {"marked": 1}
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Notification.read_at.is_(None))) == 0


def test_cannot_mark_someone_elses_notification(app, api, member, comms, intruder):
    pid = post(app, member, "Notify me")
    api(comms).put(f"/posts/{pid}/reaction", json={"kind": "like"})
    with app.app_context():
        nid = db.session.scalar(select(Notification.id))
    assert api(intruder).post("/notifications/read", json={"id": nid}).status_code == 404
    with app.app_context():
        assert db.session.get(Notification, nid).read_at is None


def test_events_after_seq(app, api, member, comms):
    client = api(member)
    start = client.get("/events").get_json()
    assert set(start) == {"items", "last_seq", "has_more"}
    seq = start["last_seq"]
    pid = post(app, comms, "Event me")
    body = client.get(f"/events?after={seq}").get_json()
    created = [e for e in body["items"] if e["name"] == "post_created"]
    assert [e["data"]["post_id"] for e in created] == [pid]
    assert set(created[0]) == {"seq", "name", "created_at", "community_id", "data"}
    with app.app_context():
        assert created[0]["community_id"] == get_all_staff().id
    assert body["last_seq"] == body["items"][-1]["seq"] > seq
    again = client.get(f"/events?after={body['last_seq']}").get_json()
    assert again["items"] == [] and again["last_seq"] == body["last_seq"]
    assert len(client.get("/events?limit=1").get_json()["items"]) == 1
    for bad in ("-1", "abc", "1e3", "9" * 40):
        assert "after" in error_fields(client.get(f"/events?after={bad}"))
