"""Audience targeting: nobody outside an update's audience sees it, through pages, the API, feeds,
events, sockets or the digest; and the rule's check, SQL filters and recipient lists agree."""

import json

import pytest
from sqlalchemy import select

from app.extensions import db
from app.leadership.digest import updates_for_digest
from app.leadership.updates import publish_update
from app.models import Community, Notification, Update, User
from app.permissions import can_see_update
from app.permissions.updates import addressed_clause, audience_clause, readers, recipients
from app.posts.replies import create_reply, react
from tests import factories
from tests.api_helpers import api_factory  # noqa: F401
from tests.realtime_helpers import last_seq, received, sign_in, with_post

SECRET = "Restructure of Operations"


@pytest.fixture
def world(app, leader, comms, admin, intruder):
    """An update from comms for the leader to the Operations unit (and below) and a private community."""
    with app.app_context():
        ops = factories.make_unit("Operations")
        north = factories.make_unit("Response North", parent=ops)
        control = factories.make_unit("Control Room")
        people = {
            "child": factories.make_user(name="Nia North", unit=north),
            "parent": factories.make_user(name="Omar Ops", unit=ops),
            "senior": factories.make_user(name="Sam Senior", unit=control),
            "outsider": factories.make_user(name="Olly Outside", unit=control),
            "nobody": factories.make_user(name="Una Unitless"),
        }
        senior = factories.make_community(
            db.session.get(User, comms.id), "private", "Senior team", [people["senior"]]
        )
        row = publish_update(
            db.session.get(User, comms.id),
            title=SECRET,
            body=f"{SECRET}: details inside #restructure @{people['outsider'].handle} @{people['child'].handle}",
            leader_id=leader.id,
            everyone=False,
            community_ids=[senior.id],
            unit_ids=[ops.id],
            ack_required=True,
        )
        db.session.commit()
        ids = {name: user.id for name, user in people.items()}
        return {
            "update_id": row.id,
            "post_id": row.post_id,
            "ids": ids,
            "people": {k: db.session.get(User, v) for k, v in ids.items()},
            "inside": ["child", "parent", "senior"],
            "outside": ["outsider", "nobody"],
        }


def _user(app, user_id):
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def test_the_check_the_sql_filters_and_the_recipient_lists_agree(
    app, world, leader, comms, admin, intruder, member
):
    with app.app_context():
        row = db.session.get(Update, world["update_id"])
        everyone = list(db.session.scalars(select(User)))
        sees = {u.id for u in everyone if can_see_update(u, row)}
        by_sql = {
            u.id
            for u in everyone
            if db.session.scalar(select(Update.id).where(Update.id == row.id, audience_clause(u)))
        }
        addressed = {
            u.id
            for u in everyone
            if db.session.scalar(select(Update.id).where(Update.id == row.id, addressed_clause(u)))
        }
        assert sees == by_sql == set(db.session.scalars(readers(row)))
        assert addressed == set(db.session.scalars(recipients(row)))
        inside = {world["ids"][k] for k in world["inside"]}
        assert addressed == inside
        assert sees == inside | {leader.id, comms.id, admin.id}
        assert intruder.id not in sees and member.id not in sees


def test_pages_show_it_to_the_audience_only(app, client, login, world, leader, intruder):
    post_id, update_id = world["post_id"], world["update_id"]
    with app.app_context():
        all_staff = db.session.scalar(select(Community.slug).where(Community.is_all_staff))
    pages = [
        "/",
        f"/communities/{all_staff}",
        "/leadership",
        "/topics/restructure",
        f"/people/{leader.id}/posts",
        "/leadership/pins",
    ]
    singles = [
        f"/posts/{post_id}",
        f"/posts/{post_id}/card",
        f"/posts/{post_id}/reactions",
        f"/leadership/updates/{update_id}",
    ]
    for name in world["inside"]:
        login(_user(app, world["ids"][name]))
        for path in pages[:3] + singles:
            response = client.get(path)
            assert response.status_code == 200, (name, path)
            assert SECRET.encode() in response.data or path.endswith("/reactions"), (name, path)
    for user in [_user(app, world["ids"][n]) for n in world["outside"]] + [intruder]:
        login(user)
        for path in pages:
            response = client.get(path)
            assert response.status_code == 200 and SECRET.encode() not in response.data, (user.name, path)
        for path in singles:
            assert client.get(path).status_code == 404, (user.name, path)
        assert client.post(f"/leadership/updates/{update_id}/acknowledge").status_code == 404
        assert client.post(f"/posts/{post_id}/react", data={"kind": "like"}).status_code == 404
        assert client.post(f"/posts/{post_id}/replies", data={"body": "hi"}).status_code == 404


def test_the_api_shows_it_to_the_audience_only(app, api, world, intruder):
    post_id, update_id = world["post_id"], world["update_id"]
    with app.app_context():
        all_staff = db.session.scalar(select(Community.id).where(Community.is_all_staff))
    inside = api(_user(app, world["ids"]["child"]))
    assert inside.get(f"/updates/{update_id}").get_json()["title"] == SECRET
    assert [u["id"] for u in inside.get("/updates").get_json()["items"]] == [update_id]
    assert post_id in [e["data"].get("post_id") for e in inside.get("/events").get_json()["items"]]
    for who in [_user(app, world["ids"]["outsider"]), intruder]:
        client = api(who)
        for path in [
            "/updates",
            "/feeds/home",
            f"/communities/{all_staff}/posts",
            "/topics/restructure/posts",
            "/events",
        ]:
            response = client.get(path)
            assert response.status_code == 200 and SECRET.encode() not in response.data, path
        events = client.get("/events").get_json()["items"]
        assert all(e["data"].get("post_id") != post_id for e in events)
        for path in [f"/updates/{update_id}", f"/posts/{post_id}", f"/updates/{update_id}/figures"]:
            assert client.get(path).status_code == 404, path
        assert client.post(f"/updates/{update_id}/acknowledgement").status_code == 404


def test_events_about_it_reach_only_its_audience_live_and_on_catch_up(app, sockets, world, comms):
    child = _user(app, world["ids"]["child"])
    outsider = _user(app, world["ids"]["outsider"])
    inside_sock, outside_sock = sockets.connect(sign_in(app, child)), sockets.connect(sign_in(app, outsider))
    seen = last_seq(app)
    with_post(app, world["post_id"], create_reply, child, "Question about the restructure")
    with_post(app, world["post_id"], react, child, "like")
    got_inside = [p["_event"] for p in received(inside_sock)]
    assert "reply_created" in got_inside and "reaction_updated" in got_inside
    assert received(outside_sock) == []
    # a reconnect after a gap catches up with the same rule
    late = sockets.connect(sign_in(app, outsider), auth={"last_seq": seen - 10})
    assert all(p.get("post_id") != world["post_id"] for p in received(late))
    late_inside = sockets.connect(sign_in(app, child), auth={"last_seq": seen})
    assert {p["_event"] for p in received(late_inside)} >= {"reply_created", "reaction_updated"}


def test_publishing_pushes_to_the_audience_only(app, sockets, leader, comms):
    with app.app_context():
        unit = factories.make_unit("Custody")
        inside = factories.make_user(name="In Custody", unit=unit)
        outside = factories.make_user(name="Not Custody")
    inside_sock = sockets.connect(sign_in(app, inside))
    outside_sock = sockets.connect(sign_in(app, outside))
    with app.app_context():
        row = publish_update(
            db.session.get(User, leader.id),
            title="Custody changes",
            body="Body",
            everyone=False,
            unit_ids=[unit.id],
            ack_required=True,
        )
        db.session.commit()
        post_id = row.post_id
    created = received(inside_sock, "post_created")
    assert [p["post_id"] for p in created] == [post_id] and created[0]["kind"] == "update"
    assert created[0]["ack_required"] is True and "Custody changes" not in json.dumps(created)
    assert received(outside_sock) == []


def test_mentions_outside_the_audience_notify_nobody(app, world):
    with app.app_context():
        notified = set(db.session.scalars(select(Notification.user_id).where(Notification.kind == "mention")))
    assert notified == {world["ids"]["child"]}


def test_the_digest_gets_updates_only_for_their_audience(app, world, leader):
    with app.app_context():
        for name in world["inside"]:
            assert [u.id for u in updates_for_digest(db.session.get(User, world["ids"][name]))] == [
                world["update_id"]
            ]
        for name in world["outside"]:
            assert updates_for_digest(db.session.get(User, world["ids"][name])) == []
        assert updates_for_digest(db.session.get(User, leader.id)) == []  # their own


def test_digest_drops_an_update_once_acknowledged_or_seen(app, world, leader):
    from app.insights.views import record_views
    from app.leadership.updates import acknowledge

    with app.app_context():
        child = db.session.get(User, world["ids"]["child"])
        acknowledge(child, db.session.get(Update, world["update_id"]))
        db.session.commit()
        assert updates_for_digest(child) == []
        fyi = publish_update(db.session.get(User, leader.id), title="FYI", body="No action", everyone=True)
        db.session.commit()
        assert [u.id for u in updates_for_digest(child)] == [fyi.id]
        record_views(child, [fyi.post_id])
        db.session.commit()
        assert updates_for_digest(child) == []


def test_moving_into_the_unit_brings_the_update_with_it(app, client, login, world):
    with app.app_context():
        outsider = db.session.get(User, world["ids"]["outsider"])
        outsider.unit_id = db.session.scalar(select(User.unit_id).where(User.id == world["ids"]["child"]))
        db.session.commit()
    login(_user(app, world["ids"]["outsider"]))
    assert SECRET.encode() in client.get("/").data


def test_the_dashboard_lists_an_update_only_to_those_in_its_audience(app, world):
    from app.insights.filters import parse_filters
    from app.insights.sections import build_section

    with app.app_context(), app.test_request_context():
        other_comms = factories.make_user(name="Other Comms", role="comms")
        for viewer, listed in ((other_comms, False), (db.session.get(User, world["ids"]["senior"]), True)):
            viewer.role = "comms"
            filters = parse_filters({}, viewer)
            titles = [r["label"] for r in build_section("updates", filters, viewer, 5).table("updates").rows]
            assert (SECRET in titles) is listed, viewer.name
