"""Notifications: the page, marking read, and preferences that mute kinds and communities."""

from sqlalchemy import func, select

from app.extensions import db
from app.models import Notification, User
from app.posts import replies, services
from tests.factories import make_community


def _count(app, user):
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(Notification).where(Notification.user_id == user.id)
        )


def test_page_lists_and_marks_read(app, client, login, member, comms):
    with app.app_context():
        post = services.create_post(db.session.get(User, member.id), "Kit room is open")
        replies.create_reply(db.session.get(User, comms.id), post, "Thanks!")
        db.session.commit()
    login(member)
    page = client.get("/notifications")
    assert b"replied to your post" in page.data and b"data-unread-count>1<" in page.data
    client.post("/notifications/read", data={"id": "abc"})  # not a number: marks all, no 500
    assert b"data-unread-count" not in client.get("/notifications").data


def test_muting_a_kind_and_a_community(app, client, login, member, comms):
    with app.app_context():
        community = make_community(
            db.session.get(User, comms.id), "public", members=[db.session.get(User, member.id)]
        )
        community_id = community.id
    login(member)
    assert client.get("/notifications/settings").status_code == 200
    kinds = ["mention", "post_reply", "thread_reply"]  # reactions off
    client.post("/notifications/settings", data={"kind": kinds, "mute_community": [str(community_id), "x"]})
    with app.app_context():
        post = services.create_post(db.session.get(User, member.id), "in all staff")
        replies.react(db.session.get(User, comms.id), post, "like")
        muted_post = services.create_post(
            db.session.get(User, member.id), "in muted", db.session.get(type(community), community_id)
        )
        replies.create_reply(db.session.get(User, comms.id), muted_post, "reply in muted community")
        replies.create_reply(db.session.get(User, comms.id), post, "reply in all staff")
        db.session.commit()
    assert _count(app, member) == 1
