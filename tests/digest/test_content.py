"""What goes in each person's digest: permissions (intruder, private, secret), seen and notified
items left out, muted communities, no repeats across periods, and nothing for leavers."""

from datetime import timedelta

from app.digest import periods
from app.extensions import db
from app.insights.views import record_views
from app.leadership.updates import acknowledge, publish_update
from app.learning.rsvps import respond
from app.models import Community, DigestSend, LearningSession, Membership, Update, User, utcnow
from app.posts.replies import create_reply, react
from tests.digest.helpers import digest_for, opt_in, post, post_ids, send
from tests.learning.helpers import schedule
from tests.links_helpers import post_id_of, share


def test_a_member_gets_conversations_from_every_community_they_belong_to(app, world, member):
    with app.app_context():
        digest = digest_for(member)
        assert {p.id for p in digest.conversations} == {
            world.all_staff_post,
            world.public_post,
            world.private_post,
            world.secret_post,
        }
        assert not digest.is_empty


def test_the_intruder_never_gets_private_or_secret_content(app, world, intruder, comms):
    link = share(app, comms, "https://example.org/kestrel", community_ids=[world.secret])
    session_id = schedule(app, comms, community_id=world.private)
    with app.app_context():
        digest = digest_for(intruder)
        ids = post_ids(digest)
        assert world.private_post not in ids and world.secret_post not in ids
        assert world.public_post not in ids  # public, but not one of their communities
        assert ids == {world.all_staff_post}
        assert post_id_of(app, link) not in ids
        assert db.session.get(LearningSession, session_id).post_id not in ids


def test_leaving_a_private_community_takes_its_content_out_at_once(app, world, member):
    with app.app_context():
        db.session.query(Membership).filter_by(user_id=member.id, community_id=world.private).delete()
        db.session.commit()
        assert world.private_post not in post_ids(digest_for(member))


def test_editorial_picks_are_curated_links_with_why_it_matters_one_per_share(
    app, world, comms, member, intruder
):
    everyone = share(app, comms, "https://example.org/report", why="Shapes our neighbourhood plan.")
    twice = share(app, comms, "https://example.org/twice", community_ids=[world.public, world.private])
    private = share(app, comms, "https://example.org/range", community_ids=[world.private])
    with app.app_context():
        picks = digest_for(member).editorial
        assert [p.link.id for p in picks if p.link][0] == private  # newest first
        shares = [p.link.share_id for p in picks]
        assert len(shares) == len(set(shares)) == 3  # the link shared to two communities comes once
        assert {p.link.id for p in picks} >= {everyone, private}
        assert (
            "Shapes our neighbourhood plan."
            in next(p for p in picks if p.link.id == everyone).post.body_source
        )
        # The public community's copy is visible to anyone; the private ones are not.
        assert {p.link.id for p in digest_for(intruder).editorial} == {everyone, twice}


def test_seen_and_notified_posts_are_left_out(app, world, member, leader):
    mention = post(app, leader, f"@{member_handle(app, member)} can you cover Friday?")
    with app.app_context():
        person = db.session.get(User, member.id)
        assert mention not in post_ids(digest_for(member))  # they were notified of it
        record_views(person, [world.public_post])
        db.session.commit()
        ids = post_ids(digest_for(member))
        assert world.public_post not in ids and world.private_post in ids


def member_handle(app, member) -> str:
    with app.app_context():
        return db.session.get(User, member.id).handle


def test_own_posts_are_left_out(app, world, comms):
    with app.app_context():
        ids = post_ids(digest_for(comms))
        assert not {world.all_staff_post, world.public_post, world.private_post, world.secret_post} & ids


def test_top_conversations_are_ranked_by_replies_and_reactions(app, world, member, leader, intruder):
    with app.app_context():
        busy = db.session.get(User, leader.id)
        from app.models import Post

        target = db.session.get(Post, world.all_staff_post)
        create_reply(busy, target, "Count me in")
        react(db.session.get(User, intruder.id), target, "like")
        db.session.commit()
        assert digest_for(member).conversations[0].id == world.all_staff_post


def test_leadership_updates_until_acknowledged(app, member, leader):
    with app.app_context():
        row = publish_update(
            db.session.get(User, leader.id), title="Our plan for 2027", body="Read this", ack_required=True
        )
        db.session.commit()
        assert [u.id for u in digest_for(member).updates] == [row.id]
        acknowledge(db.session.get(User, member.id), db.session.get(Update, row.id))
        db.session.commit()
        assert digest_for(member).updates == []


def test_upcoming_sessions_they_can_see_and_havent_answered(app, world, comms, member, intruder):
    open_id = schedule(app, comms)
    private_id = schedule(app, comms, community_id=world.private)
    far_id = schedule(app, comms, starts_at=(utcnow() + timedelta(days=30)).replace(microsecond=0))
    with app.app_context():
        assert [s.id for s in digest_for(member).sessions] == sorted([open_id, private_id])
        assert [s.id for s in digest_for(intruder).sessions] == [open_id]
        respond(db.session.get(User, member.id), db.session.get(LearningSession, open_id), "going")
        db.session.commit()
        assert [s.id for s in digest_for(member).sessions] == [private_id]
        assert far_id not in [s.id for s in digest_for(member).sessions]


def test_a_muted_community_is_left_out(app, world, member):
    opt_in(app, member, "weekly", [world.private, world.secret])
    with app.app_context():
        ids = post_ids(digest_for(member))
        assert world.private_post not in ids and world.secret_post not in ids and world.public_post in ids


def test_nothing_repeats_across_periods(app, world, member, clock):
    opt_in(app, member, "weekly")
    clock(utcnow())
    assert send(app, "weekly").sent == 1
    opt_in(app, member, "daily")
    clock(utcnow() + timedelta(days=1))
    assert send(app, "daily").sent == 0  # everything new was in the weekly one: nothing to send
    fresh = post(app, world_owner(app, world), "New rota published", world.public)
    report = send(app, "daily")
    assert report.sent == 1
    with app.app_context():
        sends = db.session.query(DigestSend).order_by(DigestSend.id).all()
        assert [s.period for s in sends] == ["weekly", "daily"] and sends[1].item_count == 1
        assert post_ids(digest_for(member, "daily")) == set()
    assert fresh


def world_owner(app, world) -> User:
    with app.app_context():
        owner = db.session.get(Community, world.public).created_by
        db.session.expunge(owner)
        return owner


def test_deactivated_people_get_nothing(app, world, member):
    opt_in(app, member)
    with app.app_context():
        db.session.get(User, member.id).deactivated_at = utcnow()
        db.session.commit()
        assert digest_for(member).is_empty
    assert send(app, "weekly").sent == 0


def test_an_empty_digest_is_not_sent(app, intruder, clock):
    opt_in(app, intruder)
    report = send(app, "weekly")
    assert (report.sent, report.empty) == (0, 1)
    with app.app_context():
        assert db.session.query(DigestSend).count() == 0


def test_period_keys_follow_the_organisations_clock():
    from datetime import UTC, datetime

    from app import create_app

    app = create_app("testing", DATABASE_URL="sqlite://")
    with app.app_context():
        late_sunday = datetime(2026, 6, 14, 23, 30, tzinfo=UTC)  # 00:30 Monday in London (BST)
        assert periods.period_key("weekly", late_sunday) == "weekly:2026-W25"
        assert periods.period_key("daily", late_sunday) == "daily:2026-06-15"
        assert periods.is_due("weekly", datetime(2026, 6, 15, 6, 0, tzinfo=UTC))  # 07:00 BST Monday
        assert not periods.is_due("weekly", datetime(2026, 6, 15, 5, 59, tzinfo=UTC))
        assert periods.is_due("weekly", datetime(2026, 6, 17, 3, 0, tzinfo=UTC))  # a worker down on Monday
        assert not periods.is_due("daily", datetime(2026, 6, 17, 5, 0, tzinfo=UTC))
    db.dispose(app)
