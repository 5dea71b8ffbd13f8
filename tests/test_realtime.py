"""Realtime delivery: who is let in, who receives which event, catch-up, and the durable log."""

import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import events
from app.api.tokens import create_token, revoke_token
from app.extensions import db
from app.models import Community, Event, SocketConnection, User
from app.permissions import can_see_content
from app.posts.replies import create_reply, react
from app.posts.services import delete_post, edit_post, set_pinned
from app.realtime import connections as rt_connections
from app.realtime import last_event_seq, push_events
from app.realtime.push import readers_online, room
from tests import factories
from tests.realtime_helpers import (
    last_seq,
    live_sockets,
    names,
    post,
    received,
    sign_in,
    with_post,
)


def community(app, owner: User, visibility: str, members: list[User] = ()) -> int:
    """A community of the given visibility; returns its id."""
    with app.app_context():
        people = [db.session.get(User, m.id) for m in members]
        return factories.make_community(db.session.get(User, owner.id), visibility, members=people).id


def test_post_created_reaches_readers_with_ids_and_seq_never_content(app, sockets, member, comms):
    reader, author = sockets.connect(sign_in(app, member)), sockets.connect(sign_in(app, comms))
    assert reader.is_connected() and author.is_connected()
    post_id = post(app, comms, "Road closures on Friday #traffic")
    for sio in (reader, author):
        [payload] = received(sio, "post_created")
        assert payload["post_id"] == post_id and payload["author_id"] == comms.id
        assert payload["seq"] == last_seq(app)
        assert payload["name"] == "post_created" and payload["community_id"] is not None
        assert "Road closures" not in json.dumps(payload)


def test_thread_events_reach_readers(app, sockets, member, comms):
    post_id = post(app, comms, "Original words")
    reader = sockets.connect(sign_in(app, member))
    reply_id = with_post(app, post_id, create_reply, member, "A reply with words")
    with_post(app, post_id, react, member, "like")
    with_post(app, post_id, edit_post, comms, "Edited words")
    with_post(app, post_id, delete_post, comms)
    got = [p for p in received(reader) if p["_event"] != "notification_created"]
    assert [p["_event"] for p in got] == ["reply_created", "reaction_updated", "post_updated", "post_deleted"]
    reply, reaction, updated, deleted = got
    assert (reply["post_id"], reply["reply_id"], reply["reply_count"]) == (post_id, reply_id, 1)
    assert reaction["counts"] == {"like": 1}
    assert updated["post_id"] == deleted["post_id"] == post_id
    assert "words" not in json.dumps(got)
    assert [p["seq"] for p in got] == sorted(p["seq"] for p in got)


def test_pinning_reaches_readers(app, sockets, member, moderator):
    post_id = post(app, member, "Pin me")
    reader = sockets.connect(sign_in(app, member))
    with_post(app, post_id, set_pinned, moderator, True)
    [pinned] = received(reader, "post_pinned")
    assert (pinned["post_id"], pinned["pinned"]) == (post_id, True)


def test_notification_goes_only_to_its_person(app, sockets, member, comms, leader):
    post_id = post(app, comms, "Who is on call?")
    author, replier, bystander = (sockets.connect(sign_in(app, u)) for u in (comms, member, leader))
    with_post(app, post_id, create_reply, member, "Me")
    [note] = received(author, "notification_created")
    assert note["kind"] == "post_reply" and note["notification_id"]
    assert received(replier, "notification_created") == []
    assert received(bystander, "notification_created") == []


def test_anonymous_is_refused(app, sockets):
    sio = sockets.connect(app.test_client())
    assert not sio.is_connected()
    bare = sockets.connect(auth={"last_seq": 0})
    assert not bare.is_connected()


def test_signed_in_session_without_a_realtime_key_is_refused(app, sockets, member, login):
    client = login(member, app.test_client())  # session written directly: no sign-in hook ran
    assert not sockets.connect(client).is_connected()
    client.get("/account/security")  # any page gives a signed-in session its key
    assert sockets.connect(client).is_connected()


def test_cross_origin_socket_is_refused(app, sockets, member):
    client = sign_in(app, member)
    assert not sockets.connect(client, headers={"Origin": "http://evil.example"}).is_connected()
    assert sockets.connect(client, headers={"Origin": app.config["BASE_URL"]}).is_connected()
    assert live_sockets(app, member) == 1


def test_engineio_refuses_a_foreign_origin_on_the_wire(app):
    client = app.test_client()
    path = "/socket.io/?EIO=4&transport=polling"
    evil = client.get(path, headers={"Origin": "http://evil.example"})
    assert evil.status_code == 400
    assert client.get(path, headers={"Origin": app.config["BASE_URL"]}).status_code == 200


def test_token_holder_connects_and_receives(app, sockets, member, comms):
    with app.app_context():
        token, plaintext = create_token(db.session.get(User, member.id), "Rota sync")
        db.session.commit()
        token_id = token.id
    sio = sockets.connect(auth={"token": plaintext})
    assert sio.is_connected()
    post_id = post(app, comms, "For scripts too")
    assert [p["post_id"] for p in received(sio, "post_created")] == [post_id]
    for bad in ("rc_not-a-real-token", "", 42, "x" * 5000):
        assert not sockets.connect(auth={"token": bad}).is_connected()
    with app.app_context():
        revoke_token(db.session.get(User, member.id), token_id)
        db.session.commit()
    assert not sockets.connect(auth={"token": plaintext}).is_connected()


@pytest.mark.parametrize("visibility", ["private", "secret"])
def test_intruder_gets_nothing_from_a_closed_community(
    app, sockets, visibility, member, comms, intruder, admin
):
    cid = community(app, comms, visibility, [member])
    clients = {u.id: sockets.connect(sign_in(app, u)) for u in (member, comms, intruder, admin)}
    post_id = post(app, member, "Members only", cid)
    with_post(app, post_id, create_reply, comms, "Still members only")
    for user in (member, comms, admin):
        assert {"post_created", "reply_created"} <= set(names(clients[user.id])), user
    assert names(clients[intruder.id]) == []


def test_recipients_agree_with_can_see_content(app, member, comms, intruder, admin, moderator):
    cids = [community(app, comms, v, [member]) for v in ("public", "private", "secret")]
    people = (member, comms, intruder, admin, moderator)
    with app.app_context():
        db.session.add_all(SocketConnection(sid=f"sid-{u.id}", user_id=u.id, session_key="k") for u in people)
        db.session.commit()
        with Session(bind=db.engine) as own:
            rooms = {cid: set(readers_online(own, cid)) for cid in cids}
        for cid in cids:
            target = db.session.get(Community, cid)
            expected = {room(u.id) for u in people if can_see_content(db.session.get(User, u.id), target)}
            assert rooms[cid] == expected, target.visibility


def test_catch_up_delivers_exactly_the_missed_visible_events(app, sockets, member, comms, intruder):
    cid = community(app, comms, "private", [member])
    member_client, intruder_client = sign_in(app, member), sign_in(app, intruder)
    seen = last_seq(app)
    public_id = post(app, comms, "Everyone")
    private_id = post(app, comms, "Members", cid)
    with_post(app, public_id, create_reply, intruder, "Hi @" + "nobody")
    with app.app_context():
        expected = list(db.session.scalars(select(Event.id).where(Event.id > seen).order_by(Event.id)))
        members = {member.id, comms.id}
        for_member = [e for e in expected if _visible_to(db.session.get(Event, e), member.id, members, cid)]
        for_intruder = [
            e for e in expected if _visible_to(db.session.get(Event, e), intruder.id, members, cid)
        ]
    got = received(sockets.connect(member_client, auth={"last_seq": seen}))
    assert [p["seq"] for p in got] == for_member
    assert private_id in {p.get("post_id") for p in got}
    got = received(sockets.connect(intruder_client, auth={"last_seq": seen}))
    assert [p["seq"] for p in got] == for_intruder
    assert private_id not in {p.get("post_id") for p in got} and public_id in {p.get("post_id") for p in got}
    assert received(sockets.connect(member_client, auth={"last_seq": last_seq(app)})) == []
    assert received(sockets.connect(member_client)) == []  # no last_seq: nothing to catch up


def _visible_to(event: Event, user_id: int, member_ids: set[int], private_cid: int) -> bool:
    if event.user_id is not None:
        return event.user_id == user_id
    return event.community_id != private_cid or user_id in member_ids


def test_a_client_too_far_behind_is_told_to_reload(app, sockets, member, monkeypatch):
    monkeypatch.setattr(rt_connections, "CATCH_UP_LIMIT", 2)
    client = sign_in(app, member)
    seen = last_seq(app)
    for n in range(3):
        post(app, member, f"Post {n}")
    assert [p["_event"] for p in received(sockets.connect(client, auth={"last_seq": seen}))] == [
        "resync_required"
    ]


def test_a_crash_between_commit_and_dispatch_loses_nothing(app, sockets, member, monkeypatch):
    sio = sockets.connect(sign_in(app, member))

    def crash(_events, _session):
        raise RuntimeError("the process died here")

    monkeypatch.setattr(events, "_handlers", [crash, push_events])
    post_id = post(app, member, "Survives")
    assert received(sio) == []
    with app.app_context():
        assert db.session.scalar(select(Event.dispatched).where(Event.name == "post_created")) is False
    monkeypatch.undo()
    with app.app_context():
        assert events.replay() >= 1
        assert db.session.scalar(select(Event.dispatched).where(Event.name == "post_created")) is True
    assert [p["post_id"] for p in received(sio, "post_created")] == [post_id]


def test_rollback_emits_nothing(app, sockets, member):
    from app.posts.services import create_post

    sio = sockets.connect(sign_in(app, member))
    with app.app_context():
        create_post(db.session.get(User, member.id), "Never happened")
        db.session.rollback()
        assert db.session.scalar(select(Event.id).where(Event.name == "post_created")) is None
    assert received(sio) == []


def test_sockets_are_registered_and_forgotten(app, sockets, member):
    client = sign_in(app, member)
    first, second = sockets.connect(client), sockets.connect(client)
    assert live_sockets(app, member) == 2
    first.disconnect()
    assert live_sockets(app, member) == 1
    assert second.is_connected()


def test_every_sign_in_gets_a_fresh_key(app, member):
    client = sign_in(app, member)
    with client.session_transaction() as session:
        first = session["rt_key"]
    client.post("/logout")
    with client.session_transaction() as session:
        assert "rt_key" not in session
    client.post("/login", data={"email": member.email, "password": factories.PASSWORD})
    with client.session_transaction() as session:
        assert len(session["rt_key"]) == 32 and session["rt_key"] != first


def test_last_event_seq_is_the_newest_event(app, member):
    post(app, member, "Latest")
    newest = last_seq(app)
    with app.test_request_context():
        assert last_event_seq() == newest
