"""Post, reply and reaction services; feeds; the event log's data flow."""

import pytest
from sqlalchemy import func, select

from app import events
from app.errors import PermissionDenied, ValidationError
from app.extensions import db
from app.feeds import follows, queries
from app.models import Event, Notification, Post, Reaction, Revision, User
from app.posts import replies, services
from tests.factories import make_community


def _get(model, id_):
    return db.session.get(model, id_)


@pytest.fixture
def people(ctx, member, comms, intruder, moderator):
    return {
        k: _get(User, u.id)
        for k, u in {"member": member, "comms": comms, "intruder": intruder, "moderator": moderator}.items()
    }


def test_post_to_all_staff_by_default_renders_and_records_event(people):
    post = services.create_post(people["member"], "Hello **team** #Wellbeing @" + people["comms"].handle)
    db.session.commit()
    assert post.community.is_all_staff
    assert "<strong>team</strong>" in post.body_html and 'href="/topics/wellbeing"' in post.body_html
    assert f'href="/people/{people["comms"].id}"' in post.body_html
    names = db.session.scalars(
        select(Event.name).where(Event.name != "user_created").order_by(Event.id)
    ).all()
    assert names == ["notification_created", "post_created"]
    note = db.session.scalar(select(Notification).where(Notification.user_id == people["comms"].id))
    assert note.kind == "mention" and note.data["post_id"] == post.id


@pytest.mark.parametrize(
    "body,message", [("", "Write something"), ("   \n ", "Write something"), ("x" * 5001, "under 5,000")]
)
def test_bad_bodies_are_refused_and_nothing_is_stored(people, body, message):
    with pytest.raises(ValidationError) as exc:
        services.create_post(people["member"], body)
    assert message in exc.value.fields["body"]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Post)) == 0
    assert db.session.scalar(select(func.count()).where(Event.name != "user_created")) == 0


def test_cannot_post_in_a_private_community_without_membership(people):
    private = make_community(people["comms"], "private")
    with pytest.raises(ValidationError):
        services.create_post(people["intruder"], "let me in", private)


def test_mentioning_someone_who_cannot_read_the_community_does_not_notify(people):
    private = make_community(people["comms"], "private")
    services.create_post(people["comms"], f"hey @{people['intruder'].handle}", private)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0


def test_edit_keeps_revisions_and_only_author_may_edit(people):
    post = services.create_post(people["member"], "first")
    db.session.commit()
    services.edit_post(people["member"], post, "second")
    db.session.commit()
    assert post.edited_at is not None and post.body_source == "second"
    assert [r.body_source for r in services.revisions(people["member"], post)] == ["first"]
    assert services.revisions(people["moderator"], post)
    with pytest.raises(PermissionDenied):
        services.edit_post(people["comms"], post, "hijack")
    with pytest.raises(PermissionDenied):
        services.revisions(people["comms"], post)


def test_delete_is_soft_and_allowed_to_author_and_moderators(people):
    post = services.create_post(people["member"], "oops")
    db.session.commit()
    with pytest.raises(PermissionDenied):
        services.delete_post(people["comms"], post)
    services.delete_post(people["moderator"], post)
    db.session.commit()
    assert post.status == "deleted" and post.deleted_by_id == people["moderator"].id
    assert db.session.get(Post, post.id) is not None
    assert queries.paginate(people["member"], queries.home_feed(people["member"])).items == []


def test_pin_requires_community_admin(people):
    community = make_community(people["comms"], "public", members=[people["member"]])
    post = services.create_post(people["member"], "pin me", community)
    db.session.commit()
    with pytest.raises(PermissionDenied):
        services.set_pinned(people["member"], post, True)
    services.set_pinned(people["comms"], post, True)
    db.session.commit()
    assert db.session.scalars(queries.pinned_posts(community)).all() == [post]


def test_replies_notify_author_and_followers_and_count(people):
    post = services.create_post(people["member"], "Who's on the late shift?")
    db.session.commit()
    replies.create_reply(people["comms"], post, "Me")
    db.session.commit()
    replies.create_reply(people["moderator"], post, "Me too")
    db.session.commit()
    assert post.reply_count == 2
    kinds = db.session.execute(
        select(Notification.user_id, Notification.kind).order_by(Notification.id)
    ).all()
    assert (people["member"].id, "post_reply") in kinds
    assert (people["comms"].id, "thread_reply") in kinds  # comms follows after replying
    replies.set_thread_follow(people["comms"], post, False)
    replies.create_reply(people["member"], post, "Thanks both")
    db.session.commit()
    later = db.session.scalars(
        select(Notification.user_id).where(Notification.data["reply_id"].isnot(None))
    ).all()
    assert later.count(people["comms"].id) == 1


def test_reply_edit_delete_and_count(people):
    post = services.create_post(people["member"], "post")
    reply = replies.create_reply(people["comms"], post, "reply")
    db.session.commit()
    replies.edit_reply(people["comms"], reply, "reply edited")
    replies.delete_reply(people["comms"], reply)
    db.session.commit()
    assert post.reply_count == 0 and reply.status == "deleted"
    assert db.session.scalar(select(Revision.body_source).where(Revision.reply_id == reply.id)) == "reply"


def test_one_reaction_per_person_changeable(people):
    post = services.create_post(people["member"], "nice work team")
    db.session.commit()
    replies.react(people["comms"], post, "like")
    replies.react(people["comms"], post, "celebrate")
    assert replies.react(people["moderator"], post, "celebrate") == {"celebrate": 2}
    assert replies.react(people["comms"], post, None) == {"celebrate": 1}
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Reaction)) == 1
    with pytest.raises(ValidationError):
        replies.react(people["comms"], post, "angry")


def test_home_feed_has_my_communities_follows_and_not_others(people):
    private = make_community(people["comms"], "private")
    public = make_community(people["comms"], "public")
    services.create_post(people["comms"], "private news", private)
    followed_post = services.create_post(people["comms"], "public news", public)
    own = services.create_post(people["member"], "all staff news")
    db.session.commit()
    member = people["member"]
    assert queries.paginate(member, queries.home_feed(member)).items == [own]
    follows.set_following_person(member, people["comms"], True)
    db.session.commit()
    assert queries.paginate(member, queries.home_feed(member)).items == [own, followed_post]


def test_cursor_pagination(people):
    posts = [services.create_post(people["member"], f"post {i}") for i in range(5)]
    db.session.commit()
    first = queries.paginate(people["member"], queries.home_feed(people["member"]), limit=2)
    assert [p.id for p in first.items] == [posts[4].id, posts[3].id]
    second = queries.paginate(people["member"], queries.home_feed(people["member"]), first.next_cursor, 2)
    third = queries.paginate(people["member"], queries.home_feed(people["member"]), second.next_cursor, 2)
    assert [p.id for p in second.items] == [posts[2].id, posts[1].id]
    assert [p.id for p in third.items] == [posts[0].id] and third.next_cursor is None


def test_topic_feed_respects_visibility(people):
    secret = make_community(people["comms"], "secret")
    services.create_post(people["comms"], "#opharbour secret briefing", secret)
    services.create_post(people["comms"], "#opharbour public appeal")
    db.session.commit()
    topic = follows.get_topic("OpHarbour")
    assert len(queries.paginate(people["intruder"], queries.topic_feed(people["intruder"], topic)).items) == 1
    assert len(queries.paginate(people["comms"], queries.topic_feed(people["comms"], topic)).items) == 2


def test_rollback_dispatches_nothing_and_commit_dispatches_once(people):
    seen = []

    def spy(batch, session):
        seen.extend(e.name for e in batch)

    events.subscribe(spy)
    try:
        services.create_post(people["member"], "never happened")
        db.session.rollback()
        assert seen == []
        services.create_post(people["member"], "happened")
        db.session.commit()
        assert seen == ["post_created"]
        assert db.session.scalar(select(Event.dispatched).where(Event.name == "post_created")) is True
    finally:
        events._handlers.remove(spy)


def test_crash_between_commit_and_dispatch_loses_nothing(people):
    delivered = []

    def broken(batch, session):
        raise RuntimeError("socket server down")

    events.subscribe(broken)
    try:
        services.create_post(people["member"], "survives the crash")
        db.session.commit()
    finally:
        events._handlers.remove(broken)
    assert db.session.scalar(select(Event.dispatched).where(Event.name == "post_created")) is False
    events.subscribe(lambda batch, session: delivered.extend(e.name for e in batch))
    try:
        assert events.replay() == 1
    finally:
        events._handlers.pop()
    assert delivered == ["post_created"]
    assert events.replay() == 0


def test_unregistered_event_name_is_refused(ctx):
    with pytest.raises(ValueError):
        events.record("post_exploded")


def test_mention_suggestions_skip_former_members(people):
    from app.models import utcnow

    people["comms"].deactivated_at = utcnow()
    db.session.commit()
    names = [u.name for u in follows.suggest_people("C")]
    assert "Casey Comms" not in names
    assert follows.suggest_people("%") == [] or all(
        u.deactivated_at is None for u in follows.suggest_people("%")
    )


def test_a_savepoint_does_not_dispatch_before_the_real_commit(people):
    """Regression: SQLAlchemy fires after_commit when a savepoint is released."""
    seen = []

    def spy(batch, session):
        seen.extend(e.name for e in batch)

    events.subscribe(spy)
    try:
        services.create_post(people["member"], "#brandnewtopic")  # topic creation uses a savepoint
        assert seen == []
        db.session.commit()
        assert seen == ["post_created"]
    finally:
        events._handlers.remove(spy)
