"""Vision updates: publishing (leaders, and comms for a leader), the pinned acknowledgement, live unpin,
figures by unit, and the one reminder (notification now, email from the job runner)."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.leadership.updates import acknowledge, publish_update, send_reminder_emails
from app.models import Notification, Post, Update, UpdateReceipt, User
from tests import factories
from tests.api_helpers import api_factory  # noqa: F401
from tests.realtime_helpers import received, sign_in


def publish(app, author, **kwargs) -> int:
    """Publish through the service and commit; returns the update id."""
    with app.app_context():
        fields = {
            "title": "Winter plan",
            "body": "Here is how we'll get through winter.",
            "ack_required": True,
        }
        row = publish_update(db.session.get(User, author.id), **{**fields, **kwargs})
        db.session.commit()
        return row.id


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_a_leader_publishes_from_the_form(app, client, login, leader, member, comms):
    login(leader)
    response = client.post(
        "/leadership/updates/new",
        data={
            "title": "Our priorities",
            "body": "**Three** things matter this year.",
            "audience": "everyone",
            "ack_required": "1",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        row = db.session.scalar(select(Update))
        assert (row.post.kind, row.post.community.is_all_staff, row.post.author_id) == (
            "update",
            True,
            leader.id,
        )
        receipts = set(db.session.scalars(select(UpdateReceipt.user_id)))
        assert receipts == {member.id, comms.id}  # everyone but the leader
        notified = set(
            db.session.scalars(select(Notification.user_id).where(Notification.kind == "update_published"))
        )
        assert notified == {member.id, comms.id}
    page = client.get(response.headers["Location"]).data.decode()
    assert "Our priorities" in page and "<strong>Three</strong>" in page and "Who has read it" in page


def test_an_update_without_acknowledgement_notifies_nobody_and_pins_nothing(
    app, client, login, leader, member
):
    publish(app, leader, ack_required=False)
    assert count(app, Notification, Notification.kind == "update_published") == 0
    login(member)
    pins, feed = client.get("/").data.decode().split('id="update-pins"')[1].split('id="feed"')
    assert pins.split(">")[0].endswith(" hidden") and "<article" not in pins
    assert "Winter plan" in feed and "Acknowledge" not in feed


def test_comms_publish_for_a_leader_and_it_says_so(app, client, login, comms, leader, member):
    login(comms)
    page = client.get("/leadership/updates/new").data.decode()
    assert "On behalf of" in page and leader.name in page
    refused = client.post("/leadership/updates/new", data={"title": "T", "body": "B", "audience": "everyone"})
    assert refused.status_code == 422 and b"Choose the leader this update is from" in refused.data
    not_a_leader = client.post(
        "/leadership/updates/new",
        data={"title": "T", "body": "B", "audience": "everyone", "leader_id": member.id},
    )
    assert not_a_leader.status_code == 422
    ok = client.post(
        "/leadership/updates/new",
        data={"title": "From the chief", "body": "B", "audience": "everyone", "leader_id": leader.id},
    )
    assert ok.status_code == 302
    login(member)
    home = client.get("/").data.decode()
    assert f"Posted by {comms.name} for {leader.name}" in home
    with app.app_context():
        row = db.session.scalar(select(Update))
        assert (row.leader_id, row.posted_by_id, row.post.author_id) == (leader.id, comms.id, leader.id)


def test_a_leader_speaks_only_for_themselves(app, client, login, leader):
    with app.app_context():
        other = factories.make_user(name="Other Leader", role="leader")
    login(leader)
    assert b"On behalf of" not in client.get("/leadership/updates/new").data
    response = client.post(
        "/leadership/updates/new",
        data={"title": "T", "body": "B", "audience": "everyone", "leader_id": other.id},
    )
    assert response.status_code == 422 and count(app, Update) == 0


@pytest.mark.parametrize("who", ["member", "moderator", "intruder"])
def test_others_cannot_publish(request, client, login, api, who):
    user = request.getfixturevalue(who)
    login(user)
    assert client.get("/leadership/updates/new").status_code == 403
    assert client.post("/leadership/updates/new", data={"title": "T", "body": "B"}).status_code == 403
    assert api(user).post("/updates", json={"title": "T", "body": "B"}).status_code == 403
    assert b"Publish an update" not in client.get("/leadership").data


@pytest.mark.parametrize(
    "data,field,message",
    [
        ({"title": "", "body": "B"}, "title", b"Give the update a title"),
        ({"title": "x" * 161, "body": "B"}, "title", b"under 160"),
        ({"title": "T", "body": ""}, "body", b"Write something"),
        ({"title": "T", "body": "x" * 5001}, "body", b"under 5,000"),
        (
            {"title": "T", "body": "B", "audience": "chosen"},
            "audience",
            b"choose at least one community or unit",
        ),
        (
            {"title": "T", "body": "B", "audience": "chosen", "community_ids": "abc"},
            "community_ids",
            b"Choose from the list",
        ),
        (
            {"title": "T", "body": "B", "audience": "chosen", "community_ids": "999999"},
            "community_ids",
            b"Choose communities",
        ),
        (
            {"title": "T", "body": "B", "audience": "chosen", "unit_ids": "999999"},
            "unit_ids",
            b"Choose units",
        ),
        ({"title": "T", "body": "B", "objective_id": "999999"}, "objective_id", b"Choose an objective"),
        ({"title": "T", "body": "B", "objective_id": "x" * 300}, "objective_id", b"Choose an option"),
    ],
)
def test_bad_updates_keep_the_text_and_store_nothing(app, client, login, leader, data, field, message):
    login(leader)
    response = client.post("/leadership/updates/new", data={"audience": "everyone", **data})
    assert response.status_code == 422 and message in response.data, response.data[-3000:]
    if data.get("title"):
        assert data["title"][:40].encode() in response.data
    assert count(app, Update) == 0 and count(app, Post) == 0


def test_a_secret_community_the_author_cannot_see_is_refused(app, client, login, leader, comms):
    with app.app_context():
        secret = factories.make_community(db.session.get(User, comms.id), "secret", "Hidden")
    login(leader)
    response = client.post(
        "/leadership/updates/new",
        data={"title": "T", "body": "B", "audience": "chosen", "community_ids": secret.id},
    )
    assert response.status_code == 422 and b"Hidden" not in response.data


def test_pinned_until_acknowledged_then_in_the_feed(app, client, login, leader, member):
    update_id = publish(app, leader)
    login(member)
    home = client.get("/").data.decode()
    pins, feed = home.split('id="update-pins"')[1].split('id="feed"')
    assert "Winter plan" in pins and "Acknowledge" in pins and "Winter plan" not in feed
    answer = client.post(
        f"/leadership/updates/{update_id}/acknowledge", headers={"X-Requested-With": "fetch"}
    )
    assert answer.status_code == 200 and "You acknowledged this" in answer.get_data(as_text=True)
    assert client.post(f"/leadership/updates/{update_id}/acknowledge").status_code == 302  # again: harmless
    home = client.get("/").data.decode()
    pins, feed = home.split('id="update-pins"')[1].split('id="feed"')
    assert "Winter plan" not in pins and "Winter plan" in feed and "You acknowledged this" in feed
    assert client.get("/leadership/pins").data.count(b"article") == 0


def test_acknowledging_what_isnt_asked_or_isnt_mine(app, client, login, leader, member):
    asked, not_asked = publish(app, leader), publish(app, leader, ack_required=False)
    login(leader)
    assert client.post(f"/leadership/updates/{asked}/acknowledge").status_code == 422  # my own
    login(member)
    assert client.post(f"/leadership/updates/{not_asked}/acknowledge").status_code == 422
    assert client.post("/leadership/updates/99999/acknowledge").status_code == 404


def test_acknowledging_unpins_live_in_my_other_tabs_only(app, sockets, leader, member, comms):
    update_id = publish(app, leader)
    mine, theirs = sockets.connect(sign_in(app, member)), sockets.connect(sign_in(app, comms))
    with app.app_context():
        acknowledge(db.session.get(User, member.id), db.session.get(Update, update_id))
        db.session.commit()
        post_id = db.session.get(Update, update_id).post_id
    [event] = received(mine, "update_acknowledged")
    assert (event["update_id"], event["post_id"]) == (update_id, post_id)
    assert received(theirs, "update_acknowledged") == []


def test_leaders_see_who_has_read_it_by_unit_and_recipients_dont(app, client, login, api, leader, member):
    with app.app_context():
        unit = factories.make_unit("Response")
        people = [factories.make_user(name=f"Resp {i}", unit=unit) for i in range(5)]
    update_id = publish(app, leader)
    with app.app_context():
        from app.site_settings import set_setting

        set_setting("insights_privacy_threshold", "1")  # small groups are tested with the dashboard
        for person in people[:2]:
            acknowledge(db.session.get(User, person.id), db.session.get(Update, update_id))
        db.session.commit()
    login(leader)
    page = client.get(f"/leadership/updates/{update_id}").data.decode()
    assert "Who has read it" in page and "Response" in page and "Remind them (once)" in page
    figures = api(leader).get(f"/updates/{update_id}/figures").get_json()
    assert figures["units"] == [
        {"unit": "No unit recorded", "recipients": 1, "acknowledged": 0, "seen": 0, "not_yet": 1},  # member
        {"unit": "Response", "recipients": 5, "acknowledged": 2, "seen": 0, "not_yet": 3},
    ]
    assert figures["total"] == {
        "recipients": 6,
        "acknowledged": 2,
        "seen": 0,
        "not_yet": 4,
    }  # member has no unit
    login(member)
    assert "Who has read it" not in client.get(f"/leadership/updates/{update_id}").data.decode()
    assert api(member).get(f"/updates/{update_id}/figures").status_code == 403


def test_remind_the_rest_once_by_notification_and_email(app, client, login, leader, member, comms):
    update_id = publish(app, leader)
    with app.app_context():
        acknowledge(db.session.get(User, comms.id), db.session.get(Update, update_id))
        db.session.commit()
    login(member)
    assert client.post(f"/leadership/updates/{update_id}/remind").status_code == 403
    login(leader)
    assert client.post(f"/leadership/updates/{update_id}/remind").status_code == 302
    reminded = count(app, Notification, Notification.kind == "update_reminder")
    assert reminded == 1  # the member; comms already acknowledged
    again = client.post(f"/leadership/updates/{update_id}/remind", follow_redirects=True)
    assert b"A reminder was already sent" in again.data
    assert count(app, Notification, Notification.kind == "update_reminder") == 1
    from pathlib import Path

    outbox = Path(app.config["OUTBOX_DIR"])
    before = len(list(outbox.glob("*.eml"))) if outbox.exists() else 0
    with app.app_context():
        assert send_reminder_emails() == 1
        assert send_reminder_emails() == 0  # once
    mails = sorted(outbox.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)[before:]
    assert len(mails) == 1
    text = mails[0].read_text()
    assert (
        member.email in text
        and "Please acknowledge: Winter plan" in text
        and f"/leadership/updates/{update_id}" in text
    )


def test_someone_who_acknowledges_before_the_email_goes_is_not_emailed(app, leader, member):
    update_id = publish(app, leader)
    with app.app_context():
        from app.leadership.updates import remind

        remind(db.session.get(User, leader.id), db.session.get(Update, update_id))
        acknowledge(db.session.get(User, member.id), db.session.get(Update, update_id))
        db.session.commit()
        assert send_reminder_emails() == 0


def test_home_costs_the_same_queries_with_one_or_several_pinned_updates(
    app, client, login, leader, member, count_queries
):
    publish(app, leader)
    login(member)
    client.get("/")
    with count_queries() as one:
        client.get("/")
    for i in range(4):
        publish(app, leader, title=f"More {i}")
    with count_queries() as several:
        client.get("/")
    assert one() == several()


def test_api_publish_read_and_acknowledge(app, api, leader, member):
    writer = api(leader)
    created = writer.post("/updates", json={"title": "Via API", "body": "Hello", "ack_required": True})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert (
        body["title"] == "Via API" and body["leader"]["id"] == leader.id and body["addressed_to_me"] is False
    )
    reader = api(member)
    got = reader.get(f"/updates/{body['id']}").get_json()
    assert got["addressed_to_me"] is True and got["acknowledged_at"] is None
    ack = reader.post(f"/updates/{body['id']}/acknowledgement")
    assert ack.status_code == 200 and ack.get_json()["acknowledged_at"]
    assert api(member, "read").post(f"/updates/{body['id']}/acknowledgement").status_code == 403
    for bad, field in (
        ({"title": 3, "body": "x"}, "title"),
        ({"title": "T", "body": "x", "everyone": "yes"}, "everyone"),
        ({"title": "T", "body": "x", "community_ids": "1"}, "community_ids"),
        ({"title": "T", "body": "x", "everyone": False, "unit_ids": [True]}, "unit_ids"),
        ({"title": "T", "body": "x", "objective_id": 2**40}, "objective_id"),
    ):
        response = writer.post("/updates", json=bad)
        assert response.status_code == 422 and field in response.get_json()["error"]["fields"], bad


def test_seeing_an_update_gives_late_joiners_a_receipt(app, client, login, leader):
    update_id = publish(app, leader)
    with app.app_context():
        late = factories.make_user(name="Late Joiner")
        post_id = db.session.get(Update, update_id).post_id
    login(late)
    assert client.post("/insights/views", json={"post_ids": [post_id]}).status_code == 204
    with app.app_context():
        receipt = db.session.get(UpdateReceipt, (update_id, late.id))
        assert receipt is not None and receipt.seen_at is not None and receipt.acknowledged_at is None
